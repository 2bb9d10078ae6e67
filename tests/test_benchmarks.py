"""The benchmark scripts still run (one quick round); their figures are read by people, not asserted here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_query_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_queries.py"), "--roles", "200", "--rdflib-limit", "1",
         "--seconds", "0.02"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "cores" in lines[0]
    from rolegraph.sparql.queries import query_names

    for name in query_names():  # a row per named query, with both engines' figures
        assert any(line.startswith(name + " ") and len(line.split()) >= 7 for line in lines), name
    assert "goals missed:" in lines[-1]


def test_graph_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_graph.py"), "--roles", "150", "--rounds", "1",
         "--old-limit", "30"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "cores" in lines[0]
    assert any(line.startswith("depth 2: ") and " nodes, " in line for line in lines)
    assert any("--depth 1 --html (whole command)" in line and "x python -c pass" in line for line in lines)
    assert lines[-2].startswith("earlier path (every role's network, then cut) at depth 1: ")
    assert lines[-1].startswith("goal not measured: no --store given")


def test_graph_benchmark_measures_the_goal_on_a_store(mini_store: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_graph.py"), "--store", str(mini_store), "--rounds", "1",
         "--baseline", str(REPO)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("depth 2: ") and " nodes, " in line for line in lines)
    for shown in ("graph --role 27-2012.00 --html", "graph --role 27-2012.00 --depth 2 --html",
                  "graph --role Producer --depth 2 --html"):  # fmt: skip
        assert any(line.startswith(shown + " (whole command): ") and "baseline" in line for line in lines), shown
    assert lines[-1].startswith("goal (each whole command under 2 s) ")
    assert lines[-1].endswith(" met") or " missed: " in lines[-1]
    missing = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_graph.py"), "--store", str(mini_store / "absent")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert missing.returncode == 2 and "not a folder" in missing.stderr


def test_startup_benchmark_runs() -> None:
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_startup.py"), "--rounds", "1"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "cores" in lines[0] and any(line.startswith("python -c pass ") for line in lines[1:3])
    assert any(line.startswith("rolegraph show Producer ") and "on a store:" in line for line in lines)
    assert "slowest imports" in done.stdout and lines[-1].startswith("goals missed:")


def test_load_test_runs(tmp_path: object) -> None:
    import os

    env = dict(os.environ, ROLEGRAPH_SHARED=str(tmp_path))  # no releases: it serves the built-in graph
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "load_test.py"), "--clients", "2", "--seconds", "3"],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert " 0 errors" in done.stdout and "p99" in done.stdout


def test_export_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_export.py"), "--roles", "200", "--rounds", "1",
         "--old-limit", "30"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("store nt, streamed (export)") and "x the dump" in line for line in lines), lines
    assert any(line.startswith("built-in nt, streamed") for line in lines), lines
