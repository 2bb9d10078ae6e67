"""The ``rolegraph`` command: thin click commands over the library. Exit codes: 0 success, 1 internal error,
2 bad input (usage, files, names; an import that failed and changed nothing), 3 data does not conform to the shapes,
4 an import was committed but the store could not finish tidying up (a full disk, ...)."""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click
from rdflib import Graph

from . import __version__
from .api import RoleGraph
from .compare import compare_roles
from .display import clean as _clean
from .display import comparison_csv, comparison_text, result_table_text, terminal_width, text_table
from .errors import EndpointError, InputError, RolegraphError
from .export import EXPORT_FORMATS, serialize
from .fileio import write_output
from .parameters import parse_bind_options
from .queries import list_queries
from .results import (
    ResultTable,
    boolean_json,
    boolean_xml,
    json_text,
    spreadsheet_cell,
    to_csv,
    to_json,
    to_tsv,
    to_xml,
)

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INVALID = 0, 1, 2, 3


def _graph(ctx: click.Context) -> RoleGraph:
    """The graph commands work on: the SPARQL server or store given with --store (or the default per-user store, if
    there is one), else the shipped graph in memory (plus --data files)."""
    obj = ctx.find_object(dict)
    assert obj is not None
    if "graph" not in obj:
        from .targets import open_graph

        obj["graph"] = ctx.with_resource(open_graph(obj.get("store"), data=obj.get("data") or ()))
        obj["graph"].notes = lambda line: click.echo(_clean(line), err=True)
    graph: RoleGraph = obj["graph"]
    return graph


def _local_store(ctx: click.Context, what: str) -> Path:
    """The folder of the persistent store for a command that only works on one (imports, sources)."""
    from .remote import is_store_url
    from .store import default_store_path

    obj = ctx.find_object(dict)
    assert obj is not None
    spec = obj.get("store")
    if spec is not None and is_store_url(spec):
        raise InputError(f"{what} works on a local store folder, not on a SPARQL server ({spec}).")
    return Path(spec) if spec is not None else default_store_path()


class _OutputClosedError(Exception):
    """Standard output was closed by its reader (``rolegraph show X | head``)."""


class _Commands(click.Group):
    """The command group: a closed standard output, and answers from a SPARQL server that rolegraph cannot use,
    become errors of their own (click would turn the first into exit 1; the second is the server's doing)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _OutputClosedError() from None
        except (AttributeError, KeyError, IndexError, TypeError, ValueError) as error:
            from .remote import SparqlHttpEngine

            engine = getattr((ctx.obj or {}).get("graph"), "engine", None)
            if not isinstance(engine, SparqlHttpEngine):
                raise
            raise EndpointError(
                f"{engine.endpoint}: its answers could not be used ({type(error).__name__}: {error}). Is it a SPARQL "
                "1.1 server holding a graph written by `rolegraph push`? (If it is, please report this; RG_DEBUG=1 "
                "shows details.)"
            ) from error


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rolegraph")
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="An extra Turtle or N-Triples file to load with the shipped graph (repeatable).",
)
@click.option(
    "--store",
    "store",
    metavar="FOLDER|sparql+http://HOST:PORT/PATH",
    envvar="ROLEGRAPH_STORE",
    help="The persistent store folder to use (default: the per-user store, if `rolegraph import` has made one), "
    "or a SPARQL 1.1 server to run on instead, as sparql+http://host:port/path (or sparql+https://).",
)
@click.pass_context
def cli(ctx: click.Context, data: tuple[Path, ...], store: str | None) -> None:
    """Compare job roles: a knowledge graph of roles, skills, duties, certifications and salaries."""
    obj = ctx.ensure_object(dict)
    obj["data"] = data
    obj["store"] = store


@cli.command()
@click.option("--all", "show_all", is_flag=True, help="Also list roles that are only mentioned (no profile).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def roles(ctx: click.Context, show_all: bool, fmt: str) -> None:
    """List the roles in the graph."""
    summaries = _graph(ctx).roles(profiled_only=not show_all)
    records = [
        {"label": s.label, "iri": str(s.iri), "profiled": s.profiled, "duties": s.duties, "skills": s.skills}
        for s in summaries
    ]
    if fmt == "json":
        click.echo(json_text(records, indent=2))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else ["label"], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({key: spreadsheet_cell(_csv_text(value)) for key, value in r.items()} for r in records)
        click.echo(buffer.getvalue(), nl=False)
    else:
        headers = ["Role", "Duties", "Skills", "IRI"]
        rows = [(r["label"], r["duties"], r["skills"], r["iri"]) for r in records]
        click.echo(_table(headers, rows))
        click.echo(f"\n{len(rows)} role(s).")


def _csv_text(value: object) -> str:
    """A cell's text: booleans as JSON writes them (true, false), not Python's True."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _table(headers: list[str], rows: list[Any] | list[tuple[Any, ...]]) -> str:
    return text_table(headers, rows, terminal_width())


