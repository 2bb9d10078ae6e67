"""Check a user's SPARQL before it runs: it must parse, be a query (not an update), and not reach the network or the
file system (SERVICE, FROM, FROM NAMED) unless the user allowed it.

>>> check_query("SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
rolegraph.safety.UnsafeQueryError: the query uses SERVICE <http://example.org/sparql>, which would reach the network...
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

import pyparsing
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import InputError

__all__ = ["CheckedQuery", "QuerySyntaxError", "UnsafeQueryError", "check_query", "query_form", "quick_form"]

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
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, pyparsing.ParseResults | list | tuple):
        for item in node:
            yield from _walk(item)


# The lexical tokens that can hide a word from the grammar: strings, IRIs, comments, variables and prefixed names.
# Only ASCII is matched inside them: any other character ends a token, so the scan may see a keyword where the
# grammar does not (and then the full parse decides), never the other way round.
_TOKENS = re.compile(
    "|".join(
        [
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',  # long strings
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",
            r'"(?:[^"\\\n\r]|\\.)*"',  # short strings
            r"'(?:[^'\\\n\r]|\\.)*'",
            r'<[^<>"{}|^`\\\x00-\x20]*>',  # IRIs
            r"\#[^\n\r]*",  # comments
            r"[?$][A-Za-z0-9_]+",  # variables
            r"[A-Za-z][A-Za-z0-9_.-]*:[A-Za-z0-9_.:%-]*|:[A-Za-z0-9_.:%-]*",  # prefixed names
            r"[A-Za-z_][A-Za-z0-9_]*",  # keywords and other words
            r"[\s\S]",
        ]
    )
)
_RISKY = {"SERVICE", "FROM", "LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH",
          "USING"}  # fmt: skip


def quick_form(text: str) -> str | None:
    """The form of a query that a scan of its words shows cannot reach outside the store (no SERVICE, FROM, LOAD or
    update keyword outside strings, IRIs and comments; no codepoint escapes); None when the full parse of
    :func:`check_query` must decide. Whether it parses is left to the engine that runs it.

    >>> quick_form('SELECT ?s WHERE { ?s ?p "SERVICE <x>" } # FROM <y>')
    'SELECT'
    >>> quick_form("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }") is None
    True
    """
    if "\\u" in text or "\\U" in text:
        return None
    form = None
    for token in _TOKENS.findall(text):
        if not (token[0].isalpha() or token[0] == "_") or ":" in token:
            continue
        word = token.upper()
        if word in _RISKY:
            return None
        if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = word
    return form


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, for a query that parses (see :func:`check_query`).

    >>> query_form("PREFIX ex: <http://example.org/> CONSTRUCT WHERE { ?s ex:p ?o }")
    'CONSTRUCT'
    """
    return quick_form(text) or check_query(text, allow_network=True).form


def check_query(
    text: str, *, allow_network: bool = False, source: str = "query", own_graphs: Collection[str] = ()
) -> CheckedQuery:
    """Parse ``text`` and refuse what must not run; raise :class:`QuerySyntaxError` or :class:`UnsafeQueryError`.
    FROM and FROM NAMED may name ``own_graphs`` (the store's own named graphs), nothing else."""
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
    # CompValue.get() does not return a default for a missing key, so test membership.
    clauses = query["datasetClause"] if "datasetClause" in query else []  # noqa: SIM401
    defaults = tuple(str(c["default"]) for c in clauses if "default" in c)
    nameds = tuple(str(c["named"]) for c in clauses if "named" in c)
    if allow_network:
        return CheckedQuery(text, form, defaults, nameds)
    for node in _walk(parsed):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise UnsafeQueryError(
                f"the query uses SERVICE <{node.get('term')}>, which would reach the network. "
                "rolegraph refuses that unless you pass --allow-network."
            )
    for clause in clauses:
        keyword = "FROM" if "default" in clause else "FROM NAMED"
        iri = str(clause["default"] if "default" in clause else clause["named"])
        if iri in own_graphs:
            continue
        raise UnsafeQueryError(
            f"the query reads {keyword} <{iri}>, which would fetch a graph from the network or a file. "
            "Remove the clause to query rolegraph's own graph"
            + (", name one of the store's own graphs" if own_graphs else "")
            + ", or pass --allow-network."
        )
    return CheckedQuery(text, form, defaults, nameds)
