"""rolegraph.compare.moves: the gap between two roles says what the article says, matched items carry over through
the alignment's mappings, moves follow the viability rule and say why a role was left out, and bad input is refused
with a message."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import rolegraph
from rolegraph.api import RoleGraph
from rolegraph.compare import moves as career
from rolegraph.compare.moves import Gap, GapItem, Move, RoleFacts, transition_score
from rolegraph.errors import InputError

from .test_matching import load_alignment

ID = "https://w3id.org/rolegraph/id/"
PM, PRODUCER = ID + "role/production-manager", ID + "role/producer"
ONET = ID + "onet/occupation/27-2012.00"
ELEMENT = ID + "onet/element/"


@pytest.fixture(scope="module")
def g() -> RoleGraph:
    return rolegraph.load()


@pytest.fixture(scope="module")
def gap(g: RoleGraph) -> Gap:
    return g.gap("Production Manager", "Producer")


@pytest.fixture(scope="module")
def aligned(mini_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoleGraph]:
    path = tmp_path_factory.mktemp("moves-aligned") / "store"
    shutil.copytree(mini_store, path)
    load_alignment(path)
    with rolegraph.open_store(path) as graph:
        yield graph


def labels(items: tuple[GapItem, ...]) -> list[str]:
    return [i.label for i in items]


def test_the_article_gap_from_production_manager_to_producer(gap: Gap) -> None:
    skills = gap.category("skills")
    assert labels(skills.carried) == ["Communication", "Organisation"]
    assert labels(skills.missing) == ["Concept development", "Scriptwriting", "Working with talent"]
    duties = gap.category("duties")
    assert "Raise the money for the project" in labels(duties.missing)
    assert "Make the creative decisions for the production" in labels(duties.missing)
    assert "Plan and manage the production schedule" in labels(duties.carried)
    assert not set(labels(duties.carried)) & set(labels(duties.missing))
    assert gap.headline == "covers 2 of 5 essential skills, 40 %"
    assert gap.essential_skills == (2, 5)
    assert gap.pay_ratio == pytest.approx(62193 / 73786)
    assert gap.education_rise == 0 and gap.origin.education_level == 6
    assert gap.zone_rise is None  # the article's roles have no O*NET job zone


def test_the_gap_is_from_the_destination_side(g: RoleGraph, gap: Gap) -> None:
    back = g.gap("Producer", "Production Manager")
    assert labels(back.category("skills").missing) == [
        "Budget management",
        "Ordering supplies",
        "Schedule coordination",
    ]
    assert back.pay_ratio == pytest.approx(73786 / 62193)
    assert "Raise the money for the project" not in labels(back.category("duties").missing)
    document = gap.to_dict()
    assert json.loads(json.dumps(document))["headline"] == gap.headline
    assert [c["category"] for c in document["categories"]] == [c.category for c in gap.categories]
    page = gap._repr_html_()
    assert "you have" in page and "to learn" in page and "Scriptwriting" in page


def test_matched_items_carry_over_through_the_alignment(aligned: RoleGraph) -> None:
    gap = aligned.gap(PM, ONET)
    skills = gap.category("skills")
    carried = {i.iri: i for i in skills.carried}
    # Budget management closeMatch Management of Financial Resources (0.91); Speaking broadMatch Communication.
    assert carried[ELEMENT + "2.B.5.b"].match == ID + "skill/budget-management"
    assert carried[ELEMENT + "2.B.5.b"].score == pytest.approx(0.91)
    assert carried[ELEMENT + "2.A.1.d"].match == ID + "skill/communication"
    # A related match is not counted: Active Listening is still to learn.
    assert ELEMENT + "2.A.1.b" in {i.iri for i in skills.missing}
    weights = [i.importance * (i.level or 0) for i in skills.missing if i.importance is not None]
    assert weights == sorted(weights, reverse=True)
    assert gap.destination.job_zone == 4
    assert 0 < gap.coverage < 1


def test_the_same_role_twice_or_a_role_without_skills_is_refused(g: RoleGraph) -> None:
    with pytest.raises(InputError, match="two different roles"):
        g.gap("Producer", "producer")
    with pytest.raises(InputError, match="no skills or knowledge"):
        g.gap("Production Manager", "Director")
    with pytest.raises(InputError, match="no skills or knowledge"):
        g.moves("Director")
    with pytest.raises(InputError, match="unknown source"):
        g.moves("Producer", source="linkedin")


def test_a_move_up_is_harder_than_a_move_down() -> None:
    assert transition_score(0.3, 0.6, 1) < transition_score(0.3, 0.6, 0) == transition_score(0.3, 0.6, -1)
    assert transition_score(0.3, 1.0, 0) > transition_score(0.3, 0.2, 0)
    viable, desirable, reason = career._verdict(0.5, 2, None)
    assert not viable and "rises by 2" in reason
    viable, desirable, reason = career._verdict(0.5, 1, 0.7)
    assert viable and desirable is False and "not desirable" in reason
    viable, desirable, reason = career._verdict(career.VIABLE_SCORE / 2, 0, 1.0)
    assert not viable and "below" in reason


def test_moves_on_the_built_in_graph_explain_the_rule(g: RoleGraph) -> None:
    result = g.moves("Production Manager")
    assert [m.destination.iri for m in result.moves] == [PRODUCER]
    move = result.moves[0]
    assert move.desirable is True and "desirable" in move.reason
    assert labels(move.carried) == ["Communication", "Organisation"]
    assert "Jaccard" in result.ranking and str(career.VIABLE_SCORE) in result.rule
    assert g.moves("Production Manager", source="esco").moves == ()
    assert json.loads(json.dumps(result.to_dict()))["moves"][0]["to"]["iri"] == PRODUCER
    assert "Producer" in result._repr_html_()


def test_moves_across_sources_after_align(aligned_mini_store: Path) -> None:
    with rolegraph.open_store(aligned_mini_store) as graph:
        result = graph.moves(ONET)
        considered = {m.destination.iri for m in (*result.moves, *result.left_out)}
        assert considered and ONET not in considered
        assert "stored similarity" in result.ranking
        for move in result.left_out:
            assert move.reason.startswith("left out")
        scores = [m.transition for m in result.moves]
        assert scores == sorted(scores, reverse=True)
        only = graph.moves(ONET, source="esco")
        assert all(m.destination.source == "esco" for m in (*only.moves, *only.left_out))


def _move(label: str, similarity: float, missing: list[GapItem], carried: list[GapItem]) -> tuple[Move, Gap]:
    facts = RoleFacts(f"https://example.org/{label}", label)
    gap = Gap(
        RoleFacts("https://example.org/origin", "origin"),
        facts,
        (career.CategoryGap("skills", tuple(carried), tuple(missing)),),
    )
    transition = transition_score(similarity, gap.coverage, None)
    viable, desirable, reason = career._verdict(transition, None, None)
    move = Move(facts, similarity, gap.coverage, transition, None, None, viable, desirable, reason, (), ())
    return move, gap


def test_unlocks_are_the_skills_that_lift_the_most_moves_over_the_threshold() -> None:
    def skill(name: str) -> GapItem:
        return GapItem(f"https://example.org/skill/{name}", name, "skills", True)

    have = [skill("a"), skill("b")]
    # Each move covers 2 of 4 skills: score 0.75 * similarity; one more skill lifts it to 0.875 * similarity.
    just_below = career.VIABLE_SCORE / 0.8
    judged = [
        _move("one", just_below, [skill("python"), skill("x")], have),
        _move("two", just_below, [skill("python"), skill("y")], have),
        _move("three", just_below, [skill("z"), skill("w")], have),
        _move("far", career.VIABLE_SCORE / 4, [skill("python"), skill("v")], have),
    ]
    assert not any(m.viable for m, _ in judged)
    found = career._unlocks(judged, 2)
    assert found[0].label == "python" and [r.label for r in found[0].moves] == ["one", "two"]
    assert len(found) == 2 and found[1].label in {"w", "z"}


def test_the_named_gap_query_lists_what_to_needs_and_from_lacks(g: RoleGraph) -> None:
    rows = g.query("role-gap", **{"from": "Production Manager", "to": "Producer"})
    missing = {str(r.nodeLabel) for r in rows}
    assert {"Scriptwriting", "Raise the money for the project"} <= missing
    assert "Communication" not in missing
    facts = g.query("career-facts", role=["Production Manager", "Producer"])
    assert {float(str(r.amount)) for r in facts} == {73786.0, 62193.0}
