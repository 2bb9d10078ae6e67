"""Imports of the real O*NET 29.0 and ESCO v1.1.1 releases in ../shared/data: counts match the files, and
comparisons match what the files say when read independently here. Skips where ../shared is absent."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

import rolegraph
from rolegraph.api import RoleGraph

from ..conftest import SHARED

ONET = SHARED / "data" / "onet" / "29.0"
ESCO = SHARED / "data" / "esco" / "v1.1.1"
CROSSWALK = SHARED / "data" / "crosswalks" / "esco_onet" / "ESCO_to_ONET-SOC_2019_with_esco_v1.1.1_uris.csv"
# A mark, not a module-level skip: each test is then counted as skipped, once.
pytestmark = pytest.mark.skipif(
    not (ONET.is_dir() and ESCO.is_dir()),
    reason=f"the real releases are not at {SHARED / 'data'} (../shared is absent)",
)


@pytest.fixture(scope="module")
def store_path(real_store: Path) -> Path:
    return real_store


@pytest.fixture(scope="module")
def g(store_path: Path) -> Iterator[RoleGraph]:
    with rolegraph.open_store(store_path) as graph:
        yield graph


def count(g: RoleGraph, where: str) -> int:
    answer = g.engine.execute(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(next(iter(answer)).n)  # type: ignore[arg-type, call-overload]


def esco_rows(name: str) -> list[dict[str, str]]:
    with (ESCO / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_counts_match_the_files(g: RoleGraph) -> None:
    onet_prefix = "https://w3id.org/rolegraph/id/onet/occupation/"
    assert (
        count(g, f'?o a <https://w3id.org/rolegraph/vocab#ProfiledRole> FILTER(STRSTARTS(STR(?o), "{onet_prefix}"))')
        == 1016
    )
    assert count(g, "?o a <http://data.europa.eu/esco/model#Occupation>") == 3007
    occupations = {row["conceptUri"] for row in esco_rows("occupations_en.csv")}
    relations = [row for row in esco_rows("occupationSkillRelations.csv") if row["occupationUri"] in occupations]
    assert len(relations) == 123_855 - 67
    occupation = "?o a <http://data.europa.eu/esco/model#Occupation> . "  # skills have essential skills too
    essential = count(g, occupation + "?o <http://data.europa.eu/esco/model#relatedEssentialSkill> ?s")
    optional = count(g, occupation + "?o <http://data.europa.eu/esco/model#relatedOptionalSkill> ?s")
    assert essential + optional == len(relations)


def test_the_skill_pillar_matches_the_files(g: RoleGraph) -> None:
    from rolegraph.importers.esco import COLLECTIONS

    prefixes = (
        "PREFIX esco: <http://data.europa.eu/esco/model#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
    )

    def counted(where: str) -> int:
        answer = g.engine.execute(f"{prefixes} SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(next(iter(answer)).n)  # type: ignore[arg-type, call-overload]

    skills = {row["conceptUri"].strip() for row in esco_rows("skills_en.csv")}
    groups = {row["conceptUri"].strip() for row in esco_rows("skillGroups_en.csv")}
    hierarchy: set[tuple[str, str]] = set()
    for row in esco_rows("skillsHierarchy_en.csv"):  # rows leave out trailing empty cells: DictReader gives None
        path = [uri for n in range(4) if (uri := (row.get(f"Level {n} URI") or "").strip())]
        groups |= set(path)
        if len(path) > 1:
            hierarchy.add((path[-1], path[-2]))
    assert counted("?c a esco:SkillGroup , skos:Concept") == len(groups) == 647
    known = skills | groups
    pillar = {
        (row["conceptUri"].strip(), row["broaderUri"].strip()) for row in esco_rows("broaderRelationsSkillPillar.csv")
    }
    pillar = {(c, b) for c, b in pillar if c in known and b in known}
    assert counted("?s skos:broader ?o . { ?s a esco:Skill } UNION { ?s a esco:SkillGroup }") == len(pillar | hierarchy)
    for name, links in (("broaderRelationsSkillPillar.csv", pillar), ("skillsHierarchy_en.csv", hierarchy)):
        cited = f'?st rdf:predicate skos:broader ; prov:wasDerivedFrom ?f . ?f dcterms:title "{name}"'
        assert counted(cited) == len(links) > 0
    relations: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in esco_rows("skillSkillRelations.csv"):
        pair = (row["originalSkillUri"].strip(), row["relatedSkillUri"].strip())
        if pair[0] in skills and pair[1] in skills:
            relations[row["relationType"].strip()].add(pair)
    assert counted("?s esco:relatedEssentialSkill ?o . ?s a esco:Skill") == len(relations["essential"]) > 0
    assert counted("?s esco:relatedOptionalSkill ?o . ?s a esco:Skill") == len(relations["optional"]) > 0
    assert counted("?s skos:related ?o") == len(relations["essential"] | relations["optional"])
    occupations = {row["conceptUri"].strip() for row in esco_rows("occupations_en.csv")}
    for name, key, _, kind in COLLECTIONS:
        members = {row["conceptUri"].strip() for row in esco_rows(name)}
        members &= skills if kind == "skills" else occupations
        collection = f"<https://w3id.org/rolegraph/id/esco/collection/{key}>"
        assert counted(f"{collection} a skos:Collection ; skos:member ?m") == len(members) > 0, name


def test_esco_comparison_matches_the_csv(g: RoleGraph) -> None:
    by_label = {row["preferredLabel"].strip(): row["conceptUri"] for row in esco_rows("occupations_en.csv")}
    skills: dict[str, set[str]] = defaultdict(set)
    for row in esco_rows("occupationSkillRelations.csv"):
        skills[row["occupationUri"]].add(row["skillUri"])
    a, b = skills[by_label["video and motion picture producer"]], skills[by_label["performance production manager"]]
    comparison = g.compare("video and motion picture producer", "performance production manager")
    category = comparison.category("skills")
    assert {n.iri for n in category.shared} == a & b
    assert category.jaccard == pytest.approx(len(a & b) / len(a | b))
    assert {n.label for n in category.shared} == {"manage budgets", "copyright legislation"}


def test_onet_comparison_matches_the_task_file(g: RoleGraph) -> None:
    tasks: dict[str, set[str]] = defaultdict(set)
    with (ONET / "Task Statements.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            tasks[row["O*NET-SOC Code"]].add(row["Task ID"])
    comparison = g.compare("27-2012.00", "11-3051.00")
    duties = comparison.category("duties")
    code_a = "https://w3id.org/rolegraph/id/onet/occupation/27-2012.00"
    assert len(duties.unique[code_a]) == len(tasks["27-2012.00"] - tasks["11-3051.00"])
    assert not duties.shared


def test_onet_occupations_share_the_dwas_of_their_tasks(g: RoleGraph) -> None:
    dwas: dict[str, set[str]] = defaultdict(set)
    with (ONET / "Tasks to DWAs.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            dwas[row["O*NET-SOC Code"]].add("https://w3id.org/rolegraph/id/onet/dwa/" + row["DWA ID"])
    comparison = g.compare("27-2012.00", "27-4032.00")  # Producers and Directors, Film and Video Editors
    activities = comparison.category("work activities")
    assert {n.iri for n in activities.shared} == dwas["27-2012.00"] & dwas["27-4032.00"]
    assert len(activities.shared) == 7  # what the file says of these two in O*NET 29.0
    assert not comparison.category("duties").shared  # their tasks are their own
    # The same facet in a query: the DWAs both occupations perform.
    answer = g.engine.execute(
        "SELECT (COUNT(DISTINCT ?dwa) AS ?n) WHERE {"
        " <https://w3id.org/rolegraph/id/onet/occupation/27-2012.00> <https://w3id.org/rolegraph/vocab#performsActivity>"
        " ?dwa . <https://w3id.org/rolegraph/id/onet/occupation/27-4032.00>"
        " <https://w3id.org/rolegraph/vocab#performsActivity> ?dwa ."
        ' FILTER(STRSTARTS(STR(?dwa), "https://w3id.org/rolegraph/id/onet/dwa/")) }'
    )
    assert int(next(iter(answer)).n) == 7  # type: ignore[arg-type, call-overload]


def test_resolve_lists_every_onet_alternate_title(g: RoleGraph) -> None:
    from rolegraph.compare.roles import find_roles

    with (ONET / "Alternate Titles.txt").open(encoding="utf-8") as handle:
        codes = {
            r["O*NET-SOC Code"]
            for r in csv.DictReader(handle, delimiter="\t")
            if r["Alternate Title"].lower() == "production manager"
        }
    found = find_roles(g.engine, "production manager")
    assert {m.code for m in found if m.source == "O*NET"} == codes
    assert found[0].label == "Production Manager" and found[0].kind == "label"


def test_similar_roles_on_a_whole_release(g: RoleGraph) -> None:
    best = g.similar("video and motion picture producer", limit=3)
    assert best[0].label == "producer"
    assert best[0].jaccard > best[1].jaccard > 0


def test_crosswalk_links_esco_to_onet(g: RoleGraph) -> None:
    esco_subjects = 'FILTER(STRSTARTS(STR(?e), "http://data.europa.eu/esco/"))'
    assert count(g, f"?e <http://www.w3.org/2004/02/skos/core#closeMatch> ?o {esco_subjects}") == 7616


def test_the_cli_runs_on_the_store(store_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "rolegraph", "--store", str(store_path), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    done = run("compare", "video and motion picture producer", "performance production manager")
    assert done.returncode == 0, done.stderr
    assert "manage budgets" in done.stdout
    done = run("sources")
    assert "This service uses the ESCO classification of the European Commission." in done.stdout
    assert "O*NET 29.0 Database" in done.stdout
    done = run("compare", "Production Manager", "role:producer")
    assert done.returncode == 0
    assert "note: 'Production Manager' means Production Manager <https://w3id.org/rolegraph/id/role/" in done.stderr
    # The rule: the exact case picks, and the note names the others with what picks each.
    cased = run("compare", "producer", "Producer")
    assert cased.returncode == 0, cased.stderr
    assert "'producer' means producer <http://data.europa.eu/esco/occupation/" in cased.stderr
    assert "'Producer' means Producer <https://w3id.org/rolegraph/id/role/producer>" in cased.stderr
    assert "give role:producer" in cased.stderr


def test_every_linked_identifier_exists_in_the_releases() -> None:
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    from rolegraph.model.ontology import load_graph

    esco = {
        row["conceptUri"]
        for name in ("occupations_en.csv", "skills_en.csv", "skillGroups_en.csv", "ISCOGroups_en.csv")
        for row in esco_rows(name)
    }
    with (ONET / "Occupation Data.txt").open(encoding="utf-8") as handle:
        onet = {
            f"https://w3id.org/rolegraph/id/onet/occupation/{r['O*NET-SOC Code']}"
            for r in csv.DictReader(handle, delimiter="\t")
        }
    graph = load_graph()
    targets = {
        o for p in (SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.exactMatch) for o in graph.objects(None, p)
    }
    assert targets
    for target in targets:
        assert isinstance(target, URIRef)
        if target.startswith("http://data.europa.eu/esco/"):
            assert str(target) in esco, target
        elif "/onet/occupation/" in target:
            assert str(target) in onet, target
    assert not set(graph.objects(None, SKOS.exactMatch))


def test_the_articles_role_compares_with_escos_through_the_links(g: RoleGraph) -> None:
    comparison = g.compare("role:production-manager", "performance production manager")
    skills = comparison.category("skills")
    assert [(p.label, p.relation, p.score, p.origin) for p in skills.matched] == [
        ("Budget management \u2248 manage budgets", "closeMatch", 1.0, "hand-made")
    ]
    assert not skills.shared and comparison.jaccard == 0  # a match is not the same node
    assert comparison.overlap is not None and comparison.overlap > 0


def onet_rows(name: str) -> list[dict[str, str]]:
    with (ONET / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_one_technology_node_per_product(g: RoleGraph) -> None:
    products = {row["Example"].strip() for row in onet_rows("Technology Skills.txt")}
    uses = "<https://w3id.org/rolegraph/vocab#usesTechnology>"
    assert count(g, f"SELECT DISTINCT ?t WHERE {{ ?o {uses} ?t }}") == len(products)
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    split = f"?a {label} ?l . ?b {label} ?l . [] {uses} ?a . [] {uses} ?b . FILTER(?a != ?b)"
    assert count(g, split) == 0


def test_suppression_drops_only_its_own_row(g: RoleGraph) -> None:
    rows = onet_rows("Skills.txt") + onet_rows("Knowledge.txt")
    suppressed = {(r["O*NET-SOC Code"], r["Element ID"], r["Scale ID"]) for r in rows if r["Recommend Suppress"] == "Y"}
    important = {
        (r["O*NET-SOC Code"], r["Element ID"])
        for r in rows
        if r["Scale ID"] == "IM" and r["Recommend Suppress"] != "Y" and float(r["Data Value"]) >= 3
    }
    lv_only = {(c, e) for c, e in important if (c, e, "LV") in suppressed}
    assert len(lv_only) == 12
    assert ("11-3031.00", "2.B.4.g") in lv_only  # Systems Analysis, IM 3.00
    rg = "https://w3id.org/rolegraph/vocab#"
    links = f"FILTER(?p IN (<{rg}requiresSkill>, <{rg}requiresKnowledge>))"
    assert count(g, f'?o ?p ?e {links} FILTER(STRSTARTS(STR(?e), "https://w3id.org/rolegraph/id/onet/"))') == len(
        important
    )


def test_most_reported_education_counts_every_published_share(g: RoleGraph) -> None:
    shares: dict[str, dict[int, float]] = defaultdict(dict)
    for r in onet_rows("Education, Training, and Experience.txt"):
        if r["Element ID"] == "2.D.1" and r["Scale ID"] == "RL" and float(r["Data Value"]) > 0:
            shares[r["O*NET-SOC Code"]][int(r["Category"])] = float(r["Data Value"])
    expected = {code: min(by, key=lambda c: (-by[c], c)) for code, by in shares.items()}
    prefix = "https://w3id.org/rolegraph/id/onet/"
    answer = g.engine.execute(
        f"SELECT ?o ?c WHERE {{ ?o <https://w3id.org/rolegraph/vocab#requiresEducation> ?c "
        f'FILTER(STRSTARTS(STR(?c), "{prefix}education/")) }}'
    )
    linked = {str(r.o).rsplit("/", 1)[1]: int(str(r.c).rsplit("-", 1)[1]) for r in answer}  # type: ignore[union-attr]
    assert linked == expected
    assert linked["13-1074.00"] == 1  # 48.0 % (suppressed), not the unsuppressed 8.9 %


def test_every_imported_technology_link_cites_its_release_and_file(g: RoleGraph) -> None:
    uses = "<https://w3id.org/rolegraph/vocab#usesTechnology>"
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    cited = (
        f"SELECT DISTINCT ?o ?v WHERE {{ ?s <{rdf}predicate> {uses} ; <{rdf}subject> ?o ; <{rdf}object> ?v ;"
        " <http://www.w3.org/ns/prov#wasDerivedFrom> ?file . ?file <http://purl.org/dc/terms/isPartOf> ?release ;"
        f' <http://purl.org/dc/terms/title> "Technology Skills.txt" . ?o {uses} ?v }}'
    )
    assert count(g, f"?o {uses} ?v") == count(g, f"{{ {cited} }}") == 32_470
