"""The served site and endpoint in a real browser (Debian's chromium driven by Playwright): the query form, the
landing page's compare form, and a page of another origin querying /sparql the way YASGUI does (CORS)."""

from __future__ import annotations

import contextlib
import socket
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
