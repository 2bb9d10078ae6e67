"""Similar roles across sources: every role's most similar roles (of its own source and of the others), each score
explained by facet, and the role-level mappings (an ESCO occupation's best O*NET counterpart) that follow.

What is compared, per pair of roles (each a facet; a facet counts only where both roles have data for it):

- the role links of each comparison category (skills, work activities, technology, tools, ...), each node weighted
  by how telling it is (idf: log of the roles over the roles holding it) and by how much it matters to the role (O*NET
  importance x level, ESCO essential or optional): a cosine. O*NET duties are tasks no two occupations share; they
  are compared through their detailed work activities (rg:performsActivity).
- O*NET's ratings as profiles (every rated skill, knowledge area and work style, rated or not above a link's
  threshold; interest and work value scores; the shares of education, experience and training): the correlation of
  the rating vectors, each element standardised across occupations.
- titles (label and alternate titles) and descriptions: a TF-IDF cosine; job zones: closeness.
- across sources, the concept mappings: a node of one role counts for the nodes of the other it maps to, by the
  mapping's confidence ("matched concepts").

The answer keys of the evaluation (O*NET's related occupations, the ESCO to O*NET crosswalk, ESCO's ISCO groups) are
never read: only role links with a comparison category, the weights on their statements, titles, descriptions and
job zones.

>>> from rolegraph.model.ontology import load_graph
>>> from rolegraph.sparql.engines import RdflibEngine
>>> sims = rank_roles(RdflibEngine(load_graph()), [])
>>> best = next(s for s in sims if s.role.endswith("/producer") and s.rank == 1)
>>> best.other.rsplit("/", 1)[-1], best.score > 0, sum(f.score for f in best.facets) == best.score
('production-manager', True, True)
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..model.iris import VOCAB
from ..sparql.engines import OxigraphEngine, QueryEngine
from ..sparql.results import ResultTable
from .mapping import BROAD_MATCH, CLOSE_MATCH, RELATED_MATCH, FacetScore, Mapping, RoleSimilarity
from .vectors import SparseRows, tfidf_rows, tokens

__all__ = [
    "CLOSE_CONFIDENCE",
    "EACH_SOURCE",
    "METHOD",
    "METHOD_VERSION",
    "SIMILARITY_METHOD_NODE",
    "TOP",
    "WEIGHTS",
    "RoleData",
    "facets_literal",
    "rank_data",
    "rank_roles",
    "read_roles",
    "residual",
    "role_mappings",
    "similarity_triples",
    "source_of",
    "stored_facets",
]

METHOD = "rolegraph-align facet-cosine"
METHOD_VERSION = "1"
TOP = 10
"""Similar roles kept per role (with the best of each source, about 13 a role: 53,000 for O*NET, ESCO and the
article, five triples each)."""
EACH_SOURCE = 3
"""Similar roles kept per role from each source (its own and every other), if not among its :data:`TOP`."""

RG = VOCAB
ESCO = "http://data.europa.eu/esco/model#"
PREFIXES = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX esco: <{ESCO}>
PREFIX rg: <{RG}>
"""

