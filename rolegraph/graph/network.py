"""Build role networks from the graph: a comparison with its citations, the whole graph, a role's neighbourhood.
Queries run here; the projection itself (:mod:`rolegraph.graph.projection`) stays a pure function.

>>> import rolegraph
>>> g = rolegraph.load()
>>> network = comparison_network(g.engine, [g.resolve("Production Manager"), g.resolve("Producer")])
>>> network.nodes["https://w3id.org/rolegraph/id/duty/raise-funds"]["citations"]
['Producer: "What is a Producer?" para. 1, line 15']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.term import Identifier

from ..compare.comparison import Comparison, _category_key, compare_roles
from ..compare.profile import role_sources, weight_text
from ..compare.roles import list_roles
from ..errors import InputError
from ..sparql.engines import QueryEngine, as_engine, select
from ..sparql.results import ResultTable
from .projection import KIND_BY_CATEGORY, comparison_graph

__all__ = [
    "CITED_LIMIT",
    "NEIGHBOURHOOD_LIMIT",
    "WHOLE_GRAPH_LIMIT",
    "comparison_network",
    "comparison_summary",
    "link_citations",
    "neighbourhood_network",
    "profiled_count",
    "whole_network",
]


def _citation_text(row: Any) -> str:
    if row.heading is None:
        file = getattr(row, "file", None)
        return f"{row.sourceTitle}, {file}" if file is not None else str(row.sourceTitle)
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
    weighed = {(r, n.iri): w for c in comparison.categories for n in (*c.shared, *c.partial, *(x for u in
               c.unique.values() for x in u)) for r, w in n.weights.items()}  # fmt: skip
    return {key: _weighed(_precise(texts), weighed.get(key)) for key, texts in found.items()}


def _weighed(texts: list[str], weights: Mapping[str, float | str] | None) -> list[str]:
    """The citations of a link with its weights after the first ("O*NET 29.0 Database, Skills.txt (importance
    4.38/5, level 4.38/7)"), so that the page's panel shows them."""
    text = weight_text(weights or {})
    return [f"{texts[0]} ({text})", *texts[1:]] if texts and text else texts


def _precise(texts: list[str]) -> list[str]:
    """``texts`` without a release cited as a whole where one of its files is cited too (ESCO's essential and
    optional links have no statement; the same skill's rg:requiresSkill link names its file)."""
    return [t for t in texts if not any(other.startswith(t + ", ") for other in texts)]


def comparison_network(graph: Graph | QueryEngine, roles: Sequence[URIRef]) -> nx.MultiGraph:
    """The network of a comparison of ``roles``, with citations on its links."""
    comparison = compare_roles(graph, roles)
    network = comparison_graph(comparison, link_citations(graph, comparison))
    network.graph["summary"] = comparison_summary(comparison)
    _cite_roles(graph, network, [URIRef(r.iri) for r in comparison.roles])
    return network


def _cite_roles(graph: Graph | QueryEngine, network: nx.MultiGraph, roles: Sequence[Identifier]) -> None:
    """Give the nodes of ``roles`` that have no citation the sources of their facts (an imported role: its release
    and the files read; a role of the article: the article)."""
    wanted = [URIRef(str(r)) for r in roles if str(r) in network and not network.nodes[str(r)].get("citations")]
    if not wanted:
        return
    for role, citations in role_sources(graph, wanted).items():
        network.nodes[str(role)]["citations"] = [str(c) for c in citations]


def whole_network(graph: Graph | QueryEngine) -> nx.MultiGraph:
    """Every profiled role and everything it links to; an error past :data:`WHOLE_GRAPH_LIMIT` roles."""
    total = profiled_count(graph)
    if total > WHOLE_GRAPH_LIMIT:
        raise InputError(
            f"the graph holds {total:,} roles with a profile, too many to draw whole (at most "
            f"{WHOLE_GRAPH_LIMIT:,}): draw one role's neighbourhood with --role ROLE [--depth N], or compare a few "
            "roles with --role A --role B."
        )
    roles = [s.iri for s in list_roles(graph, profiled_only=True)]
    if len(roles) < 2:
        raise InputError("the graph needs at least two roles with a profile to draw it whole.")
    return comparison_network(graph, roles)


WHOLE_GRAPH_LIMIT = 300
"""The most roles with a profile `graph` draws whole; past that the page would be too large to lay out."""

CITED_LIMIT = 50
"""The most roles whose links a neighbourhood cites; past that, the roles on its rim go uncited."""

NEIGHBOURHOOD_LIMIT = 5_000
"""The most nodes a neighbourhood may hold (the whole O*NET + ESCO store is reached at depth 3)."""

