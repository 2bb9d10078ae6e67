"""Run server jobs (SPARQL queries, pages) in worker processes that can be stopped: a job past its time limit is
killed with its process (no engine here can cancel a running query), and a fresh worker takes its place.

The pool bounds concurrency: at most ``size`` jobs run at once, at most ``queue`` wait for a worker; a job that finds
the queue full is refused at once (:class:`BusyError`, which the server answers with 503 and Retry-After).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["BusyError", "Job", "JobResult", "TimedOutError", "WorkerPool"]


@dataclass(frozen=True)
class Job:
    """What a worker is asked to do: a kind (``sparql``, ``page``) and its arguments."""

    kind: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobResult:
    """An HTTP answer made by a worker: status, headers and body."""

    status: int
    headers: dict[str, str]
    body: bytes


class BusyError(Exception):
    """Every worker is busy and the queue is full."""


class TimedOutError(Exception):
    """The job ran past its time limit; its worker was killed."""


Handler = Callable[[Any, Job], JobResult]
Opener = Callable[[], Any]


def _worker_main(connection: Connection, opener: Opener, handler: Handler) -> None:
    try:
        context = opener()
    except BaseException as error:  # the server reports it and stops starting workers
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    connection.send(("ready", None))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = handler(context, job)
        except BaseException as error:  # never let a job kill the worker silently
            import traceback

            traceback.print_exc()  # to the server's stderr, never to the client
            message = f"internal error ({type(error).__name__}); see the server's log.\n"
            result = JobResult(500, {"Content-Type": "text/plain; charset=utf-8"}, message.encode())
        connection.send(result)


class _Worker:
    def __init__(self, context: Any, opener: Opener, handler: Handler) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, opener, handler), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.connection.poll(timeout):
            self.kill()
            raise RuntimeError(f"a worker did not start within {timeout:.0f} s")
        state, detail = self.connection.recv()
        if state != "ready":
            self.kill()
            raise RuntimeError(f"a worker could not open the graph: {detail}")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class WorkerPool:
    """``size`` worker processes, each holding what ``opener`` returns (an open graph), running ``handler``."""

    def __init__(
        self, opener: Opener, handler: Handler, *, size: int = 2, queue: int = 32, timeout: float = 10.0
    ) -> None:
        self._context = multiprocessing.get_context("spawn")  # a fork would copy the parent's open database
        self._opener = opener
        self._handler = handler
        self.size = size
        self.queue = queue
        self.timeout = timeout
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._waiting = 0
        self._closed = False
        self._condition = threading.Condition()
        started = [self._start() for _ in range(size)]
        try:
            for worker in started:
                worker.wait_ready(60)
        except RuntimeError:
            for worker in started:
                worker.kill()
            raise
        self._idle.extend(started)
        self._all.update(started)

    def _start(self) -> _Worker:
        return _Worker(self._context, self._opener, self._handler)

    def _replace(self, dead: _Worker) -> None:
        """Start a worker in place of a killed one, in the background (opening the graph takes a moment)."""

        def start() -> None:
            try:
                worker = self._start()
                worker.wait_ready(60)
            except RuntimeError:
                with self._condition:
                    self._all.discard(dead)
                return
            with self._condition:
                self._all.discard(dead)
                if self._closed:
                    worker.kill()
                    return
                self._all.add(worker)
                self._idle.append(worker)
                self._condition.notify()

        threading.Thread(target=start, name="rolegraph-worker-start", daemon=True).start()

    def run(self, job: Job, timeout: float | None = None) -> JobResult:
        """Run ``job`` on a free worker within ``timeout`` seconds (default: the pool's), counting the wait."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        with self._condition:
            if not self._idle and self._waiting >= self.queue:
                raise BusyError()
            self._waiting += 1
            try:
                while not self._idle:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or self._closed:
                        raise TimedOutError()
                    self._condition.wait(remaining)
                worker = self._idle.pop()
            finally:
                self._waiting -= 1
        died = False
        try:
            worker.connection.send(job)
            if worker.connection.poll(max(0.0, deadline - time.monotonic())):
                result: JobResult = worker.connection.recv()
                with self._condition:
                    self._idle.append(worker)
                    self._condition.notify()
                return result
        except (EOFError, OSError):
            died = True  # the worker died (out of memory, a crash in the engine); replace it below
        worker.kill()
        self._replace(worker)
        if died:
            return JobResult(500, {"Content-Type": "text/plain; charset=utf-8"},
                             b"internal error: the worker running this request stopped; try again.\n")  # fmt: skip
        raise TimedOutError()

    def close(self) -> None:
        """Stop every worker."""
        with self._condition:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._condition.notify_all()
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
            worker.kill()
