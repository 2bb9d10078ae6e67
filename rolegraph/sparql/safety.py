"""Check a user's SPARQL before it runs: it must be SPARQL both engines read the same way, parse, be a query (not an
update), and not reach the network or the file system (SERVICE, FROM, FROM NAMED) unless the user allowed it.

The text that is checked is the text that runs: :func:`check_query` normalises it (see
:func:`rolegraph.sparql.lexer.normalise`) and returns the normalised text in :attr:`CheckedQuery.text`; callers execute
that, never the text they were given. SERVICE and FROM are looked for twice, in the grammar's tokens (as a parser
reads them, :func:`rolegraph.sparql.lexer.tokens`) and in rdflib's parse tree; either finding one is enough to refuse.

>>> check_query("SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
rolegraph.sparql.safety.UnsafeQueryError: the query uses SERVICE <http://example.org/sparql>, which would reach...
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyparsing
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from ..errors import InputError
from .lexer import MAX_NESTING, LexicalError, Token, normalise, tokens

__all__ = ["CheckedQuery", "QuerySyntaxError", "UnsafeQueryError", "check_query", "query_form"]

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UPDATE_WORDS = {"LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}
_PREFIX_OPERATORS = {"!", "-", "+", "^"}


class QuerySyntaxError(InputError):
    """The query text does not parse; carries the 1-based line and column and the parser's message."""

    def __init__(self, source: str, line: int, column: int, detail: str, text_line: str) -> None:
        self.line = line
        self.column = column
        self.detail = detail
        pointer = f"\n  {text_line}\n  {' ' * (column - 1)}^" if text_line.strip() and len(text_line) <= 200 else ""
        super().__init__(f"{source}:{line}:{column}: SPARQL syntax error: {detail}.{pointer}")


class UnsafeQueryError(InputError):
    """The query would read from the network or from files, or change data. :attr:`reason` says what it would do,
    :attr:`remedy` what a user of the command line or the API can do about it."""

    def __init__(self, reason: str, remedy: str = "") -> None:
        self.reason = reason
        self.remedy = remedy
        super().__init__(f"{reason} {remedy}".strip())


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the checks: the normalised text to run, its form (SELECT, ASK, CONSTRUCT or DESCRIBE)
    and the graphs its FROM and FROM NAMED clauses name."""

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


@dataclass(frozen=True)
class _Scan:
    form: str | None
    services: tuple[Token, ...]
    froms: tuple[Token, ...]
    update: Token | None
    declared: frozenset[str]
    used: dict[str, Token]  # each prefix used, at its first use


def predeclared() -> dict[str, str]:
    """The prefixes every query may use without declaring them, on every engine: rolegraph's own (rg:, role:,
    skill:, ...) and the vocabularies it uses (rdf:, rdfs:, skos:, schema:, ...)."""
    from ..model.namespaces import PREFIXES

    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def _syntax_error(error: LexicalError) -> QuerySyntaxError:
    found = QuerySyntaxError.__new__(QuerySyntaxError)
    found.line, found.column, found.detail = error.line, error.column, error.detail
    InputError.__init__(found, str(error))
    return found


def _scan(text: str, source: str) -> _Scan:
    form: str | None = None
    services: list[Token] = []
    froms: list[Token] = []
    update: Token | None = None
    depth = 0
    run = 0
    previous_word = ""
    declared: set[str] = set()
    used: dict[str, Token] = {}
    try:
        for token in tokens(text, source):
            if token.kind == "punct" and token.text in _PREFIX_OPERATORS:
                run += 1
                if run > MAX_NESTING:
                    raise LexicalError(source, text, token.offset, f"more than {MAX_NESTING} operators in a row")
            else:
                run = 0
            if token.kind == "punct" and token.text in "{([":
                depth += 1
            elif token.kind == "punct" and token.text in "})]":
                depth -= 1
            if (
                token.kind == "number"
                and previous_word in ("LIMIT", "OFFSET")
                and token.text.isdigit()
                and int(token.text) >= 2**63
            ):
                raise LexicalError(source, text, token.offset, f"{previous_word} {token.text} is too large (at most "
                                   f"{2**63 - 1})")  # fmt: skip
            if token.kind == "pname":
                prefix = token.text.split(":", 1)[0]
                if previous_word == "PREFIX":
                    declared.add(prefix)
                else:
                    used.setdefault(prefix, token)
            previous_word = token.text.upper() if token.kind == "word" else ""
            if token.kind != "word":
                continue
            word = token.text.upper()
            if word == "SERVICE":
                services.append(token)
            elif word == "FROM":
                froms.append(token)
            elif word in _UPDATE_WORDS and update is None:
                update = token
            elif form is None and depth == 0 and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = word
        known = set(predeclared())
        for prefix, token in used.items():
            if prefix not in declared and prefix not in known:
                raise LexicalError(source, text, token.offset, f"the prefix {prefix}: is not declared; add "
                                   f"PREFIX {prefix}: <...> before the query (rolegraph declares "
                                   f"{', '.join(p + ':' for p in sorted(known))} for you)")  # fmt: skip
    except LexicalError as error:
        raise _syntax_error(error) from None
    return _Scan(form, tuple(services), tuple(froms), update, frozenset(declared), used)


def with_declarations(text: str) -> str:
    r"""``text`` (a checked query) with PREFIX declarations in front for the predeclared prefixes it uses without
    declaring them: for engines that do not take default prefixes (a SPARQL server).

    >>> with_declarations("SELECT * WHERE { ?r a rg:Role }")
    'PREFIX rg: <https://w3id.org/rolegraph/vocab#>\nSELECT * WHERE { ?r a rg:Role }'
    """
    scan = _scan(text, "query")
    known = predeclared()
    missing = [prefix for prefix in scan.used if prefix not in scan.declared and prefix in known]
    return "".join(f"PREFIX {prefix}: <{known[prefix]}>\n" for prefix in missing) + text


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, for a query that parses (see :func:`check_query`).

    >>> query_form("PREFIX ex: <http://example.org/> CONSTRUCT WHERE { ?s ex:p ?o }")
    'CONSTRUCT'
    """
    return check_query(text, allow_network=True, parse=False).form


