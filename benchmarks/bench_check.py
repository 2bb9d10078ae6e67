"""Benchmark: what the safety check and the sandbox cost a query, against running the same query bare.

    python benchmarks/bench_check.py [--rounds 50]

For every named query (bound as rolegraph binds it) on the shipped graph in Oxigraph, prints the warm median of:
the bare engine (pyoxigraph, the same text), the token-only check (the server's path) and its ratio to the bare
engine, the full check (tokens and rdflib's parse tree: the CLI's and the API's path) warm and cold (rdflib's parse
is cached by text), and rolegraph's engine call (rows converted to rdflib terms) in this thread and through the
sandbox thread, with the sandbox's ratio to the call in this thread.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from timing import median_seconds

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rolegraph
from rolegraph.sparql.engines import OxigraphEngine
from rolegraph.sparql.queries import bind, get_query, query_names
from rolegraph.sparql.safety import _parse, check_query

ROLE = URIRef("https://w3id.org/rolegraph/id/role/producer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    engine = OxigraphEngine.from_graph(rolegraph.load().rdf)
    store: ox.Store = engine.store
    print(f"python {platform.python_version()}, pyoxigraph {ox.__version__}, {args.rounds} rounds, warm medians (ms)")
    print(
        f"{'query':32} {'bare':>8} {'tokens':>8} {'x':>6} {'full':>8} {'cold':>8} {'here':>8} {'sandbox':>8} {'x':>6}"
    )
    totals = {"bare": 0.0, "tokens": 0.0, "full": 0.0, "here": 0.0, "sandbox": 0.0}
    for name in query_names():
        named = get_query(name)
        values = {p.name: ([ROLE] if p.is_list else ROLE) for p in named.parameters if not p.optional}
        text = bind(named, values).text
        bare = median_seconds(lambda text=text: list(store.query(text)), args.rounds)
        tokens = median_seconds(lambda text=text: check_query(text, parse=False), args.rounds)
        _parse.cache_clear()
        cold = median_seconds(lambda text=text: (_parse.cache_clear(), check_query(text)), 5)
        full = median_seconds(lambda text=text: check_query(text), args.rounds)
        here = median_seconds(lambda text=text: engine._answer(text), args.rounds)
        walled = median_seconds(lambda text=text: engine.execute(text), args.rounds)
        for key, value in (("bare", bare), ("tokens", tokens), ("full", full), ("here", here), ("sandbox", walled)):
            totals[key] += value
        print(f"{name:32} {bare * 1e3:8.2f} {tokens * 1e3:8.2f} {tokens / bare:6.2f} {full * 1e3:8.2f} "
              f"{cold * 1e3:8.1f} {here * 1e3:8.2f} {walled * 1e3:8.2f} {walled / here:6.2f}")  # fmt: skip
    check, wall = totals["tokens"] / totals["bare"], totals["sandbox"] / totals["here"]
    print(f"all queries: the token-only check takes {check:.2f}x the bare engine's time; the sandbox thread "
          f"{wall:.2f}x the engine call in this thread")  # fmt: skip


if __name__ == "__main__":
    main()
