"""An import fails at every point a disk can fail (each write, each flush, the commit, dropping the release it
replaces, the last flush): the exit code and message say whether it was committed, and the store holds exactly
what they say. The faults are injected in the store's writes; on a machine that may mount a tmpfs, a really full
disk gives the same answers just before and just after the commit."""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rolegraph.cli import main
from rolegraph.store.database import REGISTRY, RoleStore

from ..conftest import DATA
from ..test_faults import small_filesystem

MUTATING = {"add", "bulk_extend", "clear", "extend", "flush", "load", "optimize", "remove", "remove_graph", "update"}


class FullDisk:
    """A pyoxigraph store whose ``fail_at``-th write (and every write after it, as RocksDB's errors stick) fails
    with ENOSPC before doing anything."""

    def __init__(self, store: Any, fail_at: int, failures: list[int]) -> None:
        self._store = store
        self._fail_at = fail_at
        self._failures = failures
        self.writes = 0

    def __len__(self) -> int:
        return len(self._store)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        if name not in MUTATING:
            return attribute

        def write(*args: Any, **kwargs: Any) -> Any:
            self.writes += 1
            if self.writes >= self._fail_at:
                self._failures.append(self.writes)
                raise OSError(errno.ENOSPC, f"IO error: No space left on device (injected at write {self._fail_at})")
            return attribute(*args, **kwargs)

        return write


def snapshot(path: Path) -> tuple[Any, ...]:
    """What a store holds, independent of graph names: its sources with their counts and quads, and (after the
    writable open, which drops what failed imports left) no graph that no source points at."""
    with RoleStore.open(path, writable=True) as store:
        sources = tuple(sorted((s.title, s.release, s.triples) for s in store.sources()))
        current = {g.value for g in store.current_graphs()}
        graphs = {g.value for g in store.store.named_graphs() if hasattr(g, "value")}
        assert graphs == current | {REGISTRY.value}, graphs - current
        quads = tuple(sorted(len(list(store.store.quads_for_pattern(None, None, None, g)))
                             for g in store.current_graphs()))  # fmt: skip
    return sources, quads


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    code = int(exited.value.code or 0)
    del exited
    gc.collect()  # the error's traceback holds the faulty store's frames, and so the database and its lock
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "store"
    with RoleStore.open(path, writable=True) as store:
        from rolegraph.importers.loading import import_onet

        import_onet(store, DATA / "onet-mini")
    return path


@contextlib.contextmanager
def full_disk_at(write: int) -> Iterator[list[int]]:
    """Every writable store opened in the block fails from its ``write``-th write on; yields the failed writes."""
    failures: list[int] = []
    original = RoleStore.__init__

    def init(self: RoleStore, path: Path, store: Any, writable: bool) -> None:
        original(self, path, FullDisk(store, write, failures) if writable else store, writable)

    RoleStore.__init__ = init  # type: ignore[method-assign]
    try:
        yield failures
    finally:
        RoleStore.__init__ = original  # type: ignore[method-assign]


IMPORTS = {
    "a new source": ["import", "esco", str(DATA / "esco-mini"), "--release", "v9"],
    "a release that replaces one": ["import", "onet", str(DATA / "onet-mini")],
}


@pytest.mark.parametrize("command", IMPORTS.values(), ids=list(IMPORTS))
def test_a_full_disk_at_every_write_of_an_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, template: Path, command: list[str]
) -> None:
    before = snapshot(template)
    done = tmp_path / "done"
    shutil.copytree(template, done)
    assert cli(capsys, "--store", str(done), *command)[0] == 0
    after = snapshot(done)
    outcomes = []
    for write in range(1, 30):
        store = tmp_path / f"store-{write}"
        shutil.copytree(template, store)
        with full_disk_at(write) as failures:
            code, err = cli(capsys, "--store", str(store), *command)
        assert "Traceback" not in err and "internal error" not in err, err
        if not failures:  # this import makes fewer writes: every point has been tried
            assert code == 0, err
            break
        assert "No space left on device" in err, err
        if code == 2:
            assert "nothing was committed and the store is as it was" in err or "nothing was imported" in err, err
            assert snapshot(store) == before
        else:
            assert code == 4, err
            assert "was committed" in err and "commands read the new release" in err, err
            assert snapshot(store) == after
        with RoleStore.open(store) as opened:  # a reader (no writable open first) sees the same sources
            assert {s.title for s in opened.sources()} == {s[0] for s in (after if code == 4 else before)[0]}
        outcomes.append(code)
    else:
        pytest.fail("the import made more writes than the test tries")
    assert 2 in outcomes and 4 in outcomes, outcomes  # faults both before and after the commit were met
    assert outcomes == sorted(outcomes), outcomes  # every fault before the commit comes before any after it


def test_a_failed_commit_that_happened_all_the_same_keeps_the_new_release(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, template: Path
) -> None:
    """If the registry's update is done but reports a failure, the import is committed: it is said so, and the
    new release's graph is kept (dropping it would leave the source pointing at nothing)."""
    store = tmp_path / "store"
    shutil.copytree(template, store)
    original = RoleStore._commit

    def commit_then_fail(self: RoleStore, *args: Any) -> list[str]:
        original(self, *args)
        raise OSError(errno.EIO, "Input/output error")

    RoleStore._commit = commit_then_fail  # type: ignore[method-assign]
    try:
        code, err = cli(capsys, "--store", str(store), *IMPORTS["a new source"])
    finally:
        RoleStore._commit = original  # type: ignore[method-assign]
    assert code == 0, err  # the commit is there; flushing after it worked
    sources = dict((title, count) for title, _release, count in snapshot(store)[0])
    assert sources["ESCO v9 (English)"] > 0


# -- a really full disk (needs a tmpfs: root) --------------------------------------------------------------------


def fill(disk: Path) -> Path:
    """Fill ``disk`` up; returns the file that holds the space."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 4096)
    return filler


@pytest.mark.parametrize("when", ["before the commit", "after the commit"])
def test_a_really_full_disk_around_the_commit(capsys: pytest.CaptureFixture[str], tmp_path: Path, when: str) -> None:
    with small_filesystem(tmp_path / "disk", "32m") as disk:
        store = disk / "store"
        assert cli(capsys, "--store", str(store), "import", "onet", str(DATA / "onet-mini"))[0] == 0
        before = snapshot(store)
        original = RoleStore._commit
        filler: list[Path] = []

        def commit(self: RoleStore, *args: Any) -> list[str]:
            if when == "before the commit":
                filler.append(fill(disk))
            replaced = original(self, *args)
            if when == "after the commit":
                filler.append(fill(disk))
            return replaced

        fake_commit: Callable[..., list[str]] = commit
        RoleStore._commit = fake_commit  # type: ignore[method-assign]
        try:
            code, err = cli(capsys, "--store", str(store), *IMPORTS["a new source"])
        finally:
            RoleStore._commit = original  # type: ignore[method-assign]
        assert "Traceback" not in err and "internal error" not in err, err
        assert "No space left on device" in err, err
        os.unlink(filler[0])
        if when == "before the commit":
            assert code == 2, err
            assert "nothing was committed and the store is as it was" in err
            assert snapshot(store) == before
        else:
            assert code == 4, err
            assert "was committed" in err
            titles = [title for title, _release, _count in snapshot(store)[0]]
            assert "ESCO v9 (English)" in titles
        assert cli(capsys, "--store", str(store), "show", "27-2012.00")[0] == 0
