"""Evaluation: how well a similarity ranking agrees with answer keys it never reads (issue 15, "How well").

    python benchmarks/evaluate_similarity.py --store STORE [--onet DIR] [--esco DIR] [--crosswalk FILE]
        [--method NAME ...] [--sample N --seed S] [--verify N] [--half all|tuning|held-out]

STORE holds O*NET 29.0 and ESCO v1.1.1 but not the ESCO to O*NET crosswalk (the script refuses a store holding it,
and says how to make a copy without it). The release folders default to ../shared/data beside the checkout. Figures:

1. O*NET: mean recall@10 of each occupation's Related Occupations (Primary-Short and Primary-Long tiers of
   ``Related Occupations.txt``) among its 10 most similar O*NET occupations, over every occupation with ratings (rows
   in Skills.txt or Knowledge.txt) and at least one related occupation in the store.
2. ESCO -> O*NET: for every ESCO occupation of the official crosswalk, whether one of the crosswalk's O*NET codes for
   it is among its top 5 (and top 1) O*NET occupations.
3. ESCO within itself: the share of each occupation's top 10 ESCO occupations in its ISCO-08 unit group (the
   ``iscoGroup`` column of occupations_en.csv); a top list shorter than 10 counts the missing places as misses.

The release files are read here as answer keys only; no method sees them. Each figure is printed with the count it
is over, its best possible value and, per method, its value and the seconds the ranking took: one column per method
of :data:`METHODS` (all of them by default), so a new ranking is one more entry there and one more column.

``--half`` evaluates one fixed half of the queries: an occupation is in the tuning half where the SHA-256 of its IRI
is even. ``facet-cosine`` (rolegraph align's ranking) had its facet weights tuned on the tuning half only; the
held-out half tells whether they generalise.

Today's ranking (``jaccard``) is rolegraph's ``similar-roles``: ranking one occupation through the library takes about
a second, so the script ranks in Python from one read of the same role links, and checks on ``--verify`` occupations
(half O*NET, half ESCO) that the order is the library's, failing (exit 1) if it is not.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import heapq
import os
import platform
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

from rdflib import URIRef

import rolegraph
from rolegraph.compare.similarity import similar_roles
from rolegraph.errors import RolegraphError
from rolegraph.sparql.engines import QueryEngine, select
from rolegraph.sparql.queries import get_query
from rolegraph.sparql.results import ResultTable

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ROLEGRAPH_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"
ONET_DEFAULT = DATA / "onet" / "29.0"
ESCO_DEFAULT = DATA / "esco" / "v1.1.1"
CROSSWALK_DEFAULT = DATA / "crosswalks" / "esco_onet" / "ESCO_to_ONET-SOC_2019_with_esco_v1.1.1_uris.csv"

ONET_OCCUPATION = "https://w3id.org/rolegraph/id/onet/occupation/"
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"
RG = "https://w3id.org/rolegraph/vocab#"
CODE = re.compile(r"^\d\d-\d\d\d\d\.\d\d$")
PRIMARY = ("Primary-Short", "Primary-Long")


class UsageError(Exception):
    """Bad input to the script: a message for the user, exit 2."""


class EvaluationError(Exception):
    """The figures would not measure what they say (the fast ranking differs, a key is an input): exit 1."""


# ---------------------------------------------------------------------------------------------------------------
# Metrics


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """The share of ``relevant`` among the first ``k`` of ``ranked`` (``relevant`` must not be empty)."""
    if not relevant:
        raise ValueError("recall of an empty set of relevant items")
    return len(set(ranked[:k]) & set(relevant)) / len(set(relevant))


def hit_at_k(ranked: Sequence[str], targets: Collection[str], k: int) -> bool:
    """Whether any of ``targets`` is among the first ``k`` of ``ranked``."""
    return not set(ranked[:k]).isdisjoint(targets)


def same_group_share(ranked: Sequence[str], group_of: Mapping[str, str], group: str, k: int) -> float:
    """The share of the ``k`` places at the top of ``ranked`` held by items of ``group`` (empty places are misses)."""
    return sum(1 for item in ranked[:k] if group_of.get(item) == group) / k


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


# ---------------------------------------------------------------------------------------------------------------
# Answer keys (read from the releases; never an input to a ranking)


def _require(path: Path, what: str, option: str) -> Path:
    if not path.exists():
        raise UsageError(f"{path}: no {what} here; pass {option} (the release folders sit in ../shared/data beside "
                         "the checkout by default).")  # fmt: skip
    return path


def _rows(path: Path, columns: Sequence[str], delimiter: str) -> Iterable[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=delimiter)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise UsageError(f"{path}: missing column(s) {', '.join(missing)}; is this the right file?")
            yield from reader
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"{path}: cannot read it ({error}).") from None


def onet_code(iri: str) -> str:
    return iri.removeprefix(ONET_OCCUPATION)


def rated_occupations(onet: Path) -> set[str]:
    """O*NET-SOC codes with rows in Skills.txt or Knowledge.txt."""
    codes: set[str] = set()
    for name in ("Skills.txt", "Knowledge.txt"):
        path = onet / name
        if path.exists():
            codes |= {row["O*NET-SOC Code"].strip() for row in _rows(path, ["O*NET-SOC Code"], "\t")}
    return codes


def related_occupations(onet: Path) -> dict[str, set[str]]:
    """Each O*NET-SOC code's Primary-Short and Primary-Long related codes."""
    path = _require(onet / "Related Occupations.txt", "O*NET Related Occupations.txt", "--onet DIR")
    related: dict[str, set[str]] = defaultdict(set)
    columns = ["O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier"]
    for row in _rows(path, columns, "\t"):
        if row["Relatedness Tier"].strip() in PRIMARY:
            related[row["O*NET-SOC Code"].strip()].add(row["Related O*NET-SOC Code"].strip())
    return dict(related)


