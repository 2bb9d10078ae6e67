"""The comparison page in a real browser (Debian's chromium driven by Playwright): offline, complete, interactive,
and inert to hostile labels. Skips with a reason where chromium or Playwright is missing."""

from __future__ import annotations

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
from rolegraph.graph.layout import network_layout
from rolegraph.graph.network import comparison_network
from rolegraph.graph.render import network_page

from ..conftest import BROWSER_MARKS, REPO

ARTIFACTS = REPO / "test-artifacts"
ID = "https://w3id.org/rolegraph/id/"
HOSTILE_LABEL = "<img src=x onerror=alert(1)></script>"

pytestmark = BROWSER_MARKS


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
        """Bring the node into view (as a person would scroll to it), then click it."""
        point = self.evaluate(
            """id => { const n = rolegraph.network; const p = n.getPositions([id])[id];
                       n.moveTo({position: p, animation: false});
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
        assert page.evaluate(LABEL_BOXES)["overlapping"] == []
        _screenshot(page, "network-three-roles.png")
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


# --- a network you can read (issue 16): generated pages of the sizes the issue names, label boxes, views ---------

WORDS = [
    "manage",
    "budgets",
    "apply",
    "quality",
    "standards",
    "coordinate",
    "production",
    "teams",
    "negotiate",
    "contracts",
    "with",
    "suppliers",
    "monitor",
    "health",
    "and",
    "safety",
    "regulations",
    "in",
    "the",
    "workplace",
    "prepare",
    "financial",
    "reports",
    "plan",
    "schedules",
    "assess",
    "risks",
    "of",
    "new",
    "projects",
    "within",
    "the",
    "agreed",
    "deadline",
    "use",
    "spreadsheet",
    "software",
    "liaise",
    "with",
    "clients",
]


def _label(i: int, longest: int = 9) -> str:
    """A deterministic label of 1 to ``longest`` words, as long and varied as ESCO's."""
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(1 + (i * 5) % longest)).capitalize() + f" {i}"


def generated_comparison(count: int = 80) -> nx.MultiGraph:
    """Two roles and ``count`` nodes besides them: a third shared, the rest split between the roles, a few
    matched pairs, ESCO-like long labels, essential and optional skills."""
    a, b = "https://example.org/role/a", "https://example.org/role/b"
    graph = nx.MultiGraph(roles=[a, b])
    for role, label in ((a, "Production coordinator"), (b, "Film producer")):
        graph.add_node(role, label=label, kind="role", membership="role", roles=[role], categories=[], citations=[])
    categories = ("skills", "knowledge", "duties", "technology")
    for i in range(count):
        category = categories[i % len(categories)]
        kind = {"duties": "duty"}.get(category, category if category != "skills" else "skill")
        linked = [a, b] if i % 3 == 0 else [a] if i % 3 == 1 else [b]
        weights = {r: {"esco": "essential" if i % 4 else "optional"} for r in linked}
        node = f"https://example.org/node/{i}"
        graph.add_node(node, label=_label(i), kind=kind, membership="all" if len(linked) == 2 else "unique",
                       roles=linked, categories=[category], citations=[], weights=weights)  # fmt: skip
        for role in linked:
            graph.add_edge(role, node, key=category, category=category, citations=[])
    for i in (1, 7, 13):  # a's node i and b's node i + 4 (same category) are a matched pair
        left, right = f"https://example.org/node/{i}", f"https://example.org/node/{i + 4}"
        if right in graph and graph.nodes[left]["categories"] == graph.nodes[right]["categories"]:
            for node in (left, right):
                graph.nodes[node]["membership"] = "matched"
            graph.add_edge(left, right, key="match", category="matched", relation="closeMatch", score=0.91,
                           origin="test", counted=True, citations=[])  # fmt: skip
    return graph


