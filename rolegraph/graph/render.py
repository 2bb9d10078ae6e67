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

from ..compare.profile import weight_text
from .layout import network_layout
from .textview import comparison_csv_wide, text_view

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["LABEL_SIZE", "MEMBERSHIP_COLOURS", "ROLE_COLOURS", "SHAPES", "network_page"]

ROLE_COLOURS = ("#0072b2", "#d55e00", "#cc79a7", "#56b4e9", "#e69f00", "#f0e442", "#7f4f24", "#5b5b5b")
"""One colour per compared role (anchor and own nodes), in order: the Okabe-Ito palette, safe for colour-blind
readers. Past eight roles the colours repeat; each role's nodes are then told apart by their column and its heading
(the role's name), not by colour."""

MEMBERSHIP_COLOURS = {"all": "#009e73", "some": "#999999"}
"""Node colours by membership; own and matched nodes take the colour of the role linking to them. Shared nodes also
have a black ring and matched nodes a dashed border: a second cue besides colour."""

SHAPES: dict[str, tuple[str, str, bool]] = {
    "role": ("star", "\u2605", False),
    "similar role": ("star", "\u2606", True),
    "collaborator": ("star", "\u2606", True),
    "duty": ("dot", "\u25cf", False),
    "skill": ("diamond", "\u25c6", False),
    "knowledge": ("hexagon", "\u2b21", True),
    "technology": ("square", "\u25a1", True),
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

LABEL_SIZE = 14
"""The labels' font size in the network's units; the page never opens at a zoom that draws them under 12 px."""
LABEL_WIDTH = 150
"""The width labels wrap at, in the network's units."""

OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False, "solver": "forceAtlas2Based", "stabilization": {"enabled": False}},
    "layout": {"improvedLayout": False},
    "edges": {"smooth": False, "color": {"inherit": False}, "width": 1, "selectionWidth": 2},
    "nodes": {
        "font": {"size": LABEL_SIZE, "face": "sans-serif"},
        "borderWidth": 1,
        "borderWidthSelected": 4,
        "widthConstraint": {"maximum": LABEL_WIDTH},
        "chosen": {"label": False, "node": True},  # a selected label stays as wide as it was laid out
    },
    "interaction": {"hover": True, "tooltipDelay": 200, "hideEdgesOnDrag": True, "navigationButtons": False},
}


def _amount(value: float | str) -> str:
    try:
        return f"{float(value):,.0f}"
    except ValueError:
        return str(value)


def _weight_lines(data: dict[str, Any], labels: dict[Any, str]) -> list[str]:
    """Each role's weights of a node as the panel shows them ("Producer: essential", "Producer: amount 62,193")."""
    lines = []
    for role, weights in (data.get("weights") or {}).items():
        parts = [weight_text(weights)] if weight_text(weights) else []
        if "amount" in weights:
            parts.append(f"amount {_amount(weights['amount'])}")
        if parts:
            lines.append(f"{labels.get(role, role)}: {', '.join(parts)}")
    return lines


def _essential(data: dict[str, Any]) -> bool:
    """Whether a role gives the node the weight of an essential item (ESCO essential, O*NET importance 3.5 or more)."""
    for weights in (data.get("weights") or {}).values():
        importance = weights.get("importance")
        if weights.get("esco") == "essential" or (isinstance(importance, int | float) and importance >= 3.5):
            return True
    return False


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


