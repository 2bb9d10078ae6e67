"""Whole-command `rolegraph compare` with matches: a copy of a store holding O*NET and ESCO, timed before and after
loading a generated alignment (mappings between nodes of the same comparison category, each as its SKOS triple and
its rg:Mapping record, as `rolegraph align` stores them), against `python -c pass` and `rolegraph --version` measured
in the same run:

    python benchmarks/bench_matches.py --store FOLDER [--mappings 50000] [--rounds 7]

The store is only read (copied into a temporary folder, deleted at the end). The goal: under 0.3 s with matches.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

import pyoxigraph as ox  # noqa: E402

from rolegraph.align.mapping import ALIGNMENT_SOURCE, CLOSE_MATCH, MAPPING_PREDICATES, RELATED_MATCH  # noqa: E402
from rolegraph.store.database import RoleStore  # noqa: E402

RG = "https://w3id.org/rolegraph/vocab#"
ESCO = "http://data.europa.eu/esco/"
ONET = "https://w3id.org/rolegraph/id/onet/"
PAIRS = [
    ("http://data.europa.eu/esco/occupation/03632d98-0ae3-4dd2-941c-3b48de9a0219", "27-2012.00"),
    ("role:production-manager", "27-2012.00"),
    ("http://data.europa.eu/esco/occupation/3b6bea7d-36f4-44fb-ac73-d1cc8a198dcb", "27-2012.00"),
]
"""The compared roles: ESCO's performance production manager, the article's Production Manager and ESCO's video and
motion picture producer, each against O*NET's Producers and Directors."""

MAX_DEGREE = 4
"""The most mappings a generated node of the larger side of a category takes part in (an alignment keeps a few best
candidates per node); the nodes of the smaller side (O*NET's 35 skills against ESCO's 13,000) take hundreds each."""

NODES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rg: <https://w3id.org/rolegraph/vocab#>
SELECT DISTINCT ?category ?node WHERE {
  ?link rg:comparisonCategory ?category ; rdfs:subPropertyOf rg:roleLink .
  ?role ?link ?node . FILTER(isIRI(?node))
}
"""
ROLE_NODES = NODES.replace("?role ?link ?node .", "VALUES ?role { %s } ?role ?link ?node .")


def seconds(command: list[str], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(times)


def role_iri(name: str) -> str:
    if name.startswith("role:"):
        return "https://w3id.org/rolegraph/id/role/" + name.removeprefix("role:")
    if name.startswith("http"):
        return name
    return ONET + "occupation/" + name


def mappings(store: RoleStore, count: int, seed: int = 15) -> list[tuple[str, str, str, float]]:
    """``count`` mappings (subject, SKOS predicate, object, confidence): some between the compared roles' own nodes,
    the rest between random ESCO and O*NET (or article) nodes of one category."""
    rng = random.Random(seed)
    by_category: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in store.store.query(NODES):
        node = row["node"].value
        side = "esco" if node.startswith(ESCO) else "onet" if node.startswith(ONET) else "other"
        by_category[row["category"].value][side].append(node)
    found: dict[tuple[str, str], tuple[str, float]] = {}
    for a, b in PAIRS:
        values = f"<{role_iri(a)}> <{role_iri(b)}>"
        own: dict[str, list[str]] = defaultdict(list)
        for row in store.store.query(ROLE_NODES % values):
            own[row["category"].value].append(row["node"].value)
        for nodes in own.values():
            for _ in range(min(len(nodes), 15)):
                x, y = rng.sample(sorted(nodes), 2) if len(nodes) > 1 else (nodes[0], nodes[0])
                if x != y:
                    found[(x, y)] = (rng.choice(MAPPING_PREDICATES[:4]), round(rng.uniform(0.5, 0.99), 2))
    categories = [c for c, sides in by_category.items() if sum(bool(v) for v in sides.values()) >= 2]
    degree: dict[str, int] = defaultdict(int)
    for x, y in found:
        degree[x] += 1
        degree[y] += 1
    attempts = 0
    while len(found) < count and attempts < 50 * count:
        attempts += 1
        sides = by_category[rng.choice(categories)]
        left, right = rng.sample([s for s in sides if sides[s]], 2)
        if len(sides[left]) < len(sides[right]):
            left, right = right, left
        x, y = rng.choice(sides[left]), rng.choice(sides[right])
        if degree[x] >= MAX_DEGREE or (x, y) in found:
            continue  # a few candidates for each node of the larger side; the smaller side's nodes take many
        degree[x] += 1
        degree[y] += 1
        found[(x, y)] = (rng.choice([CLOSE_MATCH, CLOSE_MATCH, RELATED_MATCH, *MAPPING_PREDICATES[1:3]]),
                         round(rng.uniform(0.5, 0.99), 2))  # fmt: skip
    return [(x, p, y, c) for (x, y), (p, c) in list(found.items())[:count]]


def triples(found: list[tuple[str, str, str, float]]) -> list[tuple[ox.NamedNode, ox.NamedNode, ox.Term]]:
    out: list[tuple[ox.NamedNode, ox.NamedNode, ox.Term]] = []
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for i, (subject, predicate, obj, confidence) in enumerate(found):
        s, p, o = ox.NamedNode(subject), ox.NamedNode(predicate), ox.NamedNode(obj)
        record = ox.NamedNode(f"https://w3id.org/rolegraph/id/mapping/bench-{i}")
        out += [
            (s, p, o),
            (record, kind, ox.NamedNode(RG + "Mapping")),
            (record, ox.NamedNode(RG + "mappingSubject"), s),
            (record, ox.NamedNode(RG + "mappingPredicate"), p),
            (record, ox.NamedNode(RG + "mappingObject"), o),
            (record, ox.NamedNode(RG + "confidence"), ox.Literal(str(confidence), datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#decimal"))),
            (record, ox.NamedNode(RG + "mappingMethod"), ox.Literal("bench generated")),
        ]  # fmt: skip
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, type=Path, help="a store with O*NET and ESCO (only read)")
    parser.add_argument("--mappings", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="make the copy here and keep it (to look at it afterwards)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-matches-") as folder:
        copy = args.keep or Path(folder) / "store"
        shutil.copytree(args.store, copy)
        python = [sys.executable]
        floor = seconds([*python, "-c", "pass"], args.rounds)
        version = seconds([*python, "-m", "rolegraph", "--version"], args.rounds)
        print(f"python -c pass: {floor:.3f} s; rolegraph --version: {version:.3f} s")
        compares = [[*python, "-m", "rolegraph", "--store", str(copy), "compare", a, b] for a, b in PAIRS]
        before = [seconds(c, args.rounds) for c in compares]
        start = time.perf_counter()
        with RoleStore.open(copy, writable=True) as store:
            found = mappings(store, args.mappings)
            made = triples(found)
            stored = store.load_source(ALIGNMENT_SOURCE, "alignment/bench", {"title": "bench alignment",
                                       "release": "bench"}, made)  # fmt: skip
        print(f"loaded {len(found)} mappings ({stored} triples) in {time.perf_counter() - start:.1f} s")
        for (a, b), command, old in zip(PAIRS, compares, before, strict=True):
            new = seconds(command, args.rounds)
            shown = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True).stdout
            matched = sum(1 for line in shown.splitlines() if "\u2248" in line)
            print(
                f"compare {a} {b}: {old:.3f} s without the alignment, {new:.3f} s with it ({matched} matched pairs "
                f"shown; {new / old:.2f}x; {new / version:.2f}x rolegraph --version; {new / floor:.2f}x python)"
            )
            json_command = [*command, "--format", "json"]
            print(f"  --format json: {seconds(json_command, args.rounds):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
