"""Concept mappings: for each skill, knowledge area, duty and work activity of one source (the article, ESCO,
O*NET), its counterparts in the others, as :class:`~rolegraph.align.mapping.Mapping` values with an honest SKOS
relation (never skos:exactMatch), read from any engine's store by SPARQL.

The score of a pair is its lexical score (:mod:`rolegraph.align.text`) lowered where the occupations that use the two
concepts have nothing in common (their titles' words), which tells false friends apart ("casting" metal vs actors).
The relation: skos:closeMatch from :data:`CLOSE` up; skos:broadMatch / skos:narrowMatch from :data:`RELATED` up where
one label's words hold all of the other's (the longer one is the narrower concept); skos:relatedMatch from
:data:`RELATED` to :data:`CLOSE`; nothing below. Pairs that a hand-made (or imported) mapping relates are skipped:
those always win. The thresholds are calibrated on the judged pairs of benchmarks/data/alignment-judgements.tsv
(``benchmarks/evaluate_alignment.py`` prints precision by score band).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model.iris import ID
from .mapping import BROAD_MATCH, CLOSE_MATCH, MAPPING_PREDICATES, NARROW_MATCH, RELATED_MATCH, SEMAPV, Mapping
from .text import METHOD, METHOD_VERSION, Concept, TextModel, top_matches, words

__all__ = [
    "CLOSE",
    "PAIRS",
    "RELATED",
    "SOURCES",
    "Candidate",
    "candidates",
    "choose",
    "manual_pairs",
    "map_concepts",
    "read_broader",
    "read_concepts",
    "through_hierarchy",
]

CLOSE = 0.95
"""Lowest score of a skos:closeMatch (calibrated: see the module's docstring)."""
RELATED = 0.60
"""Lowest score of any mapping (skos:relatedMatch, broadMatch, narrowMatch)."""
CONTEXT_FLOOR = 0.05
"""Occupation contexts less alike than this (cosine of their titles' words) count against a pair."""
CONTEXT_PENALTY = 0.15
"""What contexts with nothing in common take off a pair's score."""
CHAINING = SEMAPV + "MappingChaining"
"""The justification of a mapping inferred from another one and a hierarchy."""
TOP_K = 3
"""Candidates kept per concept and other source."""

RG = "https://w3id.org/rolegraph/vocab#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SOURCES: dict[str, tuple[str, ...]] = {
    "article": (ID + "skill/", ID + "duty/"),
    "esco": ("http://data.europa.eu/esco/skill/",),
    "onet": (ID + "onet/element/", ID + "onet/iwa/", ID + "onet/dwa/"),
}
"""Which concepts each source contributes, by IRI namespace (O*NET: skills, knowledge and work activities, GWA to
DWA; its tasks are reached through their DWAs)."""
PAIRS = (("article", "esco"), ("article", "onet"), ("esco", "onet"))
"""Which sources are mapped, subject side first."""
_TYPES = (RG + "Skill", RG + "KnowledgeArea", RG + "Duty", RG + "WorkActivity")

_CONCEPTS_QUERY = f"""
SELECT ?c ?label ?alt ?description WHERE {{
  VALUES ?type {{ {" ".join(f"<{t}>" for t in _TYPES)} }}
  ?c a ?type ; <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  FILTER({" || ".join(f'STRSTARTS(STR(?c), "{ns}")' for group in SOURCES.values() for ns in group)})
  OPTIONAL {{ ?c <{SKOS}altLabel> ?alt }}
  OPTIONAL {{ ?c <http://purl.org/dc/terms/description> ?description }}
}}"""
_USES_QUERY = f"""
SELECT ?c ?title WHERE {{
  ?role <{RG}requiresSkill>|<{RG}requiresKnowledge>|<{RG}performsActivity>|<{RG}hasDuty> ?c ;
        <http://www.w3.org/2000/01/rdf-schema#label> ?title .
}}"""
_BROADER_QUERY = f"""
SELECT ?c ?broader WHERE {{
  ?c <{SKOS}broader> ?broader .
  FILTER(STRSTARTS(STR(?c), "{ID}onet/dwa/") || STRSTARTS(STR(?c), "{ID}onet/iwa/"))
}}"""


