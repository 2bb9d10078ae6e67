"""The comparison page's text view in a real browser (Debian's chromium driven by Playwright): it lists every item
without JavaScript, the keyboard reaches every item, an item and its network node select each other, it prints
without the controls, comes first on a phone, exports CSV, JSON and PNG, and passes an axe-core check. Screenshots go
to test-artifacts/. Skips with a reason where chromium or Playwright is missing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import networkx as nx
import pytest

import rolegraph
from rolegraph.graph.network import comparison_network
from rolegraph.graph.render import network_page
from rolegraph.graph.textview import comparison_csv_wide, text_view

from ..conftest import BROWSER_MARKS, REPO

ARTIFACTS = REPO / "test-artifacts"
ID = "https://w3id.org/rolegraph/id/"
ESCO = "http://data.europa.eu/esco/occupation/"

pytestmark = BROWSER_MARKS


def _network(store: Path | None, *names: str) -> nx.MultiGraph:
    graph = rolegraph.load() if store is None else rolegraph.open_store(store)
    return comparison_network(graph.engine, [graph.resolve(name) for name in names])


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, nx.MultiGraph]:
    network = _network(None, "Production Manager", "Producer")
    path = tmp_path_factory.mktemp("textview") / "compare.html"
    path.write_bytes(network_page(network))
    return path, network


def _open(browser: Any, path: Path, width: int = 1400, height: int = 900, javascript: bool = True) -> Any:
    """A page of ``path`` that may fetch nothing but itself."""
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    url = path.as_uri()
    page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    page.goto(url)
    if javascript:
        page.wait_for_function("window.rolegraph !== undefined")
    return page


@pytest.fixture
def opened(browser: Any, article: tuple[Path, nx.MultiGraph]) -> Iterator[Any]:
    page = _open(browser, article[0])
    yield page
    assert page.errors == []
    page.context.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def test_without_javascript_the_view_lists_every_item_with_its_weights(
    browser: Any, article: tuple[Path, nx.MultiGraph]
) -> None:
    page = _open(browser, article[0], javascript=False)
    comparison = article[1].graph["comparison"]
    shown = page.locator("#textview button[data-node]").evaluate_all(
        "bs => bs.map(b => [b.dataset.node, b.textContent])"
    )
    expected = [(n["iri"], n["label"]) for c in comparison["categories"] for n in c["shared"]]
    assert expected and set(expected) <= {tuple(x) for x in shown}
    every = {(n["iri"], n["label"]) for c in comparison["categories"] for u in c["unique"].values() for n in u}
    assert every <= {tuple(x) for x in shown}
    assert page.locator("#headline").text_content() == "Production Manager and Producer share 20 of 58 items."
    skills = page.locator(".tv-category", has=page.locator("h3", has_text="Skills"))
    assert skills.locator(".tv-category-headline").text_content() == "share 2 of 8 skills"
    assert skills.locator(".tv-shared li").all_text_contents() == ["Communication", "Organisation"]
    salary = page.locator(".tv-category", has=page.locator("h3", has_text="Salary")).text_content()
    assert "amount 73,786" in salary and "amount 62,193" in salary
    not_comparable = page.locator(".tv-category", has=page.locator("h3", has_text="Also acts as"))
    assert "not comparable: no also acts as data for Production Manager" in not_comparable.text_content()
    assert page.locator("#exports").is_hidden()  # the exports are built by the page's script
    page.context.close()


def test_the_keyboard_reaches_every_item(opened: Any) -> None:
    wanted = opened.locator("#textview button[data-node]").count()
    reached: set[int] = set()
    opened.evaluate("document.querySelectorAll('#textview button[data-node]').forEach((b, i) => b.dataset.i = i)")
    for _ in range(wanted + 40):
        opened.keyboard.press("Tab")
        index = opened.evaluate("document.activeElement.dataset.i")
        if index is not None:
            reached.add(int(index))
    assert len(reached) == wanted > 50


def test_an_item_and_its_node_select_each_other(opened: Any) -> None:
    node = ID + "skill/communication"
    opened.evaluate("window.calls = []; window.rolegraphNetwork = {focus: id => window.calls.push(id)}")
    button = opened.locator(f'#textview button[data-node="{node}"]')
    button.click()
    assert opened.evaluate("window.calls") == [node]
    assert button.get_attribute("aria-current") == "true"
    opened.evaluate("delete window.rolegraphNetwork")  # without the network's focus(): the page's own fallback
    opened.locator(f'#textview button[data-node="{ID}duty/hire-crew"]').click()
    assert opened.evaluate("rolegraph.network.getSelectedNodes()") == [ID + "duty/hire-crew"]
    assert button.get_attribute("aria-current") is None
    salary = ID + "salary/producer-average"
    opened.evaluate("id => document.dispatchEvent(new CustomEvent('rolegraph:select', {detail: {id: id}}))", salary)
    item = opened.locator(f'#textview li[data-node="{salary}"]')
    assert "tv-selected" in (item.get_attribute("class") or "")
    assert opened.locator("#textview .tv-selected").count() == 1
    assert item.is_visible() and item.evaluate(
        "li => { const v = document.getElementById('textview').getBoundingClientRect(), b = li.getBoundingClientRect();"
        " return b.top >= v.top && b.bottom <= v.bottom; }"
    )


def test_print_shows_the_text_without_the_controls(opened: Any) -> None:
    opened.emulate_media(media="print")
    assert opened.locator("#controls").is_hidden() and opened.locator("#network-column").is_hidden()
    assert opened.locator("#exports").is_hidden()
    assert opened.locator("#textview").is_visible()
    assert opened.evaluate("getComputedStyle(document.getElementById('textview')).overflow") == "visible"


def test_on_a_phone_the_text_comes_first(browser: Any, article: tuple[Path, nx.MultiGraph]) -> None:
    page = _open(browser, article[0], 390, 844)
    text = page.locator("#textview").bounding_box()
    network = page.locator("#network").bounding_box()
    assert text["y"] < network["y"] and text["width"] >= 350
    assert network["width"] >= 350 and network["height"] >= 0.6 * 844
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "compare-production-manager-producer-mobile.png")
    page.context.close()


def test_exports_csv_json_and_png(opened: Any, article: tuple[Path, nx.MultiGraph]) -> None:
    comparison = article[1].graph["comparison"]
    href = opened.locator("#export-csv").get_attribute("href")
    assert href.startswith("data:text/csv;charset=utf-8,")
    rows = list(csv.reader(io.StringIO(unquote(href.split(",", 1)[1]))))
    assert rows[0] == ["category", "relation", "item", "iri", "score", "Production Manager", "Producer"]
    assert ["skills", "shared", "Communication", ID + "skill/communication", "", "linked", "linked"] in rows
    salary = ["salary", "only Producer", "Producer average salary", ID + "salary/producer-average", "", ""]
    assert [*salary, "amount 62,193"] in rows
    assert opened.locator("#export-csv").get_attribute("download") == "production-manager-vs-producer.csv"
    document = json.loads(unquote(opened.locator("#export-json").get_attribute("href").split(",", 1)[1]))
    assert document == comparison
    opened.locator("#export-png").click()
    assert opened.locator("#export-png").get_attribute("href").startswith("data:image/png;base64,")


def test_axe_finds_no_serious_or_critical_violation(opened: Any) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="pip install axe-playwright-python")
    results = axe.Axe().run(opened)
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
           if v["impact"] in ("serious", "critical")]  # fmt: skip
    assert bad == []


def test_matched_pairs_show_both_labels_and_the_score(browser: Any, mini_store: Path, tmp_path: Path) -> None:
    network = _network(mini_store, "role:production-manager", "performance production manager")
    view = text_view(network.graph["comparison"])
    skills = next(c for c in view["categories"] if c["category"] == "skills")
    pairs = [item for column in skills["columns"] for group in column if group["key"] == "matched" for item in
             group["entries"]]  # fmt: skip
    assert [[n["label"] for n in p["nodes"]] for p in pairs] == [["Budget management", "manage budgets"]]
    path = tmp_path / "matched.html"
    path.write_bytes(network_page(network))
    page = _open(browser, path, javascript=False)
    item = page.locator(".tv-matched li")
    assert item.count() == 1
    assert item.locator("button").all_text_contents() == ["Budget management", "manage budgets"]
    assert "1.00 (closeMatch, hand-made)" in item.text_content()
    assert "\u2248" in item.text_content()
    page.context.close()
    wide = list(csv.reader(io.StringIO(comparison_csv_wide(network.graph["comparison"]))))
    assert [r[:3] for r in wide if r[1].startswith("matched")] == [
        ["skills", "matched (closeMatch)", "Budget management \u2248 manage budgets"]
    ]


def test_screenshot_of_the_articles_two_roles(opened: Any) -> None:
    _shot(opened, "textview-production-manager-producer.png")


@pytest.mark.parametrize(
    ("name", "roles"),
    [
        (
            "textview-two-esco.png",
            (ESCO + "52b9e8dc-de6c-41dd-b29a-e1291c273f6f", ESCO + "1aa4bb15-c527-4a3b-9270-b3c71c4be111"),
        ),
        ("textview-two-onet.png", ("27-2012.00", "27-4032.00")),
        ("textview-cross-source.png", (ESCO + "52b9e8dc-de6c-41dd-b29a-e1291c273f6f", "27-2012.00")),
        ("textview-three-roles.png", ("role:production-manager", "role:producer", "27-2012.00")),
    ],
)
def test_screenshots_on_the_real_releases(
    browser: Any, real_store: Path, tmp_path: Path, name: str, roles: tuple[str, ...]
) -> None:
    network = _network(real_store, *roles)
    path = tmp_path / "page.html"
    path.write_bytes(network_page(network))
    page = _open(browser, path)
    comparison = network.graph["comparison"]
    listed = set(page.locator("#textview button[data-node]").evaluate_all("bs => bs.map(b => b.dataset.node)"))
    assert {n["iri"] for c in comparison["categories"] for n in c["shared"] + c["partial"]} <= listed
    headlines = page.locator(".tv-category-headline").all_text_contents()
    assert len(headlines) == len(comparison["categories"])
    for category, headline in zip(comparison["categories"], headlines, strict=True):
        assert headline.startswith("not comparable") != category["comparable"], (category["category"], headline)
    _shot(page, name)
    assert page.errors == []
    page.context.close()


JUPYTERLAB_CELLS = (
    "<style>.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon tr"
    " { text-align: right; vertical-align: middle; padding: 0.5em; }</style>"
)
"""JupyterLab's rule for the cells of an HTML output (jupyterlab/packages/rendermime/style/base.css)."""


