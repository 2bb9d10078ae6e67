"""rolegraph.sparql.safety and the sparql command: user queries never reach the network or files unless allowed, and a
syntax error is reported with its position."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import rolegraph
from rolegraph.cli import main
from rolegraph.sparql.safety import QuerySyntaxError, UnsafeQueryError, check_query

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


SCAN_CASES = {
    # Each of these reaches outside the store on some engine; the check refuses every one, with or without the
    # rdflib parse (parse=False is the server's path: the tokens alone decide).
    "SELECT * WHERE { ?s ?p ?o.SERVICE <http://x> {?a ?b ?c} }": UnsafeQueryError,
    "SELECT * WHERE { ?s a.SERVICE <http://x> {?a ?b ?c} }": UnsafeQueryError,
    "SELECT * WHERE { ?s ?p 'x'.SERVICE<http://x>{?a ?b ?c} }": UnsafeQueryError,
    "SELECT * FROM <http://x> WHERE { ?s ?p ?o }": UnsafeQueryError,
    "SELECT * FROM NAMED <http://x> WHERE { GRAPH ?g { ?s ?p ?o } }": UnsafeQueryError,
    "SELECT * WHERE { \\u0053ERVICE <http://x> { ?s ?p ?o } }": UnsafeQueryError,
    "INSERT DATA { <a> <b> <c> }": UnsafeQueryError,
    "LOAD <http://example.org/x.ttl>": UnsafeQueryError,
    "PREFIX : <http://x/> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }": QuerySyntaxError,
    "PREFIX sx: <http://x/> SELECT * WHERE { SERVICEsx:x { ?s ?p ?o } }": QuerySyntaxError,
    "PREFIX service: <http://x/> SELECT * WHERE { ?s ?p ?o service:x { ?s ?p ?o } }": QuerySyntaxError,
    "PREFIX fromx: <http://x/> SELECT * FROMx:g WHERE { ?s ?p ?o }": QuerySyntaxError,
    "SELECT * WHERE { # x\rSERVICE <http://x/> { ?s ?p ?o }\n}": UnsafeQueryError,
    'SELECT * WHERE { ?s ?p ?o FILTER(?s<?o#>"""\n) SERVICE <http://x/> {} FILTER(""" = 1) }': QuerySyntaxError,
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:a\\#b ?o . SERVICE <http://x/> {} }": UnsafeQueryError,
}


@pytest.mark.parametrize(("text", "refusal"), SCAN_CASES.items())
@pytest.mark.parametrize("parse", [True, False])
def test_every_way_of_hiding_service_or_from_is_refused(text: str, refusal: type[Exception], parse: bool) -> None:
    with pytest.raises(refusal):
        check_query(text, parse=parse)


SAFE_CASES = {
    "select * where { ?s ?p ?o } # service <x>": "SELECT",
    "PREFIX ex: <http://x/> SELECT ?service WHERE { ?service ex:from ?from }": "SELECT",
    'ASK { ?s ?p """a "" SERVICE """ }': "ASK",
    "CONSTRUCT WHERE { ?s ?p ?o }": "CONSTRUCT",
    "DESCRIBE <http://example.org/from>": "DESCRIBE",
    'SELECT ?x WHERE { BIND("\\u0022#" AS ?z) SERVICE <http://x/> { ?x ?p ?o } BIND(""\n AS ?x) }': "SELECT",
}


@pytest.mark.parametrize(("text", "form"), SAFE_CASES.items())
def test_what_passes_runs_as_checked(text: str, form: str) -> None:
    checked = check_query(text)
    assert checked.form == form
    assert check_query(text, parse=False).form == form
    # The last case: "\u0022" decodes to a quote (SPARQL decodes escapes everywhere), so SERVICE sits in a
    # comment of the text that runs; Oxigraph, given the raw text, would have read a SERVICE call.
    assert "\\u" not in checked.text and "\r" not in checked.text


def test_every_named_query_passes_both_ways() -> None:
    from rdflib import URIRef

    from rolegraph.sparql.queries import bind, get_query, query_names

    for name in query_names():
        named = get_query(name)
        values = {p.name: ([URIRef("http://example.org/x")] if p.is_list else URIRef("http://example.org/x"))
                  for p in named.parameters if not p.optional}  # fmt: skip
        text = bind(named, values).text
        assert check_query(text, parse=False).form == check_query(text).form == "SELECT", name
        assert check_query(text).text == text, name  # our own queries need no normalising
