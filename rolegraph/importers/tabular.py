"""Read the tab- and comma-separated files of a release by column name, reporting bad rows with file:line."""

from __future__ import annotations

import csv
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .report import ImportReport

__all__ = ["RowError", "Table", "check_regular_file", "read_table"]

csv.field_size_limit(16 * 1024 * 1024)


class RowError(InputError):
    """A row that cannot be read (wrong number of fields, a value that is not a number, ...)."""

    def __init__(self, path: Path, line: int, column: str | None, detail: str) -> None:
        where = f"{path}:{line}" + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {detail}. Fix the row, or leave out --strict to skip and count such rows.")


def check_regular_file(path: Path) -> None:
    """Refuse a release file that is not a regular file: a device or FIFO (``/dev/zero``) could be read forever.
    A missing file is left to the caller, which knows whether it is optional."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror or error}).") from None
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file (a device, FIFO or socket)"
        raise InputError(f"{path}: is {kind}; a release's files must be regular files.")


@dataclass
class Table:
    """Rows of one file as dicts keyed by header name, with their 1-based line numbers."""

    path: Path
    rows: Iterator[tuple[int, dict[str, str]]]


def read_table(
    path: Path,
    required: Sequence[str],
    *,
    delimiter: str,
    report: ImportReport,
    strict: bool = False,
    short_rows: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of ``path`` by column name. Columns may come in any order and extra ones are ignored; blank lines are
    skipped; a row with the wrong number of fields raises :class:`RowError` when ``strict``, else it is counted in
    ``report`` and skipped. With ``short_rows``, a row with fewer fields than the header has its last columns empty
    (a file written without trailing empty cells). A missing required column or a file that is not UTF-8 is an
    :class:`InputError`."""
    check_regular_file(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror or error}).") from None
    with handle:
        if delimiter == ",":
            reader = csv.reader(handle, delimiter=delimiter, quotechar='"', strict=True)
        else:  # O*NET's tab-separated files have no quoting: a quote is an ordinary character there
            reader = csv.reader(handle, delimiter=delimiter, quoting=csv.QUOTE_NONE, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}: the file is empty; expected a header row.") from None
        except UnicodeDecodeError:
            raise InputError(f"{path}: the file is not UTF-8 text; convert it (for example with iconv).") from None
        except csv.Error as error:
            raise InputError(f"{path}:1: the header row cannot be read ({error}); is this the right file?") from None
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(
                f"{path}:1: missing column(s) {', '.join(repr(c) for c in missing)}; the header has "
                f"{', '.join(repr(h) for h in header)}."
            )
        report.files_read.append(path.name)
        if report.progress:
            report.progress(path.name, 0)
        line = 1
        count = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise InputError(f"{path}: near line {line + 1}: the file is not UTF-8 text; convert it.") from None
            except csv.Error as error:
                if strict:
                    raise RowError(path, reader.line_num, None, str(error)) from None
                report.skip(f"malformed rows in {path.name}")
                continue
            line = reader.line_num
            count += 1
            if report.progress and count % 5000 == 0:
                report.progress(path.name, count)
            if not row or all(not cell.strip() for cell in row):
                continue
            if short_rows and len(row) < len(header):
                row += [""] * (len(header) - len(row))
            if len(row) != len(header):
                if strict:
                    raise RowError(path, line, None, f"{len(row)} fields where the header has {len(header)}")
                report.skip(f"rows with the wrong number of fields in {path.name}")
                continue
            report.where = f"{path}:{line}"
            yield line, dict(zip(header, row, strict=True))
