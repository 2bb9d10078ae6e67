"""SQLite files kept beside a store (the name index, the link index): written whole into a temporary file and put in
place atomically, opened read-only, and refused when they were built for another layout or for other graphs."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

__all__ = ["in_memory", "open_index", "write_index"]


def in_memory(fill: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    """A new in-memory database, filled by ``fill``."""
    import sqlite3  # imported where used: commands that never build an index never need it

    connection = sqlite3.connect(":memory:", check_same_thread=False)
    fill(connection)
    return connection


def write_index(path: Path, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Write the database ``fill`` fills to ``path``, replacing any file there in one step; readable by whoever may
    read the folder. A failure leaves ``path`` as it was."""
    import sqlite3

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        # Readable by whoever may read the store's folder (mkstemp makes files only their owner can read).
        os.chmod(temporary, stat.S_IMODE(path.parent.stat().st_mode) & 0o666)
        with contextlib.closing(sqlite3.connect(temporary)) as connection:
            connection.execute("PRAGMA journal_mode = OFF")
            fill(connection)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def open_index(path: Path, key: str, layout: int) -> sqlite3.Connection:
    """The database in the file ``path`` if its ``meta`` table says it has this ``layout`` and was built for ``key``;
    sqlite3.Error or OSError otherwise."""
    import sqlite3

    if not path.is_file():
        raise FileNotFoundError(path)
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"  # files are replaced whole, never changed in place
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != str(layout) or meta.get("key") != key:
            raise sqlite3.DatabaseError(f"{path} is an index of another layout or of other graphs")
    except BaseException:
        connection.close()
        raise
    return connection
