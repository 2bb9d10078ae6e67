"""The README's Python examples run as written."""

from __future__ import annotations

import re

import pytest

from .conftest import REPO

BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), flags=re.DOTALL)


def test_readme_has_python_examples() -> None:
    assert BLOCKS


@pytest.mark.parametrize("code", BLOCKS)
def test_readme_python_block_runs(code: str) -> None:
    exec(compile(code, "README.md", "exec"), {})


def test_readme_table_lists_every_named_query() -> None:
    from rolegraph.sparql.queries import query_names

    text = (REPO / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", text, flags=re.MULTILINE))
    assert listed == set(query_names())
