"""SPARQL: the named queries with bound parameters, and any query from a file."""

from __future__ import annotations

import os
import re
from typing import Any, TextIO

import click

from ..compare.parameters import parse_bind_options
from ..errors import InputError
from ..fileio import open_output
from ..sparql.queries import list_queries
from ..sparql.results import (
    boolean_json,
    boolean_xml,
)
from .base import GRAPH_FORMATS, RESULT_FORMATS, _emit_table, _graph, _on_built_in_graph, cli


@cli.command()
@click.argument("name", required=False)
@click.argument("extra", nargs=-1, metavar="")
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
def query(
    ctx: click.Context, name: str | None, extra: tuple[str, ...], binds: tuple[str, ...], show_list: bool, fmt: str
) -> None:
    """Run the named query NAME from queries/ with its parameters bound (--list shows them all)."""
    if extra:
        hint = f" (--bind {binds[-1]}={extra[0]}?)" if binds and "=" not in binds[-1] else ""
        raise InputError(
            f"unexpected {extra[0]!r} after the query name: parameters are given as --bind NAME=VALUE{hint}, e.g. "
            'rolegraph query shared-skills --bind a=Producer --bind b="Production Manager".'
        )
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
    _emit_table(_graph(ctx, light=True).query(name, **raw), fmt)


MAX_QUERY = 1_000_000
"""The longest query text ``rolegraph sparql`` reads (the server takes bodies of up to 1 MB too)."""


_QUERY_TEXT = re.compile(r"[{}]|^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE)\b", re.IGNORECASE)


class _QuerySource(click.File):
    """A query file, or - for standard input; query text given in its place gets a hint, not "No such file"."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            if isinstance(value, str) and not os.path.exists(value) and _QUERY_TEXT.search(value):
                raise InputError(
                    "rolegraph sparql reads the query from a file, or from standard input with -; to run query "
                    "text, pipe it in: echo 'SELECT ...' | rolegraph sparql -"
                ) from None
            raise


@cli.command()
@click.argument("source", type=_QuerySource("r", encoding="utf-8"))
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
    from ..sparql.safety import check_query

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
    obj = ctx.find_object(dict)
    if allow_network and obj is not None and "graph" not in obj and _on_built_in_graph(ctx) and not obj.get("data"):
        from ..api import load

        obj["graph"] = load()  # rdflib's engine: the built-in graph's Oxigraph store has no SERVICE client
    try:
        answer = _graph(ctx).sparql(checked.text, allow_network=allow_network, source=source.name)
    except OSError as error:
        raise InputError(f"the query could not reach a remote resource: {error}.") from None
    from rdflib import Graph

    from ..export import write_graph

    if isinstance(answer, Graph):
        with open_output("-") as (stream, _):
            write_graph(answer, fmt, stream)  # sorted, canonical blank-node labels: the same answer, the same bytes
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
