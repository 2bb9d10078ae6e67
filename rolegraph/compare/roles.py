"""Find roles: list them, and resolve what a user typed (label, alternative label, code, IRI, local name) to roles.

>>> from rolegraph.model.ontology import load_graph
>>> g = load_graph()
>>> str(resolve_role(g, "production MANAGER"))
'https://w3id.org/rolegraph/id/role/production-manager'
>>> [(m.label, m.kind) for m in find_roles(g, "cast member")]
[('Actor', 'alternative label')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InputError, UnknownRoleError
from ..model.iris import PREFIX_IRIS as PREFIXES
from ..model.terms import iri, literal
from ..sparql.engines import OxigraphEngine, QueryEngine, RdflibEngine, _is_rdflib_graph, select
from .nameindex import name_index

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

__all__ = [
    "RESOLUTION_RULE",
    "AmbiguousRoleError",
    "Resolution",
    "RoleMatch",
    "RoleSummary",
    "choose_role",
    "choose_with_others",
    "find_roles",
    "list_roles",
    "resolve_role",
    "suggest_roles",
]


RESOLUTION_RULE = (
    "A name means the role it matches best: a match by IRI beats one by label, a label beats a code, a code beats "
    "an alternative label; at the same level, a match in the exact case typed beats one ignoring case, and then a "
    "role of rolegraph's shipped graph beats imported ones. Roles still tied are refused with the list. Any role "
    "can be picked by its IRI, a shipped role by role:NAME, an ESCO occupation by its code or IRI, an O*NET "
    "occupation by its O*NET-SOC code."
)
"""How :func:`resolve_role` picks one role among the matches of a name (``rolegraph resolve`` prints it)."""


class AmbiguousRoleError(InputError):
    """A name matches more than one role equally well; carries the candidates (IRI, label) best first, and for each
    a name that picks it alone."""

    def __init__(self, name: str, candidates: list[tuple[URIRef, str]], picks: list[str] | None = None) -> None:
        self.name = name
        self.candidates = candidates
        self.picks = picks if picks is not None else [str(iri) for iri, _ in candidates]
        listed = "; ".join(
            f"{label} <{iri}> ({pick})" if pick != str(iri) else f"{label} <{iri}>"
            for (iri, label), pick in zip(candidates[:12], self.picks[:12], strict=True)
        )
        more = f" and {len(candidates) - 12} more" if len(candidates) > 12 else ""
        super().__init__(
            f"{name!r} matches {len(candidates)} roles equally well: {listed}{more}. Give the IRI, role:NAME or "
            f"code to pick one (rolegraph resolve {name!r} lists every match and the rule)."
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
    def pick(self) -> str:
        """A name that means this role alone: ``role:NAME`` for a shipped role, else its code, else its IRI."""
        role_ns = str(PREFIXES["role"])
        if self.iri.startswith(role_ns) and _LOCAL_NAME.fullmatch(self.iri[len(role_ns) :]):
            return "role:" + self.iri[len(role_ns) :]
        return self.code or str(self.iri)

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
    rows = select(graph, "list-roles", {"profiledOnly": _boolean(profiled_only)})
    return [
        RoleSummary(
            iri=row.role,  # an IRI of the engine's kind of terms (rdflib's, or light ones: see rolegraph.model.terms)
            label=str(row.label),
            definition=str(row.definition) if row.definition is not None else None,
            profiled=row.profiled is not None and row.profiled.toPython() is True,
            duties=int(row.duties),
            skills=int(row.skills),
        )
        for row in rows
    ]


_LOCAL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _boolean(value: bool) -> Any:
    return literal("true" if value else "false", datatype="http://www.w3.org/2001/XMLSchema#boolean")


def _normal(text: str) -> str:
    return " ".join(text.split())


def _as_iri(name: str) -> Any:
    text = name.strip()
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and local and not local.startswith("//"):
        return iri(PREFIXES[prefix] + local)
    if text.startswith(("http://", "https://", "urn:")) and not any(c in text for c in ' <>"{}|\\^`'):
        return iri(text)
    return None


def find_roles(graph: Graph | QueryEngine, name: str) -> list[RoleMatch]:
    """Every role ``name`` can mean: by IRI or prefixed name, else by label, alternative label or code (ignoring
    case), else by the last segment of a rolegraph IRI (``production-manager``). Labels come first."""
    text = _normal(name)
    if not text:
        return []
    given = _as_iri(text)
    if given is not None:
        return [
            RoleMatch(r.role, str(r.label), "IRI", str(given)) for r in select(graph, "role-labels", {"role": [given]})
        ]
    spellings = dict.fromkeys([text, text.lower(), text.title(), text[:1].upper() + text[1:].lower(), text.upper()])
    literals = [literal(s, language="en") for s in spellings] + [literal(s) for s in spellings]
    rows = select(graph, "role-lookup", {"name": literals})
    if not rows and (_is_rdflib_graph(graph) or isinstance(graph, RdflibEngine | OxigraphEngine)):
        stored: list[Any] = [s for s in name_index(graph).spellings(text) if s not in literals]
        if stored:
            rows = select(graph, "role-lookup", {"name": stored})
    elif not rows:  # a SPARQL server: its own scan sees every name, whatever it caps the rows of an answer at
        rows = select(graph, "role-search", {"name": literal(text)})
    matches: dict[URIRef, RoleMatch] = {}
    for row in rows:  # each role once, by its best match
        role = row.role
        match = RoleMatch(role, str(row.label), str(row.kind), str(row.matched), str(row.code or ""))
        if role not in matches or _rank(match, text) < _rank(matches[role], text):
            matches[role] = match
    if matches:
        return sorted(matches.values(), key=lambda m: (*_rank(m, text), m.label.casefold(), str(m.iri)))
    slug = text.lower().replace(" ", "-")
    if not _LOCAL_NAME.fullmatch(slug):
        return []
    local = iri(str(PREFIXES["role"]) + slug)
    return [
        RoleMatch(r.role, str(r.label), "local name", str(local))
        for r in select(graph, "role-labels", {"role": [local]})
    ]


_KINDS = {"IRI": 0, "label": 1, "code": 2, "alternative label": 3, "local name": 4}


def _rank(match: RoleMatch, typed: str) -> tuple[int, int, int]:
    """Lower is better: the kind of match, then the exact case typed, then the shipped graph (RESOLUTION_RULE)."""
    return (
        _KINDS.get(match.kind, 5),
        0 if match.matched == typed or match.kind in ("IRI", "local name") else 1,
        0 if match.source == "rolegraph" else 1,
    )


@dataclass(frozen=True)
class Resolution:
    """The role a name means, and the other roles it also matches (worse, by :data:`RESOLUTION_RULE`)."""

    name: str
    role: RoleMatch
    others: tuple[RoleMatch, ...]

    def note(self) -> str | None:
        """One line naming the other roles and how to pick each, or None when the name matches no other role."""
        if not self.others:
            return None
        listed = "; ".join(f"{m.label} ({m.source}, give {m.pick})" for m in self.others[:5])
        more = f"; and {len(self.others) - 5} more" if len(self.others) > 5 else ""
        return (
            f"note: {self.name!r} means {self.role.label} <{self.role.iri}> ({self.role.kind}, "
            f"{self.role.source}); it also names: {listed}{more}. `rolegraph resolve {self.name!r}` lists them "
            "and the rule."
        )


def resolve_role(graph: Graph | QueryEngine, name: str) -> URIRef:
    """The one role ``name`` means, by :data:`RESOLUTION_RULE` (``rolegraph resolve`` shows every match).

    Raises :class:`UnknownRoleError` with close matches, or :class:`AmbiguousRoleError` when several roles match
    equally well.
    """
    return choose_role(graph, name, find_roles(graph, name))


def choose_role(graph: Graph | QueryEngine, name: str, found: list[RoleMatch]) -> URIRef:
    """The role :func:`resolve_role` picks from the matches :func:`find_roles` gave for ``name``."""
    return choose_with_others(graph, name, found).role.iri


def choose_with_others(graph: Graph | QueryEngine, name: str, found: list[RoleMatch]) -> Resolution:
    """The role :func:`resolve_role` picks from ``found`` (as :func:`find_roles` gave them), with the others."""
    if not found:
        raise UnknownRoleError(name, suggest_roles(graph, name))
    typed = _normal(name)
    best = min(_rank(m, typed) for m in found)
    tied = list({m.iri: m for m in reversed(found) if _rank(m, typed) == best}.values())[::-1]
    if len(tied) > 1:
        raise AmbiguousRoleError(name, [(m.iri, m.label) for m in tied], [m.pick for m in tied])
    return Resolution(name, tied[0], tuple(m for m in found if m.iri != tied[0].iri))


def suggest_roles(graph: Graph | QueryEngine, name: str, limit: int = 5) -> list[str]:
    """Up to ``limit`` role names close to ``name`` (a mistyped label, code or IRI), best first: what to suggest
    when nothing matches. Answered from an index of the names (see :mod:`rolegraph.compare.nameindex`), not a scan.

    >>> from rolegraph.model.ontology import load_graph
    >>> suggest_roles(load_graph(), "Prodution Manger")
    ['Production Manager']
    """
    text = _normal(name)
    if _as_iri(text) is not None:  # a mistyped IRI or prefixed name: its last segment is the mistyped name
        text = re.split(r"[/#:]", text.rstrip("/#"))[-1]
    return name_index(graph).suggest(text, limit)
