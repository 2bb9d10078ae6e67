"""Write output files atomically: the target path holds either its old content or the complete new content."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from .errors import OutputError

__all__ = ["write_output"]


def write_output(target: str | os.PathLike[str], data: bytes) -> Path | None:
    """Write ``data`` to ``target`` (``-`` means stdout) through a temporary file renamed into place.

    Returns the path written, or None for stdout. Raises :class:`OutputError` naming the path and the reason, and
    leaves no partial file behind.
    """
    if os.fspath(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return None
    path = Path(target)
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name to write to.")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{path}: the folder {directory} does not exist; create it first.")
    temporary: str | None = None
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes files private; outputs get the usual permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror or error}); nothing was written.") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return path
