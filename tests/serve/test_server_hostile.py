"""``rolegraph serve`` against hostile and broken clients, each case on a real server on 127.0.0.1: request framing
(lengths, Transfer-Encoding, leftover bytes), slow clients (the head and body deadlines, a slowloris flood), Host
and Origin checks (DNS rebinding, CORS), client mistakes (4xx, never 500), worker crashes, the memory cap, the row
cap, and workers that cannot be replaced (retried, reported by /health and the landing page).

Every wait is bounded by a documented limit of the server under test (head_timeout, timeout, retry delays) plus a
margin, never by how fast this machine is.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from rolegraph.errors import InputError
from rolegraph.serve.server import ServerSettings, _Server, make_server
from rolegraph.serve.service import SiteContext, handle_job, open_site
from rolegraph.serve.workers import Job, JobResult, NoWorkersError, WorkerPool
from rolegraph.store.database import StoreError

from ..conftest import serving
from .test_server import SLOW, Answer, fetch, get, post

MARGIN = 5.0
"""Seconds allowed beyond a documented limit for the server to act on it (threads to wake, a worker to start)."""

HANG = 60.0
"""Seconds after which a wait with no documented limit counts as hung: the wait ends as soon as its condition holds,
so this only bounds a broken server, never measures a working one (a busy machine starts processes slowly)."""


@contextlib.contextmanager
def running(spec: str | None, **changes: Any) -> Iterator[tuple[str, _Server]]:
    """A server for ``spec`` with ``changes`` to the test defaults, serving in a thread; yields its URL and itself."""
    values: dict[str, Any] = {"port": 0, "timeout": 5.0, "workers": 2, "queue": 4, "max_rows": 500,
                              "head_timeout": 2.0, "socket_timeout": 2.0, "max_connections": 16}  # fmt: skip
    values.update(changes)
    server = make_server(spec, ServerSettings(**values))
    with serving(server) as base:
        yield base, server


def until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Wait until ``condition()`` holds, at most ``seconds``; fail naming ``what`` otherwise."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds:g} s")
        time.sleep(0.05)


def kill(pool: WorkerPool, pid: int) -> None:
    """SIGKILL the worker ``pid`` and wait until ``pool`` has seen it die (a killed process with threads takes a
    moment to become one the kernel lets its parent collect)."""
    os.kill(pid, signal.SIGKILL)
    until(lambda: pool.health() is not None and pid not in pool.workers(), HANG, f"the pool seeing worker {pid} die")


def exchange(port: int, data: bytes, seconds: float = 10.0) -> tuple[bytes, bool]:
    """Send ``data`` on a new connection and read until the server closes it or ``seconds`` pass; returns what came
    back and whether the server closed the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as client:
        with contextlib.suppress(OSError):
            client.sendall(data)
        reply = b""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            client.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = client.recv(65536)
            except TimeoutError:
                return reply, False
            except ConnectionResetError:
                return reply, True
            if not chunk:
                return reply, True
            reply += chunk
        return reply, False


def status_of(reply: bytes) -> int:
    assert reply.startswith(b"HTTP/1.1 "), reply[:200]
    return int(reply[9:12])


@pytest.fixture(scope="module")
def hostile(mini_store: Path) -> Iterator[tuple[str, _Server]]:
    with running(str(mini_store)) as pair:
        yield pair


# -- framing: lengths, Transfer-Encoding, leftovers -------------------------------------------------------------

