"""A role's profile: every link from the role, grouped by category, each with its citations and details.

>>> from rolegraph.model.ontology import load_graph
>>> from rolegraph.compare.roles import resolve_role
>>> g = load_graph()
>>> profile = role_profile(g, resolve_role(g, "Producer"))
>>> [entry.label for entry in profile.by_category()["Salary"]]
['Producer average salary']
>>> profile.by_category()["Salary"][0].details[0]
'62,193 USD per year (average)'
>>> profile.by_category()["Salary"][0].weights["amount"]
62193.0

Imported links carry their weights (O*NET's importance and level, ESCO's essential or optional, an education,
experience or training share's percentage, an interest's, work value's or work context's score and high-point rank) in
:attr:`ProfileEntry.weights`, and categories list the heaviest first; a role's own facts (job zone,
alternate titles, related occupations, education shares, sources) are in :attr:`RoleProfile.facts`.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import ResourceMissingError, UnknownRoleError
from ..model.iris import SCHEMA, VOCAB, prefixed
from ..model.terms import is_iri, is_literal
from ..sparql.engines import OxigraphEngine, QueryEngine, RdflibEngine, _is_rdflib_graph, select
from ..sparql.queries import NamedQuery, Parameter, get_query

if TYPE_CHECKING:
    from rdflib import Graph, URIRef
    from rdflib.term import Identifier

__all__ = [
    "CATEGORIES",
    "JOB_ZONES",
    "Citation",
    "ProfileEntry",
    "RoleFact",
    "RoleProfile",
    "role_profile",
    "role_sources",
]

CATEGORIES: dict[str, str] = {
    VOCAB + "hasDuty": "Duties",
    VOCAB + "requiresSkill": "Skills",
    VOCAB + "requiresKnowledge": "Knowledge",
    VOCAB + "usesTechnology": "Technology",
    VOCAB + "performsActivity": "Work activities",
    VOCAB + "requiresAbility": "Abilities",
    VOCAB + "hasWorkStyle": "Work styles",
    VOCAB + "hasWorkValue": "Work values",
    VOCAB + "hasInterest": "Interests",
    VOCAB + "hasWorkContext": "Work context",
    VOCAB + "usesTool": "Tools",
    VOCAB + "hasSkillFocus": "Skill focus",
    VOCAB + "recommendedCertification": "Certifications",
    VOCAB + "requiresEducation": "Education",
    VOCAB + "requiresExperience": "Experience",
    VOCAB + "requiresTraining": "Training",
    VOCAB + "hasWorkEnvironment": "Work environment",
    VOCAB + "hasSalary": "Salary",
    VOCAB + "worksWith": "Works with",
    VOCAB + "hasExternalStakeholder": "External stakeholders",
    VOCAB + "mayAlsoActAs": "May also act as",
    VOCAB + "worksOnProjectType": "Project types",
    VOCAB + "inIndustry": "Industry",
}
"""Display names of the role links, in the order a profile shows them (other links are headed by their label)."""

JOB_ZONES: dict[int, str] = {
    1: "Little or No Preparation Needed",
    2: "Some Preparation Needed",
    3: "Medium Preparation Needed",
    4: "Considerable Preparation Needed",
    5: "Extensive Preparation Needed",
}
"""What O*NET's job zones mean (its Job Zone Reference)."""

TIERS = ("Primary-Short", "Primary-Long", "Supplemental")
"""O*NET's relatedness tiers, closest first."""

Weight = float | str
"""A link's weight: a number (importance, level, percentage, amount) or a word (ESCO's essential or optional)."""

ESCO_WEIGHTS: dict[str, str] = {
    "http://data.europa.eu/esco/model#relatedEssentialSkill": "essential",
    "http://data.europa.eu/esco/model#relatedOptionalSkill": "optional",
}
"""ESCO's two skill links, shown as a weight of the skill under "Skills" rather than as headings of their own."""


@dataclass(frozen=True)
class Citation:
    """Where a fact was said: a source document and, for a document, a section heading, a paragraph number and a
    line; an imported fact by its release and the release's file it was read from (where the store records it)."""

    source: str
    heading: str | None = None
    paragraph: int | None = None
    line: int | None = None
    file: str | None = None

    def sort_key(self) -> tuple[str, int, str, int, str]:
        """Order of appearance in the source."""
        return (self.source, self.line or 0, self.heading or "", self.paragraph or 0, self.file or "")

    def __str__(self) -> str:
        if self.heading is None:
            return f"{self.source}, {self.file}" if self.file else self.source
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
    weights: Mapping[str, Weight] = field(default_factory=dict, compare=False, hash=False)

    @builtins.property  # the field named property hides the builtin here
    def weight_text(self) -> str:
        """The weights as a person reads them: "importance 4.38/5, level 4.12/7", "essential", "56.67 % of
        respondents (most reported)", or "" for a link without weights."""
        return weight_text(self.weights)

    def sort_key(self) -> tuple[int, float, str]:
        """Heaviest first within a category (high points in their order, importance, essential before optional,
        share, score), then by label."""
        w = self.weights
        rank = {"essential": 0, "optional": 1}.get(str(w.get("esco", "")), 2)
        if isinstance(high := w.get("high_point"), int | float):
            rank = -4 + int(high)  # first, second, third high point before the rest
        number = w.get("importance", w.get("percentage", w.get("score", 0.0)))
        return (rank, -float(number) if isinstance(number, int | float) else 0.0, self.label.casefold())


