"""rolegraph.importers.onet on the O*NET 99.9 fixture: the files that relate occupations (work activities and their
hierarchy, Tasks to DWAs, the optional rating files, Work Styles, Work Values, Interests, Tools Used, Emerging Tasks,
the experience and training scales): each file's facts land, cited by that file, suppressed rows are not facts, and
an absent optional file is skipped with a note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import rolegraph
from rolegraph.display import comparison_text
from rolegraph.importers.onet import onet_release, onet_triples, tool
from rolegraph.importers.report import ImportReport

from ..conftest import DATA

ID = "https://w3id.org/rolegraph/id/"
RG = "https://w3id.org/rolegraph/vocab#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
ONET = DATA / "onet-mini"
PRODUCERS, INDUSTRIAL = ID + "onet/occupation/27-2012.00", ID + "onet/occupation/11-3051.00"
COORDINATE, BUDGETS = ID + "onet/dwa/4.A.4.b.1.I01.D01", ID + "onet/dwa/4.A.4.c.3.I02.D01"


def imported(folder: Path) -> tuple[ox.Store, ImportReport]:
    report = ImportReport("O*NET", onet_release(folder))
    store = ox.Store()
    store.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in onet_triples(folder, report))
    return store, report


@pytest.fixture(scope="module")
def onet() -> tuple[ox.Store, ImportReport]:
    return imported(ONET)


def objects(store: ox.Store, subject: str, predicate: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)}


NUMBERS = ("importance", "level", "score", "highPoint", "percentage")


def statement(store: ox.Store, subject: str, predicate: str, obj: str) -> dict[str, object]:
    """The file the statement of one link cites, with its weights (as numbers), note and task type; {} where the
    link has no statement."""
    rows = list(
        store.query(f"""
        SELECT ?file ?p ?o WHERE {{
            ?s <{RDF}subject> <{subject}> ; <{RDF}predicate> <{predicate}> ; <{RDF}object> <{obj}> ;
               <{PROV}wasDerivedFrom> ?origin .
            ?origin <{DCTERMS}title> ?file .
            OPTIONAL {{
                ?s ?p ?o .
                FILTER(?p IN (<{RG}importance>, <{RG}level>, <{RG}score>, <{RG}highPoint>, <{RG}percentage>,
                              <{SKOS}note>, <{RG}taskType>))
            }}
        }}""")
    )
    found: dict[str, object] = {"file": rows[0]["file"].value} if rows else {}  # type: ignore[index]
    for row in rows:
        if row["p"] is not None:  # type: ignore[index]
            name, value = row["p"].value.rsplit("#", 1)[1], row["o"].value  # type: ignore[index]
            found[name] = float(value) if name in NUMBERS else value
    return found


def test_work_activities_form_a_hierarchy_from_dwa_to_the_content_model(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    chain = [COORDINATE]
    while broader := objects(store, chain[-1], SKOS + "broader"):
        (above,) = broader
        chain.append(above)
    assert chain == [
        COORDINATE,
        ID + "onet/iwa/4.A.4.b.1.I01",
        ID + "onet/element/4.A.4.b.1",
        ID + "onet/element/4.A.4.b",
        ID + "onet/element/4.A.4",
        ID + "onet/element/4.A",
    ]
    for node in chain:
        assert objects(store, node, RDF + "type") == {RG + "WorkActivity"}
        assert len(objects(store, node, RDFS + "label")) == 1
    assert objects(store, COORDINATE, SKOS + "notation") == {"4.A.4.b.1.I01.D01"}
    assert objects(store, COORDINATE, RDFS + "label") == {"Coordinate production activities."}
    assert objects(store, ID + "onet/iwa/4.A.4.b.1.I01", SKOS + "notation") == {"4.A.4.b.1.I01"}
    # A DWA whose IWA the release does not list is still an activity, with no broader link.
    assert objects(store, ID + "onet/dwa/4.A.4.c.3.I99.D01", SKOS + "broader") == set()
    assert report.skipped["DWAs whose broader activity is not in the release (no skos:broader)"] == 1


def test_duties_link_their_dwas_and_occupations_share_them(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    assert objects(store, ID + "onet/task/1", RG + "involvesActivity") == {COORDINATE}
    assert objects(store, ID + "onet/task/2", RG + "involvesActivity") == {COORDINATE, BUDGETS}
    assert objects(store, ID + "onet/task/3", RG + "involvesActivity") == {COORDINATE}
    assert objects(store, PRODUCERS, RG + "performsActivity") >= {COORDINATE, BUDGETS}
    # Task 999 is not in Task Statements.txt: the occupation still does its DWA, no duty node is made.
    assert BUDGETS in objects(store, INDUSTRIAL, RG + "performsActivity")
    assert objects(store, ID + "onet/task/999", RDF + "type") == set()
    assert report.skipped["rows of Tasks to DWAs.txt for tasks not in Task Statements.txt (no duty link)"] == 1
    assert report.skipped["rows of Tasks to DWAs.txt for DWAs not in DWA Reference.txt"] == 1
    # Two tasks of 27-2012.00 lead to the same DWA: one link.
    assert report.imported["work activity links (the DWAs of an occupation's tasks)"] == 4
    assert statement(store, PRODUCERS, RG + "performsActivity", COORDINATE) == {"file": "Tasks to DWAs.txt"}


@pytest.mark.parametrize(
    ("predicate", "obj", "file"),
    [
        ("performsActivity", COORDINATE, "Tasks to DWAs.txt"),
        ("performsActivity", ID + "onet/element/4.A.4.b.1", "Work Activities.txt"),
        ("requiresAbility", ID + "onet/element/1.A.1.a.1", "Abilities.txt"),
        ("hasWorkContext", ID + "onet/element/4.C.1.a.2.l", "Work Context.txt"),
        ("hasWorkStyle", ID + "onet/element/1.C.1.a", "Work Styles.txt"),
        ("hasWorkValue", ID + "onet/element/1.B.2.c", "Work Values.txt"),
        ("hasInterest", ID + "onet/element/1.B.1.c", "Interests.txt"),
        ("usesTool", tool("Video cameras").value, "Tools Used.txt"),
        ("requiresExperience", ID + "onet/education/RW-7", "Education, Training, and Experience.txt"),
        ("requiresTraining", ID + "onet/education/OJ-5", "Education, Training, and Experience.txt"),
    ],
)
def test_each_new_link_lands_and_cites_its_file(
    onet: tuple[ox.Store, ImportReport], predicate: str, obj: str, file: str
) -> None:
    store, _ = onet
    assert obj in objects(store, PRODUCERS, RG + predicate)
    assert statement(store, PRODUCERS, RG + predicate, obj)["file"] == file
    release = {
        q.object.value
        for q in store.quads_for_pattern(None, ox.NamedNode(DCTERMS + "title"), ox.Literal(file))
        for q in store.quads_for_pattern(q.subject, ox.NamedNode(DCTERMS + "isPartOf"), None)
    }
    assert release == {ID + "source/onet/99.9"}


def test_rating_files_weigh_like_skills_and_honour_suppression(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    gwa = ID + "onet/element/4.A.4.b.1"
    assert statement(store, PRODUCERS, RG + "performsActivity", gwa) == {
        "importance": 4.4,
        "level": 5.1,
        "file": "Work Activities.txt",
    }
    # 11-3051.00's importance of Monitoring and Controlling Resources is suppressed: no rating, no link.
    monitoring = ID + "onet/element/4.A.4.c.3"
    assert monitoring not in objects(store, INDUSTRIAL, RG + "performsActivity")
    assert statement(store, INDUSTRIAL, RG + "performsActivity", monitoring) == {}
    assert report.skipped["work activity ratings (IM or LV rows) marked Recommend Suppress = Y"] == 1
    # Abilities: rated below 3 is a rating without a link; suppressed is neither.
    strength = ID + "onet/element/1.A.3.a.1"
    assert strength not in objects(store, PRODUCERS, RG + "requiresAbility")
    assert statement(store, PRODUCERS, RG + "requiresAbility", strength)["importance"] == 1.62
    assert statement(store, INDUSTRIAL, RG + "requiresAbility", strength) == {}
    assert objects(store, strength, RDF + "type") == {RG + "Ability"}
    # Work styles: 2.50 is rated, not linked; Cooperation's only row is suppressed.
    effort, cooperation = ID + "onet/element/1.C.1.a", ID + "onet/element/1.C.4.a"
    assert effort not in objects(store, INDUSTRIAL, RG + "hasWorkStyle")
    assert statement(store, INDUSTRIAL, RG + "hasWorkStyle", effort)["importance"] == 2.5
    assert cooperation not in objects(store, PRODUCERS, RG + "hasWorkStyle")
    assert statement(store, PRODUCERS, RG + "hasWorkStyle", cooperation) == {}


def test_work_context_scores_link_from_the_middle_of_the_scale(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    discussions, outdoors = ID + "onet/element/4.C.1.a.2.l", ID + "onet/element/4.C.2.a.1.c"
    assert discussions in objects(store, INDUSTRIAL, RG + "hasWorkContext")
    assert statement(store, PRODUCERS, RG + "hasWorkContext", discussions)["score"] == 4.8
    assert outdoors not in objects(store, PRODUCERS, RG + "hasWorkContext")  # 2.10 of 1 to 5
    assert statement(store, PRODUCERS, RG + "hasWorkContext", outdoors)["score"] == 2.1
    assert statement(store, INDUSTRIAL, RG + "hasWorkContext", outdoors) == {}  # suppressed
    assert objects(store, outdoors, RDF + "type") == {RG + "WorkContext"}
    assert report.skipped["work context rows on other scales than IM, LV, CX and CT (not imported)"] == 1


def test_interests_are_a_profile_with_high_point_links(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    riasec = {letter: ID + f"onet/element/1.B.1.{letter}" for letter in "abcdef"}
    assert objects(store, PRODUCERS, RG + "hasInterest") == {riasec["c"], riasec["e"]}  # Artistic, Enterprising
    assert objects(store, INDUSTRIAL, RG + "hasInterest") == {riasec["e"], riasec["a"], riasec["f"]}
    assert statement(store, PRODUCERS, RG + "hasInterest", riasec["c"]) == {
        "score": 6.8,
        "highPoint": 1.0,
        "file": "Interests.txt",
    }
    assert statement(store, PRODUCERS, RG + "hasInterest", riasec["e"])["highPoint"] == 2.0
    assert statement(store, INDUSTRIAL, RG + "hasInterest", riasec["f"])["highPoint"] == 3.0
    # The whole profile is there, also where no link is made.
    assert statement(store, PRODUCERS, RG + "hasInterest", riasec["a"]) == {"score": 1.5, "file": "Interests.txt"}
    assert report.imported["interest scores (OI)"] == 12
    assert objects(store, riasec["c"], RDFS + "label") == {"Artistic"}
    assert objects(store, riasec["c"], RDF + "type") == {RG + "Interest"}
    # The high-point elements themselves are not interests.
    assert objects(store, ID + "onet/element/1.B.1.g", RDF + "type") == set()


def test_work_values_link_their_high_points(onet: tuple[ox.Store, ImportReport]) -> None:
    store, _ = onet
    achievement, recognition = ID + "onet/element/1.B.2.a", ID + "onet/element/1.B.2.c"
    assert objects(store, PRODUCERS, RG + "hasWorkValue") == {recognition, achievement}
    assert statement(store, PRODUCERS, RG + "hasWorkValue", recognition)["highPoint"] == 1.0
    assert statement(store, PRODUCERS, RG + "hasWorkValue", achievement)["highPoint"] == 2.0
    assert statement(store, PRODUCERS, RG + "hasWorkValue", ID + "onet/element/1.B.2.e")["score"] == 3.5


def test_tools_are_one_node_per_name(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    desktop = tool("Desktop computers").value
    assert objects(store, PRODUCERS, RG + "usesTool") == {desktop, tool("Video cameras").value}
    assert objects(store, INDUSTRIAL, RG + "usesTool") == {desktop}
    assert objects(store, desktop, RDF + "type") == {RG + "Tool"}
    classes = {ID + "onet/technology/43211507", ID + "onet/technology/43211508"}
    assert objects(store, desktop, SKOS + "broader") == classes
    assert report.imported["tools"] == 2
    assert report.skipped["tool rows repeating a link (the product under another commodity class)"] == 1


def test_emerging_tasks_are_duties_marked_emerging(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    (new,) = [d for d in objects(store, PRODUCERS, RG + "hasDuty") if "/emerging-task/" in d]
    assert objects(store, new, RDFS + "label") == {"Plan productions for streaming platforms."}
    assert statement(store, PRODUCERS, RG + "hasDuty", new) == {
        "taskType": RG + "emerging",
        "note": "Emerging task: new to the occupation.",
        "file": "Emerging Tasks.txt",
    }
    (revised,) = [d for d in objects(store, INDUSTRIAL, RG + "hasDuty") if "/emerging-task/" in d]
    assert statement(store, INDUSTRIAL, RG + "hasDuty", revised)["note"] == "Emerging task: a revision of O*NET task 3."
    assert report.imported["emerging tasks (duties)"] == 2


def test_experience_and_training_are_shares_like_education(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    assert objects(store, PRODUCERS, RG + "requiresExperience") == {ID + "onet/education/RW-7"}
    training = {ID + "onet/education/PT-1", ID + "onet/education/OJ-5"}
    assert objects(store, PRODUCERS, RG + "requiresTraining") == training
    assert statement(store, PRODUCERS, RG + "requiresExperience", ID + "onet/education/RW-7")["percentage"] == 60.0
    suppressed = statement(store, PRODUCERS, RG + "requiresExperience", ID + "onet/education/RW-8")
    assert suppressed["percentage"] == 30.0
    assert suppressed["note"].startswith("O*NET recommends suppressing this estimate")
    assert statement(store, PRODUCERS, RG + "requiresTraining", ID + "onet/education/OJ-1") == {}  # 0 %: not reported
    assert objects(store, ID + "onet/education/RW-7", RDFS + "label") == {
        "Related Work Experience: Over 2 years, up to and including 4 years"
    }
    assert objects(store, ID + "onet/education/PT-1", RDF + "type") == {RG + "TrainingRequirement"}
    assert objects(store, ID + "onet/education/RW-1", RDF + "type") == {RG + "ExperienceRequirement"}
    assert objects(store, ID + "onet/education/RL-6", RDFS + "label") == {"Bachelor's Degree"}  # unchanged
    assert report.imported["experience shares marked Recommend Suppress = Y (kept, noted)"] == 1
    assert report.imported["on-the-job training distributions"] == 1


OPTIONAL_RATINGS = ("Work Activities.txt", "Abilities.txt", "Work Context.txt")


def test_absent_optional_files_are_skipped_with_a_note(tmp_path: Path) -> None:
    folder = tmp_path / "onet"
    shutil.copytree(ONET, folder)
    for name in (*OPTIONAL_RATINGS, "Tasks to DWAs.txt", "Interests.txt", "Tools Used.txt"):
        (folder / name).unlink()
    store, report = imported(folder)
    for name in (*OPTIONAL_RATINGS, "Tasks to DWAs.txt", "Interests.txt", "Tools Used.txt"):
        assert name in report.files_missing
    (note,) = [line for line in report.lines() if line.startswith("Optional files not in the release")]
    assert all(name in note for name in OPTIONAL_RATINGS)
    for predicate in ("requiresAbility", "hasWorkContext", "performsActivity", "hasInterest", "usesTool"):
        assert not list(store.quads_for_pattern(None, ox.NamedNode(RG + predicate), None)), predicate
    # What the other files bring is unchanged.
    assert objects(store, PRODUCERS, RG + "hasWorkValue") == {ID + "onet/element/1.B.2.a", ID + "onet/element/1.B.2.c"}
    assert not list(store.quads_for_pattern(None, ox.NamedNode(DCTERMS + "title"), ox.Literal("Abilities.txt")))


def test_compare_and_show_give_the_new_categories_with_weights(mini_store: Path) -> None:
    with rolegraph.open_store(mini_store) as store:
        comparison = store.compare("27-2012.00", "11-3051.00")
        profile = store.profile("27-2012.00")
    activities = comparison.category("work activities")
    shared = {n.iri: n for n in activities.shared}
    assert set(shared) == {COORDINATE, BUDGETS, ID + "onet/element/4.A.4.b.1"}
    assert shared[ID + "onet/element/4.A.4.b.1"].weights == {
        PRODUCERS: {"importance": 4.4, "level": 5.1},
        INDUSTRIAL: {"importance": 4.1, "level": 4.6},
    }
    (enterprising,) = comparison.category("interests").shared
    assert enterprising.weights == {
        PRODUCERS: {"score": 6.2, "high_point": 2},
        INDUSTRIAL: {"score": 5.9, "high_point": 1},
    }
    for category in ("abilities", "work styles", "work values", "work context", "tools", "experience", "training"):
        assert comparison.category(category).size > 0, category
    text = comparison_text(comparison)
    assert "Enterprising  (score 6.20 / 5.90, high point 2 / 1)" in text
    assert "Coordinate production activities." in text
    by_category = profile.by_category()
    assert [e.label for e in by_category["Interests"]] == ["Artistic", "Enterprising"]  # high points in order
    assert by_category["Interests"][0].weight_text == "score 6.80, high point 1"
    assert {"Work activities", "Abilities", "Work styles", "Work values", "Work context", "Tools"} <= set(by_category)
    assert [e.weight_text for e in by_category["Experience"]] == ["60.00 % of respondents"]
    (emerging,) = [e for e in by_category["Duties"] if "streaming" in e.label]
    assert "note: Emerging task: new to the occupation." in emerging.details
    (cited,) = {str(c) for c in by_category["Tools"][0].citations}
    assert cited.endswith("Tools Used.txt")