_HEAD = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX rg: <https://w3id.org/rolegraph/vocab#>\n"
_LINKS = (
    "{{ {values} ?role ?link ?node . ?link rg:comparisonCategory ?category ; rdfs:subPropertyOf rg:roleLink . }}"
    " UNION {{ {values} ?role rg:recommendedCertification ?certification . ?certification rg:issuedBy ?node ."
    " rg:issuedBy rg:comparisonCategory ?category . }}"
)
"""The categorised links, as the compare query reads them, with a place for VALUES inside each branch."""


def _values(name: str, terms: Iterable[Identifier]) -> str:
    return f"VALUES ?{name} {{ {' '.join(sorted(t.n3() for t in terms))} }}"


def _rows(engine: QueryEngine, text: str) -> list[tuple[Any, ...]]:
    answer = engine.execute(_HEAD + text)
    if not isinstance(answer, ResultTable):  # pragma: no cover - these texts are SELECT queries
        raise TypeError("expected rows")
    return [tuple(row) for row in answer.rows]


def _links(
    engine: QueryEngine, name: str, terms: set[Identifier], roles: set[Identifier] | None = None
) -> list[tuple[Identifier, str, Identifier]]:
    """(role, category, node) for the categorised links from (``name`` role) or to (``name`` node) ``terms``; with
    ``roles``, only the links from those."""
    if not terms or (roles is not None and not roles):
        return []
    values = _values(name, terms) + (" " + _values("role", roles) if roles is not None else "")
    # Oxigraph looks a role's links up from VALUES inside each branch, but a node's linkers from VALUES outside
    # (inside, that takes 20 times longer on the O*NET + ESCO store).
    where = _LINKS.format(values=values) if name == "role" else f"{values} {_LINKS.format(values='')}"
    rows = _rows(engine, f"SELECT DISTINCT ?role ?category ?node WHERE {{ {where} }}")
    return [(r, str(c), n) for r, c, n in rows]


def _linker_counts(engine: QueryEngine, nodes: set[Identifier]) -> dict[Identifier, int]:
    """How many roles link to each of ``nodes`` (only profiled roles have categorised links)."""
    if not nodes:
        return {}
    links = _LINKS.format(values="")
    text = f"SELECT ?node (COUNT(DISTINCT ?role) AS ?n) WHERE {{ {_values('node', nodes)} {links} }} GROUP BY ?node"
    return {node: int(n) for node, n in _rows(engine, text)}


def _profiled(engine: QueryEngine, terms: set[Identifier]) -> set[Identifier]:
    iris = {t for t in terms if isinstance(t, URIRef)}
    if not iris:
        return set()
    return {r[0] for r in _rows(engine, f"SELECT ?role WHERE {{ {_values('role', iris)} ?role a rg:ProfiledRole . }}")}


def _labels(engine: QueryEngine, terms: set[Identifier]) -> dict[Identifier, str]:
    iris = {t for t in terms if isinstance(t, URIRef)}
    found: dict[Identifier, str] = {t: str(t) for t in terms}
    if iris:
        text = (f"SELECT ?node ?label WHERE {{ {_values('node', iris)} ?node rdfs:label ?label . "
                'FILTER(langMatches(lang(?label), "en")) }')  # fmt: skip
        for node, label in sorted(_rows(engine, text), key=lambda row: str(row[1])):
            found[node] = str(label)
    return found


def profiled_count(graph: Graph | QueryEngine) -> int:
    """How many roles with a profile ``graph`` holds."""
    rows = _rows(as_engine(graph), "SELECT (COUNT(DISTINCT ?role) AS ?n) WHERE { ?role a rg:ProfiledRole . }")
    return int(rows[0][0])


