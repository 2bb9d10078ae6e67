"""Run rolegraph's queries on an existing SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, ``rolegraph serve``, ...).

:class:`SparqlHttpEngine` speaks the SPARQL 1.1 Protocol (POST, form-encoded) and reads the W3C results formats, so
the same commands run on a server as on the embedded store. When the server holds a graph pushed by
``rolegraph push`` (see :mod:`rolegraph.store.push`), the engine reads the registry graph and queries exactly the
current graph of every source, as the embedded store does; otherwise it uses the server's default dataset.

>>> store_url("sparql+http://localhost:8890/sparql")
'http://localhost:8890/sparql'
>>> store_url("/some/folder") is None
True
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from ..errors import EndpointError
from ..model.terms import is_iri
from .engines import Answer
from .queries import BoundQuery
from .results import ResultTable

__all__ = [
    "Credentials",
    "SparqlHttpEngine",
    "http_request",
    "is_store_url",
    "parse_results_json",
    "store_url",
]

SCHEMES = ("sparql+http://", "sparql+https://")
REGISTRY_GRAPH = "https://w3id.org/rolegraph/graph/registry"
RG = "https://w3id.org/rolegraph/vocab#"
RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
}
"""Graph answers read from a server: only what rolegraph asks for. RDF/XML (entity expansion, external entities) and
JSON-LD (remote contexts) from a server are refused as "not SPARQL results" rather than parsed."""


def is_store_url(spec: str) -> bool:
    """Whether a ``--store`` value names a SPARQL server rather than a folder."""
    return spec.startswith(SCHEMES)


def store_url(spec: str) -> str | None:
    """The HTTP(S) endpoint URL a ``sparql+http(s)://`` store names, or None for a folder. Raises
    :class:`EndpointError` for a URL that names no server (no host, a bad port or IPv6 address, spaces).

    >>> try:
    ...     store_url("sparql+http://[::1/sparql")
    ... except EndpointError as error:
    ...     print(str(error)[:69])
    sparql+http://[::1/sparql: not a usable server URL (Invalid IPv6 URL)
    """
    if not is_store_url(spec):
        return None
    url = spec.removeprefix("sparql+")
    check_url(url, shown=spec)
    return url


def check_url(url: str, *, shown: str | None = None) -> None:
    """Raise :class:`EndpointError` unless ``url`` is an http(s) URL with a host (and a valid port, if any)."""
    example = "sparql+http://HOST:PORT/PATH, e.g. sparql+http://localhost:8890/sparql" if shown else (
        "http://HOST:PORT/PATH, e.g. http://localhost:8890/sparql")  # fmt: skip
    try:
        if any(ch.isspace() or not ch.isprintable() for ch in url):
            raise ValueError("it holds a space or a control character")
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ValueError("not an http:// or https:// URL")
        if not parts.hostname:
            raise ValueError("no host name")
        _ = parts.port  # raises ValueError for a port that is not a number in 0-65535
    except ValueError as error:
        raise EndpointError(f"{shown or url}: not a usable server URL ({error}); write {example}.") from None


@dataclass(frozen=True)
class Credentials:
    """A user name and password for a server's authenticated endpoints (HTTP Digest or Basic)."""

    user: str
    password: str = field(repr=False)


def _opener(url: str, credentials: Credentials | None) -> urllib.request.OpenerDirector:
    # Only plain HTTP(S) handlers: no file:, ftp: or data: URLs, and no proxy from the environment for loopback.
    handlers: list[Any] = [urllib.request.HTTPHandler(), urllib.request.HTTPSHandler()]
    if credentials is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, credentials.user, credentials.password)
        handlers += [urllib.request.HTTPDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)]
    opener = urllib.request.OpenerDirector()
    for handler in [
        *handlers,
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.HTTPRedirectHandler(),
    ]:
        opener.add_handler(handler)
    return opener


def http_request(
    url: str,
    *,
    method: str = "POST",
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
    what: str = "a SPARQL request",
) -> tuple[int, str, bytes]:
    """Send one request; return (status, content type, body). Connection failures and HTTP errors become an
    :class:`EndpointError` naming the URL and ``what`` was tried."""
    check_url(url)
    try:
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        if credentials is not None and data is not None and len(data) > 65_536:
            _authorize_first(request, credentials, timeout)
        with _opener(url, credentials).open(request, timeout=timeout) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        detail = error.read()[:600].decode("utf-8", "replace").strip()
        hint = " (check --user and the password)" if error.code in (401, 403) else ""
        raise EndpointError(f"{url}: {what} failed with HTTP {error.code} {error.reason}{hint}: {detail}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise EndpointError(
            f"{url}: cannot reach the server ({reason}); tried {what}. Check the address and that the server runs."
        ) from None


