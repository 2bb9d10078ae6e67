"""Import an O*NET database release (the tab-delimited text files as O*NET publishes them).

Mapping (each file but Occupation Data.txt is optional; what is missing is reported; Recommend Suppress = Y is
honoured on the row it is on wherever a file has that column):
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
- Education, Training, and Experience, the other scales the same way (each category a node with the scale's name in
  its label): Related Work Experience (3.A.1, scale RW) by rg:requiresExperience to an rg:ExperienceRequirement,
  On-Site or In-Plant Training (3.A.2, PT) and On-the-Job Training (3.A.3, OJ) by rg:requiresTraining to an
  rg:TrainingRequirement.
- Job Zones: rg:jobZone. Related Occupations: rg:relatedOccupation, the statement carrying tier and index (never a
  role link: it is the answer key similarity is measured against, so nothing that ranks roles reads it).
- Technology Skills: rg:usesTechnology to the product (one node per example name, labelled with it, skos:broader
  each commodity class it is listed under). Tools Used: rg:usesTool to an rg:Tool, the same way (one node per
  example name; the commodity classes are the technology's nodes, UNSPSC codes being one list).
- Work activities: the generalized work activities (the 4.A elements of Content Model Reference, each skos:broader
  the element above it), IWA Reference (each IWA skos:broader its GWA) and DWA Reference (each DWA skos:broader its
  IWA) are rg:WorkActivity nodes with skos:notation and rdfs:label. Tasks to DWAs: the task's duty
  rg:involvesActivity its DWA (a link between concepts, like skos:broader, with no statement), and the occupation
  rg:performsActivity it (a role link, cited by that file), so occupations share DWAs where their tasks are their own.
- Work Activities, Abilities, Work Context (optional rating files): as Skills, by rg:performsActivity (to the GWA),
  rg:requiresAbility (rg:Ability) and rg:hasWorkContext (rg:WorkContext); a work context's CX or CT value is its
  rg:score, and it is linked from the middle of its scale up (CX 3 of 1 to 5, CT 2 of 1 to 3). Work Styles: as
  Skills, by rg:hasWorkStyle (rg:WorkStyle).
- Interests (RIASEC) and Work Values: a statement per element with its score (OI, EX) as rg:score; the direct link
  (rg:hasInterest, rg:hasWorkValue) goes to the occupation's high points (IH, VH), whose statements carry the rank
  as rg:highPoint.
- Emerging Tasks: a duty per task (rg:hasDuty), the statement carrying rg:taskType rg:emerging and a note saying
  whether it is new or revises a task.
Every role link has a statement derived (prov:wasDerivedFrom) from the file it was read from, a prov:Entity that is
dcterms:isPartOf the release; statements are IRIs made from release, subject, predicate and object, so the same
fact is one node. Every triple sits in the release's named graph.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator
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
    "IWA Reference.txt",
    "DWA Reference.txt",
    "Tasks to DWAs.txt",
    "Work Activities.txt",
    "Abilities.txt",
    "Work Context.txt",
    "Work Styles.txt",
    "Work Values.txt",
    "Interests.txt",
    "Tools Used.txt",
    "Emerging Tasks.txt",
)
REFERENCE_FILES = ("Content Model Reference.txt", "IWA Reference.txt", "DWA Reference.txt")
"""Files that describe elements, not occupations: nothing is cited from them."""
IMPORTANT = 3.0
MIDDLE = {"CX": 3.0, "CT": 2.0}
"""The middle of the work-context scales (CX 1 to 5, CT 1 to 3): a context is linked from there up."""

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
    """The triples of an rdf:Statement citing ``subject predicate obj`` from ``origin``, with ``extra`` on it."""
    node = statement_node(origin, subject, predicate, obj)
    # No `a rdf:Statement`: rdf:subject's domain (RDF Schema) says it, and the imports' ~400,000 statements would
    # store it twice (their graph and the union), about 215 MB of the ESCO + O*NET store.
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
        if (folder / name).is_file() and name not in REFERENCE_FILES:
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

    tasks: set[str] = set()
    for _, row in rows("Task Statements.txt", ["O*NET-SOC Code", "Task ID", "Task", "Task Type"]):
        tasks.add(row["Task ID"].strip())
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
    activities: dict[str, str] = {}
    for _, row in rows("Content Model Reference.txt", ["Element ID", "Element Name", "Description"]):
        descriptions[row["Element ID"].strip()] = row["Description"].strip()
        if row["Element ID"].strip().startswith("4.A"):
            activities[row["Element ID"].strip()] = row["Element Name"].strip()
    labelled: set[str] = set()
    yield from _activity_hierarchy(rows, activities, descriptions, labelled, report)
    dwas = {iri.rsplit("/", 1)[1] for iri in labelled if "/onet/dwa/" in iri}
    yield from _tasks_to_dwas(rows, release, tasks, dwas, report)

    for name, predicate, what, kind in (
        ("Skills.txt", "requiresSkill", "skill", "Skill"),
        ("Knowledge.txt", "requiresKnowledge", "knowledge", "KnowledgeArea"),
        ("Work Activities.txt", "performsActivity", "work activity", "WorkActivity"),
        ("Abilities.txt", "requiresAbility", "ability", "Ability"),
        ("Work Context.txt", "hasWorkContext", "work context", "WorkContext"),
        ("Work Styles.txt", "hasWorkStyle", "work style", "WorkStyle"),
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
            scale = row["Scale ID"].strip()
            if scale not in ("IM", "LV", *MIDDLE):
                report.skip(f"{what} rows on other scales than IM, LV, CX and CT (not imported)")
                continue
            value = _number(row["Data Value"], path, line, "Data Value", strict, report)
            if value is not None:
                ratings[key][scale] = value
        for element, label in sorted(elements.items()):
            node = N(f"{ID}onet/element/{element}")
            yield node, A, N(RG + kind)
            if node.value in labelled:  # a work activity the Content Model already named
                continue
            yield node, LABEL, L(label, "en")
            yield node, NOTATION, L(element)
            if element in descriptions:
                yield node, DESCRIPTION, L(descriptions[element], "en")
        if path.is_file():
            scales_named = "IM, LV, CX or CT" if name == "Work Context.txt" else "IM or LV"
            report.skip(f"{what} ratings ({scales_named} rows) marked Recommend Suppress = Y", suppressed)
        origin = file_node(release, name)
        for (code, element), scales in sorted(ratings.items()):
            contexts = [s for s in MIDDLE if s in scales]
            if "IM" not in scales and not contexts:
                continue
            subject, obj = occupation(code), N(f"{ID}onet/element/{element}")
            rating: list[tuple[Any, Any]] = []
            if "IM" in scales:
                rating.append((N(RG + "importance"), L(f"{scales['IM']:.2f}", datatype=XSD + "decimal")))
            if "LV" in scales:
                rating.append((N(RG + "level"), L(f"{scales['LV']:.2f}", datatype=XSD + "decimal")))
            if contexts:
                rating.append((N(RG + "score"), L(f"{scales[contexts[0]]:.2f}", datatype=XSD + "decimal")))
            yield from _statement(subject, N(RG + predicate), obj, origin, rating)
            report.imported[f"{what} ratings"] += 1
            if "IM" in scales:
                linked, why = scales["IM"] >= IMPORTANT, "importance >= 3"
            else:
                linked, why = scales[contexts[0]] >= MIDDLE[contexts[0]], "context at the middle of its scale or above"
            if linked:
                yield subject, N(RG + predicate), obj
                report.imported[f"{what} links ({why})"] += 1

    for name, predicate, what, kind, score, high in (
        ("Interests.txt", "hasInterest", "interest", "Interest", "OI", "IH"),
        ("Work Values.txt", "hasWorkValue", "work value", "WorkValue", "EX", "VH"),
    ):
        yield from _high_points(
            rows, release, descriptions, folder / name, predicate, what, kind, (score, high), strict, report
        )

    categories: dict[str, dict[str, str]] = defaultdict(dict)
    scale_names: dict[str, str] = {}
    scale_of: dict[str, str] = {}
    for _, row in rows(
        "Education, Training, and Experience Categories.txt",
        ["Element ID", "Element Name", "Scale ID", "Category", "Category Description"],
    ):
        element, scale = row["Element ID"].strip(), row["Scale ID"].strip()
        if element in PREPARATION and scale != "IM":
            categories[scale][row["Category"].strip()] = row["Category Description"].strip()
            scale_names[scale] = row["Element Name"].strip()
            scale_of[scale] = element
    shares: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    unreliable: dict[tuple[str, str], set[str]] = defaultdict(set)
    path = folder / "Education, Training, and Experience.txt"
    columns = ["O*NET-SOC Code", "Element ID", "Scale ID", "Category", "Data Value", "Recommend Suppress"]
    for line, row in rows(path.name, columns):
        element, scale = row["Element ID"].strip(), row["Scale ID"].strip()
        if element not in PREPARATION or scale == "IM":
            continue
        scale_of.setdefault(scale, element)
        code, category = row["O*NET-SOC Code"].strip(), row["Category"].strip()
        value = _number(row["Data Value"], path, line, "Data Value", strict, report)
        if value is not None and value > 0:
            shares[(scale, code)][category] = value
            if row["Recommend Suppress"].strip().upper() == "Y":
                unreliable[(scale, code)].add(category)
                what = PREPARATION[element][2]
                report.imported[f"{what} shares marked Recommend Suppress = Y (kept, noted)"] += 1
    for scale, described in sorted(categories.items()):
        for category, label in sorted(described.items(), key=lambda kv: _category_order(kv[0])):
            node = N(f"{ID}onet/education/{scale}-{category}")
            yield node, A, N(RG + PREPARATION[scale_of[scale]][1])
            # An education level names itself; "None" or "Over 1 month" needs the scale it counts on.
            yield node, LABEL, L(label if scale == "RL" else f"{scale_names[scale]}: {label}", "en")
            yield node, NOTATION, L(f"{scale}-{category}")
    origin = file_node(release, path.name)
    for (scale, code), by_category in sorted(shares.items()):
        predicate, _kind, what = PREPARATION[scale_of[scale]]
        subject = occupation(code)
        modal = min(by_category, key=lambda c: (-by_category[c], _category_order(c)))
        for category, share in sorted(by_category.items()):
            node = N(f"{ID}onet/education/{scale}-{category}")
            extra: list[tuple[Any, Any]] = [(N(RG + "percentage"), L(f"{share:.2f}", datatype=XSD + "decimal"))]
            if category in unreliable[(scale, code)]:
                note = "O*NET recommends suppressing this estimate (low precision)"
                if category == modal:
                    note += "; it is still the largest share, so the direct link points to it"
                extra.append((N(SKOS + "note"), L(note + ".", "en")))
            yield from _statement(subject, N(RG + predicate), node, origin, extra)
        yield subject, N(RG + predicate), N(f"{ID}onet/education/{scale}-{modal}")
        report.imported[f"{what} distributions"] += 1
        if modal in unreliable[(scale, code)]:
            report.imported[f"{what} links to a share marked Recommend Suppress (noted)"] += 1

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

    yield from _examples(rows, release, "Technology Skills.txt", "usesTechnology", "Skill", "technology", report)
    yield from _examples(rows, release, "Tools Used.txt", "usesTool", "Tool", "tool", report)
    yield from _emerging_tasks(rows, release, report)


Rows = Callable[[str, list[str]], Iterator[tuple[int, dict[str, str]]]]
"""A release's rows of one file (none where the file is absent), for occupations the release knows."""