NOTED = frozenset(VOCAB + name for name in ("requiresEducation", "requiresExperience", "requiresTraining", "hasDuty"))
"""Links whose statements' notes a profile shows (a suppressed share's warning, an emerging task's kind)."""


def _number(value: float | int | str) -> str:
    return f"{float(value):.2f}"


def weight_text(weights: Mapping[str, Weight]) -> str:
    """Weights as text (see :attr:`ProfileEntry.weight_text`)."""
    parts = []
    if "importance" in weights:
        parts.append(f"importance {_number(weights['importance'])}/5")
    if "level" in weights:
        parts.append(f"level {_number(weights['level'])}/7")
    if "esco" in weights:
        parts.append(str(weights["esco"]))
    if "percentage" in weights:
        parts.append(f"{_number(weights['percentage'])} % of respondents")
    if "score" in weights:
        parts.append(f"score {_number(weights['score'])}")
    if "high_point" in weights:
        parts.append(f"high point {int(float(weights['high_point']))}")
    return ", ".join(parts)


@dataclass(frozen=True)
class RoleFact:
    """A fact about the role itself rather than a categorised link: ``kind`` is "description", "job zone",
    "alternate title", "related occupation", "education share" or "source" (a document, or a release and file, the
    role's facts come from); ``number`` a share's percentage, ``note`` a related occupation's tier and index
    ("Primary-Short #1") or an education share's note."""

    kind: str
    value: str
    label: str
    code: str | None
    number: float | None
    note: str | None
    citations: tuple[Citation, ...]

    @property
    def tier(self) -> tuple[str | None, int | None]:
        """A related occupation's relatedness tier and index, from its note ("Primary-Short #1")."""
        if not self.note or " #" not in self.note:
            return (self.note, None)
        tier, _, index = self.note.rpartition(" #")
        return (tier, int(index) if index.isdigit() else None)

    def tier_key(self) -> tuple[int, int, str]:
        """Closest first: by tier (Primary-Short, Primary-Long, Supplemental), then O*NET's index."""
        tier, index = self.tier
        rank = TIERS.index(tier) if tier in TIERS else len(TIERS)
        return (rank, index if index is not None else 1 << 30, self.label.casefold())


@dataclass(frozen=True)
class RoleProfile:
    """Everything the graph links to a role."""

    role: URIRef
    label: str
    definition: str | None
    entries: tuple[ProfileEntry, ...]
    facts: tuple[RoleFact, ...] = ()

    def by_category(self) -> dict[str, list[ProfileEntry]]:
        """Entries grouped by category, categories in :data:`CATEGORIES` order (unknown ones after), each heaviest
        first (see :meth:`ProfileEntry.sort_key`)."""
        order = list(CATEGORIES.values())
        grouped: dict[str, list[ProfileEntry]] = defaultdict(list)
        for entry in self.entries:
            grouped[entry.category].append(entry)
        return {
            category: sorted(entries, key=ProfileEntry.sort_key)
            for category, entries in sorted(
                grouped.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])
            )
        }

    def facts_of(self, kind: str) -> list[RoleFact]:
        """The role's facts of one kind; related occupations closest first, education shares largest first."""
        found = [f for f in self.facts if f.kind == kind]
        if kind == "related occupation":
            return sorted(found, key=RoleFact.tier_key)
        if kind == "education share":
            return sorted(found, key=lambda f: (-(f.number or 0.0), f.label.casefold()))
        return found

    @property
    def job_zone(self) -> tuple[int, str] | None:
        """O*NET's job zone and what it means, if the role has one."""
        for fact in self.facts_of("job zone"):
            if fact.value.isdigit():
                return int(fact.value), JOB_ZONES.get(int(fact.value), "")
        return None

    @property
    def sources(self) -> list[Citation]:
        """Where the role's facts come from: each release with its files, each document."""
        return sorted({c for f in self.facts_of("source") for c in f.citations}, key=Citation.sort_key)


