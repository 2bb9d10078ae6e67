"""Every benchmark in one run, one table after another:

    python benchmarks/run_all.py [--quick]

1. bench_store.py: importing O*NET and ESCO, compare and most-similar on the real releases (skips without them);
2. bench_queries.py: every named query on a generated 10,000-role graph, against the bare engine and rdflib;
3. bench_pages.py: writing the two-role and the 2,000-node pages (and drawing them, where chromium is installed);
4. bench_startup.py: whole commands on the built-in graph, against `python -c pass`;
5. bench_graph.py: one role's neighbourhood (depth 1 and 2) on a generated 4,000-role store;
6. load_test.py: the SPARQL endpoint, 4 clients on loopback for 20 s (queries per second, p50/p99);
7. bench_readme.py: every command example of the README, on the built-in graph and on a store with both releases;
8. bench_export.py: exporting the built-in graph and a generated store, against pyoxigraph's Store.dump.

``--quick`` runs each in a small configuration (a smoke test: the figures then mean little).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    runs = [
        ("bench_store.py", ["--rounds", "1"] if quick else []),
        ("bench_queries.py", ["--roles", "300", "--rdflib-limit", "2", "--seconds", "0.05"] if quick else []),
        ("bench_pages.py", ["--rounds", "1"] if quick else []),
        ("bench_startup.py", ["--rounds", "1"] if quick else []),
        ("bench_graph.py", ["--roles", "300", "--rounds", "1", "--old-limit", "10"] if quick else []),
        ("load_test.py", ["--clients", "4", "--seconds", "3" if quick else "20", "--mix", "sparql"]),
        ("bench_readme.py", ["--rounds", "1"] if quick else []),
        ("bench_export.py", ["--roles", "200", "--rounds", "1", "--old-limit", "30"] if quick else []),
    ]
    failed = []
    for script, arguments in runs:
        print(f"\n== {script} {' '.join(arguments)}".rstrip(), flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), *arguments], cwd=HERE)
        if done.returncode != 0:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
