"""Text for people: short names for RDF terms, aligned tables, and comparisons as text or CSV."""

from __future__ import annotations

import csv
import io
import sys
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .model.iris import prefixed
from .model.terms import XSD, is_blank, is_iri, is_literal
from .sparql.results import ResultTable, spreadsheet_cell

if TYPE_CHECKING:
    from rdflib.term import Node

    from .compare.comparison import ComparedNode, Comparison, MatchedPair

__all__ = [
    "clean",
    "comparison_csv",
    "comparison_node_count",
    "comparison_text",
    "comparison_weights_text",
    "result_table_text",
    "short",
    "table_cell",
    "terminal_width",
    "text_table",
]


def clean(text: object) -> str:
    r"""Text safe to print on a terminal: control and format characters (escape sequences, newlines, bidi controls)
    become spaces, lone surrogates (which cannot be written as UTF-8) U+FFFD.

    >>> clean("a\x1b]0;title\x07b\u202e\ud800") == "a ]0;title b \ufffd"
    True
    """
    text = str(text)
    if text.isprintable():  # no control, format or surrogate character (the usual case): nothing to replace
        return text
    return "".join(_CLEAN.get(unicodedata.category(ch), ch) for ch in text)


_CLEAN = {"Cc": " ", "Cf": " ", "Cs": "\ufffd"}


def short(term: Node | Any | None) -> str:
    """A term as a person reads it: a prefixed name where one of rolegraph's prefixes fits, a literal's text."""
    if term is None:
        return ""
    if is_iri(term):
        return prefixed(str(term)) or str(term)
    if is_blank(term):
        return f"_:{term}"
    return str(term)


_DECIMALS = {XSD + "decimal", XSD + "double", XSD + "float"}


def table_cell(term: Node | Any | None) -> str:
    """A term as a table shows it: :func:`short`, with decimal and floating-point numbers rounded to 2 decimals
    (0.3448275862068965517241379310 shows as 0.34; JSON, CSV, TSV and XML keep every digit).

    >>> from rdflib import XSD, Literal
    >>> table_cell(Literal("0.3448275862068965517241379310", datatype=XSD.decimal))
    '0.34'
    """
    if is_literal(term) and str(getattr(term, "datatype", None)) in _DECIMALS:
        try:
            value = float(str(term))
        except (TypeError, ValueError):
            return str(term)
        if value != value or value in (float("inf"), float("-inf")):
            return str(term)
        if "." in str(term) and len(str(term).split(".", 1)[1].rstrip("0")) > 2:
            return f"{value:.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.2g}"
        return str(term)
    return short(term)


def terminal_width() -> int | None:
    """The width tables are wrapped to when standard output is a terminal: ``COLUMNS`` when set, else the
    terminal's. None (no wrapping) for pipes and files, whatever ``COLUMNS`` says, so that scripts read whole rows."""
    try:
        if not sys.stdout.isatty():
            return None
    except (AttributeError, ValueError, OSError):
        return None
    import shutil  # imported here: pipes and files, what scripts read, never need it

    return shutil.get_terminal_size().columns


