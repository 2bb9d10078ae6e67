"""Whole-command `rolegraph compare` on an aligned store (O*NET, ESCO, the article and `rolegraph align`'s mappings),
with the number of matched pairs, against `python -c pass` and `rolegraph --version` measured in the same run, the
commands interleaved round by round so that other jobs on the machine disturb them alike:

    python benchmarks/bench_compare.py --store FOLDER [--rounds 5] [--other CHECKOUT]

``--other`` also times the compare commands with another checkout of rolegraph (a worktree of main, say) in the same
rounds, for a before/after in one run. The store is only read. Prints, per command, the median wall-clock seconds
and CPU seconds (user + system of the process, which other jobs disturb less), each as a ratio to `--version`'s; the
goal (issue 15) is a whole-command compare with matches under 0.3 s. Byte code is compiled once into a temporary
folder first, as an installed package has it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

GOAL = 0.3
"""Seconds a whole-command compare with matches should take."""

PAIRS = [
    ("Production Manager", "27-2012.00"),
    ("Production Manager", "performance production manager"),
    ("video and motion picture producer", "27-2012.00"),
]
"""The article's Production Manager against O*NET's Producers and Directors and against ESCO's performance production
manager, and an ESCO occupation against the O*NET occupation the official crosswalk gives it."""


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds of one run of ``command`` in the checkout on ``env``'s PYTHONPATH (`python -m` puts
    the working folder first on the path), and its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=env["PYTHONPATH"], capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def matched(output: str) -> tuple[int, int, int]:
    """Counted pairs, related pairs and pairs across categories of a `compare --format json` output."""
    pairs = [p for c in json.loads(output)["categories"] for p in c["matched"]]
    across = sum(1 for p in pairs if len(set(p.get("categories", ()))) > 1)
    return sum(1 for p in pairs if p["counted"]), sum(1 for p in pairs if not p["counted"]), across


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="an aligned store (read only)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--other", type=Path, help="another checkout of rolegraph to time the same way")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "rolegraph"]
    commands: dict[str, list[str]] = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "rolegraph --version": [*cli, "--version"],
    }
    checkouts = {"": REPO} | ({" (other)": args.other.resolve()} if args.other else {})
    for a, b in PAIRS:
        for suffix in checkouts:
            commands[f"compare {a!r} {b!r}{suffix}"] = [*cli, "--store", args.store, "compare", a, b]
    with tempfile.TemporaryDirectory(prefix="rolegraph-bench-") as cache:
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        envs = {
            suffix: base | {"PYTHONPYCACHEPREFIX": cache, "PYTHONPATH": str(folder)}
            for suffix, folder in checkouts.items()
        }

        def env_of(name: str) -> dict[str, str]:
            return envs[" (other)"] if name.endswith(" (other)") else envs[""]

        counts = {}
        for name in list(commands)[2:]:  # also compiles the byte code and warms the page cache
            counts[name] = matched(run([*commands[name], "--format", "json"], env_of(name))[2])
        run(commands["rolegraph --version"], envs[""])
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, command in commands.items():
                wall, cpu, _ = run(command, env_of(name))
                walls[name].append(wall)
                cpus[name].append(cpu)
    base_wall = statistics.median(walls["rolegraph --version"])
    base_cpu = statistics.median(cpus["rolegraph --version"])
    baseline = f"{base_wall:.3f} s wall, {base_cpu:.3f} s CPU"
    print(f"median of {args.rounds} rounds; ratios to `rolegraph --version` ({baseline})")
    print(f"{'command':80} {'wall s':>7} {'ratio':>6} {'CPU s':>6} {'ratio':>6}  pairs (counted, related, across)")
    missed = []
    for name in commands:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        pairs = counts.get(name)
        print(f"{name:80} {wall:7.3f} {wall / base_wall:6.2f} {cpu:6.3f} {cpu / base_cpu:6.2f}  {pairs or ''}")
        if pairs is not None and wall > GOAL and not name.endswith(" (other)"):
            missed.append(name)
    print(f"goal: under {GOAL} s wall; missed by: {', '.join(missed) or 'none'}")


if __name__ == "__main__":
    main()
