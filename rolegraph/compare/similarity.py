"""Which roles are most alike: the ranking ``rolegraph align`` stored (roles of every source, each score explained
by facet; the ``most-similar-roles`` query) where the store holds one, otherwise every other role of any source
ranked by Jaccard similarity to one role; both with the shared nodes that explain the rank (the ``similar-roles``
query).

>>> from rolegraph.model.ontology import load_graph
>>> from rolegraph.compare.roles import resolve_role
>>> g = load_graph()
>>> best = similar_roles(g, resolve_role(g, "Producer"))[0]
>>> best.label, best.shared
('Production Manager', 20)
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef

from ..sparql.engines import QueryEngine, select

__all__ = ["FacetPart", "SharedNode", "Similarity", "similar_roles"]


@dataclass(frozen=True)
class SharedNode:
    """A node both roles link to, in a category."""

    category: str
    iri: str
    label: str


@dataclass(frozen=True)
class FacetPart:
    """The part of a stored similarity score one facet (a comparison category, ratings, titles, ...) gives."""

    facet: str
    score: float


@dataclass(frozen=True)
class Similarity:
    """Another role's similarity to the given one: ``score`` is the Jaccard similarity, or the stored ranking's
    score (then ``jaccard`` is None and ``facets`` explain it, ``method`` names the ranking)."""

    iri: str
    label: str
    shared: int
    jaccard: float | None
    shared_nodes: tuple[SharedNode, ...]
    score: float = 0.0
    facets: tuple[FacetPart, ...] = ()
    method: str = "jaccard"


def similar_roles(
    graph: Graph | QueryEngine, role: URIRef, limit: int | None = None, stored: bool = True
) -> list[Similarity]:
    """The roles most similar to ``role``, most similar first; at most ``limit`` of them.

    Reads the stored ranking (``most-similar-roles``) where there is one (and ``stored``); otherwise the roles
    sharing anything with ``role`` by Jaccard (ties by label) from ``rank-similar-roles``. Then asks
    ``similar-roles`` for the shared nodes of the top ones only.
    """
    if stored and (ranked := _stored(graph, role, limit)):
        return ranked
    top = list(select(graph, "rank-similar-roles", {"role": role}, limit=limit))
    if not top:
        return []
    nodes: dict[str, list[SharedNode]] = {str(row.other): [] for row in top}
    explained = select(graph, "similar-roles", {"role": role, "other": [URIRef(row.other) for row in top]})
    for row in explained:
        nodes[str(row.other)].append(SharedNode(str(row.category), str(row.node), str(row.nodeLabel)))
    return [
        Similarity(
            str(row.other),
            str(row.otherLabel),
            int(row.shared),
            float(row.jaccard),
            tuple(nodes[str(row.other)]),
            float(row.jaccard),
        )
        for row in top
    ]


def _facets(text: object) -> list[FacetPart]:
    """The parts of a stored rg:facetScores literal: ``"titles 0.312; duty text 0.120"``, largest first."""
    parts = []
    for item in ("" if text is None else str(text)).split("; "):
        name, _, score = item.rpartition(" ")
        if name:
            parts.append(FacetPart(name, float(score)))
    return parts


def _stored(graph: Graph | QueryEngine, role: URIRef, limit: int | None) -> list[Similarity]:
    """The stored ranking's similar roles of ``role`` (none where the store holds no alignment)."""
    ranked: dict[str, tuple[str, float, str, list[FacetPart]]] = {}
    for row in select(graph, "most-similar-roles", {"role": role}):
        other = str(row.other)
        if other not in ranked:
            if limit is not None and len(ranked) >= limit:
                break
            ranked[other] = (str(row.otherLabel), float(row.score), str(row.method or ""), _facets(row.facets))
    if not ranked:
        return []
    nodes: dict[str, list[SharedNode]] = {other: [] for other in ranked}
    for row in select(graph, "similar-roles", {"role": role, "other": [URIRef(other) for other in ranked]}):
        nodes[str(row.other)].append(SharedNode(str(row.category), str(row.node), str(row.nodeLabel)))
    return [
        Similarity(other, label, len(nodes[other]), None, tuple(nodes[other]), score, tuple(facets), method)
        for other, (label, score, method, facets) in ranked.items()
    ]
