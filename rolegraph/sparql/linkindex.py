"""An index of the role links compare counts, so that ``rank-similar-roles`` on a store need not read them all
again: the query's pass over every role link of the store (seconds on a store of whole releases) is done once per
store state.

A facet is a (category, node) pair that ``compare`` counts (see ``queries/rank-similar-roles.rq``). The index holds
every (link, node) pair of the role links with the subjects that have it, the facets each pair stands for, and each
subject's count of distinct facets and English labels. :func:`rank_similar` answers ``rank-similar-roles`` from it:
what the given role shares with each other subject (through the same link, as the query counts), the Jaccard
similarity as Oxigraph computes it, and the rows in the order of the query's ORDER BY. Where it could not be sure to
give exactly the query's rows in that order (a blank node subject, two rows the ORDER BY does not tell apart), it
answers None and the query runs.

Like the index of role names (:mod:`rolegraph.compare.nameindex`), it is written beside the store's files
(``rolegraph-links-KEY.sqlite``, KEY naming the store's current graphs; an import gives the store new graph names and
so a new index): built when an import ends, or on first use; where that folder cannot be written it lives in memory
only. It is kept only for stores (engines with a folder and named graphs): an in-memory graph is small enough to
query.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import itertools
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..model.terms import IRI, XSD, XSD_STRING, Lit, is_iri
from .engines import OxigraphEngine
from .indexfile import in_memory, open_index, write_index
from .queries import NamedQuery, bind
from .results import ResultTable

__all__ = ["LinkIndex", "indexed", "link_index", "rank_similar"]

FORMAT = 2
"""The layout of index files (and of what they hold); a file of another layout is rebuilt."""

FILE_PREFIX = "rolegraph-links-"

ISSUER = "urn:rolegraph:certification-issuer"
"""Stands for the path rg:recommendedCertification/rg:issuedBy where a link is expected (never a real link)."""

_PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rg: <https://w3id.org/rolegraph/vocab#>
"""
_ALL_LABELS = NamedQuery(
    "rank-similar-roles-labels",
    _PREFIXES
    + """SELECT ?other ?label
WHERE {
  ?other rdfs:label ?label . FILTER(langMatches(lang(?label), "en"))
}
""",
    "The English labels of every subject (as the query's ?otherLabel reads them).",
)
_PAIRS = NamedQuery(
    "rank-similar-roles-pairs",
    _PREFIXES
    + f"""SELECT ?link ?node (COUNT(?subject) AS ?count) (GROUP_CONCAT(STR(?subject); separator=" ") AS ?subjects)
WHERE {{
  {{
    ?link rg:comparisonCategory ?category ; rdfs:subPropertyOf rg:roleLink .
    ?subject ?link ?node .
  }} UNION {{
    ?subject rg:recommendedCertification/rg:issuedBy ?node .
    rg:issuedBy rg:comparisonCategory ?category .
    BIND(<{ISSUER}> AS ?link)
  }}
}}
GROUP BY ?link ?node
""",
    "Every (link, node) pair of the role links, with the subjects that have it.",
)
_CATEGORIES = NamedQuery(
    "rank-similar-roles-categories",
    _PREFIXES
    + f"""SELECT DISTINCT ?link ?category
WHERE {{
  {{ ?link rg:comparisonCategory ?category ; rdfs:subPropertyOf rg:roleLink . }}
  UNION {{ rg:issuedBy rg:comparisonCategory ?category . BIND(<{ISSUER}> AS ?link) }}
}}
""",
    "The categories of each link.",
)

