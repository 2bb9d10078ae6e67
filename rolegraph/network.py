"""Build role networks from the graph: a comparison with its citations, the whole graph, a role's neighbourhood.
Queries run here; the projection itself (:mod:`rolegraph.graph`) stays a pure function.

>>> import rolegraph
>>> g = rolegraph.load()
>>> network = comparison_network(g.engine, [g.resolve("Production Manager"), g.resolve("Producer")])
>>> network.nodes["https://w3id.org/rolegraph/id/duty/raise-funds"]["citations"]
['Producer: "What is a Producer?" para. 1, line 15']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import networkx as nx
from rdflib import Graph, URIRef

from .compare import Comparison, compare_roles
from .engines import QueryEngine, select
from .errors import InputError
from .graph import comparison_graph, neighbourhood
from .roles import list_roles

__all__ = ["comparison_network", "comparison_summary", "link_citations", "neighbourhood_network", "whole_network"]


def _citation_text(row: Any) -> str:
    if row.heading is None:
        return str(row.sourceTitle)
    line = f", line {int(row.line)}" if row.line is not None else ""
    return f'"{row.heading}" para. {int(row.paragraph)}{line}'


def link_citations(graph: Graph | QueryEngine, comparison: Comparison) -> dict[tuple[str, str], list[str]]:
    """Citation texts for every link in ``comparison``, by (role IRI, node IRI); organisations are cited by the
    passage that names them as a certification's issuer."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    issuers = {n.iri for c in comparison.categories if c.category == "organisations" for n in c.shared + c.partial}
    issuers |= {
        n.iri for c in comparison.categories if c.category == "organisations" for u in c.unique.values() for n in u
    }
    for role in comparison.roles:
        for row in select(graph, "citations", {"role": URIRef(role.iri)}):
            text = _citation_text(row)
            if text not in found[(role.iri, str(row.value))]:
                found[(role.iri, str(row.value))].append(text)
    certifications = {n.iri for c in comparison.categories if c.category == "certifications" for n in
                      c.shared + c.partial + tuple(x for u in c.unique.values() for x in u)}  # fmt: skip
    for certification in sorted(certifications):
        for row in select(graph, "citations", {"role": URIRef(certification)}):
            if row.value is not None and str(row.value) in issuers and str(row.propertyLabel) == "issued by":
                for role in comparison.roles:
                    text = f"issuer named at {_citation_text(row)}"
                    if text not in found[(role.iri, str(row.value))]:
                        found[(role.iri, str(row.value))].append(text)
    return dict(found)


def comparison_network(graph: Graph | QueryEngine, roles: Sequence[URIRef]) -> nx.MultiGraph:
    """The network of a comparison of ``roles``, with citations on its links."""
    comparison = compare_roles(graph, roles)
    network = comparison_graph(comparison, link_citations(graph, comparison))
    network.graph["summary"] = comparison_summary(comparison)
    return network


def whole_network(graph: Graph | QueryEngine) -> nx.MultiGraph:
    """Every profiled role and everything it links to."""
    roles = [s.iri for s in list_roles(graph, profiled_only=True)]
    if len(roles) < 2:
        raise InputError("the graph needs at least two roles with a profile to draw it whole.")
    return comparison_network(graph, roles)


def neighbourhood_network(graph: Graph | QueryEngine, role: URIRef, depth: int = 1) -> nx.MultiGraph:
    """The nodes within ``depth`` links of ``role`` in the whole network; only ``role`` is an anchor."""
    whole = whole_network(graph)
    if str(role) not in whole:
        raise InputError(f"{role} links to nothing in the graph, so it has no neighbourhood to draw.")
    near = neighbourhood(whole, str(role), depth)
    near.graph = {"roles": [str(role)]}
    for node, data in near.nodes(data=True):
        if node != str(role) and data["membership"] == "role":
            data["membership"], data["kind"] = "unique", "collaborator"
    return near


def comparison_summary(comparison: Comparison) -> dict[str, Any]:
    """The header figures of a comparison page: overall and per-category Jaccard, shared and unique counts."""
    return {
        "jaccard": comparison.jaccard,
        "categories": [
            {
                "category": c.category,
                "jaccard": c.jaccard,
                "shared": len(c.shared),
                "some": len(c.partial),
                "unique": [len(c.unique[r.iri]) for r in comparison.roles],
            }
            for c in comparison.categories
        ],
    }