SMUGGLED = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        (b"Content-Length: -1\r\n", 400),
        (b"Content-Length: abc\r\n", 400),
        (b"Content-Length: +5\r\n", 400),
        (b"Content-Length: 1_0\r\n", 400),
        (b"Content-Length: 5, 5\r\n", 400),
        (b"Content-Length: 0x10\r\n", 400),
        (b"Content-Length: 99999999999999999999999\r\n", 400),
        (b"Content-Length: 5\r\nContent-Length: 5\r\n", 400),
        (b"Content-Length: 5\r\ncontent-length: 60\r\n", 400),
        (b"Content-Length: 2000000\r\n", 413),
        (b"Transfer-Encoding: chunked\r\n", 411),
        (b"Transfer-Encoding: chunked \r\n", 411),
        (b"Transfer-Encoding: Chunked\r\n", 411),
        (b"Transfer-Encoding: gzip, chunked\r\n", 411),
        (b"Transfer-Encoding: identity\r\nContent-Length: 5\r\n", 411),
        (b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 411),
        (b"Transfer-Encoding\t: chunked\r\n", 400),
        (b"Transfer-Encoding : chunked\r\n", 400),
        (b"X-Pad: a\r\n Transfer-Encoding: chunked\r\n", 400),  # a folded line
        (b"no colon here\r\nContent-Length: 5\r\n", 400),
    ],
)  # fmt: skip
def test_bad_framing_is_refused_and_the_rest_is_never_served(hostile: tuple[str, Any], headers: bytes,
                                                               status: int) -> None:  # fmt: skip
    """The body carries a whole second request; it must never be answered (one answer, then the connection
    closes)."""
    _base, server = hostile
    body = b"0\r\n\r\n" + SMUGGLED.replace(b"127.0.0.1", f"127.0.0.1:{server.port}".encode())
    request = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/sparql-query\r\n"
               ).encode() + headers + b"\r\n" + body  # fmt: skip
    reply, closed = exchange(server.port, request)
    assert status_of(reply) == status, reply.decode("latin-1")
    assert reply.count(b"HTTP/1.1 ") == 1, reply.decode("latin-1")
    assert closed
    text = reply.split(b"\r\n\r\n", 1)[1].decode()
    assert text.strip() and "Traceback" not in text


def test_a_body_sent_with_a_get_is_not_read_as_the_next_request(hostile: tuple[str, Any]) -> None:
    _base, server = hostile
    smuggled = SMUGGLED.replace(b"127.0.0.1", f"127.0.0.1:{server.port}".encode())
    get_with_body = (f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                     f"Content-Length: {len(smuggled)}\r\n\r\n").encode() + smuggled  # fmt: skip
    reply, closed = exchange(server.port, get_with_body)
    assert status_of(reply) == 200
    assert reply.count(b"HTTP/1.1 ") == 1 and closed
    post = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/sparql-query\r\n"
            "Content-Length: 6\r\n\r\nASK {}").encode()  # fmt: skip
    reply, closed = exchange(server.port, post + get_with_body)  # the same, after a body that was read
    assert reply.count(b"HTTP/1.1 200 ") == 2 and reply.count(b"HTTP/1.1 ") == 2 and closed


def test_keep_alive_still_works_for_well_framed_requests(hostile: tuple[str, Any]) -> None:
    _base, server = hostile
    query = b"ASK {}"
    one = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/sparql-query\r\n"
           f"Content-Length: {len(query)}\r\n\r\n").encode() + query  # fmt: skip
    two = f"GET /health HTTP/1.1\r\nHost: localhost:{server.port}\r\nConnection: close\r\n\r\n".encode()
    reply, closed = exchange(server.port, one + two)
    assert reply.count(b"HTTP/1.1 200 ") == 2 and closed


def test_an_oversized_head_gets_431(hostile: tuple[str, Any]) -> None:
    _base, server = hostile
    pad = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 1000) for i in range(80))  # 80 KB of headers
    reply, closed = exchange(server.port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n".encode() + pad +
                             b"\r\n")  # fmt: skip
    assert status_of(reply) == 431 and closed


# -- slow clients ---------------------------------------------------------------------------------------------


def test_a_head_trickled_byte_by_byte_is_cut_at_the_head_deadline(hostile: tuple[str, Any]) -> None:
    """Each byte comes well inside any per-read timeout; the deadline for the whole head still ends it."""
    _base, server = hostile
    limit = server.settings.head_timeout
    head = f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nX-Slow: {'a' * 200}"
    with socket.create_connection(("127.0.0.1", server.port), timeout=limit + MARGIN) as client:
        started = time.monotonic()
        reply = b""
        for byte in head.encode():
            try:
                client.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(limit / 10)
            client.settimeout(0.001)
            with contextlib.suppress(TimeoutError, BlockingIOError):
                reply += client.recv(4096)
            if reply or time.monotonic() - started > limit + MARGIN:
                break
        client.settimeout(MARGIN)
        with contextlib.suppress(OSError):
            while chunk := client.recv(4096):
                reply += chunk
    assert status_of(reply) == 408, reply
    assert f"within {limit:g} s".encode() in reply
    assert limit - 0.5 <= time.monotonic() - started < limit + MARGIN


