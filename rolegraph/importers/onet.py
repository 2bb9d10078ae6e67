"""Import an O*NET database release (the tab-delimited text files as O*NET publishes them).

Mapping (each file but Occupation Data.txt is optional; what is missing is reported):
- Occupation Data: an occupation (rg:ProfiledRole) per O*NET-SOC code, IRI ``id/onet/occupation/{code}``, with
  rdfs:label, skos:notation (the code) and dcterms:description.
- Alternate Titles: skos:altLabel. Task Statements: a duty per task (rg:hasDuty), the statement carrying rg:taskType
  core or supplemental.
- Skills, Knowledge: one statement per (occupation, element) with rg:importance (IM) and rg:level (LV) as separate
  values; the direct link rg:requiresSkill / rg:requiresKnowledge only where importance is 3 or more (O*NET
  OnLine's "important" threshold). Skills are rg:Skill, knowledge areas rg:KnowledgeArea. A row marked Recommend
  Suppress = Y is not asserted, and only that row: a suppressed level (LV) leaves the importance (IM) and its link.
- Education, Training, and Experience: for Required Level of Education (2.D.1), a statement per reported category
  with rg:percentage, suppressed ones included with a skos:note saying O*NET recommends suppressing them; the direct
  rg:requiresEducation link goes to the category with the largest share of respondents among all the published
  ones (a tie goes to the lower category), so a suppressed estimate still counts (dropping it would pick a minority
  category), and a link chosen that way is noted on its statement.
- Job Zones: rg:jobZone. Related Occupations: rg:relatedOccupation, the statement carrying tier and index.
- Technology Skills: rg:usesTechnology to the product (one node per example name, labelled with it, skos:broader
  each commodity class it is listed under).
Every role link has a statement derived (prov:wasDerivedFrom) from the file it was read from, a prov:Entity that is
dcterms:isPartOf the release; statements are IRIs made from release, subject, predicate and object, so the same
fact is one node. Every triple sits in the release's named graph.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError
from .report import ImportReport
from .tabular import read_table

__all__ = ["OPTIONAL_FILES", "REQUIRED_FILES", "onet_release", "onet_triples"]

ID = "https://w3id.org/rolegraph/id/"
RG = "https://w3id.org/rolegraph/vocab#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"

REQUIRED_FILES = ("Occupation Data.txt",)
OPTIONAL_FILES = (
    "Alternate Titles.txt",
    "Task Statements.txt",
    "Skills.txt",
    "Knowledge.txt",
    "Education, Training, and Experience.txt",
    "Education, Training, and Experience Categories.txt",
    "Job Zones.txt",
    "Related Occupations.txt",
    "Technology Skills.txt",
    "Content Model Reference.txt",
)
IMPORTANT = 3.0

Triple = tuple[Any, Any, Any]


def N(iri: str) -> ox.NamedNode:  # noqa: N802 - reads like the RDF term it makes
    return ox.NamedNode(iri)


def L(value: str, lang: str | None = None, datatype: str | None = None) -> ox.Literal:  # noqa: N802
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=N(datatype)) if datatype else ox.Literal(value)


A = N(RDF + "type")
LABEL, ALT, NOTATION, BROADER = N(RDFS + "label"), N(SKOS + "altLabel"), N(SKOS + "notation"), N(SKOS + "broader")
DESCRIPTION = N(DCTERMS + "description")
CODE = re.compile(r"^\d\d-\d\d\d\d\.\d\d$")


def occupation(code: str) -> ox.NamedNode:
    return N(f"{ID}onet/occupation/{code}")


def onet_release(folder: Path) -> str:
    """The release number a folder holds, read from its Read Me.txt ("O*NET 29.0 Database"), else its name."""
    readme = folder / "Read Me.txt"
    if readme.is_file():
        match = re.search(
            r"O\*NET\s+(\d+\.\d+)\s+Database", readme.read_text(encoding="utf-8", errors="replace")[:2000]
        )
        if match:
            return match.group(1)
    return folder.name


def release_file(release: ox.NamedNode, name: str) -> Iterator[Triple]:
    """The triples of the node that stands for file ``name`` of ``release`` (what statements are derived from)."""
    node = file_node(release, name)
    yield node, A, N(PROV + "Entity")
    yield node, N(DCTERMS + "title"), L(name)
    yield node, N(DCTERMS + "isPartOf"), release


def file_node(release: ox.NamedNode, name: str) -> ox.NamedNode:
    """The IRI of file ``name`` of ``release``."""
    return N(f"{release.value}/file/{urllib.parse.quote(name)}")


def statement_node(release: Any, subject: Any, predicate: Any, obj: Any) -> ox.NamedNode:
    """The statement's IRI: the same fact of the same release is the same node, however often it is imported."""
    key = "\x00".join(str(term) for term in (release, subject, predicate, obj))
    return N(f"{ID}statement/{hashlib.sha1(key.encode()).hexdigest()[:20]}")


