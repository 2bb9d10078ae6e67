"""Write output files safely: a regular file holds either its old content or the complete new content, and
anything that is not a regular file is written into, never replaced.

- ``-``, ``/dev/stdout`` and other names of an open descriptor (``/dev/fd/N``, ``/proc/self/fd/N``): written to
  that descriptor, as ``>&N`` would.
- A FIFO or a character device (``/dev/null``, a terminal): opened and written into directly.
- A regular file or a new path: a temporary file in the same folder, renamed into place (an existing file keeps its
  permissions). Through a symbolic link, the file the link points to is replaced and the link stays.
- A directory, a socket or a block device: refused.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import OutputError

__all__ = ["open_output", "write_output"]

_DESCRIPTOR = re.compile(rf"/(?:dev|proc/(?:self|thread-self|{os.getpid()}))/fd/([0-9]+)")


def write_output(target: str | os.PathLike[str], data: bytes) -> Path | None:
    """Write ``data`` to ``target`` (``-`` means stdout) as the module says.

    Returns the path written, or None for stdout. Raises :class:`OutputError` naming the path and the reason; a
    regular file is then left as it was, with no temporary file behind.
    """
    with open_output(target) as (stream, path):
        stream.write(data)
    return path


def _descriptor(path: Path) -> int | None:
    """The open descriptor ``path`` names (``/dev/stdout`` is a link to ``/proc/self/fd/1``), following links."""
    current = os.path.abspath(path)
    for _ in range(40):
        if match := _DESCRIPTOR.fullmatch(current):
            return int(match.group(1))
        if current in ("/dev/stdin", "/dev/stdout", "/dev/stderr"):
            return ("/dev/stdin", "/dev/stdout", "/dev/stderr").index(current)
        try:
            link = os.readlink(current)
        except OSError:
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return None


@contextlib.contextmanager
def open_output(target: str | os.PathLike[str]) -> Iterator[tuple[BinaryIO, Path | None]]:
    """A binary stream to write ``target`` piece by piece, with the same rules as :func:`write_output`: a regular
    file is replaced only when the with-block ends without an error (else it keeps its old content and no temporary
    file is left). Yields the stream and the path written (None for stdout); raises :class:`OutputError` naming
    the path and the reason when the output cannot be written."""
    if os.fspath(target) == "-":
        sys.stdout.flush()
        yield sys.stdout.buffer, None
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    descriptor = _descriptor(path)
    if descriptor is not None:
        try:
            stdout = sys.stdout.fileno()
        except (OSError, ValueError):  # standard output has no descriptor (captured in-process)
            stdout = 1
        if descriptor == stdout:
            sys.stdout.flush()
            yield sys.stdout.buffer, path
            sys.stdout.buffer.flush()
            return
        sys.stderr.flush()
        try:
            handle = os.fdopen(os.dup(descriptor), "wb")
        except OSError as error:
            raise OutputError(f"{path}: cannot write to descriptor {descriptor} ({error.strerror or error}).") from None
        try:
            with handle:
                yield handle, path
        except OSError as error:
            raise OutputError(f"{path}: cannot write to descriptor {descriptor} ({error.strerror or error}).") from None
        return
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror or error}); nothing was written.") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{path}: is a directory; give a file name to write to.")
        if not (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode)):
            kind = "socket" if stat.S_ISSOCK(info.st_mode) else "block device" if stat.S_ISBLK(info.st_mode) else (
                "special file")  # fmt: skip
            raise OutputError(
                f"{path}: is a {kind}, not a regular file, FIFO or character device; give a file name to write to."
            )
        try:
            with open(path, "wb") as stream:
                yield stream, path
        except OSError as error:
            raise OutputError(
                f"{path}: cannot write ({error.strerror or error}); the output may be incomplete."
            ) from None
        return
    real = Path(os.path.realpath(path))
    if not real.parent.is_dir():
        raise OutputError(f"{path}: the folder {real.parent} does not exist; create it first.")
    import tempfile  # imported where used: most commands write no file

    temporary: str | None = None
    try:
        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
            mode = None if info is None else stat.S_IMODE(info.st_mode)
            if mode is None:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask  # mkstemp makes files private; new outputs get the usual permissions
            os.chmod(temporary, mode)
            with os.fdopen(fd, "wb") as handle:
                yield handle, path
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, real)
            temporary = None
        except OSError as error:
            raise OutputError(f"{path}: cannot write ({error.strerror or error}); nothing was written.") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
