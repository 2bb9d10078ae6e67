"""Benchmark: one role's neighbourhood (`rolegraph graph --role R --depth 1|2`) on a large store, built from the role
outward, against the earlier path (the network of every role, then cut) and `python -c pass`, in one run.

    python benchmarks/bench_graph.py [--roles 4000] [--rounds 3] [--old-limit 60] [--store FOLDER --role ROLE]

Without --store, a seeded graph of --roles roles (see generate.py) is loaded into a temporary store. Prints medians
and ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from generate import generate, role_iri
from rdflib import URIRef
from timing import bounded
from timing import median_seconds as median

import rolegraph
from rolegraph.compare.roles import list_roles
from rolegraph.graph.network import comparison_network, neighbourhood_network
from rolegraph.graph.projection import neighbourhood
from rolegraph.store.database import RoleStore


@contextmanager
def generated_store(roles: int) -> Iterator[Path]:
    """A temporary store holding a generated graph of ``roles`` roles."""
    triples, _ = generate(roles)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store"
        with RoleStore.open(path, writable=True) as store:
            store.load_source("https://w3id.org/rolegraph/id/source/bench", "bench",
                              {"title": "generated benchmark graph", "release": "seed 7"}, iter(triples))  # fmt: skip
        del triples
        yield path


def command_seconds(arguments: list[str], rounds: int) -> float:
    """The median wall-clock time of a whole command (a fresh interpreter each time)."""

    def run() -> None:
        done = subprocess.run([sys.executable, *arguments], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(arguments)} failed: {done.stderr[-500:]}")

    return median(run, rounds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=4_000, help="Roles in the generated graph (without --store).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--old-limit", type=float, default=60.0, help="Seconds the earlier path may take.")
    parser.add_argument("--store", type=Path, help="An existing store to measure on instead of a generated one.")
    parser.add_argument("--role", help="The role whose neighbourhood is drawn (with --store).")
    args = parser.parse_args()
    if (args.store is None) != (args.role is None):
        parser.error("--store and --role go together.")
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, rolegraph {rolegraph.__version__}, "
          f"pyoxigraph {version('pyoxigraph')}")  # fmt: skip
    with generated_store(args.roles) if args.store is None else nullstore(args.store) as path:
        role_name = args.role or role_iri(1)
        with RoleStore.open(path) as store:
            engine = store.engine()
            graph = rolegraph.RoleGraph(engine)
            role = graph.resolve(role_name)
            profiled = [s.iri for s in list_roles(engine, profiled_only=True)]
            print(f"store: {len(profiled):,} roles with a profile; role {role}")
            for depth in (1, 2):
                near = neighbourhood_network(engine, role, depth)
                seconds = median(lambda d=depth: neighbourhood_network(engine, role, d), args.rounds)
                print(f"depth {depth}: {near.number_of_nodes():,} nodes, {near.number_of_edges():,} edges, "
                      f"{seconds:.3f} s in process")  # fmt: skip

            def old() -> None:
                neighbourhood(comparison_network(engine, [URIRef(r) for r in profiled]), str(role), 1)

            old_seconds = bounded(old, args.old_limit)
        floor = command_seconds(["-c", "pass"], args.rounds)
        print(f"python -c pass: {floor:.3f} s")
        for depth in (1, 2):
            with tempfile.TemporaryDirectory() as out:
                page = str(Path(out) / "near.html")
                whole = command_seconds(["-m", "rolegraph", "--store", str(path), "graph", "--role", role_name,
                                         "--depth", str(depth), "--html", page], args.rounds)  # fmt: skip
            print(
                f"graph --role R --depth {depth} --html (whole command): {whole:.3f} s = {whole / floor:.1f}x "
                "python -c pass"
            )
            if depth == 1:
                depth_one = whole
        if old_seconds is None:
            print(
                f"earlier path (every role's network, then cut) at depth 1: more than {args.old_limit:.0f} s "
                f"(over {args.old_limit / depth_one:.0f}x the whole command now)"
            )
        else:
            print(
                f"earlier path (every role's network, then cut) at depth 1: {old_seconds:.3f} s in process "
                f"({old_seconds / depth_one:.1f}x the whole command now)"
            )
    return 0


@contextmanager
def nullstore(path: Path) -> Iterator[Path]:
    """An existing store, as it is."""
    yield path


if __name__ == "__main__":
    sys.exit(main())
