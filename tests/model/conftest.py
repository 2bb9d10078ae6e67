"""The model's fixtures: the source article when ../shared is present."""

from __future__ import annotations

import pytest

from ..conftest import ARTICLE


@pytest.fixture(scope="session")
def article_text() -> str:
    """The source article, or a skip when ../shared is not beside the checkout (a user's fresh clone)."""
    if not ARTICLE.is_file():
        pytest.skip(f"the source article is not at {ARTICLE} (../shared is absent; set ROLEGRAPH_SHARED to its path)")
    return ARTICLE.read_text(encoding="utf-8")
