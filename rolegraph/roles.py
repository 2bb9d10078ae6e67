"""Find roles: list them, and resolve what a user typed (label, alternative label, IRI, local name) to one role.

>>> from rolegraph.ontology import load_graph
>>> g = load_graph()
>>> str(resolve_role(g, "production MANAGER"))
'https://w3id.org/rolegraph/id/role/production-manager'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from .engines import QueryEngine, select
from .errors import InputError, UnknownRoleError
from .namespaces import prefixed

__all__ = ["AmbiguousRoleError", "RoleSummary", "list_roles", "resolve_role", "role_keys"]


class AmbiguousRoleError(InputError):
    """A name matches more than one role; carries the candidates."""

    def __init__(self, name: str, candidates: list[tuple[URIRef, str]]) -> None:
        self.name = name
        self.candidates = candidates
        listed = "; ".join(f"{label} <{iri}>" for iri, label in candidates)
        super().__init__(f"{name!r} matches {len(candidates)} roles: {listed}. Give the IRI to pick one.")


@dataclass(frozen=True)
class RoleSummary:
    """A role as `rolegraph roles` lists it."""

    iri: URIRef
    label: str
    definition: str | None
    profiled: bool
    duties: int
    skills: int


def list_roles(graph: Graph | QueryEngine, *, profiled_only: bool = False) -> list[RoleSummary]:
    """The roles in ``graph`` sorted by label; only those with a profile when ``profiled_only``."""
    rows = select(graph, "list-roles", {"profiledOnly": Literal(profiled_only)})
    return [
        RoleSummary(
            iri=URIRef(row.role),
            label=str(row.label),
            definition=str(row.definition) if row.definition is not None else None,
            profiled=row.profiled == Literal(True),
            duties=int(row.duties),
            skills=int(row.skills),
        )
        for row in rows
    ]


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def role_keys(graph: Graph | QueryEngine) -> dict[str, set[URIRef]]:
    """Every normalised name a role answers to (labels, alternative labels, IRI, prefixed IRI, local name)."""
    keys: dict[str, set[URIRef]] = {}
    for row in select(graph, "role-names"):
        keys.setdefault(_normal(str(row.name)), set()).add(URIRef(row.role))
    for summary in list_roles(graph):
        iri = str(summary.iri)
        names = {iri, _local_name(iri), summary.label}
        if short := prefixed(iri):
            names.add(short)
        for name in names:
            keys.setdefault(_normal(name), set()).add(summary.iri)
    return keys


def resolve_role(graph: Graph | QueryEngine, name: str) -> URIRef:
    """The one role ``name`` means, matched case-insensitively.

    Raises :class:`UnknownRoleError` with close matches, or :class:`AmbiguousRoleError` when several roles match.
    """
    keys = role_keys(graph)
    matches = keys.get(_normal(name), set())
    labels = {s.iri: s.label for s in list_roles(graph)}
    if len(matches) == 1:
        return next(iter(matches))
    if matches:
        raise AmbiguousRoleError(name, sorted(((iri, labels.get(iri, str(iri))) for iri in matches), key=str))
    close = difflib.get_close_matches(_normal(name), list(keys), n=8, cutoff=0.6)
    suggestions: list[str] = []
    for key in close:
        for iri in sorted(keys[key]):
            label = labels.get(iri, str(iri))
            if label not in suggestions:
                suggestions.append(label)
    raise UnknownRoleError(name, suggestions[:5])
