"""What the server's workers do: answer a SPARQL protocol request or make a page, as an HTTP status, headers and
body. Runs inside a worker process (see :mod:`rolegraph.serve.workers`) with the graph open.
"""

from __future__ import annotations

import re
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from ..api import RoleGraph
from ..errors import InputError, RolegraphError, UnknownRoleError
from ..sparql.results import ResultTable, boolean_json, boolean_xml, to_csv, to_json, to_tsv, to_xml
from .protocol import ProtocolError, negotiate
from .workers import Job, JobResult

__all__ = ["SiteContext", "handle_job", "open_site"]

TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
EXAMPLE_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rg: <https://w3id.org/rolegraph/vocab#>

SELECT ?role ?label WHERE {
  ?role a rg:ProfiledRole ; rdfs:label ?label .
}
ORDER BY ?label
LIMIT 20
"""


@dataclass
class SiteContext:
    """What a worker holds: the open graph, a description of it, its sources, and the server's limits."""

    graph: RoleGraph
    target: str
    sources: list[dict[str, str]] = field(default_factory=list)
    timeout: float = 10.0
    max_rows: int = 10_000
    walls: tuple[list[str], list[str]] = ([], [])
    """The walls raised around this worker (see :mod:`rolegraph.sparql.sandbox`) and why the others are not."""


def open_site(spec: str | None, timeout: float, max_rows: int) -> SiteContext:
    """Open the graph ``spec`` names (see :func:`rolegraph.targets.open_graph`) for the worker's lifetime; a local
    store is opened once, for both its graph and its sources."""
    from ..sparql.remote import is_store_url, store_url
    from ..store.database import RoleStore, SourceInfo, default_store_path
    from ..store.push import remote_sources
    from ..targets import describe_target, open_graph

    stack = ExitStack()  # kept open until the worker process ends
    found: list[SourceInfo] = []
    path = Path(spec) if spec is not None and not is_store_url(spec) else default_store_path()
    if spec is None or not is_store_url(spec):
        # The whole worker is walled (a worker over a SPARQL server needs the network; its queries still run in
        # the engines' sandbox thread only when local): nothing in it opens a socket, or a file outside these.
        from ..sparql.sandbox import default_read_paths, wall_this_thread

        global WALLS
        WALLS = wall_this_thread(default_read_paths(), [path.resolve()])
    if (spec is None or not is_store_url(spec)) and (path / "CURRENT").exists():
        store = stack.enter_context(RoleStore.open_for_reading(path))
        graph, found = RoleGraph(store.engine()), store.sources()
    else:
        graph = stack.enter_context(open_graph(spec))
        if spec is not None and is_store_url(spec):
            found = remote_sources(str(store_url(spec)))
    sources = [{"title": s.title, "release": s.release[:12], "license": s.license, "credit": s.credit} for s in found]
    if not sources:
        sources = [{"title": "rolegraph's own vocabulary, data and links", "release": "built in",
                    "license": "https://creativecommons.org/licenses/by/4.0/", "credit": ""}]  # fmt: skip
    _keep.append(stack)
    return SiteContext(graph, describe_target(spec), sources, timeout, max_rows, WALLS)


_keep: list[ExitStack] = []
WALLS: tuple[list[str], list[str]] = ([], ["not walled: the graph is on a SPARQL server"])
"""The walls raised around this worker process, and why the others are not (see :mod:`rolegraph.sparql.sandbox`)."""
_BASE = re.compile(r"https?://(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?/sparql")


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    environment = Environment(
        loader=PackageLoader("rolegraph.graph", "templates"), autoescape=select_autoescape(default=True)
    )
    environment.filters["urlencode_all"] = lambda value: urllib.parse.quote(str(value), safe="")
    return environment


def page(title: str, status: int = 200, **values: Any) -> JobResult:
    """A page of the site (see ``templates/site.html.j2``)."""
    body = _environment().get_template("site.html.j2").render(title=title, **values).encode("utf-8")
    return JobResult(status, {"Content-Type": HTML, "Content-Security-Policy": PAGE_POLICY}, body)


def _error(status: int, message: str, html: bool = False) -> JobResult:
    if html:
        return page("Error", status, page="error", message=message)
    return JobResult(status, {"Content-Type": TEXT}, (message.rstrip() + "\n").encode("utf-8"))


def _landing(site: SiteContext, notice: str | None = None) -> JobResult:
    roles = site.graph.roles()
    return page("Roles", page="landing", roles=roles, sources=site.sources, target=site.target, notice=notice)


