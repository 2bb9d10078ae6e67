"""Benchmark: loading a file with one long literal (``--data x.nt``) as N-Triples and as Turtle, through rolegraph's
loader, and rdflib's own N-Triples parser (the path rolegraph used before) within a time limit.

    python benchmarks/bench_ntriples.py [--megabytes 5] [--rounds 3] [--rdflib-limit 20]

Prints medians, the N-Triples / Turtle ratio (about 1 when the N-Triples path is linear), and rdflib's parser at a
quarter, half and the whole size (its time grows with the square of the line length: a 5 MB literal took 71 s).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

from rdflib import Graph
from timing import bounded, median_seconds

import rolegraph
from rolegraph.model.ontology import parse_into

PREFIX = "<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#comment> "


def write(folder: Path, size: int) -> tuple[Path, Path]:
    """The same long literal as N-Triples and as Turtle."""
    nt, ttl = folder / f"long-{size}.nt", folder / f"long-{size}.ttl"
    text = PREFIX + '"' + "x" * size + '" .\n'
    nt.write_text(text, encoding="utf-8")
    ttl.write_text(text, encoding="utf-8")
    return nt, ttl


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rdflib-limit", type=float, default=20.0, help="Seconds rdflib's parser may take per size.")
    arguments = parser.parse_args()
    size = int(arguments.megabytes * 1_000_000)
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, rolegraph {rolegraph.__version__}, "
          f"a literal of {size:,} characters")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        nt, ttl = write(Path(scratch), size)
        as_nt = median_seconds(lambda: parse_into(Graph(), nt), arguments.rounds)
        as_ttl = median_seconds(lambda: parse_into(Graph(), ttl), arguments.rounds)
        print(f"rolegraph --data x.nt   {as_nt:8.3f} s")
        print(f"rolegraph --data x.ttl  {as_ttl:8.3f} s")
        print(f"N-Triples / Turtle      {as_nt / as_ttl:8.2f}")
        for fraction in (0.25, 0.5, 1.0):
            part = int(size * fraction)
            nt_part, _ = write(Path(scratch), part)
            text = nt_part.read_text(encoding="utf-8")
            seconds = bounded(lambda text=text: Graph().parse(data=text, format="nt"), arguments.rdflib_limit)
            shown = f"{seconds:8.3f} s" if seconds is not None else f"> {arguments.rdflib_limit:g} s (stopped)"
            print(f"rdflib's N-Triples parser, {part:>10,} characters: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
