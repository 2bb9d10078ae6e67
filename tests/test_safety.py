"""rolegraph.safety and the sparql command: user queries never reach the network or files unless allowed, and a
syntax error is reported with its position."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import rolegraph
from rolegraph.cli import main
from rolegraph.safety import QuerySyntaxError, UnsafeQueryError, check_query, quick_form

SECRET_QUERY = "SELECT ?o FROM <file:///etc/hostname> WHERE { ?s ?p ?o }"


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Record every attempt to open a network connection or URL (and let none through)."""
    attempts: list[object] = []

    def refuse_connect(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise ConnectionRefusedError("test: no network")

    def refuse_urlopen(url: object, *args: object, **kwargs: object) -> None:
        attempts.append(url)
        raise ConnectionRefusedError("test: no network")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(urllib.request, "urlopen", refuse_urlopen)
    yield attempts


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE <http://127.0.0.1:9/sparql>"),
        ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/x> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }", "FROM <http://127.0.0.1:9/g.ttl>"),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM NAMED <file:///etc/passwd>"),
        ("LOAD <http://127.0.0.1:9/g.ttl>", "SPARQL Update"),
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "read-only"),
    ],
)
def test_unsafe_queries_are_refused(text: str, message: str) -> None:
    with pytest.raises(UnsafeQueryError, match=message.replace("?", r"\?")):
        check_query(text)


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        check_query("PREFIX rg: <https://w3id.org/rolegraph/vocab#>\nSELECT * WHERE {\n  ?s ?p \n}", source="q.rq")
    assert (caught.value.line, caught.value.column) == (3, 3)
    assert str(caught.value).startswith("q.rq:3:3: SPARQL syntax error:")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }",
        SECRET_QUERY,
    ],
)
def test_cli_refuses_without_opening_a_socket(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, connections: list[object], text: str
) -> None:
    query = tmp_path / "q.rq"
    query.write_text(text)
    code, out, err = run(capsys, "sparql", str(query))
    assert code == 2
    assert "--allow-network" in err
    assert out == ""
    assert connections == []


def test_allow_network_really_is_what_lets_it_through(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, connections: list[object]
) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    code, _, err = run(capsys, "sparql", "--allow-network", str(query))
    assert connections, "with --allow-network the SERVICE call is attempted"
    assert code == 2
    assert "could not reach" in err and "Traceback" not in err


def test_api_refuses_file_reads(connections: list[object]) -> None:
    with pytest.raises(UnsafeQueryError):
        rolegraph.load().sparql(SECRET_QUERY)
    assert connections == []


QUICK_CASES = {
    "SELECT * WHERE { ?s ?p ?o.SERVICE <http://x> {?a ?b ?c} }": None,
    "SELECT * WHERE { ?s a.SERVICE <http://x> {?a ?b ?c} }": None,
    "SELECT * WHERE { ?s ?p 'x'.SERVICE<http://x>{?a ?b ?c} }": None,
    "SELECT * FROM <http://x> WHERE { ?s ?p ?o }": None,
    "SELECT * FROM NAMED <http://x> WHERE { GRAPH ?g { ?s ?p ?o } }": None,
    "SELECT * WHERE { ?s ?p ?o } \\u0053ERVICE": None,
    "INSERT DATA { <a> <b> <c> }": None,
    "LOAD <http://example.org/x.ttl>": None,
    "SELECT * WHERE { ?s ?p ?o FILTER(?s<?o) SERVICE <x> {} }": None,
    "SELECT * WHERE { ?s ?p\u00e9 SERVICE <x> {} }": None,
    "select * where { ?s ?p ?o } # service <x>": "SELECT",
    "PREFIX service: <http://x/> SELECT ?service WHERE { ?service service:from ?from }": "SELECT",
    'ASK { ?s ?p """a "" SERVICE """ }': "ASK",
    "CONSTRUCT WHERE { ?s ?p ?o }": "CONSTRUCT",
    "DESCRIBE <http://example.org/from>": "DESCRIBE",
}


@pytest.mark.parametrize(("text", "expected"), QUICK_CASES.items())
def test_the_word_scan_leaves_every_risky_query_to_the_full_check(text: str, expected: str | None) -> None:
    assert quick_form(text) == expected
    if expected is not None:
        assert check_query(text).form == expected  # what the scan lets through, the parser agrees with


def test_the_word_scan_passes_every_named_query() -> None:
    from rdflib import URIRef

    from rolegraph.queries import bind, get_query, query_names

    for name in query_names():
        named = get_query(name)
        values = {p.name: ([URIRef("http://example.org/x")] if p.is_list else URIRef("http://example.org/x"))
                  for p in named.parameters if not p.optional}  # fmt: skip
        text = bind(named, values).text
        assert quick_form(text) == check_query(text).form, name
