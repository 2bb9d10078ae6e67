"""No query reaches the network or a file unless the user allowed it: a differential test against a canary.

A canary HTTP server on loopback answers every request with valid SPARQL results and counts them. Hand-written
queries (every bypass found so far) and generated ones (comments, strings, escapes, prefixed names, nesting, case)
name it in SERVICE and FROM, and run through every path a user has: the API on the shipped graph (rdflib) and on a
store (Oxigraph), the CLI, and the server. The canary never sees a request; with --allow-network it does (so the
canary would notice). Each wall is also tested alone: the check without the sandbox, the sandbox without the check.
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph

import rolegraph
from rolegraph.cli import main
from rolegraph.errors import InputError
from rolegraph.sparql.lexer import normalise
from rolegraph.sparql.safety import check_query
from rolegraph.sparql.sandbox import Sandbox

EMPTY_RESULTS = json.dumps({"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": []}}).encode()


class Canary:
    """An HTTP server on 127.0.0.1 that records every request it gets (and answers with empty SPARQL results)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                canary.requests.append(f"{self.command} {self.path}")
                self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 1_000_000))
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(EMPTY_RESULTS)))
                self.end_headers()
                self.wfile.write(EMPTY_RESULTS)

            do_GET = do_POST = _answer  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 5
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    bird = Canary()
    yield bird
    bird.close()


