"""Run server jobs (SPARQL queries, pages) in worker processes that can be stopped: a job past its time limit or over
its memory cap is killed with its process (no engine here can cancel a running query), and a fresh worker takes its
place.

The pool bounds concurrency: at most ``size`` jobs run at once, at most ``queue`` wait for a worker; a job that finds
the queue full is refused at once (:class:`BusyError`, which the server answers with 503 and Retry-After). A worker
that cannot be replaced (the graph cannot be opened, say because an import holds the store) is retried with a growing
delay, logged each time; meanwhile :meth:`WorkerPool.health` reports the pool as degraded.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

__all__ = [
    "BusyError",
    "Job",
    "JobResult",
    "NoWorkersError",
    "OverMemoryError",
    "PoolHealth",
    "TimedOutError",
    "WorkerDiedError",
    "WorkerPool",
]

MEMORY_CHECK_INTERVAL = 0.05
"""Seconds between two looks at a busy worker's memory."""

RETRY_DELAYS = (0.5, 30.0)
"""The first and the longest delay, in seconds, between attempts to start a replacement worker (doubling)."""


def _clip(text: str, width: int = 200) -> str:
    shown = repr(text[:width])  # repr: a query's line ends and control characters cannot forge log lines
    return shown if len(text) <= width else f"{shown}... ({len(text):,} characters)"


@dataclass(frozen=True)
class Job:
    """What a worker is asked to do: a kind (``sparql``, ``page``) and its arguments."""

    kind: str
    args: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """The job for a log line: its kind and the start of its query or the page and role names it asks for."""
        if self.kind == "sparql":
            query = self.args.get("query")
            return "the service description" if query is None else f"SPARQL query {_clip(str(query))}"
        details = [str(self.args.get("name", "?"))]
        if "role" in self.args:
            details.append(_clip(str(self.args["role"]), 80))
        details.extend(_clip(str(role), 80) for role in self.args.get("roles", ()))
        return f"{self.kind} " + " ".join(details)


@dataclass(frozen=True)
class JobResult:
    """An HTTP answer made by a worker: status, headers and body."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class PoolHealth:
    """How many workers are alive out of how many the pool should have, and why some are missing."""

    alive: int
    size: int
    busy: int
    waiting: int
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every configured worker is alive."""
        return self.alive >= self.size


class BusyError(Exception):
    """Every worker is busy and the queue is full."""


class TimedOutError(Exception):
    """The job ran past its time limit; its worker was killed."""


class OverMemoryError(Exception):
    """The job's worker went over the memory cap and was killed."""

    def __init__(self, used_mb: float, cap_mb: int) -> None:
        super().__init__(f"{used_mb:.0f} MB used, cap {cap_mb} MB")
        self.used_mb = used_mb
        self.cap_mb = cap_mb


class WorkerDiedError(Exception):
    """The worker running the job stopped (a crash in the engine, a signal)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NoWorkersError(Exception):
    """No worker is alive and replacements are failing to start."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


Handler = Callable[[Any, Job], JobResult]
Opener = Callable[[], Any]
Log = Callable[[str], None]

_MEMORY_MESSAGE = b"the request ran out of memory in its worker; narrow the query (LIMIT, more specific patterns).\n"


def _worker_main(connection: Connection, opener: Opener, handler: Handler) -> None:
    try:
        context = opener()
    except BaseException as error:  # the pool reports it and retries
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    connection.send(("ready", getattr(context, "walls", None)))  # what the worker is walled by, for the log
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = handler(context, job)
        except MemoryError:
            result = JobResult(503, {"Content-Type": "text/plain; charset=utf-8"}, _MEMORY_MESSAGE)
        except BaseException as error:  # never let a job kill the worker silently
            import traceback

            traceback.print_exc()  # to the server's stderr, never to the client
            message = f"internal error ({type(error).__name__}); see the server's log.\n"
            result = JobResult(500, {"Content-Type": "text/plain; charset=utf-8"}, message.encode())
        connection.send(result)


