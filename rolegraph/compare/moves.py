"""Career moves: what carries over from one role to another and what is left to learn (:func:`role_gap`), where a
role can lead (:func:`role_moves`), and which skills would open more moves (``unlocks``).

Items carry over when both roles link to them, or when a SKOS mapping of the alignment joins the origin's item to
the destination's (read with :func:`rolegraph.compare.matching.read_links`, never from the alignment's code). What
is missing is ranked by how much it matters to the destination: essential before optional (ESCO's essential and
optional skills; O*NET links only what it rates important, and a hand-written profile states what a role needs), then
O*NET's importance times level.

>>> from rolegraph.model.ontology import load_graph
>>> from rolegraph.compare.roles import resolve_role
>>> g = load_graph()
>>> gap = role_gap(g, resolve_role(g, "Production Manager"), resolve_role(g, "Producer"))
>>> gap.headline
'covers 2 of 5 essential skills, 40 %'
>>> [item.label for item in gap.category("skills").carried]
['Communication', 'Organisation']
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..model.iris import PREFIX_IRIS
from ..model.terms import iri as light_iri
from ..model.terms import literal as light_literal
from ..sparql.engines import QueryEngine, select
from .comparison import _link_weights
from .matching import MatchLink, pair_nodes, read_links

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

__all__ = [
    "DESIRABLE_PAY",
    "GAP_CATEGORIES",
    "MAX_ZONE_RISE",
    "SKILL_CATEGORIES",
    "SOURCES",
    "VIABLE_SCORE",
    "ZONE_RISE_FACTOR",
    "CategoryGap",
    "Gap",
    "GapItem",
    "Move",
    "Moves",
    "RoleFacts",
    "Unlock",
    "role_gap",
    "role_moves",
]

GAP_CATEGORIES = ("skills", "knowledge", "duties", "work activities", "certifications")
"""The categories a gap lists, in this order (education is compared as a level)."""

SKILL_CATEGORIES = ("skills", "knowledge")
"""The categories whose coverage enters the transition score and whose items can unlock moves."""

VIABLE_SCORE = 0.12
"""A move is viable from this transition score (calibrated on the tuning half: see benchmarks/evaluate_moves.py)."""

MAX_ZONE_RISE = 1
"""A move is viable only if the destination's O*NET job zone is at most this many zones above the origin's (Nesta)."""

ZONE_RISE_FACTOR = 0.85
"""The transition score is multiplied by this for each job zone the destination lies above the origin (a move up
is harder than a move down)."""

DESIRABLE_PAY = 0.75
"""A viable move is desirable when the destination pays at least this share of the origin's pay (where known)."""

SOURCES = ("esco", "onet", "rolegraph")
"""The sources ``moves --source`` restricts destinations to."""

CANDIDATES = 20
"""How many of the roles most similar to the origin are considered as destinations."""

UNLOCK_SKILLS = 3
"""A move left out for its score counts as opened by a skill when learning at most this many skills, that one among
them, would lift it over the threshold."""

_ROLE = str(PREFIX_IRIS["role"])
_ONET = _ROLE.rsplit("/role/", 1)[0] + "/onet/"

_EDUCATION_LEVELS = (
    ("post-doctoral", 12),
    ("doctor", 11),
    ("first professional", 10),
    ("post-master", 9),
    ("master", 8),
    ("post-baccalaureate", 7),
    ("bachelor", 6),
    ("associate", 5),
    ("some college", 4),
    ("post-secondary", 3),
    ("high school", 2),
    ("less than", 1),
)
"""Words of an education requirement's label and O*NET's education level (category of its RL scale) they name."""


def source_of(role: str) -> str:
    """``esco``, ``onet`` or ``rolegraph`` (or ``other``), read off a role's IRI."""
    if role.startswith("http://data.europa.eu/esco/"):
        return "esco"
    if role.startswith(_ONET):
        return "onet"
    return "rolegraph" if role.startswith(_ROLE) else "other"


