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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..sparql.engines import QueryEngine, select
from ..sparql.results import JUPYTER_STYLE
from .matching import COUNTED, pair_nodes, read_links
from .profile import weight_text

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

__all__ = [
    "CATEGORY_ORDER",
    "PAIRED_ACROSS",
    "CategoryComparison",
    "ComparedNode",
    "Comparison",
    "MatchedPair",
    "RoleRef",
    "compare_roles",
]

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

PAIRED_ACROSS = ("duties", "skills", "knowledge", "work activities")
"""The categories whose nodes are paired with each other's, not only within one category: a duty of one role may
match a skill or a work activity of another (the article's duties map to ESCO skills, ESCO skills to O*NET detailed
work activities). A pair across two of them is counted in its home category: the first of the two in this order."""


@dataclass(frozen=True)
class RoleRef:
    """A compared role: its IRI and label."""

    iri: str
    label: str


@dataclass(frozen=True)
class ComparedNode:
    """A node one or more of the compared roles link to, and which of them do. ``weights`` has, by role IRI, the
    weights that role's data gives the node (O*NET's ``importance`` and ``level``, ESCO's ``esco`` essential or
    optional, an education, experience or training share's ``percentage``, an interest's, work value's or work
    context's ``score`` and an interest's or work value's ``high_point`` rank (1 to 3), a salary's ``amount``),
    also for a role that rates the node without linking to it (O*NET links only what it rates 3 or more)."""

    iri: str
    label: str
    roles: tuple[str, ...]
    weights: Mapping[str, Mapping[str, float | str]] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class MatchedPair:
    """Two nodes that different roles link to, joined by a SKOS mapping (across sources or wording): ``left`` is
    the node of the earlier role in the comparison's order, ``relation`` the SKOS relation read from left to right
    (closeMatch, exactMatch, broadMatch, narrowMatch or relatedMatch), ``score`` its confidence (1.0 for a hand-made
    link) and ``origin`` the method that found it or "hand-made". ``left_category`` and ``right_category`` are the
    categories the two nodes are linked in: the same one, or two of :data:`PAIRED_ACROSS` (a duty matched to a
    skill); the pair is listed and counted in its home category, the first of the two (see :func:`compare_roles`)."""

    left: ComparedNode
    right: ComparedNode
    relation: str
    score: float
    origin: str
    roles: tuple[str, ...]
    left_category: str = ""
    right_category: str = ""

    @property
    def across(self) -> bool:
        """Whether the two nodes are linked in different categories (a duty matched to a skill)."""
        return self.left_category != self.right_category

    @property
    def categories_text(self) -> str:
        """ "duties \u2248 skills": the categories of the two nodes."""
        return f"{self.left_category} \u2248 {self.right_category}"

    @property
    def counted(self) -> bool:
        """Whether the pair counts as matched in overlap figures (a related match does not)."""
        return self.relation in COUNTED

    @property
    def label(self) -> str:
        """ "Budget management \u2248 manage budgets"."""
        return f"{self.left.label} \u2248 {self.right.label}"

    @property
    def weights(self) -> dict[str, Mapping[str, float | str]]:
        """Each role's weights of the node of the pair it links to (the left node's when it links both)."""
        found: dict[str, Mapping[str, float | str]] = {}
        for role in self.roles:
            node = self.left if role in self.left.roles else self.right
            if weights := node.weights.get(role):
                found[role] = weights
        return found


@dataclass(frozen=True)
class CategoryComparison:
    """One category of a comparison.

    ``shared`` nodes are linked from every role, ``partial`` ones from more than one but not all (only with three
    or more roles), ``matched`` pairs join a node of one role to a node of another by a mapping, and
    ``unique[role_iri]`` holds the nodes that role alone links to and that no pair holds. ``jaccard`` is
    |shared| / |all nodes|; ``overlap`` counts each counted pair linking every role by its score (see
    :func:`compare_roles`). A category where some compared role links to nothing is not ``comparable``: both figures
    are then None.
    """

    category: str
    shared: tuple[ComparedNode, ...]
    partial: tuple[ComparedNode, ...]
    unique: dict[str, tuple[ComparedNode, ...]]
    jaccard: float | None
    matched: tuple[MatchedPair, ...] = ()
    overlap: float | None = None
    comparable: bool = True

    @property
    def size(self) -> int:
        """How many distinct nodes the roles link to in this category."""
        return len(self.shared) + len(self.partial) + sum(len(v) for v in self.unique.values()) + 2 * len(self.matched)

    @property
    def overlap_terms(self) -> tuple[float, int]:
        """The overlap's numerator (shared nodes, plus the score of each counted pair linking every role) and
        denominator (shared, partial and unique nodes, one per counted pair, two per related pair)."""
        everyone = len(self.unique)
        score = len(self.shared) + sum(p.score for p in self.matched if p.counted and len(p.roles) == everyone)
        items = len(self.shared) + len(self.partial) + sum(len(v) for v in self.unique.values())
        items += sum(1 if p.counted else 2 for p in self.matched)
        return score, items


