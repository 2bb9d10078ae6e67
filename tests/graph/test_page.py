"""The comparison page in a real browser (Debian's chromium driven by Playwright): offline, complete, interactive,
and inert to hostile labels. Skips with a reason where chromium or Playwright is missing."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import URIRef

import rolegraph
from rolegraph.graph.network import comparison_network
from rolegraph.graph.render import network_page

from ..conftest import CHROMIUM, REPO

ARTIFACTS = REPO / "test-artifacts"
ID = "https://w3id.org/rolegraph/id/"
HOSTILE_LABEL = "<img src=x onerror=alert(1)></script>"

# Marks, not module-level skips: each test is then counted as skipped, once.
pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="Playwright is not installed (pip install '.[test]')"
    ),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)"),
]


def write_page(directory: Path, name: str, network: nx.MultiGraph) -> Path:
    path = directory / name
    path.write_bytes(network_page(network))
    return path


@pytest.fixture(scope="module")
def two_roles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, nx.MultiGraph]:
    g = rolegraph.load()
    network = comparison_network(g.engine, [g.resolve("Production Manager"), g.resolve("Producer")])
    return write_page(tmp_path_factory.mktemp("page"), "compare.html", network), network


class Opened:
    """A page opened from file:// with every request, console error and dialog recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.route("**/*", self._route)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)
        self.page.wait_for_function("window.rolegraph !== undefined")

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def evaluate(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def click_node(self, node_id: str) -> None:
        point = self.evaluate(
            """id => { const n = rolegraph.network; const p = n.getPositions([id])[id];
                       const d = n.canvasToDOM(p);
                       const box = document.querySelector('#network canvas').getBoundingClientRect();
                       return {x: box.left + d.x, y: box.top + d.y}; }""",
            node_id,
        )
        self.page.mouse.click(point["x"], point["y"])

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def opened(browser: Any, two_roles: tuple[Path, nx.MultiGraph]) -> Iterator[Opened]:
    page = Opened(browser, two_roles[0])
    yield page
    page.close()


def test_loads_offline_without_errors_or_requests(opened: Opened) -> None:
    opened.page.wait_for_timeout(300)
    assert opened.requests == [opened.url]
    assert opened.errors == []


def test_datasets_hold_the_comparisons_nodes_and_edges(opened: Opened, two_roles: tuple[Path, nx.MultiGraph]) -> None:
    network = two_roles[1]
    assert opened.evaluate("rolegraph.nodes.length") == network.number_of_nodes() == 57
    assert opened.evaluate("rolegraph.edges.length") == network.number_of_edges() == 78
    assert opened.evaluate("rolegraph.nodeView.length") == 57


def test_clicking_a_shared_node_shows_both_roles(opened: Opened) -> None:
    opened.click_node(ID + "skill/communication")
    panel = opened.page.locator("#panel")
    assert panel.is_visible()
    assert opened.page.locator("#panel-label").text_content() == "Communication"
    assert opened.page.locator("#panel-roles li").all_text_contents() == ["Production Manager", "Producer"]
    citations = opened.page.locator("#panel-citations li").all_text_contents()
    assert 'Producer: "Production Manager vs. Producer" para. 7, line 38' in citations


def test_shared_only_filter_hides_every_unique_node(opened: Opened, two_roles: tuple[Path, nx.MultiGraph]) -> None:
    opened.page.check("input[name=membership][value=all]")
    visible = opened.evaluate("rolegraph.nodeView.get().map(n => n.membership)")
    shared = sum(1 for _, d in two_roles[1].nodes(data=True) if d["membership"] == "all")
    assert sorted(set(visible)) == ["all", "role"]
    assert len(visible) == shared + 2
    assert opened.evaluate(
        "rolegraph.edgeView.get().every(e => rolegraph.nodeView.get(e.to) && rolegraph.nodeView.get(e.from))"
    )
    opened.page.check("input[name=membership][value=any]")
    assert opened.evaluate("rolegraph.nodeView.length") == 57


def test_kind_filter_hides_that_kind(opened: Opened) -> None:
    opened.page.uncheck("input[name=kind][value=duty]")
    assert opened.evaluate("rolegraph.nodeView.get().filter(n => n.kind === 'duty').length") == 0
    assert opened.evaluate("rolegraph.nodeView.length") == 57 - 17


def test_search_focuses_the_node(opened: Opened) -> None:
    opened.page.fill("#search", "scriptwriting")
    opened.page.press("#search", "Enter")
    node = ID + "skill/scriptwriting"
    assert opened.evaluate("rolegraph.network.getSelectedNodes()") == [node]
    view = opened.evaluate("rolegraph.network.getViewPosition()")
    position = opened.evaluate(f"rolegraph.network.getPositions(['{node}'])['{node}']")
    assert abs(view["x"] - position["x"]) < 1 and abs(view["y"] - position["y"]) < 1
    assert opened.page.locator("#panel-label").text_content() == "Scriptwriting"
    opened.page.fill("#search", "no such thing at all")
    opened.page.press("#search", "Enter")
    assert opened.page.locator("#search-status").text_content() == "no node matches"


def test_physics_toggle(opened: Opened) -> None:
    opened.page.click("#physics")
    assert opened.page.locator("#physics").text_content() == "Physics: on"
    assert opened.errors == []


def test_screenshot_for_people(opened: Opened) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "compare-production-manager-producer.png"
    opened.page.wait_for_timeout(300)
    opened.page.screenshot(path=str(target))
    assert target.stat().st_size > 20_000
    print(f"screenshot: {target}")


def test_hostile_label_renders_as_text_and_runs_nothing(browser: Any, tmp_path: Path) -> None:
    extra = tmp_path / "hostile.ttl"
    escaped = HOSTILE_LABEL.replace('"', '\\"')
    extra.write_text(
        "@prefix rg: <https://w3id.org/rolegraph/vocab#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<https://example.org/evil> a rg:ProfiledRole ; rdfs:label "{escaped}"@en ;\n'
        f"    rg:hasDuty <{ID}duty/hire-crew> , <https://example.org/evil-duty> ;\n"
        f"    rg:requiresSkill <{ID}skill/communication> .\n"
        "<https://example.org/evil-duty> a rg:Duty ;\n"
        '    rdfs:label "<b onmouseover=alert(2)>bold</b> &amp; \\u2028"@en .\n'
    )
    g = rolegraph.load([extra])
    network = comparison_network(g.engine, [g.resolve("Producer"), URIRef("https://example.org/evil")])
    path = write_page(tmp_path, "hostile.html", network)
    html = path.read_text(encoding="utf-8")
    assert "<img src=x" not in html
    assert '</script>"' not in html
    page = Opened(browser, path)
    try:
        page.page.wait_for_timeout(300)
        assert page.dialogs == []
        assert page.errors == []
        assert page.evaluate("document.querySelectorAll('img, b').length") == 0
        assert HOSTILE_LABEL in page.page.locator("#title").text_content()
        page.click_node("https://example.org/evil")
        assert page.page.locator("#panel-label").text_content() == HOSTILE_LABEL
        page.page.fill("#search", "<b onmouseover")
        page.page.press("#search", "Enter")
        assert page.page.locator("#panel-label").text_content().startswith("<b onmouseover=alert(2)>bold</b>")
        assert page.evaluate("document.querySelectorAll('img, b').length") == 0
        assert page.dialogs == []
    finally:
        page.close()


def test_three_roles(browser: Any, tmp_path: Path) -> None:
    g = rolegraph.load()
    network = comparison_network(g.engine, [g.resolve(r) for r in ("Production Manager", "Producer", "Director")])
    page = Opened(browser, write_page(tmp_path, "three.html", network))
    try:
        assert page.errors == []
        assert page.evaluate("rolegraph.nodes.length") == network.number_of_nodes()
        page.page.check("input[name=membership][value=some]")
        assert set(page.evaluate("rolegraph.nodeView.get().map(n => n.membership)")) == {"some", "role"}
    finally:
        page.close()


def test_page_is_self_contained_and_byte_identical(two_roles: tuple[Path, nx.MultiGraph]) -> None:
    html = two_roles[0].read_text(encoding="utf-8")
    head = html.split("<script", 1)[0]
    assert "Content-Security-Policy" in head and "default-src 'none'" in head
    for attribute in ('src="http', "src='http", 'href="http', "href='http", "@import", "url(http"):
        assert attribute not in html
    code = (
        "import sys, rolegraph; from rolegraph.graph.network import comparison_network;"
        " from rolegraph.graph.render import network_page;"
        "g = rolegraph.load(); sys.stdout.buffer.write(network_page(comparison_network(g.engine,"
        " [g.resolve('Production Manager'), g.resolve('Producer')])))"
    )
    pages = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }  # fmt: skip
    assert pages == {two_roles[0].read_bytes()}


