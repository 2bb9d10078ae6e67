"""The site's catalogue of roles: each profiled role with its label, source (ESCO, O*NET, rolegraph), code and major
occupation group (ISCO-08 for ESCO, SOC for O*NET), and every name it can be found by, held in a worker's memory for
search-as-you-type and browsing without a query per keystroke.

It is built once per worker from the listings kept beside a store (``list-roles``, ``role-names``: see
:mod:`rolegraph.sparql.answercache`) and two small queries (codes and ISCO groups, the major groups' labels).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..compare.nameindex import exact_key, fold_words
from ..sparql.queries import NamedQuery, bind, get_query

__all__ = ["SOC_MAJOR_GROUPS", "SOURCES", "CatalogRole", "Group", "RoleCatalog", "build_catalog", "source_of"]

SOURCES: dict[str, str] = {"esco": "ESCO", "onet": "O*NET", "rolegraph": "rolegraph"}
"""Source keys (as in addresses) and their names (as on badges)."""

_ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"
_ONET_OCCUPATION = "https://w3id.org/rolegraph/id/onet/occupation/"

SOC_MAJOR_GROUPS: dict[str, str] = {
    "11": "Management",
    "13": "Business and Financial Operations",
    "15": "Computer and Mathematical",
    "17": "Architecture and Engineering",
    "19": "Life, Physical, and Social Science",
    "21": "Community and Social Service",
    "23": "Legal",
    "25": "Educational Instruction and Library",
    "27": "Arts, Design, Entertainment, Sports, and Media",
    "29": "Healthcare Practitioners and Technical",
    "31": "Healthcare Support",
    "33": "Protective Service",
    "35": "Food Preparation and Serving Related",
    "37": "Building and Grounds Cleaning and Maintenance",
    "39": "Personal Care and Service",
    "41": "Sales and Related",
    "43": "Office and Administrative Support",
    "45": "Farming, Fishing, and Forestry",
    "47": "Construction and Extraction",
    "49": "Installation, Maintenance, and Repair",
    "51": "Production",
    "53": "Transportation and Material Moving",
    "55": "Military Specific",
}
"""The 2018 Standard Occupational Classification's major groups (the first two digits of an O*NET-SOC code): the
store holds O*NET's occupations but not the SOC's group titles."""

_CODES = """PREFIX rg: <https://w3id.org/rolegraph/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX esco: <http://data.europa.eu/esco/model#>
SELECT ?role ?code ?group WHERE {
  ?role a rg:ProfiledRole .
  OPTIONAL { ?role skos:notation ?code }
  OPTIONAL { ?role esco:memberOfISCOGroup ?isco . ?isco skos:notation ?group }
}"""
_ISCO_MAJOR = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX esco: <http://data.europa.eu/esco/model#>
SELECT ?code ?label WHERE {
  ?group a esco:ISCOGroup ; skos:notation ?code ; rdfs:label ?label .
  FILTER(STRLEN(STR(?code)) = 1 && langMatches(lang(?label), "en"))
}"""


def source_of(iri: str) -> str:
    """The source key of a role's IRI: ``esco``, ``onet`` or ``rolegraph`` (the project's own and any other)."""
    if iri.startswith(_ESCO_OCCUPATION):
        return "esco"
    if iri.startswith(_ONET_OCCUPATION):
        return "onet"
    return "rolegraph"


@dataclass(frozen=True)
class Group:
    """A major occupation group of one source: its key (``isco-2``, ``soc-27``), code, title and role count."""

    key: str
    scheme: str
    code: str
    title: str
    count: int


@dataclass
class CatalogRole:
    """One role as the site lists it."""

    iri: str
    label: str
    source: str
    code: str | None = None
    group: str | None = None
    names: list[tuple[str, str]] = field(default_factory=list)
    """(name, kind) pairs: labels, alternative labels and codes."""

    @property
    def badge(self) -> str:
        """The source's name, as on a badge."""
        return SOURCES[self.source]

    def as_json(self, matched: str | None = None) -> dict[str, Any]:
        """What the role search endpoint answers for this role."""
        found: dict[str, Any] = {"iri": self.iri, "label": self.label, "source": self.badge, "code": self.code}
        if matched is not None and exact_key(matched) != exact_key(self.label):
            found["matched"] = matched
        return found


_LABEL, _CODE, _ALTERNATIVE = 0, 1, 2
_KINDS = {"label": _LABEL, "code": _CODE, "alternative label": _ALTERNATIVE}


