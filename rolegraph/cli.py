"""The ``rolegraph`` command: thin click commands over the library. Exit codes: 0 success, 1 internal error,
2 bad input (usage, files, names), 3 data does not conform to the shapes."""

from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .api import RoleGraph, load
from .errors import RolegraphError
from .export import EXPORT_FORMATS, serialize
from .fileio import write_output

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INVALID = 0, 1, 2, 3


def _clean(text: str) -> str:
    """Text safe to print on a terminal: control characters (escape sequences, newlines) shown as spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in str(text))


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[_clean(str(c)) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _graph(ctx: click.Context) -> RoleGraph:
    obj = ctx.find_object(dict)
    assert obj is not None
    if "graph" not in obj:
        obj["graph"] = load(obj.get("data", ()))
    graph: RoleGraph = obj["graph"]
    return graph


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rolegraph")
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="An extra Turtle or N-Triples file to load with the shipped graph (repeatable).",
)
@click.pass_context
def cli(ctx: click.Context, data: tuple[Path, ...]) -> None:
    """Compare job roles: a knowledge graph of roles, skills, duties, certifications and salaries."""
    ctx.ensure_object(dict)["data"] = data


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
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else ["label"], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(records)
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
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    click.echo(f"{_clean(profile.label)}  <{profile.role}>")
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
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-shipped", is_flag=True, help="Validate FILES together with the shipped data.")
def validate(files: tuple[Path, ...], with_shipped: bool) -> None:
    """Check the shipped data, or FILES, against the SHACL shapes. Exit 0 when valid, 3 when not."""
    from .validation import validate as run_validation

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


@cli.command()
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="ttl", show_default=True)
@click.option("-o", "--output", default="-", show_default=True, help="File to write; - for standard output.")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: str) -> None:
    """Write the whole graph (vocabulary, data, links) as Turtle, N-Triples or JSON-LD."""
    data = serialize(_graph(ctx).rdf, fmt)
    written = write_output(output, data)
    if written is not None:
        click.echo(f"Wrote {len(data):,} bytes ({fmt}) to {written}.", err=True)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"rolegraph: error: {message}", err=True)
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; turn every error into a message on stderr and an exit code, never a traceback."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="rolegraph", standalone_mode=False)
    except click.exceptions.Abort:
        _fail("interrupted.", 130)
    except click.ClickException as error:
        error.show()
        raise SystemExit(EXIT_INPUT) from None
    except RolegraphError as error:
        _fail(str(error), error.exit_code)
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(EXIT_OK) from None
    except KeyboardInterrupt:
        _fail("interrupted.", 130)
    except RecursionError:
        _fail("the input is nested too deeply to process.", EXIT_INPUT)
    except MemoryError:
        _fail("out of memory while processing the input.", EXIT_INTERNAL)
    except SystemExit:
        raise
    except Exception as error:  # a bug: say so plainly; RG_DEBUG=1 shows the traceback for a report
        import os
        import traceback

        if os.environ.get("RG_DEBUG"):
            traceback.print_exc()
        _fail(
            f"internal error ({type(error).__name__}: {error}). Please report it; RG_DEBUG=1 shows details.",
            EXIT_INTERNAL,
        )
    raise SystemExit(EXIT_OK)
