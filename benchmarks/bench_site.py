"""Benchmark: the served site on a store (budgets: landing page under 300 ms, role search under 100 ms a keystroke),
against what the site did before, measured in the same run over the same server: the landing page ran
``list-roles`` over every role (here sent to /sparql as text, so no kept answer serves it) and rendered all of
them; search-as-you-type without the catalogue is a SPARQL scan of every role name (CONTAINS per keystroke).

    python benchmarks/bench_site.py --store STORE [--rounds 5]

Prints medians (and the slowest keystroke) and ratios; also how long a worker takes to build its catalogue.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

from rolegraph.serve.server import ServerSettings, make_server
from rolegraph.sparql.queries import get_query

TYPED = ["pr", "pro", "prod", "produc", "producer", "software d", "27-20", "nurse", "budg", "elec"]
SCAN = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rg: <https://w3id.org/rolegraph/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?role ?name WHERE {
  ?role a rg:ProfiledRole .
  { ?role rdfs:label ?name } UNION { ?role skos:altLabel ?name } UNION { ?role skos:notation ?name }
  FILTER(CONTAINS(LCASE(STR(?name)), "TEXT"))
} LIMIT 12"""


def get(port: int, path: str, headers: dict[str, str] | None = None) -> float:
    """Seconds to fetch ``path`` (its status must be 200)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{path[:80]} answered {response.status}")
    return elapsed


def sparql(text: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, type=Path, help="the store to serve (read-only use)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    server = make_server(str(args.store), ServerSettings(port=0, workers=1, timeout=120.0, max_memory=None))
    print(f"server and one worker ready (graph open, catalogue built) in {time.perf_counter() - started:.2f} s")
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.port
    csv = {"Accept": "text/csv"}
    try:
        get(port, "/")  # templates compiled
        landing = statistics.median(get(port, "/") for _ in range(args.rounds))
        old_landing = statistics.median(get(port, sparql(get_query("list-roles").text), csv) for _ in range(2))
        print(f"landing page: {landing * 1000:.0f} ms (budget 300 ms); listing every role as the old one did: "
              f"{old_landing * 1000:.0f} ms; ratio old/new {old_landing / landing:.1f}x")  # fmt: skip
        keystrokes = [statistics.median(get(port, "/roles.json?q=" + urllib.parse.quote(t)) for _ in range(args.rounds))
                      for t in TYPED]  # fmt: skip
        scans = [get(port, sparql(SCAN.replace("TEXT", t.lower())), csv) for t in TYPED[:4]]
        search, scan = statistics.median(keystrokes), statistics.median(scans)
        print(f"role search: median {search * 1000:.1f} ms, slowest {max(keystrokes) * 1000:.1f} ms over "
              f"{len(TYPED)} typed texts (budget 100 ms); a SPARQL scan of every name: median {scan * 1000:.0f} ms; "
              f"ratio scan/search {scan / search:.0f}x")  # fmt: skip
        role = statistics.median(get(port, "/role/27-2012.00") for _ in range(args.rounds))
        print(f"a role page (27-2012.00): {role * 1000:.0f} ms")
    finally:
        server.shutdown()
        server.server_close()
        server.pool.close()


if __name__ == "__main__":
    sys.exit(main())
