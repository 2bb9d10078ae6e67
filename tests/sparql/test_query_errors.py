"""Every query a user can write gets an answer or a clear error: on the shipped graph (rdflib) and on a store
(Oxigraph), through the API (an InputError, nothing else), the CLI (exit 0 or 2, never a traceback) and the server
(2xx, 400, 413 or 503, never 500). A corpus of the queries that once escaped as tracebacks, and random query text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rolegraph
from rolegraph.cli import main
from rolegraph.errors import InputError

# Each once gave a traceback, an "internal error", exit 1, or a 500 (issue 12's list), with what the message
# must now say.
CORPUS = {
    'SELECT * WHERE { BIND(REGEX("a", "(") AS ?x) }': "",
    'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(?o, "[")) }': "",
    "DESCRIBE *": "",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1": "",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999": "too large",
    "SELECT * WHERE { ?s ?p ?o } OFFSET 99999999999999999999999": "too large",
    "SELECT ?s WHERE { ?s foo:bar ?o }": "foo",
    "SELECT ?x WHERE { BIND(1 AS ?x) BIND(2 AS ?x) }": "",
    "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p": "",
    "SELECT ?x ?x WHERE { ?x ?p ?o }": "",
    "SELECT * WHERE { VALUES (?a ?b) { (1) } }": "",
    "BASE <rel> SELECT * WHERE { ?s <x> ?o }": "",
    "PREFIX f: <http://example.org/f#> SELECT * WHERE { BIND(f:g(1) AS ?x) }": "",
    'SELECT * WHERE { ?s ?p "x"^^<http://www.w3.org/2001/XMLSchema#integer> }': "",
    "": "empty",
    "   \n  ": "empty",
    "SELECT * WHERE { ?s ?p }": "1:",
    "SELECT * WHERE { ?s ?p ?o ": "never closed",
    "SELECT * WHERE { ?s ?p ?o } }": "closes nothing",
    "{" * 3000 + "}" * 3000: "nests deeper",
    "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }": "nests deeper",
    "SELECT * WHERE { FILTER(" + "!" * 5000 + "true) }": "in a row",
    "SELECT * WHERE { ?s ?p ?o . \x00 }": "U+0000",
    "SELECT * WHERE { ?s ?p '\\uD800' }": "U+D800",
    "SELECT * WHERE { ?s ?p ?o } \\U00110000": "not a Unicode code point",
    "INSERT DATA { <a> <b> <c> }": "Update",
    "SELECT * WHERE { ?s ?p é }": "unexpected character",
    "ASK { FILTER(1/0) }": "",
    "SELECT (1/0 AS ?x) WHERE {}": "",
    "SELECT * WHERE { ?s ?p ?o } ORDER BY ?nothing(": "",
}


@pytest.fixture(scope="module")
def shipped() -> rolegraph.RoleGraph:
    return rolegraph.load()


@pytest.fixture(scope="module")
def stored(mini_store: Path) -> object:
    with rolegraph.open_store(mini_store) as graph:
        yield graph


def api_outcome(graph: rolegraph.RoleGraph, text: str) -> str | None:
    """None when the query ran, else the InputError's message; any other exception fails the test."""
    try:
        graph.sparql(text, limit=50)
    except InputError as error:
        return str(error)
    return None


@pytest.mark.parametrize(("text", "says"), CORPUS.items(), ids=[str(i) for i in range(len(CORPUS))])
def test_the_corpus_gives_answers_or_clear_errors_everywhere(
    text: str, says: str, shipped: rolegraph.RoleGraph, stored: rolegraph.RoleGraph
) -> None:
    for graph in (shipped, stored):
        message = api_outcome(graph, text)
        if says:
            assert message is not None and says in message, (graph.engine.name, message)
        if message is not None:
            assert "Traceback" not in message and "internal error" not in message


