"""The store as one RDF dataset and the releases in it: queries read the set union of the current graphs (a triple
held twice is one row), the union survives a writer killed anywhere, a newer release of a source replaces the older
(an older one is refused unless both are kept), `rolegraph remove`, and counts of the triples stored."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from rolegraph.cli import main
from rolegraph.importers.loading import import_esco, import_onet
from rolegraph.sparql.engines import OxigraphEngine
from rolegraph.sparql.results import ResultTable
from rolegraph.store.database import GRAPH_BASE, RoleStore, StoreError, release_order

from ..conftest import DATA
from ..importers.test_import_faults import full_disk_at

EX = "http://example.org/"
TEST_SOURCE = "https://w3id.org/rolegraph/id/source/"


def triple(s: str, p: str, o: str) -> tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]:
    return ox.NamedNode(EX + s), ox.NamedNode(EX + p), ox.NamedNode(EX + o)


def load(store: RoleStore, key: str, triples: list[tuple[Any, Any, Any]]) -> int:
    return store.load_source(TEST_SOURCE + key, key, {"title": f"test {key}", "release": key}, iter(triples))


def rows(store: RoleStore, text: str) -> list[tuple[str, ...]]:
    answer = store.engine().execute(text)
    assert isinstance(answer, ResultTable)
    return sorted(tuple(str(term) for term in row) for row in answer.rows)


def triples_of(store: ox.Store, graph: Any) -> set[tuple[Any, Any, Any]]:
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)}


def union_is_right(path: Path) -> bool:
    """Whether the store's default graph is exactly the set union of its current graphs, and says so."""
    with RoleStore.open(path) as store:
        expected: set[tuple[Any, Any, Any]] = set()
        for graph in store.current_graphs():
            expected |= triples_of(store.store, graph)
        return triples_of(store.store, ox.DefaultGraph()) == expected and store.union_is_current()


@pytest.fixture
def two_sources(tmp_path: Path) -> Path:
    """A store with two sources that hold the same triple (and one of their own each)."""
    path = tmp_path / "store"
    with RoleStore.open(path, writable=True) as store:
        load(store, "test-a/1", [triple("x", "type", "T"), triple("x", "label", "a")])
        load(store, "test-b/1", [triple("x", "type", "T"), triple("x", "label", "b")])
    return path


# -- one dataset, set semantics ----------------------------------------------------------------------------------


def test_a_triple_held_by_two_current_graphs_is_one_row(two_sources: Path) -> None:
    with RoleStore.open(two_sources) as store:
        assert rows(store, f"SELECT ?t {{ <{EX}x> <{EX}type> ?t }}") == [(EX + "T",)]
        assert rows(store, f"SELECT (COUNT(*) AS ?n) {{ <{EX}x> ?p ?o }}") == [("3",)]
        assert rows(store, f"SELECT ?o {{ <{EX}x> <{EX}label> ?o }}") == [(EX + "a",), (EX + "b",)]
        # The bag the union of a list of graphs gives, which the store's engine no longer reads:
        bag = OxigraphEngine(store.store, default_graphs=store.current_graphs()).execute(
            f"SELECT ?t {{ <{EX}x> <{EX}type> ?t }}"
        )
        assert isinstance(bag, ResultTable) and len(bag.rows) == 2


