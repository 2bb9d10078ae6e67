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
from urllib.parse import unquote

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
    network.graph["comparison"] = comparison.to_dict()  # the page's text view and its CSV and JSON exports
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


Link = tuple[str, str, str]
"""A categorised link as (role, category, node), the role and node by their terms' strings."""


def _values(name: str, terms: Iterable[Identifier]) -> str:
    return f"VALUES ?{name} {{ {' '.join(sorted(t.n3() for t in terms))} }}"


def _numbered(name: str, terms: Sequence[Identifier]) -> str:
    """VALUES binding ``?name`` to each of ``terms`` and ``?i`` to its position. Answers name these terms by their
    positions: Oxigraph holds a small number in the row itself but looks an IRI's text up in its dictionary, and
    those lookups were most of the time a neighbourhood took."""
    return f"VALUES (?{name} ?i) {{ {' '.join(f'({t.n3()} {i})' for i, t in enumerate(terms))} }}"


def _rows(engine: QueryEngine, text: str) -> list[tuple[Any, ...]]:
    answer = engine.execute(_HEAD + text)
    if not isinstance(answer, ResultTable):  # pragma: no cover - these texts are SELECT queries
        raise TypeError("expected rows")
    return [tuple(row) for row in answer.rows]


def _ordered(terms: Iterable[Identifier]) -> list[Identifier]:
    return sorted(set(terms), key=lambda t: t.n3())


_FEW_NODES = 4
"""Up to how many nodes their linkers are looked up node by node."""


def _links(
    engine: QueryEngine, name: str, terms: Iterable[Identifier]
) -> tuple[list[Link], dict[str, Identifier], set[str]]:
    """The categorised links from (``name`` role) or to (``name`` node) ``terms``; the terms at their other ends, by
    their strings; and which of those are profiled roles. One row per term at the other end, its links to ``terms``
    grouped in it as positions and categories, so that each IRI is read once."""
    ordered = _ordered(terms)
    if not ordered:
        return [], {}, set()
    other = "node" if name == "role" else "role"
    values = _numbered(name, ordered)
    # Oxigraph looks a role's links up from VALUES inside each branch. A node's linkers it finds from VALUES inside
    # by reading every triple that ends at the node (a few ms a node on the O*NET + ESCO store), from VALUES outside
    # by joining with every categorised link of the store (about 0.1 s, however many nodes).
    inside = name == "role" or len(ordered) <= _FEW_NODES
    where = _LINKS.format(values=values) if inside else f"{values} {_LINKS.format(values='')}"
    text = (
        f"SELECT ?{other} ?profiled ?links WHERE {{ {{ SELECT ?{other} (GROUP_CONCAT(DISTINCT ?pair) AS ?links) "
        f"WHERE {{ {where} BIND(CONCAT(STR(?i), ':', ENCODE_FOR_URI(STR(?category))) AS ?pair) }} GROUP BY ?{other} }}"
        f" BIND(EXISTS {{ ?{other} a rg:ProfiledRole }} AS ?profiled) }}"
    )
    found: list[Link] = []
    met: dict[str, Identifier] = {}
    profiled: set[str] = set()
    keys = [str(t) for t in ordered]
    categories: dict[str, str] = {}
    for term, is_profiled, pairs in _rows(engine, text):
        if term is None:  # rdflib answers a grouping of no rows with one row of unbound values
            continue
        key = str(term)
        met[key] = term
        if str(is_profiled) == "true":
            profiled.add(key)
        for pair in str(pairs).split(" "):
            index, code = pair.split(":", 1)
            if (category := categories.get(code)) is None:
                category = categories[code] = unquote(code)
            found.append((key, category, keys[int(index)]) if name == "node" else (keys[int(index)], category, key))
    return found, met, profiled


def _linker_counts(engine: QueryEngine, nodes: Iterable[Identifier]) -> dict[str, int]:
    """How many roles link to each of ``nodes`` (only profiled roles have categorised links)."""
    ordered = _ordered(nodes)
    if not ordered:
        return {}
    links = _LINKS.format(values="")
    text = f"SELECT ?i (COUNT(DISTINCT ?role) AS ?n) WHERE {{ {_numbered('node', ordered)} {links} }} GROUP BY ?i"
    return {str(ordered[int(i)]): int(n) for i, n in _rows(engine, text) if i is not None}  # None: as in _links


