"""Benchmark: whole commands on the built-in graph (a fresh interpreter each time), as ratios to `python -c pass`
and `python -c "import rolegraph"` measured in the same run, and the slowest imports (`python -X importtime`).

    python benchmarks/bench_startup.py [--rounds 5]

The goal (issue 13) is under 0.15 s a command; prints medians, ratios and the goals missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from importlib.metadata import version

from timing import median_seconds as median

import rolegraph

GOAL = 0.15
"""Seconds a whole command on the built-in graph should take."""

COMMANDS = [
    ["roles"],
    ["compare", "Production Manager", "Producer"],
    ["show", "Producer"],
    ["query", "shared-skills", "--bind", "a=Producer", "--bind", "b=Production Manager"],
]


def seconds(arguments: list[str], rounds: int, env: dict[str, str]) -> float:
    """The median wall-clock time of ``python ARGUMENTS``."""

    def run() -> None:
        done = subprocess.run([sys.executable, *arguments], capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(arguments)} failed: {done.stderr[-500:]}")

    return median(run, rounds)


def slowest_imports(env: dict[str, str], count: int = 8) -> list[tuple[int, str]]:
    """The ``count`` imports of `rolegraph roles` with the most cumulative microseconds."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "rolegraph", "roles"], capture_output=True,
                          text=True, env=env)  # fmt: skip
    found = []
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            found.append((int(parts[1]), parts[2].strip()))
    return sorted(found, reverse=True)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, rolegraph {rolegraph.__version__}, "
          f"rdflib {version('rdflib')}, pyoxigraph {version('pyoxigraph')}")  # fmt: skip
    with tempfile.TemporaryDirectory() as home:
        # No per-user store and no ROLEGRAPH_STORE: the commands run on the built-in graph.
        env = {k: v for k, v in os.environ.items() if k != "ROLEGRAPH_STORE"}
        env |= {"HOME": home, "XDG_DATA_HOME": home, "XDG_CACHE_HOME": home}
        floor = seconds(["-c", "pass"], args.rounds, env)
        imported = seconds(["-c", "import rolegraph"], args.rounds, env)
        print(f"{'python -c pass':52} {floor:7.3f} s")
        label = 'python -c "import rolegraph"'
        print(f"{label:52} {imported:7.3f} s {imported / floor:6.1f}x")
        missed = []
        for command in COMMANDS:
            took = seconds(["-m", "rolegraph", *command], args.rounds, env)
            name = "rolegraph " + " ".join(f'"{a}"' if " " in a else a for a in command)
            print(f"{name[:52]:52} {took:7.3f} s {took / floor:6.1f}x  ({took / imported:.1f}x the import)")
            if took > GOAL:
                missed.append(command[0])
        print("slowest imports of `rolegraph roles` (cumulative ms):")
        for micros, module in slowest_imports(env):
            print(f"  {micros / 1000:7.1f}  {module}")
    print(f"goals missed: {', '.join(missed) if missed else 'none'} (goal: under {GOAL} s a command)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