def _pyvis_network(graph: nx.MultiGraph) -> tuple[list[Any], list[Any], Any]:
    """Nodes, edges and options for vis-network, as pyvis's Network holds them (built here: pyvis's add_node and
    add_edge are quadratic, and its Network adds nothing to lists assigned to it). The page places the nodes."""
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
        elif len(roles) == 1:  # a neighbourhood: its role's colour for what it links to, grey for the rest
            colour = colour_of[roles[0]] if linked else "#777777"
        elif membership in MEMBERSHIP_COLOURS:
            colour = MEMBERSHIP_COLOURS[membership]
        else:
            colour = colour_of.get(linked[0], "#777777") if linked else "#777777"
        shape, _symbol, hollow = SHAPES.get(kind, ("dot", "", False))
        # A hollow shape shows its colour only in its border: there the border keeps the colour.
        ring = "#222222" if membership == "role" else "#000000" if membership == "all" and not hollow else colour
        colours = {"background": "#ffffff" if hollow else colour, "border": ring}
        entry: dict[str, Any] = {
            "id": str(node),
            "label": str(labels[node]),
            "shape": shape if membership != "role" else "star",
            "size": 30 if membership == "role" else 13 if _essential(data) else 9,
            "borderWidth": 3 if hollow or membership == "all" else 1,
            # The selected node keeps its colours; the thicker border (borderWidthSelected) marks it.
            "color": {**colours, "highlight": {**colours, "border": ring if hollow else "#000000"}, "hover": colours},
            "font": {
                "size": 18 if membership == "role" else LABEL_SIZE,
                "color": "#ffffff" if kind == "salary" else "#222222",
            },
            "kind": "role" if membership == "role" else kind,
            "widthConstraint": {"maximum": 2 * LABEL_WIDTH if membership == "role" else LABEL_WIDTH},
            "membership": membership,
            "roles": [str(labels.get(r, r)) for r in linked] if membership != "role" else [str(labels[node])],
            "categories": list(data.get("categories", [])),
            "citations": list(data.get("citations", [])),
            "weights": _weight_lines(data, labels),
        }
        if membership == "matched":
            entry["shapeProperties"] = {"borderDashes": [4, 3]}
            if not hollow:
                entry["color"]["border"] = entry["color"]["hover"]["border"] = "#333333"
            entry["borderWidth"] = 3 if hollow else 2
        if kind == "salary":
            entry["font"]["size"] = LABEL_SIZE
        if isinstance(data.get("similarity"), int | float):
            entry["similarity"] = round(float(data["similarity"]), 3)
            entry["similarityRank"] = int(data.get("similarity_rank") or 0)
        if isinstance(data.get("href"), str):
            entry["href"] = data["href"]
        nodes.append(entry)
    edges = []
    for u, v, key, data in sorted(_edges(graph), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))):
        role = u if u in colour_of else v if v in colour_of else None
        edge: dict[str, Any] = {
            "id": f"{u}|{v}|{key}",
            "from": str(u),
            "to": str(v),
            "category": str(data.get("category", key)),
            "citations": list(data.get("citations", [])),
            "color": {"color": colour_of.get(role, "#999999") if role else "#999999", "opacity": 0.3},
        }
        if "score" in data:  # a matched pair: dashed, with its score (and, on hover, how it was found)
            score = float(data["score"])
            counted = "" if data.get("counted", True) else ", not counted"
            edge.update(dashes=True, label=f"{score:.2f}", width=2, color={"color": "#333333", "opacity": 0.9})
            edge["font"] = {"size": 12, "background": "#ffffff"}
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
    set, is the address of its page there (the panel and the text view link to it).
    """
    summary = summary if summary is not None else graph.graph.get("summary")
    nodes, edges, options = _pyvis_network(graph)
    roles = [n for n in nodes if n["membership"] == "role"]
    order = list(graph.graph.get("roles") or [r["id"] for r in roles])
    roles.sort(key=lambda n: order.index(n["id"]) if n["id"] in order else len(order))
    kinds = sorted(
        {n["kind"] for n in nodes if n["kind"] != "role"},
        key=lambda k: (list(SHAPES).index(k) if k in SHAPES else len(SHAPES), k),  # unknown kinds by name: one order
    )
    role_legend = [(r["label"], r["color"]["background"]) for r in roles]
    data = {"nodes": nodes, "edges": edges, "options": options, "kinds": kinds, "layout": network_layout(graph),
            "labelSize": LABEL_SIZE, "labelWidth": LABEL_WIDTH}  # fmt: skip
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
        hrefs={n["id"]: n["href"] for n in nodes if "href" in n},
        comparison_json=_script_safe_json(exported),
        slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "rolegraph",
        vis_js=_vis_network_js(),
    )
    return page.encode("utf-8")