def _profiled(engine: QueryEngine, terms: set[Identifier]) -> set[str]:
    iris = {t for t in terms if isinstance(t, URIRef)}
    if not iris:
        return set()
    text = f"SELECT ?role WHERE {{ {_values('role', iris)} ?role a rg:ProfiledRole . }}"
    return {str(r[0]) for r in _rows(engine, text)}


def _labels(engine: QueryEngine, terms: Mapping[str, Identifier]) -> dict[str, str]:
    iris = _ordered(t for t in terms.values() if isinstance(t, URIRef))
    found: dict[str, str] = {key: key for key in terms}
    if iris:
        text = (f"SELECT ?i ?label WHERE {{ {_numbered('node', iris)} ?node rdfs:label ?label . "
                'FILTER(langMatches(lang(?label), "en")) }')  # fmt: skip
        for i, label in sorted(_rows(engine, text), key=lambda row: str(row[1])):
            found[str(iris[int(i)])] = str(label)
    return found


def profiled_count(graph: Graph | QueryEngine) -> int:
    """How many roles with a profile ``graph`` holds."""
    rows = _rows(as_engine(graph), "SELECT (COUNT(DISTINCT ?role) AS ?n) WHERE { ?role a rg:ProfiledRole . }")
    return int(rows[0][0])


def _from_nodes(plain: bool, linkers: float, links: float) -> bool:
    """Whether the links between a neighbourhood's rim roles and its rim nodes are asked from the nodes' side: where
    the rim nodes have ``linkers`` in all (``plain``: some are not roles) and the rim roles about ``links``."""
    return not plain or linkers <= links


def neighbourhood_network(graph: Graph | QueryEngine, role: URIRef, depth: int = 1) -> nx.MultiGraph:
    """The nodes within ``depth`` links of ``role`` in the network of every profiled role, found from ``role``
    outward; only ``role`` is an anchor, the other roles are nodes of kind "similar role" (with the ``similarity``
    score and ``similarity_rank`` `rolegraph align` stored, where it did). A node's ``roles`` are the roles drawn
    that link to it; its ``membership`` counts every role that does (``some`` for a node of a depth-1
    neighbourhood another role shares). Links are cited, except, in a neighbourhood of more than
    :data:`CITED_LIMIT` roles, those of the roles on its rim (``depth`` links away)."""
    if depth < 1:
        raise InputError("--depth must be 1 or more.")
    engine = as_engine(graph)
    start = str(role)
    terms: dict[str, Identifier] = {start: role}
    distance: dict[str, int] = {start: 0}
    profiled = _profiled(engine, {role})
    forward: list[Link] = []
    backward: list[Link] = []
    frontier: set[str] = {start}
    asked = 0  # roles whose links were asked for: len(forward) / asked is the links per role
    for step in range(1, depth + 1):
        if not frontier:
            break
        asked += len(frontier & profiled)
        found, reached_terms, reached_profiled = _links(engine, "role", [terms[x] for x in frontier & profiled])
        forward += found
        linked, linker_terms, linker_profiled = _links(engine, "node", [terms[x] for x in frontier])
        terms |= reached_terms | linker_terms
        profiled |= reached_profiled | linker_profiled
        backward += [link for link in linked if link[0] in profiled]
        reached = {n for _, _, n in found}
        linkers = {r for r, _, _ in linked}
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
    edges |= {link for link in backward if link[0] in distance}
    rim_roles = rim & profiled
    # Only the counts of rim nodes that are not roles show (a role is drawn as a collaborator). Where there are
    # such nodes and rim roles, all the counts tell which side of the links between them is cheaper to ask from;
    # where every rim node is a role, those links are links to roles (collaborators), far fewer than a role's own.
    plain = rim - profiled
    rim_counts = _linker_counts(engine, [terms[x] for x in (rim if rim_roles and plain else plain)])
    if rim_roles:  # the links between rim roles and rim nodes, asked from whichever side has fewer
        if _from_nodes(bool(plain), sum(rim_counts.values()), len(forward) / max(asked, 1) * len(rim_roles)):
            edges |= {link for link in _links(engine, "node", [terms[x] for x in rim])[0] if link[0] in rim_roles}
        else:
            edges |= {link for link in _links(engine, "role", [terms[x] for x in rim_roles])[0] if link[2] in rim}
    linkers_of: dict[str, set[str]] = {}
    for r, _, n in edges:
        linkers_of.setdefault(n, set()).add(r)
    counts = {n: len(links) for n, links in linkers_of.items()} | rim_counts
    cited = [r for r, d in distance.items() if r in profiled]
    if len(cited) > CITED_LIMIT:
        cited = [r for r in cited if distance[r] < depth]
    citations = _citations(engine, cited, edges, terms)
    labels = _labels(engine, {x: terms[x] for x in distance})
    total = profiled_count(engine)
    near = nx.MultiGraph(roles=[start])
    anchors = {x for x in distance if x in profiled} | {start}
    order = {category: _category_key(category) for category in {c for _, c, _ in edges}}
    categories: dict[str, list[str]] = {}
    for _, category, node in sorted(edges, key=lambda e: order[e[1]]):
        categories.setdefault(node, [])
        if category not in categories[node]:
            categories[node].append(category)
    cited_set = set(cited)
    similar = _similarities(engine, role, {x for x in anchors if x != start})
    for node in sorted(distance, key=lambda x: (distance[x], labels[x].casefold(), x)):
        linkers = linkers_of.get(node, set())
        entries = [f"{labels[r]}: {text}" for r in sorted(linkers & cited_set)
                   for text in citations.get((r, node), ())]  # fmt: skip
        if node == start:
            kind, membership = "role", "role"
        elif node in anchors:
            kind, membership = "similar role", "unique"
        else:
            first = (categories.get(node) or ["collaborators"])[0]
            kind = KIND_BY_CATEGORY.get(first, first)
            count = counts.get(node, len(linkers))
            membership = "all" if count == total > 1 else ("unique" if count == 1 else "some")
        near.add_node(node, label=labels[node], kind=kind, membership=membership,
                      roles=sorted(linkers) if node not in anchors else [node],
                      categories=categories.get(node, []), citations=list(dict.fromkeys(entries)))  # fmt: skip
        if node in similar:
            near.nodes[node]["similarity"], near.nodes[node]["similarity_rank"] = similar[node]
    near.add_edges_from(
        (r, node, category, {"category": category, "citations": list(citations.get((r, node), ()))})
        for r, category, node in sorted(edges, key=lambda e: (order[e[1]], e[0], e[2]))
    )
    drawn = sorted(x for x in anchors if x in profiled or x == start)[:CITED_LIMIT]
    _cite_roles(engine, near, [terms[x] for x in drawn])
    return near


