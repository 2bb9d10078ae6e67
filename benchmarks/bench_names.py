"""Benchmark: what a role name that matches nothing costs on a store with O*NET and ESCO (suggestions from the index
of names), against resolving a known name in the same run, through the API (warm) and as a whole command.

    python benchmarks/bench_names.py [--store PATH] [--shared ../shared] [--rounds 5] [--old]

Without ``--store`` it imports O*NET 29.0 and ESCO v1.1.1 from ../shared/data into a temporary store (and says it
skipped where they are absent). The store's index file is removed first (it is a cache) to time its building.
``--old`` also times, once, the scan the index replaced (a case-insensitive scan of every name, then every name and
label read and compared with difflib).
"""

from __future__ import annotations

import argparse
import difflib
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from bench_store import import_in_subprocess
from rdflib import Literal
from timing import bounded
from timing import median_seconds as median

import rolegraph
from rolegraph.compare.nameindex import FILE_PREFIX, name_index
from rolegraph.compare.roles import list_roles, resolve_role, suggest_roles
from rolegraph.errors import UnknownRoleError
from rolegraph.sparql.engines import QueryEngine, select
from rolegraph.store.database import RoleStore

KNOWN = "27-2012.00"
TYPOS = ["Produser", "zzzz", "x", "Production Manger", "video and motion picture produser", "sofware develper"]
OLD_LIMIT = 120.0
"""Seconds the former scan may take before it is stopped and reported as "> limit"."""


@contextmanager
def release_store(args: argparse.Namespace) -> Iterator[Path | None]:
    """The store to measure: ``--store``, or a temporary one with both releases imported (None without them)."""
    if args.store is not None:
        yield args.store
        return
    onet, esco = args.shared / "data" / "onet" / "29.0", args.shared / "data" / "esco" / "v1.1.1"
    if not (onet.is_dir() and esco.is_dir()):
        yield None
        return
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        for kind, path in (("onet", onet), ("esco", esco)):
            seconds, triples, _ = import_in_subprocess(store, kind, path)
            print(f"(imported {kind}: {triples:,} triples in {seconds:.1f} s)")
        yield store


def unknown(engine: QueryEngine, name: str) -> list[str]:
    """The suggestions resolving ``name`` gives (it must match nothing)."""
    try:
        resolve_role(engine, name)
    except UnknownRoleError as error:
        return error.suggestions
    raise SystemExit(f"{name!r} names a role in this store: pick a name that matches nothing")


def old_scan(engine: QueryEngine, name: str) -> list[str]:
    """What an unknown name cost before the index: the case-insensitive scan, then every name compared."""
    select(engine, "role-search", {"name": Literal(name)})
    names: dict[str, str] = {}
    for row in select(engine, "role-names"):
        names.setdefault(" ".join(str(row.name).split()).casefold(), str(row.name))
    for summary in list_roles(engine):
        names.setdefault(summary.label.casefold(), summary.label)
    return [names[k] for k in difflib.get_close_matches(name.casefold(), list(names), n=5, cutoff=0.6)]


def command(store: Path, *arguments: str) -> float:
    """Seconds one whole ``rolegraph --store STORE ...`` process takes (exit 0 or 2)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(store), *arguments], capture_output=True)
    if done.returncode not in (0, 2):
        raise SystemExit(f"rolegraph {' '.join(arguments)} failed: {done.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--old", action="store_true", help="also time the former scan once (about 15 s)")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, rolegraph {rolegraph.__version__}, "
          f"pyoxigraph {version('pyoxigraph')}")  # fmt: skip
    with release_store(args) as store:
        if store is None:
            print(f"skipped: no --store and the real releases are not under {args.shared / 'data'}")
            return 0
        with RoleStore.open(store) as opened:
            sources = ", ".join(f"{s.title} {s.release}" for s in opened.sources()[1:]) or "the shipped graph only"
            print(f"store: {sources}")
            for old in store.glob(f"{FILE_PREFIX}*.sqlite"):
                old.unlink()  # a cache: removed to time what the first unknown name after an import costs
            engine = opened.engine()
            start = time.perf_counter()
            built = name_index(engine)
            build = time.perf_counter() - start
            start = time.perf_counter()
            name_index(opened.engine())
            reopen = time.perf_counter() - start
            print(f"index of {len(built):,} names: built and written in {build:.2f} s (the first unknown name after "
                  f"an import), opened from its file in {reopen * 1000:.1f} ms (every later process)")  # fmt: skip
            known = median(lambda: resolve_role(engine, KNOWN), args.rounds)
            rows = [(f"API, warm: resolve {KNOWN} (baseline)", known, known)]
            for name in TYPOS:
                rows.append((f"API, warm: unknown {name!r}", median(lambda n=name: unknown(engine, n), args.rounds),
                             known))  # fmt: skip
            old = bounded(lambda: old_scan(engine, "Produser"), OLD_LIMIT) if args.old else None
            examples = {name: suggest_roles(engine, name) for name in TYPOS}
        cli_known = median(lambda: command(store, "resolve", KNOWN), args.rounds)
        rows.append((f"whole command: rolegraph resolve {KNOWN} (baseline)", cli_known, cli_known))
        for name in ("Produser", "zzzz"):
            rows.append((f"whole command: rolegraph show {name!r}", median(lambda n=name: command(store, "show", n),
                                                                             args.rounds), cli_known))  # fmt: skip
    print(f"{'workload':58} {'median':>10} {'ratio':>8}")
    for label, seconds, baseline in rows:
        print(f"{label:58} {seconds * 1000:8.1f}ms {seconds / baseline:7.2f}x")
    if args.old:
        text = f"> {OLD_LIMIT:.0f} s" if old is None else f"{old:.1f} s"
        print(f"{'before the index: unknown Produser, API (one run)':58} {text:>10}")
    for name, suggestions in examples.items():
        print(f"{name!r}: {'; '.join(suggestions) or '(no suggestions)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