@cli.command()
@click.argument("role")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def show(ctx: click.Context, role: str, fmt: str) -> None:
    """Print everything the graph knows about ROLE (a label, alternative label, IRI or local name)."""
    profile = _graph(ctx).profile(role)
    grouped = profile.by_category()
    if fmt == "json":
        document = {
            "role": str(profile.role),
            "label": profile.label,
            "definition": profile.definition,
            "categories": {
                category: [
                    {
                        "value": str(e.value),
                        "label": e.label,
                        "details": list(e.details),
                        "citations": [
                            {"source": c.source, "heading": c.heading, "paragraph": c.paragraph, "line": c.line}
                            for c in e.citations
                        ],
                    }
                    for e in entries
                ]
                for category, entries in grouped.items()
            },
        }
        click.echo(json_text(document, indent=2))
        return
    click.echo(f"{_clean(profile.label)}  <{_clean(profile.role)}>")
    if profile.definition:
        click.echo(_clean(profile.definition))
    sources = sorted({c.source for e in profile.entries for c in e.citations})
    for category, entries in grouped.items():
        click.echo(f"\n{category} ({len(entries)})")
        for entry in sorted(entries, key=lambda e: e.label.casefold()):
            cited = "; ".join(str(c) for c in entry.citations) or "no citation"
            click.echo(f"  - {_clean(entry.label)}  [{_clean(cited)}]")
            for detail in entry.details:
                click.echo(f"      {_clean(detail)}")
    if sources:
        click.echo("\nSources: " + "; ".join(_clean(s) for s in sources))


