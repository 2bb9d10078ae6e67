"""Writing the graph out: the whole graph as RDF, or one role as a schema.org Occupation."""

from __future__ import annotations

import click

from ..errors import InputError
from ..export import EXPORT_FORMATS, serialize
from ..fileio import write_output
from .base import _graph, cli


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
        from ..schemaorg import occupation_json

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