def _fit(widths: list[int], floors: list[int], width: int) -> list[int]:
    """Column widths whose table fits ``width`` where it can: the widest columns give way first, none narrower than
    its longest word."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > width:
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int | None = None) -> str:
    """An aligned plain-text table; with ``width``, cells and headers wrap at word boundaries so that lines fit in
    it (a word longer than its column, such as an IRI, is kept whole)."""
    headers = [clean(h) for h in headers]
    cells = [[clean(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    if width is not None:
        rows_and_header = [headers, *cells]
        floors = [max(len(word) for r in rows_and_header for word in [*r[i].split(), ""]) for i in range(len(headers))]
        widths = _fit(widths, floors, width)

    def lines_of(row: Sequence[str]) -> list[str]:
        wrapped = [
            textwrap.wrap(c, w, break_long_words=False) or [""] if len(c) > w else [c]
            for c, w in zip(row, widths, strict=True)
        ]
        return [
            "  ".join(
                (column[n] if n < len(column) else "").ljust(w) for column, w in zip(wrapped, widths, strict=True)
            ).rstrip()
            for n in range(max(len(column) for column in wrapped))
        ]

    lines = lines_of(headers)  # a header wraps at words too (Only Industrial Production Managers)
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines += lines_of(row)
    return "\n".join(lines)


def result_table_text(table: ResultTable, width: int | None = None) -> str:
    """SELECT results as an aligned table (see :func:`text_table` for ``width``), or ``no rows``."""
    if not table.rows:
        return "no rows"
    body = text_table(table.variables, [[table_cell(t) for t in row] for row in table.rows], width)
    return f"{body}\n\n{len(table.rows)} row(s)."


def _figure(value: float | None) -> str:
    return "not comparable" if value is None else f"{value:.2f}"


def _pair_text(pair: MatchedPair) -> str:
    """How a matched pair was joined: "closeMatch 0.91, rolegraph-align tfidf" (", not counted" for a related one)."""
    return f"{pair.relation} {pair.score:.2f}, {pair.origin}" + ("" if pair.counted else ", not counted")


def comparison_text(comparison: Comparison, width: int | None = None) -> str:
    """A comparison as text: the overlap and Jaccard figures, a summary table of categories, then each category's
    shared, matched and unique nodes with the roles' weights."""
    labels = {r.iri: r.label for r in comparison.roles}
    several = len(comparison.roles) > 2
    shared_all = sum(len(c.shared) for c in comparison.categories)
    total = sum(c.size for c in comparison.categories)
    comparable = [c for c in comparison.categories if c.comparable]
    not_comparable = [c.category for c in comparison.categories if not c.comparable]
    score = sum(c.overlap_terms[0] for c in comparable)
    items = sum(c.overlap_terms[1] for c in comparable)
    counted = [p for c in comparable for p in c.matched if p.counted]
    lines = [
        " vs. ".join(clean(r.label) for r in comparison.roles),
        f"Overlap: {_figure(comparison.overlap)} ({score:.2f} of {items} in {len(comparable)} comparable "
        f"categories: {sum(len(c.shared) for c in comparable)} shared, {len(counted)} matched pairs counted by their "
        "score)"
        + (f"; not comparable (a role has nothing there): {', '.join(not_comparable)}" if not_comparable else ""),
        f"Overall Jaccard similarity: {comparison.jaccard:.2f} ({shared_all} of {total} (category, node) pairs shared "
        f"by all; {comparison_node_count(comparison)} nodes, the roles included, as on the page)",
        "",
    ]
    headers = (
        ["Category", "Overlap", "Jaccard", "Shared", "Matched"]
        + (["Some"] if several else [])
        + [f"Only {r.label}" for r in comparison.roles]
    )
    rows = []
    for c in comparison.categories:
        row = [c.category, _figure(c.overlap), "-" if c.jaccard is None else f"{c.jaccard:.2f}", str(len(c.shared))]
        row.append(str(len(c.matched)))
        if several:
            row.append(str(len(c.partial)))
        row += [str(len(c.unique[r.iri])) for r in comparison.roles]
        rows.append(row)
    lines.append(text_table(headers, rows, width))
    weighed: list[ComparedNode | MatchedPair] = []
    for c in comparison.categories:
        weighed += [*c.shared, *c.partial, *c.matched, *_uniques(comparison, c)]
    kinds = {k for n in weighed for w in n.weights.values() for k in w}
    if kinds:
        legend = "; ".join(text for key, text in _WEIGHT_LEGEND if key in kinds)
        lines += [
            "",
            textwrap.fill(
                f'After a node, each role\'s weights in the order of the title ("-": none): {legend}.',
                width=min(width or 110, 110),
            ),
        ]
    if any(c.matched for c in comparison.categories):
        lines += [
            "",
            textwrap.fill(
                "Matched: a node of one role \u2248 a node of another, joined by a SKOS mapping (relation, score, "
                "origin: the alignment method or hand-made); related matches are shown but not counted. A duty, "
                "skill, knowledge area or work activity may match one of another of these categories (shown as "
                '"duties \u2248 skills"): the pair is listed under the first of the two.',
                width=min(width or 110, 110),
            ),
        ]
    for c in comparison.categories:
        if c.comparable and c.overlap is not None and c.jaccard is not None:
            heading = f"overlap {c.overlap:.2f}, Jaccard {c.jaccard:.2f}"
        else:
            empty = ", ".join(clean(labels[r.iri]) for r in comparison.roles if not _links_in(c, r.iri))
            heading = f"not comparable: nothing from {empty}"
        lines += ["", f"{c.category} ({heading})"]
        groups: list[tuple[str, Sequence[Any]]] = [("shared by all", c.shared), ("matched", c.matched)]
        if several:
            groups.append(("shared by some", c.partial))
        groups += [(f"only {labels[r.iri]}", c.unique[r.iri]) for r in comparison.roles]
        for title, nodes in groups:
            if not nodes:
                continue
            lines.append(f"  {clean(title)}:")
            for node in nodes:
                notes = []
                if title == "matched":
                    if node.across:
                        notes.append(node.categories_text)
                    notes.append(_pair_text(node))
                if several and title in ("shared by some", "matched"):
                    notes.append(", ".join(clean(labels[r]) for r in node.roles))
                if weights := comparison_weights_text(node, [r.iri for r in comparison.roles]):
                    notes.append(weights)
                line = f"    - {clean(node.label)}" + "".join(f"  ({n})" for n in notes)
                if width is not None and len(line) > width:  # a terminal: wrap at words, the label's text indented
                    lines += textwrap.wrap(line, width, subsequent_indent="      ", break_long_words=False)
                else:
                    lines.append(line)
    return "\n".join(lines)


