"""Looking at roles: list them, show one, compare two or more, and say what a name means."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence

import click

from ..compare.comparison import compare_roles
from ..compare.profile import Citation, RoleProfile
from ..display import clean as _clean
from ..display import comparison_csv, comparison_text, terminal_width
from ..errors import InputError
from ..model.iris import VOCAB
from ..sparql.results import (
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
    summaries = _graph(ctx, light=True).roles(profiled_only=not show_all)
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


_REQUIRES_EDUCATION = VOCAB + "requiresEducation"

ALTERNATE_TITLES_SHOWN = 8
"""How many alternate titles ``show`` prints in text (JSON has them all)."""


def _citation_record(c: Citation) -> dict[str, object]:
    return {"source": c.source, "file": c.file, "heading": c.heading, "paragraph": c.paragraph, "line": c.line}


def _cited(citations: Sequence[Citation]) -> str:
    return "; ".join(str(c) for c in citations) or "no citation"


def _short_level(label: str) -> str:
    """An education level's name without O*NET's explanation ("High School Diploma - or the equivalent ...")."""
    return label.split(" - ", 1)[0]


def _profile_document(profile: RoleProfile) -> dict[str, object]:
    """``show --format json``: every entry with its weights as numbers, and the role's own facts."""
    zone = profile.job_zone
    zone_facts = profile.facts_of("job zone")
    titles = profile.facts_of("alternate title")
    return {
        "role": str(profile.role),
        "label": profile.label,
        "definition": profile.definition,
        "job_zone": (
            {"zone": zone[0], "meaning": zone[1], "citations": [_citation_record(c) for c in zone_facts[0].citations]}
            if zone is not None
            else None
        ),
        "alternate_titles": {
            "count": len(titles),
            "titles": [f.label for f in titles],
            "citations": [_citation_record(c) for c in sorted({c for f in titles for c in f.citations}, key=str)],
        },
        "related_occupations": [
            {
                "iri": f.value,
                "label": f.label,
                "code": f.code,
                "tier": f.tier[0],
                "index": f.tier[1],
                "citations": [_citation_record(c) for c in f.citations],
            }
            for f in profile.facts_of("related occupation")
        ],
        "education_shares": [
            {
                "iri": f.value,
                "label": f.label,
                "code": f.code,
                "percentage": f.number,
                "note": f.note,
                "citations": [_citation_record(c) for c in f.citations],
            }
            for f in profile.facts_of("education share")
        ],
        "categories": {
            category: [
                {
                    "value": str(e.value),
                    "label": e.label,
                    "weights": dict(e.weights),
                    "details": list(e.details),
                    "citations": [_citation_record(c) for c in e.citations],
                }
                for e in entries
            ]
            for category, entries in profile.by_category().items()
        },
        "sources": [_citation_record(c) for c in profile.sources],
    }


def _profile_text(profile: RoleProfile) -> list[str]:
    """``show`` as text: the role's own facts, then each category heaviest first with weights and citations."""
    lines = [f"{profile.label}  <{profile.role}>"]
    if profile.definition:
        described = [f for f in profile.facts_of("description") if f.value == profile.definition]
        lines.append(profile.definition + (f"  [{_cited(described[0].citations)}]" if described else ""))
    if (zone := profile.job_zone) is not None:
        cited = _cited(profile.facts_of("job zone")[0].citations)
        lines.append(f"Job zone: {zone[0]} of 5, {zone[1]}  [{cited}]")
    titles = profile.facts_of("alternate title")
    if titles:
        shown = ", ".join(f.label for f in titles[:ALTERNATE_TITLES_SHOWN])
        more = f", and {len(titles) - ALTERNATE_TITLES_SHOWN} more" if len(titles) > ALTERNATE_TITLES_SHOWN else ""
        cited = _cited(sorted({c for f in titles for c in f.citations}, key=str))
        lines.append(f"Alternate titles ({len(titles)}): {shown}{more}  [{cited}]")
    shares = profile.facts_of("education share")
    for category, entries in profile.by_category().items():
        lines += ["", f"{category} ({len(entries)})"]
        for entry in entries:
            weight = entry.weight_text
            modal = str(entry.property) in (VOCAB + "requiresExperience", VOCAB + "requiresTraining") or (
                str(entry.property) == _REQUIRES_EDUCATION and bool(shares)
            )
            if modal and "percentage" in entry.weights:
                weight += " (most reported)"
            lines.append(f"  - {entry.label}" + (f"  {weight}" if weight else "") + f"  [{_cited(entry.citations)}]")
            lines += [f"      {detail}" for detail in entry.details]
            if str(entry.property) == _REQUIRES_EDUCATION and shares and "percentage" in entry.weights:
                reported = ", ".join(f"{_short_level(f.label)} {f.number:.2f} %" for f in shares)
                lines.append(f"      every level reported: {reported}")
    related = profile.facts_of("related occupation")
    if related:
        lines += ["", f"Related occupations ({len(related)})"]
        for fact in related:
            code = f" ({fact.code})" if fact.code else ""
            note = f"  {fact.note}" if fact.note else ""
            lines.append(f"  - {fact.label}{code}{note}  [{_cited(fact.citations)}]")
    sources = sorted({c.source for e in profile.entries for c in e.citations} | {c.source for c in profile.sources})
    if sources:
        lines += ["", "Sources: " + "; ".join(sources)]
    return lines


@cli.command()
@click.argument("role")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def show(ctx: click.Context, role: str, fmt: str) -> None:
    """Print everything the graph knows about ROLE (a label, alternative label, IRI or local name): each kind of
    fact under its heading, heaviest first, with its weights (O*NET importance and level, ESCO essential or
    optional, education shares) and where it was said."""
    profile = _graph(ctx, light=True).profile(role)
    if fmt == "json":
        click.echo(json_text(_profile_document(profile), indent=2))
        return
    for line in _profile_text(profile):
        click.echo(_clean(line))


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
    graph = _graph(ctx, light=html_path is None)  # the page's network is built from rdflib's terms
    iris = [graph.resolve(name) for name in roles]
    comparison = compare_roles(graph.engine, iris)
    if html_path is not None:
        from ..graph.network import comparison_network
        from ..graph.render import network_page

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
    from ..compare.roles import RESOLUTION_RULE, AmbiguousRoleError, choose_with_others, find_roles

    engine = _graph(ctx, light=True).engine
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
