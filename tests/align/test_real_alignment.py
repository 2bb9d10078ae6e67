"""`rolegraph align`'s concept stage on the real releases (O*NET 29.0, ESCO v1.1.1; a skip without ../shared): known
pairs come out with the relation they should have, and the hand-made link stays the only mapping of its pair. (The
role stage, two minutes more on these releases, is tested on the fixtures in test_similarity.py and
test_align_command.py, and measured on the real releases by benchmarks/evaluate_similarity.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rolegraph.align.build import align, concept_stage
from rolegraph.align.mapping import ALIGNMENT_SOURCE
from rolegraph.store.database import RoleStore

SKOS = "http://www.w3.org/2004/02/skos/core#"
RG = "https://w3id.org/rolegraph/vocab#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def aligned(real_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("aligned") / "store"
    shutil.copytree(real_store, copy)
    (copy / "rolegraph.lock").unlink(missing_ok=True)
    with RoleStore.open(copy, writable=True) as store:
        align(store, (concept_stage,))
    return copy


def _relations(store: Path, subject_label: str, object_label: str) -> set[str]:
    """The mapping relations the alignment records between concepts so labelled."""
    with RoleStore.open_for_reading(store) as opened:
        graph = next(info.graph for info in opened.sources() if info.iri == ALIGNMENT_SOURCE)
        rows = opened.store.query(
            f"SELECT DISTINCT ?p WHERE {{ GRAPH <{graph}> {{ ?m <{RG}mappingSubject> ?s ; <{RG}mappingPredicate> ?p ; "
            f"<{RG}mappingObject> ?o }} ?s <{LABEL}> ?sl . ?o <{LABEL}> ?ol . "
            f'FILTER(LCASE(STR(?sl)) = "{subject_label}" && LCASE(STR(?ol)) = "{object_label}") }}'
        )
        return {row["p"].value for row in rows}  # type: ignore[union-attr]


def test_known_pairs_have_the_relation_they_should(aligned: Path) -> None:
    assert _relations(aligned, "ordering supplies", "order supplies") == {SKOS + "closeMatch"}
    assert _relations(aligned, "operate welding equipment", "operate welding equipment.") == {SKOS + "closeMatch"}
    assert _relations(aligned, "budget management", "manage operational budgets") == {SKOS + "narrowMatch"}
    assert _relations(aligned, "manage budgets", "manage budgets for productions.") <= {SKOS + "narrowMatch"}


def test_the_hand_made_link_wins_and_nothing_is_exact(aligned: Path) -> None:
    assert _relations(aligned, "budget management", "manage budgets") == set()  # only ontology/links relates them
    with RoleStore.open_for_reading(aligned) as opened:
        assert opened.store.query(
            f"ASK {{ <https://w3id.org/rolegraph/id/skill/budget-management> <{SKOS}closeMatch> ?o . "
            f'?o <{LABEL}> ?l FILTER(STR(?l) = "manage budgets") }}'
        )
        graph = next(info.graph for info in opened.sources() if info.iri == ALIGNMENT_SOURCE)
        assert not opened.store.query(f"ASK {{ GRAPH <{graph}> {{ ?s <{SKOS}exactMatch> ?o }} }}")
        crosswalks = [info.graph for info in opened.sources() if info.family == "crosswalk"]
        for other in crosswalks:  # the crosswalk's matches are an answer key: never read, so never repeated
            # (an occupation mapped to its most similar occupation may well agree with the crosswalk: the test that
            # the ranking never reads it is tests/align/test_similarity.py::test_the_answer_keys_are_never_read)
            assert not opened.store.query(
                f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} GRAPH <{other}> {{ ?s ?p ?o }} "
                'FILTER(!STRSTARTS(STR(?s), "http://data.europa.eu/esco/occupation/")) }'
            )