@dataclass(frozen=True)
class Comparison:
    """The comparison of two or more roles, category by category, with an overall Jaccard similarity over every
    (category, node) pair and an overall overlap over the comparable categories (None when none is)."""

    roles: tuple[RoleRef, ...]
    categories: tuple[CategoryComparison, ...]
    jaccard: float
    overlap: float | None = None
    _by_name: dict[str, CategoryComparison] = field(default_factory=dict, repr=False, compare=False)

    def category(self, name: str) -> CategoryComparison:
        """The comparison for category ``name`` (an empty one if no role links to anything in it)."""
        for category in self.categories:
            if category.category == name:
                return category
        return CategoryComparison(name, (), (), {r.iri: () for r in self.roles}, None, comparable=False)

    def to_dict(self) -> dict[str, Any]:
        """The comparison as plain data; this is the documented JSON format (see README)."""

        def node(n: ComparedNode) -> dict[str, Any]:
            return {
                "iri": n.iri,
                "label": n.label,
                "roles": list(n.roles),
                **({"weights": {role: dict(w) for role, w in n.weights.items()}} if n.weights else {}),
            }

        def pair(p: MatchedPair) -> dict[str, Any]:
            return {
                "nodes": [node(p.left), node(p.right)],
                "relation": p.relation,
                "score": p.score,
                "origin": p.origin,
                "counted": p.counted,
                "roles": list(p.roles),
                "categories": [p.left_category, p.right_category],
            }

        return {
            "roles": [{"iri": r.iri, "label": r.label} for r in self.roles],
            "jaccard": self.jaccard,
            "overlap": self.overlap,
            "categories": [
                {
                    "category": c.category,
                    "comparable": c.comparable,
                    "jaccard": c.jaccard,
                    "overlap": c.overlap,
                    "shared": [node(n) for n in c.shared],
                    "matched": [pair(p) for p in c.matched],
                    "partial": [node(n) for n in c.partial],
                    "unique": {role: [node(n) for n in items] for role, items in c.unique.items()},
                }
                for c in self.categories
            ],
        }

    def _repr_html_(self) -> str:
        labels = {r.iri: r.label for r in self.roles}
        several = len(self.roles) > 2

        def weighed(label: str, weights: Mapping[str, Mapping[str, float | str]]) -> str:
            parts = [f"{labels[r.iri]}: {text}" for r in self.roles if (text := weight_text(weights.get(r.iri, {})))]
            return html.escape(label) + (f" <small>({html.escape('; '.join(parts))})</small>" if parts else "")

        def cell(items: Sequence[ComparedNode]) -> str:
            return "<td>" + "<br>".join(weighed(n.label, n.weights) for n in items) + "</td>"

        def pairs(items: Sequence[MatchedPair]) -> str:
            shown = [
                weighed(p.label, p.weights)
                + html.escape(
                    f" [{p.categories_text + ', ' if p.across else ''}{p.relation} {p.score:.2f}, {p.origin}"
                    f"{'' if p.counted else ', not counted'}]"
                )
                for p in items
            ]
            return "<td>" + "<br>".join(shown) + "</td>"

        head = "<tr><th>category</th><th>overlap</th><th>Jaccard</th><th>shared by all</th><th>matched</th>"
        if several:
            head += "<th>shared by some</th>"
        head += "".join(f"<th>only {html.escape(r.label)}</th>" for r in self.roles) + "</tr>"
        rows = []
        for c in self.categories:
            figures = (
                f"<td>{c.overlap:.2f}</td><td>{c.jaccard:.2f}</td>"
                if c.comparable and c.overlap is not None and c.jaccard is not None
                else '<td colspan="2">not comparable</td>'
            )
            row = f"<tr><td>{html.escape(c.category)}</td>{figures}{cell(c.shared)}{pairs(c.matched)}"
            if several:
                row += cell(c.partial)
            row += "".join(cell(c.unique[r.iri]) for r in self.roles) + "</tr>"
            rows.append(row)
        title = " vs. ".join(html.escape(labels[r.iri]) for r in self.roles)
        overlap = f"{self.overlap:.2f}" if self.overlap is not None else "not comparable"
        return (
            f"{JUPYTER_STYLE}<p><b>{title}</b>: overlap {overlap}, overall Jaccard {self.jaccard:.2f}</p>"
            f'<table class="rolegraph"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
        )


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


def _category_key(name: str) -> tuple[int, str]:
    return (CATEGORY_ORDER.index(name) if name in CATEGORY_ORDER else len(CATEGORY_ORDER), name)


