"""What an alignment holds: mappings between concepts (or roles) of different sources and ranked role
similarities, as plain values, and the IRIs of the alignment's source in a store.

>>> m = Mapping("https://example.org/a", CLOSE_MATCH, "https://example.org/b", 0.91, "tfidf", "1")
>>> m.predicate_name
'closeMatch'
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ALIGNMENT_SOURCE",
    "BROAD_MATCH",
    "CLOSE_MATCH",
    "EXACT_MATCH",
    "LEXICAL",
    "MANUAL",
    "MAPPING_PREDICATES",
    "NARROW_MATCH",
    "RELATED_MATCH",
    "FacetScore",
    "Mapping",
    "RoleSimilarity",
]

SKOS = "http://www.w3.org/2004/02/skos/core#"
CLOSE_MATCH = SKOS + "closeMatch"
BROAD_MATCH = SKOS + "broadMatch"
NARROW_MATCH = SKOS + "narrowMatch"
RELATED_MATCH = SKOS + "relatedMatch"
EXACT_MATCH = SKOS + "exactMatch"
MAPPING_PREDICATES = (CLOSE_MATCH, BROAD_MATCH, NARROW_MATCH, RELATED_MATCH, EXACT_MATCH)
"""The SKOS relations a mapping may assert; rolegraph align never produces skos:exactMatch itself."""

SEMAPV = "https://w3id.org/semapv/vocab/"
LEXICAL = SEMAPV + "LexicalSimilarityThresholdMatching"
MANUAL = SEMAPV + "ManualMappingCuration"

ALIGNMENT_SOURCE = "https://w3id.org/rolegraph/id/source/alignment"
"""The alignment's source IRI in a store's registry: one current release of it at a time."""


@dataclass(frozen=True)
class Mapping:
    """One mapping from ``subject`` to ``object`` (IRIs of different sources) by a SKOS relation."""

    subject: str
    predicate: str
    object: str
    confidence: float
    method: str
    method_version: str
    justification: str = LEXICAL

    @property
    def predicate_name(self) -> str:
        """The SKOS relation's local name (closeMatch, broadMatch, ...)."""
        return self.predicate.rsplit("#", 1)[-1]


@dataclass(frozen=True)
class FacetScore:
    """The part one comparison category contributes to a role similarity."""

    category: str
    score: float


@dataclass(frozen=True)
class RoleSimilarity:
    """Role ``other`` is the ``rank``-th most similar role to ``role``, with ``score`` from 0 to 1."""

    role: str
    other: str
    score: float
    rank: int
    facets: tuple[FacetScore, ...] = field(default=())
    method: str = ""
    method_version: str = ""
