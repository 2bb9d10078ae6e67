"""Evaluation and speed of career moves (issue 17): how well ``rolegraph moves`` finds O*NET's Related Occupations,
next to plain similarity ranking, in the same run; the calibration of the viability threshold; the asymmetry of moves
between job zones; and the time of the whole commands.

    python benchmarks/evaluate_moves.py --store STORE [--onet DIR] [--half all|tuning|held-out] [--sample N]
        [--seed S] [--speed-only | --no-speed]

STORE holds O*NET 29.0 aligned by ``rolegraph align`` (its stored similarity is what ``moves`` ranks). For each O*NET
occupation with ratings (rows in Skills.txt or Knowledge.txt) and Primary-Short or Primary-Long related occupations
in ``Related Occupations.txt`` (read here as the answer key only; ``moves`` never reads it, nor the
rg:relatedOccupation triples), the script prints recall@10 of those related occupations among

1. ``similarity``: the 10 O*NET occupations the stored similarity ranks first (``most-similar-roles``);
2. ``moves``: the first 10 viable moves to O*NET occupations (``role_moves(..., source="onet")``);
3. ``transition``: the same candidates ranked by the transition score, without the viability rule.

The threshold table gives, for each candidate threshold, the viable moves a query keeps, their precision (the share
that are related occupations) and recall@10: ``VIABLE_SCORE`` is the threshold of best F1 (of precision and recall of
the related occupations among every candidate) on the tuning half (the SHA-256 of the occupation IRI even), which
the held-out half then checks.

Speed: each command runs as a subprocess (warm: the best of three runs after a first one), beside ``rolegraph
compare`` and ``rolegraph query most-similar-roles`` for the same roles, timed in the same run; the ratios are what
to read (the machine is shared).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import rolegraph
from rolegraph.compare import moves as career
from rolegraph.errors import InputError, RolegraphError
from rolegraph.model.terms import iri

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ROLEGRAPH_SHARED", REPO.parent / "shared"))
ONET_DEFAULT = SHARED / "data" / "onet" / "29.0"
ONET_OCCUPATION = "https://w3id.org/rolegraph/id/onet/occupation/"
PRIMARY = ("Primary-Short", "Primary-Long")
THRESHOLDS = tuple(round(0.05 + 0.01 * i, 2) for i in range(31))
HALVES = ("all", "tuning", "held-out")


class UsageError(Exception):
    """Bad input to the script: exit 2."""


def half_of(role: str) -> str:
    """The fixed half of an occupation (as benchmarks/evaluate_similarity.py splits them)."""
    return "tuning" if int(hashlib.sha256(role.encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def _rows(path: Path, columns: Sequence[str]) -> Iterable[dict[str, str]]:
    if not path.is_file():
        raise UsageError(f"{path}: no such file; pass --onet DIR (the O*NET release folder).")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise UsageError(f"{path}: missing column(s) {', '.join(missing)}; is this the right file?")
        yield from reader


def answer_key(onet: Path) -> dict[str, set[str]]:
    """Each rated O*NET occupation's (IRI) Primary-Short and Primary-Long related occupations (IRIs)."""
    rated: set[str] = set()
    for name in ("Skills.txt", "Knowledge.txt"):
        rated |= {row["O*NET-SOC Code"].strip() for row in _rows(onet / name, ["O*NET-SOC Code"])}
    related: dict[str, set[str]] = defaultdict(set)
    columns = ["O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier"]
    for row in _rows(onet / "Related Occupations.txt", columns):
        code = row["O*NET-SOC Code"].strip()
        if row["Relatedness Tier"].strip() in PRIMARY and code in rated:
            related[ONET_OCCUPATION + code].add(ONET_OCCUPATION + row["Related O*NET-SOC Code"].strip())
    return dict(related)


@dataclass(frozen=True)
class Query:
    """One occupation's candidates (O*NET only): (IRI, similarity, transition score, job zone rise)."""

    role: str
    related: frozenset[str]
    candidates: tuple[tuple[str, float, float, int | None], ...]


def recall(ranked: Sequence[str], related: frozenset[str], k: int = 10) -> float:
    return len(set(ranked[:k]) & related) / len(related)


