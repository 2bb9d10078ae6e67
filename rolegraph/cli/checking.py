"""Checking data against the SHACL shapes."""

from __future__ import annotations

from pathlib import Path

import click

from ..display import clean as _clean
from .base import EXIT_INVALID, cli


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-shipped", is_flag=True, help="Validate FILES together with the shipped data.")
def validate(files: tuple[Path, ...], with_shipped: bool) -> None:
    """Check the shipped data, or FILES, against the SHACL shapes. Exit 0 when valid, 3 when not."""
    from ..validation import validate as run_validation

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
