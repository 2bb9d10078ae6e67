"""Every command-line example in the README runs as a newcomer would run it: on the built-in graph (no store) and on a
store holding O*NET 29.0, ESCO v1.1.1 and the crosswalk (the README's import section, run through the CLI). Each
exits with the code its output implies and prints no traceback, and where the README shows output, the command prints
exactly that on the target the README wrote it for."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO
from .readme_examples import NOT_RUN, Example, examples, matches

EXAMPLES = examples()
RUN = [e for e in EXAMPLES if e.command not in NOT_RUN and not e.remote]


def run(example: Example, cwd: Path, store: Path | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "ROLEGRAPH_STORE", "RG_DEBUG")}
    env["XDG_DATA_HOME"] = str(cwd / "data-home")  # no per-user store: the built-in graph, unless --store says
    env["XDG_CACHE_HOME"] = str(cwd / "cache-home")
    if store is not None:
        env["ROLEGRAPH_STORE"] = str(store)  # as a user whose default store holds the releases
    command = [sys.executable, "-m", "rolegraph", *example.args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A scratch folder to run in (pages and exports are written there) that sees the checkout's tests/ folder, as the
    README's paths (tests/data/...) assume."""
    path = tmp_path_factory.mktemp("readme")
    (path / "tests").symlink_to(REPO / "tests")
    yield path
    shutil.rmtree(path / "data-home", ignore_errors=True)


def check(example: Example, done: subprocess.CompletedProcess[str], compare_output: bool) -> None:
    where = f"{example}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr + done.stdout, where
    assert "internal error" not in done.stderr, where
    assert done.returncode == example.expected_exit, where
    if compare_output and example.output:
        shown = done.stdout if example.expected_exit == 0 else done.stdout + done.stderr
        difference = matches(example.output, shown.split("\n"))
        assert difference is None, f"{where}\n{difference}"


def test_the_readme_has_examples_for_both_targets() -> None:
    assert len([e for e in RUN if not e.for_store]) >= 10
    assert len([e for e in RUN if e.for_store]) >= 4
    assert {e.command for e in EXAMPLES} >= {"roles", "show", "compare", "query", "graph", "import", "resolve"}


@pytest.mark.parametrize("example", [e for e in RUN if not e.for_store], ids=str)
def test_example_on_the_built_in_graph(example: Example, workdir: Path) -> None:
    check(example, run(example, workdir, None), compare_output=True)


@pytest.mark.parametrize("example", RUN, ids=str)
def test_example_on_a_store_with_both_releases(example: Example, workdir: Path, real_store: Path) -> None:
    """On the store, examples written for it show what the README shows; the built-in graph's examples still run, and
    a name of the article's roles still means the article's role (the first line, which names the role, is the
    same)."""
    done = run(example, workdir, real_store)
    check(example, done, compare_output=example.for_store)
    if not example.for_store and example.output and example.command in ("show", "compare") and done.returncode == 0:
        assert done.stdout.split("\n")[0] == example.output[0], f"{example}\n{done.stdout[:2000]}"


def test_matching_reads_the_readme_wildcards() -> None:
    assert matches(("a", "...", "z"), ["a", "b", "c", "z"]) is None
    assert matches(("a", "  ...", "z"), ["a", "z"]) is None
    assert matches(("Rule: ...",), ["Rule: anything at all"]) is None
    assert matches(("a", "Rule: ..."), ["a", "Rule: the rule,", "wrapped over", "three lines"]) is None
    assert matches(("Rule: ...", "b"), ["Rule: x", "c"]) is not None
    assert matches(("a", "b"), ["a", "c"]) is not None
    assert matches(("a",), ["a", "extra"]) is not None
    assert matches(("a", "...", "z"), ["a", "b"]) is not None