def generated_neighbourhood(count: int = 2000, similar: int = 45) -> nx.MultiGraph:
    """A role's depth-2 neighbourhood of ``count`` nodes: ``similar`` similar roles (with similarities), 150 nodes
    the role links to, the rest reached through the similar roles."""
    start = "https://example.org/role/start"
    graph = nx.MultiGraph(roles=[start])
    graph.add_node(start, label="Chief executive", kind="role", membership="role", roles=[start], categories=[],
                   citations=[])  # fmt: skip
    others = [f"https://example.org/role/{k}" for k in range(similar)]
    for k, role in enumerate(others):
        graph.add_node(role, label=f"Similar occupation {k}", kind="similar role", membership="unique",
                       roles=[role], categories=[], citations=[], similarity=round(0.9 - k * 0.01, 3),
                       similarity_rank=k + 1)  # fmt: skip
    categories = ("skills", "knowledge", "technology", "duties", "work activities", "abilities")
    for i in range(count - similar - 1):
        category = categories[i % len(categories)]
        node = f"https://example.org/node/{i}"
        linkers = ([start] if i < 150 else []) + [others[(i + j) % similar] for j in range(1 + i % 3)]
        kind = {"duties": "duty", "work activities": "duty"}.get(category, "skill")
        graph.add_node(node, label=_label(i, 5), kind=kind,
                       membership="some", roles=sorted(linkers), categories=[category], citations=[])  # fmt: skip
        for role in linkers:
            graph.add_edge(role, node, key=category, category=category, citations=[])
    return graph


LABEL_BOXES = """() => {
  const n = rolegraph.network, box = document.getElementById('network');
  const tl = n.DOMtoCanvas({x: 0, y: 0}), br = n.DOMtoCanvas({x: box.clientWidth, y: box.clientHeight});
  const scale = n.getScale(), boxes = [];
  for (const id of rolegraph.nodeView.getIds()) {
    const node = n.body.nodes[id];
    const size = node.options.shape === 'box'  // a box holds its label, and its label keeps no position
      ? {left: node.x - node.shape.width / 2, top: node.y - node.shape.height / 2, width: node.shape.width,
         height: node.shape.height}
      : node.labelModule.size;
    if (!(node.x > tl.x && node.x < br.x && node.y > tl.y && node.y < br.y)) continue;  // drawn: in view
    boxes.push({id: id, left: size.left, top: size.top, right: size.left + size.width, bottom: size.top + size.height,
                px: node.options.font.size * scale});
  }
  const measure = document.createElement('canvas').getContext('2d');
  for (const h of rolegraph.headings()) {
    measure.font = (h.bold ? 'bold ' : '600 ') + h.size + 'px sans-serif';
    const width = Math.max(...h.lines.map(line => measure.measureText(line).width));
    boxes.push({id: 'heading: ' + h.text, left: h.x, top: h.y, right: h.x + width,
                bottom: h.y + h.lines.length * h.size * 1.2, px: h.size * scale});
  }
  const overlapping = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlapping.push([a.id, b.id]);
  }
  return {count: boxes.length, smallest: Math.min(...boxes.map(b => b.px)), overlapping: overlapping};
}"""
"""The label box of every node in view (as vis-network measured it when drawing it, in the network's units) and of
every heading; which overlap; the smallest label in screen pixels."""


def _page(browser: Any, directory: Path, name: str, network: nx.MultiGraph, width: int = 1400,
          height: int = 900) -> Opened:  # fmt: skip
    page = Opened(browser, write_page(directory, name, network))
    if (width, height) != (1400, 900):
        page.page.set_viewport_size({"width": width, "height": height})
        page.evaluate("rolegraph.resetView()")
    page.page.wait_for_timeout(200)
    return page


def _screenshot(page: Opened, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / name))


@pytest.mark.parametrize("name", ["two-roles", "80-nodes"])
def test_labels_are_readable_and_never_overlap_at_the_initial_zoom(
    browser: Any, tmp_path: Path, two_roles: tuple[Path, nx.MultiGraph], name: str
) -> None:
    network = two_roles[1] if name == "two-roles" else generated_comparison(80)
    page = _page(browser, tmp_path, f"{name}.html", network)
    try:
        assert page.errors == []
        boxes = page.evaluate(LABEL_BOXES)
        assert boxes["count"] >= 20, boxes
        assert boxes["smallest"] >= 12, boxes
        assert boxes["overlapping"] == [], boxes["overlapping"][:5]
        # Every label, not only those in view: the whole network fitted, then measured again.
        page.page.click("#fit")
        page.page.wait_for_timeout(100)
        everything = page.evaluate(LABEL_BOXES)
        assert everything["count"] == page.evaluate("rolegraph.nodeView.length") + len(
            page.evaluate("rolegraph.headings()")
        )
        assert everything["overlapping"] == [], everything["overlapping"][:5]
        page.page.click("#reset")
        _screenshot(page, f"network-{name}.png")
    finally:
        page.close()


