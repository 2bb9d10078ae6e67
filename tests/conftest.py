"""Fixtures shared across the test folders: the shipped graph, paths to test data and releases, stores, a server and
a browser (the article is tests/model's)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from rolegraph.model.ontology import load_graph

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"
SHARED = Path(os.environ.get("ROLEGRAPH_SHARED", REPO.parent / "shared"))

# No test may read or write a real per-user store: the default store path points into an empty temporary folder
# (for this process and the subprocesses tests start).
_DATA_HOME = tempfile.mkdtemp(prefix="rolegraph-test-data-home-")
os.environ["XDG_DATA_HOME"] = _DATA_HOME
os.environ.pop("ROLEGRAPH_STORE", None)
ARTICLE = SHARED / "sources" / "production-manager-vs-producer.txt"
CHROMIUM = os.environ.get("ROLEGRAPH_CHROMIUM", "/usr/bin/chromium")

BROWSER_MARKS = [
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="Playwright is not installed (pip install '.[test]')"
    ),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)"),
]
"""The marks of a module of browser tests (marks, not module-level skips: each test is counted as skipped, once)."""
ONET_RELEASE = SHARED / "data" / "onet" / "29.0"
ESCO_RELEASE = SHARED / "data" / "esco" / "v1.1.1"
CROSSWALK_FILE = SHARED / "data" / "crosswalks" / "esco_onet" / "ESCO_to_ONET-SOC_2019_with_esco_v1.1.1_uris.csv"
HAVE_RELEASES = ONET_RELEASE.is_dir() and ESCO_RELEASE.is_dir() and CROSSWALK_FILE.is_file()
NO_RELEASES = f"the real releases are not at {SHARED / 'data'} (../shared is absent)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (README's test command runs two workers) every test that uses the real releases' store goes
    to one worker, so that the store is built once, while the other worker runs the rest."""
    for item in items:
        if "real_store" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("real-releases"))


@pytest.fixture(scope="session")
def graph() -> Graph:
    """The shipped graph (vocabulary, data, links). Tests must not modify it."""
    return load_graph()


@pytest.fixture(scope="session")
def mini_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the small O*NET, ESCO and crosswalk fixtures imported beside the shipped graph. Read-only use."""
    from rolegraph.importers.loading import import_crosswalk, import_esco, import_onet
    from rolegraph.store.database import RoleStore

    path = tmp_path_factory.mktemp("mini-store") / "store"
    with RoleStore.open(path, writable=True) as store:
        import_onet(store, DATA / "onet-mini")
        import_esco(store, DATA / "esco-mini", release="v9")
        import_crosswalk(store, DATA / "crosswalk-mini.csv")
    return path


@pytest.fixture(scope="session")
def aligned_mini_store(mini_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of :func:`mini_store` after `rolegraph align` (concept mappings, ranked similar roles). Read-only use."""
    import shutil

    path = tmp_path_factory.mktemp("aligned-mini-store") / "store"
    shutil.copytree(mini_store, path)
    (path / "rolegraph.lock").unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(path), "align"], capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, (done.stdout, done.stderr)
    return path


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the real O*NET 29.0, ESCO v1.1.1 and the ESCO to O*NET crosswalk imported, as the README says
    (`rolegraph import onet|esco|crosswalk`, each checked for exit 0 and no traceback), built once per session in about
    a minute; a skip where ../shared is absent. Read-only use: copy it (shutil.copytree) to change it."""
    if not HAVE_RELEASES:
        pytest.skip(NO_RELEASES)
    path = tmp_path_factory.mktemp("real-store") / "store"
    for kind, source in (("onet", ONET_RELEASE), ("esco", ESCO_RELEASE), ("crosswalk", CROSSWALK_FILE)):
        command = [sys.executable, "-m", "rolegraph", "--store", str(path), "import", kind, str(source)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (command, done.stdout, done.stderr)
    return path


@contextlib.contextmanager
def serving(server: Any) -> Iterator[str]:
    """Serve ``server`` (made by :func:`rolegraph.serve.server.make_server`) in a thread; yield its base URL; stop it
    and its workers afterwards."""
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        server.pool.close()


@pytest.fixture(scope="session")
def served(mini_store: Path) -> Iterator[str]:
    """``rolegraph serve`` over :func:`mini_store` on a free loopback port (2 workers, 3 s limit); yields its base
    URL. The server runs in this process, its workers in their own."""
    from rolegraph.serve.server import ServerSettings, make_server

    with serving(make_server(str(mini_store), ServerSettings(port=0, timeout=3.0, workers=2, queue=1,
                                                             max_rows=500))) as base:  # fmt: skip
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright; a skip with the reason where either is missing."""
    api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install '.[test]')")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    with api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )  # fmt: skip
        yield launched
        launched.close()
