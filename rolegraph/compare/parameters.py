"""Turn what a user typed for a query parameter into RDF terms, by the parameter's declared type.

Role parameters accept anything :func:`rolegraph.compare.roles.resolve_role` does (labels, IRIs, local names); IRI
parameters take an absolute IRI or a prefixed name with one of rolegraph's prefixes.

>>> from rolegraph.model.ontology import load_graph
>>> from rolegraph.sparql.queries import get_query
>>> coerce_values(load_graph(), get_query("shared-skills"), {"a": "producer", "b": "Production Manager"})["a"]
rdflib.term.URIRef('https://w3id.org/rolegraph/id/role/producer')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Union

from ..errors import QueryParameterError
from ..model.iris import PREFIX_IRIS as PREFIXES
from ..model.terms import XSD, iri, is_term, literal
from ..sparql.engines import QueryEngine
from ..sparql.queries import NamedQuery, Parameter
from .roles import resolve_role

if TYPE_CHECKING:
    from rdflib import Graph, URIRef
    from rdflib.term import Identifier

__all__ = ["coerce_values", "parse_bind_options", "to_iri"]

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")

Raw = Union[str, "Identifier", Sequence[Union[str, "Identifier"]]]


def to_iri(text: str) -> URIRef:
    """An IRI from an absolute IRI or a rolegraph prefixed name (``role:producer``), as a light term (see
    :mod:`rolegraph.model.terms`: it is bound into query text, where it reads as rdflib's ``URIRef`` does)."""
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    elif not _ABSOLUTE_IRI.match(text):
        known = ", ".join(sorted(PREFIXES))
        raise QueryParameterError(f"{text!r} is not an IRI: give an absolute IRI or a prefixed name ({known}).")
    found: URIRef = iri(text)
    return found


def _one(graph: Graph | QueryEngine, parameter: Parameter, value: str | Identifier) -> Identifier:
    if is_term(value) or not isinstance(value, str):
        given: Identifier = value  # type: ignore[assignment]
        return given
    kind = parameter.type.removesuffix(" list")
    if kind == "role":
        return resolve_role(graph, value)
    if kind == "IRI":
        return to_iri(value)
    term: Identifier
    if kind == "boolean":
        lowered = value.strip().lower()
        if lowered not in ("true", "false"):
            raise QueryParameterError(f"?{parameter.name} takes true or false, not {value!r}.")
        term = literal(lowered, datatype=XSD + "boolean")
    elif kind == "integer":
        try:
            term = literal(str(int(value)), datatype=XSD + "integer")
        except ValueError:
            raise QueryParameterError(f"?{parameter.name} takes an integer, not {value!r}.") from None
    else:
        term = literal(value)
    return term


def _terms(graph: Graph | QueryEngine, parameter: Parameter, value: str | Identifier) -> list[Identifier]:
    if parameter.type == "label list" and isinstance(value, str) and not is_term(value):
        return [literal(value), literal(value, language="en")]  # labels are language-tagged; codes are plain
    return [_one(graph, parameter, value)]


def coerce_values(
    graph: Graph | QueryEngine, query: NamedQuery, raw: Mapping[str, Raw]
) -> dict[str, Identifier | list[Identifier]]:
    """RDF terms for ``raw`` values (strings or terms; lists for list parameters), by each parameter's type."""
    values: dict[str, Identifier | list[Identifier]] = {}
    for name, value in raw.items():
        parameter = query.parameter(name)
        items: list[str | Identifier] = [value] if isinstance(value, str) or is_term(value) else list(value)  # type: ignore[list-item]
        terms = [term for item in items for term in _terms(graph, parameter, item)]
        if parameter.is_list:
            values[name] = terms
        elif len(terms) == 1:
            values[name] = terms[0]
        else:
            raise QueryParameterError(f"?{name} takes one value, not {len(terms)}.")
    return values


def parse_bind_options(options: Sequence[str]) -> dict[str, list[str]]:
    """``NAME=VALUE`` strings (as ``--bind`` gives them) grouped by name, in order."""
    grouped: dict[str, list[str]] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name.strip():
            raise QueryParameterError(f"--bind takes NAME=VALUE, not {option!r}.")
        grouped.setdefault(name.strip().lstrip("?"), []).append(value)
    return grouped