def _anonymous_mb(pid: int) -> float | None:
    """Resident memory of process ``pid`` that no file backs (heap, query state), in MB; None without /proc.

    Pages of the database's files that the kernel maps in are left out: they can be dropped at any time.
    """
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return None
    return (int(fields[1]) - int(fields[2])) * _PAGE / 2**20


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def memory_cap_enforced() -> bool:
    """Whether this platform lets the pool watch a worker's memory (Linux's /proc)."""
    return _anonymous_mb(os.getpid()) is not None


class _Worker:
    def __init__(self, context: Any, opener: Opener, handler: Handler) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, opener, handler), daemon=True)
        self.process.start()
        child.close()

    def memory_mb(self) -> float | None:
        pid = self.process.pid
        return None if pid is None else _anonymous_mb(pid)

    def wait_ready(self, timeout: float, max_memory: int | None = None) -> None:
        if not self.connection.poll(timeout):
            self.kill()
            raise RuntimeError(f"a worker did not start within {timeout:.0f} s")
        try:
            state, detail = self.connection.recv()
        except (EOFError, OSError):
            self.kill()
            raise RuntimeError(f"a worker stopped while opening the graph ({self.exit_detail()})") from None
        if state != "ready":
            self.kill()
            raise RuntimeError(f"a worker could not open the graph: {detail}")
        self.walls = detail
        used = self.memory_mb() if max_memory is not None else None
        if used is not None and max_memory is not None and used > max_memory:
            self.kill()
            raise RuntimeError(f"a worker holds {used:.0f} MB once the graph is open, more than the memory cap of "
                               f"{max_memory} MB per worker; raise --max-memory")  # fmt: skip

    def exit_detail(self) -> str:
        """How the process ended: the signal that killed it or its exit code."""
        self.process.join(timeout=2)
        code = self.process.exitcode
        if code is None:
            return "it stopped answering"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"killed by signal {signal.Signals(-code).name}"
            return f"killed by signal {-code}"
        return f"exit code {code}"

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


def _stderr(line: str) -> None:
    sys.stderr.write(f"rolegraph serve: {line}\n")
    sys.stderr.flush()


