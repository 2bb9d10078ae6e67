"""The alignment: computing mappings between the sources' concepts, removing them, SSSOM export and import."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from .base import _local_store, cli
from .storage import _index_names


def _store_folder(ctx: click.Context, what: str) -> Path:
    path = _local_store(ctx, what)
    if not (path / "CURRENT").exists():
        raise InputError(f"{path}: no store here, so {what} has nothing to work on. `rolegraph import onet|esco ...` "
                         "makes one; `rolegraph align` then aligns it.")  # fmt: skip
    return path


@cli.group("align", invoke_without_command=True)
@click.option("--remove", is_flag=True, help="Unload the alignment instead (the mappings computed before).")
@click.pass_context
def align_group(ctx: click.Context, remove: bool) -> None:
    """Map the skills, knowledge areas, duties and work activities of the article, ESCO and O*NET onto each other
    (skos:closeMatch, broadMatch/narrowMatch, relatedMatch, each with a confidence) and store them as the alignment
    source, replacing the previous one; hand-made links always win. `align export` and `align import` read and write
    SSSOM."""
    if ctx.invoked_subcommand is not None:
        if remove:
            raise InputError("--remove goes alone: `rolegraph align --remove`.")
        return
    from ..align.build import align, remove_alignment
    from ..store.database import RoleStore

    path = _store_folder(ctx, "`rolegraph align`")
    if remove:
        with RoleStore.open(path, writable=True) as store:
            removed = remove_alignment(store)
        if removed:
            _index_names(path)
        click.echo("Removed the alignment." if removed else "No alignment was loaded; nothing to remove.")
        return
    with RoleStore.open(path, writable=True) as store:
        outcome = align(store)
    _index_names(path)  # the store's graphs changed: the index of role names follows now, not at the next lookup
    counts = ", ".join(f"{n:,} {name}" for name, n in sorted(outcome.by_predicate.items())) or "none"
    click.echo(f"Aligned: {len(outcome.mappings):,} mappings ({counts}); {outcome.triples:,} triples stored.")
    click.echo(f"Store: {path.resolve()}")


@align_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def export_command(ctx: click.Context, file: Path) -> None:
    """Write every mapping (hand-made links, the alignment, imported files) to FILE as SSSOM TSV (- for standard
    output)."""
    from ..align.build import export_sssom
    from ..store.database import RoleStore

    path = _store_folder(ctx, "`rolegraph align export`")
    with RoleStore.open_for_reading(path) as store:
        count = export_sssom(store, file)
    if str(file) != "-":
        click.echo(f"Wrote {count:,} mappings to {file}.")


@align_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, file: Path) -> None:
    """Load the mappings of the SSSOM TSV file FILE as a source of their own (named after the file; importing it
    again replaces it; `rolegraph remove sssom` unloads them). Its mappings win over computed ones at the next
    `rolegraph align`."""
    from ..align.build import import_sssom
    from ..store.database import RoleStore

    path = _store_folder(ctx, "`rolegraph align import`")
    with RoleStore.open(path, writable=True) as store:
        title, count = import_sssom(store, file)
    _index_names(path)
    click.echo(f"Imported {count:,} mappings as {title}.")
    click.echo(f"Store: {path.resolve()}")