def _citation(row: object) -> Citation | None:
    heading = getattr(row, "heading", None)
    source = getattr(row, "sourceTitle", None) or getattr(row, "source", None)
    if heading is None:
        file = getattr(row, "file", None)
        return Citation(str(source), file=str(file) if file is not None else None) if source is not None else None
    line = getattr(row, "line", None)
    return Citation(str(source or ""), str(heading), int(row.paragraph), int(line) if line is not None else None)  # type: ignore[attr-defined]


def _float(term: Any) -> float | None:
    """A literal's number, or None for anything else."""
    if term is None:
        return None
    try:
        return float(term.toPython() if is_literal(term) else str(term))
    except (TypeError, ValueError):
        return None


@cache
def _node_details_of_many() -> NamedQuery:
    """``node-details`` for a list of nodes at once, each row naming its node (one query, not one per entry)."""
    single = get_query("node-details")
    text = single.text.replace("SELECT DISTINCT ?property ", "SELECT DISTINCT ?node ?property ", 1)
    if text == single.text:
        raise ResourceMissingError("queries/node-details.rq: its SELECT clause no longer starts with ?property")
    parameter = Parameter("node", "IRI list", False, "the nodes to describe.")
    return NamedQuery("node-details (of many)", text, single.purpose, (parameter,), ("node", *single.output))


def _details_of(graph: Graph | QueryEngine, nodes: Iterable[Identifier]) -> dict[str, list[Any]]:
    """The ``node-details`` rows of each IRI among ``nodes``, by IRI: one query on a local engine; one per node on
    a SPARQL server (which may cap the rows of an answer)."""
    iris = [node for node in dict.fromkeys(nodes) if is_iri(node)]
    found: dict[str, list[Any]] = {str(node): [] for node in iris}
    if iris and (_is_rdflib_graph(graph) or isinstance(graph, OxigraphEngine | RdflibEngine)):
        for row in select(graph, _node_details_of_many(), {"node": iris}):
            found[str(row.node)].append(row)
    else:
        for node in iris:
            found[str(node)] = list(select(graph, "node-details", {"node": node}))
    return found


def _details(rows: Iterable[Any]) -> tuple[tuple[str, ...], dict[str, Weight]]:
    """Lines about a node itself from its ``node-details`` rows, and its weights (a salary's amount)."""
    facts: dict[str, list[tuple[str, str, set[Citation]]]] = defaultdict(list)
    for row in rows:
        seen = facts[str(row.property)]
        citation = _citation(row)
        for _label, value, cites in seen:
            if value == str(row.valueLabel):
                if citation:
                    cites.add(citation)
                break
        else:
            seen.append((str(row.propertyLabel), str(row.valueLabel), {citation} if citation else set()))
    weights: dict[str, Weight] = {}
    if SCHEMA + "value" in facts and SCHEMA + "currency" in facts:
        amount = facts.pop(SCHEMA + "value")[0][1]
        weights["amount"] = float(amount)
        amount_text = f"{float(amount):,.2f}".removesuffix(".00")
        currency = facts.pop(SCHEMA + "currency")[0][1]
        unit = facts.pop(SCHEMA + "unitText", [("", "", set())])[0][1]
        statistic = facts.pop(VOCAB + "statistic", [("", "", set())])[0][1]
        text = (
            f"{amount_text} {currency}"
            + (f" per {unit.lower()}" if unit else "")
            + (f" ({statistic})" if statistic else "")
        )
        lines = [text]
        weights["currency"] = currency
    else:
        lines = []
    for values in facts.values():
        for label, value, cites in values:
            cited = " [" + "; ".join(str(c) for c in sorted(cites, key=Citation.sort_key)) + "]" if cites else ""
            lines.append(f"{label}: {value}{cited}")
    return tuple(lines), weights


def _heading(prop: URIRef, label: str) -> str:
    """A link's heading: its English label, capitalised ("Related occupation"), not its IRI."""
    if label and label != str(prop):
        return label[:1].upper() + label[1:]
    return prefixed(prop) or str(prop)