def education_level(label: str) -> int | None:
    """O*NET's education level (1 to 12) an education requirement's label names, or None."""
    text = label.casefold()
    match = re.search(r"/RL-(\d+)$", label)
    if match:
        return int(match.group(1))
    for words, level in _EDUCATION_LEVELS:
        if words in text:
            return level
    return None


@dataclass(frozen=True)
class GapItem:
    """A destination's item (a skill, knowledge area, duty, work activity, certification) and what the origin has
    of it: ``match`` is the origin's node a mapping joins to it (None when the origin links the item itself, or
    has nothing of it), with the mapping's relation and score."""

    iri: str
    label: str
    category: str
    essential: bool
    importance: float | None = None
    level: float | None = None
    match: str | None = None
    match_label: str | None = None
    relation: str | None = None
    score: float = 1.0

    @property
    def weight(self) -> float:
        """How much the item matters to the destination, from 0 to 1: O*NET's importance times level over 25, else
        1 for an essential item and 0.5 for an optional one."""
        if self.importance is not None:
            return min(self.importance * (self.level if self.level is not None else self.importance) / 25.0, 1.0)
        return 1.0 if self.essential else 0.5

    def rank(self) -> tuple[bool, float, str, str]:
        """Heaviest first: essential, then the weight, then the label."""
        return (not self.essential, -self.weight, self.label.casefold(), self.iri)

    def weight_text(self) -> str:
        """ "essential", "optional" or "importance 4.0, level 4.5"; with the match it carries over through."""
        if self.importance is not None:
            text = f"importance {self.importance:.2f}" + (f", level {self.level:.2f}" if self.level is not None else "")
        else:
            text = "essential" if self.essential else "optional"
        if self.match_label is not None:
            text += f"; as {self.match_label} ({self.relation} {self.score:.2f})"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The item as plain data."""
        found: dict[str, Any] = {"iri": self.iri, "label": self.label, "essential": self.essential}
        found["weight"] = round(self.weight, 4)
        if self.importance is not None:
            found["importance"] = self.importance
        if self.level is not None:
            found["level"] = self.level
        if self.match is not None:
            found["matched"] = {
                "iri": self.match,
                "label": self.match_label,
                "relation": self.relation,
                "score": self.score,
            }
        return found


@dataclass(frozen=True)
class CategoryGap:
    """One category of a gap: the destination's items the origin carries over, and those it lacks, heaviest first."""

    category: str
    carried: tuple[GapItem, ...]
    missing: tuple[GapItem, ...]

    @property
    def covered(self) -> float:
        """The weighted share of the destination's items carried over (matched ones by the mapping's score)."""
        total = sum(i.weight for i in (*self.carried, *self.missing))
        return sum(i.weight * i.score for i in self.carried) / total if total else 0.0


@dataclass(frozen=True)
class RoleFacts:
    """A role's facts that bound a move: O*NET job zone, pay, education level (O*NET's 1 to 12 scale)."""

    iri: str
    label: str
    job_zone: int | None = None
    salary: float | None = None
    currency: str = ""
    period: str = ""
    education: str | None = None
    education_level: int | None = None

    @property
    def source(self) -> str:
        """``esco``, ``onet``, ``rolegraph`` or ``other``."""
        return source_of(self.iri)

    def to_dict(self) -> dict[str, Any]:
        """The facts as plain data."""
        return {
            "iri": self.iri,
            "label": self.label,
            "source": self.source,
            "job_zone": self.job_zone,
            "salary": (
                {"amount": self.salary, "currency": self.currency, "period": self.period}
                if self.salary is not None
                else None
            ),
            "education": (
                {"label": self.education, "level": self.education_level} if self.education is not None else None
            ),
        }


def _zone_rise(origin: RoleFacts, destination: RoleFacts) -> int | None:
    if origin.job_zone is None or destination.job_zone is None:
        return None
    return destination.job_zone - origin.job_zone


