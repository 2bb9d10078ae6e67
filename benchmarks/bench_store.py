"""Benchmark: importing O*NET and ESCO into the store, and comparing / ranking occupations on it, against rdflib's
in-memory engine on the same ESCO triples and a plain-Python floor (dicts of sets read from the CSV), in one run.

    python benchmarks/bench_store.py [--shared ../shared] [--rounds 5]

Needs the real releases in ../shared/data (exits with a message if they are absent). Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from rdflib import Graph, URIRef
from timing import bounded
from timing import median_seconds as median

import rolegraph
from rolegraph.compare.comparison import compare_roles
from rolegraph.compare.roles import resolve_role
from rolegraph.compare.similarity import similar_roles
from rolegraph.sparql.engines import RdflibEngine, from_oxigraph
from rolegraph.store.database import RoleStore

A, B = "video and motion picture producer", "performance production manager"


RDFLIB_LIMIT = 120.0
"""Seconds the rdflib baseline may take for one most-similar run (half that for one compare) before it is stopped
and reported as "> limit": rdflib's engine does not finish these queries over a whole release in any useful time."""


def import_in_subprocess(store: Path, kind: str, folder: Path) -> tuple[float, int, int]:
    """(seconds, triples, peak RSS in MB) of one `rolegraph import` process."""
    code = (
        "import sys, time, resource; from rolegraph.store.database import RoleStore;"
        " from rolegraph.importers import loading;"
        f"s = time.perf_counter()\nwith RoleStore.open({str(store)!r}, writable=True) as st:"
        f" r = loading.import_{kind}(st, {str(folder)!r})\n"
        "print(time.perf_counter() - s, r.triples, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def plain_python(esco: Path) -> tuple[Callable[[], float], Callable[[], list[tuple[float, str]]]]:
    """The floor: compare and most-similar over dicts of sets read from the CSV (no RDF at all)."""
    labels = {}
    with (esco / "occupations_en.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            labels[row["preferredLabel"].strip()] = row["conceptUri"]
    skills: dict[str, set[str]] = defaultdict(set)
    with (esco / "occupationSkillRelations.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            skills[row["occupationUri"]].add(row["skillUri"])
    a, b = skills[labels[A]], skills[labels[B]]

    def compare() -> float:
        return len(a & b) / len(a | b)

    def most_similar() -> list[tuple[float, str]]:
        mine = skills[labels[A]]
        scores = [(len(mine & theirs) / len(mine | theirs), other) for other, theirs in skills.items()
                  if other != labels[A] and mine & theirs]  # fmt: skip
        return sorted(scores, reverse=True)[:10]

    return compare, most_similar


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    onet, esco = args.shared / "data" / "onet" / "29.0", args.shared / "data" / "esco" / "v1.1.1"
    if not (onet.is_dir() and esco.is_dir()):
        print(f"skipped: the real releases are not under {args.shared / 'data'}")
        return 0
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, rolegraph {rolegraph.__version__}, "
          f"pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        for kind, path in (("onet", onet), ("esco", esco)):
            seconds, triples, rss = import_in_subprocess(store, kind, path)
            print(f"import {kind}: {seconds:.1f} s, {triples:,} triples, {triples / seconds:,.0f} triples/s, "
                  f"peak RSS {rss:,} MB")  # fmt: skip
        command = [sys.executable, "-m", "rolegraph", "--store", str(store), "compare", A, B]
        cold = median(lambda: subprocess.run(command, capture_output=True, check=True), args.rounds)
        floor_compare, floor_similar = plain_python(esco)
        with RoleStore.open(store) as opened:
            engine = opened.engine()
            a, b = resolve_role(engine, A), resolve_role(engine, B)
            warm_compare = median(lambda: compare_roles(engine, [a, b]), args.rounds)
            warm_similar = median(lambda: similar_roles(engine, a, 10), args.rounds)
            esco_graph = next(g for g in opened.current_graphs() if "/esco/" in g.value)
            rdf = Graph()
            start = time.perf_counter()
            for quad in opened.store.quads_for_pattern(None, None, None, esco_graph):
                rdf.add((from_oxigraph(quad.subject), from_oxigraph(quad.predicate), from_oxigraph(quad.object)))  # type: ignore[arg-type]
            rdf += rolegraph.load().engine.graph  # type: ignore[attr-defined]
            loaded = time.perf_counter() - start
        baseline = RdflibEngine(rdf)
        ra, rb = URIRef(str(a)), URIRef(str(b))
        rdflib_compare = bounded(lambda: compare_roles(baseline, [ra, rb]), RDFLIB_LIMIT / 2)
        rdflib_similar = bounded(lambda: similar_roles(baseline, ra, 10), RDFLIB_LIMIT)
        floor_c = median(floor_compare, args.rounds)
        floor_s = median(floor_similar, args.rounds)
    print(f"(rdflib baseline: the ESCO triples and the shipped graph, {len(rdf):,} triples, loaded in {loaded:.1f} s)")
    print(f"{'workload':42} {'rolegraph':>11} {'rdflib':>11} {'ratio':>8} {'python':>10} {'ratio':>8}")
    for name, ours, theirs, floor in (
        ("compare two ESCO occupations (warm)", warm_compare, rdflib_compare, floor_c),
        ("most similar to one (warm, top 10)", warm_similar, rdflib_similar, floor_s),
    ):
        if theirs is None:
            limit = RDFLIB_LIMIT / 2 if "compare" in name else RDFLIB_LIMIT
            rdflib_text, ratio = f"> {limit:.0f} s", f"< {ours / limit:.4f}x"
        else:
            rdflib_text, ratio = f"{theirs * 1000:9.1f}ms", f"{ours / theirs:7.3f}x"
        print(f"{name:42} {ours * 1000:9.1f}ms {rdflib_text:>11} {ratio:>8} {floor * 1000:8.2f}ms {ours / floor:7.1f}x")
    print(f"{'whole command: rolegraph compare (cold)':42} {cold * 1000:9.1f}ms")
    print(f"(peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024:,} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