PREPARATION: dict[str, tuple[str, str, str]] = {
    "2.D.1": ("requiresEducation", "EducationRequirement", "education"),
    "3.A.1": ("requiresExperience", "ExperienceRequirement", "experience"),
    "3.A.2": ("requiresTraining", "TrainingRequirement", "on-site training"),
    "3.A.3": ("requiresTraining", "TrainingRequirement", "on-the-job training"),
}
"""The element scales of Education, Training, and Experience read as category shares: property, class, name."""


def _activity_hierarchy(
    rows: Rows, activities: dict[str, str], descriptions: dict[str, str], labelled: set[str], report: ImportReport
) -> Iterator[Triple]:
    """The work-activity nodes: the Content Model's 4.A elements, then the IWAs and DWAs, each skos:broader the one
    above it; ``labelled`` receives the IRIs of the nodes made."""
    kind = N(RG + "WorkActivity")

    def activity(node: ox.NamedNode, code: str, label: str, description: str | None) -> Iterator[Triple]:
        yield node, A, kind
        yield node, LABEL, L(label, "en")
        yield node, NOTATION, L(code)
        if description:
            yield node, DESCRIPTION, L(description, "en")
        labelled.add(node.value)
        report.imported["work activities (GWA, IWA, DWA and the categories above)"] += 1

    for code, label in sorted(activities.items()):
        node = N(f"{ID}onet/element/{code}")
        yield from activity(node, code, label, descriptions.get(code))
        parent = code.rsplit(".", 1)[0]
        if parent in activities:
            yield node, BROADER, N(f"{ID}onet/element/{parent}")
    for level, name, id_column, title, above in (
        ("iwa", "IWA Reference.txt", "IWA ID", "IWA Title", ("element", "Element ID")),
        ("dwa", "DWA Reference.txt", "DWA ID", "DWA Title", ("iwa", "IWA ID")),
    ):
        for _, row in rows(name, ["Element ID", id_column, title, *([above[1]] if above[1] != "Element ID" else [])]):
            code = row[id_column].strip()
            node = N(f"{ID}onet/{level}/{code}")
            yield from activity(node, code, row[title].strip(), None)
            broader = N(f"{ID}onet/{above[0]}/{row[above[1]].strip()}")
            if broader.value in labelled:
                yield node, BROADER, broader
            else:
                report.skip(f"{level.upper()}s whose broader activity is not in the release (no skos:broader)")


