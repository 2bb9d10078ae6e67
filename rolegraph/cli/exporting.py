"""Writing the graph out: the whole graph as RDF, or one role as a schema.org Occupation."""

from __future__ import annotations

import sys
import time
from typing import BinaryIO

import click

from ..errors import InputError
from ..export import EXPORT_FORMATS, PROGRESS_EVERY, serialize, write_engine, write_graph
from ..fileio import open_output, write_output
from .base import _graph, cli

TERMINAL_EVERY = 50_000
"""Triples between two progress updates on a terminal (the line is redrawn in place)."""


class _Progress:
    """Progress on stderr: a line redrawn in place on a terminal (unless the output goes to that terminal too),
    else a line every :data:`PROGRESS_EVERY` triples."""

    def __init__(self, output: str) -> None:
        self.terminal = sys.stderr.isatty()
        self.quiet = self.terminal and output == "-" and sys.stdout.isatty()
        self.every = TERMINAL_EVERY if self.terminal else PROGRESS_EVERY
        self.start = time.monotonic()
        self.drawn = False

    def __call__(self, phase: str, count: int) -> None:
        if self.quiet:
            return
        seconds = time.monotonic() - self.start
        text = f"export: {count:,} triples {phase} ({seconds:.0f} s)"
        if self.terminal:
            click.echo(f"\r{text}\x1b[K", err=True, nl=False)
            self.drawn = True
        else:
            click.echo(text, err=True)

    def done(self) -> None:
        if self.drawn:
            click.echo("\r\x1b[K", err=True, nl=False)
            self.drawn = False


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice([*EXPORT_FORMATS, "schema-jsonld"]), default="ttl", show_default=True
)
@click.option("--role", help="With --format schema-jsonld: the role to write as a schema.org Occupation.")
@click.option("-o", "--output", default="-", show_default=True, help="File to write; - for standard output.")
@click.pass_context
def export(ctx: click.Context, fmt: str, role: str | None, output: str) -> None:
    """Write the whole graph (vocabulary, data, links) as Turtle, N-Triples or JSON-LD, or one role as a
    schema.org Occupation (--role R --format schema-jsonld) for a job page to embed. A store is streamed, with
    progress on stderr."""
    if fmt == "schema-jsonld" or role is not None:
        if fmt != "schema-jsonld" or role is None:
            raise InputError("--role goes with --format schema-jsonld, and schema-jsonld needs --role.")
        from ..schemaorg import occupation_json

        graph = _graph(ctx)
        data = occupation_json(graph.engine, graph.resolve(role)).encode("utf-8")
        written = write_output(output, data)
        if written is not None:
            click.echo(f"Wrote {len(data):,} bytes (schema.org JSON-LD) to {written}.", err=True)
        return
    from ..sparql.engines import OxigraphEngine

    graph = _graph(ctx)
    obj = ctx.find_object(dict) or {}
    engine = graph.engine
    on_disk = isinstance(engine, OxigraphEngine) and engine.folder is not None
    if not on_disk and not obj.get("data") and obj.get("store") is None:
        data = serialize(graph.rdf, fmt)  # the built-in graph: small, in rdflib's layout (its bytes are pinned)
        written = write_output(output, data)
        if written is not None:
            click.echo(f"Wrote {len(data):,} bytes ({fmt}) to {written}.", err=True)
        return
    progress = _Progress(output)

    def write(stream: BinaryIO) -> int:
        if on_disk:
            return write_engine(engine, fmt, stream, progress=progress, every=progress.every)
        return write_graph(graph.rdf, fmt, stream, progress=progress, every=progress.every)

    try:
        with open_output(output) as (stream, path):
            count = write(stream)
    finally:
        progress.done()
    if path is not None:
        click.echo(f"Wrote {count:,} triples ({fmt}) to {path}.", err=True)
