"""The ESCO importer's skill pillar on the small fixture (tests/data/esco-mini): skill groups in ESCO's skill scheme,
the broader links of the pillar and the hierarchy, skill-skill relations and collections, each link cited by the
file it was read from; rows naming unknown concepts skipped and counted; a release without these files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from rolegraph.importers.esco import COLLECTIONS, SKILL_PILLAR_FILES, esco_triples
from rolegraph.importers.report import ImportReport

from ..conftest import DATA

ID = "https://w3id.org/rolegraph/id/"
RG = "https://w3id.org/rolegraph/vocab#"
ESCO_MODEL = "http://data.europa.eu/esco/model#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKILL = "http://data.europa.eu/esco/skill/"
BUDGETS = SKILL + "21c5790c-0930-4d74-b3b0-84caf5af12ea"
ESCO = DATA / "esco-mini"
PREFIXES = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <{SKOS}>
PREFIX esco: <{ESCO_MODEL}>
"""


@pytest.fixture(scope="module")
def imported() -> tuple[ox.Store, ImportReport]:
    report = ImportReport("ESCO", "v9")
    store = ox.Store()
    store.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in esco_triples(ESCO, report))
    return store, report


def objects(store: ox.Store, subject: str, predicate: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)}


def rows(store: ox.Store, query: str) -> set[tuple[str, ...]]:
    return {tuple(term.value for term in solution) for solution in store.query(PREFIXES + query)}  # type: ignore[union-attr]


def cited_by(store: ox.Store, predicate: str) -> set[tuple[str, str, str, str]]:
    """(subject, object, file title, release) of every statement about ``predicate`` links."""
    return rows(
        store,
        f"""SELECT ?s ?o ?file ?release WHERE {{
            ?st rdf:subject ?s ; rdf:predicate <{predicate}> ; rdf:object ?o ;
                prov:wasDerivedFrom ?f . ?f dcterms:title ?file ; dcterms:isPartOf ?release .
            ?release a prov:Entity }}""",
    )


def test_skill_groups_are_concepts_of_the_skill_scheme(imported: tuple[ox.Store, ImportReport]) -> None:
    store, report = imported
    groups = rows(
        store, "SELECT ?g WHERE { ?g a esco:SkillGroup , skos:Concept ; skos:inScheme ?s . ?s a skos:ConceptScheme }"
    )
    assert groups == {(SKILL + "g-skills",), (SKILL + "g-management",), (SKILL + "g-budgets-staff",),
                      ("http://data.europa.eu/esco/isced-f/04",)}  # fmt: skip
    assert report.imported["skill groups"] == 4
    management = SKILL + "g-management"  # its IRI and label have stray spaces in the file
    assert objects(store, management, RDFS + "label") == {"management skills"}
    assert objects(store, management, SKOS + "altLabel") == {"managing", "leading"}
    assert objects(store, management, SKOS + "notation") == {"S4"}  # the code is skillsHierarchy_en.csv's
    assert objects(store, management, SKOS + "scopeNote") == {"Excludes: budgeting."}
    assert objects(store, SKILL + "g-skills", SKOS + "notation") == {"S"}
    assert objects(store, SKILL + "g-skills", SKOS + "topConceptOf") == {
        "http://data.europa.eu/esco/concept-scheme/skills"
    }
    # a group only the hierarchy lists: labelled and coded from it
    assert objects(store, SKILL + "g-budgets-staff", RDFS + "label") == {"managing budgets and staff"}
    assert objects(store, SKILL + "g-budgets-staff", SKOS + "notation") == {"S4.1"}
    derived = rows(store, "SELECT ?g ?file WHERE { ?g a esco:SkillGroup ; prov:wasDerivedFrom/dcterms:title ?file }")
    assert derived == {(SKILL + "g-skills", "skillGroups_en.csv"), (management, "skillGroups_en.csv"),
                       ("http://data.europa.eu/esco/isced-f/04", "skillGroups_en.csv"),
                       (SKILL + "g-budgets-staff", "skillsHierarchy_en.csv")}  # fmt: skip


def test_the_pillar_and_the_hierarchy_give_cited_broader_links(imported: tuple[ox.Store, ImportReport]) -> None:
    store, report = imported
    assert objects(store, BUDGETS, SKOS + "broader") == {SKILL + "g-budgets-staff"}
    assert objects(store, SKILL + "staff", SKOS + "broader") == {SKILL + "g-budgets-staff"}
    assert objects(store, SKILL + "copyright", SKOS + "broader") == {"http://data.europa.eu/esco/isced-f/04"}
    assert objects(store, SKILL + "g-budgets-staff", SKOS + "broader") == {SKILL + "g-management"}
    assert (
        report.skipped[
            "broader relations of broaderRelationsSkillPillar.csv to skills or groups the release does not list"
        ]
        == 1
    )
    release = ID + "source/esco/v9"
    pillar = {
        (s, o) for s, o, file, _ in cited_by(store, SKOS + "broader") if file == "broaderRelationsSkillPillar.csv"
    }
    hierarchy = {(s, o) for s, o, file, _ in cited_by(store, SKOS + "broader") if file == "skillsHierarchy_en.csv"}
    assert len(pillar) == report.imported["skill pillar broader links"] == 5
    assert hierarchy == {
        (SKILL + "g-management", SKILL + "g-skills"),
        (SKILL + "g-budgets-staff", SKILL + "g-management"),
    }
    assert {r for *_, r in cited_by(store, SKOS + "broader")} == {release}
    uncited = rows(
        store,
        """SELECT ?s ?o WHERE {
        ?s skos:broader ?o . { ?s a esco:Skill } UNION { ?s a esco:SkillGroup }
        FILTER NOT EXISTS {
            ?st rdf:subject ?s ; rdf:predicate skos:broader ; rdf:object ?o ; prov:wasDerivedFrom ?f
        } }""",
    )
    assert uncited == set()