def test_a_2000_node_neighbourhood_is_collapsed_into_groups_and_gets_half_the_viewport(
    browser: Any, tmp_path: Path
) -> None:
    network = generated_neighbourhood(2000)
    page = _page(browser, tmp_path, "neighbourhood.html", network)
    try:
        assert page.errors == []
        area = page.evaluate("document.getElementById('network').getBoundingClientRect().height")
        assert area >= 0.5 * 900
        assert page.evaluate("document.documentElement.scrollWidth") <= 1400
        drawn = page.evaluate("rolegraph.nodeView.getIds()")
        assert len(drawn) < 150
        groups = [i for i in drawn if i.startswith("group:")]
        assert groups
        labels = page.evaluate("ids => ids.map(id => rolegraph.nodes.get(id).label)", groups)
        assert all(label.startswith("+ ") and "more" in label for label in labels), labels
        boxes = page.evaluate(LABEL_BOXES)
        assert boxes["smallest"] >= 12 and boxes["overlapping"] == [], boxes
        _screenshot(page, "network-neighbourhood-2000.png")
        # Similar roles: named so, most similar first, with their similarity in the panel.
        shown = [i for i in drawn if page.evaluate("id => rolegraph.nodes.get(id).kind", i) == "similar role"]
        assert "https://example.org/role/0" in shown and "https://example.org/role/44" not in shown
        page.click_node("https://example.org/role/0")
        assert page.page.locator("#panel-kind").text_content() == "similar role (similarity 0.90, rank 1)"
        assert page.page.locator("#panel-roles-title").text_content() == "Similar to"
        # A group expands on click, in place, and its items come most important first.
        before = page.evaluate("rolegraph.nodeView.length")
        page.click_node(groups[0])
        assert page.evaluate("rolegraph.nodeView.length") > before
        assert page.evaluate(LABEL_BOXES)["overlapping"] == []
    finally:
        page.close()


def test_search_ranks_exact_then_prefix_then_word_start_then_anywhere(browser: Any, tmp_path: Path) -> None:
    network = generated_comparison(6)
    labels = ["Deliver the project within budget", "Budget management", "Budgeting", "Overbudget alerts",
              "Budg", "Manage budgets"]  # fmt: skip
    for node, label in zip([n for n in network if n.startswith("https://example.org/node/")], labels, strict=True):
        network.nodes[node]["label"] = label
    page = _page(browser, tmp_path, "search.html", network)
    try:
        found = page.evaluate(
            "ids => ids.map(id => rolegraph.nodes.get(id).label)", page.evaluate("rolegraph.search('budg')")
        )
        assert found == ["Budg", "Budgeting", "Budget management", "Manage budgets",
                         "Deliver the project within budget", "Overbudget alerts"]  # fmt: skip
        page.page.fill("#search", "budg")
        page.page.press("#search", "Enter")
        assert page.page.locator("#panel-label").text_content() == "Budg"
    finally:
        page.close()


def test_fit_and_filters_refit_and_only_this_kind(opened: Opened) -> None:
    initial = opened.evaluate("rolegraph.network.getScale()")
    assert initial >= opened.evaluate("rolegraph.minScale")
    opened.page.click("#fit")
    fitted = opened.evaluate("rolegraph.network.getScale()")
    assert fitted < initial  # the whole page of 57 nodes does not fit at a readable zoom
    opened.page.click("#reset")
    assert opened.evaluate("rolegraph.network.getScale()") == initial
    opened.page.click("#fit")
    opened.evaluate("window.rolegraphNetwork.reset()")  # for a page that shows the network on demand
    assert opened.evaluate("rolegraph.network.getScale()") == initial
    opened.page.click("button.only[data-kind=skill]")
    kinds = set(opened.evaluate("rolegraph.nodeView.get().map(n => n.kind)"))
    assert kinds == {"skill", "role"}
    # Re-fitted: every node left is in view.
    inside = """() => { const n = rolegraph.network, box = document.getElementById('network');
        return rolegraph.nodeView.getIds().every(id => { const p = n.canvasToDOM(n.getPositions([id])[id]);
            return p.x >= 0 && p.y >= 0 && p.x <= box.clientWidth && p.y <= box.clientHeight; }); }"""
    assert opened.evaluate(inside)
    opened.page.click("#all-kinds")
    assert opened.evaluate("rolegraph.nodeView.length") == 57