@pytest.fixture
def quiet(canary: Canary) -> Iterator[Canary]:
    """The canary, checked to have seen nothing during the test."""
    canary.requests.clear()
    yield canary
    assert canary.requests == [], "a query reached the canary"


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file outside every folder rolegraph needs, holding SPARQL results with a secret value."""
    path = tmp_path_factory.mktemp("secret") / "secret.srj"
    body = {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "SECRET-7f3a"}}]}}
    path.write_text(json.dumps(body))
    return path


# Every bypass found so far; {C} is the canary's URL, {F} the secret file.
HAND_WRITTEN = [
    "SELECT * WHERE { SERVICE <{C}> { ?s ?p ?o } }",
    "select * where { service silent <{C}> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE <{C}> { ?s ?p ?o } }",
    "PREFIX : <{C}> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
    "PREFIX c: <{C}> SELECT * WHERE { ?s ?p ?o SERVICE c:x { ?s ?p ?o } }",
    "SELECT * WHERE { # x\rSERVICE <{C}> { ?s ?p ?o }\n}",
    "SELECT * WHERE { # x\r\nSERVICE <{C}> { ?s ?p ?o }\n}",
    'SELECT ?x WHERE { BIND("\\u0022#" AS ?z) SERVICE <{C}> { ?x ?p ?o } BIND(""\n AS ?a) }',
    "SELECT * WHERE { \\u0053ERVICE <{C}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERV\\u0049CE <{C}> { ?s ?p ?o } }",
    "SELECT * WHERE { #\r'''\nSERVICE <{C}> { ?s ?p ?o } #'''\n}",
    'SELECT * WHERE { ?s ?p ?o FILTER(?s<?o#>"""\n) SERVICE <{C}> { ?s ?p ?o } FILTER(""" = 1) }',
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:a\\#b ?o . SERVICE <{C}> { ?s ?p ?o } }",
    "SELECT * WHERE { OPTIONAL { SERVICE <{C}> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <{C}> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <{C}> { ?s ?p ?o } } }",
    "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <{C}> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <{C}> { ?s ?p ?o } } }",
    "SELECT * WHERE { BIND(<{C}> AS ?c) SERVICE ?c { ?s ?p ?o } }",
    "SELECT * FROM <{C}g.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{C}g.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX c: <{C}> SELECT * FROM c:g WHERE { ?s ?p ?o }",
    "ASK { SERVICE <{C}> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{C}> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <{C}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <file://{F}> { ?s ?p ?o } }",
    "SELECT * FROM <file://{F}> WHERE { ?s ?p ?o }",
    "\ufeffSELECT * WHERE { SERVICE <{C}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE\t<{C}>{?s ?p ?o} }",
    "SELECT * WHERE { SERVICE <{C}> {} }",
    "SELECT * WHERE { ?s ?p 'x'.SERVICE<{C}>{?s ?p ?o} }",
]


def fill(template: str, canary: Canary, secret: Path) -> str:
    return template.replace("{C}", canary.url).replace("{F}", str(secret))


def run_api(graph: rolegraph.RoleGraph, text: str) -> Any:
    """What the API gives for ``text``: an answer, or the InputError it raises (nothing else may escape)."""
    try:
        return graph.sparql(text)
    except InputError as error:
        return error


@pytest.fixture(scope="module")
def shipped() -> rolegraph.RoleGraph:
    return rolegraph.load()


@pytest.fixture(scope="module")
def stored(mini_store: Path) -> Iterator[rolegraph.RoleGraph]:
    with rolegraph.open_store(mini_store) as graph:
        yield graph


@pytest.mark.parametrize("template", HAND_WRITTEN)
def test_no_hand_written_bypass_reaches_the_canary_through_the_api(
    template: str, quiet: Canary, secret: Path, shipped: rolegraph.RoleGraph, stored: rolegraph.RoleGraph
) -> None:
    text = fill(template, quiet, secret)
    for graph in (shipped, stored):
        answer = run_api(graph, text)
        assert "SECRET-7f3a" not in str(answer)


@pytest.mark.parametrize("template", HAND_WRITTEN)
def test_no_hand_written_bypass_reaches_the_canary_through_the_cli(
    template: str, quiet: Canary, secret: Path, mini_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = tmp_path / "q.rq"
    query.write_bytes(fill(template, quiet, secret).encode("utf-8"))
    for store in ([], ["--store", str(mini_store)]):
        with pytest.raises(SystemExit) as exited:
            main([*store, "sparql", str(query)])
        out, err = capsys.readouterr()
        assert exited.value.code in (0, 2), err
        assert "Traceback" not in err and "SECRET-7f3a" not in out


def test_no_hand_written_bypass_reaches_the_canary_through_the_server(served: str, quiet: Canary, secret: Path) -> None:
    from ..serve.test_server import get

    for template in HAND_WRITTEN:
        answer = get(served, fill(template, quiet, secret))
        assert answer.status in (200, 400), (template, answer.status, answer.text())
        assert "SECRET-7f3a" not in answer.text()
        assert "--allow-network" not in answer.text(), "serve has no --allow-network to suggest"


def test_with_allow_network_the_canary_is_reached(canary: Canary, stored: rolegraph.RoleGraph) -> None:
    """The control: the same path with the network allowed does reach the canary, so the tests above could fail."""
    canary.requests.clear()
    stored.sparql(f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}", allow_network=True)
    rolegraph.load().sparql(f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}", allow_network=True)
    assert len(canary.requests) == 2


# -- generated queries -------------------------------------------------------------------------------------------

DELIMITERS = [("#", "\n"), ("#", "\r"), ("#", "\r\n"), ('"', '"'), ("'", "'"), ('"""', '"""'), ("'''", "'''")]
ESCAPES = {'"': "\\u0022", "'": "\\u0027", "#": "\\u0023", "\n": "\\u000A", "\r": "\\u000D", "<": "\\u003C",
           ">": "\\u003E", "{": "\\u007B", "}": "\\u007D", "S": "\\u0053"}  # fmt: skip
CONTEXTS = [
    "{open}{service}{close}\n",  # a comment, or a bare string (a syntax error)
    "FILTER(?o != {open}{service}{close})\n",  # inside a string
    "BIND({open}x{close} AS ?z) {service}\n",  # after a string
    "FILTER(?s<?o{open}) {service} FILTER({close} = 1)\n",  # "<" as an operator, then a comment or a string
    "?s ex:a\\{open} {service} .\n",  # an escaped name character
    "{open}\n{service} {close}\n",
    "OPTIONAL {{ {open} }} {service} {close}\n",
]
KEYWORDS = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "SERVICE:x", "SERVICE c:x", "SERVICE ?c"]


def hostile_query(rng: random.Random) -> str:
    """A query with a SERVICE call to the canary placed in, after or around a comment or string, with some of the
    characters that delimit them (and others) written as escapes or line ends varied."""
    opener, closer = rng.choice(DELIMITERS)
    keyword = rng.choice(KEYWORDS)
    target = "" if (":" in keyword or "?" in keyword) else " <{C}>"
    service = f"{keyword}{target} {{ ?s ?p ?o }}"
    body = rng.choice(CONTEXTS).format(open=opener, close=closer, service=service)
    body = "".join(ESCAPES[ch] if ch in ESCAPES and rng.random() < 0.25 else ch for ch in body)
    if rng.random() < 0.3:
        body = body.replace("\n", rng.choice(["\r", "\r\n", " "]))
    return ("PREFIX c: <{C}> PREFIX : <{C}> PREFIX ex: <http://x/>\n"
            f"SELECT * WHERE {{ BIND(<{{C}}> AS ?c) ?s ?p ?o .\n{body}}}")  # fmt: skip


@pytest.fixture(scope="module")
def bare_engines(graph: Graph) -> tuple[Graph, ox.Store]:
    """The shipped graph in rdflib and in Oxigraph, queried directly: no check, no sandbox."""
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return graph, store


def _run_bare(graph: Graph, store: ox.Store, text: str) -> None:
    """``text`` on both engines with nothing in the way (SERVICE runs if the engine reads one)."""
    import rdflib.plugins.sparql as rdflib_sparql

    from rolegraph.sparql import engines

    for run in (lambda: list(store.query(text)), lambda: list(graph.query(text))):
        engines._network.allowed = True  # rdflib's own SERVICE, unguarded: the check alone must hold
        before = rdflib_sparql.SPARQL_LOAD_GRAPHS
        try:
            run()
        except Exception:  # a query the engine does not take never ran
            pass
        finally:
            engines._network.allowed = False
            rdflib_sparql.SPARQL_LOAD_GRAPHS = before


def test_the_generated_queries_cover_both_outcomes(canary: Canary, secret: Path) -> None:
    """The generator makes queries the check accepts (SERVICE hidden in a comment or string of the text that runs)
    and queries it refuses, so the two tests below exercise both."""
    rng = random.Random(11)
    outcomes = {"accepted": 0, "refused": 0}
    for _ in range(400):
        try:
            check_query(fill(hostile_query(rng), canary, secret))
            outcomes["accepted"] += 1
        except InputError:
            outcomes["refused"] += 1
    assert outcomes["accepted"] >= 40 and outcomes["refused"] >= 40, outcomes


def test_the_check_alone_never_lets_a_service_call_through(
    canary: Canary, secret: Path, bare_engines: tuple[Graph, ox.Store]
) -> None:
    """What the check accepts, run without the sandbox on both engines (SERVICE live), never reaches the canary."""
    rng = random.Random(5)
    for _ in range(800):
        text = fill(hostile_query(rng), canary, secret)
        try:
            checked = check_query(text)
        except InputError:
            continue
        canary.requests.clear()
        _run_bare(*bare_engines, checked.text)
        assert canary.requests == [], repr(checked.text)


def test_the_sandbox_alone_never_lets_a_service_call_through(
    canary: Canary, secret: Path, bare_engines: tuple[Graph, ox.Store]
) -> None:
    """The raw text (not checked, not normalised) run on Oxigraph inside the sandbox never reaches the canary; the
    same text outside it does, for some of them (so the canary would have seen a hole)."""
    _, store = bare_engines
    box = walled()
    rng = random.Random(3)
    reached_outside = 0
    for _ in range(200):
        text = fill(hostile_query(rng), canary, secret)
        with contextlib.suppress(InputError):
            text = normalise(text)  # decoded, so that Oxigraph takes more of them: the check is not involved

        def attempt(text: str = text) -> None:
            with contextlib.suppress(SyntaxError, OSError, RuntimeError, ValueError):
                list(store.query(text))

        canary.requests.clear()
        box.run(attempt)
        assert canary.requests == [], repr(text)
        attempt()
        reached_outside += bool(canary.requests)
    assert reached_outside >= 10, reached_outside


_box: list[Sandbox] = []


def walled() -> Sandbox:
    if not _box:
        _box.append(Sandbox())
    box = _box[0]
    if len(box.walls) < 2:
        pytest.skip(f"this system cannot raise both walls: {'; '.join(box.missing)}")
    return box


def test_the_sandbox_forbids_sockets_and_files_but_leaves_other_threads_alone(canary: Canary, secret: Path) -> None:
    box = walled()
    host, port = "127.0.0.1", int(canary.url.rsplit(":", 1)[1].strip("/"))

    def connect() -> None:
        socket.create_connection((host, port), timeout=2).close()

    with pytest.raises(PermissionError):
        box.run(connect)
    with pytest.raises(PermissionError):
        box.run(secret.read_text)
    with pytest.raises(PermissionError):
        box.run(Path("/etc/passwd").read_text)
    assert box.run(lambda: len(Path(rolegraph.__file__).read_text())) > 0  # rolegraph's own files stay readable
    connect()  # this thread is not walled
    assert "SECRET-7f3a" in secret.read_text()


def test_a_query_that_slips_past_the_check_is_stopped_by_the_walls(quiet: Canary, stored: rolegraph.RoleGraph) -> None:
    """The engine itself, given a SERVICE query without the check, refuses with a clear error."""
    walled()
    text = f"SELECT * WHERE {{ SERVICE <{quiet.url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(InputError, match="does not allow"):
        stored.engine.execute(text)
    with pytest.raises(InputError, match="SERVICE"):
        rolegraph.load().engine.execute(text)


def test_an_engine_over_a_store_whose_folder_it_was_not_told_still_answers(mini_store: Path) -> None:
    """A store on disk opens its files as it reads them: where the engine does not know the folder, the file wall is
    left down (the network wall stays up) rather than failing its reads."""
    from rolegraph.sparql.engines import OxigraphEngine, select
    from rolegraph.store.database import RoleStore

    with RoleStore.open(mini_store) as store:
        told = select(store.engine(), "list-roles")
        untold = select(OxigraphEngine(store.store, store.current_graphs()), "list-roles")
    assert untold.rows == told.rows and len(told.rows) > 2


def test_a_folder_swapped_for_a_rewritten_one_stays_readable(tmp_path: Path) -> None:
    """A compaction swaps a store's folder for a rewritten copy: the wall, which holds folders by inode, is raised
    again over the new folder, and a file outside it stays out of reach."""
    from rolegraph.sparql.sandbox import shared_sandbox

    walled()
    folder, rewritten = tmp_path / "store", tmp_path / "store.new"
    folder.mkdir()
    rewritten.mkdir()
    (folder / "old.sst").write_text("old")
    (rewritten / "new.sst").write_text("new")
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    assert shared_sandbox([folder]).run((folder / "old.sst").read_text) == "old"
    folder.rename(tmp_path / "store.old")
    rewritten.rename(folder)
    assert shared_sandbox([folder]).run((folder / "new.sst").read_text) == "new"
    with pytest.raises(PermissionError):
        shared_sandbox([folder]).run(outside.read_text)
