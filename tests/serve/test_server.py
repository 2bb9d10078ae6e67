"""``rolegraph serve`` as clients see it: the W3C SPARQL 1.1 Protocol test cases (ported from the protocol test
manifest, over this store's own graphs), real clients (rdflib's SPARQLStore, SPARQLWrapper, curl), safety, limits
and the site's pages. The server is real and runs on a loopback port (see the ``served`` fixture)."""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef

from rolegraph.store.database import RoleStore

ONET = "https://w3id.org/rolegraph/id/onet/occupation/"
ROLE = "https://w3id.org/rolegraph/id/role/"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0]

    def json(self) -> Any:
        return json.loads(self.body)

    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(base: str, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None,
          timeout: float = 30) -> Answer:  # fmt: skip
    parsed = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def get(base: str, query: str, accept: str | None = None, *, timeout: float = 30, **params: str | list[str]) -> Answer:
    fields: list[tuple[str, str]] = [("query", query)]
    for key, value in params.items():
        for item in [value] if isinstance(value, str) else value:
            fields.append((key.replace("_", "-"), item))
    path = "/sparql?" + urllib.parse.urlencode(fields)
    return fetch(base, "GET", path, {"Accept": accept} if accept else {}, timeout=timeout)


def post(base: str, query: str, timeout: float = 30) -> Answer:
    """A direct POST (application/sparql-query): for queries too long for a URL."""
    return fetch(base, "POST", "/sparql", {"Content-Type": "application/sparql-query"}, query.encode(), timeout)


def ask(answer: Answer) -> bool:
    assert answer.status == 200, answer.text()
    value: bool = answer.json()["boolean"]
    return value


@pytest.fixture(scope="module")
def graphs(mini_store: Path) -> dict[str, str]:
    """The store's current named graphs by source kind (onet, esco, crosswalk; "shipped" is the article's data file,
    "vocabulary" the shipped vocabulary)."""
    with RoleStore.open(mini_store) as store:
        names = [g.value for g in store.current_graphs()]
    kinds = {}
    for name in names:
        key = name.split("/graph/")[1].rsplit("/", 1)[0]  # e.g. onet/99.9, shipped/links/esco
        if key == "shipped/data/production-manager-vs-producer":
            kinds["shipped"] = name
        elif key == "shipped/vocabulary":
            kinds["vocabulary"] = name
        elif not key.startswith("shipped/"):
            kinds[key.split("/")[0]] = name
    kinds["all"] = " ".join(sorted(names))
    return kinds


# -- the W3C protocol test manifest, ported ---------------------------------------------------------------------


def test_query_get(served: str) -> None:
    answer = get(served, f"ASK {{ <{ONET}27-2012.00> ?p ?o }}")
    assert ask(answer) is True
    assert answer.type == "application/sparql-results+json"


