r"""Query results as one engine-independent table, and its W3C serialisations.

SPARQL 1.1 Query Results JSON and XML, and CSV/TSV as the W3C "SPARQL 1.1 Query Results CSV and TSV Formats"
note writes them. Every engine (rdflib, Oxigraph) returns a :class:`ResultTable` of rdflib terms (or, for the
commands that never import rdflib, of :mod:`rolegraph.model.terms` terms, which the writers take alike).

Every writer is safe where its output lands (see "Outputs" in the README): JSON and TSV escape control, format and
surrogate characters (``\u001b``), so the values stay exact and no escape sequence reaches a terminal; XML 1.0 and
CSV cannot escape them, so there they become U+FFFD. CSV, the spreadsheet format, also prefixes ``'`` to a cell that
a spreadsheet would run as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return,
unless it is a number), and replaces bidi controls.

>>> from rdflib import Literal, URIRef
>>> table = ResultTable(("s", "n"), ((URIRef("http://example.org/a"), Literal(1)),))
>>> to_csv(table)
's,n\r\nhttp://example.org/a,1\r\n'
>>> to_tsv(table)
'?s\t?n\n<http://example.org/a>\t1\n'
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model.terms import XSD, XSD_STRING, is_blank, is_iri, is_literal

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from rdflib.term import Node

    _Terms = tuple[Node | None, ...]
else:
    _Terms = tuple  # rdflib's Node is named only for type checkers: rows of light terms never import rdflib

__all__ = [
    "JUPYTER_STYLE",
    "ResultTable",
    "Row",
    "boolean_json",
    "boolean_xml",
    "data_text",
    "json_text",
    "spreadsheet_cell",
    "to_csv",
    "to_json",
    "to_tsv",
    "to_xml",
]

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

JUPYTER_STYLE = (
    "<style>table.rolegraph th, table.rolegraph td { text-align: left; vertical-align: top; }"
    " table.rolegraph small { color: #555; }</style>"
)
"""The style of rolegraph's Jupyter tables (``_repr_html_``): JupyterLab right-aligns and middle-aligns table cells,
which makes lists of labels hard to read; a rule of a class and two elements wins over JupyterLab's."""

_NOT_DATA = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""What XML 1.0 cannot carry (C0 controls but tab, LF and CR; surrogates; U+FFFE, U+FFFF), and what a terminal would
run (C0, DEL, C1 controls such as ESC and CSI)."""

_JSON_ESCAPED = re.compile(r"[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
"""Characters ``json.dumps`` leaves raw that a terminal runs or that reorder or hide text (bidi and zero-width
controls, line separators); C0 controls are escaped by ``json.dumps`` itself."""

_HTML_ESCAPED = re.compile("[<>&]")
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def data_text(text: str) -> str:
    r"""``text`` with each character XML 1.0 cannot carry or a terminal would run replaced by U+FFFD.

    >>> data_text("a\x1b[31mb\tc") == "a\ufffd[31mb\tc"
    True
    """
    return _NOT_DATA.sub("\ufffd", text)


def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: ``'`` before a formula (OWASP's rule), numbers left alone; control
    characters (:func:`data_text`) and bidi controls, which reorder what is shown, become U+FFFD.

    >>> spreadsheet_cell("=1+2"), spreadsheet_cell("-5"), spreadsheet_cell("-1+2"), spreadsheet_cell("a=b")
    ("'=1+2", '-5', "'-1+2", 'a=b')
    """
    text = _BIDI.sub("\ufffd", data_text(text))
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def json_text(value: Any, *, html_safe: bool = False, **options: Any) -> str:
    r"""``value`` as JSON (UTF-8 text, ``json.dumps`` options) with the characters a terminal would run, bidi
    controls and lone surrogates escaped as ``\uXXXX``: the same value, safe to print. With ``html_safe``, ``<``,
    ``>`` and ``&`` are escaped too, so the text can sit inside an HTML ``<script>`` element.

    >>> print(json_text(["</script>\x9b"], html_safe=True))
    ["\u003c/script\u003e\u009b"]
    """
    text = json.dumps(value, ensure_ascii=False, **options)
    text = _JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    if html_safe:
        text = _HTML_ESCAPED.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return text


class Row(_Terms):
    """One solution: a tuple of terms (None where unbound) whose values are also attributes by variable name."""

    _variables: tuple[str, ...] = ()

    def __new__(cls, variables: tuple[str, ...], values: tuple[Node | None, ...]) -> Row:
        row = super().__new__(cls, values)
        row._variables = variables
        return row

    def __getattr__(self, name: str) -> Any:  # a term or None; Any so that callers can convert it as they need
        try:
            return self[self._variables.index(name)]
        except ValueError:
            raise AttributeError(
                f"no variable {name!r} in this result; variables: {', '.join(self._variables)}"
            ) from None

    def asdict(self) -> dict[str, Node | None]:
        """The row as a mapping from variable name to term."""
        return dict(zip(self._variables, self, strict=True))


