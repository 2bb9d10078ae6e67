"""Import an ESCO classification download (the English CSV files, v1.1.x or v1.2.x).

Mapping: ESCO's own IRIs are reused for occupations, skills and ISCO groups. Occupations become rg:ProfiledRole
and esco:Occupation with rdfs:label and skos:prefLabel (trimmed), skos:altLabel (one per line of the altLabels
field), skos:notation (the ESCO code), dcterms:description, and esco:memberOfISCOGroup plus skos:broader to the
ISCO-08 group. Skills are rg:Skill and esco:Skill. Each occupation-skill relation is asserted as
esco:relatedEssentialSkill or esco:relatedOptionalSkill (so ESCO users' queries work) and as rg:requiresSkill (so
rolegraph's do); relations to occupations or skills the files do not list are skipped and counted. Each occupation
is prov:wasDerivedFrom the release (a prov:Entity titled "ESCO v1.1.1"), and each rg:requiresSkill link has an
rdf:Statement derived from the file it was read from (occupationSkillRelations.csv, a prov:Entity that is
dcterms:isPartOf the release), the same citation model as O*NET's links. The release's occupations_en.csv has a
file node too: an occupation's alternative titles and description cite it, as O*NET's cite Alternate Titles.txt and
Occupation Data.txt.

The skill pillar (each file optional; what is missing is reported): skill groups (skillGroups_en.csv, and the groups
skillsHierarchy_en.csv adds) are esco:SkillGroup and skos:Concept in ESCO's skill scheme (skos:inScheme, the top
level skos:topConceptOf it), with labels, skos:notation (the hierarchy's code), description and scope note, each
prov:wasDerivedFrom the file that describes it. A skill or group is skos:broader the broader skill or group of
broaderRelationsSkillPillar.csv and of skillsHierarchy_en.csv's levels. skillSkillRelations.csv: the original skill
esco:relatedEssentialSkill or esco:relatedOptionalSkill the related one (ESCO's predicates, for skills as for
occupations) and skos:related it (rolegraph's link between two skills). The collections (transversal, digital,
DigComp, green, language and research skills, research occupations) are skos:Collection nodes, labelled, with a
skos:member per skill or occupation listed. Each broader, related and member link has an rdf:Statement derived from
the file it was read from; rows naming concepts the release does not list are skipped and counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError
from .onet import (
    ALT,
    BROADER,
    DCTERMS,
    DESCRIPTION,
    ID,
    LABEL,
    NOTATION,
    PROV,
    RG,
    A,
    L,
    N,
    Triple,
    _statement,
    file_node,
    release_file,
)
from .report import ImportReport
from .tabular import read_table

__all__ = ["REQUIRED_FILES", "check_folder", "esco_release", "esco_triples"]

ESCO = "http://data.europa.eu/esco/model#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
REQUIRED_FILES = ("occupations_en.csv", "skills_en.csv", "occupationSkillRelations.csv")
SKILL_PILLAR_FILES = (
    "skillGroups_en.csv", "skillsHierarchy_en.csv", "broaderRelationsSkillPillar.csv", "skillSkillRelations.csv",
)  # fmt: skip
COLLECTIONS = (
    ("transversalSkillsCollection_en.csv", "transversal", "ESCO transversal skills and competences", "skills"),
    ("digitalSkillsCollection_en.csv", "digital", "ESCO digital skills", "skills"),
    ("digCompSkillsCollection_en.csv", "digcomp", "ESCO DigComp skills", "skills"),
    ("greenSkillsCollection_en.csv", "green", "ESCO green skills", "skills"),
    ("languageSkillsCollection_en.csv", "language", "ESCO language skills", "skills"),
    ("researchSkillsCollection_en.csv", "research-skills", "ESCO research skills", "skills"),
    ("researchOccupationsCollection_en.csv", "research-occupations", "ESCO research occupations", "occupations"),
)
"""Each collection file, the key of its node's IRI, its label and what its members are."""
OPTIONAL_FILES = (
    "ISCOGroups_en.csv", "broaderRelationsOccPillar.csv", *SKILL_PILLAR_FILES, *(c[0] for c in COLLECTIONS),
)  # fmt: skip
SKILL_SCHEME = "http://data.europa.eu/esco/concept-scheme/skills"
HIERARCHY_LEVELS = 4