def test_query_post_form(served: str) -> None:
    body = urllib.parse.urlencode({"query": f"ASK {{ <{ROLE}producer> ?p ?o }}"}).encode()
    answer = fetch(served, "POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert ask(answer) is True


def test_query_post_direct(served: str) -> None:
    answer = fetch(served, "POST", "/sparql", {"Content-Type": "application/sparql-query"},
                   f"ASK {{ <{ROLE}producer> ?p ?o }}".encode())  # fmt: skip
    assert ask(answer) is True


def test_query_dataset_default_graphs_get_and_post(served: str, graphs: dict[str, str]) -> None:
    query = f"ASK {{ <{ONET}27-2012.00> ?p ?o . <{ROLE}producer> ?q ?r }}"
    assert ask(get(served, query, default_graph_uri=[graphs["onet"], graphs["shipped"]])) is True
    assert ask(get(served, query, default_graph_uri=[graphs["onet"]])) is False  # the producer is not in it
    body = urllib.parse.urlencode([("query", query), ("default-graph-uri", graphs["onet"]),
                                   ("default-graph-uri", graphs["shipped"])]).encode()  # fmt: skip
    answer = fetch(served, "POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert ask(answer) is True


def test_query_dataset_named_graphs_get_and_post(served: str, graphs: dict[str, str]) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    answer = get(served, query, named_graph_uri=[graphs["esco"], graphs["onet"]])
    assert [b["g"]["value"] for b in answer.json()["results"]["bindings"]] == sorted([graphs["esco"], graphs["onet"]])
    path = "/sparql?" + urllib.parse.urlencode({"named-graph-uri": graphs["onet"]})
    answer = fetch(served, "POST", path, {"Content-Type": "application/sparql-query"}, query.encode())
    assert [b["g"]["value"] for b in answer.json()["results"]["bindings"]] == [graphs["onet"]]


def test_query_dataset_full(served: str, graphs: dict[str, str]) -> None:
    query = (f"SELECT ?g (COUNT(*) AS ?n) FROM <{graphs['shipped']}> FROM NAMED <{graphs['onet']}> "
             f"WHERE {{ {{ <{ROLE}producer> ?p ?o BIND('default' AS ?g) }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }} "
             "GROUP BY ?g ORDER BY ?g")  # fmt: skip
    rows = get(served, query).json()["results"]["bindings"]
    assert {row["g"]["value"] for row in rows} == {"default", graphs["onet"]}


def test_query_multiple_dataset(served: str, graphs: dict[str, str]) -> None:
    """The protocol's dataset wins over the query's FROM."""
    task = "?task ?p ?label FILTER(STR(?label) = 'Plan and coordinate productions.')"
    query = f"ASK FROM <{graphs['shipped']}> WHERE {{ {task} }}"
    assert ask(get(served, query)) is False
    assert ask(get(served, query, default_graph_uri=graphs["onet"])) is True


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+xml", "application/sparql-results+xml"),
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "text/csv", "text/csv"),
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "text/tab-separated-values", "text/tab-separated-values"),
        ("ASK { ?s ?p ?o }", "application/sparql-results+xml, application/sparql-results+json;q=0.5",
         "application/sparql-results+xml"),
        (f"DESCRIBE <{ONET}27-2012.00>", "text/turtle", "text/turtle"),
        (f"CONSTRUCT {{ <{ONET}27-2012.00> ?p ?o }} WHERE {{ <{ONET}27-2012.00> ?p ?o }}",
         "application/n-triples, text/turtle;q=0.5", "application/n-triples"),
        (f"CONSTRUCT WHERE {{ <{ONET}27-2012.00> ?p ?o }}", "application/ld+json", "application/ld+json"),
    ],
)  # fmt: skip
def test_query_content_types(served: str, query: str, accept: str, expected: str) -> None:
    answer = get(served, query, accept)
    assert answer.status == 200, answer.text()
    assert answer.type == expected
    if expected in ("text/turtle", "application/n-triples", "application/ld+json"):
        graph = Graph().parse(data=answer.body, format={"text/turtle": "turtle", "application/n-triples": "nt",
                                                       "application/ld+json": "json-ld"}[expected])  # fmt: skip
        assert (URIRef(f"{ONET}27-2012.00"), None, None) in graph