def compare_roles(graph: Graph | QueryEngine, roles: Sequence[URIRef]) -> Comparison:
    """Compare ``roles`` (two or more distinct role IRIs; see :func:`rolegraph.compare.roles.resolve_role` for
    names).

    Per category, nodes every role links to are shared; then nodes of different roles joined by a SKOS mapping
    (either direction; see :mod:`rolegraph.compare.matching`) are paired, best score first, each node in one pair at
    most: within one category, and across the categories of :data:`PAIRED_ACROSS` (a duty of one role with a skill
    or a work activity of another, a skill with a work activity or a knowledge area), all of them competing for the
    same nodes. A pair belongs to its home category, the first of its nodes' two categories in the order shown
    (duties, skills, knowledge, work activities), whatever the order of the roles; what is left is partial or
    unique. A category is comparable when every role links to something in it, or when counted pairs homed there
    bring in the roles that link to nothing in it (the article's duties matched to an ESCO occupation's skills make
    duties comparable; a related match alone does not). Its ``overlap`` is (|shared| + the sum of the scores of the
    counted pairs that link every role) / (|shared| + |partial| + |unique| + one per counted pair + two per related
    pair): a related match counts as two unmatched nodes. The overall overlap is the sum of the numerators over the
    sum of the denominators of the comparable categories; the overall Jaccard is |shared| / |nodes| over every
    (category, node) pair, pairs being two nodes (a pair across categories counts in its home category).
    """
    ordered = list(dict.fromkeys(roles))
    if len(ordered) < 2:
        raise InputError("compare needs at least two different roles.")
    labels = {str(row.role): str(row.label) for row in select(graph, "role-labels", {"role": ordered})}
    unknown = [str(r) for r in ordered if str(r) not in labels]
    if unknown:
        raise InputError(f"not roles in the graph: {', '.join(unknown)}.")
    linked: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    node_labels: dict[str, str] = {}
    for row in select(graph, "compare", {"role": ordered}):
        linked[str(row.category)][str(row.node)].add(str(row.role))
        node_labels[str(row.node)] = str(row.nodeLabel)
    role_iris = [str(r) for r in ordered]
    everyone = set(role_iris)
    weights = _link_weights(graph, ordered)
    by_category: dict[str, list[ComparedNode]] = {}
    for category, members in linked.items():
        by_category[category] = sorted(
            (
                ComparedNode(
                    iri,
                    node_labels[iri],
                    tuple(r for r in role_iris if r in members[iri]),
                    {r: w for r in role_iris if (w := weights.get((r, iri)))},
                )
                for iri in members
            ),
            key=lambda n: (n.label.casefold(), n.iri),
        )
    node_of = {(category, node.iri): node for category, nodes in by_category.items() for node in nodes}
    # One pairing per category outside PAIRED_ACROSS, one over all of PAIRED_ACROSS; a node linked in two of those
    # categories takes part in the first only. A group whose open nodes are all one role's can pair nothing: its
    # nodes' mappings are not read (a store's technology and tools are most of an O*NET occupation's nodes).
    groups = []
    for group in [[c] for c in linked if c not in PAIRED_ACROSS] + [[c for c in PAIRED_ACROSS if c in linked]]:
        category_of: dict[str, str] = {}
        for category in group:
            for iri in linked[category]:
                category_of.setdefault(iri, category)
        open_nodes = {
            iri: frozenset(linked[category][iri])
            for iri, category in category_of.items()
            if linked[category][iri] != everyone
        }
        if len(set().union(*open_nodes.values())) > 1:
            groups.append((category_of, open_nodes))
    links = read_links(graph, {iri for _, open_nodes in groups for iri in open_nodes})
    homed: dict[str, list[MatchedPair]] = defaultdict(list)
    for category_of, open_nodes in groups:
        for link in pair_nodes(open_nodes, links, role_iris):
            left_category, right_category = category_of[link.node], category_of[link.match]
            left, right = node_of[left_category, link.node], node_of[right_category, link.match]
            pair_roles = tuple(r for r in role_iris if r in set(left.roles) | set(right.roles))
            home = min(left_category, right_category, key=_category_key)
            homed[home].append(
                MatchedPair(
                    left, right, link.relation, link.score, link.origin, pair_roles, left_category, right_category
                )
            )
    paired_away = {
        (category, node.iri)
        for pairs in homed.values()
        for p in pairs
        for category, node in ((p.left_category, p.left), (p.right_category, p.right))
    }
    categories = []
    shared_total = size_total = 0
    score_total, items_total = 0.0, 0
    for category in sorted(set(linked) | set(homed), key=_category_key):
        members = linked.get(category, {})
        nodes = by_category.get(category, [])
        pairs = tuple(sorted(homed.get(category, ()), key=lambda p: (not p.counted, p.label.casefold(), p.left.iri)))
        shared = tuple(n for n in nodes if set(n.roles) == everyone)
        remaining = [n for n in nodes if (category, n.iri) not in paired_away]
        partial = tuple(n for n in remaining if 1 < len(n.roles) < len(everyone))
        unique = {r: tuple(n for n in remaining if n.roles == (r,)) for r in role_iris}
        present = set().union(*members.values(), *(p.roles for p in pairs if p.counted))
        comparable = present == everyone
        result = CategoryComparison(category, shared, partial, unique, None, pairs, None, comparable)
        shared_total += len(shared)
        size_total += result.size
        if comparable:
            score, items = result.overlap_terms
            score_total += score
            items_total += items
            result = replace(result, jaccard=len(shared) / result.size, overlap=score / items)
        categories.append(result)
    overall = shared_total / size_total if size_total else 0.0
    refs = tuple(RoleRef(str(r), labels[str(r)]) for r in ordered)
    return Comparison(refs, tuple(categories), overall, score_total / items_total if items_total else None)
