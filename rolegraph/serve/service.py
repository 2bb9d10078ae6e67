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
from ..model.terms import is_iri
from ..sparql.results import ResultTable, boolean_json, boolean_xml, to_csv, to_json, to_tsv, to_xml
from .catalog import SOURCES, RoleCatalog, build_catalog, source_of
from .protocol import ProtocolError, negotiate
from .workers import Job, JobResult

__all__ = ["SiteContext", "handle_job", "open_site"]

TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""The site's pages: their one script is the server's own ``/site.js`` (no inline script, so a label can never run)."""
NAV = [("/", "rolegraph"), ("/roles", "Browse"), ("/query", "Query"), ("/sources", "Sources")]
"""The header every page of the site starts with: (address, text)."""
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
    _catalog: RoleCatalog | None = None

    @property
    def catalog(self) -> RoleCatalog:
        """The roles as the site lists and searches them, built on first use (see :mod:`.catalog`)."""
        if self._catalog is None:
            self._catalog = build_catalog(self.graph.engine)
        return self._catalog


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
    site = SiteContext(graph, describe_target(spec), sources, timeout, max_rows, WALLS)
    _ = site.catalog  # built while the worker starts, so that the first page does not wait for it
    return site


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
    """A page of the site (see ``templates/site.html.j2``), under the site's header."""
    values.setdefault("nav", NAV)
    body = _environment().get_template("site.html.j2").render(title=title, **values).encode("utf-8")
    return JobResult(status, {"Content-Type": HTML, "Content-Security-Policy": PAGE_POLICY}, body)


def _error(status: int, message: str, html: bool = False) -> JobResult:
    if html:
        return page("Error", status, page="error", message=message)
    return JobResult(status, {"Content-Type": TEXT}, (message.rstrip() + "\n").encode("utf-8"))


def role_href(iri: str) -> str:
    """The site's address of a role's page."""
    return "/role/" + urllib.parse.quote(iri, safe="")


def concept_href(iri: str) -> str:
    """The site's address of a concept's page (a skill, a task, any other node)."""
    return "/concept/" + urllib.parse.quote(iri, safe="")


def _href(site: SiteContext, iri: str) -> str:
    return role_href(iri) if iri in site.catalog.by_iri else concept_href(iri)


def _external(iri: str, code: str | None) -> tuple[str, str] | None:
    """The role's page on the ESCO portal or O*NET OnLine: (address, site name)."""
    source = source_of(iri)
    if source == "esco":
        return ("https://esco.ec.europa.eu/en/classification/occupation?uri=" + urllib.parse.quote(iri, safe=""),
                "the ESCO portal")  # fmt: skip
    if source == "onet" and code:
        return ("https://www.onetonline.org/link/summary/" + urllib.parse.quote(code, safe=""), "O*NET OnLine")
    return None


def _landing(site: SiteContext, notice: str | None = None) -> JobResult:
    catalog = site.catalog
    browse = [(key, SOURCES[key], count, catalog.groups(key)) for key, count in catalog.counts().items()]
    return page("Roles", page="landing", total=len(catalog), browse=browse, target=site.target, notice=notice,
                own=catalog.browse("rolegraph"))  # fmt: skip


def _first(args: dict[str, Any], name: str) -> str | None:
    values = args.get(name) or []
    value = values[0] if values else None
    return value if value else None


def _roles_page(site: SiteContext, args: dict[str, Any]) -> JobResult:
    """Search (``q``) or browse (``source``, ``group``) the roles."""
    catalog = site.catalog
    text, source, group = _first(args, "q"), _first(args, "source"), _first(args, "group")
    if source is not None and source not in SOURCES:
        return _error(400, f"source {source[:40]!r} is not one of {', '.join(SOURCES)}.", html=True)
    if group is not None and not any(role.group == group for role in catalog.roles):
        return _error(404, f"no occupation group {group[:40]!r}; pick one on /roles.", html=True)
    if text is not None:
        found = catalog.search(text, limit=100, source=source)
        return page(f"Roles matching {text!r}", page="roles", query=text, source=source, found=found, groups=[],
                    roles=None)  # fmt: skip
    if group is not None:
        roles = catalog.browse(group=group)
        scheme = "ISCO-08" if group.startswith("isco-") else "SOC"
        title = f"{scheme} {group.split('-', 1)[1]} {catalog.group_titles.get(group, '')}".rstrip()
        return page(title, page="roles", query=None, source=source, found=None, groups=[], roles=roles)
    if source is not None:
        groups = catalog.groups(source)
        listed = None if groups else catalog.browse(source)
        return page(f"{SOURCES[source]} roles", page="roles", query=None, source=source, found=None, groups=groups,
                    roles=listed)  # fmt: skip
    browse = [(key, SOURCES[key], count, catalog.groups(key)) for key, count in catalog.counts().items()]
    return page("Browse roles", page="browse", browse=browse, own=catalog.browse("rolegraph"))


