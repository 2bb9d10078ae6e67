"""rolegraph.sparql.linkindex and rolegraph.sparql.answercache: on a store, ``rank-similar-roles`` ranked with the link
index and the kept answers of ``list-roles`` and ``role-names`` give exactly the rows, in the order, that the queries
give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from rolegraph.compare.similarity import similar_roles
from rolegraph.sparql import answercache, linkindex
from rolegraph.sparql.engines import OxigraphEngine, select
from rolegraph.sparql.queries import bind
from rolegraph.sparql.results import ResultTable
from rolegraph.store.database import RoleStore

EX = "https://example.org/"
RG = "https://w3id.org/rolegraph/vocab#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SUB_PROPERTY = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")


def _n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def _rg(name: str) -> ox.NamedNode:
    return ox.NamedNode(RG + name)


def _tricky() -> list[tuple[Any, Any, Any]]:
    """Roles that tie on Jaccard and shared counts (so labels, their case, language and the IRI order them), two
    links of one category, a link of two categories, labels in English, in other languages, or none."""
    triples: list[tuple[Any, Any, Any]] = [
        (_n("alsoSkill"), _rg("comparisonCategory"), ox.Literal("skills")),
        (_n("alsoSkill"), SUB_PROPERTY, _rg("roleLink")),
        (_n("twoWays"), _rg("comparisonCategory"), ox.Literal("skills")),
        (_n("twoWays"), _rg("comparisonCategory"), ox.Literal("duties")),
        (_n("twoWays"), SUB_PROPERTY, _rg("roleLink")),
    ]
    labels: dict[int, list[ox.Literal]] = {
        0: [ox.Literal("Zero", language="en")],
        1: [ox.Literal("alpha", language="en")],
        2: [ox.Literal("Alpha", language="en-gb")],
        3: [ox.Literal("Alpha", language="de")],
        4: [],
        5: [ox.Literal("beta", language="en"), ox.Literal("Beta", language="en-us")],
        6: [ox.Literal("Émile", language="en")],
        7: [ox.Literal("alpha", language="EN")],
    }
    for i in range(12):
        role = _n(f"role/{i:02}")
        triples.append((role, RDF_TYPE, _rg("ProfiledRole")))
        triples += [(role, LABEL, label) for label in labels.get(i, [ox.Literal(f"role {i}", language="en")])]
        for j in range(3 + i % 4):
            triples.append((role, _rg("requiresSkill"), _n(f"skill/{j}")))
        if i % 3 == 0:
            triples.append((role, _n("alsoSkill"), _n("skill/0")))  # the same facet through another link
        if i % 2 == 0:
            triples.append((role, _n("twoWays"), _n("skill/9")))
        triples.append((role, _rg("hasDuty"), _n(f"duty/{i % 2}")))
        triples.append((role, _rg("recommendedCertification"), _n(f"certification/{i % 3}")))
    for c in range(3):
        triples.append((_n(f"certification/{c}"), _rg("issuedBy"), _n(f"organization/{c % 2}")))
    return triples


def _store(path: Path, triples: list[tuple[Any, Any, Any]]) -> Path:
    with RoleStore.open(path, writable=True) as store:
        store.load_source(EX + "source/test", "test", {"title": "test graph", "release": "1"}, iter(triples))
    return path


def _queried(engine: OxigraphEngine, name: str, values: dict[str, Any], limit: int | None = None) -> ResultTable:
    """The rows the query text itself gives on the engine (no index, no kept answer)."""
    answer = engine.execute(bind(name, values).text, limit=limit)
    assert isinstance(answer, ResultTable)
    return answer


@pytest.fixture(scope="module")
def tricky_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _store(tmp_path_factory.mktemp("links") / "store", _tricky())


@pytest.mark.parametrize("limit", [None, 1, 3, 5, 50])
def test_the_index_ranks_as_the_query_does(tricky_store: Path, limit: int | None) -> None:
    with RoleStore.open(tricky_store) as store:
        engine = store.engine()
        for i in range(12):
            role = URIRef(f"{EX}role/{i:02}")
            expected = _queried(engine, "rank-similar-roles", {"role": role}, limit)
            ranked = linkindex.rank_similar(engine, role, limit)
            assert ranked is not None
            assert ranked.variables == expected.variables
            assert ranked.rows == expected.rows, role
            assert select(engine, "rank-similar-roles", {"role": role}, limit=limit).rows == expected.rows


def test_similar_roles_on_a_store_are_those_the_queries_give(mini_store: Path) -> None:
    with RoleStore.open(mini_store) as store:
        engine = store.engine()
        roles = [row.role for row in select(engine, "list-roles", {"profiledOnly": Literal(True)})]
        assert len(roles) > 3
        for role in roles:
            expected = _queried(engine, "rank-similar-roles", {"role": role})
            assert linkindex.rank_similar(engine, role) is not None
            assert select(engine, "rank-similar-roles", {"role": role}).rows == expected.rows
        top = similar_roles(engine, URIRef(roles[0]), 5)
        expected = _queried(engine, "rank-similar-roles", {"role": roles[0]}, 5)
        assert [(s.iri, s.label, s.shared) for s in top] == [(str(r[0]), str(r[1]), int(r[2])) for r in expected.rows]


def test_a_role_without_links_and_a_value_that_is_not_a_role(tricky_store: Path) -> None:
    with RoleStore.open(tricky_store) as store:
        engine = store.engine()
        for value in [URIRef(EX + "skill/0"), URIRef(EX + "nothing"), Literal("role 8")]:
            expected = _queried(engine, "rank-similar-roles", {"role": value})
            assert select(engine, "rank-similar-roles", {"role": value}).rows == expected.rows == ()


def test_a_blank_node_with_role_links_leaves_the_ranking_to_the_query(tmp_path: Path) -> None:
    triples = _tricky()
    blank = ox.BlankNode()
    triples += [(blank, _rg("requiresSkill"), _n("skill/0")), (blank, _rg("requiresSkill"), _n("skill/1"))]
    with RoleStore.open(_store(tmp_path / "store", triples)) as store:
        engine = store.engine()
        role = URIRef(EX + "role/01")
        assert not linkindex.link_index(engine).complete
        assert linkindex.rank_similar(engine, role) is None
        expected = _queried(engine, "rank-similar-roles", {"role": role})
        assert any(isinstance(row[0], BNode) for row in expected.rows)
        assert select(engine, "rank-similar-roles", {"role": role}).rows == expected.rows


def _kept(folder: Path, prefix: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(prefix))


def test_an_import_builds_the_index_and_later_processes_reuse_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _store(tmp_path / "store", _tricky())
    (index_file,) = _kept(folder, linkindex.FILE_PREFIX)
    assert len(_kept(folder, answercache.FILE_PREFIX)) == 3  # list-roles (profiled or not) and role-names

    def no_scan(*args: object) -> None:
        raise AssertionError("the index was rebuilt instead of opened")

    monkeypatch.setattr(linkindex, "_fill", no_scan)
    with RoleStore.open(folder) as store:
        engine = store.engine()
        assert linkindex.link_index(engine).path == index_file
        role = URIRef(EX + "role/00")
        assert (
            select(engine, "rank-similar-roles", {"role": role}).rows
            == _queried(engine, "rank-similar-roles", {"role": role}).rows
        )
    monkeypatch.undo()
    _store(folder, _tricky()[:-3])  # a new release of the source: new graphs, a new index
    with RoleStore.open(folder) as store:
        assert linkindex.link_index(store.engine()).path != index_file


def test_a_damaged_index_is_rebuilt(tmp_path: Path) -> None:
    folder = _store(tmp_path / "store", _tricky())
    (index_file,) = _kept(folder, linkindex.FILE_PREFIX)
    index_file.write_bytes(b"not an index" * 100)
    with RoleStore.open(folder) as store:
        engine = store.engine()
        role = URIRef(EX + "role/03")
        assert linkindex.rank_similar(engine, role) is not None
        assert (
            select(engine, "rank-similar-roles", {"role": role}).rows
            == _queried(engine, "rank-similar-roles", {"role": role}).rows
        )
    assert index_file.read_bytes().startswith(b"SQLite format 3")


@pytest.mark.parametrize(
    ("name", "values"),
    [("list-roles", {}), ("list-roles", {"profiledOnly": Literal(True)}), ("role-names", {})],
)
def test_kept_listings_are_the_query_answers(mini_store: Path, name: str, values: dict[str, Any]) -> None:
    with RoleStore.open(mini_store) as store:
        engine = store.engine()
        expected = _queried(engine, name, values)
        assert len(expected.rows) > 5
        for _ in range(2):  # kept by the import or written by the first call, then read
            kept = select(engine, name, values)
            assert kept.variables == expected.variables
            assert kept.rows == expected.rows
            assert [[None if t is None else (type(t), t.n3()) for t in row] for row in kept.rows] == [
                [None if t is None else (type(t), t.n3()) for t in row] for row in expected.rows
            ]
        assert select(engine, name, values, limit=3).rows == expected.rows[:3]


def test_a_damaged_kept_answer_is_computed_again(tmp_path: Path) -> None:
    folder = _store(tmp_path / "store", _tricky())
    for path in _kept(folder, answercache.FILE_PREFIX):
        path.write_text('{"format": 1, "key": "x", "rows": [[', encoding="utf-8")
    with RoleStore.open(folder) as store:
        engine = store.engine()
        assert select(engine, "role-names").rows == _queried(engine, "role-names", {}).rows
    written = [p.read_text(encoding="utf-8") for p in _kept(folder, answercache.FILE_PREFIX)]
    assert any(text.startswith(f'{{"format":{answercache.FORMAT},') for text in written)
