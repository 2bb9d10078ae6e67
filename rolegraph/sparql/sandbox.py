"""A second wall behind the safety check: queries run in a thread that the operating system forbids to open network
connections and to touch files outside a few folders, so that a query the check let through by mistake still
cannot reach the network or read a file.

On Linux two walls are raised in that thread, each on its own: a seccomp filter (the thread cannot create any
socket but a Unix one, nor an io_uring) and Landlock (no TCP connections at all, and files only under the folders
given: Python's own, rolegraph's, the store's). Both restrict the calling thread only, so the rest of the program
is untouched. Where the kernel has neither (other systems, old kernels), :attr:`Sandbox.missing` says so and the
safety check is the only wall.

>>> box = Sandbox()
>>> box.run(sum, [1, 2, 3])
6
"""

from __future__ import annotations

import ctypes
import os
import platform
import queue
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["Sandbox", "default_read_paths", "shared_sandbox", "wall_this_thread"]

T = TypeVar("T")

_ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}  # audit arch, socket() syscall number
_IO_URING_SETUP = 425  # the same on every architecture (the generic syscall table)
_LANDLOCK_CREATE_RULESET, _LANDLOCK_ADD_RULE, _LANDLOCK_RESTRICT_SELF = 444, 445, 446
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_EACCES = 13

# Landlock rights: execute, write, read file, read dir, remove dir/file, make char/dir/reg/sock/fifo/block/sym.
_FS_ABI1 = (1 << 13) - 1
_READ = (1 << 0) | (1 << 2) | (1 << 3)
_FILE_RIGHTS = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 14) | (1 << 15)
_WRITE = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 14)
_NET_ALL = (1 << 0) | (1 << 1)  # bind and connect TCP


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _deny_sockets() -> None:
    """Install a seccomp filter on the calling thread: socket() for anything but AF_UNIX, and io_uring_setup(),
    fail with EACCES."""
    arch, socket_nr = _ARCHES[platform.machine()]
    ld, jeq, ret = 0x20, 0x15, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | _EACCES
    program = [
        (ld, 0, 0, 4),  # 0: the architecture
        (jeq, 0, 5, arch),  # 1: another one (a 32-bit call): allow, we cannot read its numbers
        (ld, 0, 0, 0),  # 2: the syscall number
        (jeq, 4, 0, _IO_URING_SETUP),  # 3: io_uring can open sockets by itself: deny
        (jeq, 0, 2, socket_nr),  # 4: not socket(): allow
        (ld, 0, 0, 16),  # 5: socket()'s first argument, the address family
        (jeq, 0, 1, 1),  # 6: AF_UNIX (the worker's pipes): allow; anything else: deny
        (ret, 0, 0, allow),  # 7
        (ret, 0, 0, deny),  # 8
    ]
    filters = (_SockFilter * len(program))(*(_SockFilter(*step) for step in program))
    fprog = _SockFprog(len(program), filters)
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


def _restrict_files(read: Iterable[Path], write: Iterable[Path], files: bool = True) -> None:
    """Landlock the calling thread: files only under ``read`` (read) and ``write`` (read and write), and, where the
    kernel's Landlock knows networks (ABI 4 and later), no TCP bind or connect. With ``files`` false, only the
    network rule."""
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    if abi < 1:
        raise OSError(ctypes.get_errno(), f"Landlock is not available ({os.strerror(ctypes.get_errno())})")
    handled = _FS_ABI1 | (1 << 13 if abi >= 2 else 0) | (1 << 14 if abi >= 3 else 0) | (1 << 15 if abi >= 5 else 0)
    if not files:
        if abi < 4:
            raise OSError(0, f"Landlock ABI {abi} has no network rules")
        handled = 0
    attr = _RulesetAttr(handled, _NET_ALL if abi >= 4 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 4 else 8
    ruleset = libc.syscall(_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), f"landlock_create_ruleset: {os.strerror(ctypes.get_errno())}")
    try:
        rules = [(path, _READ) for path in read] + [(path, _READ | _WRITE) for path in write] if files else []
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a folder that is not there needs no rule
            try:
                allowed = rights & handled
                if not os.path.isdir(path):
                    allowed &= _FILE_RIGHTS
                rule = _PathBeneathAttr(allowed, fd)
                if libc.syscall(_LANDLOCK_ADD_RULE, ruleset, 1, ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule {path}: {os.strerror(ctypes.get_errno())}")
            finally:
                os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(_LANDLOCK_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_restrict_self: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(ruleset)


def default_read_paths() -> list[Path]:
    """The folders a query thread may read: Python's installation and import path, rolegraph's package and shipped
    files, and the system's libraries (never /etc, /home, /proc or /tmp as a whole)."""
    from ..model.resources import data_root

    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), Path(__file__).resolve().parents[1]}
    # The import path, but not the working folder (python -m puts it there): it may be a home folder.
    here = Path.cwd().resolve()
    paths.update(Path(entry) for entry in sys.path if entry and os.path.isdir(entry) and Path(entry).resolve() != here)
    paths.update(Path(p) for p in ("/usr/lib", "/usr/lib64", "/usr/share", "/lib", "/lib64"))
    root = data_root()
    if isinstance(root, Path):
        paths.update((root / "ontology", root / "queries"))
    return sorted({p.resolve() for p in paths if p.exists()})


