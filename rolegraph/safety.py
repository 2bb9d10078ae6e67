"""Check a user's SPARQL before it runs: it must parse, be a query (not an update), and not reach the network or the
file system (SERVICE, FROM, FROM NAMED) unless the user allowed it.

>>> check_query("SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
rolegraph.safety.UnsafeQueryError: the query uses SERVICE <http://example.org/sparql>, which would reach the network...
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyparsing
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import InputError

__all__ = ["CheckedQuery", "QuerySyntaxError", "UnsafeQueryError", "check_query"]

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


class QuerySyntaxError(InputError):
    """The query text does not parse; carries the 1-based line and column and the parser's message."""

    def __init__(self, source: str, line: int, column: int, detail: str, text_line: str) -> None:
        self.line = line
        self.column = column
        self.detail = detail
        pointer = f"\n  {text_line}\n  {' ' * (column - 1)}^" if text_line.strip() else ""
        super().__init__(f"{source}:{line}:{column}: SPARQL syntax error: {detail}.{pointer}")


class UnsafeQueryError(InputError):
    """The query would read from the network or from files, or change data."""


@dataclass(frozen=True)
class CheckedQuery:
    """A query that parsed and passed the checks, with its form (SELECT, ASK, CONSTRUCT or DESCRIBE)."""

    text: str
    form: str


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, pyparsing.ParseResults | list | tuple):
        for item in node:
            yield from _walk(item)


def check_query(text: str, *, allow_network: bool = False, source: str = "query") -> CheckedQuery:
    """Parse ``text`` and refuse what must not run; raise :class:`QuerySyntaxError` or :class:`UnsafeQueryError`."""
    try:
        parsed = parseQuery(text)
    except pyparsing.ParseException as error:
        try:
            parseUpdate(text)
        except pyparsing.ParseException:
            raise QuerySyntaxError(source, error.lineno, error.col, error.msg, error.line) from None
        raise UnsafeQueryError(
            "this is a SPARQL Update; rolegraph's graph is read-only here: run a SELECT, ASK, CONSTRUCT or DESCRIBE."
        ) from None
    query = parsed[1]
    form = _FORMS.get(query.name, query.name)
    if allow_network:
        return CheckedQuery(text, form)
    for node in _walk(parsed):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise UnsafeQueryError(
                f"the query uses SERVICE <{node.get('term')}>, which would reach the network. "
                "rolegraph refuses that unless you pass --allow-network."
            )
    # CompValue.get() does not return a default for a missing key, so test membership.
    clauses = query["datasetClause"] if "datasetClause" in query else []  # noqa: SIM401
    for clause in clauses:
        keyword = "FROM" if "default" in clause else "FROM NAMED"
        iri = clause["default"] if "default" in clause else clause["named"]
        raise UnsafeQueryError(
            f"the query reads {keyword} <{iri}>, which would fetch a graph from the network or a file. "
            "Remove the clause to query rolegraph's own graph, or pass --allow-network."
        )
    return CheckedQuery(text, form)