ROLES = PREFIXES + "SELECT DISTINCT ?role WHERE { ?role a ?class . ?class rdfs:subClassOf rg:Role . }"
LINKS = (
    PREFIXES
    + """SELECT DISTINCT ?role ?category ?node WHERE {
  { ?link rg:comparisonCategory ?category ; rdfs:subPropertyOf rg:roleLink . ?role ?link ?node . }
  UNION
  { ?role rg:recommendedCertification/rg:issuedBy ?node . rg:issuedBy rg:comparisonCategory ?category . }
}"""
)
ESCO_WEIGHTS = (
    PREFIXES
    + """SELECT ?role ?node ?kind WHERE {
  ?role a ?class . ?class rdfs:subClassOf rg:Role .
  { ?role esco:relatedEssentialSkill ?node . BIND("essential" AS ?kind) }
  UNION
  { ?role esco:relatedOptionalSkill ?node . BIND("optional" AS ?kind) }
}"""
)
"""How much each ESCO skill matters to an occupation (ESCO also relates skills to skills by these predicates)."""
STATEMENTS = (
    PREFIXES
    + """SELECT ?role ?category ?node ?kind ?value ?level WHERE {
  { ?statement rg:importance ?value . BIND("importance" AS ?kind) OPTIONAL { ?statement rg:level ?level } }
  UNION { ?statement rg:score ?value . BIND("score" AS ?kind) }
  UNION { ?statement rg:percentage ?value . BIND("percentage" AS ?kind) }
  ?statement rdf:subject ?role ; rdf:predicate ?link ; rdf:object ?node .
  ?link rg:comparisonCategory ?category .
}"""
)
"""O*NET's figures on its role links: importance (and level), scores (interests, work values, ...) and shares
(education, experience, training)."""
TEXTS = (
    PREFIXES
    + """SELECT ?role ?kind ?text WHERE {
  ?role a ?class . ?class rdfs:subClassOf rg:Role .
  { ?role rdfs:label ?text . BIND("title" AS ?kind) }
  UNION { ?role skos:altLabel ?text . BIND("title" AS ?kind) }
  UNION { ?role dcterms:description ?text . BIND("description" AS ?kind) }
  FILTER(!isLiteral(?text) || lang(?text) = "" || langMatches(lang(?text), "en"))
}"""
)
DUTY_TEXTS = (
    PREFIXES
    + """SELECT ?role ?text WHERE {
  ?role rg:hasDuty ?duty . ?duty rdfs:label ?text .
  FILTER(lang(?text) = "" || langMatches(lang(?text), "en"))
}"""
)
JOB_ZONES = PREFIXES + "SELECT ?role ?zone WHERE { ?role rg:jobZone ?zone . }"

WEIGHTS: dict[str, float] = {
    "titles": 12.0,
    "duty text": 8.0,
    "work activities": 2.0,
    "description": 1.6,
    "tools": 1.2,
    "knowledge ratings": 1.0,
    "interests ratings": 1.0,
    "knowledge": 0.9,
    "technology": 0.6,
    "job zone": 0.45,
    "skills ratings": 0.3,
    "interests": 0.2,
    "work styles": 0.2,
    "education shares": 0.2,
    "training shares": 0.2,
    "education": 0.1,
    "training": 0.1,
    "skills": 0.0,
    "experience": 0.0,
    "experience shares": 0.0,
    "work styles ratings": 0.0,
    "work values": 0.0,
    "work values ratings": 0.0,
    "matched concepts": 1.0,
}
"""How much each facet counts where the two roles come from the same source (facets not named count 0.5); tuned on
the O*NET occupations of the tuning half (see benchmarks/evaluate_similarity.py). O*NET's skill links count through
their ratings; a link facet ESCO has (its skills) is weighted by :data:`ESCO_WEIGHTS_WITHIN`."""
ESCO_NAMESPACE = "http://data.europa.eu/esco/occupation"
ESCO_WEIGHTS_WITHIN: dict[str, float] = {"skills": 3.0, "titles": 1.5, "description": 1.6}
"""Facet weights between two ESCO occupations (tuned on the tuning half of ESCO: same ISCO group share)."""
CROSS_WEIGHTS: dict[str, float] = {"titles": 1.5, "description": 0.4, "duty text": 0.4, "matched concepts": 1.0}
"""Facet weights between roles of different sources (tuned on the tuning half of ESCO, hit@5 of O*NET), where
the link facets are one: "matched concepts"."""
DEFAULT_WEIGHT = 0.5
UNCOMPARED = frozenset({"duties", "salary"})
"""Categories whose nodes belong to one role each (O*NET tasks, a role's salary figures): never shared."""
ESSENTIAL, OPTIONAL = 1.0, 0.5

Matrix = npt.NDArray[np.float32]


