"""Render a role network as ONE self-contained HTML page: vis-network (as pyvis ships it) draws it from our template.

The page inlines the vis-network build that pyvis ships, embeds the graph as JSON (with ``<``, ``>`` and ``&``
escaped), sets a Content-Security-Policy that forbids every fetch, and shows labels only as text. It is rendered
with our own autoescaping Jinja template rather than pyvis's ``generate_html`` (whose template does not escape and
switches every tooltip to HTML when one title contains "href"). The same graph always gives the same bytes.

>>> import rolegraph
>>> from rolegraph.graph.projection import comparison_graph
>>> page = network_page(comparison_graph(rolegraph.load().compare("Production Manager", "Producer")))
>>> page.startswith(b"<!DOCTYPE html>") and b"https://" not in page.split(b"<script")[0]
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from .layout import role_layout
from .textview import comparison_csv_wide, text_view

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["MEMBERSHIP_COLOURS", "ROLE_COLOURS", "SHAPES", "network_page"]

ROLE_COLOURS = ("#1f6fb4", "#c0392b", "#7b4fa0", "#8c564b", "#d6609f", "#138d90", "#6b6b00", "#444444")
"""One colour per compared role (anchor and unique nodes), in order."""

MEMBERSHIP_COLOURS = {"all": "#2a9d4b", "some": "#e69f00"}
"""Node colours by membership; unique and matched nodes take the colour of the role linking to them."""
"""Colours of nodes shared by every role and by some of them."""

SHAPES: dict[str, tuple[str, str, bool]] = {
    "role": ("star", "\u2605", False),
    "collaborator": ("star", "\u2606", True),
    "duty": ("dot", "\u25cf", False),
    "skill": ("diamond", "\u25c6", False),
    "skill focus": ("diamond", "\u25c7", True),
    "certification": ("square", "\u25a0", False),
    "organisation": ("triangle", "\u25b2", False),
    "education": ("hexagon", "\u2b22", False),
    "environment": ("dot", "\u25cb", True),
    "interest": ("triangle", "\u25b3", True),
    "salary": ("box", "\u25ad", False),
    "project type": ("triangleDown", "\u25bc", False),
    "industry": ("triangleDown", "\u25bd", True),
}
"""The vis-network shape of each kind of node, the symbol the legend shows for it, and whether it is drawn hollow.
Only shapes that put the label outside are used (but for salaries), so a long label never inflates a node."""

OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False, "solver": "forceAtlas2Based", "stabilization": {"enabled": False}},
    "layout": {"improvedLayout": False},
    "edges": {"smooth": False, "color": {"inherit": False}, "width": 1},
    "nodes": {"font": {"size": 13, "face": "sans-serif"}, "borderWidth": 1, "widthConstraint": {"maximum": 170}},
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True, "navigationButtons": False},
}


def _script_safe_json(value: Any) -> str:
    """JSON that can sit inside a <script> element: no character of it can close the element or open a comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _vis_network_js() -> str:
    # Found without importing pyvis (its network module costs more than drawing a small page takes).
    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis, whose vis-network build the page inlines, is not installed")
    bundle = Path(spec.submodule_search_locations[0]) / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = bundle.read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise RuntimeError("the vis-network bundle contains '</script' and cannot be inlined")
    return text


def _edges(graph: nx.MultiGraph) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    """``graph.edges(keys=True, data=True)``, each edge once with the same ends first, read from the adjacency: a
    third of the time on a page of 20,000 edges, and no edge view cached on the graph (the view refers to the graph,
    so that a large network would outlive the command until a collection of cycles)."""
    seen: set[Any] = set()
    for node, neighbours in graph._adj.items():  # the dict under graph.adj: its views cost more than the walk
        for neighbour, keyed in neighbours.items():
            if neighbour not in seen:
                for key, data in keyed.items():
                    yield node, neighbour, key, data
        seen.add(node)


