"""Comparisons show what is matched across sources or wording (tests/data/alignment-mini.ttl over the small
fixtures), say "not comparable" where a role has nothing, and give the weights in every output."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

import rolegraph
from rolegraph.align.mapping import ALIGNMENT_SOURCE
from rolegraph.api import RoleGraph
from rolegraph.compare.comparison import Comparison, MatchedPair
from rolegraph.compare.matching import MatchLink, pair_nodes
from rolegraph.display import comparison_csv, comparison_node_count, comparison_text
from rolegraph.graph.network import comparison_network
from rolegraph.graph.render import network_page
from rolegraph.sparql.engines import OxigraphEngine, RdflibEngine, select
from rolegraph.sparql.remote import SparqlHttpEngine
from rolegraph.store.database import RoleStore

from ..conftest import DATA
from ..sparql.test_engines import normal
from ..virtuoso import start_virtuoso, virtuoso_missing

ID = "https://w3id.org/rolegraph/id/"
PM = ID + "role/production-manager"
PRODUCER = ID + "role/producer"
ONET = ID + "onet/occupation/27-2012.00"
ELEMENT = ID + "onet/element/"
ESCO = "http://data.europa.eu/esco/"
ESCO_PM = ESCO + "occupation/p2"
MANAGE_BUDGETS = "http://data.europa.eu/esco/skill/21c5790c-0930-4d74-b3b0-84caf5af12ea"
ALIGNMENT = DATA / "alignment-mini.ttl"


def load_alignment(path: Path) -> None:
    """Load the fixture alignment into the store at ``path`` as the alignment's source, as `rolegraph align` does."""
    triples = [(q.subject, q.predicate, q.object) for q in ox.parse(path=str(ALIGNMENT), format=ox.RdfFormat.TURTLE)]
    with RoleStore.open(path, writable=True) as store:
        metadata = {"title": "alignment fixture", "release": "1"}
        store.load_source(ALIGNMENT_SOURCE, "alignment/fixture", metadata, triples)