def _authorize_first(request: urllib.request.Request, credentials: Credentials, timeout: float) -> None:
    """Ask for the server's Digest challenge with an empty request and answer it up front, so that a large body
    is sent once, with credentials (servers close the connection on a large body sent without them)."""
    probe = urllib.request.Request(request.full_url, data=b"", method=request.get_method())
    try:
        with _opener(request.full_url, None).open(probe, timeout=timeout):
            return  # no authentication asked for
    except urllib.error.HTTPError as error:
        challenge = error.headers.get("WWW-Authenticate", "")
        error.read()
    except (urllib.error.URLError, OSError):
        return  # the real request reports the problem
    if challenge[:7].lower() != "digest ":
        if challenge[:6].lower() == "basic ":
            import base64

            token = base64.b64encode(f"{credentials.user}:{credentials.password}".encode()).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")
        return
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, request.full_url, credentials.user, credentials.password)
    handler = urllib.request.HTTPDigestAuthHandler(manager)
    fields = urllib.request.parse_keqv_list([f for f in urllib.request.parse_http_list(challenge[7:]) if f])
    answer = handler.get_authorization(request, fields)
    if answer:
        request.add_unredirected_header("Authorization", f"Digest {answer}")


def _term(binding: Mapping[str, Any]) -> Identifier:
    if not isinstance(binding, Mapping):
        raise ValueError("a binding is not a JSON object")
    kind, value = binding.get("type"), binding.get("value")
    if not isinstance(value, str):
        raise ValueError("a binding has no string value")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value.removeprefix("nodeID://"))
    if kind in ("literal", "typed-literal"):
        language, datatype = binding.get("xml:lang"), binding.get("datatype")
        if not isinstance(language, str | None) or not isinstance(datatype, str | None):
            raise ValueError("a literal's language or datatype is not a string")
        if language:
            return Literal(value, lang=language)
        if datatype and datatype != str(XSD.string):
            return Literal(value, datatype=URIRef(datatype))
        return Literal(value)
    raise ValueError(f"unknown binding type {kind!r}")


def parse_results_json(body: bytes) -> ResultTable | bool:
    """A SPARQL 1.1 Query Results JSON document as a table (SELECT) or a truth value (ASK).

    >>> parse_results_json(b'{"head": {}, "boolean": true}')
    True
    >>> table = parse_results_json(b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", '
    ...                            b'"value": "5", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}')
    >>> next(iter(table)).x.toPython()
    5
    """
    document = json.loads(body)
    if not isinstance(document, dict):
        raise ValueError("the answer is not a JSON object")
    if "boolean" in document:
        if not isinstance(document["boolean"], bool):
            raise ValueError("the ASK answer is not true or false")
        return document["boolean"]
    variables = tuple(document["head"]["vars"])
    if not all(isinstance(v, str) for v in variables):
        raise ValueError("a variable name is not a string")
    solutions = document["results"]["bindings"]
    if not isinstance(solutions, list) or not all(isinstance(solution, dict) for solution in solutions):
        raise ValueError("the bindings are not a list of JSON objects")
    rows = tuple(tuple(_term(solution[v]) if v in solution else None for v in variables) for solution in solutions)
    return ResultTable(variables, rows)


def _restore_bound_iris(table: ResultTable, query: BoundQuery) -> ResultTable:
    """Give back as IRIs the values a query bound as IRIs: Virtuoso 7 returns a variable that a one-value VALUES
    block fixes as a plain string when the query has an ORDER BY."""
    columns = {
        table.variables.index(name): {str(v) for v in values if is_iri(v)}  # light or rdflib terms
        for name, values in query.values.items()
        if name in table.variables
    }
    columns = {index: iris for index, iris in columns.items() if iris}
    if not columns:
        return table

    def fixed(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            URIRef(str(term))
            if i in columns and isinstance(term, Literal) and term.datatype is None and term.language is None
            and str(term) in columns[i]
            else term
            for i, term in enumerate(row)
        )  # fmt: skip

    return ResultTable(table.variables, tuple(fixed(tuple(row)) for row in table.rows))


