"""Text for people: short names for RDF terms, aligned tables, and comparisons as text or CSV."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .compare import Comparison
from .namespaces import prefixed
from .results import ResultTable, spreadsheet_cell

__all__ = ["clean", "comparison_csv", "comparison_text", "result_table_text", "short", "text_table"]


def clean(text: object) -> str:
    r"""Text safe to print on a terminal: control and format characters (escape sequences, newlines, bidi controls)
    become spaces, lone surrogates (which cannot be written as UTF-8) U+FFFD.

    >>> clean("a\x1b]0;title\x07b\u202e\ud800") == "a ]0;title b \ufffd"
    True
    """
    return "".join(_CLEAN.get(unicodedata.category(ch), ch) for ch in str(text))


_CLEAN = {"Cc": " ", "Cf": " ", "Cs": "\ufffd"}


def short(term: Node | None) -> str:
    """A term as a person reads it: a prefixed name where one of rolegraph's prefixes fits, a literal's text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return prefixed(term) or str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return str(term)
    return str(term)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An aligned plain-text table."""
    headers = [clean(h) for h in headers]
    cells = [[clean(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def result_table_text(table: ResultTable) -> str:
    """SELECT results as an aligned table, or ``no rows``."""
    if not table.rows:
        return "no rows"
    body = text_table(table.variables, [[short(t) for t in row] for row in table.rows])
    return f"{body}\n\n{len(table.rows)} row(s)."


def comparison_text(comparison: Comparison) -> str:
    """A comparison as text: a summary table of categories, then each category's shared and unique nodes."""
    labels = {r.iri: r.label for r in comparison.roles}
    several = len(comparison.roles) > 2
    shared_all = sum(len(c.shared) for c in comparison.categories)
    total = sum(c.size for c in comparison.categories)
    lines = [
        " vs. ".join(clean(r.label) for r in comparison.roles),
        f"Overall Jaccard similarity: {comparison.jaccard:.2f} ({shared_all} of {total} nodes shared by all)",
        "",
    ]
    headers = (
        ["Category", "Jaccard", "Shared"]
        + (["Some"] if several else [])
        + [f"Only {r.label}" for r in comparison.roles]
    )
    rows = []
    for c in comparison.categories:
        row = [c.category, f"{c.jaccard:.2f}", str(len(c.shared))]
        if several:
            row.append(str(len(c.partial)))
        row += [str(len(c.unique[r.iri])) for r in comparison.roles]
        rows.append(row)
    lines.append(text_table(headers, rows))
    for c in comparison.categories:
        lines += ["", f"{c.category} (Jaccard {c.jaccard:.2f})"]
        groups: list[tuple[str, Sequence[Any]]] = [("shared by all", c.shared)]
        if several:
            groups.append(("shared by some", c.partial))
        groups += [(f"only {labels[r.iri]}", c.unique[r.iri]) for r in comparison.roles]
        for title, nodes in groups:
            if not nodes:
                continue
            lines.append(f"  {clean(title)}:")
            for node in nodes:
                extra = ""
                if several and title == "shared by some":
                    extra = "  (" + ", ".join(clean(labels[r]) for r in node.roles) + ")"
                lines.append(f"    - {clean(node.label)}{extra}")
    return "\n".join(lines)


def comparison_csv(comparison: Comparison) -> str:
    """A comparison as CSV: one row per (category, node), with its membership and the roles linking to it; cells as
    :func:`rolegraph.results.spreadsheet_cell` writes them (no formulas, no control characters)."""
    labels = {r.iri: r.label for r in comparison.roles}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["category", "category_jaccard", "membership", "node", "label", "roles"])
    for c in comparison.categories:
        entries = [("shared", n) for n in c.shared] + [("some", n) for n in c.partial]
        entries += [("unique", n) for r in comparison.roles for n in c.unique[r.iri]]
        for membership, node in entries:
            roles = "; ".join(labels[r] for r in node.roles)
            cells = [c.category, f"{c.jaccard:.6f}", membership, node.iri, node.label, roles]
            writer.writerow([spreadsheet_cell(str(cell)) for cell in cells])
    return buffer.getvalue()
