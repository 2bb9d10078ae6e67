"""The command group and what its commands share: the graph or store they work on, tables, writing files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from .._version import __version__
from ..api import RoleGraph
from ..display import clean as _clean
from ..display import result_table_text, terminal_width, text_table
from ..errors import EndpointError, InputError, UnknownRoleError
from ..fileio import write_output
from ..sparql.engines import OxigraphEngine
from ..sparql.results import (
    ResultTable,
    to_csv,
    to_json,
    to_tsv,
    to_xml,
)

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INVALID = 0, 1, 2, 3


def _graph(ctx: click.Context, *, light: bool = False) -> RoleGraph:
    """The graph commands work on: the SPARQL server or store given with --store (or the default per-user store, if
    there is one), else the shipped graph in memory (plus --data files). ``light``: a command that only reads rows
    and prints them, which gets them from Oxigraph as :mod:`rolegraph.model.terms` terms (never importing rdflib)."""
    obj = ctx.find_object(dict)
    assert obj is not None
    if "graph" not in obj:
        from ..targets import open_graph

        _check_store_spec(obj.get("store"))
        obj["graph"] = ctx.with_resource(open_graph(obj.get("store"), data=obj.get("data") or ()))
        obj["graph"].notes = lambda line: click.echo(_clean(line), err=True)
        if light and isinstance(obj["graph"].engine, OxigraphEngine):
            obj["graph"].engine.light_terms = True
    graph: RoleGraph = obj["graph"]
    return graph


def _check_store_spec(spec: str | None) -> None:
    """Refuse a --store that cannot be a store folder or a server, saying what it would need to be."""
    if spec is None:
        return
    if re.match(r"https?://", spec, flags=re.IGNORECASE):
        raise InputError(f"{spec}: a SPARQL server is given with a sparql+ prefix: --store sparql+{spec}")
    if Path(spec).exists() and not Path(spec).is_dir():
        raise InputError(
            f"{spec}: not a folder. --store takes the store's folder (the one `rolegraph import` makes) or a SPARQL "
            "server as sparql+http://host:port/path."
        )


def _on_built_in_graph(ctx: click.Context) -> bool:
    obj = ctx.obj or {}
    if obj.get("data"):
        return True
    from ..targets import describe_target

    return describe_target(obj.get("store")) == "rolegraph's built-in graph"


def _local_store(ctx: click.Context, what: str) -> Path:
    """The folder of the persistent store for a command that only works on one (imports, sources)."""
    from ..sparql.remote import is_store_url
    from ..store.database import default_store_path

    obj = ctx.find_object(dict)
    assert obj is not None
    spec = obj.get("store")
    if spec is not None and is_store_url(spec):
        raise InputError(f"{what} works on a local store folder, not on a SPARQL server ({spec}).")
    _check_store_spec(spec)
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
        except UnknownRoleError as error:
            looks_imported = re.fullmatch(r"\d{2}-\d{4}(\.\d{2})?|https?://data\.europa\.eu/esco/.*", error.name)
            if (error.suggestions and not looks_imported) or not _on_built_in_graph(ctx):
                raise
            raise InputError(
                f"{error} The built-in graph holds only the article's roles; O*NET and ESCO occupations (and their "
                "codes) come with `rolegraph import onet FOLDER` and `rolegraph import esco FOLDER`."
            ) from None
        except (AttributeError, KeyError, IndexError, TypeError, ValueError) as error:
            from ..sparql.remote import SparqlHttpEngine

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


def _csv_text(value: object) -> str:
    """A cell's text: booleans as JSON writes them (true, false), not Python's True."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _table(headers: list[str], rows: list[Any] | list[tuple[Any, ...]]) -> str:
    return text_table(headers, rows, terminal_width())


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


def _write(target: str, data: bytes, what: str) -> None:
    written = write_output(target, data)
    if written is not None:
        click.echo(f"Wrote the {what} ({len(data):,} bytes) to {written.resolve()}.", err=True)