class WorkerPool:
    """``size`` worker processes, each holding what ``opener`` returns (an open graph), running ``handler``.

    ``max_memory`` (MB) caps each worker's anonymous resident memory while it runs a job, where the platform lets
    the pool see it (see :func:`memory_cap_enforced`). Worker deaths, kills and failed restarts go to ``log``.
    """

    def __init__(
        self,
        opener: Opener,
        handler: Handler,
        *,
        size: int = 2,
        queue: int = 32,
        timeout: float = 10.0,
        max_memory: int | None = None,
        log: Log = _stderr,
        start_timeout: float = 60.0,
        retry_delays: tuple[float, float] = RETRY_DELAYS,
    ) -> None:
        self._context = multiprocessing.get_context("spawn")  # a fork would copy the parent's open database
        self._opener = opener
        self._handler = handler
        self.size = size
        self.queue = queue
        self.timeout = timeout
        self.max_memory = max_memory
        self.start_timeout = start_timeout
        self.retry_delays = retry_delays
        self._log = log
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._waiting = 0
        self._starting = 0
        self._problem: str | None = None
        self._closed = False
        self._stopping = threading.Event()
        self._condition = threading.Condition()
        started = [self._start() for _ in range(size)]
        try:
            for worker in started:
                worker.wait_ready(start_timeout, max_memory)
        except RuntimeError:
            for worker in started:
                worker.kill()
            raise
        self._idle.extend(started)
        self._all.update(started)
        self.walls: Any = started[0].walls if started else None
        """What the first worker reported it is walled by (see :mod:`rolegraph.sparql.sandbox`), as it sent it."""

    def _start(self) -> _Worker:
        return _Worker(self._context, self._opener, self._handler)

    def workers(self) -> list[int]:
        """The process ids of the live workers."""
        with self._condition:
            return sorted(w.process.pid for w in self._all if w.process.pid is not None)

    def busy_workers(self) -> list[int]:
        """The process ids of the workers running a job now."""
        with self._condition:
            return sorted(w.process.pid for w in self._all - set(self._idle) if w.process.pid is not None)

    def health(self) -> PoolHealth:
        """The pool's state now."""
        with self._condition:
            self._sweep()
            alive = len(self._all)
            return PoolHealth(alive, self.size, alive - len(self._idle), self._waiting,
                              None if alive >= self.size else self._problem)  # fmt: skip

    def _replace(self, dead: _Worker) -> None:
        """Start a worker in place of a dead one, in the background (opening the graph takes a moment), retrying
        with a growing delay until it starts or the pool is closed."""
        with self._condition:
            self._all.discard(dead)
            if self._closed:
                return
            self._starting += 1
        threading.Thread(target=self._start_replacement, name="rolegraph-worker-start", daemon=True).start()

    def _start_replacement(self) -> None:
        delay, longest = self.retry_delays
        attempt = 1
        while not self._stopping.is_set():
            try:
                worker = self._start()
                worker.wait_ready(self.start_timeout, self.max_memory)
            except (RuntimeError, OSError) as error:
                reason = str(error).rstrip(".")
                with self._condition:
                    self._problem = f"a replacement worker could not start: {reason}"
                    self._condition.notify_all()  # requests waiting for a worker that may never come re-check
                self._log(f"a replacement worker could not start (attempt {attempt}): {reason}; "
                          f"retrying in {delay:g} s")  # fmt: skip
                if self._stopping.wait(delay):
                    break
                delay = min(delay * 2, longest)
                attempt += 1
                continue
            with self._condition:
                self._starting -= 1
                if self._closed:
                    worker.kill()
                    return
                self._all.add(worker)
                self._idle.append(worker)
                if len(self._all) >= self.size:
                    self._problem = None
                self._condition.notify()
            if attempt > 1:
                self._log(f"a replacement worker started after {attempt} attempts")
            return
        with self._condition:
            self._starting -= 1

    def _sweep(self) -> None:
        """Replace idle workers that died between two jobs (killed from outside, say). Called holding the lock."""
        for worker in [w for w in self._idle if not w.process.is_alive()]:
            self._idle.remove(worker)
            detail = worker.exit_detail()
            worker.kill()
            self._log(f"a worker died while idle ({detail}); starting a new one")
            self._replace(worker)

    def _take(self, deadline: float) -> _Worker:
        with self._condition:
            self._sweep()
            if not self._all and self._problem:
                raise NoWorkersError(self._problem)
            if not self._idle and self._waiting >= self.queue:
                raise BusyError()
            self._waiting += 1
            try:
                while True:
                    self._sweep()
                    if self._idle:
                        return self._idle.pop()
                    if not self._all and self._problem:
                        raise NoWorkersError(self._problem)
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or self._closed:
                        raise TimedOutError()
                    self._condition.wait(remaining)
            finally:
                self._waiting -= 1

    def run(self, job: Job, timeout: float | None = None) -> JobResult:
        """Run ``job`` on a free worker within ``timeout`` seconds (default: the pool's), counting the wait.

        Raises :class:`BusyError`, :class:`TimedOutError`, :class:`OverMemoryError`, :class:`WorkerDiedError` or
        :class:`NoWorkersError`; the worker is replaced after all but the first."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        worker = self._take(deadline)
        watch = self.max_memory is not None
        try:
            worker.connection.send(job)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                if worker.connection.poll(min(remaining, MEMORY_CHECK_INTERVAL) if watch else remaining):
                    result: JobResult = worker.connection.recv()
                    with self._condition:
                        self._idle.append(worker)
                        self._condition.notify()
                    return result
                used = worker.memory_mb() if watch else None
                if used is not None and self.max_memory is not None and used > self.max_memory:
                    worker.kill()
                    self._log(f"stopped a worker at {used:.0f} MB, over the cap of {self.max_memory} MB, running "
                              f"{job.describe()}")  # fmt: skip
                    self._replace(worker)
                    raise OverMemoryError(used, self.max_memory)
        except (EOFError, OSError):
            detail = worker.exit_detail()  # the worker died (a crash in the engine, a signal)
            worker.kill()
            self._log(f"a worker died ({detail}) running {job.describe()}; starting a new one")
            self._replace(worker)
            raise WorkerDiedError(detail) from None
        worker.kill()
        self._log(f"stopped a worker past the time limit of {limit:g} s running {job.describe()}")
        self._replace(worker)
        raise TimedOutError()

    def close(self) -> None:
        """Stop every worker."""
        with self._condition:
            self._closed = True
            self._stopping.set()
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._condition.notify_all()
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
            worker.kill()
