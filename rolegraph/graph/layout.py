"""A deterministic layout for role networks: readable at once, the same on every run, no physics needed.

The roles are anchors on a circle. Nodes every role links to sit in the middle; nodes some roles link to sit between
those roles; a role's unique nodes sit beyond its anchor. Within each group nodes are ordered by kind and label and
placed on a grid whose cells are wide enough for a label, so that no two labels overlap. There is no randomness,
so no seed: the same graph always gets the same coordinates.

>>> import networkx as nx
>>> g = nx.MultiGraph()
>>> g.add_node("a", kind="role", label="A", membership="role", roles=["a"])
>>> g.add_node("b", kind="role", label="B", membership="role", roles=["b"])
>>> g.add_node("s", kind="skill", label="S", membership="all", roles=["a", "b"])
>>> positions = role_layout(g)
>>> positions["a"], positions["b"], positions["s"]
((-520, 0), (520, 0), (0, 0))
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable

import networkx as nx

__all__ = ["role_layout"]

CELL_WIDTH = 210.0
"""Width of a grid cell: room for a label wrapped at 170 pixels (the page sets that width)."""
CELL_HEIGHT = 58.0


def _grid(count: int) -> tuple[list[tuple[float, float]], float, float]:
    """``count`` cell centres of a grid about as tall as it is wide, centred on the origin, and its width and height."""
    if count == 0:
        return [], 0.0, 0.0
    columns = max(1, math.ceil(math.sqrt(count * CELL_HEIGHT / CELL_WIDTH)))
    rows = math.ceil(count / columns)
    width, height = columns * CELL_WIDTH, rows * CELL_HEIGHT
    points = [
        ((i % columns + 0.5) * CELL_WIDTH - width / 2, (i // columns + 0.5) * CELL_HEIGHT - height / 2)
        for i in range(count)
    ]
    return points, width, height


def role_layout(graph: nx.Graph, radius: float = 520.0) -> dict[Hashable, tuple[int, int]]:
    """Integer (x, y) positions for every node of a role network (see the module docstring)."""
    found = sorted((n for n, d in graph.nodes(data=True) if d.get("membership") == "role"), key=str)
    order = [a for a in (graph.graph.get("roles") or []) if a in found]
    anchors = order + [a for a in found if a not in order]
    count = len(anchors)
    groups: dict[tuple[Hashable, ...], list[Hashable]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if node not in anchors:
            linked = tuple(a for a in anchors if a in (data.get("roles") or ()) or graph.has_edge(a, node))
            groups[linked].append(node)
    for nodes in groups.values():
        nodes.sort(
            key=lambda n: (graph.nodes[n].get("kind", ""), str(graph.nodes[n].get("label", "")).casefold(), str(n))
        )
    if count >= 2:
        # The shared grid sits in the middle: widen the circle of anchors so that it clears them.
        _, width, height = _grid(len(groups.get(tuple(anchors), [])))
        radius = max(radius, max(width, height) / 2 + CELL_WIDTH)
    positions: dict[Hashable, tuple[float, float]] = {}
    for index, anchor in enumerate(anchors):
        angle = math.pi + 2 * math.pi * index / count
        positions[anchor] = (0.0, 0.0) if count == 1 else (radius * math.cos(angle), radius * math.sin(angle))
    for linked, nodes in sorted(groups.items(), key=lambda kv: (len(kv[0]), [str(x) for x in kv[0]])):
        points, width, height = _grid(len(nodes))
        if not linked:
            center = (0.0, radius + height / 2 + CELL_HEIGHT * 2)  # nodes no anchor links to: below everything
        elif count == 1:
            # Around the single anchor: the grid sits below it, clear of the anchor's label.
            anchor = positions[linked[0]]
            center = (anchor[0], anchor[1] + height / 2 + CELL_HEIGHT * 1.5)
        elif len(linked) == count:
            center = (0.0, 0.0)
        else:
            cx = sum(positions[r][0] for r in linked) / len(linked)
            cy = sum(positions[r][1] for r in linked) / len(linked)
            length = math.hypot(cx, cy) or 1.0
            if len(linked) == 1:
                # Beyond the anchor, away from the middle, far enough for the grid to clear the anchor.
                reach = CELL_WIDTH * 0.6 + max(width, height) / 2
                center = (cx + cx / length * reach, cy + cy / length * reach)
            else:
                center = (cx * 0.6, cy * 0.6)
        for node, (x, y) in zip(nodes, points, strict=True):
            positions[node] = (center[0] + x, center[1] + y)
    return {node: (round(x), round(y)) for node, (x, y) in positions.items()}
