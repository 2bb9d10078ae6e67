"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(work: Callable[[], object], rounds: int) -> float:
    """The median wall-clock time of ``rounds`` calls of ``work``."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bounded(work: Callable[[], object], limit: float) -> float | None:
    """Seconds one call of ``work`` takes in a forked child (it sees this process's data), or None past ``limit``
    (the child is then killed: rdflib's engine cannot be stopped any other way)."""
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(target=work)
    start = time.perf_counter()
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return time.perf_counter() - start