def _similarities(engine: QueryEngine, role: URIRef, others: set[str]) -> dict[str, tuple[float, int]]:
    """The similarity score and rank `rolegraph align` stored from ``role`` to each of ``others`` that it ranked
    (nothing where the store holds no alignment)."""
    if not others:
        return {}
    rows = select(engine, "most-similar-roles", {"role": role})
    return {str(r.other): (float(r.score), int(r.rank)) for r in rows if str(r.other) in others}


def _citations(
    engine: QueryEngine, roles: Sequence[str], edges: set[Link], terms: Mapping[str, Identifier]
) -> dict[tuple[str, str], list[str]]:
    """Citation texts by (role, node) for the links of ``roles``; an organisation is cited by the passage naming it
    as the issuer of the role's certification."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for role in roles:
        for row in select(engine, "citations", {"role": terms[role]}):
            text = _citation_text(row)
            if row.value is not None and text not in found[(role, str(row.value))]:
                found[(role, str(row.value))].append(text)
    wanted = set(roles)
    issuers = {(r, n) for r, c, n in edges if c == "organisations" and r in wanted}
    for certification in sorted({n for r, c, n in edges if c == "certifications" and r in wanted}):
        for row in select(engine, "citations", {"role": terms[certification]}):
            if row.value is None or str(row.propertyLabel) != "issued by":
                continue
            for role in roles:
                if (role, str(row.value)) in issuers:
                    text = f"issuer named at {_citation_text(row)}"
                    if text not in found[(role, str(row.value))]:
                        found[(role, str(row.value))].append(text)
    return {key: _precise(texts) for key, texts in found.items()}


def comparison_summary(comparison: Comparison) -> dict[str, Any]:
    """The header figures of a comparison page: overall and per-category overlap and Jaccard (None where not
    comparable), shared, matched and unique counts."""
    return {
        "jaccard": comparison.jaccard,
        "overlap": comparison.overlap,
        "categories": [
            {
                "category": c.category,
                "comparable": c.comparable,
                "jaccard": c.jaccard,
                "overlap": c.overlap,
                "shared": len(c.shared),
                "matched": len(c.matched),
                "some": len(c.partial),
                "unique": [len(c.unique[r.iri]) for r in comparison.roles],
            }
            for c in comparison.categories
        ],
    }