_STRING = XSD_STRING
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SCALE = 10**18  # Oxigraph's xsd:decimal keeps 18 digits after the point, and its division truncates

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE subject (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, size INTEGER NOT NULL);
CREATE TABLE edge (pair INTEGER NOT NULL, subject INTEGER NOT NULL, PRIMARY KEY (pair, subject)) WITHOUT ROWID;
CREATE TABLE facet (pair INTEGER NOT NULL, facet INTEGER NOT NULL, PRIMARY KEY (pair, facet)) WITHOUT ROWID;
CREATE TABLE label (subject INTEGER NOT NULL, value TEXT NOT NULL, lang TEXT NOT NULL);
"""
_INDEXES = """
CREATE UNIQUE INDEX subject_iri ON subject (iri);
CREATE INDEX edge_subject ON edge (subject, pair);
CREATE INDEX label_subject ON label (subject);
"""


def _fill(connection: sqlite3.Connection, engine: OxigraphEngine, key: str) -> None:
    """Fill an empty database with the index of the graphs ``engine`` reads."""
    import pyoxigraph as ox

    connection.executescript(_SCHEMA)
    categories: dict[str, set[str]] = {}
    for link, category in engine.solutions(bind(_CATEGORIES).text):
        categories.setdefault(str(link), set()).add(str(category))
    subjects: dict[str, int] = {}
    facets: dict[tuple[str, str], int] = {}
    facets_of: dict[int, set[int]] = {}  # subject -> its distinct (category, node) facets
    edges: list[tuple[int, int]] = []
    pair_facets: list[tuple[int, int]] = []
    complete = True
    for pair, (link, node, count, held) in enumerate(engine.solutions(bind(_PAIRS).text)):
        names = held.value.split(" ") if held is not None else []
        if len(names) != int(count.value):
            complete = False  # a blank node subject (STR refuses those): ranking it is left to the query
        mine = [facets.setdefault((category, str(node)), len(facets)) for category in categories.get(str(link), ())]
        pair_facets += [(pair, number) for number in set(mine)]
        for name in set(names):
            subject = subjects.setdefault(name, len(subjects))
            edges.append((pair, subject))
            facets_of.setdefault(subject, set()).update(mine)
    connection.executemany(
        "INSERT INTO subject VALUES (?, ?, ?)",
        ((number, iri, len(facets_of.get(number, ()))) for iri, number in subjects.items()),
    )
    connection.executemany("INSERT INTO edge VALUES (?, ?)", sorted(edges))
    connection.executemany("INSERT INTO facet VALUES (?, ?)", sorted(pair_facets))
    labels = []
    for subject, label in engine.solutions(bind(_ALL_LABELS).text):
        number = subjects.get(subject.value) if isinstance(subject, ox.NamedNode) else None
        if number is not None:
            labels.append((number, label.value, label.language or ""))
    connection.executemany("INSERT INTO label VALUES (?, ?, ?)", labels)
    connection.executescript(_INDEXES)
    meta = [("format", str(FORMAT)), ("key", key), ("complete", "yes" if complete else "no")]
    connection.executemany("INSERT INTO meta VALUES (?, ?)", meta)
    connection.commit()


class LinkIndex:
    """The role links of a store's graphs, indexed for ranking roles by similarity. Safe to share between threads."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None = None) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self.path = path
        """The index file, None for an index in memory."""
        meta = dict(self._rows("SELECT key, value FROM meta"))
        self.complete = meta.get("complete") == "yes"
        """Whether every subject with a role link is an IRI (only then are rankings answered from the index)."""
        self._subjects: dict[str, tuple[int, int]] | None = None
        self._by_number: dict[int, tuple[str, int]] | None = None

    @classmethod
    def build(cls, engine: OxigraphEngine, key: str = "", path: Path | None = None) -> LinkIndex:
        """The index of the graphs ``engine`` reads, written to ``path`` (replacing any file there) when given, else
        in memory."""
        if path is None:
            return cls(in_memory(lambda connection: _fill(connection, engine, key)))
        write_index(path, lambda connection: _fill(connection, engine, key))
        return cls.open(path, key)

    @classmethod
    def open(cls, path: Path, key: str) -> LinkIndex:
        """The index in the file ``path`` if it is one of this layout built for ``key``; sqlite3.Error or OSError
        otherwise."""
        return cls(open_index(path, key, FORMAT), path)

    def close(self) -> None:
        """Close the index (it cannot be used afterwards)."""
        self._connection.close()

    def _rows(self, sql: str, parameters: Iterable[object] = ()) -> list[Any]:
        with self._lock:
            return self._connection.execute(sql, tuple(parameters)).fetchall()

    def _load_subjects(self) -> tuple[dict[str, tuple[int, int]], dict[int, tuple[str, int]]]:
        if self._subjects is None or self._by_number is None:
            rows = self._rows("SELECT id, iri, size FROM subject")
            self._by_number = {number: (iri, size) for number, iri, size in rows}
            self._subjects = {iri: (number, size) for number, iri, size in rows}
        return self._subjects, self._by_number

    def labels(self, iris: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """The English labels (value, language tag) of the subjects ``iris``."""
        subjects, by_number = self._load_subjects()
        wanted = sorted({subjects[iri][0] for iri in iris if iri in subjects})
        found: dict[str, list[tuple[str, str]]] = {}
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT subject, value, lang FROM label WHERE subject IN ({marks}) ORDER BY rowid"
            for number, value, lang in self._rows(sql, chunk):
                found.setdefault(by_number[number][0], []).append((value, lang))
        return found

    def shared(self, role: str) -> tuple[int, list[tuple[str, int, int]]]:
        """For the role IRI ``role``: how many facets it has (0 if none), and (IRI, facets shared, facets it has)
        for every other subject that shares a facet with it through the same link."""
        subjects, by_number = self._load_subjects()
        if role not in subjects:
            return 0, []
        number, size = subjects[role]
        mine = self._rows("SELECT f.pair, f.facet FROM edge AS e JOIN facet AS f ON f.pair = e.pair "
                          "WHERE e.subject = ?", [number])  # fmt: skip
        facets_of: dict[int, list[int]] = {}
        for pair, facet in mine:
            facets_of.setdefault(pair, []).append(facet)
        rows = self._rows("SELECT e.pair, e.subject FROM edge AS mine JOIN edge AS e ON e.pair = mine.pair "
                          "WHERE mine.subject = ? AND e.subject != ?", [number, number])  # fmt: skip
        counts: dict[int, int] = {}
        if len({facet for _, facet in mine}) == len(mine) == len(facets_of):
            # Each shared pair is a facet of its own (the usual case: one category per link): count the pairs.
            for _, other in rows:
                counts[other] = counts.get(other, 0) + 1
        else:
            sets: dict[int, set[int]] = {}
            for pair, other in rows:
                sets.setdefault(other, set()).update(facets_of[pair])
            counts = {other: len(held) for other, held in sets.items()}
        return size, [(by_number[other][0], count, by_number[other][1]) for other, count in counts.items()]


def _store_key(engine: OxigraphEngine) -> str:
    """A name for the store's current graphs: a new import always makes new graph names."""
    graphs = sorted(str(getattr(g, "value", g)) for g in engine.named_graphs or ())
    return hashlib.sha256("\n".join([f"links format {FORMAT}", *graphs]).encode("utf-8")).hexdigest()[:32]


def _for_store(engine: OxigraphEngine, folder: Path) -> LinkIndex:
    key = _store_key(engine)
    path = folder / f"{FILE_PREFIX}{key}.sqlite"
    with contextlib.suppress(OSError, sqlite3.Error):
        return LinkIndex.open(path, key)
    try:
        index = LinkIndex.build(engine, key, path)
    except (OSError, sqlite3.Error):  # a read-only folder, a full disk: the index still works from memory
        return LinkIndex.build(engine, key)
    now = time.time()
    for old in [*folder.glob(f"{FILE_PREFIX}*.sqlite"), *folder.glob(f".{FILE_PREFIX}*")]:
        # Indexes of earlier graphs and files a killed build left, once an hour old: a server still reading the
        # graphs it opened before an import, and a running build, keep theirs.
        with contextlib.suppress(OSError):
            if old != path and now - old.stat().st_mtime > 3600:
                old.unlink()
    return index


_cache: dict[int, tuple[weakref.ref[object], LinkIndex]] = {}
_cache_lock = threading.Lock()
_build_lock = threading.Lock()


def _forget(number: int) -> Callable[[weakref.ref[object]], None]:
    def forget(_: weakref.ref[object]) -> None:
        with _cache_lock:
            _cache.pop(number, None)

    return forget


def indexed(engine: object) -> bool:
    """Whether a link index is kept for ``engine`` (an Oxigraph engine over a store's folder)."""
    return isinstance(engine, OxigraphEngine) and engine.folder is not None and bool(engine.named_graphs)


def _cached(engine: OxigraphEngine) -> LinkIndex | None:
    with _cache_lock:
        entry = _cache.get(id(engine))
        return entry[1] if entry is not None and entry[0]() is engine else None


def link_index(engine: OxigraphEngine) -> LinkIndex:
    """The link index of the store ``engine`` reads, opened or built on first use and kept as long as ``engine``
    lives."""
    if (index := _cached(engine)) is not None:
        return index
    with _build_lock:  # one build at a time (a server's threads asking at once)
        if (index := _cached(engine)) is not None:
            return index
        if engine.folder is None:
            raise ValueError("a link index is kept only for a store")
        index = _for_store(engine, engine.folder)
        number = id(engine)
        with _cache_lock:
            _cache[number] = (weakref.ref(engine, _forget(number)), index)
    return index


def _makers(light: bool) -> tuple[Callable[[str], Any], Callable[[str, str | None, str | None], Any]]:
    """How to make an IRI and a literal (lexical form, language, datatype): light terms or rdflib's."""
    if light:
        return IRI, lambda value, language, datatype: Lit(value, language=language, datatype=datatype)
    from rdflib import Literal, URIRef

    def literal(value: str, language: str | None, datatype: str | None) -> Any:
        return Literal(value, lang=language, datatype=URIRef(datatype) if datatype else None)

    return URIRef, literal


def _jaccards(
    fractions: Iterable[tuple[int, int]], literal: Callable[[str, str | None, str | None], Any]
) -> dict[tuple[int, int], Any]:
    """``xsd:decimal(shared) / xsd:decimal(union)`` as Oxigraph computes and writes it, for each pair."""
    import pyoxigraph as ox

    pairs = sorted(set(fractions))
    if not pairs:
        return {}
    rows = " ".join(f"({a} {b})" for a, b in pairs)
    text = ("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\nSELECT ?a ?b (xsd:decimal(?a) / xsd:decimal(?b) AS ?j) "
            f"WHERE {{ VALUES (?a ?b) {{ {rows} }} }}")  # fmt: skip
    out: dict[tuple[int, int], Any] = {}
    for solution in ox.Store().query(text):  # type: ignore[union-attr]
        out[(int(solution["a"].value), int(solution["b"].value))] = literal(solution["j"].value, None, XSD + "decimal")
    return out


def rank_similar(engine: OxigraphEngine, role: Any, limit: int | None = None) -> ResultTable | None:
    """The rows of ``rank-similar-roles`` for ``role`` (its first ``limit`` rows when given), with the link index;
    None where they could differ from the query's own rows or order."""
    variables = ("other", "otherLabel", "shared", "jaccard")
    if not is_iri(role) or (limit is not None and limit < 1):
        return None
    index = link_index(engine)
    if not index.complete:
        return None
    size, found = index.shared(str(role))
    if not size:
        return ResultTable(variables, ())  # no facet: it shares nothing with anything
    ranked: list[tuple[int, int, str, int]] = []  # (-jaccard as Oxigraph's decimal, -shared, other, union)
    for iri, shared, other_size in found:
        union = size + other_size - shared
        ranked.append((-(shared * _SCALE // union), -shared, iri, union))
    if limit is not None and len(ranked) > limit:
        # Past the limit, only the rows tied with the last one kept can still come before it.
        last = heapq.nsmallest(limit, ranked)[-1][:2]
        ranked = [row for row in ranked if row[:2] <= last]
    ranked.sort()
    labels = index.labels(row[2] for row in ranked)
    make_iri, literal = _makers(engine.light_terms)
    counts: dict[int, Any] = {}
    rows: list[tuple[tuple[int, int, str, str, str, str], tuple[Any, ...], tuple[int, int]]] = []
    for jaccard, shared, iri, union in ranked:
        count = counts.get(shared) or counts.setdefault(shared, literal(str(-shared), None, XSD + "integer"))
        for label in [literal(value, lang, None) for value, lang in labels.get(iri, ())] or [literal(iri, None, None)]:
            # LCASE(?otherLabel) orders by its value, then datatype, then language tag (Oxigraph's order of literals).
            datatype = _LANG_STRING if label.language else _STRING
            key = (jaccard, shared, str(label).lower(), datatype, label.language or "", iri)
            rows.append((key, (make_iri(iri), label, count), (-shared, union)))
    rows.sort(key=lambda row: row[0])
    if any(a[0] == b[0] for a, b in itertools.pairwise(rows)):
        return None  # two rows the query's ORDER BY does not tell apart: their order is the engine's
    if limit is not None:
        rows = rows[:limit]
    jaccards = _jaccards((pair for _, _, pair in rows), literal)
    return ResultTable(variables, tuple((*terms, jaccards[pair]) for _, terms, pair in rows))