@dataclass
class RoleData:
    """What the ranking reads of the roles of a store (through SPARQL)."""

    roles: list[str]
    links: list[tuple[str, str, str]] = field(default_factory=list)
    """(role, category, node) of every role link."""
    strength: dict[tuple[str, str], float] = field(default_factory=dict)
    """(role, node): how much the node matters to the role (1 where nothing says)."""
    profiles: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)
    """Facet name -> (role, feature, value) of O*NET's rating profiles."""
    titles: dict[str, list[str]] = field(default_factory=dict)
    descriptions: dict[str, list[str]] = field(default_factory=dict)
    duties: dict[str, list[str]] = field(default_factory=dict)
    """The wording of each role's duties (O*NET tasks are never shared as nodes, but their words are)."""
    job_zone: dict[str, int] = field(default_factory=dict)


def _rows(engine: QueryEngine, text: str) -> Iterator[tuple[str | None, ...]]:
    """The rows of a SELECT query rolegraph writes, as strings (None where unbound)."""
    if isinstance(engine, OxigraphEngine):
        for solution in engine.solutions(text):
            yield tuple(None if term is None else term.value for term in solution)
        return
    answer = engine.execute(text)
    if not isinstance(answer, ResultTable):
        raise TypeError("not a SELECT query")
    for row in answer.rows:
        yield tuple(None if term is None else str(term) for term in row)


def read_roles(engine: QueryEngine) -> RoleData:
    """Every role's facets, weights, titles, descriptions and job zone."""
    roles = sorted({r for (r,) in _rows(engine, ROLES) if r})
    known = set(roles)
    data = RoleData(roles)
    data.links = sorted({(r, c, n) for r, c, n in _rows(engine, LINKS)
                         if r in known and c and n and c not in UNCOMPARED})  # fmt: skip
    for role, node, kind in _rows(engine, ESCO_WEIGHTS):
        if role and node:
            weight = ESSENTIAL if kind == "essential" else OPTIONAL
            data.strength[role, node] = max(data.strength.get((role, node), 0.0), weight)
    profiles: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for role, category, node, kind, value, level in _rows(engine, STATEMENTS):
        if not (role in known and category and node and value):
            continue
        if kind == "percentage":
            profiles[f"{category} shares"].append((role, node, float(value)))
        elif kind == "score":
            profiles[f"{category} ratings"].append((role, node, float(value)))
        else:
            im = float(value)
            profiles[f"{category} ratings"].append((role, node + "#IM", im))
            strength = im / 5.0
            if level is not None:
                lv = float(level)
                profiles[f"{category} ratings"].append((role, node + "#LV", lv))
                strength *= math.sqrt(max(lv, 0.0) / 7.0)
            data.strength[role, node] = strength
    data.profiles = {name: sorted(entries) for name, entries in profiles.items()}
    titles: dict[str, list[str]] = defaultdict(list)
    descriptions: dict[str, list[str]] = defaultdict(list)
    for role, kind, text in _rows(engine, TEXTS):
        if role in known and text:
            (titles if kind == "title" else descriptions)[role].append(text)
    data.titles = {role: sorted(texts) for role, texts in titles.items()}
    data.descriptions = {role: sorted(texts) for role, texts in descriptions.items()}
    duties: dict[str, list[str]] = defaultdict(list)
    for role, text in _rows(engine, DUTY_TEXTS):
        if role in known and text:
            duties[role].append(text)
    data.duties = {role: sorted(texts) for role, texts in duties.items()}
    for role, zone in _rows(engine, JOB_ZONES):
        if role in known and zone:
            data.job_zone[role] = int(float(zone))
    return data


def source_of(role: str) -> str:
    """The source a role belongs to, as its IRI's namespace (the IRI without its last segment)."""
    return role.rstrip("/").rsplit("/", 1)[0]


@dataclass
class _Facets:
    """The facet vectors of all roles, ready for cosines between any two groups of them."""

    names: list[str]
    vectors: dict[str, SparseRows]
    """Facet -> unit rows of every role (rows without data are empty)."""
    concepts: SparseRows
    """Every link of every role as one vector over all nodes, divided by its norm (for cross-source cosines)."""
    translated: SparseRows
    """The same vectors with each node moved, by the mapping's confidence, to the nodes it maps to (same scale and
    features as ``concepts``)."""
    zones: npt.NDArray[np.float64]
    """Each role's job zone (NaN where unknown)."""