@cli.command()
@click.argument("roles", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--html", "html_path", metavar="FILE", help="Also write the interactive network page to FILE.")
@click.pass_context
def compare(ctx: click.Context, roles: tuple[str, ...], fmt: str, html_path: str | None) -> None:
    """Compare two or more ROLES: per category, what they share and what is unique to each, with Jaccard
    similarities."""
    if len(roles) < 2:
        raise InputError('compare needs at least two roles, e.g. rolegraph compare "Production Manager" Producer.')
    graph = _graph(ctx)
    iris = [graph.resolve(name) for name in roles]
    comparison = compare_roles(graph.engine, iris)
    if html_path is not None:
        from .network import comparison_network
        from .render import network_page

        network = comparison_network(graph.engine, iris)
        _write(html_path, network_page(network), "page")
    if fmt == "json":
        click.echo(json_text(comparison.to_dict(), indent=2))
    elif fmt == "csv":
        click.echo(comparison_csv(comparison), nl=False)
    else:
        click.echo(comparison_text(comparison, terminal_width()))


RESULT_FORMATS = ["table", "json", "csv", "tsv", "xml"]
GRAPH_FORMATS = ["ttl", "nt", "jsonld"]


def _emit_table(table: ResultTable, fmt: str) -> None:
    writers = {"json": to_json, "csv": to_csv, "tsv": to_tsv, "xml": to_xml}
    if fmt == "table":
        click.echo(result_table_text(table, terminal_width()))
        return
    click.echo(writers[fmt](table), nl=False)
    if not table.rows:
        click.echo("no rows", err=True)


@cli.command()
@click.argument("name", required=False)
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value (repeatable; repeat a list parameter once per value).",
)
@click.option("--list", "show_list", is_flag=True, help="List the named queries with their purpose and parameters.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True)
@click.pass_context
def query(ctx: click.Context, name: str | None, binds: tuple[str, ...], show_list: bool, fmt: str) -> None:
    """Run the named query NAME from queries/ with its parameters bound (--list shows them all)."""
    if show_list or name is None:
        for named in list_queries():
            click.echo(f"{named.name}\n    {named.purpose}")
            for p in named.parameters:
                optional = ", optional" if p.optional else ""
                click.echo(f"    --bind {p.name}=...  ({p.type}{optional}) {p.description}")
            click.echo(f"    output: {' '.join('?' + v for v in named.output)}")
        if name is None and not show_list:
            raise InputError(
                "give a query name (listed above), e.g. "
                'rolegraph query shared-skills --bind a=Producer --bind b="Production Manager".'
            )
        return
    raw = {k: v if len(v) > 1 else v[0] for k, v in parse_bind_options(binds).items()}
    _emit_table(_graph(ctx).query(name, **raw), fmt)


MAX_QUERY = 1_000_000
"""The longest query text ``rolegraph sparql`` reads (the server takes bodies of up to 1 MB too)."""


@cli.command()
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS + GRAPH_FORMATS),
    default=None,
    help="table (default), json, csv, tsv or xml for SELECT and ASK; "
    "ttl (default), nt or jsonld for CONSTRUCT and DESCRIBE.",
)
@click.option(
    "--allow-network", is_flag=True, help="Allow SERVICE, FROM and FROM NAMED, which reach the network or files."
)
@click.pass_context
def sparql(ctx: click.Context, source: TextIO, fmt: str | None, allow_network: bool) -> None:
    """Run any SELECT, ASK, CONSTRUCT or DESCRIBE query from SOURCE (a file, or - for standard input)."""
    from .safety import check_query

    try:
        text = source.read(MAX_QUERY + 1)  # a device or an endless pipe is read no further than this
    except UnicodeDecodeError:
        raise InputError(f"{source.name}: the query is not UTF-8 text.") from None
    if len(text) > MAX_QUERY:
        raise InputError(f"{source.name}: the query is longer than {MAX_QUERY:,} characters; is this a query file?")
    checked = check_query(text, allow_network=allow_network, source=source.name)  # syntax errors name the file
    graph_form = checked.form in ("CONSTRUCT", "DESCRIBE")
    fmt = fmt or ("ttl" if graph_form else "table")
    if graph_form != (fmt in GRAPH_FORMATS):
        allowed = GRAPH_FORMATS if graph_form else RESULT_FORMATS
        raise InputError(f"--format {fmt} does not fit a {checked.form} query; use one of {', '.join(allowed)}.")
    try:
        answer = _graph(ctx).sparql(checked.text, allow_network=allow_network, source=source.name)
    except OSError as error:
        raise InputError(f"the query could not reach a remote resource: {error}.") from None
    if isinstance(answer, Graph):
        click.echo(serialize(answer, fmt).decode("utf-8"), nl=False)
        if len(answer) == 0:
            click.echo("no triples", err=True)
    elif isinstance(answer, bool):
        if fmt == "json":
            click.echo(boolean_json(answer), nl=False)
        elif fmt == "xml":
            click.echo(boolean_xml(answer), nl=False)
        else:
            click.echo("true" if answer else "false")
    else:
        _emit_table(answer, fmt)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-shipped", is_flag=True, help="Validate FILES together with the shipped data.")
