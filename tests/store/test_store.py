"""rolegraph.store.database and rolegraph.importers.loading: imports land in their own graph, replace themselves, and
leave the store as it was when they fail; the shipped graph is always there; the lock keeps writers apart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import rolegraph
from rolegraph.errors import InputError
from rolegraph.importers.loading import import_crosswalk, import_esco, import_onet
from rolegraph.store.database import RoleStore, StoreError

from ..conftest import DATA


def total_quads(path: Path) -> int:
    with RoleStore.open(path) as store:
        return len(store.store)


def test_a_new_store_holds_the_shipped_graph(tmp_path: Path) -> None:
    with RoleStore.open(tmp_path / "s", writable=True) as store:
        assert [s.title for s in store.sources()] == ["rolegraph's own vocabulary, data and links"]
    with rolegraph.open_store(tmp_path / "s") as g:
        assert [r.label for r in g.roles()] == ["Producer", "Production Manager"]
        assert g.compare("Production Manager", "Producer").jaccard == pytest.approx(20 / 58)


def test_import_then_query_and_reimport_replaces(tmp_path: Path) -> None:
    path = tmp_path / "s"
    with RoleStore.open(path, writable=True) as store:
        first = import_onet(store, DATA / "onet-mini")
        import_esco(store, DATA / "esco-mini", release="v9")
    size = total_quads(path)
    with RoleStore.open(path, writable=True) as store:
        again = import_onet(store, DATA / "onet-mini")
    assert again.triples == first.triples
    assert total_quads(path) == size
    with rolegraph.open_store(path) as g:
        comparison = g.compare("27-2012.00", "11-3051.00")
        assert [n.label for n in comparison.category("skills").shared] == ["Active Listening"]
        across = g.compare("role:production-manager", "performance production manager").category("skills")
        esco_budgets = "http://data.europa.eu/esco/skill/21c5790c-0930-4d74-b3b0-84caf5af12ea"
        assert not across.shared  # the two sources share no node: the hand-made link matches two of them
        assert [(m.label, str(m.right.iri), m.relation, m.score, m.origin) for m in across.matched] == [
            ("Budget management \u2248 manage budgets", esco_budgets, "closeMatch", 1.0, "hand-made")
        ]
        esco = g.compare("video and motion picture producer", "performance production manager")
        assert [n.label for n in esco.category("skills").shared] == ["manage budgets"]
        assert esco.category("skills").jaccard == pytest.approx(1 / 3)


def test_a_failed_import_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "s"
    with RoleStore.open(path, writable=True) as store:
        import_onet(store, DATA / "onet-mini")
    before = total_quads(path)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "Occupation Data.txt").write_text((DATA / "onet-mini" / "Occupation Data.txt").read_text())
    (broken / "Skills.txt").write_text("O*NET-SOC Code\tElement ID\n27-2012.00\t2.A.1.b\n")
    with RoleStore.open(path, writable=True) as store, pytest.raises(InputError, match="missing column"):
        import_onet(store, broken, release="99.9")
    assert total_quads(path) == before
    with RoleStore.open(path) as store:
        assert [s.release for s in store.sources() if s.title.startswith("O*NET")] == ["99.9"]


def test_the_sources_say_licence_and_credit(tmp_path: Path) -> None:
    path = tmp_path / "s"
    with RoleStore.open(path, writable=True) as store:
        import_onet(store, DATA / "onet-mini")
        import_esco(store, DATA / "esco-mini", release="v9")
        import_crosswalk(store, DATA / "crosswalk-mini.csv")
    with RoleStore.open(path) as store:
        infos = {s.title: s for s in store.sources()}
    assert "O*NET 99.9 Database" in infos["O*NET 99.9 Database"].credit
    assert infos["ESCO v9 (English)"].credit == "This service uses the ESCO classification of the European Commission."
    assert "official" in infos["ESCO to O*NET-SOC 2019 crosswalk (O*NET Resource Center)"].credit


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "s"
    with RoleStore.open(path, writable=True):
        with pytest.raises(StoreError, match="the store is busy"), RoleStore.open(path, writable=True):
            pass
        with pytest.raises(StoreError, match="an import is writing to it"), RoleStore.open(path):
            pass


def test_reading_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="rolegraph import"), RoleStore.open(tmp_path / "nothing"):
        pass


def test_orphans_of_a_killed_import_are_dropped(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from rolegraph.store.database import GRAPH_BASE

    path = tmp_path / "s"
    with RoleStore.open(path, writable=True) as store:
        store.store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal("c"),
                                ox.NamedNode(GRAPH_BASE + "onet/half-written")))  # fmt: skip
    with RoleStore.open(path, writable=True) as store:
        names = {g.value for g in store.store.named_graphs()}
    assert GRAPH_BASE + "onet/half-written" not in names
    assert os.path.isdir(path)


def test_a_store_whose_union_needs_building_says_so_once_on_stderr(mini_store: Path, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    from rolegraph.store.database import REGISTRY, UNION_HOLDS

    copy = tmp_path / "store"
    shutil.copytree(mini_store, copy)
    with RoleStore.open(copy, writable=True) as store:  # as an older rolegraph left it: no union recorded
        store.store.update(f"DELETE WHERE {{ GRAPH <{REGISTRY.value}> {{ ?r <{UNION_HOLDS}> ?g }} }}")
        assert not store.union_is_current()
    env = {**os.environ, "PYTHONPATH": str(Path(rolegraph.__file__).parent.parent)}
    command = [sys.executable, "-m", "rolegraph", "--store", str(copy), "sources"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert first.returncode == 0, first.stderr
    (line,) = first.stderr.splitlines()
    assert line.startswith(f"rolegraph: {copy}: building the store's default graph") and "older rolegraph" in line
    again = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert again.returncode == 0 and again.stderr == "" and again.stdout == first.stdout


def _folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file())


def test_reimporting_a_release_leaves_the_store_its_fresh_size(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with RoleStore.open(path, writable=True) as store:
        import_onet(store, DATA / "onet-mini")
        before = (store.sources(), sorted(str(q) for q in store.store.quads_for_pattern(None, None, None, None)
                                          if "/graph/" not in str(q.graph_name)))  # fmt: skip
    fresh = _folder_size(path)
    for _ in range(3):
        with RoleStore.open(path, writable=True) as store:
            import_onet(store, DATA / "onet-mini")
    assert _folder_size(path) <= 1.2 * fresh
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # the compacted copy took the store's place
    with RoleStore.open_for_reading(path) as store:
        assert store.union_is_current()
        after = sorted(str(q) for q in store.store.quads_for_pattern(None, None, None, None)
                       if "/graph/" not in str(q.graph_name))  # fmt: skip
        assert after == before[1]
        assert [(s.title, s.triples) for s in store.sources()] == [(s.title, s.triples) for s in before[0]]


def test_what_a_killed_compaction_left_beside_the_store_is_deleted(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with RoleStore.open(path, writable=True):
        pass
    leftover = tmp_path / ".store.compact-0123"
    leftover.mkdir()
    (leftover / "000001.sst").write_bytes(b"half a copy")
    unrelated = tmp_path / ".other.compact-0123"
    unrelated.mkdir()
    with RoleStore.open(path, writable=True):
        pass
    assert not leftover.exists() and unrelated.exists()
