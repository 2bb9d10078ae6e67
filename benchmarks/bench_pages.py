"""Benchmark: writing network pages, against pyvis's own path (Network.from_nx + generate_html) measured in the same
run, and how interactive the pages are in chromium (first draw, redraw after a zoom).

    python benchmarks/bench_pages.py [--rounds 7]

Prints medians and ratios. The 2,000-node graph is generated with a fixed seed.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import networkx as nx
from timing import median_seconds

import rolegraph
from rolegraph.graph.network import comparison_network
from rolegraph.graph.render import network_page

KINDS = ["duty", "skill", "certification", "organisation", "education", "environment", "salary", "project type"]


def generated(nodes: int, roles: int = 8, seed: int = 7) -> nx.MultiGraph:
    """A role network of ``roles`` anchors and ``nodes`` other nodes, each linked from 1 to 3 roles."""
    rng = random.Random(seed)
    anchors = [f"https://example.org/role/{i}" for i in range(roles)]
    graph = nx.MultiGraph(roles=anchors)
    for anchor in anchors:
        graph.add_node(anchor, label=f"Role {anchor[-1]}", kind="role", membership="role", roles=[anchor],
                       categories=[], citations=[])  # fmt: skip
    for i in range(nodes):
        linked = sorted(rng.sample(anchors, rng.choice([1, 1, 1, 2, 3])))
        kind = rng.choice(KINDS)
        node = f"https://example.org/node/{i}"
        membership = "unique" if len(linked) == 1 else "some"
        graph.add_node(node, label=f"{kind} {i}", kind=kind, membership=membership, roles=linked,
                       categories=[kind], citations=[f"generated {i}"])  # fmt: skip
        for role in linked:
            graph.add_edge(role, node, key=kind, category=kind, citations=[])
    return graph


def pyvis_stock(graph: nx.MultiGraph) -> str:
    from pyvis.network import Network

    net = Network()
    simple = nx.Graph()
    for node, data in graph.nodes(data=True):
        simple.add_node(node, label=data["label"], title=data["label"])
    simple.add_edges_from((u, v) for u, v in graph.edges())
    net.from_nx(simple)
    return net.generate_html()


def browser_timings(path: Path) -> tuple[float, float] | None:
    """(first draw, redraw after a zoom) in milliseconds, or None without chromium and Playwright."""
    chromium = os.environ.get("ROLEGRAPH_CHROMIUM", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(chromium).exists():
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("window.rolegraph !== undefined")
        page.evaluate("new Promise(r => { rolegraph.network.once('afterDrawing', r); rolegraph.network.redraw(); })")
        first = (time.perf_counter() - start) * 1000
        redraws = []
        for scale in (0.5, 1.0, 2.0, 0.8, 1.2):
            redraws.append(page.evaluate(
                """s => new Promise(r => { const t = performance.now();
                     rolegraph.network.once('afterDrawing', () => r(performance.now() - t));
                     rolegraph.network.moveTo({scale: s}); })""", scale))  # fmt: skip
        browser.close()
    return first, statistics.median(redraws)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, rolegraph {rolegraph.__version__}, "
          f"rdflib {version('rdflib')}, networkx {version('networkx')}, pyvis {version('pyvis')}")  # fmt: skip
    g = rolegraph.load()
    roles = [g.resolve("Production Manager"), g.resolve("Producer")]
    two = comparison_network(g.engine, roles)
    big = generated(2000)
    print(f"{'workload':44} {'median':>10} {'baseline':>10} {'ratio':>7}")

    def row(name: str, seconds: float, baseline: float) -> None:
        print(f"{name:44} {seconds * 1000:8.1f}ms {baseline * 1000:8.1f}ms {seconds / baseline:6.2f}x")

    whole = median_seconds(lambda: network_page(comparison_network(g.engine, roles)), args.rounds)
    render_two = median_seconds(lambda: network_page(two), args.rounds)
    stock_two = median_seconds(lambda: pyvis_stock(two), args.rounds)
    render_big = median_seconds(lambda: network_page(big), max(3, args.rounds // 2))
    stock_big = median_seconds(lambda: pyvis_stock(big), max(3, args.rounds // 2))
    row("two-role page: queries + projection + page", whole, stock_two)
    row("two-role page: page only", render_two, stock_two)
    row("2,000-node page: page only", render_big, stock_big)
    print("(baseline: pyvis Network.from_nx + generate_html of the same graph, without layout, escaping or panel data)")
    with tempfile.TemporaryDirectory() as folder:
        for name, graph in (("two-role page", two), ("2,000-node page", big)):
            path = Path(folder) / "page.html"
            path.write_bytes(network_page(graph))
            timings = browser_timings(path)
            if timings is None:
                print(f"{name}: browser timings skipped (no chromium or Playwright)")
                continue
            first, redraw = timings
            print(f"{name} in chromium: load to first draw {first:.0f} ms, redraw after zoom (median of 5) "
                  f"{redraw:.1f} ms; {path.stat().st_size / 1e6:.2f} MB")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
