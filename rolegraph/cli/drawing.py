"""The network: a page or a graph file of the whole graph, a neighbourhood or a comparison."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..errors import InputError
from ..fileio import write_output
from .base import _graph, _write, cli

SHIPPED_ROLES = "https://w3id.org/rolegraph/id/role/"
"""Where the roles of rolegraph's own graph live (drawn whole when a store holds too many roles to draw)."""


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
    """Draw the whole graph (on a store of more than 300 roles: rolegraph's own roles), one role's neighbourhood
    (--role R --depth N) or a comparison (--role A --role B), as an HTML page (--html FILE) or as GraphML, GEXF or
    node-link JSON (--format) for Gephi or Cytoscape."""
    if html_path is None and fmt is None:
        raise InputError("say what to write: --html FILE for the page, or --format graphml|gexf|json.")
    with _collection_paused():
        _draw(ctx, roles, depth, html_path, fmt, output)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No automatic cyclic garbage collection inside. A large network and its page are some 200,000 new dicts and
    lists that form no cycles, and the collector's passes over the whole heap while they were made took two thirds
    of the time the page of a 20,000-link neighbourhood took."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _draw(
    ctx: click.Context, roles: tuple[str, ...], depth: int, html_path: str | None, fmt: str | None, output: str
) -> None:
    from ..graph.network import (
        WHOLE_GRAPH_LIMIT,
        comparison_network,
        neighbourhood_network,
        profiled_count,
        whole_network,
    )
    from ..graph.projection import export_graph

    graph = _graph(ctx)
    iris = [graph.resolve(r) for r in roles]
    if not iris and (total := profiled_count(graph.engine)) > WHOLE_GRAPH_LIMIT:
        shipped = [s.iri for s in graph.roles() if str(s.iri).startswith(SHIPPED_ROLES)]
        click.echo(
            f"rolegraph: note: the store holds {total:,} roles with a profile, too many to draw whole (at most "
            f"{WHOLE_GRAPH_LIMIT:,}); drawing the {len(shipped)} of rolegraph's own graph. --role ROLE [--depth N] "
            "draws one role's neighbourhood, --role A --role B a comparison.",
            err=True,
        )
        network = comparison_network(graph.engine, shipped)
    elif not iris:
        network = whole_network(graph.engine)
    elif len(iris) == 1:
        network = neighbourhood_network(graph.engine, iris[0], depth)
    else:
        network = comparison_network(graph.engine, iris)
    if html_path is not None:
        from ..graph.render import network_page

        _write(html_path, network_page(network), "page")
    if fmt is not None:
        data = export_graph(network, fmt)
        if output == "-":
            write_output("-", data)
        else:
            _write(output, data, f"{fmt} network")