def test_skill_skill_relations_are_escos_and_skos_related(imported: tuple[ox.Store, ImportReport]) -> None:
    store, report = imported
    assert objects(store, BUDGETS, ESCO_MODEL + "relatedEssentialSkill") == {SKILL + "staff"}
    assert objects(store, SKILL + "copyright", ESCO_MODEL + "relatedOptionalSkill") == {BUDGETS}  # "optional " trimmed
    assert objects(store, SKILL + "copyright", SKOS + "related") == {BUDGETS}
    assert {(s, o, f) for s, o, f, _ in cited_by(store, SKOS + "related")} == {
        (BUDGETS, SKILL + "staff", "skillSkillRelations.csv"),
        (SKILL + "copyright", BUDGETS, "skillSkillRelations.csv"),
    }
    assert report.imported["essential skill-skill relations"] == report.imported["optional skill-skill relations"] == 1
    assert report.skipped["relations of skillSkillRelations.csv to skills not in skills_en.csv"] == 1
    # a skill-skill relation is no role link: the skill is not a role and gains no rg:requiresSkill
    assert objects(store, BUDGETS, RG + "requiresSkill") == set()


def test_collections_list_their_members(imported: tuple[ox.Store, ImportReport]) -> None:
    store, report = imported
    found = rows(store, f"SELECT ?c ?l ?m WHERE {{ ?c a skos:Collection ; <{RDFS}label> ?l ; skos:member ?m }}")
    assert found == {
        (ID + "esco/collection/transversal", "ESCO transversal skills and competences", SKILL + "staff"),
        (ID + "esco/collection/digital", "ESCO digital skills", BUDGETS),
        (ID + "esco/collection/digital", "ESCO digital skills", SKILL + "copyright"),
        (ID + "esco/collection/research-occupations", "ESCO research occupations", "http://data.europa.eu/esco/occupation/p1"),
    }  # fmt: skip
    cited = {(c, m, f) for c, m, f, _ in cited_by(store, SKOS + "member")}
    files = {f"{ID}esco/collection/{key}": name for name, key, *_ in COLLECTIONS}
    assert cited == {(c, m, files[c]) for c, _, m in found}
    assert report.skipped["members of transversalSkillsCollection_en.csv not in skills_en.csv"] == 1
    assert "greenSkillsCollection_en.csv" in report.files_missing


def test_a_release_without_the_skill_pillar_files_imports_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "v9"
    shutil.copytree(ESCO, folder)
    for name in (*SKILL_PILLAR_FILES, *(c[0] for c in COLLECTIONS)):
        (folder / name).unlink(missing_ok=True)
    report = ImportReport("ESCO", "v9")
    store = ox.Store()
    store.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in esco_triples(folder, report))
    assert report.imported["occupations"] == 3 and report.imported["essential skill relations"] == 4
    assert not any("skill group" in what or "collection" in what or "skill-skill" in what for what in report.imported)
    assert set(SKILL_PILLAR_FILES) <= set(report.files_missing)
    assert "Optional files not in the release (skipped): " in "\n".join(report.lines())
    assert (
        rows(
            store,
            "SELECT ?g WHERE { { ?g a esco:SkillGroup } UNION { ?g a skos:Collection } "
            "UNION { ?g a esco:Skill ; skos:broader ?b } }",
        )
        == set()
    )


def test_the_hierarchy_file_may_leave_out_trailing_empty_cells(tmp_path: Path) -> None:
    folder = tmp_path / "v9"
    shutil.copytree(ESCO, folder)
    hierarchy = folder / "skillsHierarchy_en.csv"
    text = hierarchy.read_text(encoding="utf-8")
    assert text.splitlines()[1].count(",") == 10  # the level 0 row has 11 fields of 14, as in the real release
    hierarchy.write_text(text + f"{SKILL}g-skills,skills,{SKILL}g-x,extra,,,,,,,S,S9,,,,\n", encoding="utf-8")
    report = ImportReport("ESCO", "v9")
    list(esco_triples(folder, report))
    assert report.skipped["rows with the wrong number of fields in skillsHierarchy_en.csv"] == 1  # too many fields
    assert report.imported["skill groups"] == 4


def test_a_group_without_a_label_and_a_collection_without_known_members_are_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "v9"
    shutil.copytree(ESCO, folder)
    with (folder / "skillGroups_en.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"SkillGroup,{SKILL}g-unnamed,  ,,,released,,,,,S8\n")
    (folder / "greenSkillsCollection_en.csv").write_text(
        "conceptType,conceptUri,preferredLabel\nKnowledgeSkillCompetence,http://data.europa.eu/esco/skill/nowhere,x\n",
        encoding="utf-8",
    )
    report = ImportReport("ESCO", "v9")
    store = ox.Store()
    store.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in esco_triples(folder, report))
    assert report.skipped["rows of skillGroups_en.csv without a group IRI or label, or repeating a group"] == 1
    assert report.skipped["members of greenSkillsCollection_en.csv not in skills_en.csv"] == 1
    assert objects(store, SKILL + "g-unnamed", RDFS + "label") == set()
    assert rows(store, f"SELECT ?p WHERE {{ <{ID}esco/collection/green> ?p ?o }}") == set()
    assert report.imported["skill groups"] == 4
