"""Answers of the named queries that list a whole store (``list-roles``, ``role-names``), kept beside the store's
files so that they are read rather than computed again: on a store of whole releases such a listing reads every role
and takes seconds, while its answer changes only when the store does.

An answer is kept in ``rolegraph-answer-KEY.json``, KEY naming the store's current graphs, the query's text and its
bound values (an import gives the store new graph names and so new keys; an upgraded query has a new text). It is
written the first time the query runs on that store state (``rolegraph import`` runs them before it ends), and holds
exactly the rows the engine gave, in its order; an answer with a blank node is not kept (blank node labels are the
engine's own). Where the folder cannot be written, answers are simply not kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..model.terms import IRI, XSD_STRING, Lit, is_blank, is_iri, is_literal
from .queries import BoundQuery
from .results import ResultTable

__all__ = ["CACHED", "FILE_PREFIX", "answer"]

CACHED = frozenset({"list-roles", "role-names"})
"""The named queries whose answers are kept: those that list the whole store, take no role and read every role."""

FORMAT = 2
FILE_PREFIX = "rolegraph-answer-"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:24]


def _encode(term: Any) -> tuple[str, ...]:
    if is_iri(term):
        return (str(term),)
    if is_literal(term):
        return (str(term), term.language or "", "" if term.language else str(term.datatype or ""))
    raise TypeError(f"cannot keep {term!r}")


def _decoder(light: bool) -> Callable[[list[str]], Any]:
    """Kept terms back as light terms or as rdflib's (what the engine that asks gives)."""
    if light:

        def light_term(item: list[str]) -> Any:
            if len(item) == 1:
                return IRI(item[0])
            value, lang, datatype = item
            return Lit(value, language=lang or None, datatype=datatype or None)

        return light_term
    from rdflib import Literal, URIRef

    def rdflib_term(item: list[str]) -> Any:
        if len(item) == 1:
            return URIRef(item[0])
        value, lang, datatype = item
        if lang:
            return Literal(value, lang=lang)
        if datatype and datatype != XSD_STRING:
            return Literal(value, datatype=URIRef(datatype))
        return Literal(value)

    return rdflib_term


def _read(path: Path, key: str, light: bool) -> ResultTable | None:
    try:
        with open(path, encoding="utf-8") as held:
            data = json.load(held)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    try:
        decode = _decoder(light)
        terms = [decode(item) for item in data["terms"]]
        variables = tuple(str(v) for v in data["variables"])
        # Each distinct term is built once, and rows are its positions (-1 for unbound): a listing repeats its
        # flags, counts and kinds in every row.
        rows = tuple(tuple(terms[i] if i >= 0 else None for i in row) for row in data["rows"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    if any(len(row) != len(variables) for row in rows):
        return None
    return ResultTable(variables, rows)


def _write(folder: Path, path: Path, key: str, table: ResultTable, graphs_key: str) -> None:
    if any(is_blank(term) for row in table.rows for term in row):
        return
    numbers: dict[tuple[str, ...], int] = {}
    rows = [[-1 if term is None else numbers.setdefault(_encode(term), len(numbers)) for term in row]
            for row in table.rows]  # fmt: skip
    with contextlib.suppress(OSError):
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        try:
            # Readable by whoever may read the store's folder (mkstemp makes files only their owner can read).
            os.chmod(temporary, stat.S_IMODE(folder.stat().st_mode) & 0o666)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                kept = {"format": FORMAT, "key": key, "variables": list(table.variables), "terms": list(numbers),
                        "rows": rows}  # fmt: skip
                json.dump(kept, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        now = time.time()
        for old in [*folder.glob(f"{FILE_PREFIX}*.json"), *folder.glob(f".{FILE_PREFIX}*")]:
            # Answers of earlier graphs and files a killed write left, once an hour old (a server still reading the
            # graphs it opened before an import keeps its answers).
            with contextlib.suppress(OSError):
                current = old.name.startswith((f"{FILE_PREFIX}{graphs_key}-", f".{FILE_PREFIX}{graphs_key}-"))
                if not current and now - old.stat().st_mtime > 3600:
                    old.unlink()


def answer(
    folder: Path, graphs: list[str], query: BoundQuery, limit: int | None, run: Callable[[], Any], light: bool = False
) -> ResultTable:
    """The answer of ``query`` on the store in ``folder`` whose current graphs are ``graphs``: the kept one, or
    ``run()``'s (the whole answer, which is then kept); its first ``limit`` rows when given. Terms are light ones
    (:mod:`rolegraph.model.terms`) when ``light``, as ``run()`` gives them then."""
    graphs_key = _digest(f"answers format {FORMAT}", *sorted(graphs))
    key = f"{graphs_key}-{_digest(query.text)}"
    path = folder / f"{FILE_PREFIX}{key}.json"
    table = _read(path, key, light)
    if table is None:
        table = run()
        if not isinstance(table, ResultTable):
            raise TypeError(f"query {query.query.name!r} is not a SELECT query")
        _write(folder, path, key, table, graphs_key)
    if limit is not None:
        return ResultTable(table.variables, table.rows[:limit])
    return table
