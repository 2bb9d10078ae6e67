"""The importers on small fixtures in the O*NET and ESCO layouts: what is asserted, what is skipped, and the
errors bad files give."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

import rolegraph
from rolegraph.errors import InputError
from rolegraph.importers.crosswalk import crosswalk_triples, detect_layout
from rolegraph.importers.esco import RENAMED_IN_V1_2, esco_triples
from rolegraph.importers.onet import onet_release, onet_triples
from rolegraph.importers.report import ImportReport
from rolegraph.importers.tabular import RowError
from rolegraph.sparql.engines import select

from ..conftest import DATA

ID = "https://w3id.org/rolegraph/id/"
RG = "https://w3id.org/rolegraph/vocab#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PROV = "http://www.w3.org/ns/prov#"
ONET, ESCO = DATA / "onet-mini", DATA / "esco-mini"


def store_of(triples: Iterator[tuple[object, object, object]]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in triples)  # type: ignore[arg-type]
    return store


def objects(store: ox.Store, subject: str, predicate: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)}


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(query))


@pytest.fixture(scope="module")
def onet() -> tuple[ox.Store, ImportReport]:
    report = ImportReport("O*NET", onet_release(ONET))
    return store_of(onet_triples(ONET, report)), report


def test_onet_release_number_comes_from_the_read_me() -> None:
    assert onet_release(ONET) == "99.9"


def test_onet_occupations_titles_and_tasks(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    producers = ID + "onet/occupation/27-2012.00"
    assert report.imported["occupations"] == 3
    assert objects(store, producers, "http://www.w3.org/2004/02/skos/core#notation") == {"27-2012.00"}
    assert objects(store, producers, SKOS + "altLabel") == {"Producer", "Production Manager"}
    tasks = {duty for duty in objects(store, producers, RG + "hasDuty") if "/onet/task/" in duty}
    assert tasks == {ID + "onet/task/1", ID + "onet/task/2"}
    assert ask(
        store,
        f"ASK {{ ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> <{ID}onet/task/2> ;"
        f" <{RG}taskType> <{RG}supplemental> }}",
    )
    assert report.skipped["rows of Alternate Titles.txt for occupations not in Occupation Data.txt"] == 1


def test_onet_ratings_threshold_and_suppression(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    producers, industrial = ID + "onet/occupation/27-2012.00", ID + "onet/occupation/11-3051.00"
    assert objects(store, producers, RG + "requiresSkill") == {
        ID + "onet/element/2.A.1.b",
        ID + "onet/element/2.B.5.b",
        ID + "onet/element/2.A.1.d",
    }
    assert objects(store, industrial, RG + "requiresSkill") == {ID + "onet/element/2.A.1.b"}
    assert objects(store, producers, RG + "requiresKnowledge") == {ID + "onet/element/2.C.7.c"}
    assert objects(store, industrial, RG + "requiresKnowledge") == set()
    rating = next(iter(store.query(
        f"SELECT ?im ?lv WHERE {{ ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{producers}> ;"
        f" <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> <{ID}onet/element/2.A.2.a> ;"
        f" <{RG}importance> ?im ; <{RG}level> ?lv }}"
    )))  # fmt: skip
    assert (float(rating["im"].value), float(rating["lv"].value)) == (2.5, 3.0)
    assert report.imported["skill ratings"] == 5
    assert report.skipped["skill ratings (IM or LV rows) marked Recommend Suppress = Y"] == 3
    assert report.skipped["knowledge ratings (IM or LV rows) marked Recommend Suppress = Y"] == 0


def test_onet_suppression_drops_only_the_row_it_is_on(onet: tuple[ox.Store, ImportReport]) -> None:
    store, _ = onet
    producers, speaking = ID + "onet/occupation/27-2012.00", ID + "onet/element/2.A.1.d"
    # Speaking: IM 3.25 published, LV suppressed. The importance and its link stay; the level is not asserted.
    assert speaking in objects(store, producers, RG + "requiresSkill")
    rows = list(store.query(
        f"SELECT ?im ?lv WHERE {{ ?s <{RDF}subject> <{producers}> ; <{RDF}object> <{speaking}> ;"
        f" <{RG}importance> ?im . OPTIONAL {{ ?s <{RG}level> ?lv }} }}"
    ))  # fmt: skip
    assert [(float(r["im"].value), r["lv"]) for r in rows] == [(3.25, None)]
    # Both rows suppressed: neither the rating nor the link.
    industrial = ID + "onet/occupation/11-3051.00"
    assert ID + "onet/element/2.B.5.b" not in objects(store, industrial, RG + "requiresSkill")


def test_onet_knowledge_areas_are_their_own_class(onet: tuple[ox.Store, ImportReport]) -> None:
    store, _ = onet
    assert objects(store, ID + "onet/element/2.C.7.c", RDF + "type") == {RG + "KnowledgeArea"}
    assert objects(store, ID + "onet/element/2.A.1.b", RDF + "type") == {RG + "Skill"}


def test_onet_education_job_zone_related_technology(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    producers = ID + "onet/occupation/27-2012.00"
    assert objects(store, producers, RG + "requiresEducation") == {ID + "onet/education/RL-6"}
    assert objects(store, producers, RG + "jobZone") == {"4"}
    assert objects(store, producers, RG + "relatedOccupation") == {ID + "onet/occupation/11-3051.00"}
    assert report.skipped["related occupations not in Occupation Data.txt"] == 1
    assert len(objects(store, producers, RG + "usesTechnology")) == 2


def test_onet_most_reported_education_counts_suppressed_shares(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    industrial = ID + "onet/occupation/11-3051.00"
    # 48.0 % (suppressed), 42.8 % (suppressed), 8.9 %: the largest share wins, suppressed or not, and says so.
    assert objects(store, industrial, RG + "requiresEducation") == {ID + "onet/education/RL-2"}
    shares = {
        (r["c"].value.rsplit("/", 1)[1], float(r["share"].value), r["note"].value if r["note"] else None)
        for r in store.query(
            f"SELECT ?c ?share ?note WHERE {{ ?s <{RDF}subject> <{industrial}> ;"
            f" <{RDF}predicate> <{RG}requiresEducation> ; <{RDF}object> ?c ; <{RG}percentage> ?share ."
            f" OPTIONAL {{ ?s <{SKOS}note> ?note }} }}"
        )
    }
    suppressed = "O*NET recommends suppressing this estimate (low precision)"
    assert shares == {
        ("RL-2", 48.0, suppressed + "; it is still the largest share, so the direct link points to it."),
        ("RL-3", 42.8, suppressed + "."),
        ("RL-6", 8.9, None),
    }
    assert report.imported["education links to a share marked Recommend Suppress (noted)"] == 1


def test_onet_technology_is_one_node_per_product(onet: tuple[ox.Store, ImportReport]) -> None:
    store, report = onet
    producers, industrial = ID + "onet/occupation/27-2012.00", ID + "onet/occupation/11-3051.00"
    shared = objects(store, producers, RG + "usesTechnology") & objects(store, industrial, RG + "usesTechnology")
    labels = {next(iter(objects(store, node, RDFS + "label"))) for node in shared}
    assert labels == {"Microsoft Excel", "Adobe After Effects"}
    (effects,) = (node for node in shared if objects(store, node, RDFS + "label") == {"Adobe After Effects"})
    assert objects(store, effects, SKOS + "broader") == {
        ID + "onet/technology/43232103",
        ID + "onet/technology/43232106",
    }
    assert report.imported["technology products"] == 2 and report.imported["technology links"] == 4
    assert report.skipped["technology rows repeating a link (the product under another commodity class)"] == 1


CITED = """SELECT ?s ?p ?o ?file ?release WHERE {{
  ?s ?p ?o . FILTER(?p IN ({predicates}))
  OPTIONAL {{
    ?st <{rdf}subject> ?s ; <{rdf}predicate> ?p ; <{rdf}object> ?o ; <{prov}wasDerivedFrom> ?origin .
    ?origin <{dc}title> ?file ; <{dc}isPartOf> ?release .
  }}
}}"""


def citations(store: ox.Store, *predicates: str) -> list[tuple[str, str, str]]:
    query = CITED.format(
        predicates=", ".join(f"<{p}>" for p in predicates), rdf=RDF, prov=PROV, dc="http://purl.org/dc/terms/"
    )
    return [
        (r["p"].value, r["file"].value if r["file"] else "", r["release"].value if r["release"] else "")
        for r in store.query(query)
    ]


def test_every_onet_role_link_cites_its_release_and_file(onet: tuple[ox.Store, ImportReport]) -> None:
    store, _ = onet
    files = {
        ("hasDuty", "Task Statements.txt"),
        ("hasDuty", "Emerging Tasks.txt"),
        ("requiresSkill", "Skills.txt"),
        ("requiresKnowledge", "Knowledge.txt"),
        ("requiresEducation", "Education, Training, and Experience.txt"),
        ("requiresExperience", "Education, Training, and Experience.txt"),
        ("requiresTraining", "Education, Training, and Experience.txt"),
        ("usesTechnology", "Technology Skills.txt"),
        ("usesTool", "Tools Used.txt"),
        ("performsActivity", "Tasks to DWAs.txt"),
        ("performsActivity", "Work Activities.txt"),
        ("requiresAbility", "Abilities.txt"),
        ("hasWorkContext", "Work Context.txt"),
        ("hasWorkStyle", "Work Styles.txt"),
        ("hasWorkValue", "Work Values.txt"),
        ("hasInterest", "Interests.txt"),
    }
    found = citations(store, *sorted({RG + p for p, _ in files}))
    assert len(found) > 10
    assert {(p, file, release) for p, file, release in found} == {
        (RG + p, f, ID + "source/onet/99.9") for p, f in files
    }


def test_every_esco_skill_link_cites_its_release_and_file() -> None:
    store = store_of(esco_triples(ESCO, ImportReport("ESCO", "v9")))
    found = citations(store, RG + "requiresSkill")
    assert len(found) == 5
    assert set(found) == {(RG + "requiresSkill", "occupationSkillRelations.csv", ID + "source/esco/v9")}


def test_esco_labels_relations_and_unknown_occupations() -> None:
    report = ImportReport("ESCO", "v9")
    store = store_of(esco_triples(ESCO, report))
    p1 = "http://data.europa.eu/esco/occupation/p1"
    assert objects(store, p1, "http://www.w3.org/2000/01/rdf-schema#label") == {"video and motion picture producer"}
    assert objects(store, p1, SKOS + "altLabel") == {"film producer", "movie producer"}
    assert objects(store, p1, "http://data.europa.eu/esco/model#relatedEssentialSkill") == {
        "http://data.europa.eu/esco/skill/21c5790c-0930-4d74-b3b0-84caf5af12ea"
    }
    assert objects(store, p1, "http://data.europa.eu/esco/model#relatedOptionalSkill") == {
        "http://data.europa.eu/esco/skill/copyright"
    }
    assert len(objects(store, p1, RG + "requiresSkill")) == 2
    assert objects(store, p1, "http://data.europa.eu/esco/model#memberOfISCOGroup") == {
        "http://data.europa.eu/esco/isco/C2654"
    }
    assert report.imported["essential skill relations"] == 4
    assert report.skipped["skill relations of occupations not in occupations_en.csv"] == 1


def test_crosswalk_official_close_and_narrow_matches() -> None:
    path = DATA / "crosswalk-mini.csv"
    layout = detect_layout(path)
    report = ImportReport(layout.title, path.name)
    store = store_of(crosswalk_triples(path, layout, report))
    assert objects(store, "http://data.europa.eu/esco/occupation/p1", SKOS + "closeMatch") == {
        ID + "onet/occupation/27-2012.00"
    }
    assert objects(store, "http://data.europa.eu/esco/isco/C2654", SKOS + "narrowMatch") == {
        ID + "onet/occupation/27-2012.00"
    }
    assert ask(store, f'ASK {{ ?s <{RG}matchSource> "official" }}')
    assert report.skipped == {"rows without an ESCO v1.1.1 URI or an O*NET-SOC code": 1, "duplicate mappings": 1}


def test_a_folder_that_is_not_a_release_names_the_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not an O\*NET database text release: missing Occupation Data\.txt"):
        list(onet_triples(tmp_path, ImportReport("O*NET", "x")))
    with pytest.raises(InputError, match=r"not an ESCO CSV download: missing occupations_en\.csv, skills_en\.csv"):
        list(esco_triples(tmp_path, ImportReport("ESCO", "x")))


def copy_release(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def test_missing_column_names_file_and_line(tmp_path: Path) -> None:
    folder = copy_release(ONET, tmp_path)
    (folder / "Task Statements.txt").write_text("O*NET-SOC Code\tTask ID\tTask\n27-2012.00\t1\tPlan.\n")
    with pytest.raises(InputError, match=r"Task Statements.txt:1: missing column\(s\) 'Task Type'"):
        list(onet_triples(folder, ImportReport("O*NET", "x")))


def test_malformed_row_strict_stops_default_counts(tmp_path: Path) -> None:
    folder = copy_release(ONET, tmp_path)
    with (folder / "Job Zones.txt").open("a") as handle:
        handle.write("27-2012.00\t5\n")
    with pytest.raises(RowError, match=r"Job Zones.txt:4: 2 fields where the header has 4"):
        list(onet_triples(folder, ImportReport("O*NET", "x"), strict=True))
    report = ImportReport("O*NET", "x")
    list(onet_triples(folder, report))
    assert report.skipped["rows with the wrong number of fields in Job Zones.txt"] == 1


def test_wrong_encoding_is_said(tmp_path: Path) -> None:
    folder = copy_release(ESCO, tmp_path)
    (folder / "skills_en.csv").write_bytes(
        (folder / "skills_en.csv").read_text().replace("manage", "m\u00e4nage").encode("latin-1")
    )
    with pytest.raises(InputError, match="not UTF-8"):
        list(esco_triples(folder, ImportReport("ESCO", "x")))


def test_unknown_crosswalk_layout_lists_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match=r"not a crosswalk rolegraph knows.*Known layouts: ESCO to O\*NET-SOC 2019"):
        detect_layout(path)


def test_esco_v12_file_names_with_the_en_suffix(tmp_path: Path) -> None:
    folder = copy_release(ESCO, tmp_path)
    for name in RENAMED_IN_V1_2:
        if (folder / name).is_file():
            (folder / name).rename(folder / name.replace(".csv", "_en.csv"))
    report = ImportReport("ESCO", "v1.2.0")
    list(esco_triples(folder, report))
    assert report.imported["essential skill relations"] == 4
    assert report.imported["essential skill-skill relations"] == 1
    assert report.imported["skill pillar broader links"] == 5
    assert {"occupationSkillRelations_en.csv", "skillSkillRelations_en.csv"} <= set(report.files_read)


def test_the_citation_queries_name_the_release_and_the_file(mini_store: Path) -> None:
    producers = URIRef(ID + "onet/occupation/27-2012.00")
    with rolegraph.open_store(mini_store) as g:
        cited = {
            (str(r.propertyLabel), str(r.sourceTitle), str(r.file))
            for r in select(g.engine, "citations", {"role": producers})
        }
        profiled = {
            (str(r.propertyLabel), str(r.sourceTitle), str(r.file))
            for r in select(g.engine, "role-profile", {"role": producers})
        }
        article = {r.file for r in select(g.engine, "citations", {"role": URIRef(ID + "role/producer")})}
    release = "O*NET 99.9 Database"
    expected = {
        ("has duty", release, "Task Statements.txt"),
        ("requires skill", release, "Skills.txt"),
        ("requires knowledge", release, "Knowledge.txt"),
        ("requires education", release, "Education, Training, and Experience.txt"),
        ("uses technology", release, "Technology Skills.txt"),
    }
    assert expected <= cited and expected <= profiled
    assert article == {None}