def crosswalk_codes(path: Path) -> dict[str, set[str]]:
    """Each ESCO occupation URI's O*NET-SOC codes in the ESCO to O*NET-SOC crosswalk (rows of occupations)."""
    _require(path, "ESCO to O*NET-SOC crosswalk file", "--crosswalk FILE")
    columns = ["conceptType", "conceptUri (ESCO v1.1.1)", "O*NET-SOC 2019 Code"]
    codes: dict[str, set[str]] = defaultdict(set)
    for row in _rows(path, columns, ","):
        uri, code = row["conceptUri (ESCO v1.1.1)"].strip(), row["O*NET-SOC 2019 Code"].strip()
        if row["conceptType"].strip() == "Occupation" and uri and CODE.match(code):
            codes[uri].add(code)
    return dict(codes)


def isco_groups(esco: Path) -> dict[str, str]:
    """Each ESCO occupation URI's ISCO-08 unit group code."""
    path = _require(esco / "occupations_en.csv", "ESCO occupations_en.csv", "--esco DIR")
    return {row["conceptUri"].strip(): row["iscoGroup"].strip()
            for row in _rows(path, ["conceptUri", "iscoGroup"], ",") if row["iscoGroup"].strip()}  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# Methods


class Method(Protocol):
    """A similarity ranking under evaluation."""

    name: str
    version: str
    """What exactly was measured (the code and its version), printed above the table."""

    def top(self, role: str, candidates: Collection[str], k: int) -> list[str]:
        """The ``k`` roles of ``candidates`` (IRIs, never ``role`` itself) most similar to ``role``, best first."""
        ...


def _table(engine: QueryEngine, text: str) -> ResultTable:
    answer = engine.execute(text)
    assert isinstance(answer, ResultTable)
    return answer


FACETS = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rg: <{RG}>
SELECT DISTINCT ?role ?category ?node WHERE {{
  {{ ?link rg:comparisonCategory ?category ; rdfs:subPropertyOf rg:roleLink . ?role ?link ?node . }}
  UNION
  {{ ?role rg:recommendedCertification/rg:issuedBy ?node . rg:issuedBy rg:comparisonCategory ?category . }}
}}"""
"""The (category, node) pairs of every role, as ``rank-similar-roles`` counts them."""

LINKS = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rg: <{RG}>
SELECT DISTINCT ?link WHERE {{ ?link rg:comparisonCategory ?category ; rdfs:subPropertyOf rg:roleLink . }}"""

LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?role ?label WHERE { ?role rdfs:label ?label . FILTER(langMatches(lang(?label), "en")) }"""


@dataclass
class Jaccard:
    """rolegraph's ``similar-roles`` ranking (Jaccard over the exact (category, node) pairs of ``rank-similar-roles``),
    computed in Python from one read of the role links; :meth:`check` compares it with the library's."""

    engine: QueryEngine
    name: str = "jaccard"
    version: str = ""
    facets: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    holders: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    sort_label: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        digest = hashlib.sha256(get_query("rank-similar-roles").text.encode()).hexdigest()[:12]
        self.version = f"rolegraph {rolegraph.__version__}, queries/rank-similar-roles.rq sha256 {digest}"
        links = {str(row.link) for row in _table(self.engine, LINKS)}
        if RG + "relatedOccupation" in links:  # the answer key of the O*NET figure would be an input
            raise EvaluationError("rg:relatedOccupation is a compared role link: the ranking reads O*NET's Related "
                               "Occupations, the answer key of the O*NET figure")  # fmt: skip
        facets: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for row in _table(self.engine, FACETS):
            facets[str(row.role)].add((str(row.category), str(row.node)))
        self.facets = {role: frozenset(pairs) for role, pairs in facets.items()}
        holders: dict[tuple[str, str], list[str]] = defaultdict(list)
        for role, pairs in self.facets.items():
            for pair in pairs:
                holders[pair].append(role)
        self.holders = dict(holders)
        labels: dict[str, str] = {}
        for row in _table(self.engine, LABELS):
            role, label = str(row.role), str(row.label).lower()
            if role in self.facets and (role not in labels or label < labels[role]):
                labels[role] = label  # the query sorts by LCASE(label): a role's first row has its least label
        self.sort_label = {role: labels.get(role, role.lower()) for role in self.facets}

    def ranking(self, role: str) -> list[tuple[str, int, Fraction]]:
        """Every role sharing a pair with ``role``: (IRI, shared pairs, Jaccard), in the library's order."""
        mine = self.facets.get(role, frozenset())
        shared: dict[str, int] = defaultdict(int)
        for pair in mine:
            for other in self.holders[pair]:
                if other != role:
                    shared[other] += 1
        scored = [(other, n, Fraction(n, len(mine) + len(self.facets[other]) - n)) for other, n in shared.items()]
        scored.sort(key=lambda item: (-item[2], -item[1], self.sort_label[item[0]], item[0]))
        return scored

    def top(self, role: str, candidates: Collection[str], k: int) -> list[str]:
        mine = self.facets.get(role, frozenset())
        shared: dict[str, int] = defaultdict(int)
        for pair in mine:
            for other in self.holders[pair]:
                if other != role and other in candidates:
                    shared[other] += 1
        size = len(mine)
        # The float of n / d is exact enough: IEEE division rounds correctly, so equal fractions give equal floats,
        # and fractions of these small terms differ by far more than a float's precision (ranking() checks it).
        best = heapq.nsmallest(
            k,
            shared.items(),
            key=lambda item: (
                -item[1] / (size + len(self.facets[item[0]]) - item[1]),
                -item[1],
                self.sort_label[item[0]],
                item[0],
            ),
        )
        return [other for other, _ in best]

    def check(self, roles: Iterable[str]) -> list[float]:
        """Compare the ranking of ``roles`` with the library's (``rank-similar-roles`` in full, ``similar_roles``'s
        top 10); raise EvaluationError on the first difference. Returns the seconds each ``similar_roles`` call took."""
        seconds: list[float] = []
        for role in roles:
            ranking = self.ranking(role)
            ours = [(other, n) for other, n, _ in ranking]
            fast = self.top(role, self.facets.keys(), len(ranking))
            if fast != [other for other, _, _ in ranking]:
                raise EvaluationError(f"the float ranking of {role} differs from the exact one")
            library: list[tuple[str, int]] = []
            seen: set[str] = set()
            for row in select(self.engine, "rank-similar-roles", {"role": URIRef(role)}):
                if str(row.other) not in seen:  # a role with two English labels has a row per label
                    seen.add(str(row.other))
                    library.append((str(row.other), int(row.shared)))
            start = time.perf_counter()
            top = [(s.iri, s.shared) for s in similar_roles(self.engine, URIRef(role), limit=10, stored=False)]
            seconds.append(time.perf_counter() - start)
            if ours != library or ours[:10] != top:
                where = next((i for i, (a, b) in enumerate(zip(ours, library, strict=False)) if a != b), None)
                raise EvaluationError(
                    f"the fast Jaccard ranking of {role} differs from the library's ({len(ours)} against "
                    f"{len(library)} roles; first difference at place {where}): the figures would not be today's"
                )
        return seconds