def _idf_links(data: RoleData, mapped: set[str]) -> tuple[dict[str, list[tuple[str, str, float]]], dict[str, float]]:
    """The weighted link entries per category, and each node's idf (nodes held by one role and mapped to nothing
    are left out: they can only lower a cosine)."""
    holders: dict[str, set[str]] = defaultdict(set)
    for role, _, node in data.links:
        holders[node].add(role)
    n = max(len(data.roles), 1)
    idf = {node: math.log(n / len(who)) + 0.1 for node, who in holders.items()}
    entries: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for role, category, node in data.links:
        if len(holders[node]) > 1 or node in mapped:
            entries[category].append((role, node, data.strength.get((role, node), 1.0) * idf[node]))
    return dict(entries), idf


def _standardised(entries: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """Each feature's values as z-scores across the roles that have it (a rating everyone has says nothing)."""
    by_feature: dict[str, list[float]] = defaultdict(list)
    for _, feature, value in entries:
        by_feature[feature].append(value)
    stats = {f: (float(np.mean(v)), float(np.std(v)) or 1.0) for f, v in by_feature.items()}
    return [(role, f, (value - stats[f][0]) / stats[f][1]) for role, f, value in entries]


def _words(texts: Iterable[str], bigrams: bool) -> list[str]:
    """The tokens of each text (pairs of words never span two texts), in an order that does not depend on the
    engine's."""
    return [token for text in sorted(texts) for token in tokens(text, bigrams)]


def _facets(data: RoleData, mappings: Sequence[Mapping]) -> _Facets:
    mapped = {m.subject for m in mappings} | {m.object for m in mappings}
    links, _ = _idf_links(data, mapped)
    vectors = {category: SparseRows.build(data.roles, entries).normalized() for category, entries in links.items()}
    for name, entries in data.profiles.items():
        values = _standardised(entries) if name.endswith("ratings") else entries
        vectors[name] = SparseRows.build(data.roles, values).normalized()
    vectors["titles"] = tfidf_rows(data.roles, [_words(data.titles.get(r, ()), True) for r in data.roles])
    vectors["description"] = tfidf_rows(data.roles, [_words(data.descriptions.get(r, ()), False) for r in data.roles])
    vectors["duty text"] = tfidf_rows(data.roles, [_words(data.duties.get(r, ()), False) for r in data.roles])
    every = [entry for entries in links.values() for entry in entries]
    counterparts: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for m in mappings:
        counterparts[m.subject].append((m.object, m.confidence))
        counterparts[m.object].append((m.subject, m.confidence))
    translated = [(role, target, weight * confidence)
                  for role, node, weight in every for target, confidence in counterparts.get(node, ())]  # fmt: skip
    features: dict[str, int] = {}
    own = SparseRows.build(data.roles, every, features)
    norms = own.norms()
    moved = SparseRows.build(data.roles, translated, features)
    own = SparseRows(own.names, own.rows, own.cols, own.values, len(features))
    zones = np.array([data.job_zone.get(r, math.nan) for r in data.roles], dtype=np.float64)
    return _Facets(data.roles, vectors, _scaled(own, norms), _scaled(moved, norms), zones)


def _scaled(rows: SparseRows, norms: npt.NDArray[np.float64]) -> SparseRows:
    """``rows`` with the same features as ``rows`` itself, each row divided by ``norms``."""
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return SparseRows(rows.names, rows.rows, rows.cols, rows.values * scale[rows.rows], rows.width)


def _block(
    facets: _Facets, left: list[int], right: list[int], categories: frozenset[str]
) -> dict[str, tuple[Matrix, npt.NDArray[np.bool_]]]:
    """Facet -> (cosines of the ``left`` roles with the ``right`` roles, where both have data); between different
    sources, the link ``categories`` count as one facet through the mappings."""
    names = facets.names
    a_names, b_names = [names[i] for i in left], [names[i] for i in right]
    out: dict[str, tuple[Matrix, npt.NDArray[np.bool_]]] = {}
    same = left == right
    for facet, rows in facets.vectors.items():
        if not same and facet in categories:
            continue
        a = rows.take(a_names)
        b = a if same else rows.take(b_names)
        pa, pb = a.present(), b.present()
        if not pa.any() or not pb.any():
            continue
        cos = a.gram(b)
        if facet.endswith("ratings"):
            np.clip(cos, 0.0, 1.0, out=cos)
        out[facet] = (cos, np.outer(pa, pb))
    za, zb = facets.zones[left], facets.zones[right]
    if np.isfinite(za).any() and np.isfinite(zb).any():
        with np.errstate(invalid="ignore"):
            closeness = (1.0 - np.abs(za[:, None] - zb[None, :]) / 4.0).astype(np.float32)
        mask = np.isfinite(closeness)
        out["job zone"] = (np.nan_to_num(closeness, nan=0.0), mask)
    if not same:
        own_a, own_b = facets.concepts.take(a_names), facets.concepts.take(b_names)
        moved_a, moved_b = facets.translated.take(a_names), facets.translated.take(b_names)
        # Nodes both roles hold, and (both directions, averaged) a node of one counting for its counterparts in the
        # other.
        cos = own_a.gram(own_b) + (moved_a.gram(own_b) + own_a.gram(moved_b)) * np.float32(0.5)
        np.clip(cos, 0.0, 1.0, out=cos)
        out["matched concepts"] = (cos, np.outer(own_a.present(), own_b.present()))
    return out


def rank_roles(engine: QueryEngine, mappings: Sequence[Mapping], top: int = TOP, per_source: bool = False,
               weights: dict[str, float] | None = None) -> list[RoleSimilarity]:  # fmt: skip
    """Each role's ``top`` most similar roles, best first, and at least the :data:`EACH_SOURCE` best of every source
    (with ``per_source``: the ``top`` best of every source): a score from 0 to 1 (the weighted mean of the facets
    both roles have), the rank among the role's similar roles listed, and each facet's part of the score.
    ``mappings`` (concepts of different sources) let nodes count across sources."""
    return rank_data(read_roles(engine), mappings, top, weights, per_source)


def _weights(source: str, other: str, given: dict[str, float] | None) -> dict[str, float]:
    if given is not None:
        return given
    if source != other:
        return CROSS_WEIGHTS
    return ESCO_WEIGHTS_WITHIN if source == ESCO_NAMESPACE else WEIGHTS


def rank_data(
    data: RoleData,
    mappings: Sequence[Mapping],
    top: int = TOP,
    weights_given: dict[str, float] | None = None,
    per_source: bool = False,
) -> list[RoleSimilarity]:
    """:func:`rank_roles` over roles already read (``weights_given``: one weight table for every pair of sources,
    instead of the tuned ones)."""
    facets = _facets(data, mappings)
    categories = frozenset(c for _, c, _ in data.links)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, role in enumerate(data.roles):
        groups[source_of(role)].append(i)
    found: dict[int, list[tuple[float, int, tuple[FacetScore, ...]]]] = defaultdict(list)
    for source, left in groups.items():
        for other_source, right in groups.items():
            weights = _weights(source, other_source, weights_given)
            block = _block(facets, left, right, categories)
            if not block:
                continue
            total = np.zeros((len(left), len(right)), dtype=np.float32)
            weight = np.zeros_like(total)
            for facet, (cos, mask) in block.items():
                alpha = weights.get(facet, DEFAULT_WEIGHT)
                total += alpha * cos * mask
                weight += alpha * mask
            score = np.divide(total, weight, out=np.zeros_like(total), where=weight > 0)
            if left == right:
                np.fill_diagonal(score, -1.0)
            k = min(top, len(right) - (left == right))
            if k <= 0:
                continue
            best = np.argpartition(-score, k - 1, axis=1)[:, :k]
            rows = np.repeat(np.arange(len(left)), k)
            cols = best.ravel()
            keep = score[rows, cols] > 0.0
            rows, cols = rows[keep], cols[keep]
            share = 1.0 / weight[rows, cols].astype(np.float64)
            parts = [(facet, (weights.get(facet, DEFAULT_WEIGHT) * cos[rows, cols] * mask[rows, cols] * share).tolist())
                     for facet, (cos, mask) in sorted(block.items())]  # fmt: skip
            for n, (a, b) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
                facet_scores = tuple(FacetScore(facet, values[n]) for facet, values in parts if values[n] != 0.0)
                found[left[a]].append((sum(f.score for f in facet_scores), right[b], facet_scores))
    out: list[RoleSimilarity] = []
    for i in sorted(found, key=lambda i: data.roles[i]):
        ranked = sorted(found[i], key=lambda item: (-item[0], data.roles[item[1]]))
        if not per_source:
            firsts: dict[str, int] = defaultdict(int)
            kept = []
            for n, item in enumerate(ranked):
                source = source_of(data.roles[item[1]])
                firsts[source] += 1
                if n < top or firsts[source] <= EACH_SOURCE:
                    kept.append(item)
            ranked = kept
        for rank, (value, j, facet_scores) in enumerate(ranked, 1):
            out.append(RoleSimilarity(data.roles[i], data.roles[j], value, rank, facet_scores, METHOD, METHOD_VERSION))
    return out


CALIBRATION = (-1.650, 10.169, 8.692)
"""Confidence of a role mapping: the logistic of intercept + a x score + b x margin over the runner-up, fitted on
the tuning half of the ESCO occupations against the official ESCO to O*NET-SOC crosswalk (a measurement made once,
offline; the crosswalk is never read here). On the held-out half, mappings of confidence 0.5-0.7 were right 64 % of
the time, 0.7-0.8: 80 %, 0.8-0.9: 84 %, 0.9 and more: 91 %."""


CLOSE_CONFIDENCE = 0.95
"""The confidence from which two roles that are each other's most similar are a skos:closeMatch. Judged by hand on
a random sample of the links an earlier rule (each other's best from 0.5) made, links of 0.95 and more were right
18 times in 20, those of 0.5-0.95 51 in 65: below 0.95 two such roles are a skos:relatedMatch."""


def residual(role: str) -> bool:
    """Whether ``role`` is an O*NET-SOC residual occupation ("..., All Other": a detailed code ending in 9, not one
    of its O*NET-SOC specialisations), a category broader than any one occupation."""
    code = role.rstrip("/").rsplit("/", 1)[-1]
    return len(code) == 10 and code[2] == "-" and code[6] == "9" and code.endswith(".00")


def role_mappings(
    sims: Iterable[RoleSimilarity], subject_source: str, object_source: str, described: Set[str] | None = None
) -> list[Mapping]:
    """Each role of ``subject_source`` mapped to its most similar role of ``object_source`` (namespaces, as
    :func:`source_of` gives them) with a calibrated confidence (:data:`CALIBRATION`): skos:relatedMatch below 0.5;
    skos:broadMatch where the object is a residual occupation (:func:`residual`) or is the best match of other
    subjects rather than of this one (the subject is one of its narrower kinds); skos:closeMatch where the two are
    each other's most similar from :data:`CLOSE_CONFIDENCE` (and, where ``described`` is given, both are in it: a
    role known by its title alone is never a close match); otherwise skos:relatedMatch."""
    best: dict[str, list[RoleSimilarity]] = defaultdict(list)
    reverse: dict[str, RoleSimilarity] = {}
    for s in sims:
        if source_of(s.role) == subject_source and source_of(s.other) == object_source:
            best[s.role].append(s)
        elif source_of(s.role) == object_source and source_of(s.other) == subject_source:
            current = reverse.get(s.role)
            if current is None or (s.score, current.other) > (current.score, s.other):
                reverse[s.role] = s
    intercept, by_score, by_margin = CALIBRATION
    out: list[Mapping] = []
    for role, candidates in sorted(best.items()):
        candidates.sort(key=lambda s: (-s.score, s.other))
        first = candidates[0]
        margin = first.score - (candidates[1].score if len(candidates) > 1 else 0.0)
        confidence = round(
            min(0.99, 1.0 / (1.0 + math.exp(-(intercept + by_score * first.score + by_margin * margin)))), 3
        )
        back = reverse.get(first.other)
        mutual = back is not None and back.other == role
        known = described is None or (role in described and first.other in described)
        if confidence < 0.5:
            predicate = RELATED_MATCH
        elif residual(first.other) or not mutual:
            predicate = BROAD_MATCH
        elif confidence >= CLOSE_CONFIDENCE and known:
            predicate = CLOSE_MATCH
        else:
            predicate = RELATED_MATCH
        out.append(Mapping(role, predicate, first.other, confidence, METHOD, METHOD_VERSION))
    return out


def _iri(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]
    return f"https://w3id.org/rolegraph/id/similarity/{digest}"


FACETS_STORED = 4
"""Facets stored per similarity (the largest parts of its score); the rest are stored as one, :data:`OTHER_FACETS`."""
OTHER_FACETS = "other facets"


def stored_facets(facets: Sequence[FacetScore], most: int = FACETS_STORED) -> tuple[FacetScore, ...]:
    """The ``most`` largest parts of a score and, if there are more, their remainder as one part: the parts still
    add up to the score."""
    ordered = sorted(facets, key=lambda f: (-f.score, f.category))
    if len(ordered) <= most + 1:
        return tuple(ordered)
    return (*ordered[:most], FacetScore(OTHER_FACETS, sum(f.score for f in ordered[most:])))


SIMILARITY_METHOD_NODE = "https://w3id.org/rolegraph/id/similarity/method"
"""The one node that names the method and version of every stored similarity (they all come from one align run)."""


def facets_literal(facets: Sequence[FacetScore]) -> str:
    """The stored form of a similarity's facet scores (:func:`stored_facets`): ``facet score`` pairs (the largest
    first, the remainder last), separated by ``"; "``, each score to 3 decimals: ``"titles 0.312; duty text 0.120"``."""
    return "; ".join(f"{f.category} {f.score:.3f}" for f in stored_facets(facets))


def similarity_triples(sims: Iterable[RoleSimilarity], method: str = METHOD,
                       version: str = METHOD_VERSION) -> Iterator[tuple[Any, Any, Any]]:  # fmt: skip
    """The triples (pyoxigraph subject, predicate, object) of ``sims``: a node per similarity with the role, the
    other role, score, rank and its largest facets as one literal (:func:`facets_literal`); the method and version
    once, on :data:`SIMILARITY_METHOD_NODE`. Its class (rg:RoleSimilarity) follows from rg:similarityOf's domain:
    five triples a similarity, the store's size being most of what the alignment costs."""
    import pyoxigraph as ox

    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    names = ("similarityOf", "similarTo", "similarityScore", "similarityRank", "facetScores", "mappingMethod",
             "mappingMethodVersion")  # fmt: skip
    p = {name: ox.NamedNode(RG + name) for name in names}
    method_node = ox.NamedNode(SIMILARITY_METHOD_NODE)
    written = False
    for s in sims:
        if not written:
            yield (method_node, p["mappingMethod"], ox.Literal(method))
            yield (method_node, p["mappingMethodVersion"], ox.Literal(version))
            written = True
        node = ox.NamedNode(_iri(s.role, s.other, method))
        yield (node, p["similarityOf"], ox.NamedNode(s.role))
        yield (node, p["similarTo"], ox.NamedNode(s.other))
        yield (node, p["similarityScore"], ox.Literal(f"{s.score:.6f}", datatype=decimal))
        yield (node, p["similarityRank"], ox.Literal(str(s.rank), datatype=integer))
        if s.facets:
            yield (node, p["facetScores"], ox.Literal(facets_literal(s.facets)))
