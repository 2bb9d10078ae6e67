"""Career moves: what carries over from one role to another and what to learn (``gap``), and where a role can lead
(``moves``, ``moves --unlocks``)."""

from __future__ import annotations

import csv
import io

import click

from ..compare.moves import SOURCES, Gap, Moves, gap_rows
from ..display import clean as _clean
from ..sparql.results import json_text, spreadsheet_cell
from .base import _csv_text, _graph, _table, cli


def _gap_csv(gap: Gap) -> str:
    rows = gap_rows(gap)
    buffer = io.StringIO()
    header = [
        "category",
        "status",
        "label",
        "iri",
        "essential",
        "weight",
        "importance",
        "level",
        "matched",
        "relation",
        "score",
    ]
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_cell(_csv_text("" if v is None else v)) for k, v in row.items()})
    return buffer.getvalue()


@cli.command()
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def gap(ctx: click.Context, origin: str, destination: str, fmt: str) -> None:
    """What carries over from role FROM to role TO (shared and matched skills, knowledge, duties, work activities,
    certifications) and what is missing, heaviest for TO first; job zone, education and pay of both."""
    result = _graph(ctx, light=True).gap(origin, destination)
    if fmt == "json":
        click.echo(json_text(result.to_dict(), indent=2))
    elif fmt == "csv":
        click.echo(_gap_csv(result), nl=False)
    else:
        for line in result.lines():
            click.echo(_clean(line))


def _moves_text(result: Moves, unlocks: bool) -> list[str]:
    lines = [f"Moves from {result.origin.label} (similarity: {result.ranking}; rule: {result.rule})", ""]
    if result.moves:
        rows = [
            (
                m.destination.label,
                m.destination.source,
                f"{m.transition:.3f}",
                f"{m.similarity:.3f}",
                f"{m.coverage:.0%}",
                "" if m.zone_rise is None else f"{m.zone_rise:+d}",
                "; ".join(i.label for i in m.carried),
                "; ".join(i.label for i in m.missing),
            )
            for m in result.moves
        ]
        headers = ["To", "Source", "Score", "Similarity", "Covered", "Zone", "Carried over", "To learn"]
        lines += [*_table(headers, rows).split("\n"), "", f"{len(result.moves)} viable move(s)."]
    else:
        lines.append("No viable move: every role considered was left out (reasons below).")
    if result.left_out:
        lines += ["", f"Left out ({len(result.left_out)}):"]
        lines += [f"  {m.destination.label} ({m.destination.source}): {m.reason}" for m in result.left_out]
    if unlocks:
        lines += ["", "Skills that would open more viable moves:"]
        if not result.unlocks:
            lines.append("  none: no single skill lifts a move that was left out for its score over the threshold.")
        for u in result.unlocks:
            lines.append(f"  {u.label}: opens {len(u.moves)} ({'; '.join(r.label for r in u.moves)})")
    return lines


@cli.command()
@click.argument("origin", metavar="FROM")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many moves to list.")
@click.option("--source", type=click.Choice(SOURCES), help="Only destinations of this source.")
@click.option("--unlocks", is_flag=True, help="Also list the skills whose learning would open the most moves.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def moves(ctx: click.Context, origin: str, top: int, source: str | None, unlocks: bool, fmt: str) -> None:
    """Where role FROM can lead: the most similar roles judged by a viability rule (transition score over a
    calibrated threshold, job zone rising by at most one; desirable when the pay is at least 75 % of FROM's), best
    first, each with what carries over and what to learn; the roles left out, and why."""
    result = _graph(ctx, light=True).moves(origin, top=top, source=source, unlocks=5 if unlocks else 0)
    if fmt == "json":
        click.echo(json_text(result.to_dict(), indent=2))
        return
    for line in _moves_text(result, unlocks):
        click.echo(_clean(line))
