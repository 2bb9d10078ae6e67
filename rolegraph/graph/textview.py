"""The text view a comparison page leads with: per category, what the roles share, what is matched, what only one
has, each item with its weights, and a headline; plus the comparison as a wide CSV (one column per role).

Built from the comparison's plain data (:meth:`rolegraph.compare.comparison.Comparison.to_dict`), which
:func:`rolegraph.graph.network.comparison_network` keeps on the network as ``graph.graph["comparison"]``.

>>> import rolegraph
>>> from rolegraph.graph.network import comparison_network
>>> g = rolegraph.load()
>>> view = text_view(comparison_network(g.engine, [g.resolve("Production Manager"), g.resolve("Producer")]).graph[
...     "comparison"])
>>> view["headline"]
'Production Manager and Producer share 20 of 58 items.'
>>> [c["headline"] for c in view["categories"] if c["category"] == "skills"]
['share 2 of 8 skills']
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from ..compare.profile import weight_text
from ..sparql.results import spreadsheet_cell

__all__ = ["comparison_csv_wide", "text_view"]

_SCALES = (("importance", 5.0), ("level", 7.0))
"""O*NET's rated weights and the top of their scales, drawn as bars."""


def _weight_parts(weights: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A link's weights as parts to show: a bar with its number as text for importance and level, text for the rest
    (essential or optional, a share of respondents, a score, a high point, a salary amount)."""
    parts: list[dict[str, Any]] = []
    for key, top in _SCALES:
        if isinstance(value := weights.get(key), int | float):
            parts.append({"text": f"{key} {float(value):.2f}/{top:.0f}", "fill": round(100 * float(value) / top, 1)})
    if "esco" in weights:
        parts.append({"text": str(weights["esco"]), "essential": weights["esco"] == "essential"})
    rest = weight_text({k: v for k, v in weights.items() if k in ("percentage", "score", "high_point")})
    if rest:
        parts.append({"text": rest})
    if isinstance(amount := weights.get("amount"), int | float):
        parts.append({"text": f"amount {float(amount):,.0f}"})
    return parts


def _weighed(weights: Mapping[str, Mapping[str, Any]], roles: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
    """Each role's weights of an item, in the comparison's order, with the role's label."""
    return [
        {"role": r["label"], "key": r["key"], "index": i, "parts": parts}
        for i, r in enumerate(roles)
        if (parts := _weight_parts(weights.get(r["iri"], {})))
    ]


def _heaviest_first(nodes: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Essential before optional, then the highest importance, share or score any role gives, then by label."""

    def key(node: Mapping[str, Any]) -> tuple[int, float, str]:
        weights = list(node.get("weights", {}).values())
        essential = any(w.get("esco") == "essential" for w in weights)
        numbers = [float(v) for w in weights for k in ("importance", "percentage", "score")
                   if isinstance(v := w.get(k), int | float)]  # fmt: skip
        return (0 if essential else 1, -max(numbers, default=0.0), str(node["label"]).casefold())

    return sorted(nodes, key=key)


def _item(node: Mapping[str, Any], roles: Sequence[Mapping[str, str]], by: bool = False) -> dict[str, Any]:
    """An item of one node; ``by``: with the roles that link to it (for what some of three or more roles share)."""
    item = {"nodes": [{"id": node["iri"], "label": node["label"]}], "weights": _weighed(node.get("weights", {}), roles)}
    if by:
        item["by"] = [{"key": r["key"], "index": i, "label": r["label"]} for i, r in enumerate(roles)
                      if r["iri"] in node["roles"]]  # fmt: skip
    return item


def _pair(pair: Mapping[str, Any], roles: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    left, right = pair["nodes"]
    weights: dict[str, Mapping[str, Any]] = {}
    for role in pair["roles"]:  # each role's weight of the node of the pair it links to
        node = left if role in left["roles"] else right
        if found := node.get("weights", {}).get(role):
            weights[role] = found
    return {
        "nodes": [{"id": left["iri"], "label": left["label"]}, {"id": right["iri"], "label": right["label"]}],
        "weights": _weighed(weights, roles),
        "match": {
            "score": f"{float(pair['score']):.2f}",
            "relation": pair["relation"],
            "origin": pair["origin"],
            "counted": bool(pair.get("counted", True)),
        },
    }


def _essential(node: Mapping[str, Any]) -> bool:
    return any(w.get("esco") == "essential" for w in node.get("weights", {}).values())


def _headline(category: Mapping[str, Any], roles: Sequence[Mapping[str, str]]) -> str:
    """ "share 14 of 22 essential skills" (ESCO's essential links where there are any), "share 2 of 8 skills",
    "not comparable: Producer has no salary data"; a matched pair counts once, as shared."""
    name = category["category"]
    if not category["comparable"]:
        empty = [r["label"] for r in roles if not _linked(category, r["iri"])]
        return f"not comparable: no {name} data for {_and(empty)}"
    everyone = len(roles)
    counted = [p for p in category["matched"] if p.get("counted", True) and len(p["roles"]) == everyone]
    shared = len(category["shared"]) + len(counted)
    total = (len(category["shared"]) + len(category["partial"]) + sum(len(v) for v in category["unique"].values())
             + sum(1 if p.get("counted", True) else 2 for p in category["matched"]))  # fmt: skip
    verb = "share" if everyone == 2 else f"all {everyone} share"
    text = f"{verb} {shared} of {total} {name}"
    items = [[n] for n in _nodes(category, pairs=False)] + [p["nodes"] for p in category["matched"]]
    essential = [nodes for nodes in items if any(map(_essential, nodes))]
    if essential:
        both = [n for n in category["shared"] if _essential(n)] + [
            p for p in counted if any(map(_essential, p["nodes"]))
        ]
        text = f"{verb} {len(both)} of {len(essential)} essential {name}; {shared} of {total} in all"
    if category["partial"]:
        text += f"; {len(category['partial'])} more shared by some"
    return text


def _nodes(category: Mapping[str, Any], pairs: bool = True) -> list[Mapping[str, Any]]:
    """The nodes of a category: shared, partial, unique and (``pairs``) those of its matched pairs."""
    found = list(category["shared"]) + list(category["partial"])
    found += [n for items in category["unique"].values() for n in items]
    return found + ([n for p in category["matched"] for n in p["nodes"]] if pairs else [])


def _linked(category: Mapping[str, Any], role: str) -> bool:
    return any(role in n["roles"] for n in _nodes(category))


def _key(index: int) -> str:
    """The letter that stands for the ``index``-th role in the view (A, B, ... Z, A2, B2, ...)."""
    return chr(ord("A") + index % 26) + (str(index // 26 + 1) if index >= 26 else "")


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def text_view(comparison: Mapping[str, Any]) -> dict[str, Any]:
    """The text view of ``comparison`` (as :meth:`~rolegraph.compare.comparison.Comparison.to_dict` gives it):
    ``{"roles", "headline", "categories": [{"category", "comparable", "overlap", "jaccard", "headline", "columns"}]}``,
    each column a list of groups ``{"key", "heading", "role", "entries"}`` and each entry ``{"nodes": [{"id",
    "label"}], "weights": [{"role", "key", "index", "parts"}], "match"}``: two roles side by side (only the first,
    shared and matched, only the second), more roles what is shared first.
    """
    roles = [{"iri": r["iri"], "label": r["label"], "key": _key(i)} for i, r in enumerate(comparison["roles"])]
    several = len(roles) > 2
    categories = []
    shared_total = items_total = matched_total = partial_total = 0
    for category in comparison["categories"]:
        only = [
            {"key": "only", "heading": f"Only {role['label']}", "role": index,
             "entries": [_item(n, roles) for n in _heaviest_first(category["unique"].get(role["iri"], []))]}
            for index, role in enumerate(roles)
        ]  # fmt: skip
        shared = {"key": "shared", "heading": "Shared by all" if several else "Shared by both",
                  "entries": [_item(n, roles) for n in _heaviest_first(category["shared"])]}  # fmt: skip
        matched = {"key": "matched", "heading": "Matched (\u2248, with its score)",
                   "entries": [_pair(p, roles) for p in category["matched"]]}  # fmt: skip
        if several:
            partial = {
                "key": "some",
                "heading": "Shared by some",
                "entries": [_item(n, roles, by=True) for n in _heaviest_first(category["partial"])],
            }
            columns = [[shared, matched, partial], *([group] for group in only)]
        else:  # side by side: only the first, what both have, only the second
            columns = [[only[0]], [shared, matched], [only[1]]]
        categories.append(
            {
                "category": category["category"],
                "comparable": category["comparable"],
                "overlap": category["overlap"],
                "jaccard": category["jaccard"],
                "headline": _headline(category, roles),
                "columns": columns,
            }
        )
        shared_total += len(category["shared"])
        matched_total += len(category["matched"])
        partial_total += len(category["partial"])
        items_total += len(_nodes(category)) - len(category["matched"])
    names = _and([r["label"] for r in roles])
    headline = f"{names} {'share' if not several else 'all share'} {shared_total} of {items_total} items"
    if partial_total:
        headline += f"; {partial_total} more {'is' if partial_total == 1 else 'are'} shared by some"
    if matched_total:
        headline += f"; {matched_total} more {'is' if matched_total == 1 else 'are'} matched across sources or wording"
    overlap = comparison.get("overlap")
    return {
        "roles": roles,
        "headline": headline + ".",
        "overlap": overlap,
        "jaccard": comparison.get("jaccard"),
        "categories": categories,
    }


def comparison_csv_wide(comparison: Mapping[str, Any]) -> str:
    """The comparison as a wide CSV: one row per item (a matched pair is one row), one column per role holding that
    role's weights of the item as the view shows them ("linked" for a link without weights, empty where the role does
    not link to it); cells as :func:`rolegraph.sparql.results.spreadsheet_cell` writes them."""
    roles = comparison["roles"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def row(cells: Sequence[str]) -> None:
        writer.writerow([spreadsheet_cell(str(cell)) for cell in cells])

    row(["category", "relation", "item", "iri", "score", *(r["label"] for r in roles)])

    def cells(node_roles: Sequence[str], weights: Mapping[str, Mapping[str, Any]]) -> list[str]:
        texts = [", ".join(p["text"] for p in _weight_parts(weights.get(r["iri"], {}))) for r in roles]
        return [(text or "linked") if r["iri"] in node_roles else "" for r, text in zip(roles, texts, strict=True)]

    for category in comparison["categories"]:
        name = category["category"]
        for node in category["shared"]:
            row([name, "shared", node["label"], node["iri"], "", *cells(node["roles"], node.get("weights", {}))])
        for pair in category["matched"]:
            left, right = pair["nodes"]
            weights = {r: w for n in (left, right) for r, w in n.get("weights", {}).items() if r in n["roles"]}
            label = f"{left['label']} \u2248 {right['label']}"
            row([name, f"matched ({pair['relation']})", label, f"{left['iri']} {right['iri']}",
                 f"{float(pair['score']):.2f}", *cells(pair["roles"], weights)])  # fmt: skip
        for node in category["partial"]:
            row(
                [name, "shared by some", node["label"], node["iri"], "", *cells(node["roles"], node.get("weights", {}))]
            )
        for role in roles:
            for node in category["unique"].get(role["iri"], []):
                row([name, f"only {role['label']}", node["label"], node["iri"], "",
                     *cells(node["roles"], node.get("weights", {}))])  # fmt: skip
    return out.getvalue()