def viable(candidates: Iterable[tuple[str, float, float, int | None]], threshold: float) -> list[str]:
    """The candidates the rule keeps at ``threshold``, by transition score."""
    kept = [c for c in candidates if c[2] >= threshold and (c[3] is None or c[3] <= career.MAX_ZONE_RISE)]
    return [c[0] for c in sorted(kept, key=lambda c: -c[2])]


def collect(graph: rolegraph.RoleGraph, roles: Sequence[str], key: dict[str, set[str]]) -> list[Query]:
    queries = []
    for n, role in enumerate(roles, 1):
        try:
            result = career.role_moves(graph.engine, iri(role), top=1000, source="onet")
        except InputError:  # rated, but nothing linked (every rating below O*NET's threshold): no moves
            continue
        considered = (*result.moves, *result.left_out)
        candidates = tuple(
            (m.destination.iri, m.similarity, m.transition, m.zone_rise)
            for m in sorted(considered, key=lambda m: -m.similarity)
        )
        queries.append(Query(role, frozenset(key[role]), candidates))
        if n % 100 == 0:
            print(f"  {n} of {len(roles)} occupations", file=sys.stderr)
    return queries


def figures(queries: Sequence[Query], threshold: float) -> dict[str, float]:
    return {
        "similarity": statistics.fmean(recall([c[0] for c in q.candidates], q.related) for q in queries),
        "moves": statistics.fmean(recall(viable(q.candidates, threshold), q.related) for q in queries),
        "transition": statistics.fmean(
            recall([c[0] for c in sorted(q.candidates, key=lambda c: -c[2])], q.related) for q in queries
        ),
        "kept": statistics.fmean(len(viable(q.candidates, threshold)) for q in queries),
    }


def calibration(queries: Sequence[Query]) -> list[tuple[float, float, float, float, float]]:
    """Per threshold: mean viable moves kept, precision and recall of related occupations among all candidates,
    F1, and recall@10."""
    table = []
    for threshold in THRESHOLDS:
        kept = related = hits = 0
        for q in queries:
            chosen = set(viable(q.candidates, threshold))
            kept += len(chosen)
            hits += len(chosen & q.related)
            related += len(q.related & {c[0] for c in q.candidates})
        precision = hits / kept if kept else 0.0
        found = hits / related if related else 0.0
        f1 = 2 * precision * found / (precision + found) if precision + found else 0.0
        at10 = statistics.fmean(recall(viable(q.candidates, threshold), q.related) for q in queries)
        table.append((threshold, kept / len(queries), precision, f1, at10))
    return table


def asymmetry(queries: Sequence[Query]) -> list[str]:
    """Pairs considered both ways whose job zones differ: how often the move up scores below the move down."""
    score = {(q.role, c[0]): (c[2], c[3]) for q in queries for c in q.candidates}
    up_lower = pairs = 0
    examples = []
    for (a, b), (there, rise) in sorted(score.items()):
        if rise is None or rise <= 0 or (b, a) not in score:
            continue
        back = score[(b, a)][0]
        pairs += 1
        up_lower += there < back
        if len(examples) < 3:
            examples.append(
                f"  {a.removeprefix(ONET_OCCUPATION)} -> {b.removeprefix(ONET_OCCUPATION)} (zone "
                f"{rise:+d}) {there:.3f}; back {back:.3f}"
            )
    if not pairs:
        return ["asymmetry: no pair considered both ways with different job zones"]
    return [
        f"asymmetry: {pairs} pairs considered both ways with different job zones; the move up scores lower in "
        f"{up_lower} ({up_lower / pairs:.0%})",
        *examples,
    ]


def _command(store: str, *args: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "rolegraph", "--store", store, *args], capture_output=True, env=env, timeout=600
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise UsageError(f"rolegraph {' '.join(args)} failed: {done.stderr.decode(errors='replace').strip()}")
    return seconds


def warm(store: str, *args: str) -> float:
    _command(store, *args)
    return min(_command(store, *args) for _ in range(3))


