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
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

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
OPTIONAL_FILES = ("ISCOGroups_en.csv", "broaderRelationsOccPillar.csv")


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
