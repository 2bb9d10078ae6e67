"""Serving the graph over HTTP."""

from __future__ import annotations

import click

from ..errors import InputError
from .base import cli


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
    from ..serve.server import LOOPBACK, ServerSettings
    from ..serve.server import serve as run_server

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