def source_of(iri: str) -> str | None:
    """Which of :data:`SOURCES` a concept IRI belongs to."""
    for name, namespaces in SOURCES.items():
        if iri.startswith(namespaces):
            return name
    return None


def _value(term: Any) -> str:
    return str(getattr(term, "value", term))


def read_concepts(solutions: Any) -> dict[str, list[Concept]]:
    """Every source's concepts (labels, alternative labels, description, the titles of the occupations that use
    them), read with ``solutions(query)`` (an engine's :meth:`solutions`), sorted by IRI."""
    labels: dict[str, str] = {}
    alternatives: dict[str, dict[str, None]] = defaultdict(dict)
    descriptions: dict[str, str] = {}
    for c, label, alt, description in solutions(_CONCEPTS_QUERY):
        iri = _value(c)
        labels.setdefault(iri, " ".join(_value(label).split()))
        if alt is not None:
            alternatives[iri][" ".join(_value(alt).split())] = None
        if description is not None:
            descriptions.setdefault(iri, _value(description))
    titles: dict[str, set[str]] = defaultdict(set)
    for c, title in solutions(_USES_QUERY):
        iri = _value(c)
        if iri in labels:
            titles[iri].add(_value(title))
    broader = read_broader(solutions)
    for level in ("dwa/", "iwa/"):  # a work activity is used by the occupations that perform the ones under it
        for iri in [iri for iri in broader if iri.startswith(ID + "onet/" + level)]:
            for above in broader[iri]:
                if above in labels:
                    titles[above] |= titles.get(iri, set())
    sides: dict[str, list[Concept]] = {name: [] for name in SOURCES}
    for iri in sorted(labels):
        name = source_of(iri)
        if name is None:
            continue
        alts = tuple(a for a in alternatives.get(iri, {}) if a.casefold() != labels[iri].casefold())
        sides[name].append(Concept(iri, labels[iri], alts, descriptions.get(iri, ""), tuple(sorted(titles[iri]))))
    return sides


def read_broader(solutions: Any) -> dict[str, list[str]]:
    """Each O*NET DWA's and IWA's broader work activities."""
    broader: dict[str, list[str]] = defaultdict(list)
    for c, above in solutions(_BROADER_QUERY):
        broader[_value(c)].append(_value(above))
    return broader


def through_hierarchy(
    mappings: Sequence[Mapping], broader: dict[str, list[str]], manual: set[frozenset[str]]
) -> list[Mapping]:
    """skos:broadMatch to the work activity above an O*NET activity that a concept closely matches (what the
    hierarchy says), for pairs no mapping relates yet."""
    taken = {frozenset((m.subject, m.object)) for m in mappings} | manual
    added: list[Mapping] = []
    for mapping in mappings:
        if mapping.predicate != CLOSE_MATCH:
            continue
        for above in broader.get(mapping.object, ()):
            pair = frozenset((mapping.subject, above))
            if pair in taken:
                continue
            taken.add(pair)
            added.append(Mapping(mapping.subject, BROAD_MATCH, above, mapping.confidence, METHOD, METHOD_VERSION,
                                 CHAINING))  # fmt: skip
    return added


def manual_pairs(solutions: Any, graphs: Iterable[str]) -> set[frozenset[str]]:
    """The concept pairs that a mapping in ``graphs`` (hand-made links, imported mappings) relates, either way."""
    names = " ".join(f"<{g}>" for g in graphs)
    if not names:
        return set()
    predicates = " ".join(f"<{p}>" for p in MAPPING_PREDICATES)
    query = f"SELECT ?s ?o WHERE {{ VALUES ?g {{ {names} }} VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    return {frozenset((_value(s), _value(o))) for s, o in solutions(query)}