def _tasks_to_dwas(
    rows: Rows, release: ox.NamedNode, tasks: set[str], dwas: set[str], report: ImportReport
) -> Iterator[Triple]:
    """Each task's duty to its DWAs, and each occupation to the DWAs of its tasks (that role link cited by Tasks to
    DWAs.txt)."""
    origin = file_node(release, "Tasks to DWAs.txt")
    involves, performs = N(RG + "involvesActivity"), N(RG + "performsActivity")
    linked: set[tuple[str, str]] = set()
    for _, row in rows("Tasks to DWAs.txt", ["O*NET-SOC Code", "Task ID", "DWA ID"]):
        code, task_id, dwa = row["O*NET-SOC Code"].strip(), row["Task ID"].strip(), row["DWA ID"].strip()
        if dwa not in dwas:
            report.skip("rows of Tasks to DWAs.txt for DWAs not in DWA Reference.txt")
            continue
        activity = N(f"{ID}onet/dwa/{dwa}")
        if task_id in tasks:
            task = N(f"{ID}onet/task/{task_id}")
            yield task, involves, activity  # a link between two concepts, uncited like skos:broader (23,000 rows)
            report.imported["task work activities (task to DWA)"] += 1
        else:
            report.skip("rows of Tasks to DWAs.txt for tasks not in Task Statements.txt (no duty link)")
        if (code, dwa) not in linked:
            linked.add((code, dwa))
            yield occupation(code), performs, activity
            yield from _statement(occupation(code), performs, activity, origin, [])
            report.imported["work activity links (the DWAs of an occupation's tasks)"] += 1


