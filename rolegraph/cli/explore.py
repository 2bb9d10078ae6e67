"""Looking at roles: list them, show one, compare two or more, and say what a name means."""

from __future__ import annotations

import csv
import io
import textwrap

import click

from ..compare import compare_roles
from ..display import clean as _clean
from ..display import comparison_csv, comparison_text, terminal_width
from ..errors import InputError
from ..results import (
    json_text,
    spreadsheet_cell,
)
from .base import _csv_text, _graph, _table, _write, cli


@cli.command()
@click.option("--all", "show_all", is_flag=True, help="Also list roles that are only mentioned (no profile).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def roles(ctx: click.Context, show_all: bool, fmt: str) -> None:
    """List the roles in the graph."""
    summaries = _graph(ctx).roles(profiled_only=not show_all)
    records = [
        {"label": s.label, "iri": str(s.iri), "profiled": s.profiled, "duties": s.duties, "skills": s.skills}
        for s in summaries
    ]
    if fmt == "json":
        click.echo(json_text(records, indent=2))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else ["label"], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({key: spreadsheet_cell(_csv_text(value)) for key, value in r.items()} for r in records)
        click.echo(buffer.getvalue(), nl=False)
    else:
        headers = ["Role", "Duties", "Skills", "IRI"]
        rows = [(r["label"], r["duties"], r["skills"], r["iri"]) for r in records]
        click.echo(_table(headers, rows))
        click.echo(f"\n{len(rows)} role(s).")


@cli.command()
@click.argument("role")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def show(ctx: click.Context, role: str, fmt: str) -> None:
    """Print everything the graph knows about ROLE (a label, alternative label, IRI or local name)."""
    profile = _graph(ctx).profile(role)
    grouped = profile.by_category()
    if fmt == "json":
        document = {
            "role": str(profile.role),
            "label": profile.label,
            "definition": profile.definition,
            "categories": {
                category: [
                    {
                        "value": str(e.value),
                        "label": e.label,
                        "details": list(e.details),
                        "citations": [
                            {"source": c.source, "heading": c.heading, "paragraph": c.paragraph, "line": c.line}
                            for c in e.citations
                        ],
                    }
                    for e in entries
                ]
                for category, entries in grouped.items()
            },
        }
        click.echo(json_text(document, indent=2))
        return
    click.echo(f"{_clean(profile.label)}  <{_clean(profile.role)}>")
    if profile.definition:
        click.echo(_clean(profile.definition))
    sources = sorted({c.source for e in profile.entries for c in e.citations})
    for category, entries in grouped.items():
        click.echo(f"\n{category} ({len(entries)})")
        for entry in sorted(entries, key=lambda e: e.label.casefold()):
            cited = "; ".join(str(c) for c in entry.citations) or "no citation"
            click.echo(f"  - {_clean(entry.label)}  [{_clean(cited)}]")
            for detail in entry.details:
                click.echo(f"      {_clean(detail)}")
    if sources:
        click.echo("\nSources: " + "; ".join(_clean(s) for s in sources))


@cli.command()
@click.argument("roles", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--html", "html_path", metavar="FILE", help="Also write the interactive network page to FILE.")
@click.pass_context
def compare(ctx: click.Context, roles: tuple[str, ...], fmt: str, html_path: str | None) -> None:
    """Compare two or more ROLES: per category, what they share and what is unique to each, with Jaccard
    similarities."""
    if len(roles) < 2:
        raise InputError('compare needs at least two roles, e.g. rolegraph compare "Production Manager" Producer.')
    graph = _graph(ctx)
    iris = [graph.resolve(name) for name in roles]
    comparison = compare_roles(graph.engine, iris)
    if html_path is not None:
        from ..network import comparison_network
        from ..render import network_page

        network = comparison_network(graph.engine, iris)
        _write(html_path, network_page(network), "page")
    if fmt == "json":
        click.echo(json_text(comparison.to_dict(), indent=2))
    elif fmt == "csv":
        click.echo(comparison_csv(comparison), nl=False)
    else:
        click.echo(comparison_text(comparison, terminal_width()))


@cli.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def resolve(ctx: click.Context, name: str, fmt: str) -> None:
    """List every role NAME can mean (labels, alternative labels, codes) across the loaded sources, best first, and
    say which one commands take it to mean, and by what rule."""
    from ..roles import RESOLUTION_RULE, AmbiguousRoleError, choose_with_others, find_roles

    engine = _graph(ctx).engine
    found = find_roles(engine, name)
    if not found and fmt != "json":
        choose_with_others(engine, name, found)  # raises UnknownRoleError with close names, as show does
    if fmt == "json":
        records = [
            {
                "iri": str(m.iri),
                "label": m.label,
                "matched": m.matched,
                "how": m.kind,
                "source": m.source,
                "code": m.code,
            }
            for m in found
        ]
        click.echo(json_text(records, indent=2))
        return
    rows = [(m.label, m.kind, m.source, m.code, str(m.iri)) for m in found]
    click.echo(_table(["Role", "Matched by", "Source", "Code", "IRI"], rows))
    click.echo(f"\n{len(rows)} role(s) named {name!r}.")
    try:
        chosen = choose_with_others(engine, name, found).role
        click.echo(_clean(f"Commands take {name!r} to mean {chosen.label} <{chosen.iri}>."))
    except AmbiguousRoleError as error:
        click.echo(_clean(f"Commands refuse {name!r}: {len(error.candidates)} roles tie."))
    click.echo(textwrap.fill(RESOLUTION_RULE, width=min(110, terminal_width() or 110)))
