r"""Query results as one engine-independent table, and its W3C serialisations.

SPARQL 1.1 Query Results JSON and XML, and CSV/TSV as the W3C "SPARQL 1.1 Query Results CSV and TSV Formats"
note writes them. Every engine (rdflib, Oxigraph) returns a :class:`ResultTable` of rdflib terms.

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
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

__all__ = ["ResultTable", "Row", "boolean_json", "boolean_xml", "to_csv", "to_json", "to_tsv", "to_xml"]

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


class Row(tuple[Node | None, ...]):
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
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            out["datatype"] = str(term.datatype)
        return out
    raise TypeError(f"cannot write {term!r} as a SPARQL result term")


def to_json(table: ResultTable) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [
        {v: _json_term(t) for v, t in zip(table.variables, row, strict=True) if t is not None} for row in table.rows
    ]
    document: dict[str, Any] = {"head": {"vars": list(table.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def boolean_json(value: bool) -> str:
    """SPARQL 1.1 Query Results JSON for an ASK query."""
    return json.dumps({"head": {}, "boolean": value}) + "\n"


def _xml_document(children: list[ET.Element]) -> str:
    root = ET.Element("sparql", {"xmlns": SPARQL_RESULTS_NS})
    root.extend(children)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_xml(table: ResultTable) -> str:
    """SPARQL Query Results XML."""
    head = ET.Element("head")
    for variable in table.variables:
        ET.SubElement(head, "variable", {"name": variable})
    results = ET.Element("results")
    for row in table.rows:
        result = ET.SubElement(results, "result")
        for variable, term in zip(table.variables, row, strict=True):
            if term is None:
                continue
            binding = ET.SubElement(result, "binding", {"name": variable})
            data = _json_term(term)
            attributes = {}
            if "xml:lang" in data:
                attributes["xml:lang"] = data["xml:lang"]
            if "datatype" in data:
                attributes["datatype"] = data["datatype"]
            ET.SubElement(binding, data["type"], attributes).text = data["value"]
    return _xml_document([head, results])


def boolean_xml(value: bool) -> str:
    """SPARQL Query Results XML for an ASK query."""
    boolean = ET.Element("boolean")
    boolean.text = "true" if value else "false"
    return _xml_document([ET.Element("head"), boolean])


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(table: ResultTable) -> str:
    """CSV as the W3C note writes it: plain values (no types or languages), CRLF line ends, RFC 4180 quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.variables)
    writer.writerows([_csv_value(t) for t in row] for row in table.rows)
    return buffer.getvalue()


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


_TURTLE_SHORTHAND = {
    XSD.integer: re.compile(r"[+-]?[0-9]+"),
    XSD.decimal: re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD.double: re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD.boolean: re.compile(r"true|false"),
}


def _tsv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        lexical = str(term)
        shorthand = _TURTLE_SHORTHAND.get(term.datatype) if term.datatype is not None else None
        if shorthand is not None and shorthand.fullmatch(lexical):
            return lexical
        quoted = '"' + lexical.translate(_TSV_ESCAPES) + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{quoted}^^<{term.datatype}>"
        return quoted
    raise TypeError(f"cannot write {term!r} as a SPARQL result term")


def to_tsv(table: ResultTable) -> str:
    """TSV as the W3C note writes it: ``?var`` headers, terms in Turtle syntax, LF line ends."""
    lines = ["\t".join(f"?{v}" for v in table.variables)]
    lines += ["\t".join(_tsv_value(t) for t in row) for row in table.rows]
    return "\n".join(lines) + "\n"