def test_the_panel_overlays_the_graph_and_the_selection_keeps_its_colour(opened: Opened) -> None:
    node = ID + "skill/communication"
    where = """id => { const n = rolegraph.network; const p = n.canvasToDOM(n.getPositions([id])[id]);
                       const box = document.getElementById('network').getBoundingClientRect();
                       return [Math.round(p.x), Math.round(p.y), box.width, box.height]; }"""
    opened.evaluate("id => rolegraph.network.moveTo({position: rolegraph.network.getPositions([id])[id]})", node)
    before = opened.evaluate(where, node)
    opened.page.mouse.move(10, 10)
    opened.click_node(node)
    assert opened.page.locator("#panel").is_visible()
    assert opened.evaluate(where, node) == before
    selected = opened.evaluate(f"rolegraph.network.body.nodes['{node}'].options.color")
    assert selected["highlight"]["background"] == selected["background"]
    opened.page.wait_for_timeout(400)  # past the tooltip's delay, the pointer still on the node
    assert opened.evaluate(
        "[...document.querySelectorAll('.vis-tooltip')].every(t => t.style.visibility !== 'visible')"
    )
    events = opened.evaluate(
        """id => { const seen = []; document.addEventListener('rolegraph:select', e => seen.push(e.detail.id));
                   window.rolegraphNetwork.focus(id); return seen; }""",
        ID + "duty/raise-funds",
    )
    assert events == [ID + "duty/raise-funds"]
    assert opened.page.locator("#panel-label").text_content() == "Raise the money for the project"


def test_the_salary_panel_shows_the_amount(opened: Opened) -> None:
    opened.evaluate("id => window.rolegraphNetwork.focus(id)", ID + "salary/producer-average")
    assert opened.page.locator("#panel-weights li").all_text_contents() == ["Producer: amount 62,193"]


def test_mobile_panel_is_a_bottom_sheet(browser: Any, tmp_path: Path, two_roles: tuple[Path, nx.MultiGraph]) -> None:
    page = Opened(browser, two_roles[0])
    try:
        page.page.set_viewport_size({"width": 390, "height": 844})
        page.evaluate("rolegraph.resetView()")
        height = page.evaluate("document.getElementById('network').getBoundingClientRect().height")
        assert height >= 0.5 * 844
        page.evaluate("id => window.rolegraphNetwork.focus(id)", ID + "skill/communication")
        page.page.wait_for_timeout(300)  # the text view scrolls to the item selected: back to the network
        page.evaluate("document.getElementById('network').scrollIntoView()")
        panel = page.evaluate(
            "(() => { const r = document.getElementById('panel').getBoundingClientRect();"
            " return [r.left, r.right, r.bottom]; })()"
        )
        assert panel[0] == 0 and panel[1] == 390 and abs(panel[2] - 844) < 1
        assert page.evaluate("document.getElementById('network').getBoundingClientRect().height") == height
        node = page.evaluate(
            "id => rolegraph.network.canvasToDOM(rolegraph.network.getPositions([id])[id]).y"
            " + document.getElementById('network').getBoundingClientRect().top",
            ID + "skill/communication",
        )
        assert node < page.evaluate("document.getElementById('panel').getBoundingClientRect().top")  # not under it
        _screenshot(page, "network-mobile.png")
    finally:
        page.close()


def test_two_onet_occupations(browser: Any, tmp_path: Path, real_store: Path) -> None:
    """Two O*NET occupations of the real releases: about 200 nodes, knowledge and technology told apart."""
    with rolegraph.open_store(real_store) as graph:
        network = comparison_network(graph.engine, [graph.resolve("11-9021.00"), graph.resolve("11-3021.00")])
    page = _page(browser, tmp_path, "onet.html", network)
    try:
        assert page.errors == []
        kinds = set(page.evaluate("rolegraph.nodes.get().map(n => n.kind)"))
        assert {"knowledge", "technology", "skill"} <= kinds
        boxes = page.evaluate(LABEL_BOXES)
        assert boxes["smallest"] >= 12 and boxes["overlapping"] == [], boxes["overlapping"][:5]
        _screenshot(page, "network-two-onet-occupations.png")
    finally:
        page.close()


