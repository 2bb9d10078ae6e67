"""The ``rolegraph`` command: thin click commands over the library (may import every part of it).

Exit codes: 0 success, 1 internal error, 2 bad input (usage, files, names; an import that failed and changed nothing),
3 data does not conform to the shapes, 4 an import was committed but the store could not finish tidying up (a full
disk, ...)."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from ..display import clean as _clean
from ..errors import InputError, RolegraphError
from . import aligning, career, checking, drawing, explore, exporting, querying, serving, storage  # noqa: F401 - importing them adds their commands
from .base import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, _OutputClosedError, cli

__all__ = ["cli", "main"]


def _late_store(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        obj = ctx.find_object(dict)
        assert obj is not None
        obj["store"] = value


def _late_data(ctx: click.Context, _param: click.Parameter, value: tuple[Path, ...]) -> None:
    if value:
        obj = ctx.find_object(dict)
        assert obj is not None
        obj["data"] = tuple(obj.get("data") or ()) + value


def _accept_global_options(command: click.Command) -> None:
    """``--store`` and ``--data`` after a command's name too (``rolegraph compare A B --store DIR``), as before it."""
    command.params.append(
        click.Option(
            ["--store"],
            metavar="FOLDER|sparql+URL",
            expose_value=False,
            callback=_late_store,
            help="The store or SPARQL server to use (as `rolegraph --store`).",
        )
    )
    command.params.append(
        click.Option(
            ["--data"],
            multiple=True,
            type=click.Path(dir_okay=False, path_type=Path),
            expose_value=False,
            callback=_late_data,
            help="An extra file for the shipped graph (as `rolegraph --data`).",
        )
    )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _accept_global_options(sub)


@cli.command("help")
@click.argument("command", nargs=-1)
def help_command(command: tuple[str, ...]) -> None:
    """Show the help of COMMAND (`rolegraph help import esco`), or of rolegraph itself."""
    context = click.Context(cli, info_name="rolegraph")
    target: click.Command = cli
    for name in command:
        sub = target.get_command(context, name) if isinstance(target, click.Group) else None
        if sub is None:
            raise InputError(f"no command {' '.join(command)!r}; `rolegraph help` lists the commands.")
        target = sub
        context = click.Context(sub, info_name=name, parent=context)
    click.echo(context.get_help())


for _command in list(cli.commands.values()):
    if _command.name != "help":
        _accept_global_options(_command)


def _fail(message: str, code: int) -> NoReturn:
    text = "\n".join(_clean(line) for line in f"rolegraph: error: {message}".split("\n"))
    click.echo(text, err=True)
    raise SystemExit(code)


_warned: set[str] = set()


def _warn(message: str) -> None:
    """One line on stderr, once per message."""
    message = message.strip().split("\n", 1)[0]
    if message not in _warned:
        _warned.add(message)
        click.echo(_clean(f"rolegraph: warning: {message}"), err=True)


class _RdflibWarnings(logging.Handler):
    """rdflib's logged warnings as one line each, without the tracebacks rdflib attaches."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if converted := re.match(r"Failed to convert Literal lexical form to value\. Datatype=(\S+),", message):
            why = f" ({record.exc_info[1]})" if record.exc_info and record.exc_info[1] else ""
            message = (
                f"a literal's text is not a valid <{converted.group(1)}> value{why}; it is kept as written, "
                "and compares and sorts as text"
            )
        _warn(message)


def _show_warning(message: Warning | str, category: type[Warning], *_where: Any, **_options: Any) -> None:
    _warn(str(message))


def _report_warnings() -> None:
    """Warnings (rdflib's logged ones, and Python warnings such as "Parsing weird boolean") as one line each."""
    import warnings

    warnings.showwarning = _show_warning
    logger = logging.getLogger("rdflib")
    if not any(isinstance(handler, _RdflibWarnings) for handler in logger.handlers):
        logger.addHandler(_RdflibWarnings())


def _output_closed() -> NoReturn:
    """The reader of standard output has gone (``| head``): stop quietly, as Python's documentation advises (what
    is still buffered goes to /dev/null, so the exit is not an error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (an in-process caller's captured output)
        pass
    raise SystemExit(EXIT_OK)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; turn every error into a message on stderr and an exit code, never a traceback."""
    _report_warnings()
    stdout = sys.stdout
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="rolegraph", standalone_mode=False)
        sys.stdout.flush()
        if isinstance(code, int) and not isinstance(code, bool) and code != EXIT_OK:  # a click ctx.exit(code)
            raise SystemExit(code)
    except click.exceptions.Abort:
        _fail("interrupted.", 130)
    except click.ClickException as error:
        error.show()
        raise SystemExit(EXIT_INPUT) from None
    except RolegraphError as error:
        if os.environ.get("RG_DEBUG") and error.__cause__ is not None:
            import traceback

            traceback.print_exception(error)
        _fail(str(error), error.exit_code)
    except (_OutputClosedError, BrokenPipeError):
        _output_closed()
    except SystemExit as exited:
        if exited.code == 1 and sys.stdout is not stdout:  # click's own answer to a closed pipe (during --help)
            _output_closed()
        raise
    except KeyboardInterrupt:
        _fail("interrupted.", 130)
    except RecursionError:
        _fail("the input is nested too deeply to process.", EXIT_INPUT)
    except MemoryError:
        _fail("out of memory while processing the input.", EXIT_INTERNAL)
    except Exception as error:  # a bug: say so plainly; RG_DEBUG=1 shows the traceback for a report
        import traceback

        if os.environ.get("RG_DEBUG"):
            traceback.print_exc()
        _fail(
            f"internal error ({type(error).__name__}: {error}). Please report it; RG_DEBUG=1 shows details.",
            EXIT_INTERNAL,
        )
    raise SystemExit(EXIT_OK)