def validate(files: tuple[Path, ...], with_shipped: bool) -> None:
    """Check the shipped data, or FILES, against the SHACL shapes. Exit 0 when valid, 3 when not."""
    from .validation import validate as run_validation

    report = run_validation(files, with_shipped=with_shipped)
    checked = ", ".join(report.checked) or "the shipped data"
    if report.conforms:
        click.echo(f"Valid: {checked} conform(s) to the rolegraph shapes.")
        return
    click.echo(f"Not valid: {checked}: {len(report.issues)} problem(s).", err=True)
    for issue in report.issues:
        click.echo(f"  - focus {_clean(issue.focus)}", err=True)
        if issue.path:
            click.echo(f"    path    {_clean(issue.path)}", err=True)
        if issue.value:
            click.echo(f"    value   {_clean(issue.value)}", err=True)
        click.echo(f"    {issue.severity.lower()}: {_clean(issue.message)}", err=True)
    raise SystemExit(EXIT_INVALID)


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice([*EXPORT_FORMATS, "schema-jsonld"]), default="ttl", show_default=True
)
@click.option("--role", help="With --format schema-jsonld: the role to write as a schema.org Occupation.")
@click.option("-o", "--output", default="-", show_default=True, help="File to write; - for standard output.")
@click.pass_context
def export(ctx: click.Context, fmt: str, role: str | None, output: str) -> None:
    """Write the whole graph (vocabulary, data, links) as Turtle, N-Triples or JSON-LD, or one role as a
    schema.org Occupation (--role R --format schema-jsonld) for a job page to embed."""
    if fmt == "schema-jsonld" or role is not None:
        if fmt != "schema-jsonld" or role is None:
            raise InputError("--role goes with --format schema-jsonld, and schema-jsonld needs --role.")
        from .schemaorg import occupation_json

        graph = _graph(ctx)
        data = occupation_json(graph.engine, graph.resolve(role)).encode("utf-8")
        written = write_output(output, data)
        if written is not None:
            click.echo(f"Wrote {len(data):,} bytes (schema.org JSON-LD) to {written}.", err=True)
        return
    data = serialize(_graph(ctx).rdf, fmt)
    written = write_output(output, data)
    if written is not None:
        click.echo(f"Wrote {len(data):,} bytes ({fmt}) to {written}.", err=True)


@cli.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def resolve(ctx: click.Context, name: str, fmt: str) -> None:
    """List every role NAME can mean (labels, alternative labels, codes) across the loaded sources, best first, and
    say which one commands take it to mean, and by what rule."""
    from .roles import RESOLUTION_RULE, AmbiguousRoleError, choose_with_others, find_roles

    engine = _graph(ctx).engine
    found = find_roles(engine, name)
    if not found and fmt != "json":
        choose_with_others(engine, name, found)  # raises UnknownRoleError with close names, as show does
    if fmt == "json":
        records = [
            {
                "iri": str(m.iri),
                "label": m.label,
                "matched": m.matched,
                "how": m.kind,
                "source": m.source,
                "code": m.code,
            }
            for m in found
        ]
        click.echo(json_text(records, indent=2))
        return
    rows = [(m.label, m.kind, m.source, m.code, str(m.iri)) for m in found]
    click.echo(_table(["Role", "Matched by", "Source", "Code", "IRI"], rows))
    click.echo(f"\n{len(rows)} role(s) named {name!r}.")
    try:
        chosen = choose_with_others(engine, name, found).role
        click.echo(_clean(f"Commands take {name!r} to mean {chosen.label} <{chosen.iri}>."))
    except AmbiguousRoleError as error:
        click.echo(_clean(f"Commands refuse {name!r}: {len(error.candidates)} roles tie."))
    click.echo(textwrap.fill(RESOLUTION_RULE, width=min(110, terminal_width() or 110)))