def test_a_body_that_stops_arriving_is_cut_at_the_deadline(hostile: tuple[str, Any]) -> None:
    _base, server = hostile
    limit = server.settings.head_timeout
    request = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/sparql-query\r\n"
               "Content-Length: 100\r\n\r\nASK").encode()  # fmt: skip
    started = time.monotonic()
    reply, closed = exchange(server.port, request, seconds=limit + MARGIN)
    assert status_of(reply) == 408 and closed
    assert limit - 0.5 <= time.monotonic() - started < limit + MARGIN


class Tricklers:
    """``count`` connections that each send one byte of a request head that never ends, every ``every`` seconds,
    until stopped; records which of them the server closed."""

    def __init__(self, port: int, count: int, every: float) -> None:
        self.sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]
        self.closed: set[int] = set()
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        prefix = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode()
        for client in self.sockets:
            client.sendall(prefix)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            for index, client in enumerate(self.sockets):
                if index in self.closed:
                    continue
                try:
                    client.sendall(b"a")
                    client.settimeout(0.001)
                    client.recv(4096)  # an answer (408) or the end of the stream: either way the server let go
                    self.closed.add(index)
                except (TimeoutError, BlockingIOError):
                    pass
                except OSError:
                    self.closed.add(index)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        for client in self.sockets:
            client.close()


def test_a_slowloris_flood_does_not_lock_others_out(mini_store: Path) -> None:
    """64 connections (the cap) trickle a header byte every second: a normal client is still answered, and no
    trickler holds its connection past the head deadline."""
    with running(str(mini_store), max_connections=64, head_timeout=4.0) as (base, server):
        limit = server.settings.head_timeout
        flood = Tricklers(server.port, 64, every=1.0)
        try:
            until(lambda: server.connections.counts()["head"] == 64, HANG, "every trickler holding a place")
            time.sleep(1.1)  # past the patience (1 s) after which a connection waiting for its head gives way
            for _ in range(3):
                answer = fetch(base, "GET", "/sparql?query=ASK%7B%7D", timeout=limit + server.settings.timeout)
                assert answer.status == 200, answer.text()
            until(lambda: len(flood.closed) == 64, limit + MARGIN, "the server closing every trickling connection")
        finally:
            flood.stop()


def test_an_idle_connection_is_closed_after_the_head_deadline(hostile: tuple[str, Any]) -> None:
    _base, server = hostile
    reply, closed = exchange(server.port, b"", seconds=server.settings.head_timeout + MARGIN)
    assert reply == b"" and closed  # nothing was asked: closed without an answer


# -- Host and Origin ------------------------------------------------------------------------------------------


def raw_get(port: int, path: str, headers: str) -> tuple[int, bytes]:
    reply, _ = exchange(port, f"GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n".encode())
    return status_of(reply), reply.split(b"\r\n\r\n", 1)[1]


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}"])
def test_the_names_the_server_was_bound_to_are_answered(hostile: tuple[str, Any], host: str) -> None:
    _base, server = hostile
    status, _ = raw_get(server.port, "/sparql?query=ASK%7B%7D", f"Host: {host.format(port=server.port)}\r\n")
    assert status == 200


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "127.0.0.1:1", "127.0.0.1", "localhost.evil.example:{port}",
     "127.0.0.1.nip.io:{port}", '"><script>:{port}', "x\" a <b>:{port}", "[::2]:{port}"],
)  # fmt: skip
def test_other_host_names_get_421(hostile: tuple[str, Any], host: str) -> None:
    """A DNS-rebinding page reaches the server under its own name: refused before anything runs."""
    _base, server = hostile
    for path in ("/sparql?query=ASK%7B%7D", "/sparql", "/", "/health"):
        status, body = raw_get(server.port, path, f"Host: {host.format(port=server.port)}\r\n")
        assert status == 421, body
        assert b"DNS rebinding" in body and b"--allow-host" in body