@dataclass(frozen=True)
class Candidate:
    """A scored pair of concepts of two sources, before a relation is chosen."""

    subject: Concept
    object: Concept
    lexical: float
    context: float | None
    """The cosine of the two concepts' occupation contexts; None where either has none."""

    @property
    def score(self) -> float:
        """The lexical score, lowered where the occupation contexts have nothing in common."""
        if self.context is None or self.context >= CONTEXT_FLOOR:
            return self.lexical
        return max(0.0, self.lexical - CONTEXT_PENALTY * (CONTEXT_FLOOR - self.context) / CONTEXT_FLOOR)


class _Contexts:
    """TF-IDF vectors of the words of the occupation titles each concept is used by."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        frequency: Counter[str] = Counter()
        titles = {title for concept in concepts for title in concept.occupations}
        for title in titles:
            frequency.update(set(words(title)))
        self.idf = {w: math.log((1 + len(titles)) / (1 + n)) + 1 for w, n in frequency.items()}
        self.vectors: dict[str, dict[str, float]] = {}

    def vector(self, concept: Concept) -> dict[str, float]:
        if concept.iri not in self.vectors:
            counts: Counter[str] = Counter()
            for title in concept.occupations:
                counts.update(set(words(title)))
            vector = {w: n * self.idf.get(w, 1.0) for w, n in counts.items()}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            self.vectors[concept.iri] = {w: v / norm for w, v in vector.items()}
        return self.vectors[concept.iri]

    def cosine(self, a: Concept, b: Concept) -> float | None:
        if not a.occupations or not b.occupations:
            return None
        left, right = self.vector(a), self.vector(b)
        if len(left) > len(right):
            left, right = right, left
        return sum(v * right.get(w, 0.0) for w, v in left.items())


def candidates(
    sides: dict[str, list[Concept]], pairs: Sequence[tuple[str, str]] = PAIRS, k: int = TOP_K, floor: float = RELATED
) -> list[Candidate]:
    """The ``k`` best-scoring counterparts of each concept in each other source (``pairs``), scoring at least
    ``floor`` lexically."""
    everything = [concept for side in sides.values() for concept in side]
    model = TextModel([concept.label, *concept.alternatives] for concept in everything)
    contexts = _Contexts(everything)
    found: list[Candidate] = []
    for left_name, right_name in pairs:
        left, right = sides.get(left_name, []), sides.get(right_name, [])
        for a, b, lexical in top_matches(model, left, right, k, floor):
            found.append(Candidate(left[a], right[b], lexical, contexts.cosine(left[a], right[b])))
    return found


_HEAD = re.compile(r"\(.*?\)")


def _stems(label: str) -> frozenset[str]:
    return frozenset(words(_HEAD.sub(" ", label)))


def choose(candidate: Candidate, close: float = CLOSE, related: float = RELATED) -> str | None:
    """The SKOS relation the pair's score and labels support, or None (below ``related``)."""
    score = candidate.score
    if score < related:
        return None
    mine, theirs = _stems(candidate.subject.label), _stems(candidate.object.label)
    if mine and theirs and mine != theirs:
        if mine < theirs:
            return NARROW_MATCH  # the object's label says more: it is the narrower concept
        if theirs < mine:
            return BROAD_MATCH
    return CLOSE_MATCH if score >= close else RELATED_MATCH


def map_concepts(
    sides: dict[str, list[Concept]],
    manual: set[frozenset[str]],
    *,
    close: float = CLOSE,
    related: float = RELATED,
    pairs: Sequence[tuple[str, str]] = PAIRS,
) -> list[Mapping]:
    """The mappings between the concepts of ``sides`` (see the module's docstring); none for a pair in
    ``manual``."""
    mappings: list[Mapping] = []
    seen: set[frozenset[str]] = set()
    for candidate in candidates(sides, pairs, floor=related):
        pair = frozenset((candidate.subject.iri, candidate.object.iri))
        if pair in manual or pair in seen or len(pair) < 2:
            continue
        predicate = choose(candidate, close, related)
        if predicate is None:
            continue
        seen.add(pair)
        mappings.append(Mapping(candidate.subject.iri, predicate, candidate.object.iri,
                                round(candidate.score, 4), METHOD, METHOD_VERSION))  # fmt: skip
    return mappings