def _pyvis_network(graph: nx.MultiGraph, positions: dict[Any, tuple[int, int]]) -> tuple[list[Any], list[Any], Any]:
    """Nodes, edges and options for vis-network, as pyvis's Network holds them (built here: pyvis's add_node and
    add_edge are quadratic, and its Network adds nothing to lists assigned to it)."""
    roles = list(graph.graph.get("roles") or [n for n, d in graph.nodes(data=True) if d["membership"] == "role"])
    colour_of = {role: ROLE_COLOURS[i % len(ROLE_COLOURS)] for i, role in enumerate(roles)}
    labels = {n: graph.nodes[n].get("label", str(n)) for n in graph}
    nodes = []
    for node in sorted(graph, key=str):
        data = graph.nodes[node]
        kind = data.get("kind", "duty")
        membership = data.get("membership", "unique")
        linked = [r for r in roles if r in data.get("roles", [])]
        if membership == "role":
            colour = colour_of.get(node, ROLE_COLOURS[0])
        elif membership in MEMBERSHIP_COLOURS:
            colour = MEMBERSHIP_COLOURS[membership]
        else:
            colour = colour_of.get(linked[0], "#777777") if linked else "#777777"
        x, y = positions[node]
        shape, _symbol, hollow = SHAPES.get(kind, ("dot", "", False))
        nodes.append(
            {
                "id": str(node),
                "label": str(labels[node]),
                "x": x,
                "y": y,
                "shape": shape if membership != "role" else "star",
                "size": 34 if membership == "role" else 12,
                "borderWidth": 3 if hollow else 1,
                "color": {
                    "background": "#ffffff" if hollow else colour,
                    "border": "#222222" if membership == "role" else colour,
                },
                "font": {
                    "size": 20 if membership == "role" else 12,
                    "color": "#ffffff" if kind == "salary" else "#222222",
                },
                "kind": "role" if membership == "role" else kind,
                "membership": membership,
                "roles": [str(labels.get(r, r)) for r in linked] if membership != "role" else [str(labels[node])],
                "categories": list(data.get("categories", [])),
                "citations": list(data.get("citations", [])),
            }
        )
        if "href" in data:  # the node's page on the served site
            nodes[-1]["href"] = str(data["href"])
    edges = []
    for u, v, key, data in sorted(_edges(graph), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))):
        role = u if u in colour_of else v if v in colour_of else None
        edge: dict[str, Any] = {
            "id": f"{u}|{v}|{key}",
            "from": str(u),
            "to": str(v),
            "category": str(data.get("category", key)),
            "citations": list(data.get("citations", [])),
            "color": {"color": colour_of.get(role, "#999999") if role else "#999999", "opacity": 0.45},
        }
        if "score" in data:  # a matched pair: dashed, with its score (and, on hover, how it was found)
            score = float(data["score"])
            counted = "" if data.get("counted", True) else ", not counted"
            edge.update(dashes=True, label=f"{score:.2f}", width=2, color={"color": "#555555", "opacity": 0.8})
            across = f"{data['across']}, " if data.get("across") else ""  # "duties \u2248 skills, "
            edge["citations"] = [f"{across}{data.get('relation', '')} {score:.2f}, {data.get('origin', '')}{counted}"]
        edges.append(edge)
    return nodes, edges, json.loads(json.dumps(OPTIONS))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """The templates' Jinja environment, made once: compiling the page's templates takes longer than rendering them
    (a server renders many pages in one process)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("rolegraph.graph", "templates"),
        autoescape=select_autoescape(default=True),
        keep_trailing_newline=True,
    )


def network_page(
    graph: nx.MultiGraph,
    title: str | None = None,
    summary: dict[str, Any] | None = None,
    nav: list[tuple[str, str]] | None = None,
) -> bytes:
    """The self-contained HTML page for a role network (as made by :mod:`rolegraph.graph.projection`), as UTF-8 bytes.

    ``summary`` adds the header's table: ``{"jaccard": float, "overlap": float or None, "categories": [{"category",
    "comparable", "jaccard", "overlap", "shared", "matched", "some", "unique": [counts per role]}]}``.
    ``nav``: (address, text) links for a header at the top (the served site's); a node's ``href`` attribute, where
    set, is the address of its page there.
    """
    summary = summary if summary is not None else graph.graph.get("summary")
    positions = role_layout(graph)
    nodes, edges, options = _pyvis_network(graph, positions)
    roles = [n for n in nodes if n["membership"] == "role"]
    order = list(graph.graph.get("roles") or [r["id"] for r in roles])
    roles.sort(key=lambda n: order.index(n["id"]) if n["id"] in order else len(order))
    kinds = sorted(
        {n["kind"] for n in nodes if n["kind"] != "role"},
        key=lambda k: (list(SHAPES).index(k) if k in SHAPES else len(SHAPES), k),  # unknown kinds by name: one order
    )
    role_legend = [(r["label"], r["color"]["background"]) for r in roles]
    data = {"nodes": nodes, "edges": edges, "options": options, "kinds": kinds}
    environment = _environment()
    comparison = graph.graph.get("comparison")
    title = title or " vs. ".join(label for label, _ in role_legend) or "rolegraph"
    exported = {"comparison": comparison, "csv": comparison_csv_wide(comparison)} if comparison else {}
    page = environment.get_template("network.html.j2").render(
        title=title,
        roles=role_legend,
        summary=summary,
        counts={"nodes": len(nodes), "edges": len(edges)},
        kinds=[(k, SHAPES.get(k, ("dot", "\u25cf", False))[1]) for k in kinds],
        membership_colours=MEMBERSHIP_COLOURS,
        several=len(roles) > 2,
        nav=nav or [],
        data_json=_script_safe_json(data),
        view=text_view(comparison) if comparison else None,
        comparison_json=_script_safe_json(exported),
        slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "rolegraph",
        vis_js=_vis_network_js(),
    )
    return page.encode("utf-8")
