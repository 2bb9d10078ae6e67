"""Benchmark: exporting the built-in graph and a whole store (`rolegraph export --format nt|ttl|jsonld`), as ratios
to pyoxigraph's own `Store.dump` of the same triples measured in the same run, with each run's peak memory.

    python benchmarks/bench_export.py [--roles 2000] [--rounds 3] [--old-limit 120] [--store FOLDER]

Without --store, a seeded graph of --roles roles (see generate.py) is loaded into a temporary store beside the shipped
graph. Each measurement runs in a fresh interpreter, which reports its wall-clock seconds and its peak resident
memory (the interpreter and rolegraph's imports included; "idle" is that floor). "rdflib" is the earlier path:
every triple copied into an rdflib graph and canonicalised with rdflib.compare (given --old-limit seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from bench_graph import generated_store, nullstore

import rolegraph

FORMATS = ("nt", "ttl", "jsonld")

CHILD = r"""
import json, resource, sys, time
import pyoxigraph as ox
kind, fmt, store_path, target = sys.argv[1:5]
from rolegraph.export import serialize, write_engine, write_graph
from rolegraph.model.ontology import load_graph, load_store
from rolegraph.store.database import RoleStore
from rolegraph.sparql.engines import OxigraphEngine
count = 0
def built_in_store():
    return OxigraphEngine(load_store(), in_memory=True)
start = time.perf_counter()
if kind == "idle":
    if store_path != "-":
        with RoleStore.open(store_path) as store:
            store.engine()
elif kind == "builtin-dump":
    engine = built_in_store()
    start = time.perf_counter()
    engine.store.dump(target, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
elif kind == "builtin-rdflib":
    graph = load_graph()
    start = time.perf_counter()
    with open(target, "wb") as out:
        out.write(serialize(graph, fmt))
elif kind == "builtin-stream":
    graph = load_graph()
    start = time.perf_counter()
    with open(target, "wb") as out:
        count = write_graph(graph, fmt, out)
elif kind == "store-dump":
    with RoleStore.open(store_path) as store, open(target, "wb") as out:
        for graph in store.engine().default_graphs or [ox.DefaultGraph()]:
            store.store.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
elif kind == "store-stream":
    with RoleStore.open(store_path) as store, open(target, "wb") as out:
        count = write_engine(store.engine(), fmt, out)
elif kind == "store-rdflib":
    with RoleStore.open(store_path) as store:
        answer = store.engine().execute("CONSTRUCT WHERE { ?s ?p ?o }")
    with open(target, "wb") as out:
        out.write(serialize(answer, fmt))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "triples": count}))
"""


def measure(
    kind: str, fmt: str, store: Path | None, rounds: int, limit: float | None = None
) -> dict[str, float] | None:
    """The median seconds (and the largest peak memory) of ``rounds`` fresh-interpreter runs; None past ``limit``."""
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            command = [sys.executable, "-c", CHILD, kind, fmt, str(store or "-"), os.path.join(folder, "out")]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=limit, check=False)
            except subprocess.TimeoutExpired:
                return None
            if done.returncode != 0:
                raise SystemExit(f"{kind} {fmt} failed: {done.stderr[-800:]}")
            runs.append(json.loads(done.stdout.splitlines()[-1]))
    runs.sort(key=lambda run: run["seconds"])
    middle = runs[len(runs) // 2]
    return {**middle, "peak_mb": max(run["peak_mb"] for run in runs)}


def line(what: str, result: dict[str, float] | None, baseline: dict[str, float], limit: float | None = None) -> str:
    if result is None:
        return f"{what:<34} more than {limit:.0f} s (over {limit / baseline['seconds']:.0f}x the dump)"
    return (
        f"{what:<34} {result['seconds']:8.3f} s = {result['seconds'] / baseline['seconds']:6.2f}x the dump, "
        f"peak {result['peak_mb']:6.0f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=2_000, help="Roles in the generated store (without --store).")
    parser.add_argument("--rounds", type=int, default=3, help="Runs per measurement on the built-in graph.")
    parser.add_argument("--store-rounds", type=int, default=1, help="Runs per measurement on the store.")
    parser.add_argument("--old-limit", type=float, default=120.0, help="Seconds the earlier (rdflib) path may take.")
    parser.add_argument("--store", type=Path, help="An existing store to export instead of a generated one.")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, rolegraph {rolegraph.__version__}, "
          f"pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}")  # fmt: skip

    idle = measure("idle", "nt", None, args.rounds)
    assert idle is not None
    print(f"idle (interpreter and imports): peak {idle['peak_mb']:.0f} MB")
    dump = measure("builtin-dump", "nt", None, args.rounds)
    assert dump is not None
    print(f"built-in graph, Store.dump (baseline) {dump['seconds']:8.3f} s, peak {dump['peak_mb']:6.0f} MB")
    for fmt in FORMATS:
        print(line(f"built-in {fmt}, rdflib (export)", measure("builtin-rdflib", fmt, None, args.rounds), dump))
        print(line(f"built-in {fmt}, streamed", measure("builtin-stream", fmt, None, args.rounds), dump))

    with generated_store(args.roles) if args.store is None else nullstore(args.store) as path:
        rounds = args.store_rounds
        base = measure("store-dump", "nt", path, rounds)
        streamed = {fmt: measure("store-stream", fmt, path, rounds) for fmt in FORMATS}
        assert base is not None and streamed["nt"] is not None
        what = f"generated store ({args.roles:,} roles)" if args.store is None else "store"
        print(f"{what}: {int(streamed['nt']['triples']):,} distinct triples")
        print(f"store, Store.dump (baseline)       {base['seconds']:8.3f} s, peak {base['peak_mb']:6.0f} MB")
        for fmt in FORMATS:
            print(line(f"store {fmt}, streamed (export)", streamed[fmt], base))
        old = measure("store-rdflib", "nt", path, 1, args.old_limit)
        print(line("store nt, rdflib (earlier export)", old, base, args.old_limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