def test_result_formats_agree(served: str) -> None:
    from rdflib.query import Result

    query = f"SELECT ?p ?o WHERE {{ <{ONET}27-2012.00> ?p ?o }} ORDER BY ?p ?o"
    parsed = [Result.parse(source=__import__("io").BytesIO(get(served, query, accept).body), format=fmt)
              for accept, fmt in [("application/sparql-results+json", "json"),
                                  ("application/sparql-results+xml", "xml"), ("text/csv", "csv"),
                                  ("text/tab-separated-values", "tsv")]]  # fmt: skip
    as_text = [sorted(tuple(str(term) for term in row) for row in result) for result in parsed]
    assert len(as_text[0]) > 5
    assert as_text[0] == as_text[1] == as_text[2] == as_text[3]


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status"),
    [
        ("PUT", "/sparql?query=ASK%7B%7D", {}, b"", 405),  # bad_query_method
        ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", {}, None, 400),  # bad_multiple_queries
        ("POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", 415),  # bad_query_wrong_media_type
        ("POST", "/sparql", {}, b"query=ASK%7B%7D", 415),  # bad_query_missing_form_type
        ("POST", "/sparql", {"Content-Type": "application/sparql-query; charset=UTF-16"},
         "ASK {}".encode("utf-16"), 415),  # bad_query_non_utf8
        ("GET", "/sparql?query=SELECT%20*%20WHERE%20%7B", {}, None, 400),  # bad_query_syntax
        ("GET", "/sparql?update=CLEAR%20ALL", {}, None, 403),  # bad_update_get
        ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"},
         b"update=CLEAR+ALL&update=CLEAR+ALL", 403),  # bad_multiple_updates
        ("POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"CLEAR ALL", 403),
        ("GET", "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D", {"Accept": "image/png"}, None, 406),
    ],
)  # fmt: skip
def test_bad_requests(served: str, method: str, path: str, headers: dict[str, str], body: bytes | None,
                      status: int) -> None:  # fmt: skip
    answer = fetch(served, method, path, headers, body)
    assert answer.status == status, answer.text()
    assert answer.type == "text/plain" and answer.text().strip()
    if status == 405:
        assert "GET" in answer.headers["allow"]


def test_a_malformed_query_gets_the_parsers_position(served: str) -> None:
    answer = get(served, "SELECT ?s WHERE {\n  ?s ?p \n}")
    assert answer.status == 400
    assert "malformed query" in answer.text() and ":3:2:" in answer.text()  # line 3, where the group is unclosed


