"""Choosing the SKOS relation of a candidate pair, the occupation context, and hand-made links winning."""

from __future__ import annotations

from rolegraph.align.concepts import CHAINING, CLOSE, RELATED, Candidate, choose, map_concepts, through_hierarchy
from rolegraph.align.mapping import BROAD_MATCH, CLOSE_MATCH, EXACT_MATCH, NARROW_MATCH, RELATED_MATCH, Mapping
from rolegraph.align.text import Concept

A = "https://w3id.org/rolegraph/id/skill/"
E = "http://data.europa.eu/esco/skill/"
N = "https://w3id.org/rolegraph/id/onet/dwa/"


def _pair(left: str, right: str, lexical: float, context: float | None = 0.5) -> Candidate:
    return Candidate(Concept(E + "x", left), Concept(N + "y", right), lexical, context)


def test_relations_follow_the_score_and_the_labels() -> None:
    assert choose(_pair("operate welding equipment", "Operate welding equipment.", 0.99)) == CLOSE_MATCH
    assert choose(_pair("manage budgets", "Manage budgets for productions.", 0.8)) == NARROW_MATCH
    assert choose(_pair("manage budgets for film", "Manage budgets.", 0.8)) == BROAD_MATCH
    assert choose(_pair("recruit personnel", "Hire personnel.", (CLOSE + RELATED) / 2)) == RELATED_MATCH
    assert choose(_pair("recruit personnel", "Hire personnel.", RELATED - 0.01)) is None


def test_occupations_with_nothing_in_common_lower_the_score() -> None:
    metal = _pair("casting", "Cast actors.", 0.9, context=0.0)
    actors = _pair("casting", "Cast actors.", 0.9, context=0.4)
    unknown = _pair("casting", "Cast actors.", 0.9, context=None)
    assert metal.score < actors.score == unknown.score == 0.9


def _sides() -> dict[str, list[Concept]]:
    return {
        "article": [Concept(A + "budget", "Budget management", occupations=("Producer",)),
                    Concept(A + "orders", "Order supplies", occupations=("Producer",))],
        "esco": [Concept(E + "budgets", "manage budgets", occupations=("film producer",)),
                 Concept(E + "supplies", "order supplies", occupations=("film producer",))],
        "onet": [Concept(N + "budgets", "Manage budgets for productions.", occupations=("Producers",))],
    }  # fmt: skip


def test_mappings_never_exact_and_never_where_a_hand_made_link_is() -> None:
    mappings = map_concepts(_sides(), set())
    pairs = {(m.subject, m.object): m.predicate for m in mappings}
    assert pairs[(A + "budget", E + "budgets")] in (CLOSE_MATCH, RELATED_MATCH)  # stems alike, n-grams less so
    assert pairs[(A + "orders", E + "supplies")] == CLOSE_MATCH
    assert pairs[(E + "budgets", N + "budgets")] == NARROW_MATCH
    assert EXACT_MATCH not in pairs.values()
    assert all(0 < m.confidence <= 1 and m.method and m.method_version for m in mappings)
    manual = {frozenset((E + "budgets", A + "budget"))}
    kept = {(m.subject, m.object) for m in map_concepts(_sides(), manual)}
    assert (A + "budget", E + "budgets") not in kept
    assert (A + "orders", E + "supplies") in kept


def test_a_close_match_to_an_activity_is_a_broad_match_to_the_one_above() -> None:
    iwa = "https://w3id.org/rolegraph/id/onet/iwa/4.A.4.c.3.I02"
    close = Mapping(E + "x", CLOSE_MATCH, N + "y", 0.97, "m", "1")
    related = Mapping(E + "z", RELATED_MATCH, N + "y", 0.7, "m", "1")
    added = through_hierarchy([close, related], {N + "y": [iwa]}, set())
    assert [(m.subject, m.predicate, m.object, m.justification) for m in added] == [
        (E + "x", BROAD_MATCH, iwa, CHAINING)
    ]
    assert through_hierarchy([close], {N + "y": [iwa]}, {frozenset((iwa, E + "x"))}) == []  # hand-made wins
