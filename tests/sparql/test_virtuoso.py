"""rolegraph on a real external SPARQL server: Debian's Virtuoso, started on loopback with a throw-away database.

``rolegraph push`` loads the graph into it (SPARQL Update for the built-in graph, then the Graph Store Protocol for a
store with imports, which also drops the graphs the first push left), and every named query and the CLI's commands
give there what they give on the embedded store. Skips with a reason where Virtuoso is not installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rolegraph.sparql.engines import OxigraphEngine, select
from rolegraph.sparql.remote import SparqlHttpEngine
from rolegraph.store.database import RoleStore

from ..virtuoso import Virtuoso, start_virtuoso, virtuoso_missing
from .test_engines import CASES, normal
from .test_remote import COMMANDS as REMOTE_COMMANDS

# A mark, not a module-level skip: each test is then counted as skipped, once.
pytestmark = pytest.mark.skipif((why := virtuoso_missing()) is not None, reason=str(why))

ESCO_PRODUCER = "http://data.europa.eu/esco/occupation/p1"


def run(store: str | None, *args: str, password: str | None = None, stdin: str | None = None) -> Any:
    env = dict(os.environ)
    if password is not None:
        env["ROLEGRAPH_ENDPOINT_PASSWORD"] = password
    prefix = ["--store", store] if store is not None else []
    return subprocess.run([sys.executable, "-m", "rolegraph", *prefix, *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=300)  # fmt: skip


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()
        assert server.process.poll() is not None


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso, mini_store: Path) -> str:
    """Virtuoso holding the mini store, pushed twice: the built-in graph by SPARQL Update, then the store by the
    Graph Store Protocol. Returns the ``--store`` value for it."""
    first = run(None, "push", "--endpoint", virtuoso.update, "--user", "dba", password=virtuoso.password)
    assert first.returncode == 0, first.stderr
    assert "sent https://w3id.org/rolegraph/graph/shipped/" in first.stdout
    second = run(str(mini_store), "push", "--endpoint", virtuoso.update, "--graph-store", virtuoso.graph_store,
                 "--user", "dba", password=virtuoso.password)  # fmt: skip
    assert second.returncode == 0, second.stderr
    with RoleStore.open(mini_store) as store:
        graphs = len(store.current_graphs())
    assert graphs == 9  # the shipped files (vocabulary, data, 4 links), O*NET, ESCO, a crosswalk
    assert second.stdout.count("sent ") == graphs and "dropped old graph" in second.stdout
    again = run(str(mini_store), "push", "--endpoint", virtuoso.update, "--graph-store", virtuoso.graph_store,
                "--user", "dba", password=virtuoso.password)  # fmt: skip
    assert again.returncode == 0 and "sent https" not in again.stdout and again.stdout.count("already there") == graphs
    return f"sparql+{virtuoso.sparql}"


def test_the_server_holds_exactly_the_stores_graphs(pushed: str, mini_store: Path) -> None:
    engine = SparqlHttpEngine.connect(pushed.removeprefix("sparql+"))
    with RoleStore.open(mini_store) as store:
        assert sorted(engine.current_graphs()) == sorted(g.value for g in store.current_graphs())
        for name in engine.current_graphs():
            count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
            here = store.store.query(count)
            there = engine.execute(count)
            assert int(next(iter(there)).n) == int(next(iter(here))["n"].value), name  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("name", "values"),
    [(name, values) for name, cases in sorted(CASES.items()) for values in cases],
    ids=[f"{name}-{i}" for name, cases in sorted(CASES.items()) for i, _ in enumerate(cases)],
)
def test_named_queries_on_virtuoso_equal_the_store(pushed: str, mini_store: Path, name: str, values: Any) -> None:
    engine = SparqlHttpEngine.connect(pushed.removeprefix("sparql+"))
    with RoleStore.open(mini_store) as store:
        expected = select(OxigraphEngine(store.store, store.current_graphs()), name, values)
    actual = select(engine, name, values)
    assert actual.variables == expected.variables
    as_rows = lambda table: sorted((tuple(normal(t) for t in row) for row in table.rows), key=repr)  # noqa: E731
    assert as_rows(actual) == as_rows(expected)


# The commands tests/test_remote.py runs against `rolegraph serve`, and `sources` (which reads the pushed registry).
COMMANDS = [["sources"], *REMOTE_COMMANDS]


def rounded(text: str) -> str:
    """Decimals to 12 places: servers divide to different precisions (Oxigraph 18 digits, Virtuoso 15)."""
    return re.sub(r"\d+\.\d{13,}", lambda m: f"{Decimal(m[0]):.12f}", text)


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_commands_on_virtuoso_equal_the_store(pushed: str, mini_store: Path, args: list[str]) -> None:
    there, here = run(pushed, *args), run(str(mini_store), *args)
    assert here.returncode == 0, here.stderr
    assert there.returncode == 0, there.stderr
    assert rounded(there.stdout) == rounded(here.stdout)


def test_sparql_and_html_on_virtuoso(pushed: str, mini_store: Path, tmp_path: Path) -> None:
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/rolegraph/vocab#ProfiledRole> } ORDER BY ?s"
    there, here = (
        run(pushed, "sparql", "-", "--format", "csv", stdin=query),
        run(str(mini_store), "sparql", "-", "--format", "csv", stdin=query),
    )
    assert there.returncode == 0, there.stderr
    assert there.stdout == here.stdout
    pages = []
    for store, name in [(pushed, "there.html"), (str(mini_store), "here.html")]:
        done = run(store, "compare", "27-2012.00", ESCO_PRODUCER, "--html", str(tmp_path / name))
        assert done.returncode == 0, done.stderr
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]


def test_serve_in_front_of_virtuoso(pushed: str) -> None:
    import threading
    import urllib.request

    from rolegraph.serve.server import ServerSettings, make_server

    server = make_server(pushed, ServerSettings(port=0, workers=1, timeout=20))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(f"{base}/compare?role=27-2012.00&role=11-3051.00", timeout=60) as response:
            assert response.status == 200 and b"Industrial Production Managers" in response.read()
        with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", timeout=60) as response:
            assert json.loads(response.read()) == {"head": {}, "boolean": True}
    finally:
        server.shutdown()
        server.server_close()
        server.pool.close()


def test_wrong_password_is_a_clear_error(virtuoso: Virtuoso, mini_store: Path) -> None:
    done = run(str(mini_store), "push", "--endpoint", virtuoso.update, "--user", "dba", password="wrong")
    assert done.returncode == 2
    assert "HTTP 401" in done.stderr and "check --user and the password" in done.stderr