def _role(site: SiteContext, name: str) -> JobResult:
    from ..compare.profile import role_profile
    from ..compare.roles import AmbiguousRoleError, find_roles

    try:
        iri = site.graph.resolve(name)
    except AmbiguousRoleError:
        found = find_roles(site.graph.engine, name)
        choices = sorted({(str(m.iri), m.label) for m in found}, key=lambda c: (c[1].lower(), c[0]))
        return page(f"Which {name!r}?", 300, page="choose", message=f"{name!r} names several roles:", choices=choices)
    except UnknownRoleError as error:
        return _error(404, str(error), html=True)
    profile = role_profile(site.graph.engine, iri)
    return page(profile.label, page="role", profile=profile)


def _compare(site: SiteContext, names: list[str]) -> JobResult:
    from ..graph.network import comparison_network
    from ..graph.render import network_page

    if len(names) < 2:
        return _error(400, "give two or more roles: /compare?role=A&role=B", html=True)
    if len(names) > 8:
        return _error(400, "compare at most 8 roles at once.", html=True)
    iris = [site.graph.resolve(name) for name in names]
    return JobResult(200, {"Content-Type": HTML}, network_page(comparison_network(site.graph.engine, iris)))


def _query_page(site: SiteContext) -> JobResult:
    return page("SPARQL query", page="query", example=EXAMPLE_QUERY, target=site.target, timeout=site.timeout,
                max_rows=site.max_rows)  # fmt: skip


def _service_description(site: SiteContext, accept: str | None, base: str) -> JobResult:
    from rdflib import BNode, Literal, Namespace
    from rdflib.namespace import RDF

    from ..export import serialize

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    formats = Namespace("http://www.w3.org/ns/formats/")
    graph = Graph()
    graph.bind("sd", sd)
    if not _BASE.fullmatch(base):  # the server builds it from a checked Host; never an IRI from raw input
        base = "/sparql"
    service = URIRef(base)
    graph.add((service, RDF.type, sd.Service))
    graph.add((service, sd.endpoint, service))
    graph.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD"):  # fmt: skip
        graph.add((service, sd.resultFormat, formats[name]))
    dataset = BNode("dataset")
    graph.add((service, sd.defaultDataset, dataset))
    graph.add((dataset, RDF.type, sd.Dataset))
    default = BNode("default")
    graph.add((dataset, sd.defaultGraph, default))
    graph.add((default, RDF.type, sd.Graph))
    for name in site.graph.engine.graph_names():
        named = BNode()
        graph.add((dataset, sd.namedGraph, named))
        graph.add((named, sd.name, URIRef(name)))
    graph.add((service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
               Literal(f"rolegraph, read-only; {site.timeout:g} s and {site.max_rows} rows per query")))  # fmt: skip
    kind = negotiate(accept, "DESCRIBE")
    fmt = {"text/turtle": "ttl", "application/x-turtle": "ttl", "application/ld+json": "jsonld"}.get(kind, "nt")
    return JobResult(200, {"Content-Type": f"{kind}; charset=utf-8"}, serialize(graph, fmt))


def _graph_body(graph: Graph, fmt: str) -> bytes:
    """A query's graph as Turtle, N-Triples or JSON-LD. Unlike an export, blank nodes keep the engine's labels:
    canonical labels cost time that grows much faster than the graph (seconds for a few thousand blank nodes)."""
    from ..model.namespaces import bind_prefixes

    if fmt == "ttl":
        for prefix, namespace in bind_prefixes(Graph()).namespace_manager.namespaces():
            graph.bind(prefix, namespace, override=False)
    rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
    return graph.serialize(format=rdflib_format, encoding="utf-8")