def _high_points(
    rows: Rows,
    release: ox.NamedNode,
    descriptions: dict[str, str],
    path: Path,
    predicate: str,
    what: str,
    kind: str,
    scales: tuple[str, str],
    strict: bool,
    report: ImportReport,
) -> Iterator[Triple]:
    """A profile file (Interests, Work Values): every element's score on a statement, and a link to each of the
    occupation's high points (the high-point rows' value n is the n-th element of the profile)."""
    score_scale, high_scale = scales
    elements: dict[str, str] = {}
    scores: dict[tuple[str, str], float] = {}
    ranks: dict[tuple[str, str], int] = {}
    highs: list[tuple[int, str, str, float]] = []
    columns = ["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value"]
    seen = False
    for line, row in rows(path.name, columns):
        seen = True
        if row.get("Recommend Suppress", "").strip().upper() == "Y":
            report.skip(f"{what} rows marked Recommend Suppress = Y")
            continue
        code, element, scale = row["O*NET-SOC Code"].strip(), row["Element ID"].strip(), row["Scale ID"].strip()
        value = _number(row["Data Value"], path, line, "Data Value", strict, report)
        if value is None:
            continue
        if scale == score_scale:
            elements[element] = row["Element Name"].strip()
            scores[(code, element)] = value
        elif scale == high_scale:
            highs.append((line, code, element, value))
        else:
            report.skip(f"{what} rows on other scales than {score_scale} and {high_scale} (not imported)")
    if not seen:
        return
    order = sorted(elements)
    high_elements = sorted({e for _, _, e, _ in highs})
    for _line, code, element, value in highs:
        if value == 0:
            continue  # fewer than three interests or values stand out
        number = int(value)
        if number != value or not 1 <= number <= len(order):
            report.skip(f"{what} high points that name no element of the profile")
            continue
        ranks[(code, order[number - 1])] = high_elements.index(element) + 1
    for element, label in sorted(elements.items()):
        node = N(f"{ID}onet/element/{element}")
        yield node, A, N(RG + kind)
        yield node, LABEL, L(label, "en")
        yield node, NOTATION, L(element)
        if element in descriptions:
            yield node, DESCRIPTION, L(descriptions[element], "en")
    origin = file_node(release, path.name)
    for code, element in sorted(set(scores) | set(ranks)):
        subject, obj = occupation(code), N(f"{ID}onet/element/{element}")
        extra: list[tuple[Any, Any]] = []
        if (code, element) in scores:
            extra.append((N(RG + "score"), L(f"{scores[(code, element)]:.2f}", datatype=XSD + "decimal")))
            report.imported[f"{what} scores ({score_scale})"] += 1
        if (code, element) in ranks:
            extra.append((N(RG + "highPoint"), L(str(ranks[(code, element)]), datatype=XSD + "integer")))
            yield subject, N(RG + predicate), obj
            report.imported[f"{what} links (high points, {high_scale})"] += 1
        yield from _statement(subject, N(RG + predicate), obj, origin, extra)