def test_a_node_with_an_href_links_to_its_page_from_the_panel(browser: Any, tmp_path: Path) -> None:
    network = generated_comparison(6)
    network.nodes["https://example.org/node/0"]["href"] = "/role?iri=https%3A%2F%2Fexample.org%2Fnode%2F0"
    page = _page(browser, tmp_path, "href.html", network)
    try:
        page.evaluate("id => window.rolegraphNetwork.focus(id)", "https://example.org/node/0")
        link = page.page.locator("#panel-link")
        assert link.is_visible() and link.get_attribute("href") == "/role?iri=https%3A%2F%2Fexample.org%2Fnode%2F0"
        page.evaluate("id => window.rolegraphNetwork.focus(id)", "https://example.org/node/1")
        assert not link.is_visible()
    finally:
        page.close()


def test_the_first_view_shows_the_anchors_and_the_first_shared_row(browser: Any, tmp_path: Path) -> None:
    """A comparison whose first category (duties) shares nothing and is long: the first view still shows the role
    anchors and shared nodes, at a readable zoom."""
    network = generated_comparison(80)
    a, b = network.graph["roles"]
    for node, data in list(network.nodes(data=True)):
        if data.get("categories") == ["duties"] and data["membership"] != "unique":
            network.remove_node(node)
    for i in range(60):
        role = (a, b)[i % 2]
        node = f"https://example.org/duty/{i}"
        network.add_node(node, label=_label(i), kind="duty", membership="unique", roles=[role],
                         categories=["duties"], citations=[], weights={})  # fmt: skip
        network.add_edge(role, node, key="duties", category="duties", citations=[])
    assert network_layout(network)["rows"][0] != "duties"  # the rows that share something come first
    page = _page(browser, tmp_path, "shared-below.html", network)
    try:
        assert page.errors == []
        in_view = """ids => { const n = rolegraph.network, box = document.getElementById('network');
          return ids.filter(id => { const p = n.canvasToDOM(n.getPositions([id])[id]);
            return p.x > 0 && p.y > 0 && p.x < box.clientWidth && p.y < box.clientHeight; }); }"""
        shared = [n for n, d in network.nodes(data=True) if d["membership"] in ("all", "matched")]
        assert page.evaluate(in_view, [a, b]) == [a, b]
        assert page.evaluate(in_view, shared), "no shared or matched node in the first view"
        boxes = page.evaluate(LABEL_BOXES)
        assert boxes["smallest"] >= 12 and boxes["overlapping"] == [], boxes["overlapping"][:5]
    finally:
        page.close()


def test_text_view_items_link_to_their_pages_where_the_nodes_have_an_href(
    browser: Any, tmp_path: Path, two_roles: tuple[Path, nx.MultiGraph]
) -> None:
    network = two_roles[1].copy()
    hrefs = {str(n): f"/page/{k}" for k, n in enumerate(network) if str(n).startswith(ID)}
    for node, href in hrefs.items():
        network.nodes[node]["href"] = href
    page = _page(browser, tmp_path, "linked.html", network)
    try:
        assert page.errors == []
        links = page.evaluate("""() => [...document.querySelectorAll('#textview a.tv-page')].map(a => ({
            node: (a.previousElementSibling || {}).dataset?.node || null, href: a.getAttribute('href'),
            key: a.closest('.tv-keys') !== null }))""")
        items = page.evaluate("() => [...new Set([...document.querySelectorAll('#textview button.tv-node')]"
                              ".map(b => b.dataset.node))]")  # fmt: skip
        assert items and {link["node"] for link in links if not link["key"]} == set(items) & set(hrefs)
        assert all(link["href"] == hrefs[link["node"]] for link in links if not link["key"])
        assert sum(link["key"] for link in links) == 2  # each compared role's name links to its page
        # The item's button still selects its node in the network; the link beside it is the way to the page.
        shared = next(n for n, d in network.nodes(data=True) if d["membership"] == "all")
        page.page.locator(f'#textview button.tv-node[data-node="{shared}"]').first.click()
        assert page.evaluate("rolegraph.network.getSelectedNodes()") == [shared]
    finally:
        page.close()
    standalone = _page(browser, tmp_path, "standalone.html", two_roles[1])
    try:
        assert standalone.evaluate("document.querySelectorAll('#textview a.tv-page').length") == 0
        assert standalone.evaluate("document.querySelectorAll('#textview button.tv-node').length") > 20
    finally:
        standalone.close()