def _statement(subject: Any, predicate: Any, obj: Any, origin: Any, extra: list[tuple[Any, Any]]) -> Iterator[Triple]:
    node = statement_node(origin, subject, predicate, obj)
    yield node, A, N(RDF + "Statement")
    yield node, N(RDF + "subject"), subject
    yield node, N(RDF + "predicate"), predicate
    yield node, N(RDF + "object"), obj
    yield node, N(PROV + "wasDerivedFrom"), origin
    for p, o in extra:
        yield node, p, o


def _number(value: str, path: Path, line: int, column: str, strict: bool, report: ImportReport) -> float | None:
    try:
        return float(value)
    except ValueError:
        if strict:
            from .tabular import RowError

            raise RowError(path, line, column, f"{value!r} is not a number") from None
        report.skip(f"rows with a non-numeric {column} in {path.name}")
        return None


def onet_triples(folder: Path, report: ImportReport, *, strict: bool = False) -> Iterator[Triple]:
    """The triples of the O*NET release in ``folder``; counts go into ``report``."""
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise InputError(
            f"{folder}: not an O*NET database text release: missing {', '.join(missing)} "
            f"(expected {', '.join(REQUIRED_FILES + OPTIONAL_FILES[:4])}, ...)."
        )
    report.files_missing = [name for name in OPTIONAL_FILES if not (folder / name).is_file()]
    release = N(f"{ID}source/onet/{report.release}")
    yield release, A, N(PROV + "Entity")
    yield release, N(DCTERMS + "title"), L(f"O*NET {report.release} Database")
    yield (
        release,
        DESCRIPTION,
        L(f"O*NET {report.release} Database, U.S. Department of Labor, Employment and Training Administration"),
    )
    table = partial(read_table, delimiter="\t", report=report, strict=strict)
    for name in REQUIRED_FILES + OPTIONAL_FILES:
        if (folder / name).is_file() and name != "Content Model Reference.txt":
            yield from release_file(release, name)
    known: set[str] = set()
    for _, row in table(folder / "Occupation Data.txt", ["O*NET-SOC Code", "Title", "Description"]):
        code = row["O*NET-SOC Code"].strip()
        if not CODE.match(code):
            report.skip("occupations with a malformed O*NET-SOC code")
            continue
        known.add(code)
        node = occupation(code)
        yield node, A, N(RG + "ProfiledRole")
        yield node, LABEL, L(row["Title"].strip(), "en")
        yield node, NOTATION, L(code)
        yield node, DESCRIPTION, L(row["Description"].strip(), "en")
        report.imported["occupations"] += 1

    def rows(name: str, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
        path = folder / name
        if not path.is_file():
            return
        for line, row in table(path, columns):
            code = row["O*NET-SOC Code"].strip() if "O*NET-SOC Code" in row else ""
            if code and code not in known:
                report.skip(f"rows of {name} for occupations not in Occupation Data.txt")
                continue
            yield line, row

    for _, row in rows("Alternate Titles.txt", ["O*NET-SOC Code", "Alternate Title"]):
        yield occupation(row["O*NET-SOC Code"]), ALT, L(row["Alternate Title"].strip(), "en")
        report.imported["alternate titles"] += 1

    for _, row in rows("Task Statements.txt", ["O*NET-SOC Code", "Task ID", "Task", "Task Type"]):
        task = N(f"{ID}onet/task/{row['Task ID'].strip()}")
        yield task, A, N(RG + "Duty")
        yield task, LABEL, L(row["Task"].strip(), "en")
        subject = occupation(row["O*NET-SOC Code"])
        yield subject, N(RG + "hasDuty"), task
        kind = row["Task Type"].strip().lower()
        task_extra: list[tuple[Any, Any]] = []
        if kind in ("core", "supplemental"):
            task_extra.append((N(RG + "taskType"), N(RG + kind)))
        yield from _statement(subject, N(RG + "hasDuty"), task, file_node(release, "Task Statements.txt"), task_extra)
        report.imported["tasks (duties)"] += 1

    descriptions: dict[str, str] = {}
    for _, row in rows("Content Model Reference.txt", ["Element ID", "Element Name", "Description"]):
        descriptions[row["Element ID"].strip()] = row["Description"].strip()

    for name, predicate, what, kind in (
        ("Skills.txt", "requiresSkill", "skill", "Skill"),
        ("Knowledge.txt", "requiresKnowledge", "knowledge", "KnowledgeArea"),
    ):
        path = folder / name
        ratings: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
        suppressed = 0
        elements: dict[str, str] = {}
        columns = ["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value", "Recommend Suppress"]
        for line, row in rows(name, columns):
            key = (row["O*NET-SOC Code"].strip(), row["Element ID"].strip())
            elements[key[1]] = row["Element Name"].strip()
            if row["Recommend Suppress"].strip().upper() == "Y":
                suppressed += 1
                continue
            if row.get("Not Relevant", "").strip().upper() == "Y":
                continue
            value = _number(row["Data Value"], path, line, "Data Value", strict, report)
            if value is not None:
                ratings[key][row["Scale ID"].strip()] = value
        for element, label in sorted(elements.items()):
            node = N(f"{ID}onet/element/{element}")
            yield node, A, N(RG + kind)
            yield node, LABEL, L(label, "en")
            yield node, NOTATION, L(element)
            if element in descriptions:
                yield node, DESCRIPTION, L(descriptions[element], "en")
        if path.is_file():
            report.skip(f"{what} ratings (IM or LV rows) marked Recommend Suppress = Y", suppressed)
        origin = file_node(release, name)
        for (code, element), scales in sorted(ratings.items()):
            if "IM" not in scales:
                continue
            subject, obj = occupation(code), N(f"{ID}onet/element/{element}")
            rating: list[tuple[Any, Any]] = [(N(RG + "importance"), L(f"{scales['IM']:.2f}", datatype=XSD + "decimal"))]
            if "LV" in scales:
                rating.append((N(RG + "level"), L(f"{scales['LV']:.2f}", datatype=XSD + "decimal")))
            yield from _statement(subject, N(RG + predicate), obj, origin, rating)
            report.imported[f"{what} ratings"] += 1
            if scales["IM"] >= IMPORTANT:
                yield subject, N(RG + predicate), obj
                report.imported[f"{what} links (importance >= 3)"] += 1

    categories: dict[str, str] = {}
    for _, row in rows(
        "Education, Training, and Experience Categories.txt",
        ["Element ID", "Scale ID", "Category", "Category Description"],
    ):
        if row["Element ID"].strip() == "2.D.1" and row["Scale ID"].strip() == "RL":
            categories[row["Category"].strip()] = row["Category Description"].strip()
    shares: dict[str, dict[str, float]] = defaultdict(dict)
    unreliable: dict[str, set[str]] = defaultdict(set)
    path = folder / "Education, Training, and Experience.txt"
    columns = ["O*NET-SOC Code", "Element ID", "Scale ID", "Category", "Data Value", "Recommend Suppress"]
    for line, row in rows(path.name, columns):
        if row["Element ID"].strip() != "2.D.1" or row["Scale ID"].strip() != "RL":
            continue
        code, category = row["O*NET-SOC Code"].strip(), row["Category"].strip()
        value = _number(row["Data Value"], path, line, "Data Value", strict, report)
        if value is not None and value > 0:
            shares[code][category] = value
            if row["Recommend Suppress"].strip().upper() == "Y":
                unreliable[code].add(category)
                report.imported["education shares marked Recommend Suppress = Y (kept, noted)"] += 1
    for category, label in sorted(categories.items(), key=lambda kv: _category_order(kv[0])):
        node = N(f"{ID}onet/education/RL-{category}")
        yield node, A, N(RG + "EducationRequirement")
        yield node, LABEL, L(label, "en")
        yield node, NOTATION, L(f"RL-{category}")
    origin = file_node(release, path.name)
    for code, by_category in sorted(shares.items()):
        subject = occupation(code)
        modal = min(by_category, key=lambda c: (-by_category[c], _category_order(c)))
        for category, share in sorted(by_category.items()):
            node = N(f"{ID}onet/education/RL-{category}")
            extra: list[tuple[Any, Any]] = [(N(RG + "percentage"), L(f"{share:.2f}", datatype=XSD + "decimal"))]
            if category in unreliable[code]:
                note = "O*NET recommends suppressing this estimate (low precision)"
                if category == modal:
                    note += "; it is still the largest share, so the direct link points to it"
                extra.append((N(SKOS + "note"), L(note + ".", "en")))
            yield from _statement(subject, N(RG + "requiresEducation"), node, origin, extra)
        yield subject, N(RG + "requiresEducation"), N(f"{ID}onet/education/RL-{modal}")
        report.imported["education distributions"] += 1
        if modal in unreliable[code]:
            report.imported["education links to a share marked Recommend Suppress (noted)"] += 1

    for _, row in rows("Job Zones.txt", ["O*NET-SOC Code", "Job Zone"]):
        zone = row["Job Zone"].strip()
        if zone.isdigit():
            yield occupation(row["O*NET-SOC Code"]), N(RG + "jobZone"), L(zone, datatype=XSD + "integer")
            report.imported["job zones"] += 1
        else:
            report.skip("job zones that are not a number")

    origin = file_node(release, "Related Occupations.txt")
    for _, row in rows(
        "Related Occupations.txt", ["O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier", "Index"]
    ):
        other = row["Related O*NET-SOC Code"].strip()
        if other not in known:
            report.skip("related occupations not in Occupation Data.txt")
            continue
        subject, obj = occupation(row["O*NET-SOC Code"]), occupation(other)
        yield subject, N(RG + "relatedOccupation"), obj
        tier = L(f"{row['Relatedness Tier'].strip()} #{row['Index'].strip()}")
        yield from _statement(subject, N(RG + "relatedOccupation"), obj, origin, [(N(SKOS + "note"), tier)])
        report.imported["related occupations"] += 1

    commodities: set[str] = set()
    products: set[str] = set()
    classes: set[tuple[str, str]] = set()
    links: set[tuple[str, str]] = set()
    origin = file_node(release, "Technology Skills.txt")
    technology_columns = ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title"]
    for _, row in rows("Technology Skills.txt", technology_columns):
        code, commodity, example = row["O*NET-SOC Code"].strip(), row["Commodity Code"].strip(), row["Example"].strip()
        node = technology(example)
        if commodity not in commodities:
            commodities.add(commodity)
            yield N(f"{ID}onet/technology/{commodity}"), LABEL, L(row["Commodity Title"].strip(), "en")
        if example not in products:
            products.add(example)
            yield node, A, N(RG + "Skill")
            yield node, LABEL, L(example, "en")
            report.imported["technology products"] += 1
        if (example, commodity) not in classes:
            classes.add((example, commodity))
            yield node, BROADER, N(f"{ID}onet/technology/{commodity}")
        if (code, example) in links:
            report.skip("technology rows repeating a link (the product under another commodity class)")
            continue
        links.add((code, example))
        yield occupation(code), N(RG + "usesTechnology"), node
        yield from _statement(occupation(code), N(RG + "usesTechnology"), node, origin, [])
        report.imported["technology links"] += 1


def _category_order(category: str) -> int:
    return int(category) if category.isdigit() else 0


def technology(example: str) -> ox.NamedNode:
    """The node of a technology product, by its name (the same product under two commodity codes is one node)."""
    return N(f"{ID}onet/technology/product-{hashlib.sha1(example.encode()).hexdigest()[:12]}")