def test_a_request_without_one_host(hostile: tuple[str, Any]) -> None:
    _base, server = hostile
    assert raw_get(server.port, "/sparql?query=ASK%7B%7D", "")[0] == 400  # HTTP/1.1 requires Host
    two = f"Host: 127.0.0.1:{server.port}\r\nHost: evil.example\r\n"
    assert raw_get(server.port, "/sparql?query=ASK%7B%7D", two)[0] == 400
    reply, _ = exchange(server.port, b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\n\r\n")  # HTTP/1.0 has no Host
    assert status_of(reply) == 200


def test_allow_host_and_the_service_description(mini_store: Path) -> None:
    with running(str(mini_store), allow_hosts=("rolegraph.example",)) as (_base, server):
        status, body = raw_get(server.port, "/sparql", "Host: rolegraph.example\r\nAccept: text/turtle\r\n")
        assert status == 200 and b"<http://rolegraph.example/sparql>" in body
        assert raw_get(server.port, "/", "Host: rolegraph.example:8443\r\n")[0] == 200
        assert raw_get(server.port, "/", "Host: other.example\r\n")[0] == 421
        proxied = "Host: rolegraph.example\r\nOrigin: https://rolegraph.example\r\n"  # the query form, via a proxy
        assert raw_get(server.port, "/sparql?query=ASK%7B%7D", proxied)[0] == 200
        foreign = "Host: rolegraph.example\r\nOrigin: https://evil.example\r\n"
        assert raw_get(server.port, "/sparql?query=ASK%7B%7D", foreign)[0] == 403
    for bad in ("a b", "x/y", 'q"'):
        with pytest.raises(InputError, match="--allow-host"):
            make_server(str(mini_store), ServerSettings(port=0, allow_hosts=(bad,)))


def test_host_names_for_each_binding() -> None:
    def names(host: str, local: str, port: int = 7878) -> list[str]:
        return _Server.host_names(SimpleNamespace(settings=ServerSettings(host=host), port=port), local)  # type: ignore[arg-type]

    assert names("127.0.0.1", "127.0.0.1") == ["127.0.0.1:7878", "localhost:7878", "[::1]:7878"]
    assert names("::1", "::1")[0] == "[::1]:7878"
    assert names("192.0.2.7", "192.0.2.7") == ["192.0.2.7:7878"]
    assert names("0.0.0.0", "192.0.2.7") == ["192.0.2.7:7878"]  # the address the client reached
    assert names("::", "::ffff:192.0.2.7") == ["192.0.2.7:7878"]
    assert "localhost:7878" in names("0.0.0.0", "127.0.0.1")
    assert names("myhost.lan", "192.0.2.7", 80) == ["myhost.lan:80", "myhost.lan"]


def test_cors_is_only_for_listed_origins(mini_store: Path) -> None:
    listed = "https://yasgui.example"
    with running(str(mini_store), cors_origins=(listed,)) as (base, _server):
        preflight = fetch(base, "OPTIONS", "/sparql", {"Origin": listed, "Access-Control-Request-Method": "POST",
                                                       "Access-Control-Request-Private-Network": "true"})  # fmt: skip
        assert preflight.status == 204
        assert preflight.headers["access-control-allow-origin"] == listed
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert preflight.headers["access-control-allow-private-network"] == "true"
        assert preflight.headers["vary"] == "Origin"
        assert "access-control-allow-credentials" not in preflight.headers
        answer = fetch(base, "GET", "/sparql?query=ASK%7B%7D", {"Origin": listed})
        assert answer.status == 200 and answer.headers["access-control-allow-origin"] == listed
        other = fetch(base, "GET", "/sparql?query=ASK%7B%7D", {"Origin": "https://evil.example"})
        assert other.status == 403 and "access-control-allow-origin" not in other.headers
    with running(str(mini_store), cors_origins=("*",)) as (base, _server):
        answer = fetch(base, "GET", "/sparql?query=ASK%7B%7D", {"Origin": "https://anyone.example"})
        assert answer.status == 200 and answer.headers["access-control-allow-origin"] == "*"
    with pytest.raises(InputError, match="--cors-origin"):
        make_server(str(mini_store), ServerSettings(port=0, cors_origins=("https://x.example/path",)))


# -- client mistakes are 4xx ----------------------------------------------------------------------------------

MISTAKES_ANYWHERE = [
    "SELECT * WHERE { ?s ?p }",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999",
    "SELECT ?s WHERE { ?s foo:bar ?o }",
    "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "",
]
MISTAKES_ON_A_STORE = [  # Oxigraph refuses these (rdflib runs them); the built-in graph is served on Oxigraph too
    "SELECT * WHERE { ?s ?p ?o BIND(1 AS ?s) }",
    "SELECT (<http://example.org/custom-function>(1) AS ?x) WHERE {}",
    "SELECT ?s ?s WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?p",
    "SELECT * WHERE { VALUES (?a ?b) { (1) } }",
    "BASE <relative/> SELECT * WHERE { <x> ?p ?o }",
]
STANDARD_ANSWERS = [  # rdflib refused these; SPARQL answers them (an expression error leaves ?x unbound)
    ('SELECT (REGEX("a", "(") AS ?x) WHERE {}', 1),
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", 0),  # the built-in graph is a default graph only
]


@pytest.fixture(scope="module")
def built_in() -> Iterator[str]:
    """The server on the built-in graph (no store): an in-memory Oxigraph store, as the command line uses."""
    with running(None) as (base, _server):
        yield base


@pytest.mark.parametrize("query", MISTAKES_ANYWHERE + MISTAKES_ON_A_STORE)
def test_mistakes_on_the_built_in_graph_are_400(built_in: str, query: str) -> None:
    answer = post(built_in, query)
    assert answer.status == 400, answer.text()
    assert answer.text().strip() and "Traceback" not in answer.text() and "internal error" not in answer.text()


@pytest.mark.parametrize(("query", "rows"), STANDARD_ANSWERS)
def test_queries_rdflib_refused_get_their_standard_answer(built_in: str, query: str, rows: int) -> None:
    import json

    answer = post(built_in, query)
    assert answer.status == 200, answer.text()
    document = json.loads(answer.text())
    assert len(document["results"]["bindings"]) == rows
    assert all(binding == {} for binding in document["results"]["bindings"])


@pytest.mark.parametrize("query", MISTAKES_ANYWHERE + MISTAKES_ON_A_STORE)
def test_mistakes_on_a_store_are_400(hostile: tuple[str, Any], query: str) -> None:
    answer = post(hostile[0], query)
    assert answer.status == 400, answer.text()
    assert answer.text().strip() and "Traceback" not in answer.text() and "internal error" not in answer.text()


def test_a_malformed_query_says_where(built_in: str) -> None:
    answer = get(built_in, "SELECT * WHERE {\n  ?s ?p \n}")
    assert answer.status == 400 and re.search(r"line\W*\d+\W*col|\b\d+:\d+\b", answer.text()), answer.text()


def test_the_service_refusal_does_not_suggest_a_flag_serve_lacks(hostile: tuple[str, Any]) -> None:
    answer = get(hostile[0], "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert answer.status == 400 and "SERVICE" in answer.text()
    assert "--allow-network" not in answer.text()


def test_an_unacceptable_type_for_the_service_description_is_406(hostile: tuple[str, Any]) -> None:
    assert fetch(hostile[0], "GET", "/sparql", {"Accept": "image/png"}).status == 406


# -- the row cap streams ----------------------------------------------------------------------------------------

CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # about 2 million rows over the mini store


def test_rows_stop_at_the_cap_instead_of_building_the_whole_answer(mini_store: Path) -> None:
    """The whole answer would need more than the memory cap (see the memory test: building it goes past 200 MB):
    rows are read only up to the cap."""
    with running(str(mini_store), max_rows=10_000, max_memory=200, timeout=30.0) as (base, _server):
        answer = get(base, CROSS)
        assert answer.status == 200, answer.text()
        assert len(answer.json()["results"]["bindings"]) == 10_000
        assert answer.headers["x-rolegraph-truncated"] == "rows cut at 10000"
        big = get(base, "CONSTRUCT { [] ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }")  # a new blank node per row
        assert big.status == 413 and "limit of 10,000" in big.text(), big.text()


# -- worker deaths, the memory cap ----------------------------------------------------------------------------


def test_a_query_over_the_memory_cap_gets_503(mini_store: Path, capfd: pytest.CaptureFixture[str]) -> None:
    query = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"  # sorts 2 million rows: over 500 MB
    with running(str(mini_store), max_memory=200, timeout=30.0, workers=1) as (base, server):
        before = server.pool.workers()
        answer = get(base, query, timeout=60)
        assert answer.status == 503, answer.text()
        assert "memory limit of 200 MB" in answer.text()
        until(lambda: server.pool.health().ok, 60, "a replacement worker")
        assert server.pool.workers() != before
        assert get(base, "ASK { ?s ?p ?o }").status == 200
    log = capfd.readouterr().err
    assert "over the cap of 200 MB" in log and "ORDER BY ?c ?f" in log


def test_a_worker_crash_is_logged_and_answered_503(mini_store: Path, capfd: pytest.CaptureFixture[str]) -> None:
    with running(str(mini_store), timeout=30.0) as (base, server):
        answers: list[Answer] = []
        thread = threading.Thread(target=lambda: answers.append(get(base, SLOW, timeout=60)))
        thread.start()
        until(lambda: len(server.pool.busy_workers()) == 1, HANG, "the slow query reaching a worker")
        os.kill(server.pool.busy_workers()[0], signal.SIGSEGV)  # what a crash in the engine looks like
        thread.join(60)
        assert answers[0].status == 503
        assert "crashed (killed by signal SIGSEGV)" in answers[0].text()
        until(lambda: server.pool.health().ok, 60, "a replacement worker")
        assert get(base, "ASK {}").status == 200
    log = capfd.readouterr().err
    assert "a worker died (killed by signal SIGSEGV) running SPARQL query 'SELECT (COUNT(*) AS ?n)" in log


# -- workers that cannot be replaced ----------------------------------------------------------------------------


def open_unless_blocked(flag: str, spec: str) -> SiteContext:
    """open_site, failing as a store held by an import does while ``flag`` exists."""
    if Path(flag).exists():
        raise StoreError(f"{spec}: the store is busy (an import is writing to it); try again when it has finished.")
    return open_site(spec, 5.0, 500)


def echo(context: Any, job: Job) -> JobResult:
    return JobResult(200, {}, str(job.args.get("n", "")).encode())


def test_a_replacement_that_cannot_start_is_retried_with_backoff(tmp_path: Path, mini_store: Path) -> None:
    flag = tmp_path / "blocked"
    lines: list[str] = []
    pool = WorkerPool(partial(open_unless_blocked, str(flag), str(mini_store)), echo, size=1, queue=2, timeout=60.0,
                      log=lines.append, retry_delays=(0.2, 0.8))  # fmt: skip
    try:
        assert pool.run(Job("page", {"n": 1})).body == b"1"
        flag.touch()
        kill(pool, pool.workers()[0])
        with pytest.raises(NoWorkersError, match="the store is busy"):
            pool.run(Job("page", {"n": 2}))
        until(lambda: sum("could not start" in line for line in lines) >= 4, HANG, "four failed attempts")
        health = pool.health()
        assert (health.ok, health.alive, health.size) == (False, 0, 1) and "busy" in (health.problem or "")
        delays = [float(line.rsplit("retrying in ", 1)[1].split()[0]) for line in lines if "retrying in" in line]
        assert delays[:4] == [0.2, 0.4, 0.8, 0.8]  # doubling up to the longest delay
        flag.unlink()
        until(lambda: pool.health().ok, 0.8 + MARGIN, "the replacement starting once the store is free")
        assert pool.run(Job("page", {"n": 3})).body == b"3"
        assert any("started after" in line for line in lines)
    finally:
        pool.close()


def test_a_degraded_server_says_so_on_health_and_the_landing_page(tmp_path: Path, mini_store: Path) -> None:
    flag = tmp_path / "blocked"
    settings = ServerSettings(port=0, timeout=5.0, workers=2, queue=4)
    pool = WorkerPool(partial(open_unless_blocked, str(flag), str(mini_store)), handle_job, size=2, queue=4,
                      timeout=5.0, retry_delays=(0.2, 0.5))  # fmt: skip
    with serving(_Server(("127.0.0.1", 0), pool, settings)) as base:
        health = fetch(base, "GET", "/health")
        assert health.status == 200 and health.json()["status"] == "ok"
        flag.touch()
        kill(pool, pool.workers()[0])
        until(lambda: pool.health().problem is not None, MARGIN, "a failed replacement")
        health = fetch(base, "GET", "/health")
        assert health.status == 503
        report = health.json()
        assert (report["status"], report["workers"], report["configured"]) == ("degraded", 1, 2)
        assert "busy" in report["problem"]
        landing = fetch(base, "GET", "/")
        assert landing.status == 200
        assert "This server is degraded: 1 of 2 workers are running" in landing.text()
        flag.unlink()
        until(lambda: pool.health().ok, 0.5 + MARGIN, "the replacement starting")
        report = fetch(base, "GET", "/health").json()
        assert {key: report[key] for key in ("status", "workers", "configured", "busy", "waiting", "problem")} == {
            "status": "ok", "workers": 2, "configured": 2, "busy": 0, "waiting": 0, "problem": None}  # fmt: skip
        assert "degraded" not in fetch(base, "GET", "/").text()


def test_workers_locked_out_by_an_import_come_back(tmp_path: Path, mini_store: Path,
                                                   capfd: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """The report's case: both workers replaced while an import holds the store. The server answers 503 saying why
    (not a timeout), /health says it is down, and it recovers by itself once the import is done."""
    store = tmp_path / "store"
    shutil.copytree(mini_store, store)
    with running(str(store), workers=2, timeout=60.0) as (base, server):
        for pid in server.pool.workers():
            kill(server.pool, pid)
        with open(store / "rolegraph.lock", "a+") as lock:
            until(lambda: _try_lock(lock), HANG, "the store lock (what an import takes)")
            answer = fetch(base, "GET", "/sparql?query=ASK%7B%7D")
            assert answer.status == 503, answer.text()
            assert "no worker is running" in answer.text() and "busy" in answer.text()
            assert answer.headers["retry-after"] == "5"
            health = fetch(base, "GET", "/health")
            assert health.status == 503 and health.json()["status"] == "down"
            fcntl.flock(lock, fcntl.LOCK_UN)
        until(lambda: server.pool.health().ok, 30 + MARGIN, "workers back after the import")  # 30 s: longest retry
        assert get(base, "ASK {}").status == 200
    assert "a replacement worker could not start" in capfd.readouterr().err


def _try_lock(lock: Any) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def test_health_is_json(hostile: tuple[str, Any]) -> None:
    answer = fetch(hostile[0], "GET", "/health")
    assert answer.status == 200 and answer.type == "application/json"
    assert json.loads(answer.body)["status"] == "ok"
    assert urllib.parse.urlsplit(hostile[0]).hostname == "127.0.0.1"


def test_health_says_which_walls_are_up_around_the_workers(hostile: tuple[str, Any]) -> None:
    from rolegraph.sparql.sandbox import Sandbox

    expected = Sandbox()  # what this machine can raise, seen from a thread of the test
    report = json.loads(fetch(hostile[0], "GET", "/health").body)
    assert len(report["walls"]) == len(expected.walls) and len(report["walls_missing"]) == len(expected.missing)
    assert all(wall.split(":")[0] in ("seccomp", "Landlock") for wall in report["walls"])


# -- the command's options --------------------------------------------------------------------------------------


def test_serve_takes_the_memory_host_and_origin_options(mini_store: Path) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "rolegraph", "--store", str(mini_store), "serve"]
    for bad, message in [(["--cors-origin", "yasgui.example"], "is not an origin"),
                         (["--allow-host", "a b"], "is not a host name"),
                         (["--max-memory", "-1"], "Invalid value for '--max-memory'")]:  # fmt: skip
        done = subprocess.run([*command, "--port", "0", *bad], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    origin = "https://yasgui.example"
    options = ["--port", str(port), "--max-memory", "300", "--allow-host", "rg.example", "--cors-origin", origin]
    server = subprocess.Popen([*command, *options], stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            with contextlib.suppress(OSError):
                return fetch(base, "GET", "/health", timeout=5).status == 200
            return False

        until(lambda: up() or server.poll() is not None, 60, "the server starting")
        assert fetch(base, "GET", "/", {"Host": "rg.example"}).status == 200
        assert fetch(base, "GET", "/", {"Host": "other.example"}).status == 421
        answer = fetch(base, "GET", "/sparql?query=ASK%7B%7D", {"Origin": origin})
        assert answer.status == 200 and answer.headers["access-control-allow-origin"] == origin
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0 and "Traceback" not in stderr, stderr


# -- labels are only ever text ----------------------------------------------------------------------------------

HOSTILE_LABEL = "<img src=x onerror=\"document.title='owned'\">Hostile role"
HOSTILE_ALTERNATIVE = "\"><script>document.title='owned'</script>hostile alias"
HOSTILE_SKILL = "<b onmouseover=alert(1)>bold skill</b>"


@pytest.fixture(scope="module")
def hostile_labels(mini_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server over a copy of the mini store with a role and a skill whose labels are markup."""
    import pyoxigraph as ox

    from rolegraph.store.database import RoleStore

    path = tmp_path_factory.mktemp("hostile-labels") / "store"
    shutil.copytree(mini_store, path)
    vocab, rdfs, skos = ("https://w3id.org/rolegraph/vocab#", "http://www.w3.org/2000/01/rdf-schema#",
                         "http://www.w3.org/2004/02/skos/core#")  # fmt: skip
    role, skill = ox.NamedNode("https://example.org/hostile-role"), ox.NamedNode("https://example.org/hostile-skill")
    triples = [
        (role, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(vocab + "ProfiledRole")),
        (role, ox.NamedNode(rdfs + "label"), ox.Literal(HOSTILE_LABEL, language="en")),
        (role, ox.NamedNode(skos + "altLabel"), ox.Literal(HOSTILE_ALTERNATIVE, language="en")),
        (role, ox.NamedNode(vocab + "requiresSkill"), skill),
        (skill, ox.NamedNode(rdfs + "label"), ox.Literal(HOSTILE_SKILL, language="en")),
    ]
    with RoleStore.open(path, writable=True) as store:
        store.load_source("https://w3id.org/rolegraph/id/source/hostile", "hostile", {"title": "hostile",
                          "release": "1"}, iter(triples))  # fmt: skip
    with running(str(path)) as (base, _server):
        yield base


def test_hostile_labels_are_text_in_the_search_answer_and_the_pages(hostile_labels: str) -> None:
    found = json.loads(fetch(hostile_labels, "GET", "/roles.json?q=hostile").body)["roles"]
    assert [role["label"] for role in found] == [HOSTILE_LABEL]
    iri = urllib.parse.quote(found[0]["iri"], safe="")
    for path in (f"/role/{iri}", "/roles?q=hostile", "/roles?source=rolegraph", "/roles?q=alias",
                 "/concept/" + urllib.parse.quote("https://example.org/hostile-skill", safe="")):  # fmt: skip
        answer = fetch(hostile_labels, "GET", path)
        assert answer.status == 200, path
        text = answer.text()
        assert "<img" not in text and "<script>document" not in text and "<b " not in text, path
        assert "&lt;" in text, path


def test_hostile_labels_stay_text_in_the_role_picker(hostile_labels: str, browser: Any) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{hostile_labels}/")
        box = page.locator("#compare-form input[name=role]").nth(0)
        box.type("hostile", delay=20)
        option = page.locator(f"#{box.get_attribute('aria-controls')} li")
        option.first.wait_for(state="visible", timeout=10_000)
        assert HOSTILE_LABEL in option.first.inner_text()
        box.fill("")
        box.type("alias", delay=20)
        page.locator(f"#{box.get_attribute('aria-controls')} li", has_text="also:").first.wait_for(timeout=10_000)
        assert page.locator("img, #compare-form script").count() == 0
        option.first.dispatch_event("mousedown")
        page.goto(f"{hostile_labels}/role/" + urllib.parse.quote("https://example.org/hostile-role", safe=""))
        assert HOSTILE_SKILL in page.locator("main").inner_text()
        assert page.locator("main img, main b").count() == 0 and page.title() != "owned"
    finally:
        page.close()