RENAMED_IN_V1_2 = (
    "occupationSkillRelations.csv", "broaderRelationsOccPillar.csv", "broaderRelationsSkillPillar.csv",
    "skillSkillRelations.csv",
)  # fmt: skip
"""Files that v1.2 names with an ``_en`` suffix (``occupationSkillRelations_en.csv``)."""


def _layouts(folder: Path) -> dict[str, list[str]]:
    """The files of ``folder`` named as v1.1 names them and as v1.2 does, by release ("v1.1", "v1.2")."""
    named: dict[str, list[str]] = {}
    for name in RENAMED_IN_V1_2:
        for release, file in (("v1.1", name), ("v1.2", name.replace(".csv", "_en.csv"))):
            if (folder / file).is_file():
                named.setdefault(release, []).append(file)
    return named


def check_folder(folder: Path) -> None:
    """Refuse a folder that is not one ESCO CSV download: a required file missing (named as the folder's release
    names it), or files named as two releases name them."""
    layouts = _layouts(folder)
    if len(layouts) > 1:
        raise InputError(
            f"{folder}: mixes files of two ESCO releases: {', '.join(layouts['v1.1'])} (named as in v1.1) and "
            f"{', '.join(layouts['v1.2'])} (named as in v1.2). Give a folder that holds one release."
        )

    def named(name: str) -> str:
        if name not in RENAMED_IN_V1_2:
            return name
        v1_2 = name.replace(".csv", "_en.csv")
        return {"v1.1": name, "v1.2": v1_2}.get(next(iter(layouts), ""), f"{name} (v1.1) or {v1_2} (v1.2)")

    missing = [named(name) for name in REQUIRED_FILES if not _file(folder, name).is_file()]
    if missing:
        expected = ", ".join(named(name) for name in REQUIRED_FILES)
        raise InputError(f"{folder}: not an ESCO CSV download: missing {', '.join(missing)} (expected {expected}).")


def esco_release(folder: Path) -> str:
    """The release a folder holds: from its name (``v1.1.1``) when that agrees with how its files are named, else
    what the file names show (``v1.1`` or ``v1.2``); ``--release`` says it exactly."""
    match = re.search(r"v?(\d+\.\d+)(\.\d+)?", folder.name)
    layouts = list(_layouts(folder))
    if match:
        named = "v" + match.group(1)
        if len(layouts) == 1 and named in ("v1.1", "v1.2") and layouts[0] != named:
            raise InputError(
                f"{folder}: its name says {match.group(0)}, but its files are named as in {layouts[0]}; "
                "give the release with --release."
            )
        return match.group(0)
    return layouts[0] if len(layouts) == 1 else folder.name


