"""The SPARQL 1.1 Protocol rules without a server: reading requests and negotiating formats."""

from __future__ import annotations

import pytest

from rolegraph.serve.protocol import ProtocolError, negotiate, parse_accept, read_request

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


def status_of(method: str, query_string: str, headers: dict[str, str], body: bytes) -> int:
    with pytest.raises(ProtocolError) as raised:
        read_request(method, query_string, headers, body)
    return raised.value.status


def test_get_form_post_and_direct_post_carry_the_same_query() -> None:
    get = read_request("GET", "query=ASK%20%7B%7D", {}, b"")
    form = read_request("POST", "", FORM, b"query=ASK+%7B%7D")
    direct = read_request("POST", "", DIRECT, b"ASK {}")
    assert get.query == form.query == direct.query == "ASK {}"


def test_dataset_parameters_are_kept_in_order() -> None:
    request = read_request(
        "POST", "default-graph-uri=urn%3Ac", FORM,
        b"query=ASK%7B%7D&default-graph-uri=urn%3Aa&named-graph-uri=urn%3Ab&default-graph-uri=urn%3Ad",
    )  # fmt: skip
    assert request.default_graphs == ("urn:a", "urn:d", "urn:c")
    assert request.named_graphs == ("urn:b",)
    direct = read_request("POST", "default-graph-uri=urn%3Aa&named-graph-uri=urn%3Ab", DIRECT, b"ASK {}")
    assert (direct.default_graphs, direct.named_graphs) == (("urn:a",), ("urn:b",))


def test_no_query_asks_for_the_service_description() -> None:
    assert read_request("GET", "", {}, b"").query is None


@pytest.mark.parametrize(
    ("method", "query_string", "headers", "body", "status"),
    [
        ("PUT", "query=ASK%7B%7D", {}, b"", 405),  # bad_query_method
        ("DELETE", "", {}, b"", 405),
        ("GET", "query=ASK%7B%7D&query=ASK%7B%7D", {}, b"", 400),  # bad_multiple_queries
        ("POST", "", {"Content-Type": "text/plain"}, b"ASK {}", 415),  # bad_query_wrong_media_type
        ("POST", "", {}, b"query=ASK%7B%7D", 415),  # bad_query_missing_form_type
        ("POST", "", {}, b"ASK {}", 415),  # bad_query_missing_direct_type
        ("POST", "", {"Content-Type": "application/sparql-query; charset=UTF-16"}, "ASK {}".encode("utf-16"), 415),
        ("POST", "", DIRECT, b"ASK { \xff }", 400),  # not UTF-8
        ("GET", "update=CLEAR%20ALL", {}, b"", 403),  # bad_update_get
        ("POST", "", FORM, b"update=CLEAR+ALL&update=CLEAR+ALL", 403),  # bad_multiple_updates (read-only anyway)
        ("POST", "", {"Content-Type": "application/sparql-update"}, b"CLEAR ALL", 403),
        ("POST", "query=ASK%7B%7D", FORM, b"query=ASK%7B%7D", 400),  # the query in both URL and body
        ("GET", "query=%FF", {}, b"", 400),
    ],
)
def test_what_the_protocol_refuses(
    method: str, query_string: str, headers: dict[str, str], body: bytes, status: int
) -> None:
    assert status_of(method, query_string, headers, body) == status


def test_405_says_what_is_allowed() -> None:
    with pytest.raises(ProtocolError) as raised:
        read_request("PATCH", "", {}, b"")
    assert raised.value.headers["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_accept_q_values_and_specificity() -> None:
    assert parse_accept("text/*;q=0.3, text/csv;q=0.7, */*;q=0.1")[0] == ("text/csv", 0.7)
    assert parse_accept(None) == [("*/*", 1.0)]
    assert parse_accept("application/json;q=nonsense") == [("application/json", 0.0)]


@pytest.mark.parametrize(
    ("accept", "form", "expected"),
    [
        (None, "SELECT", "application/sparql-results+json"),
        ("*/*", "ASK", "application/sparql-results+json"),
        ("application/sparql-results+xml", "SELECT", "application/sparql-results+xml"),
        ("text/csv, application/sparql-results+json;q=0.5", "SELECT", "text/csv"),
        ("text/tab-separated-values", "SELECT", "text/tab-separated-values"),
        ("text/*", "SELECT", "text/csv"),
        ("text/html, application/xhtml+xml, */*;q=0.8", "SELECT", "application/sparql-results+json"),
        (None, "CONSTRUCT", "text/turtle"),
        ("application/n-triples", "DESCRIBE", "application/n-triples"),
        ("application/ld+json", "CONSTRUCT", "application/ld+json"),
        ("text/turtle;q=0.2, application/n-triples;q=0.9", "CONSTRUCT", "application/n-triples"),
        ("application/json, */*;q=0", "SELECT", "application/json"),
    ],
)
def test_negotiation(accept: str | None, form: str, expected: str) -> None:
    assert negotiate(accept, form) == expected


@pytest.mark.parametrize(
    ("accept", "form"),
    [("image/png", "SELECT"), ("text/turtle", "ASK"), ("application/sparql-results+json", "CONSTRUCT"),
     ("text/csv;q=0", "SELECT")],
)  # fmt: skip
def test_nothing_acceptable_is_406(accept: str, form: str) -> None:
    with pytest.raises(ProtocolError) as raised:
        negotiate(accept, form)
    assert raised.value.status == 406


def test_the_format_parameter_wins_over_accept() -> None:
    assert negotiate("application/sparql-results+json", "SELECT", "csv") == "text/csv"
    assert negotiate(None, "CONSTRUCT", "ntriples") == "application/n-triples"
    with pytest.raises(ProtocolError):
        negotiate(None, "SELECT", "turtle")
