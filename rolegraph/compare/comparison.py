"""Compare roles: per category, what all of them share, what some share, and what is unique to each, with Jaccard
similarities. Computed from the ``compare`` query's rows.

>>> from rolegraph.model.ontology import load_graph
>>> from rolegraph.compare.roles import resolve_role
>>> g = load_graph()
>>> result = compare_roles(g, [resolve_role(g, "Production Manager"), resolve_role(g, "Producer")])
>>> [node.label for node in result.category("skills").shared]
['Communication', 'Organisation']
>>> round(result.category("skills").jaccard, 3)
0.25
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..model.terms import iri as light_iri
from ..sparql.engines import QueryEngine, select

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

__all__ = ["CATEGORY_ORDER", "CategoryComparison", "ComparedNode", "Comparison", "RoleRef", "compare_roles"]

CATEGORY_ORDER = (
    "duties",
    "skills",
    "knowledge",
    "technology",
    "skill focus",
    "certifications",
    "organisations",
    "education",
    "experience",
    "training",
    "work activities",
    "abilities",
    "work styles",
    "work values",
    "interests",
    "work context",
    "tools",
    "environment",
    "collaborators",
    "also acts as",
    "salary",
    "project types",
    "industry",
)
"""The order categories are shown in; categories the vocabulary adds later come after these, alphabetically."""


@dataclass(frozen=True)
class RoleRef:
    """A compared role: its IRI and label."""

    iri: str
    label: str


@dataclass(frozen=True)
class ComparedNode:
    """A node one or more of the compared roles link to, and which of them do. ``matches`` lists the nodes of other
    sources counted as this one because a close or exact SKOS match links them (e.g. a rolegraph skill and an ESCO
    skill). ``weights`` has, by role IRI, the weights that role's data gives the node (O*NET's ``importance`` and
    ``level``, ESCO's ``esco`` essential or optional, an education, experience or training share's ``percentage``, an
    interest's, work value's or work context's ``score`` and an interest's or work value's ``high_point`` rank (1 to
    3), a salary's ``amount``),
    also for a role that rates the node without linking to it (O*NET links only what it rates 3 or more)."""

    iri: str
    label: str
    roles: tuple[str, ...]
    matches: tuple[str, ...] = ()
    weights: Mapping[str, Mapping[str, float | str]] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class CategoryComparison:
    """One category of a comparison.

    ``shared`` nodes are linked from every role, ``partial`` ones from more than one but not all (only with three
    or more roles), and ``unique[role_iri]`` from that role alone. ``jaccard`` is |shared| / |all nodes|.
    """

    category: str
    shared: tuple[ComparedNode, ...]
    partial: tuple[ComparedNode, ...]
    unique: dict[str, tuple[ComparedNode, ...]]
    jaccard: float

    @property
    def size(self) -> int:
        """How many distinct nodes the roles link to in this category."""
        return len(self.shared) + len(self.partial) + sum(len(v) for v in self.unique.values())


@dataclass(frozen=True)
class Comparison:
    """The comparison of two or more roles, category by category, with an overall Jaccard similarity over every
    (category, node) pair."""

    roles: tuple[RoleRef, ...]
    categories: tuple[CategoryComparison, ...]
    jaccard: float
    _by_name: dict[str, CategoryComparison] = field(default_factory=dict, repr=False, compare=False)

    def category(self, name: str) -> CategoryComparison:
        """The comparison for category ``name`` (an empty one if no role links to anything in it)."""
        for category in self.categories:
            if category.category == name:
                return category
        return CategoryComparison(name, (), (), {r.iri: () for r in self.roles}, 0.0)

    def to_dict(self) -> dict[str, Any]:
        """The comparison as plain data; this is the documented JSON format (see README)."""

        def nodes(items: Sequence[ComparedNode]) -> list[dict[str, Any]]:
            return [
                {
                    "iri": n.iri,
                    "label": n.label,
                    "roles": list(n.roles),
                    **({"matches": list(n.matches)} if n.matches else {}),
                    **({"weights": {role: dict(w) for role, w in n.weights.items()}} if n.weights else {}),
                }
                for n in items
            ]

        return {
            "roles": [{"iri": r.iri, "label": r.label} for r in self.roles],
            "jaccard": self.jaccard,
            "categories": [
                {
                    "category": c.category,
                    "jaccard": c.jaccard,
                    "shared": nodes(c.shared),
                    "partial": nodes(c.partial),
                    "unique": {role: nodes(items) for role, items in c.unique.items()},
                }
                for c in self.categories
            ],
        }

    def _repr_html_(self) -> str:
        labels = {r.iri: r.label for r in self.roles}
        head = "<tr><th>category</th><th>Jaccard</th><th>shared by all</th>"
        if len(self.roles) > 2:
            head += "<th>shared by some</th>"
        head += "".join(f"<th>only {html.escape(r.label)}</th>" for r in self.roles) + "</tr>"
        rows = []
        for c in self.categories:

            def cell(items: Sequence[ComparedNode]) -> str:
                return "<td>" + "<br>".join(html.escape(n.label) for n in items) + "</td>"

            row = f"<tr><td>{html.escape(c.category)}</td><td>{c.jaccard:.2f}</td>{cell(c.shared)}"
            if len(self.roles) > 2:
                row += cell(c.partial)
            row += "".join(cell(c.unique[r.iri]) for r in self.roles) + "</tr>"
            rows.append(row)
        title = " vs. ".join(html.escape(labels[r.iri]) for r in self.roles)
        return (
            f"<p><b>{title}</b>: overall Jaccard {self.jaccard:.2f}</p>"
            f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
        )


ROLEGRAPH_IDS = "https://w3id.org/rolegraph/id/"


def _merge_matches(graph: Graph | QueryEngine, linked: dict[tuple[str, str], set[str]]) -> list[tuple[str, set[str]]]:
    """Groups of nodes per category that close or exact SKOS matches join (any other node is a group by itself)."""
    iris = sorted({node for _, node in linked if node.startswith(("http://", "https://"))})
    parent: dict[tuple[str, str], tuple[str, str]] = {key: key for key in linked}

    def root(key: tuple[str, str]) -> tuple[str, str]:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    if iris:
        categories_of: dict[str, set[str]] = defaultdict(set)
        for category, node in linked:
            categories_of[node].add(category)
        for row in select(graph, "node-matches", {"node": [light_iri(i) for i in iris]}):
            a, b = str(row.node), str(row.match)
            for category in categories_of[a] & categories_of[b]:
                parent[root((category, a))] = root((category, b))
    grouped: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key in linked:
        grouped[root(key)].add(key[1])
    return [(key[0], nodes) for key, nodes in grouped.items()]


WEIGHT_KEYS = (("importance", "importance"), ("level", "level"), ("percentage", "percentage"), ("score", "score"),
               ("highPoint", "high_point"), ("amount", "amount"))  # fmt: skip
"""The numeric weights the ``link-weights`` query gives (its variable, the weight's key)."""


def _link_weights(graph: Graph | QueryEngine, roles: Sequence[URIRef]) -> dict[tuple[str, str], dict[str, float | str]]:
    """Weights by (role IRI, node IRI), from the ``link-weights`` query."""
    found: dict[tuple[str, str], dict[str, float | str]] = defaultdict(dict)
    for row in select(graph, "link-weights", {"role": list(roles)}):
        weights = found[(str(row.role), str(row.node))]
        for name, key in WEIGHT_KEYS:
            value = getattr(row, name)
            if value is not None:
                try:
                    number = float(value.toPython())
                except (TypeError, ValueError):
                    continue
                weights.setdefault(key, int(number) if key == "high_point" else number)
        if row.esco is not None and weights.get("esco") != "essential":
            weights["esco"] = str(row.esco)
    # One order whatever order the engine gives the rows in (a score and a high point come on two rows), so that
    # JSON and the page are the same on every engine.
    order = [key for _, key in WEIGHT_KEYS] + ["esco"]
    return {pair: dict(sorted(w.items(), key=lambda kv: order.index(kv[0]))) for pair, w in found.items()}


def _group_weights(
    weights: dict[tuple[str, str], dict[str, float | str]], role: str, iris: Sequence[str]
) -> dict[str, float | str]:
    """A role's weights of a group of matched nodes: the first node's that has any."""
    for iri in iris:
        if found := weights.get((role, iri)):
            return found
    return {}


def _category_key(name: str) -> tuple[int, str]:
    return (CATEGORY_ORDER.index(name) if name in CATEGORY_ORDER else len(CATEGORY_ORDER), name)


def compare_roles(graph: Graph | QueryEngine, roles: Sequence[URIRef]) -> Comparison:
    """Compare ``roles`` (two or more distinct role IRIs; see :func:`rolegraph.compare.roles.resolve_role` for
    names)."""
    ordered = list(dict.fromkeys(roles))
    if len(ordered) < 2:
        raise InputError("compare needs at least two different roles.")
    labels = {str(row.role): str(row.label) for row in select(graph, "role-labels", {"role": ordered})}
    unknown = [str(r) for r in ordered if str(r) not in labels]
    if unknown:
        raise InputError(f"not roles in the graph: {', '.join(unknown)}.")
    linked: dict[tuple[str, str], set[str]] = defaultdict(set)
    node_labels: dict[str, str] = {}
    for row in select(graph, "compare", {"role": ordered}):
        linked[(str(row.category), str(row.node))].add(str(row.role))
        node_labels[str(row.node)] = str(row.nodeLabel)
    role_iris = [str(r) for r in ordered]
    everyone = set(role_iris)
    weights = _link_weights(graph, ordered)
    by_category: dict[str, list[ComparedNode]] = defaultdict(list)
    for category, group in _merge_matches(graph, linked):
        iris = sorted(group, key=lambda n: (not n.startswith(ROLEGRAPH_IDS), n))
        members = set().union(*(linked[(category, n)] for n in iris))
        label = " \u2248 ".join(dict.fromkeys(node_labels[n] for n in iris))
        node_weights = {r: dict(w) for r in role_iris if (w := _group_weights(weights, r, iris))}
        by_category[category].append(
            ComparedNode(iris[0], label, tuple(r for r in role_iris if r in members), tuple(iris[1:]), node_weights)
        )
    categories = []
    shared_total = 0
    for category in sorted(by_category, key=_category_key):
        nodes = sorted(by_category[category], key=lambda n: (n.label.casefold(), n.iri))
        shared = tuple(n for n in nodes if set(n.roles) == everyone)
        partial = tuple(n for n in nodes if 1 < len(n.roles) < len(everyone))
        unique = {r: tuple(n for n in nodes if n.roles == (r,)) for r in role_iris}
        shared_total += len(shared)
        categories.append(CategoryComparison(category, shared, partial, unique, len(shared) / len(nodes)))
    facets = sum(len(nodes) for nodes in by_category.values())
    overall = shared_total / facets if facets else 0.0
    refs = tuple(RoleRef(str(r), labels[str(r)]) for r in ordered)
    return Comparison(refs, tuple(categories), overall)