def _results(site: SiteContext, answer: Any, kind: str, html: bool) -> JobResult:
    # The engine read at most max_rows + 1 rows or triples: one more than the limit says the answer was cut.
    headers: dict[str, str] = {}
    if isinstance(answer, ResultTable) and len(answer.rows) > site.max_rows:
        answer = ResultTable(answer.variables, answer.rows[: site.max_rows])
        headers["X-Rolegraph-Truncated"] = f"rows cut at {site.max_rows}"
    if isinstance(answer, Graph) and len(answer) > site.max_rows:
        return _error(413, f"the query builds more triples than this server's limit of {site.max_rows:,} per "
                      "answer (a graph cannot be cut short); narrow it with a WHERE pattern.", html)  # fmt: skip
    if html:
        if isinstance(answer, Graph):
            return _error(406, "a CONSTRUCT or DESCRIBE result has no table; pick Turtle or N-Triples.", html=True)
        if isinstance(answer, bool):
            return page("Result", page="results", boolean=answer)
        rows = [[("" if term is None else str(term)) for term in row] for row in answer.rows]
        result = page("Results", page="results", boolean=None, variables=answer.variables, rows=rows,
                      truncated=bool(headers))  # fmt: skip
        result.headers.update(headers)
        return result
    if isinstance(answer, Graph):
        fmt = {"text/turtle": "ttl", "application/x-turtle": "ttl", "application/ld+json": "jsonld"}.get(kind, "nt")
        body = _graph_body(answer, fmt)
    elif isinstance(answer, bool):
        writers = {"json": boolean_json, "xml": boolean_xml}
        short = {"application/sparql-results+json": "json", "application/json": "json",
                 "application/sparql-results+xml": "xml", "application/xml": "xml"}.get(kind)  # fmt: skip
        body = (writers[short](answer) if short else ("true\n" if answer else "false\n")).encode("utf-8")
    else:
        writers_table = {"application/sparql-results+json": to_json, "application/json": to_json,
                         "application/sparql-results+xml": to_xml, "application/xml": to_xml,
                         "text/csv": to_csv, "text/tab-separated-values": to_tsv}  # fmt: skip
        body = writers_table[kind](answer).encode("utf-8")
    headers["Content-Type"] = f"{kind}; charset=utf-8"
    return JobResult(200, headers, body)


def _sparql(site: SiteContext, args: dict[str, Any]) -> JobResult:
    from ..sparql.safety import QuerySyntaxError, UnsafeQueryError, check_query

    query: str | None = args.get("query")
    fmt: str | None = args.get("format")
    html = fmt == "html"
    if query is None:
        return _service_description(site, args.get("accept"), args.get("base", "/sparql"))
    own = site.graph.engine.graph_names()
    try:
        # The check's tokens settle most queries at once (the engine parses them); rdflib's full parse (tens of ms)
        # is added when they hold SERVICE, FROM or an update keyword. What runs is checked.text, never query.
        checked = check_query(query, own_graphs=own, parse=False)
    except QuerySyntaxError as error:
        return _error(400, f"malformed query: {error}", html)
    except UnsafeQueryError as error:  # the remedy is the command line's (--allow-network): not for web clients
        return _error(400, f"refused: {error.reason} This server runs queries over its own graphs only; no query "
                      "it runs reaches the network or a file.", html)  # fmt: skip
    defaults, nameds = tuple(args.get("default_graphs", ())), tuple(args.get("named_graphs", ()))
    for name in defaults + nameds:
        if name not in own:
            return _error(400, f"refused: <{name}> is not one of this store's graphs (the service description "
                          "lists them); no graph is fetched from elsewhere.", html)  # fmt: skip
    if not (defaults or nameds):  # the protocol's dataset parameters win over the query's FROM clauses
        defaults, nameds = checked.from_graphs, checked.from_named_graphs
    try:
        kind = "text/html" if html else negotiate(args.get("accept"), checked.form, fmt)
    except ProtocolError as error:
        return _error(error.status, error.message, html)
    dataset = {"default_graphs": list(defaults), "named_graphs": list(nameds)} if (defaults or nameds) else {}
    try:
        answer = site.graph.engine.execute(checked.text, limit=site.max_rows + 1, **dataset)  # type: ignore[arg-type]
    except (SyntaxError, ValueError) as error:
        return _error(400, f"malformed query: {error}", html)
    except InputError as error:  # the engine refused the query (QueryError): the client's to fix
        return _error(400, f"malformed query: {error}", html)
    except RolegraphError as error:
        return _error(502, f"the SPARQL server behind this one failed: {error}", html)
    return _results(site, answer, kind, html)


def handle_job(site: SiteContext, job: Job) -> JobResult:
    """Answer ``job``: ``sparql`` (a protocol request) or ``page`` (landing, role, compare, query)."""
    try:
        if job.kind == "sparql":
            return _sparql(site, job.args)
        name = job.args.get("name")
        if name == "landing":
            return _landing(site, job.args.get("notice"))
        if name == "role":
            return _role(site, job.args["role"])
        if name == "compare":
            return _compare(site, list(job.args.get("roles", [])))
        if name == "query":
            return _query_page(site)
        return _error(404, "no such page.", html=True)
    except UnknownRoleError as error:
        return _error(404, str(error), html=True)
    except ProtocolError as error:
        return _error(error.status, error.message)
    except RolegraphError as error:
        return _error(400, str(error), html=True)