@cli.command()
@click.pass_context
def sources(ctx: click.Context) -> None:
    """List the sources loaded in the store: release, date, licence, and the credit line each licence asks for."""
    from .remote import is_store_url, remote_sources, store_url
    from .store import RoleStore, default_store_path

    obj = ctx.find_object(dict) or {}
    spec = obj.get("store")
    if spec is not None and is_store_url(spec):
        infos = remote_sources(str(store_url(spec)))
        if not infos:
            click.echo(f"{store_url(spec)} holds no graph pushed by `rolegraph push`.")
    else:
        path = Path(spec) if spec is not None else default_store_path()
        if not (path / "CURRENT").exists():
            click.echo("No store yet: commands use rolegraph's built-in graph (CC BY 4.0).")
            click.echo(f"`rolegraph import onet|esco|crosswalk ...` creates one at {path}.")
            return
        with RoleStore.open_for_reading(path) as store:
            infos = store.sources()
    for info in infos:
        release = info.release if len(info.release) < 20 else info.release[:12] + "..."
        click.echo(_clean(f"{info.title}  (release {release}; {info.triples:,} triples; imported {info.imported_at})"))
        if info.license:
            click.echo(f"    licence: {_clean(info.license)}")
        if info.credit:
            click.echo(f"    credit:  {_clean(info.credit)}")
        if info.summary:
            click.echo(f"    content: {_clean(info.summary)}")


@cli.group("import")
def import_group() -> None:
    """Import a release into the persistent store (created if needed; --store picks it)."""


def _import(
    ctx: click.Context, run: object, source: Path, *, folder: bool, kind: str | None = None, release: str | None = None
) -> None:
    from .loading import Progress, check_source
    from .store import RoleStore

    path = _local_store(ctx, "`rolegraph import`")
    check_source(source, folder=folder, kind=kind, release=release)  # before the store is opened, or made
    progress: Progress | None = None
    status = None
    if sys.stderr.isatty():
        from rich.console import Console

        status = Console(stderr=True).status("starting the import")
        status.start()

        def progress(name: str, rows: int) -> None:
            status.update(f"reading {name}: {rows:,} rows")

    else:

        def progress(name: str, rows: int) -> None:
            if rows == 0:
                click.echo(f"reading {name}", err=True)

    try:
        with RoleStore.open(path, writable=True) as store:
            report = run(store, progress)  # type: ignore[operator]
        # The index of role names, built now so that the first unknown name after an import is answered at once.
        if status is not None:
            status.update("building the index of role names")
        else:
            click.echo("building the index of role names", err=True)
        try:
            from .nameindex import name_index

            with RoleStore.open_for_reading(path) as store:
                name_index(store.engine())
        except (RolegraphError, OSError) as error:
            click.echo(f"rolegraph: warning: the index of role names was not built ({error}); the first unknown "
                       "name will build it.", err=True)  # fmt: skip
    finally:
        if status is not None:
            status.stop()
    click.echo("\n".join(report.lines()))
    click.echo(f"Store: {Path(path).resolve()}")