@pytest.fixture(scope="module")
def aligned_store(mini_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini store with the fixture alignment loaded."""
    path = tmp_path_factory.mktemp("aligned") / "store"
    shutil.copytree(mini_store, path)
    load_alignment(path)
    return path


@pytest.fixture(scope="module")
def aligned(aligned_store: Path) -> Iterator[RoleGraph]:
    with rolegraph.open_store(aligned_store) as g:
        yield g


def pairs(comparison: Comparison, category: str) -> list[tuple[str, str, str, float, str, bool]]:
    return [
        (p.left.iri, p.right.iri, p.relation, p.score, p.origin, p.counted)
        for p in comparison.category(category).matched
    ]


def test_matched_pairs_best_first_each_node_once(aligned: RoleGraph) -> None:
    comparison = aligned.compare(PM, ONET)
    assert pairs(comparison, "skills") == [
        (ID + "skill/budget-management", ELEMENT + "2.B.5.b", "closeMatch", 0.91, "rolegraph-align tfidf", True),
        # Speaking broadMatch Communication, read from the Production Manager's node: a narrow match.
        (ID + "skill/communication", ELEMENT + "2.A.1.d", "narrowMatch", 0.74, "rolegraph-align tfidf", True),
        (ID + "skill/organisation", ELEMENT + "2.A.1.b", "relatedMatch", 0.55, "rolegraph-align tfidf", False),
    ]
    skills = comparison.category("skills")
    # Schedule coordination's related match (0.95) loses the O*NET skill to budget management's close match.
    assert [n.label for n in skills.unique[PM]] == ["Ordering supplies", "Schedule coordination"]
    assert skills.unique[ONET] == () and skills.shared == ()
    assert skills.matched[0].label == "Budget management \u2248 Management of Financial Resources"
    assert skills.matched[0].roles == (PM, ONET)
    # Two counted pairs by their score over 2 pairs + 2 nodes of the related pair + 2 unique nodes.
    assert skills.overlap == pytest.approx((0.91 + 0.74) / 6)
    assert skills.jaccard == 0.0 and skills.size == 8
    assert comparison.jaccard == 0.0


def test_a_hand_made_link_counts_as_one(aligned: RoleGraph) -> None:
    comparison = aligned.compare(PM, ESCO_PM)
    assert pairs(comparison, "skills") == [
        (ID + "skill/budget-management", MANAGE_BUDGETS, "closeMatch", 1.0, "hand-made", True)
    ]
    skills = comparison.category("skills")
    assert skills.matched[0].weights == {ESCO_PM: {"esco": "essential"}}
    assert not skills.matched[0].across
    # 1 pair and 4 other skills of the Production Manager; manage staff is paired with a duty.
    assert skills.overlap == pytest.approx(1 / 5)
    assert [n.label for n in skills.unique[PM]] == ["Communication", "Ordering supplies", "Organisation",
                                                   "Schedule coordination"]  # fmt: skip
    assert skills.unique[ESCO_PM] == ()


def test_a_duty_pairs_with_a_skill_of_a_role_without_duties(aligned: RoleGraph) -> None:
    comparison = aligned.compare(PM, ESCO_PM)
    duties = comparison.category("duties")
    (pair,) = duties.matched
    assert (pair.left.iri, pair.right.iri, pair.relation, pair.score) == (
        ID + "duty/delegate-tasks", ESCO + "skill/staff", "broadMatch", 0.72
    )  # fmt: skip
    assert (pair.left_category, pair.right_category, pair.across) == ("duties", "skills", True)
    assert pair.roles == (PM, ESCO_PM) and pair.weights == {ESCO_PM: {"esco": "essential"}}
    # The ESCO occupation has no duties, but the counted pair makes duties comparable: 0.72 over the pair and the
    # Production Manager's 8 other duties.
    assert duties.comparable and duties.unique[ESCO_PM] == () and len(duties.unique[PM]) == 8
    assert duties.overlap == pytest.approx(0.72 / 9)
    assert [c.category for c in comparison.categories if c.comparable] == ["duties", "skills"]
    assert comparison.overlap == pytest.approx((0.72 + 1.0) / (9 + 5))
    # Each node is counted once: the skill is listed under duties only.
    assert comparison.category("skills").size == 6 and duties.size == 10
    # The home category does not depend on the order of the roles.
    swapped = aligned.compare(ESCO_PM, PM).category("duties")
    (back,) = swapped.matched
    assert (back.left.iri, back.right.iri, back.relation) == (ESCO + "skill/staff", ID + "duty/delegate-tasks",
                                                              "narrowMatch")  # fmt: skip
    assert (back.left_category, back.right_category) == ("skills", "duties")
    assert swapped.overlap == duties.overlap


def test_a_duty_across_categories_in_every_output(aligned: RoleGraph) -> None:
    comparison = aligned.compare(PM, ESCO_PM)
    line = "    - Delegate tasks to team members \u2248 manage staff  (duties \u2248 skills)  (broadMatch 0.72, "
    assert line + "rolegraph-align tfidf)  (ESCO - / essential)" in comparison_text(comparison).splitlines()
    rows = list(csv.reader(comparison_csv(comparison).splitlines()))
    record = dict(zip(rows[0], next(row for row in rows if row[6] == "Delegate tasks to team members"), strict=True))
    assert (record["category"], record["membership"]) == ("duties", "matched")
    assert record["matched_node"] == ESCO + "skill/staff"
    assert (record["node_category"], record["matched_category"]) == ("duties", "skills")
    budget = next(row for row in rows if row[6] == "Budget management")
    assert dict(zip(rows[0], budget, strict=True))["matched_category"] == "skills"
    document = json.loads(json.dumps(comparison.to_dict()))
    duties = next(c for c in document["categories"] if c["category"] == "duties")
    assert duties["matched"][0]["categories"] == ["duties", "skills"]
    assert "[duties \u2248 skills, broadMatch 0.72, rolegraph-align tfidf]" in comparison._repr_html_()
    network = comparison_network(aligned.engine, [URIRef(PM), URIRef(ESCO_PM)])
    assert comparison_node_count(comparison) == network.number_of_nodes()  # the pairs' nodes too, as on the page
    assert network.nodes[ESCO + "skill/staff"]["kind"] == "skill"
    assert network.nodes[ID + "duty/delegate-tasks"]["kind"] == "duty"
    assert (ESCO_PM, ESCO + "skill/staff", "skills") in network.edges
    page = network_page(network).decode()
    data = json.loads(page.split('<script type="application/json" id="graph-data">', 1)[1].split("</script>", 1)[0])
    (dashed,) = [e for e in data["edges"] if (e["from"], e["to"]) == (ID + "duty/delegate-tasks", ESCO + "skill/staff")]
    assert dashed["citations"] == ["duties \u2248 skills, broadMatch 0.72, rolegraph-align tfidf"]


def test_a_work_activity_and_a_skill_compete_for_one_node(aligned: RoleGraph) -> None:
    comparison = aligned.compare(ONET, ESCO_PM)
    assert pairs(comparison, "skills") == [
        (ELEMENT + "2.B.5.b", MANAGE_BUDGETS, "closeMatch", 0.88, "rolegraph-align tfidf", True)
    ]
    # The DWA "Manage budgets for productions." maps to the ESCO skill too (0.80), across categories, but the O*NET
    # skill's closeMatch (0.88) takes it first: each node is in one pair at most.
    activities = comparison.category("work activities")
    assert activities.matched == () and not activities.comparable
    assert activities.jaccard is None and activities.overlap is None
    assert ID + "onet/dwa/4.A.4.c.3.I02.D01" in [n.iri for n in activities.unique[ONET]]


def test_no_alignment_leaves_nodes_unique(mini_store: Path) -> None:
    with rolegraph.open_store(mini_store) as g:
        skills = g.compare(PM, ONET).category("skills")
    assert skills.matched == () and len(skills.unique[PM]) == 5


def test_not_comparable_where_a_role_has_nothing() -> None:
    comparison = rolegraph.load().compare("Production Manager", "Producer")
    also = comparison.category("also acts as")
    assert (also.comparable, also.jaccard, also.overlap) == (False, None, None)
    assert len(also.unique[PRODUCER]) == 2
    salary = comparison.category("salary")  # one each, none shared: comparable, 0
    assert (salary.comparable, salary.jaccard, salary.overlap) == (True, 0.0, 0.0)
    assert comparison.jaccard == pytest.approx(20 / 58)  # every (category, node) pair, as similar-roles counts
    assert comparison.overlap == pytest.approx(20 / 56)  # the comparable categories only
    text = comparison_text(comparison)
    assert "also acts as    not comparable  -        0       0        0                        2" in text
    assert "also acts as (not comparable: nothing from Production Manager)" in text
    rows = list(csv.reader(comparison_csv(comparison).splitlines()))
    also_rows = [row for row in rows if row[0] == "also acts as"]
    assert also_rows and all(row[1:4] == ["false", "", ""] for row in also_rows)
    assert '<td colspan="2">not comparable</td>' in comparison._repr_html_()


def test_every_output_shows_the_match_and_the_weights(aligned: RoleGraph) -> None:
    comparison = aligned.compare(PM, ONET)
    text = comparison_text(comparison)
    assert (
        "    - Budget management \u2248 Management of Financial Resources  (closeMatch 0.91, rolegraph-align tfidf)  "
        "(importance - / 3.50, level - / 3.90)"
    ) in text.splitlines()
    related = "    - Organisation \u2248 Active Listening  (relatedMatch 0.55, rolegraph-align tfidf, not counted)  ("
    assert related in text
    assert "skills           0.27            0.00     0       3        2                        0" in text
    rows = list(csv.reader(comparison_csv(comparison).splitlines()))
    header = rows[0]
    budget = dict(zip(header, next(row for row in rows if row[6] == "Budget management"), strict=True))
    assert budget["membership"] == "matched" and budget["matched_node"] == ELEMENT + "2.B.5.b"
    assert [budget[k] for k in ("relation", "score", "origin")] == ["closeMatch", "0.910000", "rolegraph-align tfidf"]
    assert budget["weights (Producers and Directors)"] == "importance=3.5; level=3.9"
    document = json.loads(json.dumps(comparison.to_dict()))
    skills = next(c for c in document["categories"] if c["category"] == "skills")
    first = skills["matched"][0]
    assert [n["iri"] for n in first["nodes"]] == [ID + "skill/budget-management", ELEMENT + "2.B.5.b"]
    assert (first["relation"], first["score"], first["origin"], first["counted"]) == (
        "closeMatch", 0.91, "rolegraph-align tfidf", True,
    )  # fmt: skip
    assert first["nodes"][1]["weights"][ONET] == {"importance": 3.5, "level": 3.9}
    page = comparison._repr_html_()
    assert "Budget management \u2248 Management of Financial Resources" in page
    assert "[closeMatch 0.91, rolegraph-align tfidf]" in page and "importance 3.50/5, level 3.90/7" in page


def test_the_page_joins_a_pair_by_a_dashed_edge_with_its_score(aligned: RoleGraph) -> None:
    network = comparison_network(aligned.engine, [URIRef(PM), URIRef(ONET)])
    budget, financial = ID + "skill/budget-management", ELEMENT + "2.B.5.b"
    edge = network.edges[budget, financial, "match"]
    assert (edge["relation"], edge["score"], edge["counted"]) == ("closeMatch", 0.91, True)
    assert network.nodes[budget]["membership"] == network.nodes[financial]["membership"] == "matched"
    assert network.nodes[ID + "skill/ordering-supplies"]["membership"] == "unique"
    page = network_page(network).decode()
    data = json.loads(page.split('<script type="application/json" id="graph-data">', 1)[1].split("</script>", 1)[0])
    (dashed,) = [e for e in data["edges"] if e["from"] == budget and e["to"] == financial]
    assert dashed["dashes"] is True and dashed["label"] == "0.91"
    assert dashed["citations"] == ["closeMatch 0.91, rolegraph-align tfidf"]
    assert 'Skills <span class="tv-figures">overlap 0.27, Jaccard 0.00</span>' in page  # the text view's figures
    assert "Shared by both (0)" in page and "Matched (\u2248, with its score) (3)" in page
    assert '>Knowledge</h3>\n    <p class="tv-category-headline">not comparable: no knowledge data for' in page


def test_pairing_with_three_roles() -> None:
    roles = {"a": frozenset({"r1", "r2"}), "b": frozenset({"r2", "r3"}), "c": frozenset({"r1"}), "d": frozenset({"r1"})}
    links: dict[tuple[str, str], MatchLink] = {}
    mappings = [("a", "b", "closeMatch", 0.6), ("c", "d", "closeMatch", 0.99), ("c", "b", "broadMatch", 0.7)]
    for x, y, relation, score in mappings:
        links[(x, y)] = MatchLink(x, y, relation, score, "m")
        inverse = {"broadMatch": "narrowMatch"}.get(relation, relation)
        links[(y, x)] = MatchLink(y, x, inverse, score, "m")
    found = [(p.node, p.match, p.relation) for p in pair_nodes(roles, links, ["r1", "r2", "r3"])]
    # c and d are linked by the same role (nothing to join); c takes b first (0.7 beats 0.6), so a stays alone.
    assert found == [("c", "b", "broadMatch")]


def test_matched_nodes_gives_the_same_rows_on_rdflib_and_oxigraph() -> None:
    g = rolegraph.load([ALIGNMENT])
    engines = [RdflibEngine(g.rdf), OxigraphEngine.from_graph(g.rdf)]
    nodes = [URIRef(ID + "skill/" + s) for s in ("budget-management", "communication", "schedule-coordination")]
    nodes += [URIRef(ELEMENT + "2.B.5.b"), URIRef(MANAGE_BUDGETS)]

    def rows(engine: Any) -> list[tuple[Any, ...]]:
        return sorted((tuple(normal(t) for t in row) for row in select(engine, "matched-nodes", {"node": nodes}).rows),
                      key=repr)  # fmt: skip

    first, second = rows(engines[0]), rows(engines[1])
    assert first == second
    by_pair: dict[tuple[str, str, str], list[tuple[Any, ...]]] = {}
    for row in first:
        by_pair.setdefault((str(row[0]), str(row[1]), str(row[2])), []).append(row[3:])
    # The triple (no confidence) and its record (confidence and method).
    assert sorted(by_pair[(ID + "skill/budget-management", ELEMENT + "2.B.5.b", "closeMatch")], key=str) == [
        (("number", Decimal("0.91")), Literal("rolegraph-align tfidf")), (None, None)
    ]  # fmt: skip
    assert by_pair[(ID + "skill/budget-management", MANAGE_BUDGETS, "closeMatch")] == [(None, None)]  # hand-made
    assert (ELEMENT + "2.B.5.b", MANAGE_BUDGETS, "closeMatch") in by_pair
    assert not any(key[0] == MANAGE_BUDGETS for key in by_pair)  # from the subject only


def test_a_matched_pair_is_a_comparison_member(aligned: RoleGraph) -> None:
    skills = aligned.compare(PM, ONET).category("skills")
    assert all(isinstance(p, MatchedPair) for p in skills.matched)
    nodes = [n.iri for n in skills.unique[PM]] + [n.iri for p in skills.matched for n in (p.left, p.right)]
    assert len(nodes) == len(set(nodes)) == skills.size - 2 * 0 - len(skills.unique[ONET])


@pytest.mark.skipif((why := virtuoso_missing()) is not None, reason=str(why))
def test_matched_nodes_and_compare_on_virtuoso_equal_the_store(aligned_store: Path, tmp_path: Path) -> None:
    """The aligned store pushed to Virtuoso gives the same matched-nodes rows and the same comparison."""
    server = start_virtuoso(tmp_path / "virtuoso")
    try:
        env = {**os.environ, "ROLEGRAPH_ENDPOINT_PASSWORD": server.password}
        push = [sys.executable, "-m", "rolegraph", "--store", str(aligned_store), "push", "--endpoint",
                server.update, "--graph-store", server.graph_store, "--user", "dba"]  # fmt: skip
        done = subprocess.run(push, capture_output=True, text=True, env=env, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        remote = SparqlHttpEngine.connect(server.sparql)
        nodes = [URIRef(ID + "skill/budget-management"), URIRef(ELEMENT + "2.B.5.b"), URIRef(MANAGE_BUDGETS),
                 URIRef(ID + "skill/communication"), URIRef(ID + "skill/organisation")]  # fmt: skip
        with RoleStore.open(aligned_store) as store:
            here = select(OxigraphEngine(store.store, store.current_graphs()), "matched-nodes", {"node": nodes})
        there = select(remote, "matched-nodes", {"node": nodes})
        as_rows = lambda table: sorted((tuple(normal(t) for t in row) for row in table.rows), key=repr)  # noqa: E731
        assert len(here.rows) >= 8 and as_rows(there) == as_rows(here)
        for other in (ONET, ESCO_PM):  # ESCO_PM: a duty paired with a skill, across categories
            outputs = []
            for store_name in (f"sparql+{server.sparql}", str(aligned_store)):
                command = [sys.executable, "-m", "rolegraph", "--store", store_name, "compare", PM, other]
                command += ["--format", "json"]
                shown = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
                assert shown.returncode == 0, shown.stderr
                outputs.append(json.loads(shown.stdout))
            assert outputs[0] == outputs[1]
            skills = next(c for c in outputs[0]["categories"] if c["category"] == "skills")
            duties = next(c for c in outputs[0]["categories"] if c["category"] == "duties")
            if other == ONET:
                assert [p["score"] for p in skills["matched"]] == [0.91, 0.74, 0.55]
            else:
                assert [(p["score"], p["categories"]) for p in duties["matched"]] == [(0.72, ["duties", "skills"])]
    finally:
        server.stop()