def role_profile(graph: Graph | QueryEngine, role: URIRef) -> RoleProfile:
    """The profile of ``role`` (an IRI; see :func:`rolegraph.compare.roles.resolve_role` for names)."""
    summaries = list(select(graph, "role-labels", {"role": [role]}))
    if not summaries:
        raise UnknownRoleError(str(role), [])
    collected: dict[tuple[URIRef, Identifier], tuple[str, set[Citation]]] = {}
    headings: dict[URIRef, str] = {}
    weights: dict[Identifier, dict[str, Weight]] = defaultdict(dict)
    notes: dict[Identifier, list[str]] = defaultdict(list)
    for row in select(graph, "role-profile", {"role": role}):
        key = (row.property, row.value)
        _label, cites = collected.setdefault(key, (str(row.valueLabel), set()))
        if (citation := _citation(row)) is not None:
            cites.add(citation)
        headings.setdefault(key[0], _heading(key[0], str(row.propertyLabel)))
        for name, weight in (("importance", "importance"), ("level", "level"), ("percentage", "percentage"),
                             ("score", "score"), ("highPoint", "high_point")):  # fmt: skip
            if (number := _float(getattr(row, name, None))) is not None:
                weights[row.value].setdefault(weight, int(number) if weight == "high_point" else number)
        note = getattr(row, "note", None)
        if note is not None and str(key[0]) in NOTED and str(note) not in notes[row.value]:
            notes[row.value].append(str(note))
    for (prop, value), (label, cites) in list(collected.items()):
        if str(prop) in ESCO_WEIGHTS:  # one entry under Skills, weighted, whichever of the two links the data has
            del collected[(prop, value)]
            if weights[value].get("esco") != "essential":  # a skill listed as both counts as essential
                weights[value]["esco"] = ESCO_WEIGHTS[str(prop)]
            skill = type(prop)(VOCAB + "requiresSkill")  # a term of the kind the rows hold, so that keys meet
            _label, skill_cites = collected.setdefault((skill, value), (label, set()))
            skill_cites.update(cites)
    entries = []
    described = _details_of(graph, [value for _prop, value in collected])
    for (prop, value), (label, cites) in collected.items():
        cites = _most_precise(cites)
        details, node_weights = _details(described.get(str(value), []) if is_iri(value) else [])
        entries.append(
            ProfileEntry(
                property=prop,
                category=CATEGORIES.get(str(prop)) or headings.get(prop) or str(prop),
                value=value,
                label=label,
                citations=tuple(sorted(cites, key=Citation.sort_key)),
                details=tuple(f"note: {n}" for n in notes.get(value, ())) + details,
                weights={**node_weights, **weights.get(value, {})},
            )
        )
    label, definition = summaries[0].label, summaries[0].definition
    facts = _facts(graph, role)
    if definition is None:  # an imported role's description (O*NET, ESCO) stands in for a definition
        definition = next((f.value for f in facts if f.kind == "description"), None)
    return RoleProfile(role, str(label), str(definition) if definition is not None else None, tuple(entries), facts)


def _most_precise(citations: set[Citation]) -> set[Citation]:
    """``citations`` without a release cited as a whole where one of its files is cited too (an ESCO skill's
    essential link has no statement; the same skill's rg:requiresSkill link names occupationSkillRelations.csv)."""
    with_file = {c.source for c in citations if c.file}
    return {c for c in citations if c.file or c.heading is not None or c.source not in with_file}


def _facts(graph: Graph | QueryEngine, role: URIRef) -> tuple[RoleFact, ...]:
    """The role's own facts (see :class:`RoleFact`), one per (kind, value) with every citation; one "source" fact
    per source and file."""
    found: dict[tuple[str, str], tuple[RoleFact, set[Citation]]] = {}
    for row in select(graph, "role-facts", {"role": [role]}):
        kind = str(row.fact)
        citation = _citation(row) if row.sourceTitle is not None else None
        value = str(row.value)
        if (kind, value) not in found:
            fact = RoleFact(
                kind=kind,
                value=value,
                label=str(row.valueLabel) if row.valueLabel is not None else value,
                code=str(row.code) if row.code is not None else None,
                number=_float(row.number),
                note=str(row.note) if row.note is not None else None,
                citations=(),
            )
            found[(kind, value)] = (fact, set())
        if citation is not None:
            found[(kind, value)][1].add(citation)
    sources = {str(iri): citations for iri, citations in role_sources(graph, [role]).items()}
    for citation in sources.get(str(role), []):
        found[("source", str(citation))] = (RoleFact("source", str(citation), str(citation), None, None, None, ()),
                                            {citation})  # fmt: skip
    return tuple(
        RoleFact(f.kind, f.value, f.label, f.code, f.number, f.note, tuple(sorted(cites, key=Citation.sort_key)))
        for f, cites in found.values()
    )


def role_sources(graph: Graph | QueryEngine, roles: list[URIRef]) -> dict[URIRef, list[Citation]]:
    """Where each of ``roles``' facts come from: its documents, and its releases with their files."""
    found: dict[URIRef, list[Citation]] = defaultdict(list)
    for row in select(graph, "role-sources", {"role": roles}):
        if (citation := _citation(row)) is not None and citation not in found[row.role]:
            found[row.role].append(citation)
    return {role: [c for c in cites if c in _most_precise(set(cites))] for role, cites in found.items()}