@dataclass
class FacetCosine:
    """rolegraph align's ranking (:func:`rolegraph.align.similarity.rank_roles`, with no concept mappings): each
    role's 25 best roles of every source, computed once for all roles; a figure's candidates are taken in its
    order."""

    engine: QueryEngine
    name: str = "facet-cosine"
    version: str = ""
    ranked: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from rolegraph.align.similarity import METHOD, METHOD_VERSION, rank_roles

        self.version = f"rolegraph {rolegraph.__version__}, {METHOD} {METHOD_VERSION} (rank_roles, no mappings)"
        ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for s in rank_roles(self.engine, [], per_source=True):
            ranked[s.role].append((s.rank, s.other))
        self.ranked = {role: [other for _, other in sorted(found)] for role, found in ranked.items()}

    def top(self, role: str, candidates: Collection[str], k: int) -> list[str]:
        return [other for other in self.ranked.get(role, []) if other in candidates][:k]


CONCEPT_MAPPINGS = """PREFIX rg: <https://w3id.org/rolegraph/vocab#>
SELECT ?subject ?predicate ?object ?confidence
WHERE {
  ?record rg:mappingSubject ?subject ; rg:mappingPredicate ?predicate ; rg:mappingObject ?object ;
    rg:confidence ?confidence .
}
"""


def concept_mappings(engine: QueryEngine) -> list[Any]:
    """The concept mappings a store's alignment holds (mappings between roles left out: they come from a ranking)."""
    from rolegraph.align.mapping import Mapping as Mapped
    from rolegraph.align.similarity import read_roles

    roles = set(read_roles(engine).roles)
    answer = engine.execute(CONCEPT_MAPPINGS)
    assert isinstance(answer, ResultTable)
    return [
        Mapped(str(s), str(p), str(o), float(str(c)), "stored", "")
        for s, p, o, c in answer.rows
        if str(s) not in roles and str(o) not in roles
    ]


@dataclass
class AlignedFacetCosine(FacetCosine):
    """:class:`FacetCosine` with the concept mappings the store's alignment holds (`rolegraph align`), as align
    ranks: matched concepts count across sources."""

    name: str = "facet-cosine+mappings"

    def __post_init__(self) -> None:
        from rolegraph.align.similarity import METHOD, METHOD_VERSION, rank_roles

        mappings = concept_mappings(self.engine)
        if not mappings:
            raise EvaluationError("the store holds no concept mappings: run `rolegraph align` on it first")
        self.version = f"rolegraph {rolegraph.__version__}, {METHOD} {METHOD_VERSION} ({len(mappings):,} mappings)"
        ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for s in rank_roles(self.engine, mappings, per_source=True):
            ranked[s.role].append((s.rank, s.other))
        self.ranked = {role: [other for _, other in sorted(found)] for role, found in ranked.items()}


METHODS: dict[str, Callable[[QueryEngine], Method]] = {
    "jaccard": Jaccard,
    "facet-cosine": FacetCosine,
    "facet-cosine+mappings": AlignedFacetCosine,
}
"""The rankings the script can evaluate, by name; each is made from the store's engine."""


# ---------------------------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class Measure:
    """A figure's measure: its title, a query's score given its top list, and the best score a query can have."""

    title: str
    score: Callable[[str, list[str]], float]
    best: Callable[[str], float]