def speed(store: str) -> list[str]:
    lines = ["speed (whole commands, warm: best of 3 after one run; goals gap 0.3 s, moves 1 s, --unlocks 10 s)"]
    for origin, destination in (
        ("Production Manager", "Producer"),
        ("11-3051.00", "11-3051.01"),
        ("27-2012.00", "27-2012.05"),
    ):
        base = warm(store, "compare", origin, destination)
        gap = warm(store, "gap", origin, destination)
        lines.append(f"  gap {origin} -> {destination}: {gap:.2f} s; compare {base:.2f} s ({gap / base:.2f}x)")
    for origin in ("Production Manager", "11-3051.00", "27-2012.00"):
        base = warm(store, "query", "most-similar-roles", "--bind", f"role={origin}")
        moves = warm(store, "moves", origin)
        unlocks = warm(store, "moves", origin, "--unlocks")
        lines.append(
            f"  moves {origin}: {moves:.2f} s, --unlocks {unlocks:.2f} s; query most-similar-roles "
            f"{base:.2f} s ({moves / base:.2f}x, {unlocks / base:.2f}x)"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    if not args.speed_only:
        key = answer_key(args.onet)
        with rolegraph.open_store(args.store) as graph:
            roles = sorted(r for r in key if args.half == "all" or half_of(r) == args.half)
            if args.sample is not None:
                roles = sorted(random.Random(args.seed).sample(roles, min(args.sample, len(roles))))
            start = time.perf_counter()
            queries = [q for q in collect(graph, roles, key) if q.candidates]
            seconds = time.perf_counter() - start
        print(
            f"store {args.store}; key: {args.onet}/Related Occupations.txt (Primary); {len(queries)} occupations "
            f"with candidates ({args.half}); {seconds / max(len(roles), 1):.2f} s an occupation"
        )
        print(f"rule: {career.RULE}")
        for half in ("tuning", "held-out"):
            chosen = [q for q in queries if half_of(q.role) == half]
            if not chosen:
                continue
            got = figures(chosen, career.VIABLE_SCORE)
            print(
                f"{half} ({len(chosen)}): recall@10 similarity {got['similarity']:.3f}, moves {got['moves']:.3f} "
                f"({got['moves'] / got['similarity']:.2f}x; {got['kept']:.1f} viable moves kept on average), "
                f"transition without the rule {got['transition']:.3f}"
            )
        tuning = [q for q in queries if half_of(q.role) == "tuning"] or list(queries)
        table = calibration(tuning)
        best = max(table, key=lambda row: (row[3], -row[0]))
        print("threshold  kept  precision  F1     recall@10   (tuning half)")
        for threshold, kept, precision, f1, at10 in table:
            mark = "  <- best F1" if threshold == best[0] else ""
            print(f"  {threshold:.2f}   {kept:5.1f}  {precision:.3f}      {f1:.3f}  {at10:.3f}{mark}")
        held = [q for q in queries if half_of(q.role) == "held-out"]
        if held and held is not queries:
            got = figures(held, best[0])
            print(
                f"held-out ({len(held)}) at the tuning half's best threshold {best[0]:.2f}: recall@10 moves "
                f"{got['moves']:.3f}, similarity {got['similarity']:.3f} ({got['moves'] / got['similarity']:.2f}x)"
            )
        for line in asymmetry(queries):
            print(line)
    if not args.no_speed:
        for line in speed(args.store):
            print(line)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", required=True, help="a store with O*NET, aligned")
    parser.add_argument("--onet", type=Path, default=ONET_DEFAULT, help="the O*NET release folder (the key)")
    parser.add_argument("--half", choices=HALVES, default="all", help="evaluate one fixed half only")
    parser.add_argument("--sample", type=int, help="evaluate N random occupations (default: all)")
    parser.add_argument("--seed", type=int, default=17, help="the seed of --sample")
    parser.add_argument("--speed-only", action="store_true", help="only time the commands")
    parser.add_argument("--no-speed", action="store_true", help="do not time the commands")
    args = parser.parse_args(argv)
    try:
        if args.sample is not None and args.sample < 1:
            raise UsageError("--sample must be at least 1.")
        if not (Path(args.store) / "CURRENT").exists():
            raise UsageError(f"{args.store}: no rolegraph store here; pass --store PATH (O*NET imported, aligned).")
        return run(args)
    except (UsageError, RolegraphError) as error:
        print(f"evaluate_moves: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