def _examples(
    rows: Rows, release: ox.NamedNode, name: str, predicate: str, kind: str, what: str, report: ImportReport
) -> Iterator[Triple]:
    """Technology Skills or Tools Used: one node per example name (the same product under two commodity codes is
    one node, skos:broader both), linked from each occupation once."""
    commodities: set[str] = set()
    products: set[str] = set()
    classes: set[tuple[str, str]] = set()
    links: set[tuple[str, str]] = set()
    origin = file_node(release, name)
    for _, row in rows(name, ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title"]):
        code, commodity, example = row["O*NET-SOC Code"].strip(), row["Commodity Code"].strip(), row["Example"].strip()
        node = technology(example) if what == "technology" else tool(example)
        if commodity not in commodities:
            commodities.add(commodity)
            yield N(f"{ID}onet/technology/{commodity}"), LABEL, L(row["Commodity Title"].strip(), "en")
        if example not in products:
            products.add(example)
            yield node, A, N(RG + kind)
            yield node, LABEL, L(example, "en")
            report.imported[f"{what} products" if what == "technology" else "tools"] += 1
        if (example, commodity) not in classes:
            classes.add((example, commodity))
            yield node, BROADER, N(f"{ID}onet/technology/{commodity}")
        if (code, example) in links:
            report.skip(f"{what} rows repeating a link (the product under another commodity class)")
            continue
        links.add((code, example))
        yield occupation(code), N(RG + predicate), node
        yield from _statement(occupation(code), N(RG + predicate), node, origin, [])
        report.imported[f"{what} links"] += 1


def _emerging_tasks(rows: Rows, release: ox.NamedNode, report: ImportReport) -> Iterator[Triple]:
    """Emerging Tasks: a duty per task, its statement marked rg:emerging with a note on what it is."""
    origin = file_node(release, "Emerging Tasks.txt")
    for _, row in rows("Emerging Tasks.txt", ["O*NET-SOC Code", "Task", "Category", "Original Task ID"]):
        if row.get("Recommend Suppress", "").strip().upper() == "Y":
            report.skip("emerging tasks marked Recommend Suppress = Y")
            continue
        code, text = row["O*NET-SOC Code"].strip(), row["Task"].strip()
        digest = hashlib.sha1(f"{code}\x00{text}".encode()).hexdigest()[:12]
        task = N(f"{ID}onet/emerging-task/{digest}")
        yield task, A, N(RG + "Duty")
        yield task, LABEL, L(text, "en")
        subject = occupation(code)
        yield subject, N(RG + "hasDuty"), task
        original = row["Original Task ID"].strip()
        if row["Category"].strip().lower() == "revision" and original.isdigit():
            note = f"Emerging task: a revision of O*NET task {original}."
        else:
            note = "Emerging task: new to the occupation."
        extra = [(N(RG + "taskType"), N(RG + "emerging")), (N(SKOS + "note"), L(note, "en"))]
        yield from _statement(subject, N(RG + "hasDuty"), task, origin, extra)
        report.imported["emerging tasks (duties)"] += 1


def _category_order(category: str) -> int:
    return int(category) if category.isdigit() else 0


def technology(example: str) -> ox.NamedNode:
    """The node of a technology product, by its name (the same product under two commodity codes is one node)."""
    return N(f"{ID}onet/technology/product-{hashlib.sha1(example.encode()).hexdigest()[:12]}")


def tool(example: str) -> ox.NamedNode:
    """The node of a tool, by its name (the same tool under two commodity codes is one node)."""
    return N(f"{ID}onet/tool/product-{hashlib.sha1(example.encode()).hexdigest()[:12]}")
