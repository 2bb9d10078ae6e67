"""rolegraph.compare.comparison and rolegraph.compare.similarity: the comparison of the article's roles says what the
article says, and comparisons behave as set comparisons must."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from rdflib import URIRef

import rolegraph
from rolegraph.api import RoleGraph
from rolegraph.compare.comparison import Comparison
from rolegraph.display import comparison_csv, comparison_node_count, comparison_text, comparison_weights_text
from rolegraph.errors import InputError
from rolegraph.graph.network import comparison_network

ID = "https://w3id.org/rolegraph/id/"
PM, PRODUCER, ACTOR = ID + "role/production-manager", ID + "role/producer", ID + "role/actor"


@pytest.fixture(scope="module")
def g() -> RoleGraph:
    return rolegraph.load()


@pytest.fixture(scope="module")
def pair(g: RoleGraph) -> Comparison:
    return g.compare("Production Manager", "Producer")


def labels(nodes: tuple) -> set[str]:  # type: ignore[type-arg]
    return {n.label for n in nodes}


def test_what_the_article_says_both_share(pair: Comparison) -> None:
    assert labels(pair.category("skills").shared) == {"Communication", "Organisation"}
    assert labels(pair.category("education").shared) == {
        "Bachelor's degree (usual minimum)",
        "Master's degree (business administration, communication or a related subject), preferred by many employers",
    }
    assert labels(pair.category("organisations").shared) == {
        "Project Management Institute",
        "International Association of Business Communicators",
    }
    assert labels(pair.category("environment").shared) == {"Office", "Travel to shooting locations"}
    assert labels(pair.category("industry").shared) == {"Film and television"}
    assert labels(pair.category("project types").shared) == {"Film", "Television show"}


def test_what_the_article_says_differs(pair: Comparison) -> None:
    skills = pair.category("skills")
    assert labels(skills.unique[PM]) == {"Budget management", "Ordering supplies", "Schedule coordination"}
    assert labels(skills.unique[PRODUCER]) == {"Concept development", "Scriptwriting", "Working with talent"}
    assert labels(pair.category("skill focus").unique[PM]) == {"logistical"}
    assert labels(pair.category("skill focus").unique[PRODUCER]) == {"creative"}
    assert labels(pair.category("environment").unique[PM]) == {"Long hours, above all while filming or near deadlines"}
    assert "Irregular hours" in labels(pair.category("environment").unique[PRODUCER])
    assert labels(pair.category("also acts as").unique[PRODUCER]) == {"Director", "Writer"}
    assert labels(pair.category("project types").unique[PRODUCER]) == {"Live event", "Stage play"}
    assert labels(pair.category("salary").unique[PM]) == {"Production Manager average salary"}


def test_jaccard_figures(pair: Comparison) -> None:
    assert pair.category("skills").jaccard == pytest.approx(2 / 8)
    assert pair.category("duties").jaccard == pytest.approx(5 / 17)
    assert pair.category("certifications").jaccard == 1.0
    assert pair.category("salary").jaccard == 0.0
    assert pair.jaccard == pytest.approx(20 / 58)


def test_overall_jaccard_agrees_with_similar_roles(g: RoleGraph, pair: Comparison) -> None:
    best = g.similar("Producer")[0]
    assert best.iri == PM
    assert best.jaccard == pytest.approx(pair.jaccard)
    assert best.shared == sum(len(c.shared) for c in pair.categories)
    assert len(best.shared_nodes) == best.shared


def test_swapping_the_roles_swaps_the_unique_sides(g: RoleGraph, pair: Comparison) -> None:
    swapped = g.compare("Producer", "Production Manager")
    assert swapped.jaccard == pair.jaccard
    for mine in pair.categories:
        theirs = swapped.category(mine.category)
        assert theirs.shared == mine.shared or labels(theirs.shared) == labels(mine.shared)
        assert labels(theirs.unique[PM]) == labels(mine.unique[PM])
        assert labels(theirs.unique[PRODUCER]) == labels(mine.unique[PRODUCER])


def test_shared_plus_unique_is_each_roles_own_nodes(g: RoleGraph, pair: Comparison) -> None:
    own = {(str(r.category), str(r.node)) for r in g.query("compare", role=["Producer"])}
    from_comparison = {(c.category, n.iri) for c in pair.categories for n in c.shared + c.unique[PRODUCER]}
    assert from_comparison == own


def test_a_role_compared_with_a_mentioned_role(g: RoleGraph) -> None:
    comparison = g.compare("Producer", "Actor")
    assert comparison.jaccard == 0.0
    assert all(not c.shared for c in comparison.categories)


def test_three_roles_have_shared_by_some(g: RoleGraph) -> None:
    extra = rolegraph.load()
    three = extra.compare("Production Manager", "Producer", "Director")
    assert [r.label for r in three.roles] == ["Production Manager", "Producer", "Director"]
    assert three.jaccard == 0.0
    partial = three.category("skills").partial
    assert labels(partial) == {"Communication", "Organisation"}
    assert all(n.roles == (PM, PRODUCER) for n in partial)


def test_a_role_with_itself_or_alone_is_an_error(g: RoleGraph) -> None:
    with pytest.raises(InputError, match="at least two different roles"):
        g.compare("Producer", "producer")
    with pytest.raises(InputError, match="at least two different roles"):
        g.compare("Producer")


def test_json_is_stable_and_documented_shape(pair: Comparison) -> None:
    document = json.loads(json.dumps(pair.to_dict()))
    assert list(document) == ["roles", "jaccard", "overlap", "categories"]
    assert document["roles"] == [{"iri": PM, "label": "Production Manager"}, {"iri": PRODUCER, "label": "Producer"}]
    skills = next(c for c in document["categories"] if c["category"] == "skills")
    assert list(skills) == ["category", "comparable", "jaccard", "overlap", "shared", "matched", "partial", "unique"]
    also = next(c for c in document["categories"] if c["category"] == "also acts as")  # only the Producer has any
    assert (also["comparable"], also["jaccard"], also["overlap"]) == (False, None, None)
    assert skills["shared"][0] == {"iri": ID + "skill/communication", "label": "Communication", "roles": [PM, PRODUCER]}
    assert json.dumps(pair.to_dict()) == json.dumps(
        rolegraph.load().compare("Production Manager", "Producer").to_dict()
    )


def test_repr_html_is_a_table_with_escaped_labels(pair: Comparison, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = pair._repr_html_()
    assert page.count("<tr>") == len(pair.categories) + 1
    assert "<th>only Production Manager</th>" in page
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        "@prefix rg: <https://w3id.org/rolegraph/vocab#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/r> a rg:Role ; rdfs:label "<img src=x onerror=alert(1)>"@en ;\n'
        "    rg:hasDuty <https://w3id.org/rolegraph/id/duty/hire-crew> .\n"
    )
    page = rolegraph.load([hostile]).compare("Producer", "https://example.org/r")._repr_html_()
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_similar_roles_are_ranked(g: RoleGraph) -> None:
    ranked = g.similar("Production Manager", limit=None)
    assert [s.label for s in ranked][:1] == ["Producer"]
    jaccards = [s.jaccard for s in ranked]
    assert jaccards == sorted(jaccards, reverse=True)
    assert len(g.similar("Production Manager", limit=2)) <= 2


ONET = ID + "onet/occupation/"


def test_imported_weights_show_the_difference_and_change_no_count(mini_store: Path) -> None:
    with rolegraph.open_store(mini_store) as store:
        comparison = store.compare("27-2012.00", "11-3051.00")
        network = comparison_network(store.engine, [URIRef(ONET + "27-2012.00"), URIRef(ONET + "11-3051.00")])
    a, b = ONET + "27-2012.00", ONET + "11-3051.00"
    (listening,) = comparison.category("skills").shared
    assert listening.weights == {a: {"importance": 4.0, "level": 4.5}, b: {"importance": 3.75, "level": 4.0}}
    (arts,) = comparison.category("knowledge").unique[a]  # 11-3051.00 rates it 1.5: below a link, still shown
    assert arts.weights[b] == {"importance": 1.5, "level": 1.0}
    assert comparison_weights_text(arts, [a, b]) == "importance 4.20 / 1.50, level 5.00 / 1.00"
    education = {n.label: n.weights for n in comparison.category("education").unique[b]}
    assert education["High School Diploma"][b] == {"percentage": 48.0}
    # What counts is what the page draws: weights add nothing to count.
    assert (len(comparison.category("skills").shared), comparison.category("skills").size) == (1, 3)
    assert comparison_node_count(comparison) == network.number_of_nodes() == 32
    document = json.loads(json.dumps(comparison.to_dict()))
    skills = next(c for c in document["categories"] if c["category"] == "skills")
    assert skills["shared"][0]["weights"][b]["importance"] == 3.75
    # CSV: each compared role's weights in a column of its own, at full precision.
    rows = list(csv.reader(comparison_csv(comparison).splitlines()))
    assert rows[0][-2:] == ["weights (Producers and Directors)", "weights (Industrial Production Managers)"]
    listening_row = next(row for row in rows if row[6] == "Active Listening")
    assert listening_row[-2:] == ["importance=4.0; level=4.5", "importance=3.75; level=4.0"]
    high_school = next(row for row in rows if row[6] == "High School Diploma")
    assert high_school[1:5] + high_school[-2:] == ["true", "0.000000", "0.000000", "unique", "", "percentage=48.0"]
    # The page cites every node, the imported roles by their release and files.
    assert all(data["citations"] for _, data in network.nodes(data=True))
    assert "O*NET 99.9 Database, Skills.txt" in network.nodes[a]["citations"]
    listening_panel = network.nodes[ONET.replace("occupation/", "element/") + "2.A.1.b"]["citations"]
    assert listening_panel == [
        "Producers and Directors: O*NET 99.9 Database, Skills.txt (importance 4.00/5, level 4.50/7)",
        "Industrial Production Managers: O*NET 99.9 Database, Skills.txt (importance 3.75/5, level 4.00/7)",
    ]


def test_esco_weights_and_salary_amounts(mini_store: Path, pair: Comparison) -> None:
    p1, p2 = "http://data.europa.eu/esco/occupation/p1", "http://data.europa.eu/esco/occupation/p2"
    with rolegraph.open_store(mini_store) as store:
        comparison = store.compare(p1, p2)
    shared = comparison.category("skills").shared
    assert [(n.label, n.weights[p1]["esco"], n.weights[p2]["esco"]) for n in shared] == [
        ("manage budgets", "essential", "essential")
    ]
    (salary,) = pair.category("salary").unique[PRODUCER]
    assert salary.weights == {PRODUCER: {"amount": 62193.0}}


def test_comparison_text_gives_the_weights_in_role_order(mini_store: Path) -> None:
    with rolegraph.open_store(mini_store) as store:
        text = comparison_text(store.compare("27-2012.00", "11-3051.00"), 100)
    assert "    - Active Listening  (importance 4.00 / 3.75, level 4.50 / 4.00)" in text.splitlines()
    assert all(len(line) <= 100 for line in text.splitlines()[3:])  # all but the title and the overall lines
    narrow = comparison_text(store_comparison(mini_store), 40).splitlines()
    at = narrow.index("    - Management of Financial Resources")
    assert narrow[at + 1 : at + 3] == ["      (importance 3.50 / -, level 3.90 /", "      -)"]
    assert "    - Management of Financial Resources  (importance 3.50 / -, level 3.90 / -)" in comparison_text(
        store_comparison(mini_store)
    )  # no width (a pipe): whole lines


def store_comparison(store: Path) -> Comparison:
    with rolegraph.open_store(store) as g:
        return g.compare("27-2012.00", "11-3051.00")
