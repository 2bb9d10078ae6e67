"""The code stays ruff-clean, ruff-formatted and mypy-strict clean (checked in the suite, so CI enforces it)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .conftest import REPO


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=REPO)


def test_ruff_check() -> None:
    done = run_tool("ruff", "check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format() -> None:
    done = run_tool("ruff", "format", "--check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict() -> None:
    if shutil.which("mypy") is None and run_tool("mypy", "--version").returncode != 0:
        pytest.skip("mypy is not installed (pip install '.[test]' brings it)")
    done = run_tool("mypy", "rolegraph")
    assert done.returncode == 0, done.stdout + done.stderr