def _roles_json(site: SiteContext, args: dict[str, Any]) -> JobResult:
    """The role search endpoint: ``{"query", "roles": [{"iri", "label", "source", "code", "matched"?}]}``."""
    import json

    text = _first(args, "q") or ""
    source = _first(args, "source")
    if source is not None and source not in SOURCES:
        return _error(400, f"source {source[:40]!r} is not one of {', '.join(SOURCES)}.")
    limit_text = _first(args, "limit") or "12"
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= 100:
        return _error(400, f"limit {limit_text[:20]!r} is not a number from 1 to 100.")
    found = site.catalog.search(text, limit=int(limit_text), source=source)
    roles = [role.as_json(matched) | {"href": role_href(role.iri)} for role, matched in found]
    answer = {"query": text, "roles": roles}
    body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
    return JobResult(200, {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}, body)


_DETAIL_HEADINGS = {
    "broader": "part of",
    "related": "related",
    "relatedMatch": "matches",
    "narrowMatch": "matches",
    "broadMatch": "matches",
    "closeMatch": "matches",
    "exactMatch": "matches",
    "involves activity": "involves",
}
_DETAIL_HIDDEN = {"notation", "type", "description"}


def _entry_view(entry: Any) -> dict[str, Any]:
    """A profile entry as the role page shows it: its label, weights as numbers for bars, its kind (ESCO's skill or
    knowledge) and its details under words a person reads (no codes)."""
    details: list[tuple[str, str]] = []
    kind = description = None
    for line in entry.details:
        heading, _, value = line.partition(": ")
        if heading == "type":
            kind = value
        elif heading == "description":
            description = value
        elif heading not in _DETAIL_HIDDEN:
            details.append((_DETAIL_HEADINGS.get(heading, heading), value))
    grouped: dict[str, list[str]] = {}
    for heading, value in details:  # one line per kind of detail ("part of: A; B"), not one per value
        grouped.setdefault(heading, []).append(value)
    weights = entry.weights
    bars = [(name, float(weights[name]), top) for name, top in (("importance", 5), ("level", 7))
            if isinstance(weights.get(name), int | float)]  # fmt: skip
    return {"label": entry.label, "href": concept_href(str(entry.value)) if is_iri(entry.value) else None,
            "weight": entry.weight_text, "bars": bars, "esco": weights.get("esco"), "kind": kind,
            "description": description, "details": [(h, "; ".join(v)) for h, v in grouped.items()],
            "citations": [str(c) for c in entry.citations]}  # fmt: skip


def _sections(profile: Any) -> list[tuple[str, list[dict[str, Any]], list[str]]]:
    """The profile's categories as headed sections, each with the citations all its entries share (said once);
    ESCO's skills split into essential and optional."""
    sections: list[tuple[str, list[dict[str, Any]]]] = []
    for category, entries in profile.by_category().items():
        views = [_entry_view(entry) for entry in entries]
        if category == "Skills" and any(view["esco"] for view in views):
            for weight in ("essential", "optional"):
                chosen = [view for view in views if view["esco"] == weight]
                if chosen:
                    sections.append((f"{weight.capitalize()} skills and knowledge", chosen))
            rest = [view for view in views if not view["esco"]]
            if rest:
                sections.append(("Other skills", rest))
        else:
            sections.append((category, views))
    cited = []
    for heading, views in sections:
        shared = views[0]["citations"] if all(view["citations"] == views[0]["citations"] for view in views) else []
        if shared:
            views = [{**view, "citations": []} for view in views]
        cited.append((heading, views, shared))
    return cited


def _similar(site: SiteContext, iri: URIRef, limit: int = 10) -> list[tuple[str, str, str, float]]:
    """The roles ``align`` ranked most similar to ``iri``: (address, label, source badge, score), best first."""
    from ..sparql.queries import bind, get_query

    seen: dict[str, tuple[str, str, str, float]] = {}
    for row in site.graph.engine.select(bind(get_query("most-similar-roles"), {"role": iri})).rows:
        other = str(row[0])
        if other not in seen and len(seen) < limit:
            seen[other] = (_href(site, other), str(row[1]), SOURCES[source_of(other)], float(str(row[3])))
    return list(seen.values())