@pytest.mark.parametrize(("text", "says"), CORPUS.items(), ids=[str(i) for i in range(len(CORPUS))])
def test_the_corpus_through_the_cli(
    text: str, says: str, mini_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = tmp_path / "q.rq"
    query.write_text(text, encoding="utf-8")
    for store in ([], ["--store", str(mini_store)]):
        with pytest.raises(SystemExit) as exited:
            main([*store, "sparql", str(query)])
        out, err = capsys.readouterr()
        assert exited.value.code in (0, 2), err
        assert "Traceback" not in err + out and "internal error" not in err
        if exited.value.code == 2:
            assert err.startswith("rolegraph: error: "), err
        if "SPARQL syntax error" in err:
            assert f"{query}:" in err, err  # the position names the file, whichever engine found it
        if says:
            assert exited.value.code == 2 and says in err, err


def test_the_corpus_through_the_server(served: str) -> None:
    from ..serve.test_server import get

    for text in CORPUS:
        answer = get(served, text) if text.strip() else None
        if answer is not None:
            assert answer.status in (200, 400, 413), (text[:80], answer.status, answer.text()[:300])


PIECES = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "?p", "?o", "$x", "*", ".",
    ";", ",", "<http://x/a>", "ex:a", ":b", "_:b", "'x'", '"y"', '"""z"""', "1", "2.5", "-3e2", "true", "@en", "^^",
    "FILTER", "BIND", "AS", "OPTIONAL", "UNION", "MINUS", "GRAPH", "VALUES", "UNDEF", "GROUP BY", "ORDER BY", "HAVING",
    "LIMIT", "OFFSET", "COUNT", "REGEX", "STR", "LANG", "IF", "EXISTS", "NOT", "IN", "=", "!=", "<", ">", "&&", "||",
    "+", "-", "/", "|", "^", "!", "a", "#c\n", "\n", "PREFIX ex: <http://x/>", "BASE <http://x/>", "DISTINCT",
]  # fmt: skip


@st.composite
def query_texts(draw: st.DrawFn) -> str:
    start = draw(st.sampled_from(["SELECT * WHERE {", "ASK {", "CONSTRUCT WHERE {", "DESCRIBE ?s WHERE {", ""]))
    middle = draw(st.lists(st.sampled_from(PIECES), max_size=20))
    end = draw(st.sampled_from(["}", "} LIMIT 3", "", "} ORDER BY ?s"]))
    return " ".join([start, *middle, end])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=query_texts())
def test_random_query_text_gives_answers_or_clear_errors(
    text: str, shipped: rolegraph.RoleGraph, stored: rolegraph.RoleGraph
) -> None:
    for graph in (shipped, stored):
        message = api_outcome(graph, text)
        assert message is None or "Traceback" not in message


def test_random_query_text_on_the_server_is_never_a_500(served: str) -> None:
    from ..serve.test_server import get

    rng = random.Random(17)
    for _ in range(60):
        words = [rng.choice(PIECES) for _ in range(rng.randint(0, 16))]
        text = " ".join([rng.choice(["SELECT * WHERE {", "ASK {", ""]), *words, rng.choice(["}", ""])])
        if text.strip():
            answer = get(served, text)
            assert answer.status in (200, 400, 413, 503), (text, answer.status, answer.text()[:300])


def test_an_endless_query_file_is_refused_not_read_forever(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["sparql", "/dev/zero"])
    assert exited.value.code == 2
    assert "longer than 1,000,000 characters" in capsys.readouterr().err


def test_the_predeclared_prefixes_mean_the_same_on_every_engine(
    shipped: rolegraph.RoleGraph, stored: rolegraph.RoleGraph
) -> None:
    """rolegraph's prefixes need no PREFIX line on rdflib or Oxigraph; any other undeclared prefix is refused with
    its position on both (rdflib alone knew foaf: and friends before)."""
    for graph in (shipped, stored):
        assert graph.sparql("ASK { role:producer a rg:ProfiledRole ; rdfs:label ?l }") is True
        with pytest.raises(InputError, match=r"1:18: .*the prefix foaf: is not declared"):
            graph.sparql("SELECT * WHERE { foaf:x ?p ?o }")
    assert shipped.sparql("PREFIX foaf: <http://xmlns.com/foaf/0.1/> ASK { ?s foaf:name ?o }") is False
