"""Build the alignment: read a store's concepts by SPARQL, compute the mappings (and whatever later stages add), and
write them as the one alignment source (:data:`~rolegraph.align.mapping.ALIGNMENT_SOURCE`) in a single atomic load;
import SSSOM mappings as a source of their own; read every mapping back for export.

A stage is a function ``(engine, mappings) -> (mappings, triples)``: it gets the mappings found so far and returns
what it adds (mappings, which are written as triples too, and any other triples). :data:`STAGES` runs the concept
mappings, then the role similarities (which use them) and the roles mapped across sources.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError
from ..model.iris import ID
from ..store.database import SHIPPED, SOURCE_BASE, RoleStore
from .concepts import manual_pairs, map_concepts, read_broader, read_concepts, through_hierarchy
from .mapping import ALIGNMENT_SOURCE, MANUAL, MAPPING_PREDICATES, Mapping
from .similarity import ESCO_NAMESPACE, TOP, rank_data, read_roles, role_mappings, similarity_triples, source_of
from .sssom import Labelled, parse, write
from .text import METHOD, METHOD_VERSION

__all__ = [
    "SSSOM_BASE",
    "STAGES",
    "Outcome",
    "Stage",
    "align",
    "concept_stage",
    "export_sssom",
    "import_sssom",
    "mapping_triples",
    "remove_alignment",
    "role_stage",
]

RG = "https://w3id.org/rolegraph/vocab#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SSSOM_BASE = SOURCE_BASE + "sssom/"
"""Imported SSSOM files are sources under this IRI (``.../source/sssom/NAME``)."""
MAPPING_BASE = ID + "mapping/"

Triple = tuple[Any, Any, Any]
Stage = Callable[[Any, list[Mapping]], tuple[list[Mapping], list[Triple]]]


def _manual_graphs(store: RoleStore) -> list[str]:
    """The graphs whose mappings win over computed ones: the shipped files' and the imported SSSOM files'."""
    graphs: list[str] = []
    for info in store.sources():
        if info.iri == SHIPPED or info.iri.startswith(SSSOM_BASE):
            graphs += info.graph.split()
    return graphs


def concept_stage(manual: set[frozenset[str]]) -> Stage:
    """The stage that maps concepts across the article, ESCO and O*NET (none for a pair ``manual`` relates)."""

    def stage(engine: Any, _found: list[Mapping]) -> tuple[list[Mapping], list[Triple]]:
        mappings = map_concepts(read_concepts(engine.solutions), manual)
        return mappings + through_hierarchy(mappings, read_broader(engine.solutions), manual), []

    return stage


ONET_NAMESPACE = ID + "onet/occupation"


def _mapping_order(source: str) -> tuple[int, str]:
    """Roles of the earlier source are mapped to the later: the article's to ESCO and O*NET, ESCO's to O*NET."""
    return ({ESCO_NAMESPACE: 1, ONET_NAMESPACE: 2}.get(source, 0), source)


def role_stage(manual: set[frozenset[str]]) -> Stage:
    """The stage that ranks every role's similar roles across all sources (using the concept mappings found
    before it) and maps each role to its most similar role of every later source (none for a pair ``manual``
    relates)."""

    def stage(engine: Any, found: list[Mapping]) -> tuple[list[Mapping], list[Triple]]:
        data = read_roles(engine)
        sims = rank_data(data, found, TOP, None, False)
        described = set(data.descriptions)
        sources = sorted({source_of(s.role) for s in sims} | {source_of(s.other) for s in sims}, key=_mapping_order)
        roles = [
            mapping
            for i, subject in enumerate(sources)
            for later in sources[i + 1 :]
            for mapping in role_mappings(sims, subject, later, described)
            if frozenset((mapping.subject, mapping.object)) not in manual
        ]
        return roles, list(similarity_triples(sims))

    return stage


STAGES: tuple[Callable[[set[frozenset[str]]], Stage], ...] = (concept_stage, role_stage)
"""The stages :func:`align` runs, in order, each made from the manual pairs."""


def mapping_triples(mapping: Mapping, date: str) -> Iterator[Triple]:
    """The plain SKOS triple and the rg:Mapping record of ``mapping``, as pyoxigraph terms."""
    s, p, o = ox.NamedNode(mapping.subject), ox.NamedNode(mapping.predicate), ox.NamedNode(mapping.object)
    digest = hashlib.sha256(f"{mapping.subject} {mapping.predicate} {mapping.object}".encode()).hexdigest()[:24]
    node = ox.NamedNode(MAPPING_BASE + digest)
    yield s, p, o
    yield node, ox.NamedNode(RDF_TYPE), ox.NamedNode(RG + "Mapping")
    yield node, ox.NamedNode(RG + "mappingSubject"), s
    yield node, ox.NamedNode(RG + "mappingPredicate"), p
    yield node, ox.NamedNode(RG + "mappingObject"), o
    yield (
        node,
        ox.NamedNode(RG + "confidence"),
        ox.Literal(f"{mapping.confidence:.4f}", datatype=ox.NamedNode(XSD + "decimal")),
    )
    if mapping.method:
        yield node, ox.NamedNode(RG + "mappingMethod"), ox.Literal(mapping.method)
    if mapping.method_version:
        yield node, ox.NamedNode(RG + "mappingMethodVersion"), ox.Literal(mapping.method_version)
    yield node, ox.NamedNode(RG + "mappingJustification"), ox.NamedNode(mapping.justification)
    if date:
        yield node, ox.NamedNode(DCTERMS + "date"), ox.Literal(date, datatype=ox.NamedNode(XSD + "date"))


@dataclass
class Outcome:
    """What an align run stored."""

    mappings: list[Mapping] = field(default_factory=list)
    triples: int = 0
    by_predicate: dict[str, int] = field(default_factory=dict)


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def align(store: RoleStore, stages: Iterable[Callable[[set[frozenset[str]]], Stage]] = STAGES) -> Outcome:
    """Compute the alignment of ``store`` (opened writable) and load it as the alignment source, replacing the
    previous one in one commit (an interrupted run leaves the previous one in force)."""
    engine = store.engine()
    manual = manual_pairs(engine.solutions, _manual_graphs(store))
    mappings: list[Mapping] = []
    extra: list[Triple] = []
    for make in stages:
        found, added = make(manual)(engine, mappings)
        mappings += found
        extra += added
    date = _today()
    outcome = Outcome(mappings)
    for mapping in mappings:
        outcome.by_predicate[mapping.predicate_name] = outcome.by_predicate.get(mapping.predicate_name, 0) + 1
    counts = ", ".join(f"{n:,} {name}" for name, n in sorted(outcome.by_predicate.items()))

    def triples() -> Iterator[Triple]:
        for mapping in mappings:
            yield from mapping_triples(mapping, date)
        yield from extra

    metadata = {
        "title": "rolegraph alignment (computed mappings)",
        "release": f"{METHOD.rsplit(' ', 1)[-1]} {METHOD_VERSION} {date}",  # short: `rolegraph sources` cuts long ones
        "date": date,
        "summary": f"{len(mappings):,} mappings ({counts or 'none'})",
    }
    outcome.triples = store.load_source(ALIGNMENT_SOURCE, "alignment", metadata, triples())
    return outcome


def remove_alignment(store: RoleStore) -> bool:
    """Unload the alignment source; False when there was none."""
    if not any(info.iri == ALIGNMENT_SOURCE for info in store.sources()):
        return False
    store.remove_source(ALIGNMENT_SOURCE)
    return True


_RECORDS = f"""
SELECT ?s ?p ?o ?confidence ?method ?version ?justification ?date ?sl ?ol WHERE {{
  ?m a <{RG}Mapping> ; <{RG}mappingSubject> ?s ; <{RG}mappingPredicate> ?p ; <{RG}mappingObject> ?o .
  OPTIONAL {{ ?m <{RG}confidence> ?confidence }}
  OPTIONAL {{ ?m <{RG}mappingMethod> ?method }}
  OPTIONAL {{ ?m <{RG}mappingMethodVersion> ?version }}
  OPTIONAL {{ ?m <{RG}mappingJustification> ?justification }}
  OPTIONAL {{ ?m <{DCTERMS}date> ?date }}
  OPTIONAL {{ ?s <{RDFS_LABEL}> ?sl }}
  OPTIONAL {{ ?o <{RDFS_LABEL}> ?ol }}
}}"""


def _text(term: Any) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def _records(store: RoleStore) -> list[Labelled]:
    """Every mapping of the store: the hand-made links of the shipped files (manual curation, confidence 1) and
    the rg:Mapping records of the alignment and of imported SSSOM files."""
    engine = store.engine()
    rows: dict[tuple[str, str, str], Labelled] = {}
    shipped = [g for info in store.sources() if info.iri == SHIPPED for g in info.graph.split()]
    if shipped:
        names = " ".join(f"<{g}>" for g in shipped)
        predicates = " ".join(f"<{p}>" for p in MAPPING_PREDICATES)
        labels = f"OPTIONAL {{ ?s <{RDFS_LABEL}> ?sl }} OPTIONAL {{ ?o <{RDFS_LABEL}> ?ol }}"
        query = (f"SELECT ?s ?p ?o ?sl ?ol WHERE {{ VALUES ?g {{ {names} }} VALUES ?p {{ {predicates} }} "
                 f"GRAPH ?g {{ ?s ?p ?o }} {labels} }}")  # fmt: skip
        for s, p, o, sl, ol in engine.solutions(query):
            key = (_text(s), _text(p), _text(o))
            rows.setdefault(key, Labelled(Mapping(*key[:2], key[2], 1.0, "rolegraph ontology/links", "", MANUAL),
                                          _text(sl), _text(ol)))  # fmt: skip
    for s, p, o, confidence, method, version, justification, date, sl, ol in engine.solutions(_RECORDS):
        key = (_text(s), _text(p), _text(o))
        if key in rows:
            continue
        mapping = Mapping(key[0], key[1], key[2], float(_text(confidence) or 0), _text(method), _text(version),
                          _text(justification) or MANUAL)  # fmt: skip
        rows[key] = Labelled(mapping, _text(sl), _text(ol), _text(date))
    return [rows[key] for key in sorted(rows)]


def export_sssom(store: RoleStore, path: Path) -> int:
    """Write every mapping of ``store`` to ``path`` as SSSOM TSV; returns how many."""
    from ..fileio import write_output

    rows = _records(store)
    write_output(path, write(rows, ALIGNMENT_SOURCE, _today(), title="rolegraph mappings").encode("utf-8"))
    return len(rows)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "mappings"


def import_sssom(store: RoleStore, path: Path) -> tuple[str, int]:
    """Load the mappings of the SSSOM TSV file ``path`` as a source of their own (``.../source/sssom/NAME``, from
    the file's name; importing the same name again replaces it); returns its title and how many mappings.
    :class:`InputError` naming the line, with nothing stored, for a bad file or a mapping to an IRI that no loaded
    source has."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read it as UTF-8 text ({error}). Nothing was stored.") from None
    metadata, rows = parse(text, str(path))
    if not rows:
        raise InputError(f"{path}: no mappings in it. Nothing was stored.")
    engine = store.engine()
    iris = sorted({iri for _, row in rows for iri in (row.mapping.subject, row.mapping.object)})
    known: set[str] = set()
    for first in range(0, len(iris), 500):
        names = " ".join(f"<{iri}>" for iri in iris[first : first + 500] if _plain_iri(iri))
        if names:
            known |= {_text(x) for (x,) in engine.solutions(f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {names} }} "
                                                            "FILTER EXISTS { ?x ?p ?o } }")}  # fmt: skip
    for number, row in rows:
        for end, iri in (("subject_id", row.mapping.subject), ("object_id", row.mapping.object)):
            if iri not in known:
                raise InputError(f"{path}, line {number}: {end} <{iri}> is in no loaded source (the store has no "
                                 "statement about it). Import the source it belongs to first, or fix the line; "
                                 "nothing was stored.")  # fmt: skip
    name = _slug(path.name.removesuffix(".tsv").removesuffix(".sssom"))
    title = f"SSSOM mappings {path.name}"
    date = metadata.get("mapping_date", "") or _today()

    def triples() -> Iterator[Triple]:
        for _, row in rows:
            yield from mapping_triples(row.mapping, row.date or date)

    store.load_source(SSSOM_BASE + name, "sssom/" + name, {
        "title": title, "release": metadata.get("mapping_set_version") or date, "date": date,
        "summary": f"{len(rows):,} mappings from {metadata.get('mapping_set_id') or path.name}",
        **({"license": metadata["license"]} if _plain_iri(metadata.get("license", "")) else {}),
    }, triples())  # fmt: skip
    return title, len(rows)


def _plain_iri(iri: str) -> bool:
    return bool(re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", iri))