def _role(site: SiteContext, name: str) -> JobResult:
    from ..compare.profile import role_profile
    from ..compare.roles import AmbiguousRoleError, find_roles

    try:
        iri = site.graph.resolve(name)
    except AmbiguousRoleError:
        found = find_roles(site.graph.engine, name)
        choices = sorted({(str(m.iri), m.label) for m in found}, key=lambda c: (c[1].lower(), c[0]))
        shown = [(role_href(i), label, SOURCES[source_of(i)], i) for i, label in choices]
        return page(f"Which {name!r}?", 300, page="choose", message=f"{name!r} names several roles:", choices=shown)
    except UnknownRoleError as error:
        return _unknown_role(site, name, error)
    profile = role_profile(site.graph.engine, iri)
    listed = site.catalog.by_iri.get(str(iri))
    code = listed.code if listed else next((f.code for f in profile.facts if f.code), None)
    related = [(_href(site, f.value), f.label, SOURCES[source_of(f.value)], f.note) for f in
               profile.facts_of("related occupation")]  # fmt: skip
    return page(
        profile.label,
        page="role",
        profile=profile,
        iri=str(iri),
        badge=SOURCES[source_of(str(iri))],
        code=code,
        group=(listed.group, site.catalog.group_titles.get(listed.group or "", "")) if listed else None,
        external=_external(str(iri), code),
        alternates=sorted({f.label for f in profile.facts_of("alternate title")}, key=str.casefold),
        sections=_sections(profile),
        related=related,
        similar=_similar(site, iri),
        education=profile.facts_of("education share"),
    )


def _unknown_role(site: SiteContext, name: str, error: UnknownRoleError) -> JobResult:
    """The 404 page for a name no role has: the close names, and the roles a search for it finds."""
    from ..compare.nameindex import exact_key

    suggestions: list[tuple[str, str, str | None]] = []
    for suggestion in error.suggestions:  # each role that has the close name, with its source (names are shared)
        named = [
            r for r, matched in site.catalog.search(suggestion, limit=8) if exact_key(matched) == exact_key(suggestion)
        ]
        suggestions.extend((role_href(r.iri), r.label, r.badge) for r in named)
        if not named:
            suggestions.append((role_href(suggestion), suggestion, None))
    suggestions = list(dict.fromkeys(suggestions))
    shown = {href for href, _label, _badge in suggestions}
    found = [(role_href(r.iri), r.label, r.badge) for r, _ in site.catalog.search(name, limit=10)
             if role_href(r.iri) not in shown]  # fmt: skip
    return page("No such role", 404, page="unknown", name=name, suggestions=suggestions, found=found)


