"""Project a comparison onto a networkx graph, and export that graph for Gephi, Cytoscape and other tools.

One node per distinct RDF node (roles, duties, skills, ...), one edge per link from a role, keyed by category.
Node attributes: ``label``, ``kind``, ``membership`` (``role`` for the compared roles' anchors, else ``all``,
``some``, ``matched`` or ``unique``), ``roles`` (IRIs of the compared roles linking to it), ``categories`` and
``citations``. The two nodes of a matched pair are joined by an edge keyed ``match`` (``category`` "matched",
``relation``, ``score``, ``origin``, ``counted``, ``across``: "duties \u2248 skills" for a pair across categories,
else ""; the page draws it dashed with its score); each node of a pair keeps its own category and kind.

>>> import rolegraph
>>> g = rolegraph.load()
>>> network = comparison_graph(g.compare("Production Manager", "Producer"))
>>> network.nodes["https://w3id.org/rolegraph/id/skill/communication"]["membership"]
'all'
>>> network.number_of_edges() == sum(len(n.roles) for c in g.compare("Production Manager", "Producer").categories
...                                  for n in c.shared + c.partial + tuple(x for u in c.unique.values() for x in u))
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from ..compare.comparison import Comparison
from ..errors import InputError

__all__ = ["EXPORT_GRAPH_FORMATS", "KIND_BY_CATEGORY", "comparison_graph", "export_graph", "neighbourhood"]

KIND_BY_CATEGORY: dict[str, str] = {
    "duties": "duty",
    "skills": "skill",
    "knowledge": "skill",
    "technology": "skill",
    "tools": "skill",
    "abilities": "skill",
    "work styles": "skill",
    "work activities": "duty",
    "interests": "interest",
    "work values": "interest",
    "skill focus": "skill focus",
    "certifications": "certification",
    "organisations": "organisation",
    "education": "education",
    "experience": "education",
    "training": "education",
    "environment": "environment",
    "work context": "environment",
    "collaborators": "collaborator",
    "also acts as": "collaborator",
    "salary": "salary",
    "project types": "project type",
    "industry": "industry",
}
"""The kind of node (shape in the page) each comparison category holds."""

Citations = Mapping[tuple[str, str], Sequence[str]]
"""Citation texts by (role IRI, node IRI)."""


def comparison_graph(comparison: Comparison, citations: Citations | None = None) -> nx.MultiGraph:
    """The comparison as a MultiGraph: anchors for the roles, a node per linked RDF node, an edge per link.

    ``citations`` maps (role IRI, node IRI) to the citation texts of that link; they are attached to the edges and
    gathered on the nodes.
    """
    citations = citations or {}
    labels = {r.iri: r.label for r in comparison.roles}
    graph = nx.MultiGraph(
        roles=[r.iri for r in comparison.roles], jaccard=comparison.jaccard, overlap=comparison.overlap
    )
    for role in comparison.roles:
        graph.add_node(
            role.iri, label=role.label, kind="role", membership="role", roles=[role.iri], categories=[], citations=[]
        )
    matched: set[str] = set()
    for category in comparison.categories:
        paired = [node for pair in category.matched for node in (pair.left, pair.right)]
        # A pair across categories (a duty matched to a skill) keeps each node's own category and kind.
        own = {
            n.iri: c for p in category.matched for n, c in ((p.left, p.left_category), (p.right, p.right_category)) if c
        }
        groups = [("all", category.shared), ("some", category.partial), ("matched", tuple(paired))]
        groups += [("unique", nodes) for nodes in category.unique.values()]
        for membership, nodes in groups:
            for node in nodes:
                name = own.get(node.iri, category.category) if membership == "matched" else category.category
                if node.iri not in graph:
                    graph.add_node(
                        node.iri, label=node.label, kind=KIND_BY_CATEGORY.get(name, name), membership=membership,
                        roles=[], categories=[], citations=[],
                    )  # fmt: skip
                data = graph.nodes[node.iri]
                if name not in data["categories"]:
                    data["categories"].append(name)
                for linker in node.roles:
                    cited = list(citations.get((linker, node.iri), ()))
                    graph.add_edge(linker, node.iri, key=name, category=name, citations=cited)
                    if data["membership"] != "role" and linker not in data["roles"]:
                        data["roles"].append(linker)
                    for text in cited:
                        entry = f"{labels[linker]}: {text}"
                        if entry not in data["citations"]:
                            data["citations"].append(entry)
        for pair in category.matched:
            graph.add_edge(
                pair.left.iri, pair.right.iri, key="match", category="matched", relation=pair.relation,
                score=pair.score, origin=pair.origin, counted=pair.counted, citations=[],
                across=pair.categories_text if pair.across else "",
            )  # fmt: skip
            matched.update((pair.left.iri, pair.right.iri))
    everyone = set(labels)
    for node, data in graph.nodes(data=True):
        if data["membership"] != "role" and node in matched:
            data["membership"] = "matched"
            data["roles"] = [r for r in labels if r in data["roles"]]
        elif data["membership"] != "role":
            linked = set(data["roles"])
            data["membership"] = "all" if linked == everyone else ("unique" if len(linked) == 1 else "some")
            data["roles"] = [r for r in labels if r in linked]
    return graph


def neighbourhood(graph: nx.MultiGraph, center: str, depth: int) -> nx.MultiGraph:
    """The part of ``graph`` within ``depth`` links of ``center``."""
    if center not in graph:
        raise InputError(f"{center} is not in the graph.")
    if depth < 1:
        raise InputError("--depth must be 1 or more.")
    near = nx.single_source_shortest_path_length(graph, center, cutoff=depth)
    return graph.subgraph(near).copy()


EXPORT_GRAPH_FORMATS = ("graphml", "gexf", "json")


def _scalar(value: Any) -> Any:
    """A value GraphML and GEXF can hold: lists joined with " | ", mappings as JSON text."""
    if isinstance(value, list | tuple):
        return " | ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _flat(graph: nx.MultiGraph) -> nx.MultiGraph:
    """A copy whose attribute values are all scalars (GraphML and GEXF hold nothing else)."""
    flat = nx.MultiGraph()
    flat.graph.update({k: _scalar(v) for k, v in graph.graph.items()})
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: _scalar(v) for k, v in data.items()})
    for u, v, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, **{k: _scalar(x) for k, x in data.items()})
    return flat


def export_graph(graph: nx.MultiGraph, fmt: str) -> bytes:
    """``graph`` as GraphML, GEXF or node-link JSON (UTF-8 bytes)."""
    if fmt == "json":
        document: dict[str, Any] = nx.node_link_data(graph, edges="links")
        return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(_flat(graph))).encode("utf-8") + b"\n"
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(_flat(graph))).encode("utf-8") + b"\n"
    raise InputError(f"unknown graph format {fmt!r}; choose one of {', '.join(EXPORT_GRAPH_FORMATS)}.")
