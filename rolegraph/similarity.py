"""Which roles are most alike: every other role ranked by Jaccard similarity to one role, with the shared nodes
that explain the rank. Computed from the ``similar-roles`` query.

>>> from rolegraph.ontology import load_graph
>>> from rolegraph.roles import resolve_role
>>> g = load_graph()
>>> best = similar_roles(g, resolve_role(g, "Producer"))[0]
>>> best.label, best.shared
('Production Manager', 20)
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef

from .engines import QueryEngine, select

__all__ = ["SharedNode", "Similarity", "similar_roles"]


@dataclass(frozen=True)
class SharedNode:
    """A node both roles link to, in a category."""

    category: str
    iri: str
    label: str


@dataclass(frozen=True)
class Similarity:
    """Another role's similarity to the given one."""

    iri: str
    label: str
    shared: int
    jaccard: float
    shared_nodes: tuple[SharedNode, ...]


def similar_roles(graph: Graph | QueryEngine, role: URIRef, limit: int | None = None) -> list[Similarity]:
    """The roles sharing anything with ``role``, most similar first (ties by label); at most ``limit`` of them."""
    ranked: dict[str, Similarity] = {}
    nodes: dict[str, list[SharedNode]] = {}
    for row in select(graph, "similar-roles", {"role": role}):
        other = str(row.other)
        if other not in ranked:
            if limit is not None and len(ranked) >= limit:
                break
            ranked[other] = Similarity(other, str(row.otherLabel), int(row.shared), float(row.jaccard), ())
            nodes[other] = []
        nodes[other].append(SharedNode(str(row.category), str(row.node), str(row.nodeLabel)))
    return [Similarity(s.iri, s.label, s.shared, s.jaccard, tuple(nodes[s.iri])) for s in ranked.values()]