@import_group.command("onet")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--release", help="The release number (default: read from the release's Read Me.txt).")
@click.option("--strict", is_flag=True, help="Stop at the first malformed row instead of skipping and counting it.")
@click.pass_context
def import_onet_command(ctx: click.Context, folder: Path, release: str | None, strict: bool) -> None:
    """Import an O*NET database text release from FOLDER."""
    from .loading import import_onet

    _import(ctx, lambda store, progress: import_onet(store, folder, release=release, strict=strict, progress=progress),
            folder, folder=True, kind="onet")  # fmt: skip


@import_group.command("esco")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--release", help="The release (default: from the folder's name, e.g. v1.1.1).")
@click.option("--strict", is_flag=True, help="Stop at the first malformed row instead of skipping and counting it.")
@click.pass_context
def import_esco_command(ctx: click.Context, folder: Path, release: str | None, strict: bool) -> None:
    """Import an ESCO CSV download (English) from FOLDER."""
    from .loading import import_esco

    _import(ctx, lambda store, progress: import_esco(store, folder, release=release, strict=strict, progress=progress),
            folder, folder=True, kind="esco", release=release)  # fmt: skip


@import_group.command("crosswalk")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Stop at the first malformed row instead of skipping and counting it.")
@click.pass_context
def import_crosswalk_command(ctx: click.Context, file: Path, strict: bool) -> None:
    """Import a crosswalk CSV (its layout is recognised from the header)."""
    from .loading import import_crosswalk

    _import(ctx, lambda store, progress: import_crosswalk(store, file, strict=strict, progress=progress), file,
            folder=False)  # fmt: skip


def _write(target: str, data: bytes, what: str) -> None:
    written = write_output(target, data)
    if written is not None:
        click.echo(f"Wrote the {what} ({len(data):,} bytes) to {written.resolve()}.", err=True)


@cli.command("graph")
@click.option("--role", "roles", multiple=True, help="A role: once for its neighbourhood, twice or more to compare.")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Links from --role to include.")
@click.option("--html", "html_path", metavar="FILE", help="Write the interactive network page to FILE.")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json"]), help="Export the network instead.")
@click.option("-o", "--output", default="-", show_default=True, help="Where --format writes; - for standard output.")
@click.pass_context
def graph_command(
    ctx: click.Context, roles: tuple[str, ...], depth: int, html_path: str | None, fmt: str | None, output: str
) -> None:
    """Draw the whole graph, one role's neighbourhood (--role R --depth N) or a comparison (--role A --role B),
    as an HTML page (--html FILE) or as GraphML, GEXF or node-link JSON (--format) for Gephi or Cytoscape."""
    from .graph import export_graph
    from .network import comparison_network, neighbourhood_network, whole_network

    if html_path is None and fmt is None:
        raise InputError("say what to write: --html FILE for the page, or --format graphml|gexf|json.")
    graph = _graph(ctx)
    iris = [graph.resolve(r) for r in roles]
    if not iris:
        network = whole_network(graph.engine)
    elif len(iris) == 1:
        network = neighbourhood_network(graph.engine, iris[0], depth)
    else:
        network = comparison_network(graph.engine, iris)
    if html_path is not None:
        from .render import network_page

        _write(html_path, network_page(network), "page")
    if fmt is not None:
        data = export_graph(network, fmt)
        if output == "-":
            write_output("-", data)
        else:
            _write(output, data, f"{fmt} network")


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Loopback by default; another address exposes the store to that network.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True, help="Port to listen on.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds a query or page may take before it is stopped.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Most rows (or triples) one answer carries.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=64),
    default=2,
    show_default=True,
    help="Queries run at once (each in its own process).",
)
@click.option(
    "--queue",
    type=click.IntRange(min=0),
    default=32,
    show_default=True,
    help="Requests that may wait for a worker; more get 503 with Retry-After.",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=0),
    default=1024,
    show_default=True,
    metavar="MB",
    help="Memory each worker may hold while it answers a request; over it the request gets 503 (0: no cap).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this host name (behind a reverse proxy, say); repeatable. Other names get 421.",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let pages of this origin (https://host[:port], or * for any) query /sparql and read the answers, as "
    "YASGUI does; repeatable. Default: none.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    queue: int,
    max_memory: int,
    allow_hosts: tuple[str, ...],
    cors_origins: tuple[str, ...],
) -> None:
    """Serve the graph: a read-only SPARQL 1.1 endpoint at /sparql and pages (/, /role/NAME, /compare, /query)."""
    from .server import LOOPBACK, ServerSettings
    from .server import serve as run_server

    obj = ctx.find_object(dict) or {}
    if obj.get("data"):
        raise InputError("serve works on a store or a SPARQL server; import extra data into a store first.")
    if host not in LOOPBACK:
        click.echo(
            f"warning: listening on {host}: anyone who can reach this address can read the whole graph and run "
            "queries (read-only, time-limited). Use --host 127.0.0.1 to keep it on this machine.",
            err=True,
        )
    if "*" in cors_origins:
        click.echo("warning: --cors-origin '*' lets every web page you visit query this server and read the answers.",
                   err=True)  # fmt: skip
    settings = ServerSettings(host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers, queue=queue,
                              max_memory=max_memory or None, allow_hosts=allow_hosts,
                              cors_origins=cors_origins)  # fmt: skip
    run_server(obj.get("store"), settings, announce=lambda line: click.echo(line, err=True))


@cli.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The server's SPARQL endpoint for queries and, without --graph-store, for SPARQL Update.",
)
@click.option(
    "--graph-store", metavar="URL", help="The server's Graph Store Protocol endpoint (faster for big graphs)."
)
@click.option(
    "--user",
    help="User name for the server's authenticated endpoints; the password is read from "
    "$ROLEGRAPH_ENDPOINT_PASSWORD, or asked for.",
)
@click.pass_context
def push(ctx: click.Context, endpoint: str, graph_store: str | None, user: str | None) -> None:
    """Copy the store (or the built-in graph) into a SPARQL server, each source in its own named graph; then
    `rolegraph --store sparql+http://... compare ...` runs there."""
    import os
    import tempfile

    from .push import push_store
    from .remote import Credentials
    from .store import RoleStore

    credentials = None
    if user:
        password = os.environ.get("ROLEGRAPH_ENDPOINT_PASSWORD")
        if password is None:
            password = click.prompt(f"password for {user}", hide_input=True, err=True)
        credentials = Credentials(user, password)
    path = _local_store(ctx, "`rolegraph push`")
    with tempfile.TemporaryDirectory(prefix="rolegraph-push-") as scratch:
        if not (path / "CURRENT").exists():
            path = Path(scratch) / "store"  # no store yet: push the built-in graph
            with RoleStore.open(path, writable=True):
                pass
        with RoleStore.open_for_reading(path) as store:
            report = push_store(store, endpoint, graph_store=graph_store, credentials=credentials,
                                progress=lambda line: click.echo(line, err=True))  # fmt: skip
    for line in report.lines():
        click.echo(line)
    click.echo(f"Pushed to {endpoint}. Commands run there with --store sparql+URL (URL: its public SPARQL endpoint).")


