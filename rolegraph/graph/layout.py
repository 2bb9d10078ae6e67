"""The arrangement of a role network on its page: columns by whom a node belongs to, rows by category, the most
important items first. The page places the nodes from it (it measures the labels it draws); the same graph always
gets the same arrangement, so the same drawing.

A comparison has a column of each role's own nodes (the first half of the roles on the left, the rest on the right),
and in the middle the nodes shared by all, by some, and the matched pairs (each pair on one line). A neighbourhood
has the similar roles, the role's own links, and what is reached only through the similar roles. A comparison's
rows with shared or matched nodes come before those each role has alone, so its first view shows what is shared
(the text view keeps the comparison's order). Each (column, category) is a cell with a heading; past
:data:`COLLAPSE_OVER` nodes the page shows the first :data:`SHOWN_PER_CELL` of each cell and a counted group that
expands on click.

>>> import networkx as nx
>>> g = nx.MultiGraph(roles=["a", "b"])
>>> g.add_node("a", kind="role", label="A", membership="role", roles=["a"])
>>> g.add_node("b", kind="role", label="B", membership="role", roles=["b"])
>>> g.add_node("s", kind="skill", label="S", membership="all", roles=["a", "b"], categories=["skills"])
>>> arrangement = network_layout(g)
>>> [c["title"] for c in arrangement["columns"]]
['Only A', 'Shared by both', 'Matched (\u2248 score)', 'Only B']
>>> arrangement["cells"]
[{'column': 1, 'row': 0, 'title': 'Skills', 'nodes': ['s']}]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from ..compare.comparison import _category_key

__all__ = ["COLLAPSE_OVER", "SHOWN_PER_CELL", "importance_key", "network_layout"]

COLLAPSE_OVER = 150
"""Past this many nodes, the page collapses each cell to its first items and a counted group."""
SHOWN_PER_CELL = 8
"""How many items of a collapsed cell show before its group."""
SIMILAR = "similar roles"
"""The row of a neighbourhood's similar roles."""


def _number(weights: Mapping[str, Any]) -> float:
    for name in ("importance", "percentage", "score", "amount"):
        if isinstance(value := weights.get(name), int | float):
            return float(value)
    return 0.0


def importance_key(data: Mapping[str, Any]) -> tuple[float, int, int, float, str]:
    """Most important first: the most similar role, then the node most roles link to, essential before optional,
    the highest importance (or share, or score), then by label."""
    weights: Mapping[str, Mapping[str, Any]] = data.get("weights") or {}
    ranks = [{"essential": 0, "optional": 1}.get(str(w.get("esco", "")), 2) for w in weights.values()] or [2]
    numbers = [_number(w) for w in weights.values()] or [0.0]
    similarity = data.get("similarity")
    return (
        -float(similarity) if isinstance(similarity, int | float) else 0.0,
        -len(data.get("roles") or ()),
        min(ranks),
        -max(numbers),
        str(data.get("label", "")).casefold(),
    )


def _heading(category: str) -> str:
    return category[:1].upper() + category[1:]