def _links_in(category: Any, role: str) -> bool:
    """Whether ``role`` links to anything in ``category``."""
    nodes = (*category.shared, *category.partial, *category.matched, *category.unique[role])
    return any(role in n.roles for n in nodes)


def _uniques(comparison: Comparison, category: Any) -> list[ComparedNode]:
    return [n for r in comparison.roles for n in category.unique[r.iri]]


_WEIGHT_NAMES = (("importance", "importance"), ("level", "level"), ("esco", "ESCO"), ("percentage", "share %"),
                 ("score", "score"), ("high_point", "high point"), ("amount", "amount"))  # fmt: skip
_WEIGHT_LEGEND = (
    ("importance", "O*NET importance (1 to 5) of what it rates, also below the 3 that makes a link"),
    ("level", "O*NET level (0 to 7)"),
    ("esco", "ESCO essential or optional"),
    ("percentage", "the share of respondents reporting an education, experience or training level"),
    ("score", "O*NET score of an interest or work value (OI, EX: 1 to 7) or a work context (CX 1 to 5, CT 1 to 3)"),
    ("high_point", "the rank (1 to 3) of an interest or work value among the occupation's high points"),
    ("amount", "a salary's amount"),
)


def comparison_weights_text(node: ComparedNode | MatchedPair, roles: Sequence[str]) -> str:
    """A compared node's weights, each role's in ``roles`` order: "importance 4.38 / 2.50, level 4.38 / 3.00"."""
    if not node.weights:  # most nodes (technology, tools, the article's): nothing to write
        return ""
    parts = []
    for key, name in _WEIGHT_NAMES:
        values = [node.weights.get(role, {}).get(key) for role in roles]
        if all(v is None for v in values):
            continue
        shown = [
            "-" if v is None else f"{v:,.0f}" if key == "amount" and isinstance(v, float) else
            str(v) if key == "high_point" else
            f"{v:.2f}" if isinstance(v, float) else str(v)
            for v in values
        ]  # fmt: skip
        parts.append(f"{name} {' / '.join(shown)}")
    return ", ".join(parts)


def comparison_node_count(comparison: Comparison) -> int:
    """The distinct nodes of a comparison, the compared roles included: what its page draws."""
    nodes = {r.iri for r in comparison.roles}
    for c in comparison.categories:
        nodes.update(n.iri for n in (*c.shared, *c.partial))
        nodes.update(n.iri for p in c.matched for n in (p.left, p.right))
        nodes.update(n.iri for r in comparison.roles for n in c.unique[r.iri])
    return len(nodes)


def comparison_csv(comparison: Comparison) -> str:
    """A comparison as CSV: one row per (category, node) or matched pair, with the category's figures (empty and
    ``comparable`` false where a role links to nothing in it), the membership (shared, some, matched, unique), the
    roles linking to it, a pair's other node, relation, score, origin and the categories of its two nodes (they
    differ for a duty matched to a skill; the row's category is then the pair's home), and, in one column per
    compared role, that role's weights of the node (``importance=4.38; level=3.1``, full precision); cells as
    :func:`rolegraph.sparql.results.spreadsheet_cell` writes them (no formulas, no control characters)."""
    from .compare.comparison import MatchedPair

    labels = {r.iri: r.label for r in comparison.roles}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    weight_columns = [f"weights ({r.label})" for r in comparison.roles]
    header = ["category", "comparable", "category_jaccard", "category_overlap", "membership", "node", "label",
              "roles", "matched_node", "matched_label", "relation", "score", "origin", "node_category",
              "matched_category", *weight_columns]  # fmt: skip
    writer.writerow([spreadsheet_cell(cell) for cell in header])
    for c in comparison.categories:
        figures = [
            "true" if c.comparable else "false",
            "" if c.jaccard is None else f"{c.jaccard:.6f}",
            "" if c.overlap is None else f"{c.overlap:.6f}",
        ]
        entries: list[tuple[str, ComparedNode | MatchedPair]] = [("shared", n) for n in c.shared]
        entries += [("matched", p) for p in c.matched] + [("some", n) for n in c.partial]
        entries += [("unique", n) for r in comparison.roles for n in c.unique[r.iri]]
        for membership, item in entries:
            roles = "; ".join(labels[r] for r in item.roles)
            weights = ["; ".join(f"{k}={v}" for k, v in item.weights.get(r.iri, {}).items()) for r in comparison.roles]
            if isinstance(item, MatchedPair):
                node, pair = (
                    item.left,
                    [item.right.iri, item.right.label, item.relation, f"{item.score:.6f}", item.origin,
                     item.left_category, item.right_category],
                )  # fmt: skip
            else:
                node, pair = item, ["", "", "", "", "", "", ""]
            cells = [c.category, *figures, membership, node.iri, node.label, roles, *pair, *weights]
            writer.writerow([spreadsheet_cell(str(cell)) for cell in cells])
    return buffer.getvalue()
