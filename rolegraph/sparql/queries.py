"""The named SPARQL queries in ``queries/``: find them, read their headers, run them with bound parameters.

Query text is never built from user input: parameters are RDF terms handed to the engine as bindings.

>>> from rolegraph.sparql.queries import get_query
>>> q = get_query("role-profile")
>>> [p.name for p in q.parameters]
['role']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, cast

from ..errors import QueryParameterError, ResourceMissingError, UnknownQueryError
from ..model import resources
from ..model.terms import is_blank, is_term

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.term import Identifier

__all__ = [
    "PARAMETER_TYPES",
    "BoundQuery",
    "NamedQuery",
    "Parameter",
    "bind",
    "get_query",
    "list_queries",
    "query_names",
]

PARAMETER_TYPES = (
    "role", "role list", "IRI", "IRI list", "string", "string list", "label list", "integer", "boolean"
)  # fmt: skip
"""The parameter types a query header may declare (a ``label list`` value is bound as typed and as ``@en``, so that it
matches language-tagged labels)."""

_PARAM = re.compile(
    r"^#\s*param\s+\?(?P<name>\w+)\s*\((?P<type>[^),]+)(?P<optional>,\s*optional)?\)\s*:\s*(?P<doc>.*)$"
)
_FIELD = re.compile(r"^#\s*(?P<key>purpose|output|example)\s*:\s*(?P<value>.*)$")
_VALUES_MARKER = re.compile(r"^(?P<indent>[ \t]*)#@values \?(?P<name>\w+)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Parameter:
    """A parameter a query declares in its header: ``# param ?name (type[, optional]): description``."""

    name: str
    type: str
    optional: bool
    description: str

    @property
    def is_list(self) -> bool:
        """A list parameter: takes several values (a single-valued one takes exactly one)."""
        return self.type.endswith(" list")

    @property
    def is_role(self) -> bool:
        """A parameter whose values are roles (names are resolved to IRIs before binding)."""
        return self.type.startswith("role")


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
            from rdflib.plugins.sparql import prepareQuery

            self._prepared.append(prepareQuery(self.text))
        return self._prepared[0]

    def parameter(self, name: str) -> Parameter:
        """The declared parameter ``name``; :class:`QueryParameterError` naming the valid ones if there is none."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        valid = ", ".join(p.name for p in self.parameters) or "none"
        raise QueryParameterError(f"query {self.name!r} has no parameter {name!r}; its parameters: {valid}.")


@dataclass(frozen=True)
class BoundQuery:
    """A named query with its parameters bound: :attr:`text` holds a VALUES block for each bound parameter."""

    query: NamedQuery
    text: str
    values: dict[str, tuple[Identifier, ...]] = field(default_factory=dict)


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
    for parameter in parameters:
        if parameter.type not in PARAMETER_TYPES:
            raise ResourceMissingError(
                f"queries/{name}.rq: parameter ?{parameter.name} has unknown type {parameter.type!r}"
            )
        marked = {m["name"] for m in _VALUES_MARKER.finditer(text)}
        if parameter.name not in marked:
            raise ResourceMissingError(
                f"queries/{name}.rq: parameter ?{parameter.name} has no '#@values ?{parameter.name}' line"
            )
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


_CODEPOINT_ESCAPE = re.compile(r"\\[uU]")


def _n3(term: Identifier, parameter: Parameter) -> str:
    if is_blank(term):
        raise QueryParameterError(f"?{parameter.name}: a blank node cannot be a query parameter; give an IRI.")
    if _CODEPOINT_ESCAPE.search(str(term)):
        # SPARQL decodes \uXXXX anywhere in a query's text before parsing; rdflib would then receive another value
        # than the one given (Oxigraph would not), so such values are not passed to any engine.
        raise QueryParameterError(
            f"?{parameter.name}: the value contains a backslash-u escape sequence, which SPARQL engines may decode "
            "inside query text; rolegraph does not pass such values."
        )
    try:
        return term.n3()
    except Exception as error:  # rdflib refuses IRIs it cannot write (spaces, <, >, ...)
        raise QueryParameterError(f"?{parameter.name}: {term!s} is not a usable IRI ({error}).") from None


def bind(query: str | NamedQuery, values: Mapping[str, Identifier | Sequence[Identifier]] | None = None) -> BoundQuery:
    r"""Bind ``values`` (parameter name -> RDF term, or a sequence of terms for a list parameter) to a named query.

    Raises :class:`QueryParameterError` for an undeclared parameter, a missing required one, several values for a
    single-valued one, or a value that cannot be written as a term.

    >>> from rdflib import Literal
    >>> text = bind("list-roles", {"profiledOnly": Literal(True)}).text
    >>> [line.strip() for line in text.splitlines() if "VALUES" in line]
    ['VALUES ?profiledOnly { "true"^^<http://www.w3.org/2001/XMLSchema#boolean> }']
    >>> text = bind("role-profile", {"role": Literal('x" } DROP ALL #')}).text
    >>> sorted({line.strip() for line in text.splitlines() if "VALUES" in line})
    ['VALUES ?role { "x\\" } DROP ALL #" }']
    """
    named = get_query(query) if isinstance(query, str) else query
    values = dict(values or {})
    for name in values:
        named.parameter(name)
    missing = [p.name for p in named.parameters if not p.optional and p.name not in values]
    if missing:
        raise QueryParameterError(f"query {named.name!r} needs a value for {', '.join(missing)}.")
    blocks: dict[str, str] = {}
    bound: dict[str, tuple[Identifier, ...]] = {}
    for name, value in values.items():
        parameter = named.parameter(name)
        terms = [cast("Identifier", value)] if is_term(value) else list(cast("Sequence[Identifier]", value))
        bound[name] = tuple(terms)
        if not parameter.is_list and len(terms) != 1:
            raise QueryParameterError(f"?{name} takes one value, not {len(terms)}.")
        blocks[name] = "VALUES ?" + name + " { " + " ".join(_n3(t, parameter) for t in terms) + " }"
    text = _VALUES_MARKER.sub(lambda m: m["indent"] + blocks[m["name"]] if m["name"] in blocks else m[0], named.text)
    return BoundQuery(named, text, bound)