class RoleCatalog:
    """Roles by IRI, searchable by any of their names, groupable by source and major group."""

    def __init__(self, roles: list[CatalogRole], group_titles: dict[str, str]) -> None:
        self.roles = sorted(roles, key=lambda r: (r.label.casefold(), r.iri))
        self.by_iri = {role.iri: role for role in self.roles}
        self.group_titles = group_titles
        # Folded names, and two sorted views of them for search: the names themselves (a typed text's prefix range)
        # and their words (a typed word's prefix range); a substring scan only when those find too few roles.
        self._names: list[str] = []
        self._owners: list[tuple[int, int, str]] = []
        for number, role in enumerate(self.roles):
            for name, kind in [(role.label, "label"), *role.names]:
                self._names.append(" ".join(fold_words(name)))
                self._owners.append((number, _KINDS.get(kind, _ALTERNATIVE), name))
        order = sorted(range(len(self._names)), key=self._names.__getitem__)
        self._sorted_names = [self._names[i] for i in order]
        self._sorted_positions = order
        postings: dict[str, list[int]] = {}
        for position, name in enumerate(self._names):
            for word in dict.fromkeys(name.split()):
                postings.setdefault(word, []).append(position)
        self._words = sorted(postings)
        self._postings = [postings[word] for word in self._words]

    def __len__(self) -> int:
        return len(self.roles)

    def counts(self) -> dict[str, int]:
        """How many roles each source has, in :data:`SOURCES` order (sources without roles left out)."""
        counted = Counter(role.source for role in self.roles)
        return {key: counted[key] for key in SOURCES if counted[key]}

    def groups(self, source: str) -> list[Group]:
        """The major groups of ``source``'s roles, by code, each counted."""
        counted = Counter(role.group for role in self.roles if role.source == source and role.group)
        scheme = "ISCO-08" if source == "esco" else "SOC"
        return [
            Group(key, scheme, key.split("-", 1)[1], self.group_titles.get(key, ""), count)
            for key, count in sorted(counted.items())
        ]

    def browse(self, source: str | None = None, group: str | None = None) -> list[CatalogRole]:
        """The roles of a source and/or a major group, by label."""
        return [r for r in self.roles if (source is None or r.source == source) and (group is None or r.group == group)]

    def search(self, text: str, limit: int = 20, source: str | None = None) -> list[tuple[CatalogRole, str]]:
        """The roles whose names hold every word of ``text`` (as a word's start; anywhere for one of 4 letters or
        more), best first: a name equal to it, then starting with it, then holding its words at their start, then
        anywhere; labels before other names, shorter labels first. Each with the name it matched."""
        words = fold_words(text)
        if not words:
            return []
        typed = " ".join(words)
        longest = max(words, key=len)
        best: dict[int, tuple[int, int, str]] = {}

        def consider(positions: list[int], rank_of: Callable[[str], int | None]) -> None:
            for position in positions:
                number, kind, shown = self._owners[position]
                if source is not None and self.roles[number].source != source:
                    continue
                rank = rank_of(self._names[position])
                if rank is None:
                    continue
                score = (rank, min(kind, 1), shown)
                if number not in best or score[:2] < best[number][:2]:
                    best[number] = score

        def starting(name: str) -> int | None:
            return 0 if name == typed else 1

        def holding_words(name: str) -> int | None:
            padded = " " + name
            return 2 if all(f" {word}" in padded for word in words) else None

        def holding(name: str) -> int | None:
            padded = " " + name
            return 3 if all(f" {word}" in padded or (len(word) >= 4 and word in name) for word in words) else None

        # Each tier only ranks below the ones before: once they fill the answer, the next need not be read.
        low = bisect.bisect_left(self._sorted_names, typed)
        high = bisect.bisect_left(self._sorted_names, typed + "\U0010ffff")
        consider(self._sorted_positions[low:high], starting)
        if len(best) < limit:
            low = bisect.bisect_left(self._words, longest)
            high = bisect.bisect_left(self._words, longest + "\U0010ffff")
            consider(sorted({p for held in self._postings[low:high] for p in held}), holding_words)
        if len(best) < limit and len(longest) >= 4:
            consider([i for i, name in enumerate(self._names) if longest in name], holding)
        order = sorted(best, key=lambda n: (best[n][:2], len(self.roles[n].label), self.roles[n].label.casefold()))
        return [(self.roles[n], best[n][2]) for n in order[:limit]]


def build_catalog(engine: Any) -> RoleCatalog:
    """The catalogue of the profiled roles ``engine`` holds."""
    roles: dict[str, CatalogRole] = {}
    listed = engine.select(bind(get_query("list-roles"), {}))
    for row in listed.rows:
        iri, label, _definition, profiled = (row[0], row[1], row[2], row[3])
        if str(profiled) in ("true", "1"):
            roles[str(iri)] = CatalogRole(str(iri), str(label), source_of(str(iri)))
    for iri, name, kind in engine.select(bind(get_query("role-names"))).rows:
        role = roles.get(str(iri))
        if role is not None and name is not None and str(name) != role.label:
            role.names.append((str(name), str(kind)))
    for iri, code, isco in engine.select(
        bind(NamedQuery("site-codes", _CODES, "Profiled roles' codes and ISCO groups."))
    ).rows:
        role = roles.get(str(iri))
        if role is None:
            continue
        if code is not None and (role.code is None or (role.source == "onet" and str(code).endswith(".00"))):
            role.code = str(code)
        if isco is not None and str(isco)[:1].isdigit():
            role.group = f"isco-{str(isco)[0]}"
        elif role.source == "onet" and code is not None and str(code)[:2].isdigit():
            role.group = f"soc-{str(code)[:2]}"
    titles = {f"soc-{code}": title for code, title in SOC_MAJOR_GROUPS.items()}
    for code, label in engine.select(bind(NamedQuery("site-isco", _ISCO_MAJOR, "ISCO major groups."))).rows:
        titles[f"isco-{code}"] = str(label)
    return RoleCatalog(list(roles.values()), titles)
