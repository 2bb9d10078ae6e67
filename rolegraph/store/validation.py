"""Validate a store: rolegraph's SHACL shapes, translated to SPARQL, run on what the store's queries read."""

from __future__ import annotations

import os

from ..model.validation import StoreReport, check_oxigraph
from .database import RoleStore

__all__ = ["validate_store"]


def validate_store(path: str | os.PathLike[str], *, cap: int = 10_000, examples: int = 3) -> StoreReport:
    """Validate what queries of the store at ``path`` read: the current graph of every source."""
    with RoleStore.open_for_reading(path) as opened:
        # The store's default graph holds the set union of the current graphs when it is up to date (ten times
        # faster to read than the list of graphs); the engine says which it reads.
        graphs = opened.engine().default_graphs
        return check_oxigraph(opened.store, graphs=graphs, cap=cap, examples=examples)
