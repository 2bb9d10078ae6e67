"""Every command example of the README, timed as a whole command on the built-in graph and on a store holding
O*NET 29.0, ESCO v1.1.1 and the crosswalk, against `python -c pass` and `python -m rolegraph --version` measured in
the same run:

    python benchmarks/bench_readme.py [--store FOLDER] [--rounds N]

Without --store it builds the store in a temporary folder through the README's import commands (about a minute;
skipped, with the reason, where ../shared is absent). The README promises each example in under a second on both
(imports and exports aside).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from tests.readme_examples import NOT_RUN, Example, examples  # noqa: E402

SHARED = Path(os.environ.get("ROLEGRAPH_SHARED", REPO.parent / "shared"))
RELEASES = (
    ("onet", SHARED / "data" / "onet" / "29.0"),
    ("esco", SHARED / "data" / "esco" / "v1.1.1"),
    ("crosswalk", SHARED / "data" / "crosswalks" / "esco_onet" / "ESCO_to_ONET-SOC_2019_with_esco_v1.1.1_uris.csv"),
)


def seconds(command: list[str], cwd: Path, env: dict[str, str], rounds: int) -> tuple[float, int]:
    times, code = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        code = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


def build_store(folder: Path) -> Path | None:
    if not all(path.exists() for _, path in RELEASES):
        print(f"skipped the store: the real releases are not at {SHARED / 'data'}")
        return None
    store = folder / "store"
    for kind, path in RELEASES:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(store), "import", kind, str(path)],
                       check=True, capture_output=True)  # fmt: skip
        print(f"import {kind}: {time.perf_counter() - start:.1f} s")
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="A store with the releases imported (default: build one).")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="rolegraph-bench-readme-"))
    try:
        (scratch / "tests").symlink_to(REPO / "tests")
        base = {k: v for k, v in os.environ.items() if k not in ("ROLEGRAPH_STORE", "COLUMNS")}
        base["XDG_DATA_HOME"] = str(scratch / "data-home")
        store = options.store or build_store(scratch)
        python, _ = seconds([sys.executable, "-c", "pass"], scratch, base, options.rounds)
        version, _ = seconds([sys.executable, "-m", "rolegraph", "--version"], scratch, base, options.rounds)
        print(f"\nbaselines: python -c pass {python:.3f} s; rolegraph --version {version:.3f} s")
        print(f"{'example':<78} {'built-in':>9} {'x pass':>7} {'store':>9} {'x pass':>7}")
        slow: list[str] = []
        for example in examples():
            if example.command in NOT_RUN or example.remote:
                continue
            row = f"{' '.join(example.args)[:78]:<78}"
            targets: list[tuple[str, Path | None]] = [("built-in", None), ("store", store)]
            for name, target in targets:
                if (name == "built-in" and example.for_store) or (name == "store" and target is None):
                    row += f" {'-':>9} {'':>7}"
                    continue
                env = dict(base)
                if target is not None:
                    env["ROLEGRAPH_STORE"] = str(target)
                took, code = seconds([sys.executable, "-m", "rolegraph", *example.args], scratch, env, options.rounds)
                mark = "" if code == example.expected_exit else f" (exit {code})"
                row += f" {took:>8.3f}s {took / python:>6.1f}x{mark}"
                if took > 1.0 and not _writes(example):
                    slow.append(f"{name}: {example} {took:.2f} s")
            print(row, flush=True)
        print("\nover a second:" if slow else "\nevery example under a second.")
        for line in slow:
            print(f"  {line}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _writes(example: Example) -> bool:
    """Exports and pages written to a file are outside the one-second promise only when they export a whole store."""
    return example.command == "export"


if __name__ == "__main__":
    raise SystemExit(main())
