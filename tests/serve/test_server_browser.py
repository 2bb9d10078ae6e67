"""The served site and endpoint in a real browser (Debian's chromium driven by Playwright): the query form, the
landing page's compare form, and a page of another origin querying /sparql the way YASGUI does (CORS)."""

from __future__ import annotations

import contextlib
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ..conftest import REPO, serving

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    opened = browser.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.errors = errors
    yield opened
    opened.close()


def test_the_query_form_runs_a_query(served: str, page: Any) -> None:
    page.goto(f"{served}/query")
    page.fill("textarea[name=query]", "SELECT ?label WHERE { <https://w3id.org/rolegraph/id/role/producer> "
                                      "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")  # fmt: skip
    page.select_option("select[name=format]", "html")
    with page.expect_navigation():
        page.click("button[type=submit]")
    cells = page.locator("td").all_inner_texts()
    assert cells == ["Producer"]
    assert page.locator("th").all_inner_texts() == ["?label"]


def test_the_landing_page_compare_form(served: str, page: Any) -> None:
    """Typed codes work without picking from the list (and without JavaScript)."""
    page.goto(f"{served}/")
    inputs = page.locator("input[name=role]")
    for number, code in enumerate(("27-2012.00", "11-3051.00")):
        inputs.nth(number).fill(code)
        inputs.nth(number).press("Escape")
    with page.expect_navigation():
        page.click("form[action='/compare'] button[type=submit]")
    page.wait_for_function("() => typeof network !== 'undefined' || document.querySelector('canvas') !== null")
    assert "Producers and Directors" in page.content() and "Industrial Production Managers" in page.content()
    assert page.errors == []


def pick(page: Any, number: int, typed: str, label: str, source: str) -> None:
    """Type ``typed`` in the picker's box ``number`` and choose the suggestion ``label`` of ``source``."""
    box = page.locator("#compare-form input[name=role]").nth(number)
    box.fill("")
    box.type(typed, delay=20)
    listed = page.locator(f"#{box.get_attribute('aria-controls')} li", has_text=label)
    option = listed.filter(has=page.locator(f"span.badge:text-is('{source}')"))
    option.first.wait_for(state="visible", timeout=10_000)
    option.first.dispatch_event("mousedown")
    assert box.input_value() == label


def test_the_role_picker_searches_as_you_type_for_three_roles(served: str, page: Any) -> None:
    page.goto(f"{served}/")
    pick(page, 0, "produc", "Producers and Directors", "O*NET")
    badges = page.locator("#compare-form ul.suggest span.badge").all_inner_texts()
    assert set(badges) <= {"ESCO", "O*NET", "rolegraph"}
    pick(page, 1, "27-2012", "Producers and Directors", "O*NET")
    pick(page, 1, "industrial prod", "Industrial Production Managers", "O*NET")
    page.click("#compare-form button.add")
    pick(page, 2, "producer", "Producer", "rolegraph")
    with page.expect_navigation():
        page.click("#compare-form button[type=submit]")
    assert page.url.count("role=") == 3 and "27-2012.00" in urllib.parse.unquote(page.url)
    assert page.locator("nav.site a", has_text="Query").count() == 1  # the site's header on the compare page
    assert page.errors == []


def test_compare_with_from_a_role_page(served: str, page: Any) -> None:
    page.goto(f"{served}/role/27-2012.00")
    first = page.locator("#compare-form input[name=role]").nth(0)
    assert first.input_value() == "Producers and Directors"
    pick(page, 1, "industrial", "Industrial Production Managers", "O*NET")
    with page.expect_navigation():
        page.click("#compare-form button[type=submit]")
    assert "Industrial Production Managers" in page.content()


@pytest.fixture(scope="module")
def aligned_served(aligned_mini_store: Path) -> Iterator[str]:
    """The server over the aligned mini store: role pages list similar roles."""
    from rolegraph.serve.server import ServerSettings, make_server

    with serving(make_server(str(aligned_mini_store), ServerSettings(port=0, timeout=5.0, workers=1))) as base:
        yield base


