"""Commands run on a SPARQL server with ``--store sparql+http://...`` give what they give on the embedded store; here
the server is ``rolegraph serve`` (tests/test_virtuoso.py does the same against Virtuoso)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ESCO_PRODUCER = "http://data.europa.eu/esco/occupation/p1"

COMMANDS = [
    ["compare", "27-2012.00", "11-3051.00", "--format", "json"],
    ["compare", "27-2012.00", ESCO_PRODUCER, "role:producer"],
    ["compare", "role:production-manager", "role:producer", "--format", "csv"],
    ["show", "27-2012.00"],
    ["show", ESCO_PRODUCER],
    ["roles"],
    ["resolve", "production manager", "--format", "json"],
    ["query", "shared-skills", "--bind", "a=27-2012.00", "--bind", "b=11-3051.00", "--format", "json"],
    ["query", "similar-roles", "--bind", "role=role:producer", "--format", "csv"],
    ["query", "certifications-by-organization", "--format", "tsv"],
    ["graph", "--role", "27-2012.00", "--role", "role:producer", "--format", "json"],
]


def run(store: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rolegraph", "--store", store, *args], capture_output=True,
                          text=True, input=stdin, timeout=120)  # fmt: skip


def same_output(remote: str, local: str, args: list[str], stdin: str | None = None) -> None:
    there, here = run(remote, *args, stdin=stdin), run(local, *args, stdin=stdin)
    assert here.returncode == 0, here.stderr
    assert there.returncode == 0, there.stderr
    assert there.stdout == here.stdout, args


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_commands_on_the_server_equal_the_store(served: str, mini_store: Path, args: list[str]) -> None:
    same_output(f"sparql+{served}/sparql", str(mini_store), args)


def test_sparql_command_on_the_server(served: str, mini_store: Path) -> None:
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s ?l WHERE { ?s a <https://w3id.org/rolegraph/vocab#ProfiledRole> ; rdfs:label ?l } ORDER BY ?s\n"
    )
    same_output(f"sparql+{served}/sparql", str(mini_store), ["sparql", "-", "--format", "json"], stdin=query)
    construct = "CONSTRUCT WHERE { <https://w3id.org/rolegraph/id/onet/occupation/27-2012.00> ?p ?o }"
    same_output(f"sparql+{served}/sparql", str(mini_store), ["sparql", "-", "--format", "nt"], stdin=construct)


def test_the_html_page_from_the_server_equals_the_stores(served: str, mini_store: Path, tmp_path: Path) -> None:
    there, here = tmp_path / "there.html", tmp_path / "here.html"
    args = ["compare", "27-2012.00", ESCO_PRODUCER, "--html"]
    assert run(f"sparql+{served}/sparql", *args, str(there)).returncode == 0
    assert run(str(mini_store), *args, str(here)).returncode == 0
    assert there.read_bytes() == here.read_bytes()


def test_an_unreachable_server(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    done = run(f"sparql+http://127.0.0.1:{port}/sparql", "compare", "A", "B")
    assert done.returncode == 2
    assert f"http://127.0.0.1:{port}/sparql: cannot reach the server" in done.stderr
    assert "tried a SPARQL query (POST" in done.stderr and "Traceback" not in done.stderr


def test_something_that_is_not_a_sparql_endpoint(served: str) -> None:
    done = run(f"sparql+{served}/", "roles")
    assert done.returncode == 2
    assert "not SPARQL results" in done.stderr or "HTTP 405" in done.stderr, done.stderr
    missing = run(f"sparql+{served}/nothing-here", "roles")
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr


def test_local_only_commands_say_so(served: str) -> None:
    done = run(f"sparql+{served}/sparql", "import", "onet", "somewhere")
    assert done.returncode == 2 and "works on a local store folder" in done.stderr


def test_serve_on_a_port_in_use(mini_store: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = run(str(mini_store), "serve", "--port", str(port))
    assert done.returncode == 2
    assert f"127.0.0.1:{port} is already in use" in done.stderr


def test_serve_warns_before_listening_beyond_loopback(mini_store: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = run(str(mini_store), "serve", "--host", "0.0.0.0", "--port", str(port))
    assert "anyone who can reach this address can read the whole graph" in done.stderr
    assert done.returncode == 2


def test_results_json_parsing_is_strict(served: str) -> None:
    from rolegraph.errors import EndpointError
    from rolegraph.sparql.remote import parse_results_json

    assert parse_results_json(json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{}]}}).encode()).rows
    with pytest.raises((ValueError, KeyError)):
        parse_results_json(b'{"head": {}}')
    assert issubclass(EndpointError, Exception)


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_serve_as_a_command_then_stop_it(tmp_path: Path, stop: str) -> None:
    """`rolegraph serve` on the built-in graph (no store yet): answers, then stops cleanly with its workers."""
    import os
    import signal
    import time
    import urllib.parse
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path))  # no per-user store: the built-in graph
    server = subprocess.Popen([sys.executable, "-m", "rolegraph", "serve", "--port", str(port)], env=env,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                query = ("SELECT ?l WHERE { <https://w3id.org/rolegraph/id/role/producer> "
                         "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")  # fmt: skip
                url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": query})
                with urllib.request.urlopen(url, timeout=5) as response:
                    answer = json.loads(response.read())
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.3)
        assert [b["l"]["value"] for b in answer["results"]["bindings"]] == ["Producer"]
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) >= 2  # the workers
        server.send_signal(getattr(signal, stop))
        _, stderr = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, stderr
    assert f"rolegraph serves http://127.0.0.1:{port}/" in stderr and "rolegraph stopped serving." in stderr
    assert "Traceback" not in stderr

    def running(pid: str) -> bool:
        try:
            return "zombie" not in Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False

    deadline = time.monotonic() + 10  # multiprocessing's helper process may take a moment to see its parent gone
    while any(running(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [Path(f"/proc/{c}/cmdline").read_text().replace("\0", " ") for c in children if running(c)]
    assert not left


# -- servers that answer SPARQL JSON, but not what rolegraph asks ------------------------------------------------


def _fake_server(answer: Any) -> tuple[Any, str]:
    """A server on loopback answering every query with ``answer(query)`` as SPARQL JSON (stopped by the caller)."""
    import http.server
    import threading
    import urllib.parse

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            fields = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
            body = json.dumps(answer(fields.get("query", [""])[0])).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"sparql+http://127.0.0.1:{server.server_address[1]}/sparql"


def _same_variables_filled_with(value: dict[str, str]) -> Any:
    import re

    def answer(query: str) -> dict[str, Any]:
        head = query.split("WHERE", 1)[0]
        names = list(dict.fromkeys(re.findall(r"\?(\w+)", head)))
        return {"head": {"vars": names}, "results": {"bindings": [{name: value for name in names}]}}

    return answer


FAKES = {
    "one variable for everything": (lambda _q: {"head": {"vars": ["x"]}, "results": {"bindings": [
        {"x": {"type": "literal", "value": "1"}}]}}, "answered the query for the list of pushed graphs with ?x"),
    "bindings that are not objects": (lambda _q: {"head": {"vars": ["x"]}, "results": {"bindings": [[1]]}},
                                      "could not be read as SPARQL results: the bindings are not a list"),
    "a document that is a list": (lambda _q: [], "could not be read as SPARQL results"),
    "ASK that is not a boolean": (lambda _q: {"head": {}, "boolean": "yes"}, "could not be read as SPARQL results"),
    "the right variables, nonsense values": (_same_variables_filled_with({"type": "uri", "value": "http://example.org/zzz"}),
                                             "its answers could not be used"),
    "the right variables, graphs as text": (_same_variables_filled_with({"type": "literal", "value": "g"}),
                                            "names graphs that are not IRIs"),
}  # fmt: skip


@pytest.mark.parametrize(("answer", "message"), FAKES.values(), ids=list(FAKES))
@pytest.mark.parametrize("command", [["roles"], ["show", "Producer"], ["compare", "A", "B"], ["sources"]],
                         ids=["roles", "show", "compare", "sources"])  # fmt: skip
def test_a_server_that_is_not_a_rolegraph_push(answer: Any, message: str, command: list[str]) -> None:
    server, url = _fake_server(answer)
    try:
        done = run(url, *command)
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    if command == ["sources"] and done.returncode == 0:  # the registry query: nonsense shown as nonsense, cleanly
        return
    assert done.returncode == 2, done.stderr
    if command == ["roles"]:  # (the others may stop earlier, at a clear error of their own)
        assert message in done.stderr and "rolegraph: error: http://127.0.0.1:" in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("sparql+http://[::1/sparql", "Invalid IPv6 URL"),
        ("sparql+http:///sparql", "no host name"),
        ("sparql+http://localhost:notaport/sparql", "Port could not be cast to integer value as 'notaport'"),
        ("sparql+https://exa mple.org/sparql", "it holds a space or a control character"),
    ],
)
def test_a_server_url_that_names_no_server(spec: str, why: str) -> None:
    done = run(spec, "roles")
    assert done.returncode == 2
    assert (
        f"rolegraph: error: {spec}: not a usable server URL ({why}); write sparql+http://HOST:PORT/PATH" in done.stderr
    )
