"""The package's layers hold (docs/architecture.md): import-linter's contracts in pyproject.toml pass on the code,
fail on a copy with one import that goes up, and every subpackage says what it does and what it may import."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "rolegraph"
LINT = "from importlinter.cli import lint_imports_command; raise SystemExit(lint_imports_command())"


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contracts (``root``/pyproject.toml) checked on the package under ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-c", LINT, "--config", str(root / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
    )


@pytest.fixture(scope="module")
def linter() -> None:
    pytest.importorskip("importlinter", reason="import-linter is not installed (pip install '.[test]' brings it)")


def test_contracts_hold(linter: None) -> None:
    done = lint(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "model/namespaces.py",
            "from ..serve import server",
            "model is not allowed to import rolegraph.serve",
        ),
        (
            "sparql/results.py",
            "from ..store import database",
            "sparql is not allowed to import rolegraph.store",
        ),
        ("graph/layout.py", "from .. import api", "rolegraph.graph is not allowed to import rolegraph.api"),
        ("importers/tabular.py", "from ..sparql import queries", "Importers use the model and the store only BROKEN"),
        ("compare/profile.py", "from ..store import database", "never the store's files BROKEN"),
    ],
)
def test_an_import_that_goes_up_breaks_a_contract(
    linter: None, tmp_path: Path, module: str, line: str, broken: str
) -> None:
    shutil.copytree(PACKAGE, tmp_path / "rolegraph", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "rolegraph" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _up() -> None:\n    {line}\n", encoding="utf-8")
    done = lint(tmp_path)
    assert done.returncode != 0
    assert broken in done.stdout, done.stdout


def test_every_subpackage_says_what_it_does_and_may_import() -> None:
    folders = sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert {p.name for p in folders} >= {"model", "sparql", "store", "importers", "compare", "graph", "serve", "cli"}
    for folder in folders:
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{folder.name}/__init__.py has no docstring"
        assert "import" in doc.lower(), f"{folder.name}/__init__.py does not say what it may import"
