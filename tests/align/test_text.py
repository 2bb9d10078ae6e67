"""The offline text model: stems, tokens, n-grams and top-k cosine matches."""

from __future__ import annotations

from rolegraph.align.text import Concept, TextModel, char_grams, stem, top_matches, words


def test_stems_make_one_word_of_its_forms() -> None:
    assert stem("manage") == stem("managing") == stem("management") == stem("manager")
    assert stem("budget") == stem("budgets")
    assert stem("organisation") == stem("organization") == stem("organise") == stem("organisational")
    assert stem("order") == stem("ordering")
    assert stem("cast") != stem("script")


def test_words_drop_stopwords_and_grams_mark_word_edges() -> None:
    assert words("Manage the budgets for a film") == [stem("manage"), stem("budgets"), "film"]
    assert char_grams("ab cd") == ["<ab", "ab>", "<cd", "cd>"]


def _model(*groups: list[Concept]) -> TextModel:
    return TextModel([c.label, *c.alternatives] for group in groups for c in group)


def test_top_matches_rank_the_same_meaning_first() -> None:
    left = [Concept("a:1", "Budget management"), Concept("a:2", "Ordering supplies")]
    right = [
        Concept("b:1", "write scripts"),
        Concept("b:2", "manage budgets", ("control budgets",)),
        Concept("b:3", "order supplies"),
        Concept("b:4", "order food"),
    ]
    found = top_matches(_model(left, right), left, right, k=2, floor=0.1)
    best = {a: b for a, b, _ in sorted(found, key=lambda item: item[2])}  # the best of each left concept last
    assert best == {0: 1, 1: 2}
    scores = {(a, b): s for a, b, s in found}
    assert scores[(0, 1)] > 0.85 and scores[(1, 2)] > 0.85
    assert (1, 0) not in scores  # nothing in common with "write scripts"
    assert all(0 <= s <= 1.0001 for s in scores.values())


def test_identical_labels_score_one_whatever_else_is_aligned() -> None:
    left = [Concept("a:1", "Communication")]
    right = [Concept(f"b:{i}", f"communication tool{i}") for i in range(300)]
    right.append(Concept("b:x", "communication"))
    found = top_matches(_model(left, right), left, right, k=1, floor=0.1)
    assert [(b, round(s, 2)) for _, b, s in found] == [(len(right) - 1, 1.0)]


def test_an_alternative_label_counts_a_little_less() -> None:
    left = [Concept("a:1", "hire staff")]
    right = [Concept("b:1", "recruit employees", ("hire staff",)), Concept("b:2", "hire staff")]
    found = dict(((b, s) for _, b, s in top_matches(_model(left, right), left, right, k=2, floor=0.1)))
    assert found[1] > found[0] > 0.8
