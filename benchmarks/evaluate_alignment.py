"""Evaluate `rolegraph align` on a store: precision by score band on the judged pairs, the chosen thresholds, the
precision of the produced closeMatch links (judged by hand), the top candidates of the article's duty and skill
nodes in ESCO and O*NET, and the time and memory of the whole `rolegraph align` command (on a copy of the store).

    python benchmarks/evaluate_alignment.py --store STORE [--time-align]

The store is only read; --time-align copies it to a temporary folder and runs `rolegraph align` there under
/usr/bin/time -v (where present). Judged pairs live in benchmarks/data/alignment-judgements.tsv (criteria in its
header) and benchmarks/data/alignment-closematch-judged.tsv.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from rolegraph.align.build import _manual_graphs  # noqa: E402
from rolegraph.align.concepts import (  # noqa: E402
    CLOSE,
    RELATED,
    candidates,
    choose,
    manual_pairs,
    map_concepts,
    read_broader,
    read_concepts,
    through_hierarchy,
)
from rolegraph.align.mapping import CLOSE_MATCH  # noqa: E402
from rolegraph.store.database import RoleStore  # noqa: E402

JUDGED = HERE / "data" / "alignment-judgements.tsv"
CLOSE_JUDGED = HERE / "data" / "alignment-closematch-judged.tsv"
BANDS = [0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01]


def _judged(path: Path) -> dict[tuple[str, str], str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {(row["subject_id"], row["object_id"]): row["judgement"] for row in csv.DictReader(lines, delimiter="\t")}


def _band(score: float) -> str:
    for low, high in itertools.pairwise(BANDS):
        if low <= score < high:
            return f"{low:.2f}-{min(high, 1.0):.2f}"
    return f"<{BANDS[0]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--time-align", action="store_true", help="Also time `rolegraph align` on a copy.")
    parser.add_argument("--top", type=int, default=3, help="Candidates shown per article node and source.")
    parser.add_argument("--wordllama", action="store_true",
                        help="Also score the judged pairs with wordllama's static embeddings, where it is importable "
                             "(not a dependency of rolegraph: install it beside, for the measurement).")  # fmt: skip
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; store {args.store.name}")

    started = time.perf_counter()
    with RoleStore.open_for_reading(args.store) as store:
        engine = store.engine()
        sides = read_concepts(engine.solutions)
        manual = manual_pairs(engine.solutions, _manual_graphs(store))
    read = time.perf_counter() - started
    print(
        "concepts: " + ", ".join(f"{name} {len(side):,}" for name, side in sides.items()) + f" (read in {read:.1f} s)"
    )

    started = time.perf_counter()
    found = candidates(sides, floor=0.3)
    scored = time.perf_counter() - started
    print(f"candidates: {len(found):,} pairs scoring 0.30 or more, computed in {scored:.1f} s")
    by_pair = {(c.subject.iri, c.object.iri): c for c in found}

    judged = _judged(JUDGED)
    bands: dict[str, list[str]] = defaultdict(list)
    missing = 0
    for pair, judgement in judged.items():
        candidate = by_pair.get(pair)
        if candidate is None:
            missing += 1
            continue
        bands[_band(candidate.score)].append(judgement)
    print(f"\njudged pairs: {len(judged)} ({missing} no longer among the top candidates)")
    print(f"{'score band':<11} {'pairs':>5} {'closeMatch right (C)':>21} {'some relation right (C/B/R)':>28}")
    for band in sorted(bands):
        marks = bands[band]
        close = sum(m == "C" for m in marks) / len(marks)
        some = sum(m in "CBR" for m in marks) / len(marks)
        print(f"{band:<11} {len(marks):>5} {close:>21.2f} {some:>28.2f}")
    print(f"thresholds: closeMatch from {CLOSE:.2f}; broad/narrow/relatedMatch from {RELATED:.2f}; nothing below")

    mappings = map_concepts(sides, manual)
    with RoleStore.open_for_reading(args.store) as store:
        mappings += through_hierarchy(mappings, read_broader(store.engine().solutions), manual)
    counts: dict[str, int] = defaultdict(int)
    for mapping in mappings:
        counts[mapping.predicate_name] += 1
    print(f"\nmappings: {len(mappings):,} (" + ", ".join(f"{n:,} {p}" for p, n in sorted(counts.items())) + ")")
    produced = {(m.subject, m.object) for m in mappings if m.predicate == CLOSE_MATCH}
    marks = _judged(CLOSE_JUDGED)
    hits = [marks[pair] for pair in produced if pair in marks]
    if hits:
        precision = sum(m == "C" for m in hits) / len(hits)
        print(f"closeMatch precision (hand-judged): {precision:.2f} on {len(hits)} of the {len(produced)} produced "
              f"closeMatch links (goal 0.90)")  # fmt: skip
    else:
        print(f"closeMatch precision: none of the {len(produced)} produced closeMatch links is judged")
    judged_pairs = {frozenset(pair) for pair in judged}
    print(f"hand-made links skipped: {sum(1 for c in found if frozenset((c.subject.iri, c.object.iri)) in manual)} "
          f"candidate pairs; judged calibration pairs among the mappings: "
          f"{sum(1 for m in mappings if frozenset((m.subject, m.object)) in judged_pairs)}")  # fmt: skip

    print("\nThe article's duty and skill nodes: top candidates (score, relation)")
    top: dict[tuple[str, str], list[tuple[float, str, str]]] = defaultdict(list)
    for c in candidates(sides, pairs=(("article", "esco"), ("article", "onet")), k=args.top, floor=0.0):
        other = "ESCO" if c.object.iri.startswith("http://data.europa.eu/esco/") else "O*NET"
        relation = choose(c) if frozenset((c.subject.iri, c.object.iri)) not in manual else None
        name = "hand-made link" if relation is None and frozenset((c.subject.iri, c.object.iri)) in manual else (
            relation.rsplit("#", 1)[-1] if relation else "none")  # fmt: skip
        top[(c.subject.label, other)].append((c.score, c.object.label, name))
    for concept in sides.get("article", []):
        for other in ("ESCO", "O*NET"):
            picks = sorted(top.get((concept.label, other), []), reverse=True)
            text = "; ".join(f"{label} {score:.2f} ({name})" for score, label, name in picks) or "none"
            print(f"  {concept.label} -> {other}: {text}")

    if args.wordllama:
        _wordllama(JUDGED, {c.iri: c for side in sides.values() for c in side}, bands)

    if args.time_align:
        _time_align(args.store, read + scored)


def _wordllama(path: Path, concepts: dict[str, Any], tfidf: dict[str, list[str]]) -> None:
    """Precision by band of wordllama 0.4's cosine on the same judged pairs, next to the TF-IDF model's."""
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        print("\nwordllama: not importable here (install it beside, e.g. pip install --target DIR wordllama)")
        return
    model = WordLlama.load(cache_dir=os.path.dirname(wordllama.__file__), disable_download=True)
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    started = time.perf_counter()
    labels = [c.label for c in concepts.values()]
    model.embed(labels)
    embed = time.perf_counter() - started
    bands: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        score = float(model.similarity(row["subject_label"], row["object_label"]))
        low = max(0.0, min(0.9, int(score * 10) / 10))
        bands[f"{low:.1f}-{low + 0.1:.1f}"].append(row["judgement"])
    print(f"\nwordllama 0.4 (256 dimensions, offline): embeds all {len(labels):,} labels in {embed:.1f} s; "
          "precision on the same judged pairs by its cosine (drawn from the TF-IDF model's candidates):")  # fmt: skip
    print(f"{'cosine band':<11} {'pairs':>5} {'closeMatch right (C)':>21} {'some relation right (C/B/R)':>28}")
    for band in sorted(bands):
        marks = bands[band]
        close = sum(m == "C" for m in marks) / len(marks)
        some = sum(m in "CBR" for m in marks) / len(marks)
        print(f"{band:<11} {len(marks):>5} {close:>21.2f} {some:>28.2f}")
    best = [m for band, marks in tfidf.items() if not band.startswith("<") and band >= f"{CLOSE:.2f}" for m in marks]
    if best:
        print(f"TF-IDF from {CLOSE:.2f}, for comparison: {sum(m == 'C' for m in best) / len(best):.2f} of {len(best)}")


def _time_align(store: Path, compute: float) -> None:
    with tempfile.TemporaryDirectory(prefix="align-bench-") as folder:
        copy = Path(folder) / "store"
        shutil.copytree(store, copy)
        (copy / "rolegraph.lock").unlink(missing_ok=True)
        command = [sys.executable, "-m", "rolegraph", "--store", str(copy), "align"]
        timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
        env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
        started = time.perf_counter()
        done = subprocess.run(timer + command, capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            print(f"rolegraph align failed: {done.stderr[-500:]}")
            return
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        memory = int(rss.group(1)) / 1024 if rss else float("nan")
        print(f"\n`rolegraph align` (whole command, on a copy): {wall:.1f} s, {wall / 300:.2f} of the 5-minute budget; "
              f"reading and scoring alone {compute:.1f} s in this process ({wall / max(compute, 1e-9):.2f}x); "
              f"peak memory {memory:,.0f} MB, {memory / 2048:.2f} of the 2 GB budget")  # fmt: skip
        print("  " + done.stdout.strip().splitlines()[0])


if __name__ == "__main__":
    main()