def test_cli_writes_the_page_and_refuses_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    command = [sys.executable, "-m", "rolegraph", "compare", "Production Manager", "Producer", "--html", str(target)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"to {target}" in done.stderr
    assert target.read_bytes().startswith(b"<!DOCTYPE html>")
    refused = subprocess.run([*command[:-1], str(tmp_path)], capture_output=True, text=True)
    assert refused.returncode == 2
    assert "is a directory" in refused.stderr


def test_pages_are_written_without_importing_ipython_and_ipython_still_imports_after() -> None:
    import subprocess
    import sys

    code = (
        "import sys, rolegraph\n"
        "from rolegraph.compare.comparison import compare_roles\n"
        "from rolegraph.graph.network import comparison_network\n"
        "from rolegraph.graph.render import network_page\n"
        "g = rolegraph.load()\n"
        "page = network_page(comparison_network(g.engine, [g.resolve('Production Manager'), g.resolve('Producer')]))\n"
        "assert page.startswith(b'<!DOCTYPE html>') or page.startswith(b'<!doctype html>'), page[:40]\n"
        "assert 'IPython' not in sys.modules, 'IPython was imported'\n"
        "import IPython.display\n"
        "assert IPython.display.IFrame is not None and hasattr(IPython, 'get_ipython')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
