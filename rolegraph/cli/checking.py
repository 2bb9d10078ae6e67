"""Checking data against the SHACL shapes: files with pySHACL, a store with the shapes run as SPARQL."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..display import clean as _clean
from .base import EXIT_INVALID, cli


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-shipped", is_flag=True, help="Validate FILES together with the shipped data.")
@click.option("--limit", default=3, show_default=True, type=click.IntRange(min=0), help="Example violations per check.")
@click.option(
    "--cap",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="With --store: each check's query stops at this many violations (what bounds the work per check).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...], with_shipped: bool, limit: int, cap: int, fmt: str) -> None:
    """Check the shipped data, FILES (with pySHACL), or the store given with --store, against the SHACL shapes.

    A store is checked with the shapes translated to SPARQL queries on Oxigraph, one query per constraint of
    each shape, each stopping at --cap rows; the summary gives, per shape and constraint, the violations found and
    the first --limit of them. Exit 0 when valid, 3 when not."""
    store = (ctx.obj or {}).get("store")
    if store is not None and not files:
        _validate_store(store, limit, cap, fmt)
        return
    from ..model.validation import validate as run_validation

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


def _short(term: str | None) -> str:
    from ..model.namespaces import PREFIXES

    if term is None:
        return ""
    if term.startswith("<") and term.endswith(">"):
        iri = term[1:-1]
        names = {**PREFIXES, "rgsh": "https://w3id.org/rolegraph/shapes#"}  # the shapes' own names, as shapes.ttl
        for prefix, namespace in sorted(names.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(namespace) and iri[len(namespace) :].replace("-", "").replace("_", "").isalnum():
                return f"{prefix}:{iri[len(namespace) :]}"
    return term


def _validate_store(store: str, limit: int, cap: int, fmt: str) -> None:
    from ..store.validation import validate_store

    report = validate_store(store, cap=cap, examples=limit)
    failing = [r for r in report.results if r.count]
    if fmt == "json":
        rows = [
            {
                "shape": _short(r.check.shape),
                "path": _short(f"<{r.check.path}>" if r.check.path else None) or None,
                "constraint": _short(f"<{r.check.component}>"),
                "violations": r.count,
                "capped": r.capped,
                "message": r.check.message,
                "examples": [{"focus": v.focus, "value": v.value} for v in r.examples],
            }
            for r in report.results
        ]
        text = {"conforms": report.conforms, "checks": len(report.results), "seconds": round(report.seconds, 3)}
        click.echo(json.dumps({**text, "results": rows}, indent=2))
    else:
        where = f"{store}: {len(report.results)} checks in {report.seconds:.1f} s"
        if not failing:
            click.echo(f"Valid: {where}, no violations.")
        else:
            click.echo(f"Not valid: {where}, {report.violations:,} violation(s).")
        shapes: dict[str, list[int]] = {}
        for r in report.results:
            counts = shapes.setdefault(_short(r.check.shape), [0, 0, 0])
            counts[0] += 1
            counts[1] += r.count
            counts[2] += r.capped
        click.echo("By shape (checks, violations):")
        for shape, (checks, violations, capped) in shapes.items():
            found = f"at least {violations:,}" if capped else f"{violations:,}"
            click.echo(f"  {shape}: {checks} check(s), {found} violation(s)")
        if failing:
            click.echo("Failing checks:")
            for r in failing:
                count = f"at least {r.count:,}" if r.capped else f"{r.count:,}"
                path = f" {_short('<' + r.check.path + '>')}" if r.check.path else ""
                click.echo(f"  {_short(r.check.shape)}{path} {_short('<' + r.check.component + '>')}: {count}")
                click.echo(f"    {_clean(r.check.message)}")
                for v in r.examples:
                    value = f" value {_clean(_short(v.value))}" if v.value else ""
                    click.echo(f"    - focus {_clean(_short(v.focus))}{value}")
    if failing:
        raise SystemExit(EXIT_INVALID)
