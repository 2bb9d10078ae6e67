"""The persistent store: imports, the loaded sources, and copying it into a SPARQL server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..display import clean as _clean
from ..errors import InputError, RolegraphError
from .base import _local_store, cli


@cli.command()
@click.pass_context
def sources(ctx: click.Context) -> None:
    """List the sources loaded in the store: release, date, licence, and the credit line each licence asks for."""
    from ..sparql.remote import is_store_url, store_url
    from ..store.database import RoleStore, default_store_path
    from ..store.push import remote_sources

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
        if info.replaced:
            click.echo(f"    replaced {_clean(info.replaced)} on {info.imported_at}")


def _index_names(path: Path) -> None:
    """Build the index of role names of the store's graphs now, so that the first unknown name after a change to
    the store is answered at once (it moves the ~3 s build on the O*NET + ESCO store into the change)."""
    from ..compare.nameindex import name_index
    from ..store.database import RoleStore

    try:
        with RoleStore.open_for_reading(path) as store:
            name_index(store.engine())
    except (RolegraphError, OSError) as error:
        click.echo(f"rolegraph: warning: the index of role names was not built ({error}); the first unknown "
                   "name will build it.", err=True)  # fmt: skip


@cli.group("import")
def import_group() -> None:
    """Import a release into the persistent store (created if needed; --store picks it)."""


def _import(
    ctx: click.Context, run: object, source: Path, *, folder: bool, kind: str | None = None, release: str | None = None
) -> None:
    from ..importers.loading import Progress, check_source
    from ..store.database import RoleStore

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
        if status is not None:
            status.update("building the index of role names")
        else:
            click.echo("building the index of role names", err=True)
        _index_names(path)
    finally:
        if status is not None:
            status.stop()
    click.echo("\n".join(report.lines()))
    click.echo(f"Store: {Path(path).resolve()}")


@import_group.command("onet")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--release", help="The release number (default: read from the release's Read Me.txt).")
@click.option("--strict", is_flag=True, help="Stop at the first malformed row instead of skipping and counting it.")
@click.option("--keep-older", is_flag=True,
              help="Keep the source's other releases loaded beside this one (default: a newer release replaces "
                   "older ones, and an older one is refused while a newer one is loaded).")  # fmt: skip
@click.pass_context
def import_onet_command(ctx: click.Context, folder: Path, release: str | None, strict: bool, keep_older: bool) -> None:
    """Import an O*NET database text release from FOLDER."""
    from ..importers.loading import import_onet

    _import(ctx, lambda store, progress: import_onet(store, folder, release=release, strict=strict, progress=progress,
                                                 keep_older=keep_older),
            folder, folder=True, kind="onet")  # fmt: skip


@import_group.command("esco")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--release", help="The release (default: from the folder's name, e.g. v1.1.1).")
@click.option("--strict", is_flag=True, help="Stop at the first malformed row instead of skipping and counting it.")
@click.option("--keep-older", is_flag=True,
              help="Keep the source's other releases loaded beside this one (default: a newer release replaces "
                   "older ones, and an older one is refused while a newer one is loaded).")  # fmt: skip
@click.pass_context
def import_esco_command(ctx: click.Context, folder: Path, release: str | None, strict: bool, keep_older: bool) -> None:
    """Import an ESCO CSV download (English) from FOLDER."""
    from ..importers.loading import import_esco

    _import(ctx, lambda store, progress: import_esco(store, folder, release=release, strict=strict, progress=progress,
                                                 keep_older=keep_older),
            folder, folder=True, kind="esco", release=release)  # fmt: skip


@import_group.command("crosswalk")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Stop at the first malformed row instead of skipping and counting it.")
@click.pass_context
def import_crosswalk_command(ctx: click.Context, file: Path, strict: bool) -> None:
    """Import a crosswalk CSV (its layout is recognised from the header)."""
    from ..importers.loading import import_crosswalk

    _import(ctx, lambda store, progress: import_crosswalk(store, file, strict=strict, progress=progress), file,
            folder=False)  # fmt: skip


@cli.command()
@click.argument("name", metavar="SOURCE-OR-RELEASE")
@click.pass_context
def remove(ctx: click.Context, name: str) -> None:
    """Unload a source from the store: every release of it (`remove onet`, `remove esco`, `remove crosswalk`) or one
    release (`remove "O*NET 29.0"`). The shipped graph stays."""
    from ..importers.loading import find_sources
    from ..store.database import RoleStore

    path = _local_store(ctx, "`rolegraph remove`")
    if not (path / "CURRENT").exists():
        raise InputError(f"{path}: no store here, so nothing to remove.")
    with RoleStore.open(path, writable=True) as store:
        titles = store.remove_sources(find_sources(store, name))
    _index_names(path)
    click.echo(f"Removed {', '.join(titles)}.")
    click.echo(f"Store: {Path(path).resolve()}")


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
    import tempfile

    from ..sparql.remote import Credentials
    from ..store.database import RoleStore
    from ..store.push import push_store

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
