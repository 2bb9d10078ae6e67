"""Benchmark: whole commands on the built-in graph (a fresh interpreter each time), as ratios to `python -c pass`,
`python -c "import rdflib"` and the CLI's imports measured in the same run, the same commands on a store (a fresh
one, holding the shipped graph), and the slowest imports (`python -X importtime`).

    python benchmarks/bench_startup.py [--rounds 5]

The goal (issue 13) is under 0.15 s a command; prints medians (wall clock, and the CPU seconds of the process, which
other jobs on the machine disturb less), ratios, the goals missed, and, under a command, the heavy packages it
imports that it should not (rdflib, networkx, ...). Byte code is compiled once into a temporary
folder first (PYTHONDONTWRITEBYTECODE would otherwise make every run compile rolegraph's modules again).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import rolegraph
from rolegraph.store.database import RoleStore

GOAL = 0.15
"""Seconds a whole command on the built-in graph should take."""

COMMANDS = [
    ["roles"],
    ["compare", "Production Manager", "Producer"],
    ["show", "Producer"],
    ["resolve", "Producer"],
    ["query", "role-names"],
    ["query", "shared-skills", "--bind", "a=Producer", "--bind", "b=Production Manager"],
]

HEAVY = ("rdflib", "pyparsing", "networkx", "pyvis", "jinja2", "pyshacl", "rich")
"""Packages a command that only reads rows should not import."""


def seconds(arguments: list[str], rounds: int, env: dict[str, str]) -> tuple[float, float]:
    """The median wall-clock time and the median CPU time (user + system) of ``python ARGUMENTS``, after one run to
    warm the caches."""
    walls, cpus = [], []
    for round_ in range(rounds + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, *arguments], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(arguments)} failed: {done.stderr[-500:]}")
        if round_:
            walls.append(wall)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def imports(arguments: list[str], env: dict[str, str]) -> list[tuple[int, str]]:
    """Every module ``python -X importtime ARGUMENTS`` imports, with its cumulative microseconds."""
    done = subprocess.run([sys.executable, "-X", "importtime", *arguments], capture_output=True, text=True, env=env)
    found = []
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            found.append((int(parts[1]), parts[2].strip()))
    return found


def slowest_imports(env: dict[str, str], count: int = 8) -> list[tuple[int, str]]:
    """The ``count`` imports of `rolegraph roles` with the most cumulative microseconds."""
    return sorted(imports(["-m", "rolegraph", "roles"], env), reverse=True)[:count]


def heavy_imports(command: list[str], env: dict[str, str]) -> list[str]:
    """The packages of :data:`HEAVY` that ``command`` imports."""
    return sorted({name.split(".")[0] for _, name in imports(["-m", "rolegraph", *command], env)} & set(HEAVY))


def _name(command: list[str]) -> str:
    return "rolegraph " + " ".join(f'"{a}"' if " " in a else a for a in command)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, rolegraph {rolegraph.__version__}, "
          f"rdflib {version('rdflib')}, pyoxigraph {version('pyoxigraph')}")  # fmt: skip
    with tempfile.TemporaryDirectory() as home:
        # No per-user store and no ROLEGRAPH_STORE: the commands run on the built-in graph.
        env = {k: v for k, v in os.environ.items() if k not in ("ROLEGRAPH_STORE", "PYTHONDONTWRITEBYTECODE")}
        env |= {"HOME": home, "XDG_DATA_HOME": home, "XDG_CACHE_HOME": home}
        env["PYTHONPYCACHEPREFIX"] = str(Path(home) / "pycache")
        store = Path(home) / "store"
        with RoleStore.open(store, writable=True):
            pass  # a fresh store: the shipped graph, on disk
        print(f"{'':52} {'wall s':>7} {'cpu s':>7} {'wall/pass':>9}")
        floor, floor_cpu = seconds(["-c", "pass"], args.rounds, env)
        print(f"{'python -c pass':52} {floor:7.3f} {floor_cpu:7.3f} {1:8.1f}x")
        for label, code in [("import rdflib", "import rdflib"), ("import the CLI", "import rolegraph.cli")]:
            took, cpu = seconds(["-c", code], args.rounds, env)
            print(f"{'python -c ' + repr(code):52} {took:7.3f} {cpu:7.3f} {took / floor:8.1f}x  ({label})")
        missed = []
        for command in COMMANDS:
            took, cpu = seconds(["-m", "rolegraph", *command], args.rounds, env)
            stored, stored_cpu = seconds(["-m", "rolegraph", "--store", str(store), *command], args.rounds, env)
            print(f"{_name(command)[:52]:52} {took:7.3f} {cpu:7.3f} {took / floor:8.1f}x  (on a store: {stored:.3f} s "
                  f"wall, {stored_cpu:.3f} s cpu; built-in/store {took / stored:.2f}x)")  # fmt: skip
            if took > GOAL:
                missed.append(" ".join(command[:2]) if command[0] == "query" else command[0])
            if heavy := heavy_imports(command, env):
                print(f"{'':52} imports {', '.join(heavy)}")
        print("slowest imports of `rolegraph roles` (cumulative ms):")
        for micros, module in slowest_imports(env):
            print(f"  {micros / 1000:7.1f}  {module}")
    print(f"goals missed: {', '.join(missed) if missed else 'none'} (goal: under {GOAL} s a command)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