def network_layout(graph: nx.MultiGraph) -> dict[str, Any]:
    """The columns (``key``, ``title``, ``anchor``: the role heading it, ``pairs``: one matched pair a line), the
    rows (categories, in the comparison's order; in a comparison those with shared or matched nodes first) and
    the cells (``column``, ``row``, ``title``, ``nodes`` most important first) of ``graph``'s page, whether the rows
    line up across columns (in a comparison: the same category side by side; in a neighbourhood each column stacks
    its own cells), and the collapsing thresholds."""
    found = sorted((n for n, d in graph.nodes(data=True) if d.get("membership") == "role"), key=str)
    order = [a for a in (graph.graph.get("roles") or []) if a in found]
    anchors: list[Hashable] = order + [a for a in found if a not in order]
    labels = {a: str(graph.nodes[a].get("label", a)) for a in anchors}
    columns: list[dict[str, Any]] = []
    place: dict[Hashable, str] = {}
    if len(anchors) == 1:
        start = anchors[0]
        columns = [
            {"key": "similar", "title": "Similar roles", "anchor": None, "pairs": False},
            {"key": "direct", "title": f"Linked from {labels[start]}", "anchor": str(start), "pairs": False},
            {"key": "through", "title": "Reached through similar roles", "anchor": None, "pairs": False},
        ]
        for node, data in graph.nodes(data=True):
            if node != start:
                if data.get("kind") == "similar role":
                    place[node] = "similar"
                else:
                    place[node] = "direct" if start in (data.get("roles") or ()) else "through"
    else:
        half = (len(anchors) + 1) // 2
        own = [{"key": f"own:{a}", "title": f"Only {labels[a]}", "anchor": str(a), "pairs": False} for a in anchors]
        middle = [{"key": "all", "title": "Shared by both" if len(anchors) == 2 else "Shared by all", "anchor": None,
                   "pairs": False}]  # fmt: skip
        if len(anchors) > 2:
            middle.append({"key": "some", "title": "Shared by some", "anchor": None, "pairs": False})
        middle.append({"key": "matched", "title": "Matched (\u2248 score)", "anchor": None, "pairs": True})
        columns = own[:half] + middle + own[half:]
        for node, data in graph.nodes(data=True):
            membership = data.get("membership")
            linked = [a for a in anchors if a in (data.get("roles") or ())]
            if membership == "role":
                continue
            if membership in ("all", "some", "matched"):
                place[node] = str(membership)
            else:
                place[node] = f"own:{linked[0]}" if linked else "all"
    keys = [c["key"] for c in columns]

    def row_of(node: Hashable) -> str:
        data = graph.nodes[node]
        if data.get("kind") == "similar role":
            return SIMILAR
        return str((data.get("categories") or [data.get("kind", "other")])[0])

    def first(node: Hashable) -> int:
        """The position of the earliest compared role linking to ``node``: it goes on the left of its pair."""
        return min((anchors.index(r) for r in graph.nodes[node].get("roles") or () if r in anchors), default=0)

    cells: dict[tuple[int, str], list[Hashable]] = defaultdict(list)
    pairs: list[tuple[float, Hashable, Hashable]] = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        if key == "match" and place.get(u) == place.get(v) == "matched":
            left, right = (u, v) if first(u) <= first(v) else (v, u)
            pairs.append((-float(data.get("score", 0.0)), left, right))
    paired: set[Hashable] = set()
    matched_column = keys.index("matched") if "matched" in keys else -1
    for _, left, right in sorted(pairs, key=lambda p: (p[0], str(graph.nodes[p[1]].get("label", "")), str(p[1]))):
        if left in paired or right in paired:
            continue
        paired.update((left, right))
        cells[(matched_column, row_of(left))] += [left, right]
    for node, column in place.items():
        if column == "matched" and node in paired:
            continue
        cells[(keys.index(column if column != "matched" else "all"), row_of(node))].append(node)
    for (index, _), nodes in cells.items():
        if index != matched_column:
            nodes.sort(key=lambda n: (importance_key(graph.nodes[n]), str(n)))
    # A comparison's rows with something shared or matched come first, so that its first view (the anchors and
    # the top rows) shows what the roles have in common; the rest follow, each in the comparison's order.
    middle_columns = {keys.index(k) for k in ("all", "some", "matched") if k in keys} if len(anchors) > 1 else set()
    common = {row for (index, row), nodes in cells.items() if index in middle_columns and nodes}
    rows = sorted({row for _, row in cells}, key=lambda r: (r != SIMILAR, bool(middle_columns) and r not in common,
                                                            _category_key(r)))  # fmt: skip
    return {
        "columns": columns,
        "rows": rows,
        "cells": [
            {"column": column, "row": rows.index(row), "title": _heading(row), "nodes": [str(n) for n in nodes]}
            for (column, row), nodes in sorted(cells.items(), key=lambda kv: (rows.index(kv[0][1]), kv[0][0]))
        ],
        "aligned": len(anchors) > 1,
        "collapse_over": COLLAPSE_OVER,
        "shown_per_cell": SHOWN_PER_CELL,
    }