def test_graph_sees_exactly_the_current_graphs(two_sources: Path) -> None:
    with RoleStore.open(two_sources, writable=True) as store:  # an orphan, as a killed import leaves one
        store.store.add(ox.Quad(*triple("orphan", "p", "o"), ox.NamedNode(GRAPH_BASE + "test-a/half-written")))
        current = sorted(g.value for g in store.current_graphs())
    with RoleStore.open(two_sources) as store:
        assert GRAPH_BASE + "test-a/half-written" in {g.value for g in store.store.named_graphs()}
        seen = [row[0] for row in rows(store, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")]
        assert seen == current and GRAPH_BASE + "registry" not in seen
        assert rows(store, f"SELECT ?s {{ ?s <{EX}p> ?o }}") == []
        with_type = rows(store, f"SELECT ?g {{ GRAPH ?g {{ <{EX}x> <{EX}type> ?t }} }}")
        assert len(with_type) == 2 and all("/test-" in g for (g,) in with_type)


def test_the_union_follows_replacement_and_removal(two_sources: Path) -> None:
    with RoleStore.open(two_sources, writable=True) as store:
        load(store, "test-a/1", [triple("x", "label", "a2")])  # a re-import replaces the release
    assert union_is_right(two_sources)
    with RoleStore.open(two_sources) as store:
        assert rows(store, f"SELECT ?o {{ <{EX}x> ?p ?o }}") == [(EX + "T",), (EX + "a2",), (EX + "b",)]
    with RoleStore.open(two_sources, writable=True) as store:
        store.remove_source(TEST_SOURCE + "test-b/1")
    assert union_is_right(two_sources)
    with RoleStore.open(two_sources) as store:
        assert rows(store, f"SELECT ?o {{ <{EX}x> ?p ?o }}") == [(EX + "a2",)]


class KilledError(Exception):
    """Stands for a kill: raised inside the union's update."""


def forget_union(store: RoleStore) -> None:
    """Make the store look as an older rolegraph wrote it: no union in the default graph."""
    store.store.update(f"DELETE WHERE {{ GRAPH <{GRAPH_BASE}registry> {{ <{GRAPH_BASE}registry> ?p ?g }} }}")
    store.store.clear_graph(ox.DefaultGraph())


@pytest.mark.parametrize(
    ("operation", "step", "after"),
    [("remove", "_mark", 1), ("remove", "_set_marks", 0), ("rebuild", "_add_to_union", 3), ("rebuild", "_mark", 1)],
)
def test_a_union_update_killed_in_the_middle_is_repaired(
    two_sources: Path, operation: str, step: str, after: int
) -> None:
    """Raise inside the union's update (after the commit of a removal, or while a whole union is built); a reader
    meanwhile reads the current graphs as a list, and the next open_for_reading brings the union up to date."""
    if operation == "rebuild":
        with RoleStore.open(two_sources, writable=True) as store:
            forget_union(store)
    original = getattr(RoleStore, step)
    calls = [0]

    def fail_later(self: RoleStore, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] > after:
            raise KilledError(step)
        return original(self, *args, **kwargs)

    setattr(RoleStore, step, fail_later)
    try:
        with pytest.raises(KilledError), RoleStore.open(two_sources, writable=True) as store:
            store.remove_source(TEST_SOURCE + "test-b/1")
    finally:
        setattr(RoleStore, step, original)
    gc.collect()
    expected = [(EX + "T",), (EX + "a",)] if operation == "remove" else [(EX + "T",), (EX + "a",), (EX + "b",)]
    with RoleStore.open(two_sources) as store:
        assert not store.union_is_current()  # read as a list of graphs meanwhile: a bag, hence DISTINCT
        assert rows(store, f"SELECT DISTINCT ?o {{ <{EX}x> ?p ?o }}") == expected
    with RoleStore.open_for_reading(two_sources) as store:
        assert rows(store, f"SELECT ?o {{ <{EX}x> ?p ?o }}") == expected
    assert union_is_right(two_sources)


def test_an_import_interrupted_while_loading_is_forgotten_by_the_union(two_sources: Path) -> None:
    def stream() -> Iterator[tuple[Any, Any, Any]]:
        yield triple("y", "type", "T")
        yield triple("x", "label", "c")
        raise KeyboardInterrupt  # the user's Ctrl-C: the union's repair is left to the next open

    with pytest.raises(KeyboardInterrupt), RoleStore.open(two_sources, writable=True) as store:
        store.load_source(TEST_SOURCE + "test-c/1", "test-c/1", {"title": "c", "release": "1"}, stream())
    gc.collect()
    with RoleStore.open(two_sources) as store:
        assert rows(store, f"SELECT DISTINCT ?s {{ ?s <{EX}type> ?t }}") == [(EX + "x",)]
    with RoleStore.open(two_sources, writable=True):
        pass
    assert union_is_right(two_sources)


def test_a_full_disk_at_every_write_of_a_removal(tmp_path: Path, two_sources: Path) -> None:
    for write in range(1, 30):
        path = tmp_path / f"store-{write}"
        shutil.copytree(two_sources, path)
        with full_disk_at(write) as failures:
            try:
                with RoleStore.open(path, writable=True) as store:
                    store.remove_source(TEST_SOURCE + "test-b/1")
            except StoreError:
                pass
        gc.collect()
        with RoleStore.open(path, writable=True) as store:
            titles = [s.title for s in store.sources()][1:]
        assert titles in (["test test-a/1"], ["test test-a/1", "test test-b/1"])
        assert union_is_right(path), write
        if not failures:
            break
    else:
        pytest.fail("the removal made more writes than the test tries")


def test_a_store_without_a_union_gets_one(tmp_path: Path) -> None:
    """A store written by an older rolegraph (no union in the default graph) is read right and then given one."""
    path = tmp_path / "store"
    with RoleStore.open(path, writable=True) as store:
        import_onet(store, DATA / "onet-mini")
        forget_union(store)
    with RoleStore.open(path) as store:
        assert not store.union_is_current()
        assert store.engine().default_graphs  # read as a list of graphs meanwhile
        assert rows(store, "SELECT ?t { <https://w3id.org/rolegraph/id/onet/occupation/27-2012.00> a ?t }")
    with RoleStore.open_for_reading(path) as store:
        assert store.union_is_current() and store.engine().default_graphs is None
    assert union_is_right(path)


def test_counts_are_of_triples_stored(tmp_path: Path) -> None:
    """A triple generated twice is stored once: the import, the registry and the report count it once."""
    from rolegraph.importers.report import ImportReport

    path = tmp_path / "store"
    repeated = [triple("x", "type", "T"), triple("x", "type", "T"), triple("x", "label", "a")]
    metadata = {"title": "test", "release": "1"}
    with RoleStore.open(path, writable=True) as store:
        assert store.load_source(TEST_SOURCE + "test/1", "test/1", metadata, iter(repeated)) == 2
        assert metadata["generated"] == "3"
        assert [s.triples for s in store.sources() if s.title == "test"] == [2]
    report = ImportReport("Test", "1", triples=2, generated=3)
    assert report.lines()[0] == "Imported Test 1: 2 triples stored (3 generated, 1 of them repeats)."


# -- releases of a source ----------------------------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    code = int(exited.value.code or 0)
    del exited
    gc.collect()
    out, err = capsys.readouterr()
    return code, out, err


def onet_release(tmp_path: Path, release: str) -> Path:
    """A copy of the O*NET fixture that says it is ``release``."""
    folder = tmp_path / f"onet-{release}"
    shutil.copytree(DATA / "onet-mini", folder)
    readme = folder / "Read Me.txt"
    readme.write_text(readme.read_text(encoding="utf-8").replace("99.9", release), encoding="utf-8")
    return folder


def test_release_order() -> None:
    assert sorted(["30.0", "29.2", "29.0", "9.1"], key=release_order) == ["9.1", "29.0", "29.2", "30.0"]
    assert sorted(["v1.2.0", "v1.10", "v1.1.1"], key=release_order) == ["v1.1.1", "v1.2.0", "v1.10"]


def test_a_newer_release_replaces_the_older(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert cli(capsys, "--store", store, "import", "onet", str(DATA / "onet-mini"))[0] == 0
    code, out, _err = cli(capsys, "--store", store, "import", "onet", str(onet_release(tmp_path, "100.0")))
    assert code == 0 and "Replaced O*NET 99.9 Database." in out
    code, out, _err = cli(capsys, "--store", store, "sources")
    assert "O*NET 100.0 Database" in out and "O*NET 99.9 Database  (" not in out
    assert "    replaced O*NET 99.9 Database on 20" in out
    with RoleStore.open(store) as opened:
        zones = rows(opened, "SELECT ?z { <https://w3id.org/rolegraph/id/onet/occupation/27-2012.00> rg:jobZone ?z }")
        cited = rows(opened, "SELECT DISTINCT ?r { ?s <http://purl.org/dc/terms/isPartOf> ?r }")
    assert len(zones) <= 1
    assert all("99.9" not in r for (r,) in cited) and any("100.0" in r for (r,) in cited)


def test_an_older_release_is_refused_unless_both_are_kept(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert cli(capsys, "--store", store, "import", "onet", str(onet_release(tmp_path, "100.0")))[0] == 0
    before = cli(capsys, "--store", store, "sources")[1]
    code, _out, err = cli(capsys, "--store", store, "import", "onet", str(DATA / "onet-mini"))
    assert code == 2 and "Traceback" not in err
    assert "the store holds O*NET 100.0 Database, newer than O*NET 99.9 Database" in err
    assert "--keep-older" in err and 'rolegraph remove "O*NET 100.0 Database"' in err
    assert cli(capsys, "--store", store, "sources")[1] == before
    code, out, _err = cli(capsys, "--store", store, "import", "onet", str(DATA / "onet-mini"), "--keep-older")
    assert code == 0 and "Replaced" not in out
    listed = cli(capsys, "--store", store, "sources")[1]
    assert "O*NET 100.0 Database  (" in listed and "O*NET 99.9 Database  (" in listed
    shown = cli(capsys, "--store", store, "show", "27-2012.00")[1]
    assert "O*NET 100.0 Database" in shown and "O*NET 99.9 Database" in shown  # citations name each release


def test_esco_releases_replace_each_other_too(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with RoleStore.open(path, writable=True) as store:
        import_esco(store, DATA / "esco-mini", release="v1.1.1")
        report = import_esco(store, DATA / "esco-mini", release="v1.2.0")
        assert report.replaced == "ESCO v1.1.1 (English)"
        assert [s.release for s in store.sources()][1:] == ["v1.2.0"]
    assert union_is_right(path)


# -- remove ------------------------------------------------------------------------------------------------------


def test_remove(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert cli(capsys, "--store", store, "import", "onet", str(DATA / "onet-mini"))[0] == 0
    assert cli(capsys, "--store", store, "import", "onet", str(onet_release(tmp_path, "100.0")), "--keep-older")[0] == 0
    assert cli(capsys, "--store", store, "import", "esco", str(DATA / "esco-mini"), "--release", "v9")[0] == 0
    assert cli(capsys, "--store", store, "import", "crosswalk", str(DATA / "crosswalk-mini.csv"))[0] == 0
    assert cli(capsys, "--store", store, "show", "27-2012.00")[0] == 0
    code, _out, err = cli(capsys, "--store", store, "remove", "nothing-like-it")
    assert code == 2 and "no loaded source or release is called 'nothing-like-it'" in err
    assert '"O*NET 99.9 Database" (onet, onet/99.9)' in err and '"ESCO v9 (English)" (esco, esco/v9)' in err
    code, _out, err = cli(capsys, "--store", store, "remove", "rolegraph")
    assert code == 2 and "the shipped graph" in err and "cannot be removed" in err
    code, out, _err = cli(capsys, "--store", store, "remove", "O*NET 99.9")
    assert code == 0 and "Removed O*NET 99.9 Database." in out
    code, out, _err = cli(capsys, "--store", store, "remove", "crosswalk")
    assert code == 0 and "crosswalk" in out
    code, out, _err = cli(capsys, "--store", store, "remove", "onet")
    assert code == 0 and "Removed O*NET 100.0 Database." in out
    listed = cli(capsys, "--store", store, "sources")[1]
    assert "O*NET" not in listed and "ESCO v9 (English)" in listed and "crosswalk" not in listed
    assert union_is_right(Path(store))
    code, _out, err = cli(capsys, "--store", store, "show", "27-2012.00")  # the name index followed
    assert code == 2, err
    assert cli(capsys, "--store", store, "show", "http://data.europa.eu/esco/occupation/p1")[0] == 0
    code, out, _err = cli(capsys, "--store", store, "remove", "esco")
    assert code == 0 and "Removed ESCO v9 (English)." in out
    code, _out, err = cli(capsys, "--store", store, "remove", "esco")
    assert code == 2 and "nothing but the shipped graph" in err