def _pay_ratio(origin: RoleFacts, destination: RoleFacts) -> float | None:
    if origin.salary is None or destination.salary is None or origin.salary <= 0:
        return None
    if (origin.currency, origin.period) != (destination.currency, destination.period):
        return None
    return destination.salary / origin.salary


@dataclass(frozen=True)
class Gap:
    """What carries over from ``origin`` to ``destination`` and what is missing, category by category, with the job
    zone, pay and education each role has."""

    origin: RoleFacts
    destination: RoleFacts
    categories: tuple[CategoryGap, ...]

    def category(self, name: str) -> CategoryGap:
        """The gap in category ``name`` (empty where the destination links to nothing in it)."""
        for category in self.categories:
            if category.category == name:
                return category
        return CategoryGap(name, (), ())

    @property
    def essential_skills(self) -> tuple[int, int]:
        """How many of the destination's essential skills carry over, and how many it has."""
        skills = self.category("skills")
        carried = sum(1 for i in skills.carried if i.essential)
        return carried, carried + sum(1 for i in skills.missing if i.essential)

    @property
    def coverage(self) -> float:
        """The weighted share of the destination's skills and knowledge the origin carries over, from 0 to 1."""
        items = [c for c in self.categories if c.category in SKILL_CATEGORIES]
        total = sum(i.weight for c in items for i in (*c.carried, *c.missing))
        return sum(i.weight * i.score for c in items for i in c.carried) / total if total else 0.0

    @property
    def headline(self) -> str:
        """ "covers 14 of 22 essential skills, 64 %"."""
        carried, total = self.essential_skills
        return f"covers {carried} of {total} essential skills, {round(100 * carried / total) if total else 0} %"

    @property
    def zone_rise(self) -> int | None:
        """The destination's job zone minus the origin's (None where either has none)."""
        return _zone_rise(self.origin, self.destination)

    @property
    def pay_ratio(self) -> float | None:
        """The destination's pay over the origin's (None unless both are known, in one currency and period)."""
        return _pay_ratio(self.origin, self.destination)

    @property
    def education_rise(self) -> int | None:
        """The destination's education level minus the origin's, on O*NET's 12 levels (None where one is unknown)."""
        if self.origin.education_level is None or self.destination.education_level is None:
            return None
        return self.destination.education_level - self.origin.education_level

    def to_dict(self) -> dict[str, Any]:
        """The gap as plain data; the documented JSON of ``rolegraph gap``."""
        carried, total = self.essential_skills
        return {
            "from": self.origin.to_dict(),
            "to": self.destination.to_dict(),
            "headline": self.headline,
            "essential_skills": {"carried": carried, "total": total},
            "coverage": round(self.coverage, 4),
            "job_zone_rise": self.zone_rise,
            "education_rise": self.education_rise,
            "pay_ratio": round(self.pay_ratio, 4) if self.pay_ratio is not None else None,
            "categories": [
                {
                    "category": c.category,
                    "carried": [i.to_dict() for i in c.carried],
                    "missing": [i.to_dict() for i in c.missing],
                }
                for c in self.categories
            ],
        }

    def lines(self) -> list[str]:
        """The gap as lines of text (what ``rolegraph gap`` prints as a table)."""
        o, d = self.origin, self.destination
        lines = [f"{o.label} -> {d.label}: {self.headline}; skills and knowledge covered {self.coverage:.0%}"]
        lines += [f"  {text}" for text in self.bounds()]
        for c in self.categories:
            lines += ["", f"{c.category}: {len(c.carried)} carried over, {len(c.missing)} to learn"]
            lines += [f"  + {i.label}  ({i.weight_text()})" for i in c.carried]
            lines += [f"  - {i.label}  ({i.weight_text()})" for i in c.missing]
        return lines

    def bounds(self) -> list[str]:
        """Job zone, education and pay of both roles, each a line."""
        o, d = self.origin, self.destination
        found = []
        if o.job_zone is not None or d.job_zone is not None:
            rise = self.zone_rise
            found.append(
                f"job zone: {o.job_zone or 'unknown'} -> {d.job_zone or 'unknown'}"
                + (f" ({rise:+d})" if rise is not None else "")
            )
        if o.education is not None or d.education is not None:
            rise = self.education_rise
            found.append(
                f"education: {o.education or 'unknown'} (level {o.education_level or '?'}) -> "
                f"{d.education or 'unknown'} (level {d.education_level or '?'})"
                + (f" ({rise:+d} levels)" if rise is not None else "")
            )
        if o.salary is not None or d.salary is not None:
            ratio = self.pay_ratio
            found.append(f"pay: {_money(o)} -> {_money(d)}" + (f" ({ratio:.0%})" if ratio is not None else ""))
        return found

    def _repr_html_(self) -> str:
        rows = []
        for c in self.categories:
            have = "<br>".join(
                f"{html.escape(i.label)} <small>({html.escape(i.weight_text())})</small>" for i in c.carried
            )
            learn = "<br>".join(
                f"{html.escape(i.label)} <small>({html.escape(i.weight_text())})</small>" for i in c.missing
            )
            rows.append(f"<tr><td>{html.escape(c.category)}</td><td>{have}</td><td>{learn}</td></tr>")
        bounds = "".join(f"<li>{html.escape(b)}</li>" for b in self.bounds())
        return (
            f"<p><b>{html.escape(self.origin.label)} \u2192 {html.escape(self.destination.label)}</b>: "
            f"{html.escape(self.headline)}</p><ul>{bounds}</ul>"
            "<table><thead><tr><th>category</th><th>you have</th><th>to learn</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )


def _money(role: RoleFacts) -> str:
    if role.salary is None:
        return "unknown"
    return f"{role.salary:,.0f} {role.currency}" + (f" per {role.period}" if role.period else "")


@dataclass(frozen=True)
class Move:
    """A destination from the origin: the stored similarity, the coverage of its skills and knowledge, the
    transition score, the rule's verdict (``viable``, ``desirable``) and ``reason`` (why it was left out, or
    which rule it passed), and its heaviest carried-over and missing items."""

    destination: RoleFacts
    similarity: float
    coverage: float
    transition: float
    zone_rise: int | None
    pay_ratio: float | None
    viable: bool
    desirable: bool | None
    reason: str
    carried: tuple[GapItem, ...]
    missing: tuple[GapItem, ...]

    def to_dict(self) -> dict[str, Any]:
        """The move as plain data."""
        return {
            "to": self.destination.to_dict(),
            "similarity": round(self.similarity, 4),
            "coverage": round(self.coverage, 4),
            "transition": round(self.transition, 4),
            "job_zone_rise": self.zone_rise,
            "pay_ratio": round(self.pay_ratio, 4) if self.pay_ratio is not None else None,
            "viable": self.viable,
            "desirable": self.desirable,
            "reason": self.reason,
            "carried": [i.to_dict() for i in self.carried],
            "missing": [i.to_dict() for i in self.missing],
        }


@dataclass(frozen=True)
class Unlock:
    """A skill (or knowledge area) whose learning, with at most :data:`UNLOCK_SKILLS` - 1 others, would make
    ``moves`` (destinations left out for their score) viable."""

    iri: str
    label: str
    moves: tuple[RoleFacts, ...]


@dataclass(frozen=True)
class Moves:
    """Where ``origin`` can lead: ``moves`` the viable destinations best first, ``left_out`` the others considered
    (each with its reason), ``unlocks`` the skills that would open more (when asked for), ``rule`` the viability
    rule applied and ``ranking`` the similarity the candidates came from."""

    origin: RoleFacts
    moves: tuple[Move, ...]
    left_out: tuple[Move, ...]
    rule: str
    ranking: str
    unlocks: tuple[Unlock, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The moves as plain data; the documented JSON of ``rolegraph moves``."""
        return {
            "from": self.origin.to_dict(),
            "rule": self.rule,
            "ranking": self.ranking,
            "moves": [m.to_dict() for m in self.moves],
            "left_out": [m.to_dict() for m in self.left_out],
            "unlocks": [
                {"iri": u.iri, "label": u.label, "moves": [r.to_dict() for r in u.moves]} for u in self.unlocks
            ],
        }

    def _repr_html_(self) -> str:
        def row(m: Move) -> str:
            have = ", ".join(html.escape(i.label) for i in m.carried)
            learn = ", ".join(html.escape(i.label) for i in m.missing)
            return (
                f"<tr><td>{html.escape(m.destination.label)}</td><td>{m.transition:.3f}</td>"
                f"<td>{m.similarity:.3f}</td><td>{m.coverage:.0%}</td><td>{have}</td><td>{learn}</td>"
                f"<td>{html.escape(m.reason)}</td></tr>"
            )

        head = (
            "<tr><th>to</th><th>transition</th><th>similarity</th><th>coverage</th><th>you have</th>"
            "<th>to learn</th><th>rule</th></tr>"
        )
        unlocks = "".join(
            f"<li>{html.escape(u.label)}: {html.escape(', '.join(r.label for r in u.moves))}</li>" for u in self.unlocks
        )
        return (
            f"<p><b>Moves from {html.escape(self.origin.label)}</b> ({html.escape(self.rule)})</p>"
            f"<table><thead>{head}</thead><tbody>{''.join(row(m) for m in self.moves)}</tbody></table>"
            + (
                f"<p>Left out</p><table><tbody>{''.join(row(m) for m in self.left_out)}</tbody></table>"
                if self.left_out
                else ""
            )
            + (f"<p>Skills that open more moves</p><ul>{unlocks}</ul>" if unlocks else "")
        )


RULE = (
    f"viable when the transition score is at least {VIABLE_SCORE} and the job zone rises by at most {MAX_ZONE_RISE} "
    f"(where both roles have one); desirable when the pay is at least {DESIRABLE_PAY:.0%} of the origin's "
    "(where both are known)"
)
"""The viability rule (after Nesta's Mapping Career Causeways), as ``moves`` states it."""


# ---------------------------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Links:
    """What :func:`_read` gathers about a set of roles."""

    facts: dict[str, RoleFacts]
    items: dict[str, dict[str, dict[str, GapItem]]]  # role -> category -> node -> item
    links: dict[tuple[str, str], MatchLink]


def _move_weights(graph: Graph | QueryEngine, roles: Sequence[Any]) -> dict[tuple[str, str], dict[str, float | str]]:
    """The weights of ``roles``' skills, knowledge and education by (role IRI, node IRI), from ``career-weights``:
    what a move is judged by, a fraction of what ``link-weights`` reads."""
    found: dict[tuple[str, str], dict[str, float | str]] = defaultdict(dict)
    for row in select(graph, "career-weights", {"role": list(roles)}):
        weights = found[(str(row.role), str(row.node))]
        for name in ("importance", "level", "percentage"):
            if (number := _number(getattr(row, name))) is not None:
                weights.setdefault(name, number)
        if row.esco is not None and weights.get("esco") != "essential":
            weights["esco"] = str(row.esco)
    return found


def _read(
    graph: Graph | QueryEngine,
    roles: Sequence[Any],
    matched: Sequence[str] = GAP_CATEGORIES,
    categories: Sequence[str] | None = None,
) -> _Links:
    """The facts, gap-category items with their weights, and the mappings among the items of ``roles`` in the
    ``matched`` categories; with ``categories``, only the items of those (and the weights ``moves`` needs)."""
    facts: dict[str, RoleFacts] = {}
    for row in select(graph, "career-facts", {"role": list(roles)}):
        role = str(row.role)
        if role in facts:
            continue
        facts[role] = RoleFacts(
            role,
            str(row.label),
            _integer(row.jobZone),
            _number(row.amount),
            str(row.currency or ""),
            str(row.period or ""),
        )
    weights = _link_weights(graph, roles) if categories is None else _move_weights(graph, roles)
    items: dict[str, dict[str, dict[str, GapItem]]] = defaultdict(lambda: defaultdict(dict))
    education: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    chosen = {} if categories is None else {"category": [light_literal(c) for c in categories]}
    for row in select(graph, "career-links", {"role": list(roles), **chosen}):
        role, category, node, label = str(row.role), str(row.category), str(row.node), str(row.nodeLabel)
        weight = weights.get((role, node), {})
        if category == "education":
            if (level := education_level(node) or education_level(label)) is not None:
                share = weight.get("percentage")
                education[role].append((float(share) if isinstance(share, float) else -1.0, -level, label))
            continue
        importance, rated = weight.get("importance"), weight.get("level")
        items[role][category][node] = GapItem(
            node,
            label,
            category,
            weight.get("esco") != "optional",
            float(importance) if isinstance(importance, float) else None,
            float(rated) if isinstance(rated, float) else None,
        )
    for role, levels in education.items():
        if role in facts:
            share, level, label = max(levels)  # the most reported level, else the lowest one asked for
            facts[role] = _replace_education(facts[role], label, -level)
    nodes = {node for by_category in items.values() for c in matched for node in by_category.get(c, {})}
    return _Links(facts, items, read_links(graph, nodes))


def _replace_education(facts: RoleFacts, label: str, level: int) -> RoleFacts:
    return replace(facts, education=label.split(" - ", 1)[0], education_level=level)


def _integer(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(str(value))
    except ValueError:
        return None


def _gap(read: _Links, origin: str, destination: str) -> Gap:
    """The gap from ``origin`` to ``destination``, from what :func:`_read` gathered."""
    categories = []
    mine, theirs = read.items.get(origin, {}), read.items.get(destination, {})
    for category in GAP_CATEGORIES:
        wanted = theirs.get(category, {})
        if not wanted:
            continue
        have = mine.get(category, {})
        carried = [item for node, item in wanted.items() if node in have]
        open_mine = {n: frozenset({origin}) for n in have if n not in wanted}
        open_theirs = {n: frozenset({destination}) for n in wanted if n not in have}
        matched: dict[str, GapItem] = {}
        for link in pair_nodes({**open_mine, **open_theirs}, read.links, [origin, destination]):
            if not link.counted:
                continue
            item = wanted[link.match]
            matched[link.match] = GapItem(
                item.iri,
                item.label,
                category,
                item.essential,
                item.importance,
                item.level,
                link.node,
                have[link.node].label,
                link.relation,
                link.score,
            )
        carried += matched.values()
        missing = [item for node, item in wanted.items() if node not in have and node not in matched]
        categories.append(
            CategoryGap(category, tuple(sorted(carried, key=GapItem.rank)), tuple(sorted(missing, key=GapItem.rank)))
        )
    return Gap(read.facts[origin], read.facts[destination], tuple(categories))


def _described(read: _Links, role: str, what: str) -> None:
    """Refuse a role with no skills or knowledge at all: nothing could carry over or be learnt."""
    if not any(read.items.get(role, {}).get(c) for c in SKILL_CATEGORIES):
        label = read.facts[role].label if role in read.facts else role
        raise InputError(
            f"{label} <{role}> has no skills or knowledge in the graph, so there is nothing to {what}; pick a role "
            "with a profile (`rolegraph show` lists what a role links to)."
        )


def _known(read: _Links, roles: Iterable[str]) -> None:
    unknown = [r for r in roles if r not in read.facts]
    if unknown:
        raise InputError(f"not roles in the graph: {', '.join(unknown)}.")


def role_gap(graph: Graph | QueryEngine, origin: URIRef, destination: URIRef) -> Gap:
    """What carries over from ``origin`` to ``destination`` (role IRIs) and what is missing.

    Raises :class:`rolegraph.errors.InputError` when the two are one role, or either has no skills or knowledge.
    """
    if str(origin) == str(destination):
        raise InputError(f"the gap from a role to itself is empty: give two different roles (both were <{origin}>).")
    read = _read(graph, [origin, destination])
    _known(read, [str(origin), str(destination)])
    _described(read, str(origin), "carry over")
    _described(read, str(destination), "learn")
    return _gap(read, str(origin), str(destination))


# ---------------------------------------------------------------------------------------------------------------
# Moves


def transition_score(similarity: float, coverage: float, zone_rise: int | None) -> float:
    """The score a move is ranked and judged by: the similarity, weighed by how much of the destination's skills
    and knowledge carry over, lowered for each job zone the move rises.

    >>> round(transition_score(0.3, 0.5, 1), 4), round(transition_score(0.3, 0.5, -1), 4)
    (0.1912, 0.225)
    """
    return similarity * (0.5 + 0.5 * coverage) * ZONE_RISE_FACTOR ** max(0, zone_rise or 0)


def _verdict(transition: float, zone_rise: int | None, pay_ratio: float | None) -> tuple[bool, bool | None, str]:
    """Whether a move is viable and desirable, and the reason in words."""
    if zone_rise is not None and zone_rise > MAX_ZONE_RISE:
        return False, None, f"left out: the job zone rises by {zone_rise} (at most {MAX_ZONE_RISE})"
    if transition < VIABLE_SCORE:
        return False, None, f"left out: transition score {transition:.3f} below {VIABLE_SCORE}"
    zone = f"job zone {zone_rise:+d}" if zone_rise is not None else "job zones unknown"
    if pay_ratio is None:
        return True, None, f"viable: score {transition:.3f} >= {VIABLE_SCORE}, {zone}; pay unknown"
    desirable = pay_ratio >= DESIRABLE_PAY
    pay = f"pays {pay_ratio:.0%} of the origin's ({'>=' if desirable else '<'} {DESIRABLE_PAY:.0%})"
    return True, desirable, f"viable{' and desirable' if desirable else ', not desirable'}: {zone}, {pay}"


def _candidates(graph: Graph | QueryEngine, origin: URIRef) -> tuple[list[tuple[str, float]], str]:
    """The roles to consider as destinations with their similarity to ``origin``, and the ranking's name: the
    similarity ``rolegraph align`` stored (either way round), else Jaccard over the roles' links; at most
    :data:`CANDIDATES`, most similar first."""
    stored = select(graph, "career-candidates", {"role": origin}, limit=CANDIDATES)
    if stored:
        return [(str(row.other), float(row.score)) for row in stored], "stored similarity (rolegraph align)"
    ranked = select(graph, "rank-similar-roles", {"role": origin}, limit=CANDIDATES)
    return [(str(row.other), float(row.jaccard)) for row in ranked], "Jaccard (the store holds no alignment)"


def role_moves(
    graph: Graph | QueryEngine,
    origin: URIRef,
    *,
    top: int = 10,
    source: str | None = None,
    unlocks: int = 0,
    items: int = 3,
) -> Moves:
    """Where ``origin`` can lead: the roles most similar to it (of ``source`` only, when given) judged by
    :data:`RULE`, the viable ones ranked by :func:`transition_score` (at most ``top``), each with its ``items``
    heaviest carried-over and missing skills; and, when ``unlocks``, that many skills whose learning makes the
    most further moves viable.

    Raises :class:`rolegraph.errors.InputError` for an unknown source or a role with no skills or knowledge.
    """
    if source is not None and source not in SOURCES:
        raise InputError(f"unknown source {source!r}: give one of {', '.join(SOURCES)}.")
    candidates, ranking = _candidates(graph, origin)
    home = str(origin)
    candidates = [(r, s) for r, s in candidates if r != home and (source is None or source_of(r) == source)]
    read = _read(graph, [origin, *(light_iri(r) for r, _ in candidates)], SKILL_CATEGORIES,
                 (*SKILL_CATEGORIES, "education"))  # fmt: skip
    _known(read, [home])
    _described(read, home, "carry over")
    here = read.facts[home]
    judged: list[tuple[Move, Gap]] = []
    for role, similarity in candidates:
        if role not in read.facts:
            continue
        gap = _gap(read, home, role)
        rise = gap.zone_rise
        transition = transition_score(similarity, gap.coverage, rise)
        viable, desirable, reason = _verdict(transition, rise, gap.pay_ratio)
        if not any(read.items.get(role, {}).get(c) for c in SKILL_CATEGORIES):
            viable, desirable, reason = False, None, "left out: the graph gives it no skills or knowledge"
        skills = [i for c in gap.categories if c.category in SKILL_CATEGORIES for i in c.carried]
        missing = [i for c in gap.categories if c.category in SKILL_CATEGORIES for i in c.missing]
        move = Move(
            read.facts[role],
            similarity,
            gap.coverage,
            transition,
            rise,
            gap.pay_ratio,
            viable,
            desirable,
            reason,
            tuple(sorted(skills, key=GapItem.rank)[:items]),
            tuple(sorted(missing, key=GapItem.rank)[:items]),
        )
        judged.append((move, gap))
    judged.sort(key=lambda pair: (-pair[0].transition, pair[0].destination.label.casefold(), pair[0].destination.iri))
    viable_moves = tuple(m for m, _ in judged if m.viable)
    left = tuple(m for m, _ in judged if not m.viable)
    opened = _unlocks(judged, unlocks) if unlocks else ()
    return Moves(here, viable_moves[:top], left, RULE, ranking, opened)


def _unlocks(judged: Sequence[tuple[Move, Gap]], count: int) -> tuple[Unlock, ...]:
    """The ``count`` skills that open the most moves left out for their score: a move is opened by the fewest
    missing skills (at most :data:`UNLOCK_SKILLS`; those missing in the most such moves first, then the heaviest)
    whose learning lifts its score over the threshold."""
    near = [
        (m, g)
        for m, g in judged
        if not m.viable
        and m.transition < VIABLE_SCORE
        and (m.zone_rise is None or m.zone_rise <= MAX_ZONE_RISE)
        and m.reason.startswith("left out: transition")
    ]
    missing = {
        m.destination.iri: [i for c in g.categories if c.category in SKILL_CATEGORIES for i in c.missing]
        for m, g in near
    }
    wanted: dict[str, int] = defaultdict(int)
    for items in missing.values():
        for item in items:
            wanted[item.iri] += 1
    opens: dict[str, list[RoleFacts]] = defaultdict(list)
    labels: dict[str, str] = {}
    for move, gap in near:
        parts = [c for c in gap.categories if c.category in SKILL_CATEGORIES]
        total = sum(i.weight for c in parts for i in (*c.carried, *c.missing))
        coverage = move.coverage
        chosen = []
        for item in sorted(missing[move.destination.iri], key=lambda i: (-wanted[i.iri], *i.rank()))[:UNLOCK_SKILLS]:
            chosen.append(item)
            coverage += item.weight / total
            if transition_score(move.similarity, coverage, move.zone_rise) >= VIABLE_SCORE:
                for skill in chosen:
                    opens[skill.iri].append(move.destination)
                    labels[skill.iri] = skill.label
                break
    ranked = sorted(opens, key=lambda skill: (-len(opens[skill]), labels[skill].casefold(), skill))
    return tuple(Unlock(skill, labels[skill], tuple(opens[skill])) for skill in ranked[:count])


def gap_rows(gap: Gap) -> list[dict[str, Any]]:
    """The gap as one row per item (``rolegraph gap --format csv``)."""
    rows = []
    for c in gap.categories:
        for status, group in (("carried", c.carried), ("missing", c.missing)):
            for item in group:
                rows.append(
                    {
                        "category": c.category,
                        "status": status,
                        "label": item.label,
                        "iri": item.iri,
                        "essential": item.essential,
                        "weight": round(item.weight, 4),
                        "importance": item.importance,
                        "level": item.level,
                        "matched": item.match_label or "",
                        "relation": item.relation or "",
                        "score": item.score,
                    }
                )
    return rows
