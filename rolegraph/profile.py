"""A role's profile: every link from the role, grouped by category, each with its citations and details.

>>> from rolegraph.ontology import load_graph
>>> from rolegraph.roles import resolve_role
>>> g = load_graph()
>>> profile = role_profile(g, resolve_role(g, "Producer"))
>>> [entry.label for entry in profile.by_category()["Salary"]]
['Producer average salary']
>>> profile.by_category()["Salary"][0].details[0]
'62,193 USD per year (average)'
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

from .engines import QueryEngine, select
from .errors import UnknownRoleError
from .namespaces import RG, SCHEMA, prefixed

__all__ = ["CATEGORIES", "Citation", "ProfileEntry", "RoleProfile", "role_profile"]

CATEGORIES: dict[URIRef, str] = {
    RG.hasDuty: "Duties",
    RG.requiresSkill: "Skills",
    RG.requiresKnowledge: "Knowledge",
    RG.usesTechnology: "Technology",
    RG.hasSkillFocus: "Skill focus",
    RG.recommendedCertification: "Certifications",
    RG.requiresEducation: "Education",
    RG.hasWorkEnvironment: "Work environment",
    RG.hasSalary: "Salary",
    RG.worksWith: "Works with",
    RG.hasExternalStakeholder: "External stakeholders",
    RG.mayAlsoActAs: "May also act as",
    RG.worksOnProjectType: "Project types",
    RG.inIndustry: "Industry",
}
"""Display names of the role links, in the order a profile shows them (other links are headed by their label)."""

ESCO_WEIGHTS: dict[URIRef, str] = {
    URIRef("http://data.europa.eu/esco/model#relatedEssentialSkill"): "essential",
    URIRef("http://data.europa.eu/esco/model#relatedOptionalSkill"): "optional",
}
"""ESCO's two skill links, shown as a weight of the skill under "Skills" rather than as headings of their own."""


@dataclass(frozen=True)
class Citation:
    """Where a fact was said: a source document and, for a document, a section heading, a paragraph number and a
    line (an imported release is cited as a whole)."""

    source: str
    heading: str | None = None
    paragraph: int | None = None
    line: int | None = None

    def sort_key(self) -> tuple[str, int, str, int]:
        """Order of appearance in the source."""
        return (self.source, self.line or 0, self.heading or "", self.paragraph or 0)

    def __str__(self) -> str:
        if self.heading is None:
            return self.source
        where = f'"{self.heading}" para. {self.paragraph}'
        return where + (f", line {self.line}" if self.line is not None else "")


@dataclass(frozen=True)
class ProfileEntry:
    """One thing a role is linked to, with the link's citations and details about the thing itself."""

    property: URIRef
    category: str
    value: Identifier
    label: str
    citations: tuple[Citation, ...]
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleProfile:
    """Everything the graph links to a role."""

    role: URIRef
    label: str
    definition: str | None
    entries: tuple[ProfileEntry, ...]

    def by_category(self) -> dict[str, list[ProfileEntry]]:
        """Entries grouped by category, categories in :data:`CATEGORIES` order (unknown ones after)."""
        order = list(CATEGORIES.values())
        grouped: dict[str, list[ProfileEntry]] = defaultdict(list)
        for entry in self.entries:
            grouped[entry.category].append(entry)
        return dict(
            sorted(grouped.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))
        )


def _citation(row: object) -> Citation | None:
    heading = getattr(row, "heading", None)
    source = getattr(row, "sourceTitle", None) or getattr(row, "source", None)
    if heading is None:
        return Citation(str(source)) if source is not None else None
    line = getattr(row, "line", None)
    return Citation(str(source or ""), str(heading), int(row.paragraph), int(line) if line is not None else None)  # type: ignore[attr-defined]


def _details(graph: Graph | QueryEngine, node: Identifier) -> tuple[str, ...]:
    if not isinstance(node, URIRef):
        return ()
    facts: dict[URIRef, list[tuple[str, str, set[Citation]]]] = defaultdict(list)
    for row in select(graph, "node-details", {"node": node}):
        seen = facts[URIRef(row.property)]
        citation = _citation(row)
        for _label, value, cites in seen:
            if value == str(row.valueLabel):
                if citation:
                    cites.add(citation)
                break
        else:
            seen.append((str(row.propertyLabel), str(row.valueLabel), {citation} if citation else set()))
    if SCHEMA.value in facts and SCHEMA.currency in facts:
        amount = Literal(facts.pop(SCHEMA.value)[0][1]).toPython()
        amount_text = f"{float(amount):,.2f}".removesuffix(".00")
        currency = facts.pop(SCHEMA.currency)[0][1]
        unit = facts.pop(SCHEMA.unitText, [("", "", set())])[0][1]
        statistic = facts.pop(RG.statistic, [("", "", set())])[0][1]
        text = (
            f"{amount_text} {currency}"
            + (f" per {unit.lower()}" if unit else "")
            + (f" ({statistic})" if statistic else "")
        )
        lines = [text]
    else:
        lines = []
    for values in facts.values():
        for label, value, cites in values:
            cited = " [" + "; ".join(str(c) for c in sorted(cites, key=Citation.sort_key)) + "]" if cites else ""
            lines.append(f"{label}: {value}{cited}")
    return tuple(lines)


def _heading(prop: URIRef, label: str) -> str:
    """A link's heading: its English label, capitalised ("Related occupation"), not its IRI."""
    if label and label != str(prop):
        return label[:1].upper() + label[1:]
    return prefixed(prop) or str(prop)


def role_profile(graph: Graph | QueryEngine, role: URIRef) -> RoleProfile:
    """The profile of ``role`` (an IRI; see :func:`rolegraph.roles.resolve_role` for names)."""
    summaries = list(select(graph, "role-labels", {"role": [role]}))
    if not summaries:
        raise UnknownRoleError(str(role), [])
    collected: dict[tuple[URIRef, Identifier], tuple[str, set[Citation]]] = {}
    headings: dict[URIRef, str] = {}
    for row in select(graph, "role-profile", {"role": role}):
        key = (URIRef(row.property), row.value)
        _label, cites = collected.setdefault(key, (str(row.valueLabel), set()))
        if (citation := _citation(row)) is not None:
            cites.add(citation)
        headings.setdefault(key[0], _heading(key[0], str(row.propertyLabel)))
    weights: dict[Identifier, str] = {}
    for (prop, value), (label, cites) in list(collected.items()):
        if prop in ESCO_WEIGHTS:  # one entry under Skills, weighted, whichever of the two links the data has
            del collected[(prop, value)]
            weights[value] = ESCO_WEIGHTS[prop]
            _label, skill_cites = collected.setdefault((RG.requiresSkill, value), (label, set()))
            skill_cites.update(cites)
    entries = tuple(
        ProfileEntry(
            property=prop,
            category=CATEGORIES.get(prop) or headings.get(prop) or str(prop),
            value=value,
            label=label,
            citations=tuple(sorted(cites, key=Citation.sort_key)),
            details=((f"ESCO: {weights[value]} skill",) if prop == RG.requiresSkill and value in weights else ())
            + _details(graph, value),
        )
        for (prop, value), (label, cites) in collected.items()
    )
    label, definition = summaries[0].label, summaries[0].definition
    return RoleProfile(role, str(label), str(definition) if definition is not None else None, entries)