@dataclass(frozen=True)
class ResultTable:
    """The solutions of a SELECT query: variable names and rows of rdflib terms (None where unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]

    def __iter__(self) -> Iterator[Row]:
        return (Row(self.variables, row) for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def to_dicts(self) -> list[dict[str, Node | None]]:
        """The rows as dictionaries."""
        return [row.asdict() for row in self]

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(v)}</th>" for v in self.variables)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape('' if t is None else str(t))}</td>" for t in row) + "</tr>"
            for row in self.rows
        )
        return f'{JUPYTER_STYLE}<table class="rolegraph"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _json_term(term: Any) -> dict[str, str]:
    if is_iri(term):
        return {"type": "uri", "value": str(term)}
    if is_blank(term):
        return {"type": "bnode", "value": str(term)}
    if is_literal(term):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and str(term.datatype) != XSD_STRING:
            out["datatype"] = str(term.datatype)
        return out
    raise TypeError(f"cannot write {term!r} as a SPARQL result term")


def to_json(table: ResultTable) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [
        {v: _json_term(t) for v, t in zip(table.variables, row, strict=True) if t is not None} for row in table.rows
    ]
    document: dict[str, Any] = {"head": {"vars": list(table.variables)}, "results": {"bindings": bindings}}
    return json_text(document, indent=2) + "\n"


def boolean_json(value: bool) -> str:
    """SPARQL 1.1 Query Results JSON for an ASK query."""
    return json.dumps({"head": {}, "boolean": value}) + "\n"


def _xml_document(children: list[ET.Element]) -> str:
    import xml.etree.ElementTree as ET

    root = ET.Element("sparql", {"xmlns": SPARQL_RESULTS_NS})
    root.extend(children)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_xml(table: ResultTable) -> str:
    """SPARQL Query Results XML (well-formed whatever the values hold: see :func:`data_text`)."""
    import xml.etree.ElementTree as ET  # imported where used: XML is the rarest format asked for

    head = ET.Element("head")
    for variable in table.variables:
        ET.SubElement(head, "variable", {"name": data_text(variable)})
    results = ET.Element("results")
    for row in table.rows:
        result = ET.SubElement(results, "result")
        for variable, term in zip(table.variables, row, strict=True):
            if term is None:
                continue
            binding = ET.SubElement(result, "binding", {"name": data_text(variable)})
            data = {key: data_text(value) for key, value in _json_term(term).items()}
            attributes = {}
            if "xml:lang" in data:
                attributes["xml:lang"] = data["xml:lang"]
            if "datatype" in data:
                attributes["datatype"] = data["datatype"]
            ET.SubElement(binding, data["type"], attributes).text = data["value"]
    return _xml_document([head, results])


def boolean_xml(value: bool) -> str:
    """SPARQL Query Results XML for an ASK query."""
    import xml.etree.ElementTree as ET

    boolean = ET.Element("boolean")
    boolean.text = "true" if value else "false"
    return _xml_document([ET.Element("head"), boolean])


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if is_blank(term):
        return f"_:{term}"
    return str(term)


def to_csv(table: ResultTable) -> str:
    """CSV as the W3C note writes it: plain values (no types or languages), CRLF line ends, RFC 4180 quoting; each
    cell through :func:`spreadsheet_cell` (the note's CSV is the format for spreadsheets; TSV keeps exact values)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(v) for v in table.variables])
    writer.writerows([spreadsheet_cell(_csv_value(t)) for t in row] for row in table.rows)
    return buffer.getvalue()


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_TSV_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_NOT_IN_IRIREF = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]')
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _uchar(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04X}"


def _turtle_string(lexical: str) -> str:
    """A Turtle string's content: ECHAR where Turtle has one, UCHAR for the other controls (the value is exact)."""
    return _TSV_UNSAFE.sub(_uchar, _SURROGATE.sub("\ufffd", lexical).translate(_TSV_ESCAPES))


_TURTLE_SHORTHAND = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD + "boolean": re.compile(r"true|false"),
}


def _tsv_bare(text: str) -> str:
    """A name written bare in TSV (a variable, a blank node label, a language tag): nothing that ends a cell."""
    return _TSV_UNSAFE.sub("\ufffd", _SURROGATE.sub("\ufffd", text))


def _iri(iri: str) -> str:
    return "<" + _NOT_IN_IRIREF.sub(_uchar, _SURROGATE.sub("\ufffd", iri)) + ">"


def _tsv_value(term: Any) -> str:
    if term is None:
        return ""
    if is_iri(term):
        return _iri(term)
    if is_blank(term):
        return f"_:{_tsv_bare(str(term))}"
    if is_literal(term):
        lexical = str(term)
        shorthand = _TURTLE_SHORTHAND.get(str(term.datatype)) if term.datatype is not None else None
        if shorthand is not None and shorthand.fullmatch(lexical):
            return lexical
        quoted = '"' + _turtle_string(lexical) + '"'
        if term.language:
            return f"{quoted}@{_tsv_bare(term.language)}"
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return f"{quoted}^^{_iri(term.datatype)}"
        return quoted
    raise TypeError(f"cannot write {term!r} as a SPARQL result term")


def to_tsv(table: ResultTable) -> str:
    """TSV as the W3C note writes it: ``?var`` headers, terms in Turtle syntax, LF line ends; values exact."""
    lines = ["\t".join(f"?{_tsv_bare(v)}" for v in table.variables)]
    lines += ["\t".join(_tsv_value(t) for t in row) for row in table.rows]
    return "\n".join(lines) + "\n"