def neighbourhood_network(graph: Graph | QueryEngine, role: URIRef, depth: int = 1) -> nx.MultiGraph:
    """The nodes within ``depth`` links of ``role`` in the network of every profiled role, found from ``role``
    outward; only ``role`` is an anchor. A node's ``roles`` are the roles drawn that link to it; its ``membership``
    counts every role that does (``some`` for a node of a depth-1 neighbourhood another role shares). Links are
    cited, except, in a neighbourhood of more than :data:`CITED_LIMIT` roles, those of the roles on its rim
    (``depth`` links away)."""
    if depth < 1:
        raise InputError("--depth must be 1 or more.")
    engine = as_engine(graph)
    distance: dict[Identifier, int] = {role: 0}
    profiled = _profiled(engine, {role})
    forward: list[tuple[Identifier, str, Identifier]] = []
    backward: dict[Identifier, list[tuple[Identifier, str, Identifier]]] = {}
    frontier: set[Identifier] = {role}
    asked = 0  # roles whose links were asked for: len(forward) / asked is the links per role
    for step in range(1, depth + 1):
        if not frontier:
            break
        asked += len(frontier & profiled)
        found = _links(engine, "role", frontier & profiled)
        forward += found
        reached = {n for _, _, n in found}
        linked = _links(engine, "node", frontier)
        linkers = {r for r, _, _ in linked}
        profiled |= _profiled(engine, linkers | reached)
        for link in linked:
            if link[0] in profiled:
                backward.setdefault(link[2], []).append(link)
        frontier = {x for x in reached | (linkers & profiled) if x not in distance}
        for x in frontier:
            distance[x] = step
        if len(distance) > NEIGHBOURHOOD_LIMIT:
            raise InputError(
                f"the neighbourhood of {role} at depth {depth} holds more than {NEIGHBOURHOOD_LIMIT:,} nodes, too "
                f"many to draw; try --depth {max(step - 1, 1)}, or compare a few roles with --role A --role B."
            )
    if len(distance) == 1:
        raise InputError(f"{role} links to nothing in the graph, so it has no neighbourhood to draw.")
    rim = {x for x, d in distance.items() if d == depth}
    edges = {link for link in forward if link[2] in distance}
    for links in backward.values():
        edges |= {link for link in links if link[0] in distance}
    rim_counts = _linker_counts(engine, rim)
    rim_roles = {r for r in rim if r in profiled}
    if rim_roles:  # the links between rim roles and rim nodes, asked from whichever side has fewer
        if sum(rim_counts.values()) <= len(forward) / max(asked, 1) * len(rim_roles):
            edges |= {link for link in _links(engine, "node", rim) if link[0] in rim_roles}
        else:
            edges |= {link for link in _links(engine, "role", rim_roles) if link[2] in rim}
    linkers_of: dict[Identifier, set[Identifier]] = {}
    for r, _, n in edges:
        linkers_of.setdefault(n, set()).add(r)
    counts = {n: len(links) for n, links in linkers_of.items()} | rim_counts
    cited = [r for r, d in distance.items() if r in profiled]
    if len(cited) > CITED_LIMIT:
        cited = [r for r in cited if distance[r] < depth]
    citations = _citations(engine, cited, edges)
    labels = _labels(engine, set(distance))
    total = profiled_count(engine)
    near = nx.MultiGraph(roles=[str(role)])
    anchors = {x for x in distance if x in profiled} | {role}
    categories: dict[Identifier, list[str]] = {}
    for _, category, node in sorted(edges, key=lambda e: _category_key(e[1])):
        categories.setdefault(node, [])
        if category not in categories[node]:
            categories[node].append(category)
    for node in sorted(distance, key=lambda x: (distance[x], labels[x].casefold(), str(x))):
        linkers = linkers_of.get(node, set())
        entries = [f"{labels[r]}: {text}" for r in sorted(linkers & set(cited), key=str)
                   for text in citations.get((r, node), ())]  # fmt: skip
        if node == role:
            kind, membership = "role", "role"
        elif node in anchors:
            kind, membership = "collaborator", "unique"
        else:
            first = (categories.get(node) or ["collaborators"])[0]
            kind = KIND_BY_CATEGORY.get(first, first)
            count = counts.get(node, len(linkers))
            membership = "all" if count == total > 1 else ("unique" if count == 1 else "some")
        near.add_node(str(node), label=labels[node], kind=kind, membership=membership,
                      roles=sorted(map(str, linkers)) if node not in anchors else [str(node)],
                      categories=categories.get(node, []), citations=list(dict.fromkeys(entries)))  # fmt: skip
    for r, category, node in sorted(edges, key=lambda e: (_category_key(e[1]), str(e[0]), str(e[2]))):
        near.add_edge(str(r), str(node), key=category, category=category, citations=list(citations.get((r, node), ())))
    _cite_roles(engine, near, sorted((x for x in anchors if x in profiled or x == role), key=str)[:CITED_LIMIT])
    return near


def _citations(
    engine: QueryEngine, roles: Sequence[Identifier], edges: set[tuple[Identifier, str, Identifier]]
) -> dict[tuple[Identifier, Identifier], list[str]]:
    """Citation texts by (role, node) for the links of ``roles``; an organisation is cited by the passage naming it
    as the issuer of the role's certification."""
    found: dict[tuple[Identifier, Identifier], list[str]] = defaultdict(list)
    for role in roles:
        for row in select(engine, "citations", {"role": role}):
            text = _citation_text(row)
            if row.value is not None and text not in found[(role, row.value)]:
                found[(role, row.value)].append(text)
    wanted = set(roles)
    issuers = {(r, n) for r, c, n in edges if c == "organisations" and r in wanted}
    for certification in sorted({n for r, c, n in edges if c == "certifications" and r in wanted}, key=str):
        for row in select(engine, "citations", {"role": certification}):
            if row.value is None or str(row.propertyLabel) != "issued by":
                continue
            for role in roles:
                if (role, row.value) in issuers:
                    text = f"issuer named at {_citation_text(row)}"
                    if text not in found[(role, row.value)]:
                        found[(role, row.value)].append(text)
    return {key: _precise(texts) for key, texts in found.items()}


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