def _concept(site: SiteContext, iri: str) -> JobResult:
    """A node's page: its label, its other facts, and the roles linked to it."""
    from rdflib import Literal

    from ..compare.profile import _details, _details_of
    from ..sparql.queries import NamedQuery, bind

    if iri in site.catalog.by_iri:
        return _role(site, iri)
    if not re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|^`\\]+", iri):
        return _error(400, f"{iri[:100]!r} is not an IRI.", html=True)
    label_query = ("SELECT ?label WHERE { <IRI> <http://www.w3.org/2000/01/rdf-schema#label>|"
                   "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 20").replace("IRI", iri)  # fmt: skip
    labels = [
        row[0] for row in site.graph.engine.select(bind(NamedQuery("concept-labels", label_query, "labels"))).rows
    ]
    english = [lab for lab in labels if isinstance(lab, Literal) and (lab.language or "en").startswith("en")]
    roles_query = ("SELECT DISTINCT ?role ?p WHERE { ?role ?p <IRI> . ?role a "
                   "<https://w3id.org/rolegraph/vocab#ProfiledRole> } LIMIT 201").replace("IRI", iri)  # fmt: skip
    linked: dict[str, tuple[str, str, str]] = {}
    for role, _prop in site.graph.engine.select(bind(NamedQuery("concept-roles", roles_query, "roles"))).rows:
        listed = site.catalog.by_iri.get(str(role))
        if listed is not None:
            linked.setdefault(listed.iri, (role_href(listed.iri), listed.label, listed.badge))
    details, _weights = _details(_details_of(site.graph.engine, [URIRef(iri)]).get(iri, []))
    if not labels and not linked and not details:
        return _error(404, f"nothing in this store is about <{iri[:200]}>.", html=True)
    label = str((english or labels or [iri])[0])
    lines = [(h, v) for h, _, v in (line.partition(": ") for line in details)]
    roles = sorted(linked.values(), key=lambda r: r[1].casefold())
    return page(label, page="concept", iri=iri, lines=lines, roles=roles[:200], more=len(linked) > 200)


def _compare(site: SiteContext, names: list[str]) -> JobResult:
    from ..graph.network import comparison_network
    from ..graph.render import network_page

    if len(names) < 2:
        return _error(400, "give two or more roles: /compare?role=A&role=B", html=True)
    if len(names) > 8:
        return _error(400, "compare at most 8 roles at once.", html=True)
    iris = [site.graph.resolve(name) for name in names]
    network = comparison_network(site.graph.engine, iris)
    for node, data in network.nodes(data=True):
        if is_iri(node) or str(node).startswith(("http://", "https://")):  # the network keys its nodes by IRI text
            data["href"] = _href(site, str(node))
    return JobResult(200, {"Content-Type": HTML}, network_page(network, nav=NAV))


def _query_page(site: SiteContext, args: dict[str, Any] | None = None) -> JobResult:
    """The query page: the named queries as forms, one of them (``name``) open; or the SPARQL box."""
    from ..sparql.queries import list_queries

    args = args or {}
    queries = list_queries()
    name = _first(args, "name")
    chosen = next((q for q in queries if q.name == name), None)
    if name is not None and chosen is None:
        return _error(404, f"no named query {name[:60]!r}; /query lists them.", html=True)
    text = _first(args, "query") or EXAMPLE_QUERY
    return page("Query" if chosen is None else chosen.name, page="query", queries=queries, chosen=chosen,
                values={}, examples=_examples(chosen), example=text, target=site.target, timeout=site.timeout,
                max_rows=site.max_rows, message=None)  # fmt: skip


def _examples(query: Any) -> dict[str, str]:
    """The values the query's ``# example:`` header binds (``--bind name="Producer"``), by parameter."""
    found = re.findall(r'--bind\s+(\w+)=(?:"([^"]*)"|(\S+))', getattr(query, "example", "") or "")
    return {name: quoted or bare for name, quoted, bare in found}


def _named_query(site: SiteContext, args: dict[str, Any]) -> JobResult:
    """Run a named query with the form's values; its rows as a table whose IRIs are links, or the form again with
    what was wrong."""
    from ..sparql.queries import list_queries

    name = _first(args, "name")
    chosen = next((q for q in list_queries() if q.name == name), None)
    if chosen is None:
        return _error(404, f"no named query {(name or '')[:60]!r}; /query lists them.", html=True)
    values: dict[str, list[str]] = {}
    for parameter in chosen.parameters:
        given = [v.strip() for v in args.get(parameter.name, []) if v.strip()]
        if parameter.is_list:
            given = [part.strip() for v in given for part in v.split(";") if part.strip()]
        if given:
            values[parameter.name] = given
    try:
        raw = {k: (v if p.is_list else v[0]) for k, v in values.items() for p in [chosen.parameter(k)]}
        table = site.graph.query(chosen.name, **raw)
    except (RolegraphError, ValueError) as error:
        status = 404 if isinstance(error, UnknownRoleError) else 400
        return page(chosen.name, status, page="query", queries=list_queries(), chosen=chosen, values=values,
                    examples=_examples(chosen),
                    example=EXAMPLE_QUERY, target=site.target, timeout=site.timeout, max_rows=site.max_rows,
                    message=str(error))  # fmt: skip
    return _table(site, table, title=chosen.name)


def _cells(site: SiteContext, row: Any) -> list[tuple[str, str | None]]:
    """A result row's cells: (text, address or None); an IRI links to its role or concept page."""
    return [("" if term is None else str(term), _href(site, str(term)) if is_iri(term) else None) for term in row]


def _table(site: SiteContext, answer: ResultTable, title: str = "Results", truncated: bool = False) -> JobResult:
    rows = [_cells(site, row) for row in answer.rows[: site.max_rows]]
    cut = truncated or len(answer.rows) > site.max_rows
    return page(title, page="results", boolean=None, variables=answer.variables, rows=rows, truncated=cut)


def _sources_page(site: SiteContext) -> JobResult:
    return page("Sources", page="sources", sources=site.sources, target=site.target)


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
                      "answer (a graph cannot be cut short); narrow it with a WHERE pattern.", False)  # fmt: skip
    if html:
        if isinstance(answer, Graph):
            return _error(406, "a CONSTRUCT or DESCRIBE result has no table; pick Turtle or N-Triples.", False)
        if isinstance(answer, bool):
            return page("Result", page="results", boolean=answer)
        result = _table(site, answer, truncated=bool(headers))
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
    query: str | None = args.get("query")
    fmt: str | None = args.get("format")
    if query is None:
        return _service_description(site, args.get("accept"), args.get("base", "/sparql"))
    result = _run_sparql(site, args, query, fmt)
    if fmt == "html" and result.status >= 400:
        message = result.body.decode("utf-8", "replace").strip()
        # the form again, with the query as typed and what was wrong with it
        again = page("Query", result.status, page="query", queries=_named_queries(), chosen=None, values={},
                     examples={}, example=query, target=site.target, timeout=site.timeout, max_rows=site.max_rows,
                     message=message)  # fmt: skip
        return again
    return result


def _named_queries() -> list[Any]:
    from ..sparql.queries import list_queries

    return list_queries()


def _run_sparql(site: SiteContext, args: dict[str, Any], query: str, fmt: str | None) -> JobResult:
    from ..sparql.safety import QuerySyntaxError, UnsafeQueryError, check_query

    html = fmt == "html"
    own = site.graph.engine.graph_names()
    try:
        # The check's tokens settle most queries at once (the engine parses them); rdflib's full parse (tens of ms)
        # is added when they hold SERVICE, FROM or an update keyword. What runs is checked.text, never query.
        checked = check_query(query, own_graphs=own, parse=False)
    except QuerySyntaxError as error:
        return _error(400, f"malformed query: {error}", False)
    except UnsafeQueryError as error:  # the remedy is the command line's (--allow-network): not for web clients
        return _error(400, f"refused: {error.reason} This server runs queries over its own graphs only; no query "
                      "it runs reaches the network or a file.", False)  # fmt: skip
    defaults, nameds = tuple(args.get("default_graphs", ())), tuple(args.get("named_graphs", ()))
    for name in defaults + nameds:
        if name not in own:
            return _error(400, f"refused: <{name}> is not one of this store's graphs (the service description "
                          "lists them); no graph is fetched from elsewhere.", False)  # fmt: skip
    if not (defaults or nameds):  # the protocol's dataset parameters win over the query's FROM clauses
        defaults, nameds = checked.from_graphs, checked.from_named_graphs
    try:
        kind = "text/html" if html else negotiate(args.get("accept"), checked.form, fmt)
    except ProtocolError as error:
        return _error(error.status, error.message, False)
    dataset = {"default_graphs": list(defaults), "named_graphs": list(nameds)} if (defaults or nameds) else {}
    try:
        answer = site.graph.engine.execute(checked.text, limit=site.max_rows + 1, **dataset)  # type: ignore[arg-type]
    except (SyntaxError, ValueError) as error:
        return _error(400, f"malformed query: {error}", False)
    except InputError as error:  # the engine refused the query (QueryError): the client's to fix
        return _error(400, f"malformed query: {error}", False)
    except RolegraphError as error:
        return _error(502, f"the SPARQL server behind this one failed: {error}", False)
    return _results(site, answer, kind, html)


def handle_job(site: SiteContext, job: Job) -> JobResult:
    """Answer ``job``: ``sparql`` (a protocol request) or ``page`` (landing, roles, role, concept, compare, query,
    sources, gap, moves)."""
    try:
        if job.kind == "sparql":
            return _sparql(site, job.args)
        name = job.args.get("name")
        args = job.args.get("params", {})
        if name == "landing":
            return _landing(site, job.args.get("notice"))
        if name == "roles":
            return _roles_page(site, args)
        if name == "roles.json":
            return _roles_json(site, args)
        if name == "role":
            return _role(site, job.args["role"])
        if name == "concept":
            return _concept(site, job.args["iri"])
        if name == "compare":
            return _compare(site, list(job.args.get("roles", [])))
        if name == "query":
            return _named_query(site, args) if _first(args, "run") else _query_page(site, args)
        if name == "sources":
            return _sources_page(site)
        if name in ("gap", "moves"):
            from .career import gap_page, moves_page

            return gap_page(site, args) if name == "gap" else moves_page(site, args)
        return _error(404, "no such page.", html=True)
    except UnknownRoleError as error:
        return _unknown_role(site, error.name, error)
    except ProtocolError as error:
        return _error(error.status, error.message)
    except RolegraphError as error:
        return _error(400, str(error), html=True)