@lru_cache(maxsize=512)
def _parse(text: str) -> Any:
    """rdflib's parse tree of ``text``, or the ParseException (cached: the same text is checked again and again)."""
    limit = sys.getrecursionlimit()
    try:
        # rdflib's grammar recurses about 25 frames per nesting level; MAX_NESTING levels fit in this.
        sys.setrecursionlimit(max(limit, 4000))
        return parseQuery(text)
    except pyparsing.ParseException as error:
        return error
    finally:
        sys.setrecursionlimit(limit)


def _refuse_service(target: str) -> UnsafeQueryError:
    return UnsafeQueryError(f"the query uses SERVICE{target}, which would reach the network.",
                            "rolegraph refuses that unless you pass --allow-network.")  # fmt: skip


def _service_target(token: Token, text: str) -> str:
    following = _TARGET.match(text, token.offset + len(token.text))
    return f" {following.group(1)}" if following else ""


_TARGET = re.compile(r"\s*(?:SILENT\s*)?(<[^>\s]*>|[?$]\w+|[\w.-]*:[\w.-]*)", re.IGNORECASE)


def _refuse_update(source: str) -> UnsafeQueryError:
    return UnsafeQueryError(
        "this is a SPARQL Update; rolegraph's graph is read-only here: run a SELECT, ASK, CONSTRUCT or DESCRIBE."
    )


def check_query(
    text: str,
    *,
    allow_network: bool = False,
    source: str = "query",
    own_graphs: Collection[str] = (),
    parse: bool = True,
) -> CheckedQuery:
    """Normalise ``text``, parse it and refuse what must not run; raise :class:`QuerySyntaxError` or
    :class:`UnsafeQueryError`. FROM and FROM NAMED may name ``own_graphs`` (the store's own named graphs), nothing
    else. Run the returned :attr:`CheckedQuery.text`.

    With ``parse`` false, a query whose tokens hold no SERVICE, FROM or update keyword is not also parsed by
    rdflib's grammar (tens of milliseconds): the engine that runs it parses it and reports its syntax errors."""
    if not text.strip():
        raise QuerySyntaxError(source, 1, 1, "the query is empty; write a SELECT, ASK, CONSTRUCT or DESCRIBE", "")
    try:
        normal = normalise(text, source)
    except LexicalError as error:
        raise _syntax_error(error) from None
    scan = _scan(normal, source)
    if scan.services and not allow_network:  # whether or not rdflib's grammar takes it, an engine might
        raise _refuse_service(_service_target(scan.services[0], normal))
    if not parse and scan.form and not (scan.services or scan.froms or scan.update):
        return CheckedQuery(normal, scan.form)
    parsed = _parse(normal)
    if isinstance(parsed, pyparsing.ParseException):
        if scan.update is not None or scan.form is None:
            try:
                parseUpdate(normal)
            except pyparsing.ParseException:
                pass
            else:
                raise _refuse_update(source) from None
        raise QuerySyntaxError(source, parsed.lineno, parsed.col, parsed.msg, parsed.line) from None
    if scan.update is not None:
        raise _refuse_update(source)
    query = parsed[1]
    form = _FORMS.get(query.name, query.name)
    # CompValue.get() does not return a default for a missing key, so test membership.
    clauses = query["datasetClause"] if "datasetClause" in query else []  # noqa: SIM401
    defaults = tuple(str(c["default"]) for c in clauses if "default" in c)
    nameds = tuple(str(c["named"]) for c in clauses if "named" in c)
    if allow_network:
        return CheckedQuery(normal, form, defaults, nameds)
    services = [node for node in _walk(parsed) if isinstance(node, CompValue) and node.name == "ServiceGraphPattern"]
    if services:
        raise _refuse_service(f" <{services[0].get('term')}>")
    if len(scan.froms) != len(clauses):
        raise UnsafeQueryError("the query's FROM clauses cannot be read with certainty.",
                               "Write each as FROM <iri> or FROM NAMED <iri>, or remove them.")  # fmt: skip
    for clause in clauses:
        keyword = "FROM" if "default" in clause else "FROM NAMED"
        iri = str(clause["default"] if "default" in clause else clause["named"])
        if iri in own_graphs:
            continue
        raise UnsafeQueryError(
            f"the query reads {keyword} <{iri}>, which would fetch a graph from the network or a file.",
            "Remove the clause to query rolegraph's own graph"
            + (", name one of the store's own graphs" if own_graphs else "")
            + ", or pass --allow-network.",
        )
    return CheckedQuery(normal, form, defaults, nameds)