def _file(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, or its ``_en`` variant (ESCO v1.2 adds the suffix to some files)."""
    plain = folder / name
    if plain.is_file():
        return plain
    suffixed = folder / name.replace(".csv", "_en.csv")
    return suffixed if suffixed.is_file() else plain


def _labels(field: str) -> list[str]:
    seen: list[str] = []
    for line in field.replace("\r", "\n").split("\n"):
        label = " ".join(line.split())
        if label and label not in seen:
            seen.append(label)
    return seen


def _concept_labels(node: Any, row: dict[str, str], report: ImportReport, counted: str) -> Iterator[Triple]:
    """rdfs:label and skos:prefLabel (spaces collapsed) and one skos:altLabel per line of the altLabels field."""
    label = " ".join(row["preferredLabel"].split())
    yield node, LABEL, L(label, "en")
    yield node, N(SKOS + "prefLabel"), L(label, "en")
    for alternative in _labels(row["altLabels"]):
        if alternative != label:
            yield node, ALT, L(alternative, "en")
            report.imported[counted] += 1


def esco_triples(folder: Path, report: ImportReport, *, strict: bool = False) -> Iterator[Triple]:
    """The triples of the ESCO release in ``folder``; counts go into ``report``."""
    check_folder(folder)
    report.files_missing = [name for name in OPTIONAL_FILES if not _file(folder, name).is_file()]
    table = partial(read_table, delimiter=",", report=report, strict=strict)
    release = N(f"{ID}source/esco/{report.release}")
    yield release, A, N(PROV + "Entity")
    yield release, N(DCTERMS + "title"), L(f"ESCO {report.release}")
    yield release, DESCRIPTION, L(f"ESCO classification {report.release}, English CSV download, European Commission")
    occupations: set[str] = set()
    occupation_file = _file(folder, "occupations_en.csv")
    yield from release_file(release, occupation_file.name)  # what alternative titles and descriptions cite
    for _, row in table(occupation_file, ["conceptUri", "preferredLabel", "altLabels"]):
        iri = row["conceptUri"].strip()
        if not iri.startswith("http://data.europa.eu/esco/occupation/"):
            report.skip("occupations without an ESCO occupation IRI")
            continue
        occupations.add(iri)
        node = N(iri)
        yield node, A, N(RG + "ProfiledRole")
        yield node, A, N(ESCO + "Occupation")
        yield node, N(PROV + "wasDerivedFrom"), release
        yield from _concept_labels(node, row, report, "occupation alternative labels")
        if row.get("code", "").strip():
            yield node, NOTATION, L(row["code"].strip())
        if row.get("description", "").strip():
            yield node, DESCRIPTION, L(row["description"].strip(), "en")
        group = row.get("iscoGroup", "").strip()
        if group.isdigit():
            isco = N(f"http://data.europa.eu/esco/isco/C{group}")
            yield node, N(ESCO + "memberOfISCOGroup"), isco
            yield node, BROADER, isco
        report.imported["occupations"] += 1
    skills: set[str] = set()
    for _, row in table(_file(folder, "skills_en.csv"), ["conceptUri", "preferredLabel", "altLabels"]):
        iri = row["conceptUri"].strip()
        skills.add(iri)
        node = N(iri)
        yield node, A, N(RG + "Skill")
        yield node, A, N(ESCO + "Skill")
        yield from _concept_labels(node, row, report, "skill alternative labels")
        if row.get("skillType", "").strip():
            yield node, N("http://purl.org/dc/terms/type"), L(row["skillType"].strip())
        report.imported["skills"] += 1
    columns = ["occupationUri", "relationType", "skillUri"]
    relations = _file(folder, "occupationSkillRelations.csv")
    yield from release_file(release, relations.name)
    origin = file_node(release, relations.name)
    for _, row in table(relations, columns):
        occupation, skill, kind = row["occupationUri"].strip(), row["skillUri"].strip(), row["relationType"].strip()
        if occupation not in occupations:
            report.skip("skill relations of occupations not in occupations_en.csv")
            continue
        if skill not in skills:
            report.skip("skill relations to skills not in skills_en.csv")
            continue
        if kind not in ("essential", "optional"):
            report.skip("skill relations that are neither essential nor optional")
            continue
        predicate = ESCO + ("relatedEssentialSkill" if kind == "essential" else "relatedOptionalSkill")
        yield N(occupation), N(predicate), N(skill)
        yield N(occupation), N(RG + "requiresSkill"), N(skill)
        yield from _statement(N(occupation), N(RG + "requiresSkill"), N(skill), origin, [])
        report.imported[f"{kind} skill relations"] += 1
    if _file(folder, "ISCOGroups_en.csv").is_file():
        for _, row in table(_file(folder, "ISCOGroups_en.csv"), ["conceptUri", "code", "preferredLabel"]):
            node = N(row["conceptUri"].strip())
            yield node, A, N(ESCO + "ISCOGroup")
            yield node, LABEL, L(" ".join(row["preferredLabel"].split()), "en")
            yield node, NOTATION, L(row["code"].strip())
            report.imported["ISCO-08 groups"] += 1
    if _file(folder, "broaderRelationsOccPillar.csv").is_file():
        for _, row in table(_file(folder, "broaderRelationsOccPillar.csv"), ["conceptUri", "broaderUri"]):
            yield N(row["conceptUri"].strip()), BROADER, N(row["broaderUri"].strip())
            report.imported["broader relations"] += 1
    groups: set[str] = set()
    yield from _skill_groups(folder, release, table, report, groups)
    yield from _skill_links(folder, release, table, report, skills, groups)
    yield from _collections(folder, release, table, report, {"skills": skills, "occupations": occupations})


Table = Callable[..., Iterator[tuple[int, dict[str, str]]]]


def _cited(release: ox.NamedNode, name: str, subject: str, predicate: ox.NamedNode, obj: str) -> Iterator[Triple]:
    """The link and its statement, derived from file ``name`` of ``release``."""
    yield N(subject), predicate, N(obj)
    yield from _statement(N(subject), predicate, N(obj), file_node(release, name), [])


def _skill_groups(
    folder: Path, release: ox.NamedNode, table: Table, report: ImportReport, groups: set[str]
) -> Iterator[Triple]:
    """The skill groups of skillGroups_en.csv and skillsHierarchy_en.csv (the hierarchy's codes and the groups only
    it lists), and the hierarchy's broader links between levels; ``groups`` receives their IRIs."""
    scheme = N(SKILL_SCHEME)

    def group(iri: str, origin: str) -> Iterator[Triple]:
        node = N(iri)
        yield node, A, N(ESCO + "SkillGroup")
        yield node, A, N(SKOS + "Concept")
        yield node, N(SKOS + "inScheme"), scheme
        yield node, N(PROV + "wasDerivedFrom"), file_node(release, origin)
        groups.add(iri)
        report.imported["skill groups"] += 1

    def texts(node: ox.NamedNode, row: dict[str, str], description: str, note: str) -> Iterator[Triple]:
        if row.get(description, "").strip():
            yield node, DESCRIPTION, L(row[description].strip(), "en")
        if row.get(note, "").strip():
            yield node, N(SKOS + "scopeNote"), L(row[note].strip(), "en")

    codes: dict[str, str] = {}
    name = "skillGroups_en.csv"
    if (folder / name).is_file():
        yield from release_file(release, name)
        for _, row in table(folder / name, ["conceptUri", "preferredLabel", "altLabels"]):
            iri = row["conceptUri"].strip()
            if not iri or not row["preferredLabel"].strip() or iri in groups:
                report.skip(f"rows of {name} without a group IRI or label, or repeating a group")
                continue
            yield from group(iri, name)
            yield from _concept_labels(N(iri), row, report, "skill group alternative labels")
            yield from texts(N(iri), row, "description", "scopeNote")
            if row.get("code", "").strip():
                codes[iri] = row["code"].strip()
    name = "skillsHierarchy_en.csv"
    if (folder / name).is_file():
        yield from release_file(release, name)
        levels = [(f"Level {n} URI", f"Level {n} preferred term", f"Level {n} code") for n in range(HIERARCHY_LEVELS)]
        # The file leaves out a row's trailing empty cells (a level 0 row has 11 fields of 14).
        columns = [column for level in levels for column in level]
        for _, row in table(folder / name, columns, short_rows=True):
            path = [(row[uri].strip(), row[term], row[code].strip()) for uri, term, code in levels if row[uri].strip()]
            if not path:
                report.skip(f"rows of {name} without a group IRI")
                continue
            iri, term, code = path[-1]
            if iri not in groups and term.strip():
                yield from group(iri, name)
                label = " ".join(term.split())
                yield N(iri), LABEL, L(label, "en")
                yield N(iri), N(SKOS + "prefLabel"), L(label, "en")
                yield from texts(N(iri), row, "Description", "Scope note")
            if iri not in groups:
                report.skip(f"rows of {name} whose group has no label")
                continue
            if code and iri not in codes:
                codes[iri] = code
            if len(path) == 1:
                yield N(iri), N(SKOS + "topConceptOf"), scheme
                yield scheme, N(SKOS + "hasTopConcept"), N(iri)
            else:
                yield from _cited(release, name, iri, BROADER, path[-2][0])
                report.imported["skill hierarchy broader links"] += 1
    for iri, code in codes.items():
        yield N(iri), NOTATION, L(code)
    if groups:
        yield scheme, A, N(SKOS + "ConceptScheme")
        yield scheme, LABEL, L("ESCO skills", "en")
        yield scheme, N(PROV + "wasDerivedFrom"), release


def _skill_links(
    folder: Path, release: ox.NamedNode, table: Table, report: ImportReport, skills: set[str], groups: set[str]
) -> Iterator[Triple]:
    """The skill pillar's broader links (skill or group to skill or group) and the skill-skill relations."""
    known = skills | groups
    name = _file(folder, "broaderRelationsSkillPillar.csv").name
    if (folder / name).is_file():
        yield from release_file(release, name)
        for _, row in table(folder / name, ["conceptUri", "broaderUri"]):
            concept, broader = row["conceptUri"].strip(), row["broaderUri"].strip()
            if concept not in known or broader not in known:
                report.skip(f"broader relations of {name} to skills or groups the release does not list")
                continue
            yield from _cited(release, name, concept, BROADER, broader)
            report.imported["skill pillar broader links"] += 1
    name = _file(folder, "skillSkillRelations.csv").name
    if (folder / name).is_file():
        yield from release_file(release, name)
        for _, row in table(folder / name, ["originalSkillUri", "relationType", "relatedSkillUri"]):
            original, related = row["originalSkillUri"].strip(), row["relatedSkillUri"].strip()
            kind = row["relationType"].strip()
            if original not in skills or related not in skills:
                report.skip(f"relations of {name} to skills not in skills_en.csv")
                continue
            if kind not in ("essential", "optional"):
                report.skip(f"relations of {name} that are neither essential nor optional")
                continue
            predicate = ESCO + ("relatedEssentialSkill" if kind == "essential" else "relatedOptionalSkill")
            yield N(original), N(predicate), N(related)  # cited by the statement of skos:related, from the same row
            yield from _cited(release, name, original, N(SKOS + "related"), related)
            report.imported[f"{kind} skill-skill relations"] += 1


def _collections(
    folder: Path, release: ox.NamedNode, table: Table, report: ImportReport, known: dict[str, set[str]]
) -> Iterator[Triple]:
    """A skos:Collection per collection file, with a skos:member per skill or occupation it lists."""
    member = N(SKOS + "member")
    for name, key, label, kind in COLLECTIONS:
        if not (folder / name).is_file():
            continue
        node = N(f"{ID}esco/collection/{key}")
        members: list[str] = []
        for _, row in table(folder / name, ["conceptUri"]):
            iri = row["conceptUri"].strip()
            if iri not in known[kind]:
                report.skip(f"members of {name} not in {kind}_en.csv")
                continue
            members.append(iri)
        if not members:  # a collection is made only with members
            continue
        yield from release_file(release, name)
        yield node, A, N(SKOS + "Collection")
        yield node, LABEL, L(label, "en")
        yield node, N(PROV + "wasDerivedFrom"), file_node(release, name)
        for iri in members:
            yield from _cited(release, name, node.value, member, iri)
            report.imported[f"members of the {label} collection"] += 1