def wall_this_thread(
    read: Iterable[Path], write: Iterable[Path] = (), files: bool = True
) -> tuple[list[str], list[str]]:
    """Raise both walls on the calling thread (and the threads it starts from now on): no sockets but Unix ones,
    files only under ``read`` and ``write`` (unless ``files`` is false), no TCP. Returns the walls raised and, for
    the others, why not."""
    walls: list[str] = []
    missing: list[str] = []
    if sys.platform != "linux":
        return walls, [f"no seccomp or Landlock on {sys.platform}"]
    if platform.machine() in _ARCHES:
        try:
            _deny_sockets()
            walls.append("seccomp: no sockets but Unix ones")
        except OSError as error:
            missing.append(f"seccomp: {error.strerror or error}")
    else:
        missing.append(f"seccomp: not set up for {platform.machine()}")
    try:
        _restrict_files(list(read), list(write), files)
        walls.append("Landlock: files only under Python's, rolegraph's and the store's folders; no TCP" if files
                     else "Landlock: no TCP")  # fmt: skip
        if not files:
            missing.append("Landlock's file rule: the store's folder is not known")
    except OSError as error:
        missing.append(f"Landlock: {error.strerror or error}")
    return walls, missing


_STOP = object()


class Sandbox:
    """A thread with the walls raised, running one callable at a time (:meth:`run`); ``read`` and ``write`` are the
    folders it may use besides :func:`default_read_paths`. With ``files`` false, files are not walled (for a store
    on disk whose folder is not known: it opens its files as it reads them)."""

    def __init__(self, read: Iterable[Path] = (), write: Iterable[Path] = (), files: bool = True) -> None:
        self.read = default_read_paths() + [Path(p) for p in read]
        self.write = [Path(p) for p in write]
        self.files = files
        self.walls: list[str] = []
        self.missing: list[str] = []
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._main, name="rolegraph-sandbox", daemon=True)
        self._thread.start()
        self._ready.wait()

    def _raise_walls(self) -> None:
        self.walls, self.missing = wall_this_thread(self.read, self.write, self.files)

    def _main(self) -> None:
        try:
            self._raise_walls()
        finally:
            self._ready.set()
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            function, args, answer = job
            try:
                answer.put((True, function(*args)))
            except BaseException as error:  # handed to the caller's thread, raised there
                # Frames of this thread may hold engine objects that must die here (pyoxigraph's are bound to
                # the thread that made them): hand over the exception without them.
                for link in (error, error.__context__, error.__cause__):
                    if link is not None and link.__traceback__ is not None:
                        traceback.clear_frames(link.__traceback__)
                error.__context__ = error.__cause__ = None
                answer.put((False, error.with_traceback(None)))
            del job, function, args, answer

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in the sandboxed thread; its result, or its exception raised here."""
        answer: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        with self._lock:  # one job at a time: the thread is the wall, so it is never bypassed by a second one
            self._jobs.put((function, args, answer))
            ok, value = answer.get()
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

    def close(self) -> None:
        """Stop the thread (after the job it runs)."""
        self._jobs.put(_STOP)


_shared: dict[tuple[bool, tuple[Path, ...], tuple[tuple[int, int], ...]], Sandbox] = {}
_shared_lock = threading.Lock()
# A forked child has none of its parent's threads: it starts its own sandboxes.
os.register_at_fork(after_in_child=_shared.clear)


def shared_sandbox(write: Iterable[Path] = (), files: bool = True) -> Sandbox:
    """One sandbox per set of writable folders, started on first use and kept for the life of the process."""
    folders = tuple(sorted(Path(p).resolve() for p in write))
    # Landlock holds a folder by its inode: once a store's folder is swapped for a rewritten one (compaction, in this
    # process or another), the old wall no longer covers the path, so the key names the inodes too.
    key = (files, folders, tuple(_inode(folder) for folder in folders))
    with _shared_lock:
        if key not in _shared:
            for other in [k for k in _shared if k[:2] == key[:2]]:
                _shared.pop(other).close()  # the folder it walled is gone from this path
            _shared[key] = Sandbox(write=folders, files=files)
        return _shared[key]


def _inode(folder: Path) -> tuple[int, int]:
    try:
        status = folder.stat()
    except OSError:
        return (0, 0)
    return (status.st_dev, status.st_ino)