@dataclass
class Figure:
    """One ranking task: the queries, the candidates each is ranked among, how many top places count, and the
    measures taken on each query's top list."""

    queries: list[str]
    candidates: frozenset[str]
    k: int
    measures: list[Measure]


@dataclass
class Result:
    values: list[float]
    """The mean of each measure over the queries."""
    seconds: float
    """The time the method took to rank the figure's queries."""
    empty: int
    """Queries for which the method ranked no candidate at all."""


def evaluate(method: Method, figure: Figure) -> Result:
    """``method``'s mean scores on ``figure``'s queries."""
    scores: list[list[float]] = [[] for _ in figure.measures]
    empty = 0
    seconds = 0.0
    for query in figure.queries:
        start = time.perf_counter()
        ranked = method.top(query, figure.candidates, figure.k)
        seconds += time.perf_counter() - start
        if query in ranked:
            raise EvaluationError(f"{method.name} ranks {query} among its own most similar roles")
        empty += not ranked
        for measure, out in zip(figure.measures, scores, strict=True):
            out.append(measure.score(query, ranked))
    return Result([mean(out) for out in scores], seconds, empty)


HALVES = ("all", "tuning", "held-out")


def half_of(iri: str) -> str:
    """The fixed half an occupation belongs to: "tuning" where the SHA-256 of its IRI is even (weights are tuned on
    those only), "held-out" otherwise."""
    return "tuning" if int(hashlib.sha256(iri.encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def sample(items: Iterable[str], n: int | None, rng: random.Random) -> list[str]:
    ordered = sorted(items)
    return ordered if n is None or n >= len(ordered) else sorted(rng.sample(ordered, n))


def figures(engine: QueryEngine, args: argparse.Namespace) -> list[Figure]:
    """The three figures of the issue, from the answer keys and the occupations in the store."""
    rows = _table(engine, f"""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?role WHERE {{ ?role a ?class . ?class rdfs:subClassOf <{RG}Role> . }}""")  # fmt: skip
    roles = {str(row.role) for row in rows}
    onet = frozenset(r for r in roles if r.startswith(ONET_OCCUPATION))
    esco = frozenset(r for r in roles if r.startswith(ESCO_OCCUPATION))
    if not onet or not esco:
        raise UsageError(f"{args.store}: the store holds {len(onet)} O*NET and {len(esco)} ESCO occupations; import "
                         "both releases (rolegraph import onet DIR, rolegraph import esco DIR).")  # fmt: skip
    rng = random.Random(args.seed)
    half = getattr(args, "half", "all")

    def in_half(items: Iterable[str]) -> list[str]:
        return [item for item in items if half == "all" or half_of(item) == half]

    rated = rated_occupations(args.onet)
    related = {ONET_OCCUPATION + code: {ONET_OCCUPATION + c for c in codes} & onet
               for code, codes in related_occupations(args.onet).items() if code in rated}  # fmt: skip
    related = {role: codes for role, codes in related.items() if role in onet and codes}

    crosswalk = {uri: {ONET_OCCUPATION + c for c in codes} & onet
                 for uri, codes in crosswalk_codes(args.crosswalk).items() if uri in esco}  # fmt: skip
    crosswalk = {uri: codes for uri, codes in crosswalk.items() if codes}

    group_of = {uri: group for uri, group in isco_groups(args.esco).items() if uri in esco}
    group_size: dict[str, int] = defaultdict(int)
    for group in group_of.values():
        group_size[group] += 1
    k = 10

    return [
        Figure(sample(in_half(related), args.sample, rng), onet, 10, [
            Measure("O*NET: recall@10 of Related Occupations (Primary)",
                    lambda q, ranked: recall_at_k(ranked, related[q], 10),
                    lambda q: min(10, len(related[q])) / len(related[q]))]),
        Figure(sample(in_half(crosswalk), args.sample, rng), onet, 5, [
            Measure("ESCO -> O*NET: crosswalk code in top 5 (hit@5)",
                    lambda q, ranked: float(hit_at_k(ranked, crosswalk[q], 5)), lambda q: 1.0),
            Measure("ESCO -> O*NET: crosswalk code at top 1 (hit@1)",
                    lambda q, ranked: float(hit_at_k(ranked, crosswalk[q], 1)), lambda q: 1.0)]),
        Figure(sample(in_half(group_of), args.sample, rng), esco, k, [
            Measure("ESCO: share of top 10 in the same ISCO-08 unit group",
                    lambda q, ranked: same_group_share(ranked, group_of, group_of[q], k),
                    lambda q: min(k, group_size[group_of[q]] - 1) / k)]),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# The store


ALIGNMENT_GRAPHS = "https://w3id.org/rolegraph/graph/alignment/"
KEY_IN_STORE = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
ASK {{
  GRAPH ?graph {{ ?a ?match ?b . }}
  VALUES ?match {{ skos:closeMatch skos:exactMatch skos:narrowMatch skos:broadMatch skos:relatedMatch }}
  FILTER((STRSTARTS(STR(?a), "http://data.europa.eu/esco/") && STRSTARTS(STR(?b), "{ONET_OCCUPATION}"))
      || (STRSTARTS(STR(?b), "http://data.europa.eu/esco/") && STRSTARTS(STR(?a), "{ONET_OCCUPATION}")))
  FILTER(!STRSTARTS(STR(?graph), "{ALIGNMENT_GRAPHS}"))
}}"""
"""Whether a graph of the store maps ESCO to O*NET occupations (the matches ``rolegraph import crosswalk`` stores);
the alignment's own graph does not count: ``rolegraph align`` computes its role mappings from the ranking."""


def refuse_answer_key(engine: QueryEngine, store: str, crosswalks: Sequence[str]) -> None:
    if engine.execute(KEY_IN_STORE) is True:
        held = f" ({'; '.join(crosswalks)})" if crosswalks else ""
        raise UsageError(
            f"{store}: this store holds ESCO to O*NET matches{held}, the answer key of the ESCO -> O*NET figure, "
            f"which no ranking may read. Evaluate a copy without them: cp -a {store} COPY && python -m rolegraph "
            "--store COPY remove crosswalk; then pass --store COPY."
        )


def machine() -> str:
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (f"python {platform.python_version()}, {os.cpu_count()} cores{load}, rolegraph {rolegraph.__version__}, "
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")  # fmt: skip


def report(figures_: list[Figure], methods: list[Method], results: dict[tuple[int, str], Result]) -> list[str]:
    """The table: a row per measure, a column per method; then the seconds each method took to rank each figure's
    queries, and how many of them it ranked no candidate for."""
    head = ["figure", "over", "best"] + [m.name for m in methods]
    rows = [head]
    for i, figure in enumerate(figures_):
        for j, measure in enumerate(figure.measures):
            best = mean(measure.best(q) for q in figure.queries)
            rows.append([measure.title, f"{len(figure.queries):,}", f"{best:.3f}"]
                        + [f"{results[i, m.name].values[j]:.3f}" for m in methods])  # fmt: skip
    for i, figure in enumerate(figures_):
        rows.append([f"  seconds ranking: {figure.measures[0].title.split(':')[0]}", "", ""]
                    + [f"{results[i, m.name].seconds:.1f}" for m in methods])  # fmt: skip
    rows.append(
        ["  queries ranked no candidate (per task)", "", ""]
        + [" / ".join(str(results[i, m.name].empty) for i in range(len(figures_))) for m in methods]
    )
    widths = [max(len(row[c]) for row in rows) for c in range(len(head))]
    return [
        "  ".join(
            cell.ljust(w) if c == 0 else cell.rjust(w) for c, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", required=True, help="a store with O*NET and ESCO, without the crosswalk")
    parser.add_argument("--onet", type=Path, default=ONET_DEFAULT, help="the O*NET release folder (the key)")
    parser.add_argument("--esco", type=Path, default=ESCO_DEFAULT, help="the ESCO release folder (the key)")
    parser.add_argument("--crosswalk", type=Path, default=CROSSWALK_DEFAULT, help="the ESCO to O*NET-SOC crosswalk")
    parser.add_argument("--method", action="append", choices=sorted(METHODS), help="a ranking (default: all)")
    parser.add_argument("--sample", type=int, help="evaluate N random queries per figure (default: all)")
    parser.add_argument("--seed", type=int, default=15, help="the seed of --sample and --verify")
    parser.add_argument("--verify", type=int, default=10, help="occupations checked against the library's ranking")
    parser.add_argument("--half", choices=HALVES, default="all",
                        help="evaluate the queries of one fixed half only (weights are tuned on 'tuning')")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        if args.sample is not None and args.sample < 1:
            raise UsageError("--sample must be at least 1.")
        for path, what, option in ((args.onet, "O*NET release folder", "--onet DIR"),
                                   (args.esco, "ESCO release folder", "--esco DIR")):  # fmt: skip
            if not path.is_dir():
                raise UsageError(f"{path}: no {what} here; pass {option} (default: ../shared/data beside the "
                                 "checkout).")  # fmt: skip
        if not args.crosswalk.is_file():
            raise UsageError(f"{args.crosswalk}: no ESCO to O*NET-SOC crosswalk file here; pass --crosswalk FILE "
                             "(default: ../shared/data beside the checkout).")  # fmt: skip
        if not (Path(args.store) / "CURRENT").exists():
            raise UsageError(f"{args.store}: no rolegraph store here; pass --store PATH (a store with O*NET and "
                             "ESCO imported).")  # fmt: skip
        return run(args)
    except UsageError as error:
        print(f"evaluate_similarity: {error}", file=sys.stderr)
        return 2
    except RolegraphError as error:
        print(f"evaluate_similarity: {error}", file=sys.stderr)
        return 2
    except EvaluationError as error:
        print(f"evaluate_similarity: FAILED: {error}", file=sys.stderr)
        return 1


def run(args: argparse.Namespace) -> int:
    with rolegraph.open_store(args.store) as graph:
        engine = graph.engine
        from rolegraph.store.database import RoleStore

        with RoleStore.open(args.store) as store:
            crosswalks = [info.title for info in store.sources() if info.family == "crosswalk"]
        refuse_answer_key(engine, args.store, crosswalks)
        figures_ = figures(engine, args)
        print(machine())
        print(f"store {args.store}; keys: {args.onet}, {args.esco}, {args.crosswalk}; queries: {args.half} "
              "(halves: sha256 of the occupation IRI even = tuning)")  # fmt: skip
        methods: list[Method] = []
        library = float("nan")
        for name in args.method or sorted(METHODS):
            start = time.perf_counter()
            try:
                method = METHODS[name](engine)
            except EvaluationError as error:
                if args.method:  # asked for by name: it must run
                    raise
                print(f"{name}: skipped ({error})")
                continue
            print(f"{name}: {method.version}; prepared in {time.perf_counter() - start:.1f} s")
            if isinstance(method, Jaccard) and args.verify > 0:
                rng = random.Random(args.seed)
                onet, esco = figures_[0].queries, figures_[2].queries
                chosen = sample(onet, (args.verify + 1) // 2, rng) + sample(esco, args.verify // 2, rng)
                library = mean(method.check(chosen))
                print(f"  its ranking equals the library's (rank-similar-roles in full, similar_roles' top 10) on "
                      f"{len(chosen)} occupations")  # fmt: skip
            methods.append(method)
        results = {(i, m.name): evaluate(m, f) for m in methods for i, f in enumerate(figures_)}
        print()
        for line in report(figures_, methods, results):
            print(line)
        if library == library:  # measured (not NaN)
            rankings = sum(len(f.queries) for f in figures_)
            occupations = len({q for f in figures_ for q in f.queries})
            here = max(sum(results[i, "jaccard"].seconds for i in range(len(figures_))) / max(rankings, 1), 1e-9)
            print(f"jaccard here: {here * 1000:.1f} ms a ranking; through the library (similar_roles, limit 10) "
                  f"{library:.2f} s ({library / here:.0f}x): the {occupations:,} occupations of this run would take "
                  f"{occupations * library / 60:.1f} min")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
