"""Find roles: list them, and resolve what a user typed (label, alternative label, code, IRI, local name) to roles.

>>> from rolegraph.ontology import load_graph
>>> g = load_graph()
>>> str(resolve_role(g, "production MANAGER"))
'https://w3id.org/rolegraph/id/role/production-manager'
>>> [(m.label, m.kind) for m in find_roles(g, "cast member")]
[('Actor', 'alternative label')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from .engines import OxigraphEngine, QueryEngine, RdflibEngine, select
from .errors import InputError, UnknownRoleError
from .nameindex import name_index
from .namespaces import PREFIXES

__all__ = [
    "AmbiguousRoleError",
    "RoleMatch",
    "RoleSummary",
    "choose_role",
    "find_roles",
    "list_roles",
    "resolve_role",
    "suggest_roles",
]


class AmbiguousRoleError(InputError):
    """A name matches more than one role; carries the candidates."""

    def __init__(self, name: str, candidates: list[tuple[URIRef, str]]) -> None:
        self.name = name
        self.candidates = candidates
        listed = "; ".join(f"{label} <{iri}>" for iri, label in candidates[:12])
        more = f" and {len(candidates) - 12} more" if len(candidates) > 12 else ""
        super().__init__(
            f"{name!r} matches {len(candidates)} roles: {listed}{more}. Give the IRI or code to pick one "
            f"(rolegraph resolve {name!r} lists them)."
        )


@dataclass(frozen=True)
class RoleSummary:
    """A role as `rolegraph roles` lists it."""

    iri: URIRef
    label: str
    definition: str | None
    profiled: bool
    duties: int
    skills: int


@dataclass(frozen=True)
class RoleMatch:
    """A role a name can mean, and how the name matched it (label, alternative label, code, IRI)."""

    iri: URIRef
    label: str
    kind: str
    matched: str
    code: str = ""

    @property
    def source(self) -> str:
        """Which classification the role comes from, read off its IRI."""
        if self.iri.startswith("http://data.europa.eu/esco/"):
            return "ESCO"
        if self.iri.startswith(str(PREFIXES["role"]).rsplit("/role/", 1)[0] + "/onet/"):
            return "O*NET"
        return "rolegraph" if self.iri.startswith(str(PREFIXES["role"])) else "other"


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


_LOCAL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _normal(text: str) -> str:
    return " ".join(text.split())


def _as_iri(name: str) -> URIRef | None:
    text = name.strip()
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and local and not local.startswith("//"):
        return URIRef(PREFIXES[prefix] + local)
    if text.startswith(("http://", "https://", "urn:")) and not any(c in text for c in ' <>"{}|\\^`'):
        return URIRef(text)
    return None


def find_roles(graph: Graph | QueryEngine, name: str) -> list[RoleMatch]:
    """Every role ``name`` can mean: by IRI or prefixed name, else by label, alternative label or code (ignoring
    case), else by the last segment of a rolegraph IRI (``production-manager``). Labels come first."""
    text = _normal(name)
    if not text:
        return []
    iri = _as_iri(text)
    if iri is not None:
        return [RoleMatch(iri, str(r.label), "IRI", str(iri)) for r in select(graph, "role-labels", {"role": [iri]})]
    spellings = dict.fromkeys([text, text.lower(), text.title(), text[:1].upper() + text[1:].lower(), text.upper()])
    literals = [Literal(s, lang="en") for s in spellings] + [Literal(s) for s in spellings]
    rows = select(graph, "role-lookup", {"name": literals})
    if not rows and isinstance(graph, Graph | RdflibEngine | OxigraphEngine):
        if stored := [s for s in name_index(graph).spellings(text) if s not in literals]:
            rows = select(graph, "role-lookup", {"name": stored})
    elif not rows:  # a SPARQL server: its own scan sees every name, whatever it caps the rows of an answer at
        rows = select(graph, "role-search", {"name": Literal(text)})
    matches: dict[URIRef, RoleMatch] = {}
    for row in rows:
        role = URIRef(row.role)
        if role not in matches:
            matches[role] = RoleMatch(role, str(row.label), str(row.kind), str(row.matched), str(row.code or ""))
    if matches:
        order = {"label": 0, "code": 1, "alternative label": 2}
        return sorted(matches.values(), key=lambda m: (order.get(m.kind, 3), m.label.casefold(), str(m.iri)))
    slug = text.lower().replace(" ", "-")
    if not _LOCAL_NAME.fullmatch(slug):
        return []
    local = URIRef(str(PREFIXES["role"]) + slug)
    return [
        RoleMatch(local, str(r.label), "local name", str(local))
        for r in select(graph, "role-labels", {"role": [local]})
    ]


def resolve_role(graph: Graph | QueryEngine, name: str) -> URIRef:
    """The one role ``name`` means. A name that is the label of exactly one role means that role even when it is
    also another role's alternative label (``rolegraph resolve`` shows them all).

    Raises :class:`UnknownRoleError` with close matches, or :class:`AmbiguousRoleError` when several roles match.
    """
    return choose_role(graph, name, find_roles(graph, name))


def choose_role(graph: Graph | QueryEngine, name: str, found: list[RoleMatch]) -> URIRef:
    """The role :func:`resolve_role` picks from the matches :func:`find_roles` gave for ``name``."""
    if len({m.iri for m in found}) == 1:
        return found[0].iri
    labels = [m for m in found if m.kind in ("label", "IRI")]
    if len({m.iri for m in labels}) == 1:
        return labels[0].iri
    if found:
        raise AmbiguousRoleError(name, [(m.iri, m.label) for m in found])
    raise UnknownRoleError(name, suggest_roles(graph, name))


def suggest_roles(graph: Graph | QueryEngine, name: str, limit: int = 5) -> list[str]:
    """Up to ``limit`` role names close to ``name`` (a mistyped label, code or IRI), best first: what to suggest
    when nothing matches. Answered from an index of the names (see :mod:`rolegraph.nameindex`), not a scan.

    >>> from rolegraph.ontology import load_graph
    >>> suggest_roles(load_graph(), "Prodution Manger")
    ['Production Manager']
    """
    text = _normal(name)
    if _as_iri(text) is not None:  # a mistyped IRI or prefixed name: its last segment is the mistyped name
        text = re.split(r"[/#:]", text.rstrip("/#"))[-1]
    return name_index(graph).suggest(text, limit)
