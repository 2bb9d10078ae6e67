"""The built wheel carries the .ttl and .rq files and works installed (not editable) outside the checkout."""

from __future__ import annotations

import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (built,) = out.glob("rolegraph-*.whl")
    return built


def test_wheel_contains_ontology_and_queries(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "rolegraph/_data/ontology/rolegraph.ttl",
        "rolegraph/_data/ontology/shapes.ttl",
        "rolegraph/_data/ontology/data/production-manager-vs-producer.ttl",
        "rolegraph/_data/queries/role-profile.rq",
        "rolegraph/py.typed",
    ):
        assert expected in names
    shipped = {p.relative_to(REPO).as_posix() for p in (REPO / "queries").glob("*.rq")}
    assert {"rolegraph/_data/" + name for name in shipped} <= names


def test_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    # The dependencies come from the test run's own environment, appended after the fresh venv's site-packages,
    # so that rolegraph itself can only be the wheel just installed.
    fresh = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    ours = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    (fresh / "zz_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import rolegraph; print(rolegraph.__file__)"], capture_output=True, text=True, cwd=outside
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().startswith(str(fresh))
    done = subprocess.run([str(env_dir / "bin" / "rolegraph"), "roles"], capture_output=True, text=True, cwd=outside)
    assert done.returncode == 0, done.stderr
    assert "Producer" in done.stdout and "Production Manager" in done.stdout
    valid = subprocess.run(
        [str(env_dir / "bin" / "rolegraph"), "validate"], capture_output=True, text=True, cwd=outside
    )
    assert valid.returncode == 0, valid.stderr
