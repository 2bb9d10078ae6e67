"""Shared fixtures: the shipped graph, paths to test data, and the article when ../shared is present."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from rdflib import Graph

from rolegraph.ontology import load_graph

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"
SHARED = Path(os.environ.get("ROLEGRAPH_SHARED", REPO.parent / "shared"))

# No test may read or write a real per-user store: the default store path points into an empty temporary folder
# (for this process and the subprocesses tests start).
_DATA_HOME = tempfile.mkdtemp(prefix="rolegraph-test-data-home-")
os.environ["XDG_DATA_HOME"] = _DATA_HOME
os.environ.pop("ROLEGRAPH_STORE", None)
ARTICLE = SHARED / "sources" / "production-manager-vs-producer.txt"


@pytest.fixture(scope="session")
def graph() -> Graph:
    """The shipped graph (vocabulary, data, links). Tests must not modify it."""
    return load_graph()


@pytest.fixture(scope="session")
def article_text() -> str:
    """The source article, or a skip when ../shared is not beside the checkout (a user's fresh clone)."""
    if not ARTICLE.is_file():
        pytest.skip(f"the source article is not at {ARTICLE} (../shared is absent; set ROLEGRAPH_SHARED to its path)")
    return ARTICLE.read_text(encoding="utf-8")
