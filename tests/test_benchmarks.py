"""The benchmark scripts still run (one quick round); their figures are read by people, not asserted here."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_page_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_pages.py"), "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2,000-node page: page only" in done.stdout
    assert "cores" in done.stdout.splitlines()[0]
