"""Open what a command works on: a SPARQL server (``sparql+http://...``), a persistent store (a folder), or, when
there is no store yet, the shipped graph in memory (plus extra data files).

>>> with open_graph(None, data=()) as g:  # no store here: the shipped graph
...     g.engine.name
'oxigraph'
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .api import RoleGraph, load
from .errors import InputError

__all__ = ["describe_target", "open_graph"]


def describe_target(spec: str | os.PathLike[str] | None) -> str:
    """What ``spec`` names, for messages: the server URL, the store folder, or the built-in graph."""
    from .store.database import default_store_path

    if spec is not None and str(spec).startswith("sparql+"):
        from .sparql.remote import store_url  # only for a server: it imports rdflib

        if (url := store_url(str(spec))) is not None:
            return url
    path = Path(spec) if spec is not None else default_store_path()
    return str(path) if spec is not None or (path / "CURRENT").exists() else "rolegraph's built-in graph"


@contextmanager
def open_graph(
    spec: str | os.PathLike[str] | None, *, data: Sequence[str | os.PathLike[str]] = (), timeout: float = 60.0
) -> Iterator[RoleGraph]:
    """The graph ``spec`` names, open for reading for the duration of the with-block. ``spec`` None means the
    per-user store if `rolegraph import` has made one, else the shipped graph (in memory on Oxigraph, the fastest
    path; with ``data`` files added, rdflib's graph, which checks them as it reads them)."""
    from .store.database import RoleStore, default_store_path

    if data:
        if spec is not None:
            raise InputError("--data adds files to the built-in graph only; with a store, import data into it.")
        yield load(data)  # rdflib's graph, which checked the files as it read them (no second copy in Oxigraph)
        return
    if spec is not None and str(spec).startswith("sparql+"):
        from .sparql.remote import SparqlHttpEngine, store_url  # only for a server: it imports rdflib

        if (url := store_url(str(spec))) is not None:
            yield RoleGraph(SparqlHttpEngine.connect(url, timeout=timeout))
            return
    path = Path(spec) if spec is not None else default_store_path()
    if spec is None and not (path / "CURRENT").exists():
        yield load(engine="oxigraph")
        return
    with RoleStore.open_for_reading(path) as store:
        yield RoleGraph(store.engine())