def test_service_description(served: str, graphs: dict[str, str]) -> None:
    answer = fetch(served, "GET", "/sparql", {"Accept": "text/turtle"})
    assert answer.status == 200 and answer.type == "text/turtle"
    description = Graph().parse(data=answer.body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in description
    names = {str(o) for o in description.objects(None, URIRef(sd + "name"))}
    assert names == set(graphs["all"].split())
    assert len(names) == 9  # vocabulary, 1 data file, 4 links files, O*NET, ESCO, crosswalk


def test_pages_of_other_origins_are_refused_by_default(served: str) -> None:
    """No origin was listed with --cors-origin: another origin's page can neither read answers (no CORS headers) nor
    make queries run (403 before anything runs); the server's own pages and non-browser clients are answered."""
    preflight = fetch(served, "OPTIONS", "/sparql", {"Origin": "https://example.org",
                                                     "Access-Control-Request-Method": "POST"})  # fmt: skip
    assert preflight.status == 403 and "--cors-origin" in preflight.text()
    assert "access-control-allow-origin" not in preflight.headers
    posted = fetch(served, "POST", "/sparql", {"Origin": "https://example.org",
                                               "Content-Type": "application/x-www-form-urlencoded"},
                   b"query=ASK%7B%7D")  # fmt: skip
    assert posted.status == 403 and "access-control-allow-origin" not in posted.headers
    image = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
    embedded = fetch(served, "GET", "/sparql?query=ASK%7B%7D", image)
    assert embedded.status == 403
    followed = fetch(served, "GET", "/", {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
                                          "Sec-Fetch-Dest": "document"})  # fmt: skip
    assert followed.status == 200  # a link from another site to a page still works
    own = fetch(served, "GET", "/sparql?query=ASK%7B%7D", {"Origin": served})
    assert own.status == 200 and "access-control-allow-origin" not in own.headers
    assert "access-control-allow-origin" not in get(served, "ASK {}").headers


def test_head_has_no_body(served: str) -> None:
    answer = fetch(served, "HEAD", "/sparql?query=ASK%7B%7D")
    assert answer.status == 200 and answer.body == b"" and int(answer.headers["content-length"]) > 0


# -- safety and limits ------------------------------------------------------------------------------------------


def test_service_and_foreign_graphs_are_refused_before_anything_runs(served: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        queries = [
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
            "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        ]
        for query in queries:
            answer = get(served, query)
            assert answer.status == 400 and "refused" in answer.text(), answer.text()
        answer = get(served, "ASK { ?s ?p ?o }", default_graph_uri=f"http://127.0.0.1:{port}/data.ttl")
        assert answer.status == 400 and "not one of this store's graphs" in answer.text()
        with pytest.raises(TimeoutError):
            listener.accept()  # nothing connected
    finally:
        listener.close()


def test_rows_are_capped(served: str) -> None:
    answer = get(served, "SELECT * WHERE { ?s ?p ?o }")
    assert answer.status == 200
    assert len(answer.json()["results"]["bindings"]) == 500
    assert answer.headers["x-rolegraph-truncated"] == "rows cut at 500"
    big = get(served, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert big.status == 413 and "limit of 500" in big.text()


def test_a_body_over_the_limit_is_refused(served: str) -> None:
    """Refused from its Content-Length, before the body is read (a client may still be sending it)."""
    port = int(served.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                       b"Content-Length: 1100000\r\n\r\nASK {}")  # fmt: skip
        chunks = []
        with contextlib.suppress(ConnectionResetError):  # the server closes the connection after a 413
            while chunk := client.recv(4096):
                chunks.append(chunk)
        reply = b"".join(chunks).decode("latin-1")
    assert reply.startswith("HTTP/1.1 413 ")
    assert "at most 1,000,000" in reply


def health(base: str) -> dict[str, Any]:
    report: dict[str, Any] = fetch(base, "GET", "/health").json()
    return report


def wait_for(base: str, condition: Any, what: str, seconds: float = 60) -> None:
    """Poll /health until ``condition(report)`` holds, at most ``seconds`` (a worker takes a moment to start)."""
    deadline = time.monotonic() + seconds
    while not condition(health(base)):
        assert time.monotonic() < deadline, f"{what}: {health(base)}"
        time.sleep(0.05)


def test_a_long_query_is_stopped_and_others_are_answered_meanwhile(served: str) -> None:
    wait_for(served, lambda h: h["status"] == "ok" and h["busy"] == 0, "both workers idle")
    results: dict[str, Any] = {}

    def slow() -> None:
        started = time.monotonic()
        results["slow"] = get(served, SLOW)
        results["slow_done"] = time.monotonic()
        results["slow_seconds"] = results["slow_done"] - started

    thread = threading.Thread(target=slow)
    thread.start()
    wait_for(served, lambda h: h["busy"] == 1, "the slow query running")
    quick = get(served, f"ASK {{ <{ROLE}producer> ?p ?o }}")
    quick_done = time.monotonic()
    thread.join(30)
    assert ask(quick) is True
    assert quick_done < results["slow_done"]  # answered by the other worker while the slow query ran
    assert results["slow"].status == 503
    assert "time limit of 3 s" in results["slow"].text()
    assert results["slow_seconds"] >= 3  # stopped at the limit, not before
    wait_for(served, lambda h: h["status"] == "ok", "the killed worker replaced")
    assert ask(get(served, "ASK {}")) is True


def test_excess_requests_get_503_with_retry_after(served: str) -> None:
    wait_for(served, lambda h: h["status"] == "ok" and h["busy"] == 0, "both workers idle")
    answers: list[Answer] = []
    threads = [threading.Thread(target=lambda: answers.append(get(served, SLOW))) for _ in range(3)]
    for thread in threads[:2]:
        thread.start()
    wait_for(served, lambda h: h["busy"] == 2, "two slow queries running")
    threads[2].start()
    wait_for(served, lambda h: h["waiting"] == 1, "one slow query in the queue (queue=1)")
    refused = get(served, "ASK { ?s ?p ?o }")
    for thread in threads:
        thread.join(30)
    assert refused.status == 503
    assert refused.headers["retry-after"] == "1"
    assert "busy" in refused.text()
    assert sorted(a.status for a in answers) == [503, 503, 503]  # all stopped at the limit
    wait_for(served, lambda h: h["status"] == "ok", "the killed workers replaced")


# -- real clients -----------------------------------------------------------------------------------------------


def test_rdflib_sparqlstore(served: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(served + "/sparql", returnFormat="json")
    remote = Graph(store=store)
    rows = list(
        remote.query(
            f"SELECT ?label WHERE {{ <{ONET}27-2012.00> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
        )
    )
    assert [str(r[0]) for r in rows] == ["Producers and Directors"]  # type: ignore[index]


def test_sparqlwrapper(served: str) -> None:
    sparqlwrapper = pytest.importorskip(
        "SPARQLWrapper", reason="SPARQLWrapper is not installed (pip install '.[test]')"
    )
    client = sparqlwrapper.SPARQLWrapper(served + "/sparql")
    client.setQuery(f"SELECT ?o WHERE {{ <{ROLE}producer> <http://www.w3.org/2000/01/rdf-schema#label> ?o }}")
    client.setReturnFormat(sparqlwrapper.JSON)
    result = client.query().convert()
    assert [b["o"]["value"] for b in result["results"]["bindings"]] == ["Producer"]
    client.setMethod(sparqlwrapper.POST)
    client.setQuery(f"ASK {{ <{ROLE}producer> ?p ?o }}")
    assert client.query().convert()["boolean"] is True


def test_curl(served: str) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    done = subprocess.run(
        ["curl", "-s", "-H", "Accept: text/csv", "--data-urlencode",
         f"query=SELECT ?label WHERE {{ <{ONET}11-3051.00> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}",
         served + "/sparql"],
        capture_output=True, timeout=30,
    )  # fmt: skip
    assert done.stdout == b"label\r\nIndustrial Production Managers\r\n"


# -- the site ---------------------------------------------------------------------------------------------------


def test_landing_page_browses_by_source_and_group_and_the_sources_page(served: str) -> None:
    answer = fetch(served, "GET", "/")
    assert answer.status == 200 and answer.type == "text/html"
    text = answer.text()
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert "Producers and Directors" not in text  # no list of every role: browse and search instead
    assert '<a href="/roles?source=onet">O*NET</a>' in text and '<a href="/roles?source=esco">ESCO</a>' in text
    assert re.search(r'href="/roles\?group=soc-27">SOC 27 Arts, Design, Entertainment, Sports, and Media</a> '
                     r'<span class="muted">\(\d+\)</span>', text)  # fmt: skip
    group = fetch(served, "GET", "/roles?group=soc-27").text()
    assert urllib.parse.quote(f"{ONET}27-2012.00", safe="") in group and "Producers and Directors" in group
    sources = fetch(served, "GET", "/sources").text()
    assert "O*NET 99.9 Database" in sources and "ESCO v9" in sources
    for path in ("/roles?source=nowhere", "/roles.json?limit=0", "/roles.json?limit=x", "/roles.json?source=x"):
        assert fetch(served, "GET", path).status == 400, path
    assert fetch(served, "GET", "/roles?group=soc-99").status == 404


def test_role_search_endpoint(served: str) -> None:
    answer = fetch(served, "GET", "/roles.json?q=produc")
    assert answer.status == 200 and answer.type == "application/json"
    roles = json.loads(answer.body)["roles"]
    by_label = {role["label"]: role for role in roles}
    assert by_label["Producers and Directors"]["source"] == "O*NET"
    assert by_label["Producers and Directors"]["iri"] == f"{ONET}27-2012.00"
    assert by_label["Producer"]["source"] == "rolegraph"
    assert (
        "performance production manager" in by_label and by_label["performance production manager"]["source"] == "ESCO"
    )
    assert [role["label"] for role in roles].index("Producer") < [role["label"] for role in roles].index(
        "Producers and Directors")  # fmt: skip
    by_code = json.loads(fetch(served, "GET", "/roles.json?q=27-2012").body)["roles"]
    assert by_code[0]["iri"] == f"{ONET}27-2012.00"
    assert json.loads(fetch(served, "GET", "/roles.json?q=zzzzqqq").body)["roles"] == []
    found = fetch(served, "GET", "/roles?q=producer").text()
    assert '<span class="badge O*NET">O*NET</span> <a href="/role/' in found


def test_role_page(served: str) -> None:
    answer = fetch(served, "GET", "/role/" + urllib.parse.quote(f"{ONET}27-2012.00", safe=""))
    assert answer.status == 200
    text = answer.text()
    assert "Plan and coordinate productions." in text
    assert "[O*NET 99.9 Database, Task Statements.txt]" in text
    assert re.search(r'>Active Listening</a>\s*<span class="muted">importance</span> <meter min="0" max="5" '
                     r'value="4.0"', text)  # fmt: skip
    assert '<a href="https://www.onetonline.org/link/summary/27-2012.00" rel="noopener">' in text
    assert "<dt>Code</dt><dd>27-2012.00" in text
    assert "rg:" not in text and "#relatedEssentialSkill" not in text and "notation:" not in text
    assert 'name="role"' in text and f'data-iri="{ONET}27-2012.00"' in text  # compare with...
    by_name = fetch(served, "GET", "/role/Production%20Manager")
    assert by_name.status == 200 and "Job Duties" in by_name.text()


def test_an_esco_role_page_lists_each_skill_once_under_essential_and_optional(served: str) -> None:
    roles = json.loads(fetch(served, "GET", "/roles.json?q=performance+production+manager").body)["roles"]
    iri = next(role["iri"] for role in roles if role["source"] == "ESCO")
    text = fetch(served, "GET", "/role/" + urllib.parse.quote(iri, safe="")).text()
    assert "https://esco.ec.europa.eu/en/classification/occupation?uri=" + urllib.parse.quote(iri, safe="") in text
    headings = re.findall(r"<h2>([^<]*) <span", text)
    assert "Essential skills and knowledge" in headings
    skills = re.findall(r'<li class="entry"><a href="(/concept/[^"]+)"', text)
    assert skills and len(skills) == len(set(skills))


def test_an_unknown_role_is_a_404_page_with_suggestions(served: str) -> None:
    answer = fetch(served, "GET", "/role/Produser")
    assert answer.status == 404 and answer.type == "text/html"
    text = answer.text()
    assert "<h2>Did you mean</h2>" in text
    producer = urllib.parse.quote(f"{ROLE}producer", safe="")
    assert f'<span class="badge rolegraph">rolegraph</span> <a href="/role/{producer}">Producer</a>' in text
    links = re.findall(r'<li><span class="badge [^"]+">[^<]+</span> <a href="(/role/[^"]+)">', text)
    assert links
    for link in links:
        assert fetch(served, "GET", html.unescape(link)).status == 200, link
    assert fetch(served, "GET", "/role/no-such-role-anywhere").status == 404


def test_the_named_query_form_round_trip(served: str) -> None:
    page = fetch(served, "GET", "/query").text()
    assert '<a href="/query?name=shared-skills">shared-skills</a>' in page
    form = fetch(served, "GET", "/query?name=shared-skills").text()
    assert 'placeholder="for example Production Manager"' in form  # from the query's example header
    names = re.findall(r'<input type="text" name="([^"]+)"', form)
    assert names
    params = {name: ("27-2012.00" if i == 0 else "11-3051.00") for i, name in enumerate(names)}
    answer = fetch(served, "GET", "/query?" + urllib.parse.urlencode({"name": "shared-skills", "run": "1", **params}))
    assert answer.status == 200, answer.text()
    assert re.search(r'<td><a href="/(concept|role)/[^"]+">', answer.text())  # result IRIs are links
    wrong = fetch(served, "GET", "/query?" + urllib.parse.urlencode({"name": "shared-skills", "run": "1",
                                                                      names[0]: "nobody-at-all"}))  # fmt: skip
    assert wrong.status in (400, 404) and 'value="nobody-at-all"' in wrong.text() and 'class="error"' in wrong.text()
    assert fetch(served, "GET", "/query?name=no-such-query").status == 404


def test_a_failed_query_keeps_its_text(served: str) -> None:
    query = "SELECT ?x WHERE { ?x ?y }"
    body = urllib.parse.urlencode({"query": query, "format": "html"}).encode()
    answer = fetch(served, "POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert answer.status == 400 and answer.type == "text/html"
    assert html.escape(query, quote=False) in answer.text() and "malformed query" in answer.text()


def test_result_iris_link_to_role_and_concept_pages(served: str) -> None:
    query = f"SELECT ?s WHERE {{ VALUES ?s {{ <{ONET}27-2012.00> <https://w3id.org/rolegraph/vocab#Role> }} }}"
    body = urllib.parse.urlencode({"query": query, "format": "html"}).encode()
    text = fetch(served, "POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body).text()
    assert f'<a href="/role/{urllib.parse.quote(ONET + "27-2012.00", safe="")}">' in text
    assert '<a href="/concept/https%3A%2F%2Fw3id.org%2Frolegraph%2Fvocab%23Role">' in text


def test_every_link_answers_200(served: str) -> None:
    """A crawl from the landing page, bounded: every link the site's pages hold (the compare pages' nodes too)
    answers 200."""
    seen: set[str] = set()
    linked_items: set[str] = set()
    compare = "/compare?role=27-2012.00&role=" + urllib.parse.quote(f"{ROLE}producer", safe="")
    waiting = ["/", compare, "/moves?from=Production%20Manager"]  # the moves page leads to the gap pages
    pages = 0
    while waiting and pages < 150:
        path = waiting.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = fetch(served, "GET", path)
        assert answer.status == 200, (path, answer.status)
        pages += 1
        if answer.type != "text/html":
            continue
        text = answer.text()
        links = [html.unescape(link) for link in re.findall(r'href="(/[^"]*)"', text)]
        links += re.findall(r'"href":\s*"(/[^"]*)"', text)  # the compare page's nodes
        linked_items.update(html.unescape(h) for h in re.findall(r'<a class="tv-page" href="(/[^"]*)"', text))
        waiting.extend(link for link in links if link not in seen and not link.startswith("/sparql"))
    assert pages >= 40
    assert linked_items  # the text view's items link to their pages; past the bound, those are fetched too
    assert all(fetch(served, "GET", path).status == 200 for path in sorted(linked_items - seen))
    assert any(path.startswith("/concept/") for path in seen) and any(path.startswith("/role/") for path in seen)
    assert any(path.startswith("/gap?") for path in seen) and any(path.startswith("/moves?") for path in seen)


def test_compare_page(served: str) -> None:
    answer = fetch(served, "GET", "/compare?role=27-2012.00&role=" + urllib.parse.quote(f"{ROLE}producer", safe=""))
    assert answer.status == 200 and answer.type == "text/html"
    assert "Producers and Directors" in answer.text() and "vis-network" in answer.text()
    # The text view's items link to the same pages as the network's nodes (the crawl follows both).
    page_links = {html.unescape(h) for h in re.findall(r'<a class="tv-page" href="(/[^"]*)"', answer.text())}
    node_links = set(re.findall(r'"href":\s*"(/[^"]*)"', answer.text()))
    assert page_links and page_links <= node_links
    assert any(h.startswith("/role/") for h in page_links) and any(h.startswith("/concept/") for h in page_links)
    assert fetch(served, "GET", "/compare?role=27-2012.00").status == 400
    assert fetch(served, "GET", "/compare?role=27-2012.00&role=nobody-at-all").status == 404


def test_hostile_names_come_back_inert(served: str) -> None:
    hostile = "<script>alert(1)</script>"
    answer = fetch(served, "GET", "/role/" + urllib.parse.quote(hostile, safe=""))
    assert answer.status == 404
    assert "<script>" not in answer.text() and "&lt;script&gt;" in answer.text()


def test_unknown_paths_and_methods(served: str) -> None:
    assert fetch(served, "GET", "/nothing-here").status == 404
    assert fetch(served, "POST", "/", {"Content-Type": "text/plain"}, b"x").status == 405
    assert fetch(served, "DELETE", "/sparql").status == 405
