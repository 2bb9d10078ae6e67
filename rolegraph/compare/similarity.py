"""Which roles are most alike: every other role ranked by Jaccard similarity to one role, with the shared nodes
that explain the rank. Computed from the ``similar-roles`` query.

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
    """The roles sharing anything with ``role``, most similar first (ties by label); at most ``limit`` of them.

    Ranks with ``rank-similar-roles``, then asks ``similar-roles`` for the shared nodes of the top ones only.
    """
    top = list(select(graph, "rank-similar-roles", {"role": role}, limit=limit))
    if not top:
        return []
    nodes: dict[str, list[SharedNode]] = {str(row.other): [] for row in top}
    explained = select(graph, "similar-roles", {"role": role, "other": [URIRef(row.other) for row in top]})
    for row in explained:
        nodes[str(row.other)].append(SharedNode(str(row.category), str(row.node), str(row.nodeLabel)))
    return [
        Similarity(
            str(row.other), str(row.otherLabel), int(row.shared), float(row.jaccard), tuple(nodes[str(row.other)])
        )
        for row in top
    ]
