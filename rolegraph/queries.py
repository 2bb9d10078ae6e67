"""The named SPARQL queries in ``queries/``: find them, read their headers, run them with bound parameters.

Query text is never built from user input: parameters are RDF terms handed to the engine as bindings.

>>> from rolegraph.queries import get_query
>>> q = get_query("role-profile")
>>> [p.name for p in q.parameters]
['role']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier

from . import resources
from .errors import QueryParameterError, ResourceMissingError, UnknownQueryError

__all__ = ["NamedQuery", "Parameter", "get_query", "list_queries", "query_names", "run_query"]

_PARAM = re.compile(
    r"^#\s*param\s+\?(?P<name>\w+)\s*\((?P<type>[^),]+)(?P<optional>,\s*optional)?\)\s*:\s*(?P<doc>.*)$"
)
_FIELD = re.compile(r"^#\s*(?P<key>purpose|output|example)\s*:\s*(?P<value>.*)$")


@dataclass(frozen=True)
class Parameter:
    """A parameter a query declares in its header: ``# param ?name (type[, optional]): description``."""

    name: str
    type: str
    optional: bool
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """One ``queries/NAME.rq`` file and what its header says about it."""

    name: str
    text: str
    purpose: str
    parameters: tuple[Parameter, ...] = ()
    output: tuple[str, ...] = ()
    example: str = ""
    _prepared: list[Query] = field(default_factory=list, repr=False, compare=False)

    def prepared(self) -> Query:
        """The query parsed once by rdflib's SPARQL parser."""
        if not self._prepared:
            self._prepared.append(prepareQuery(self.text))
        return self._prepared[0]


def _parse_header(name: str, text: str) -> NamedQuery:
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if match := _PARAM.match(line):
            parameters.append(
                Parameter(match["name"], match["type"].strip(), bool(match["optional"]), match["doc"].strip())
            )
        elif match := _FIELD.match(line):
            fields[match["key"]] = match["value"].strip()
    output = tuple(v.lstrip("?") for v in fields.get("output", "").split())
    return NamedQuery(name, text, fields.get("purpose", ""), tuple(parameters), output, fields.get("example", ""))


@cache
def query_names() -> tuple[str, ...]:
    """The names of the shipped queries (file stems), sorted."""
    directory = resources.queries_dir()
    if not directory.is_dir():
        raise ResourceMissingError("the queries/ folder is missing from rolegraph's files; reinstall rolegraph.")
    return tuple(sorted(f.name[:-3] for f in directory.iterdir() if f.name.endswith(".rq")))


@cache
def get_query(name: str) -> NamedQuery:
    """The named query ``name``; :class:`UnknownQueryError` (listing the valid names) if there is none."""
    if name not in query_names():
        raise UnknownQueryError(name, list(query_names()))
    text = (resources.queries_dir() / f"{name}.rq").read_text(encoding="utf-8")
    return _parse_header(name, text)


def list_queries() -> list[NamedQuery]:
    """Every shipped query, sorted by name."""
    return [get_query(name) for name in query_names()]


def run_query(graph: Graph, query: str | NamedQuery, bindings: Mapping[str, Identifier] | None = None) -> Result:
    """Run a named query over ``graph`` with ``bindings`` (parameter name -> RDF term) bound, never pasted."""
    named = get_query(query) if isinstance(query, str) else query
    bindings = dict(bindings or {})
    declared = {p.name: p for p in named.parameters}
    unknown = sorted(set(bindings) - set(declared))
    if unknown:
        valid = ", ".join(declared) or "none"
        raise QueryParameterError(
            f"query {named.name!r} has no parameter {', '.join(unknown)}; its parameters: {valid}."
        )
    missing = [p.name for p in named.parameters if not p.optional and p.name not in bindings]
    if missing:
        raise QueryParameterError(f"query {named.name!r} needs a value for {', '.join(missing)}.")
    return graph.query(named.prepared(), initBindings=bindings)


def select(graph: Graph, query: str | NamedQuery, bindings: Mapping[str, Identifier] | None = None) -> list[ResultRow]:
    """The rows of a named SELECT query (see :func:`run_query`)."""
    result = run_query(graph, query, bindings)
    if result.type != "SELECT":
        raise TypeError(f"query {getattr(query, 'name', query)!r} is a {result.type}, not a SELECT")
    return [row for row in result if isinstance(row, ResultRow)]