class SparqlHttpEngine:
    """rolegraph's queries over HTTP on a SPARQL 1.1 Protocol endpoint."""

    name = "sparql-http"

    def __init__(
        self,
        endpoint: str,
        *,
        default_graphs: Sequence[str] | None = None,
        credentials: Credentials | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.endpoint = endpoint
        self.default_graphs = list(default_graphs) if default_graphs is not None else None
        self.credentials = credentials
        self.timeout = timeout

    @classmethod
    def connect(
        cls, endpoint: str, *, credentials: Credentials | None = None, timeout: float = 60.0
    ) -> SparqlHttpEngine:
        """An engine for ``endpoint``, checked to answer SPARQL; it reads the pushed registry when there is one."""
        engine = cls(endpoint, credentials=credentials, timeout=timeout)
        engine.default_graphs = engine.current_graphs() or None
        return engine

    def current_graphs(self) -> list[str]:
        """The current graph of every source that ``rolegraph push`` wrote to this server (empty when none)."""
        text = f"SELECT ?g WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{ ?source <{RG}currentGraph> ?g }} }} ORDER BY ?g"
        answer = self._post(text, RESULTS_JSON, dataset=False)
        if not isinstance(answer, ResultTable) or "g" not in answer.variables:
            raise self._not_answering("the list of pushed graphs", ("g",), answer)
        graphs = [row.g for row in answer]
        if not all(isinstance(graph, URIRef) for graph in graphs):
            raise EndpointError(
                f"{self.endpoint}: the registry of pushed graphs names graphs that are not IRIs; was it written by "
                "`rolegraph push`? Push again to rewrite it."
            )
        return [str(graph) for graph in graphs]

    def _not_answering(self, what: str, wanted: Sequence[str], answer: Answer) -> EndpointError:
        got = ", ".join("?" + v for v in answer.variables) if isinstance(answer, ResultTable) else type(answer).__name__
        return EndpointError(
            f"{self.endpoint}: answered the query for {what} with {got or 'no variables'}, not "
            f"{', '.join('?' + v for v in wanted)}: it does not answer SPARQL queries as a SPARQL 1.1 server does. "
            "Check that the URL is the server's SPARQL endpoint."
        )

    def graph_names(self) -> list[str]:
        """The named graphs a query may name in FROM / FROM NAMED."""
        return list(self.default_graphs or [])

    def _post(
        self,
        text: str,
        accept: str,
        *,
        dataset: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> Answer:
        fields: list[tuple[str, str]] = [("query", text)]
        if dataset:
            defaults = default_graphs if default_graphs is not None else self.default_graphs
            nameds = named_graphs if named_graphs is not None else self.default_graphs
            fields += [("default-graph-uri", g) for g in defaults or ()]
            fields += [("named-graph-uri", g) for g in nameds or ()]
        status, content_type, body = http_request(
            self.endpoint,
            data=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
            credentials=self.credentials,
            timeout=self.timeout,
            what="a SPARQL query (POST, application/x-www-form-urlencoded)",
        )
        try:
            if content_type in ("application/sparql-results+json", "application/json"):
                return parse_results_json(body)
            if content_type in GRAPH_TYPES:
                graph = Graph()
                graph.parse(data=body, format=GRAPH_TYPES[content_type])
                return graph
        except (ValueError, KeyError, TypeError, AttributeError, SyntaxError) as error:
            raise EndpointError(
                f"{self.endpoint}: the answer ({content_type}) could not be read as SPARQL results: {error}."
            ) from None
        raise EndpointError(
            f"{self.endpoint}: answered a SPARQL query with {content_type or 'no content type'} (HTTP {status}), "
            "not SPARQL results; is this the address of a SPARQL endpoint?"
        )

    def select(self, query: BoundQuery, limit: int | None = None) -> ResultTable:
        answer = self._post(query.text, RESULTS_JSON)
        if not isinstance(answer, ResultTable):
            raise EndpointError(f"{self.endpoint}: answered the SELECT query {query.query.name!r} without rows.")
        if not set(query.query.output) <= set(answer.variables):
            raise self._not_answering(f"{query.query.name!r}", query.query.output, answer)
        if limit is not None:
            answer = ResultTable(answer.variables, answer.rows[:limit])
        return _restore_bound_iris(answer, query)

    def execute(
        self,
        text: str,
        *,
        allow_network: bool = False,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> Answer:
        from .safety import query_form, with_declarations

        form = query_form(text)
        text = with_declarations(text)  # the predeclared prefixes, which a SPARQL server does not know
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8" if graph_form else RESULTS_JSON
        answer = self._post(text, accept, default_graphs=default_graphs, named_graphs=named_graphs)
        if form == "ASK" and isinstance(answer, ResultTable):
            # Virtuoso 7 answers an ASK that has a dataset with one row of one variable (__ASK_RETVAL, 1 or 0).
            return any(term is not None and str(term) not in ("0", "false") for row in answer.rows for term in row)
        if limit is not None and isinstance(answer, ResultTable):
            answer = ResultTable(answer.variables, answer.rows[:limit])
        return answer