def _late_store(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        obj = ctx.find_object(dict)
        assert obj is not None
        obj["store"] = value


def _late_data(ctx: click.Context, _param: click.Parameter, value: tuple[Path, ...]) -> None:
    if value:
        obj = ctx.find_object(dict)
        assert obj is not None
        obj["data"] = tuple(obj.get("data") or ()) + value


def _accept_global_options(command: click.Command) -> None:
    """``--store`` and ``--data`` after a command's name too (``rolegraph compare A B --store DIR``), as before it."""
    command.params.append(
        click.Option(
            ["--store"],
            metavar="FOLDER|sparql+URL",
            expose_value=False,
            callback=_late_store,
            help="The store or SPARQL server to use (as `rolegraph --store`).",
        )
    )
    command.params.append(
        click.Option(
            ["--data"],
            multiple=True,
            type=click.Path(dir_okay=False, path_type=Path),
            expose_value=False,
            callback=_late_data,
            help="An extra file for the shipped graph (as `rolegraph --data`).",
        )
    )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _accept_global_options(sub)


@cli.command("help")
@click.argument("command", nargs=-1)
def help_command(command: tuple[str, ...]) -> None:
    """Show the help of COMMAND (`rolegraph help import esco`), or of rolegraph itself."""
    context = click.Context(cli, info_name="rolegraph")
    target: click.Command = cli
    for name in command:
        sub = target.get_command(context, name) if isinstance(target, click.Group) else None
        if sub is None:
            raise InputError(f"no command {' '.join(command)!r}; `rolegraph help` lists the commands.")
        target = sub
        context = click.Context(sub, info_name=name, parent=context)
    click.echo(context.get_help())


for _command in list(cli.commands.values()):
    if _command.name != "help":
        _accept_global_options(_command)


def _fail(message: str, code: int) -> NoReturn:
    text = "\n".join(_clean(line) for line in f"rolegraph: error: {message}".split("\n"))
    click.echo(text, err=True)
    raise SystemExit(code)


_warned: set[str] = set()


def _warn(message: str) -> None:
    """One line on stderr, once per message."""
    message = message.strip().split("\n", 1)[0]
    if message not in _warned:
        _warned.add(message)
        click.echo(_clean(f"rolegraph: warning: {message}"), err=True)


class _RdflibWarnings(logging.Handler):
    """rdflib's logged warnings as one line each, without the tracebacks rdflib attaches."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if converted := re.match(r"Failed to convert Literal lexical form to value\. Datatype=(\S+),", message):
            why = f" ({record.exc_info[1]})" if record.exc_info and record.exc_info[1] else ""
            message = (
                f"a literal's text is not a valid <{converted.group(1)}> value{why}; it is kept as written, "
                "and compares and sorts as text"
            )
        _warn(message)


def _show_warning(message: Warning | str, category: type[Warning], *_where: Any, **_options: Any) -> None:
    _warn(str(message))


def _report_warnings() -> None:
    """Warnings (rdflib's logged ones, and Python warnings such as "Parsing weird boolean") as one line each."""
    import warnings

    warnings.showwarning = _show_warning
    logger = logging.getLogger("rdflib")
    if not any(isinstance(handler, _RdflibWarnings) for handler in logger.handlers):
        logger.addHandler(_RdflibWarnings())


def _output_closed() -> NoReturn:
    """The reader of standard output has gone (``| head``): stop quietly, as Python's documentation advises (what
    is still buffered goes to /dev/null, so the exit is not an error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (an in-process caller's captured output)
        pass
    raise SystemExit(EXIT_OK)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; turn every error into a message on stderr and an exit code, never a traceback."""
    _report_warnings()
    stdout = sys.stdout
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="rolegraph", standalone_mode=False)
        sys.stdout.flush()
        if isinstance(code, int) and not isinstance(code, bool) and code != EXIT_OK:  # a click ctx.exit(code)
            raise SystemExit(code)
    except click.exceptions.Abort:
        _fail("interrupted.", 130)
    except click.ClickException as error:
        error.show()
        raise SystemExit(EXIT_INPUT) from None
    except RolegraphError as error:
        if os.environ.get("RG_DEBUG") and error.__cause__ is not None:
            import traceback

            traceback.print_exception(error)
        _fail(str(error), error.exit_code)
    except (_OutputClosedError, BrokenPipeError):
        _output_closed()
    except SystemExit as exited:
        if exited.code == 1 and sys.stdout is not stdout:  # click's own answer to a closed pipe (during --help)
            _output_closed()
        raise
    except KeyboardInterrupt:
        _fail("interrupted.", 130)
    except RecursionError:
        _fail("the input is nested too deeply to process.", EXIT_INPUT)
    except MemoryError:
        _fail("out of memory while processing the input.", EXIT_INTERNAL)
    except Exception as error:  # a bug: say so plainly; RG_DEBUG=1 shows the traceback for a report
        import traceback

        if os.environ.get("RG_DEBUG"):
            traceback.print_exc()
        _fail(
            f"internal error ({type(error).__name__}: {error}). Please report it; RG_DEBUG=1 shows details.",
            EXIT_INTERNAL,
        )
    raise SystemExit(EXIT_OK)
