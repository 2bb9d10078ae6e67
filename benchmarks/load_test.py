"""Load test: N clients on loopback mix compare pages and SPARQL queries against ``rolegraph serve`` for a bounded
time; prints throughput, p50/p99 latency per kind, errors, and the server's memory (its process and its workers)
at the start, at the peak and at the end. Exits non-zero on any error or if memory grew past the bound.

    python benchmarks/load_test.py [--store PATH] [--clients 8] [--seconds 60] [--memory-bound-mb 300]
                                   [--mix pages-and-sparql|sparql] [--workers 2]

Without --store: imports O*NET 29.0 and ESCO v1.1.1 from ../shared/data into a temporary store when they are there,
else serves the built-in graph (and says so).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ROLEGRAPH_SHARED", REPO.parent / "shared"))
SHARED_SKILLS = (REPO / "queries" / "shared-skills.rq").read_text(encoding="utf-8")


def rolegraph(*args: str) -> list[str]:
    return [sys.executable, "-m", "rolegraph", *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (the workers), in MB, from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def prepare_store(arguments: argparse.Namespace, scratch: Path) -> list[str]:
    if arguments.store:
        return ["--store", arguments.store]
    onet, esco = SHARED / "data" / "onet" / "29.0", SHARED / "data" / "esco" / "v1.1.1"
    if not (onet.is_dir() and esco.is_dir()):
        print(f"note: no releases under {SHARED / 'data'}; serving the built-in graph", file=sys.stderr)
        os.environ["XDG_DATA_HOME"] = str(scratch)  # an empty per-user store folder: the built-in graph
        return []
    store = scratch / "store"
    for kind, folder in (("onet", onet), ("esco", esco)):
        subprocess.run(rolegraph("--store", str(store), "import", kind, str(folder)), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return ["--store", str(store)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mix", choices=["pages-and-sparql", "sparql"], default="pages-and-sparql",
                        help="Half compare pages and half SPARQL (default), or only SPARQL.")  # fmt: skip
    parser.add_argument("--memory-bound-mb", type=float, default=300.0,
                        help="Most the server's memory may grow between the first and the last minute.")  # fmt: skip
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rolegraph-load-") as folder:
        store_args = prepare_store(arguments, Path(folder))
        port = free_port()
        server = subprocess.Popen(
            rolegraph(*store_args, "serve", "--port", str(port), "--workers", str(arguments.workers)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            return run_load(arguments, port, server)
        finally:
            server.terminate()
            server.wait(timeout=30)


def request(connection: http.client.HTTPConnection, path: str, body: bytes | None = None) -> tuple[int, int]:
    headers = {"Accept": "application/sparql-results+json"}
    if body is not None:
        headers["Content-Type"] = "application/sparql-query"
    connection.request("POST" if body is not None else "GET", path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, len(data)


def run_load(arguments: argparse.Namespace, port: int, server: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                print("the server did not start", file=sys.stderr)
                return 2
            time.sleep(0.2)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    listing = "SELECT ?r WHERE { ?r a <https://w3id.org/rolegraph/vocab#ProfiledRole> } ORDER BY ?r LIMIT 10000"
    connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": listing}))
    roles = [b["r"]["value"] for b in json.loads(connection.getresponse().read())["results"]["bindings"]]
    connection.close()
    print(f"{len(roles)} profiled roles; {arguments.clients} clients for {arguments.seconds:g} s; "
          f"{arguments.workers} server workers; {os.cpu_count()} cores")  # fmt: skip

    latencies: dict[str, list[float]] = {"compare page": [], "sparql": []}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + arguments.seconds
    memory: list[float] = [tree_rss_mb(server.pid)]

    def client(seed: int) -> None:
        chooser = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            a, b = chooser.sample(roles, 2)
            if arguments.mix == "pages-and-sparql" and chooser.random() < 0.5:
                query = urllib.parse.urlencode([("role", a), ("role", b)])
                kind, path, body = "compare page", f"/compare?{query}", None
            else:
                text = SHARED_SKILLS.replace("#@values ?a", f"VALUES ?a {{ <{a}> }}").replace(
                    "#@values ?b", f"VALUES ?b {{ <{b}> }}")  # fmt: skip
                kind, path, body = "sparql", "/sparql", text.encode("utf-8")
            started = time.perf_counter()
            try:
                status, _size = request(conn, path, body)
            except (OSError, http.client.HTTPException) as error:
                status = -1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                detail = f"{kind}: {error}"
            else:
                detail = f"{kind}: HTTP {status}"
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    latencies[kind].append(elapsed)
                else:
                    errors.append(detail)
        conn.close()

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(arguments.clients)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        time.sleep(5)
        memory.append(tree_rss_mb(server.pid))
    for thread in threads:
        thread.join()
    memory.append(tree_rss_mb(server.pid))

    total = sum(len(v) for v in latencies.values())
    print(f"{total:,} answers in {arguments.seconds:g} s: {total / arguments.seconds:.1f} per second; "
          f"{len(errors)} errors")  # fmt: skip
    for kind, values in latencies.items():
        if values:
            ordered = sorted(values)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            print(f"  {kind:13} {len(values):6,}  p50 {statistics.median(values) * 1000:7.1f} ms  "
                  f"p99 {p99 * 1000:7.1f} ms")  # fmt: skip
    growth = memory[-1] - memory[1] if len(memory) > 2 else 0.0
    print(f"server memory (with workers): start {memory[0]:.0f} MB, peak {max(memory):.0f} MB, "
          f"end {memory[-1]:.0f} MB; growth after the first 5 s {growth:+.0f} MB "
          f"(bound {arguments.memory_bound_mb:g} MB)")  # fmt: skip
    for detail in sorted(set(errors))[:10]:
        print(f"  error: {detail} ({errors.count(detail)}x)")
    return 1 if errors or growth > arguments.memory_bound_mb else 0


if __name__ == "__main__":
    sys.exit(main())