def test_screenshots_of_the_landing_page_and_a_role_page(aligned_served: str, browser: Any) -> None:
    """Screenshots to test-artifacts/ (looked at by a person); the pages' header and layout fit the window."""
    ARTIFACTS.mkdir(exist_ok=True)
    wide = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        wide.goto(f"{aligned_served}/")
        assert wide.locator("header.site a").all_inner_texts() == ["rolegraph", "Browse", "Query", "Sources"]
        wide.screenshot(path=str(ARTIFACTS / "site-landing.png"), full_page=True)
        wide.goto(f"{aligned_served}/role/27-2012.00")
        assert wide.locator("h2", has_text="Similar roles").count() == 1
        wide.screenshot(path=str(ARTIFACTS / "site-role.png"), full_page=True)
    finally:
        wide.close()
    mobile = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        for path in ("/", "/role/27-2012.00", "/query"):
            mobile.goto(f"{aligned_served}{path}")
            assert mobile.evaluate("document.documentElement.scrollWidth") <= 390, path  # nothing runs off the side
        mobile.goto(f"{aligned_served}/role/27-2012.00")
        mobile.screenshot(path=str(ARTIFACTS / "site-role-mobile.png"), full_page=False)
        mobile.goto(f"{aligned_served}/")
        mobile.screenshot(path=str(ARTIFACTS / "site-landing-mobile.png"), full_page=False)
    finally:
        mobile.close()


CLIENT = """<!DOCTYPE html><html><head><title>waiting</title></head><body><script>
const body = new URLSearchParams(
  {query: "SELECT ?s WHERE { ?s a <https://w3id.org/rolegraph/vocab#ProfiledRole> }"});
fetch(ENDPOINT, {method: "POST", body: body, headers: {"Accept": "application/sparql-results+json,*/*;q=0.9"}})
  .then(r => r.json())
  .then(j => { document.title = "rows " + j.results.bindings.length; })
  .catch(e => { document.title = "failed " + e; });
</script></body></html>"""


@contextlib.contextmanager
def another_origin(folder: Path, endpoint: str, port: int = 0) -> Iterator[str]:
    """A static server on another loopback port (so another origin) serving a page that queries ``endpoint``."""
    (folder / "client.html").write_text(CLIENT.replace("ENDPOINT", repr(endpoint)), encoding="utf-8")
    other = ThreadingHTTPServer(("127.0.0.1", port), partial(SimpleHTTPRequestHandler, directory=str(folder)))
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{other.server_address[1]}"
    finally:
        other.shutdown()
        other.server_close()


def run_client(page: Any, origin: str) -> str:
    page.goto(f"{origin}/client.html")
    page.wait_for_function("() => document.title !== 'waiting'", timeout=20_000)
    title: str = page.title()
    return title


def test_another_origin_queries_the_endpoint_like_yasgui_when_listed(mini_store: Path, page: Any,
                                                                     tmp_path: Path) -> None:  # fmt: skip
    """A listed origin (--cors-origin) reads answers; an unlisted one (the default) gets nothing."""
    from rolegraph.serve.server import ServerSettings, make_server

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # a free port for the other origin, known before the server starts
    origin = f"http://127.0.0.1:{port}"
    server = make_server(str(mini_store), ServerSettings(port=0, workers=1, cors_origins=(origin,)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        with another_origin(tmp_path, endpoint, port):
            assert run_client(page, origin) == "rows 8"  # 2 article roles, 3 O*NET and 3 ESCO occupations
    finally:
        server.shutdown()
        server.server_close()
        server.pool.close()


def test_an_unlisted_origin_cannot_read_the_endpoint(served: str, page: Any, tmp_path: Path) -> None:
    with another_origin(tmp_path, served + "/sparql") as origin:
        assert run_client(page, origin).startswith("failed TypeError")
