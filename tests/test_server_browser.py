"""The served site and endpoint in a real browser (Debian's chromium driven by Playwright): the query form, the
landing page's compare form, and a page of another origin querying /sparql the way YASGUI does (CORS)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


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
    page.goto(f"{served}/")
    inputs = page.locator("input[name=role]")
    inputs.nth(0).fill("27-2012.00")
    inputs.nth(1).fill("11-3051.00")
    with page.expect_navigation():
        page.click("form[action='/compare'] button")
    page.wait_for_function("() => typeof network !== 'undefined' || document.querySelector('canvas') !== null")
    assert "Producers and Directors" in page.content() and "Industrial Production Managers" in page.content()
    assert page.errors == []


def test_another_origin_queries_the_endpoint_like_yasgui(served: str, page: Any, tmp_path: Path) -> None:
    (tmp_path / "client.html").write_text(
        """<!DOCTYPE html><html><head><title>waiting</title></head><body><script>
        const body = new URLSearchParams(
          {query: "SELECT ?s WHERE { ?s a <https://w3id.org/rolegraph/vocab#ProfiledRole> }"});
        fetch(ENDPOINT, {method: "POST", body: body,
                         headers: {"Accept": "application/sparql-results+json,*/*;q=0.9"}})
          .then(r => r.json())
          .then(j => { document.title = "rows " + j.results.bindings.length; })
          .catch(e => { document.title = "failed " + e; });
        </script></body></html>""".replace("ENDPOINT", repr(served + "/sparql")),
        encoding="utf-8",
    )
    other = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/client.html")
        page.wait_for_function("() => document.title !== 'waiting'", timeout=20_000)
        assert page.title() == "rows 8"  # 2 article roles, 3 O*NET and 3 ESCO occupations in the mini store
    finally:
        other.shutdown()
        other.server_close()
