"""benchmarks/evaluate_alignment.py still runs (on the small fixtures); its figures are read by people."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..conftest import REPO


def test_the_alignment_evaluation_runs(mini_store: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "evaluate_alignment.py"), "--store", str(mini_store)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "cores" in out.splitlines()[0]
    for words in ("judged pairs:", "thresholds: closeMatch from", "mappings:", "The article's duty and skill nodes"):
        assert words in out, out
    assert "Budget management -> ESCO: manage budgets" in out and "(hand-made link)" in out