def test_jupyter_tables_are_left_and_top_aligned_in_jupyterlab(browser: Any) -> None:
    comparison = rolegraph.load().compare("Production Manager", "Producer")
    rows = rolegraph.load().sparql("SELECT ?role WHERE { ?role a <https://w3id.org/rolegraph/vocab#Role> } LIMIT 3")
    page = browser.new_page()
    for output in (comparison._repr_html_(), rows._repr_html_()):
        page.set_content(f"{JUPYTERLAB_CELLS}<div class='jp-RenderedHTMLCommon'>{output}</div>")
        aligned = page.locator("td, th").evaluate_all(
            "cells => cells.map(c => getComputedStyle(c).textAlign + ' ' + getComputedStyle(c).verticalAlign)"
        )
        assert aligned and set(aligned) == {"left top"}
    page.close()


def test_hostile_labels_are_text_in_the_view_and_the_csv(browser: Any, tmp_path: Path) -> None:
    label = '=HYPERLINK("x")<img src=x onerror=alert(1)>'
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        "@prefix rg: <https://w3id.org/rolegraph/vocab#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<https://example.org/r> a rg:Role ; rdfs:label {json.dumps(label)}@en ;\n"
        "    rg:hasDuty <https://example.org/d> .\n"
        f"<https://example.org/d> a rg:Duty ; rdfs:label {json.dumps(label)}@en .\n"
        "<https://w3id.org/rolegraph/id/role/producer> rg:hasDuty <https://example.org/d> .\n"
    )
    graph = rolegraph.load([hostile])
    network = comparison_network(graph.engine, [graph.resolve("Producer"), graph.resolve("https://example.org/r")])
    path = tmp_path / "hostile.html"
    path.write_bytes(network_page(network))
    page = _open(browser, path)
    page.wait_for_timeout(200)
    assert page.locator("#textview img").count() == 0
    assert page.locator('#textview button[data-node="https://example.org/d"]').text_content() == label
    assert page.errors == []
    page.context.close()
    rows = list(csv.reader(io.StringIO(comparison_csv_wide(network.graph["comparison"]))))
    assert ["duties", "shared", "'" + label, "https://example.org/d"] == rows[1][:4]


def test_three_roles_say_who_shares_what_some_share(mini_store: Path) -> None:
    network = _network(mini_store, "role:production-manager", "role:producer", "27-2012.00")
    view = text_view(network.graph["comparison"])
    assert [r["key"] for r in view["roles"]] == ["A", "B", "C"]
    duties = next(c for c in view["categories"] if c["category"] == "duties")
    assert [[g["key"] for g in column] for column in duties["columns"]] == [
        ["shared", "matched", "some"], ["only"], ["only"], ["only"]
    ]  # fmt: skip
    some = duties["columns"][0][2]["entries"]
    assert some and all(1 < len(item["by"]) < 3 for item in some)
    assert {r["key"] for item in some for r in item["by"]} == {"A", "B"}  # the article's two roles share duties
    assert duties["headline"].startswith("all 3 share ") and f"; {len(some)} more shared by some" in duties["headline"]
    html = network_page(network).decode()
    assert html.count('<span class="tv-by">shared by ') == sum(len(c["partial"]) for c in
                                                                network.graph["comparison"]["categories"])  # fmt: skip
