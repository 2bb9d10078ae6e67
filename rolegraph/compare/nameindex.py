"""An index of every name a role can be looked up by (labels, alternative labels, codes) for what a failed exact
lookup needs: the stored names equal to what was typed when case and spacing are ignored, and the names close to it
(suggestions), without reading every name again.

The index is built from the graph's role names (one query per kind of name), once per graph, and kept for the
engine. For a store it is also written beside the store's files (``rolegraph-names-KEY.sqlite``, KEY naming the
store's current graphs), so that later processes open it instead of rebuilding it; an import gives the store new
graph names and therefore a new index. Where that folder cannot be written the index lives in memory only.
On a SPARQL server (``--store sparql+http://...``) the index, in memory, holds the names the server answers with (one
that caps its answers' rows gives fewer suggestions), and case-insensitive lookups are left to the server's own scan.

Suggestions are names sharing close words with what was typed: each typed word is matched against the index's
words (a few edits allowed, fewer for short words; a word of 4 letters or more also matches the words it begins),
and names are ranked by how much of the typed text they match and how little else they hold.

>>> from rolegraph.model.ontology import load_graph
>>> index = name_index(load_graph())
>>> index.suggest("Produser")[:2]
['Producer', 'Executive Producer']
>>> [str(spelling) for spelling in index.spellings("PRODUCTION   manager")]
['Production Manager']
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..model.terms import XSD_STRING, Lit, is_literal
from ..sparql.engines import OxigraphEngine, QueryEngine, RdflibEngine, _is_rdflib_graph
from ..sparql.indexfile import in_memory, open_index, write_index
from ..sparql.queries import NamedQuery, bind

if TYPE_CHECKING:
    import sqlite3

    from rdflib import Graph

__all__ = ["RoleNameIndex", "exact_key", "fold_words", "name_index"]

FORMAT = 1
"""The layout of index files; a file of another layout is rebuilt."""

FILE_PREFIX = "rolegraph-names-"

KIND_LABEL, KIND_CODE, KIND_ALTERNATIVE = 0, 1, 2

_NAMES_TEXT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rg: <https://w3id.org/rolegraph/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT DISTINCT ?name
WHERE {
  ?roleClass rdfs:subClassOf rg:Role .
  ?role a ?roleClass ;
    PREDICATE ?name .
}
"""
# The literals role-lookup finds roles by, one query per kind (one column of terms is the cheapest answer to read).
_NAMES = {
    kind: NamedQuery(f"role-names-{kind}", _NAMES_TEXT.replace("PREDICATE", predicate), f"Every role {what}.")
    for kind, predicate, what in [
        (KIND_LABEL, "rdfs:label", "label"),
        (KIND_CODE, "skos:notation", "code"),
        (KIND_ALTERNATIVE, "skos:altLabel", "alternative label"),
    ]
}

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE name (id INTEGER PRIMARY KEY, text TEXT NOT NULL, lang TEXT NOT NULL, datatype TEXT NOT NULL,
                   kind INTEGER NOT NULL, exact TEXT NOT NULL, chars INTEGER NOT NULL);
CREATE TABLE word (id INTEGER PRIMARY KEY, text TEXT NOT NULL, length INTEGER NOT NULL);
CREATE TABLE posting (word INTEGER NOT NULL, name INTEGER NOT NULL, PRIMARY KEY (word, name)) WITHOUT ROWID;
CREATE TABLE gram (gram TEXT NOT NULL, length INTEGER NOT NULL, word INTEGER NOT NULL,
                   PRIMARY KEY (gram, length, word)) WITHOUT ROWID;
"""
_INDEXES = """
CREATE INDEX name_exact ON name (exact);
CREATE UNIQUE INDEX word_text ON word (text);
"""

_SEPARATORS = re.compile(r"[\W_]+")
_MAX_WORDS = 12  # a longer text is not a mistyped role name (and would cost a lookup per word)
_MIN_COVERAGE = 0.6  # of the typed letters, weighted by how close their words are
_MIN_PRECISION = 0.3  # of the name's letters: a name that merely holds a typed word among many is not close


def fold_words(text: str) -> list[str]:
    """The words of ``text`` as the index compares them: case and accents folded, split at anything that is not a
    letter or digit.

    >>> fold_words("Crèche-Worker (2nd)")
    ['creche', 'worker', '2nd']
    """
    folded = text.casefold()
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return [word for word in _SEPARATORS.split(folded) if word]


def exact_key(text: str) -> str:
    """What two names must share to be the same name ignoring case and runs of spaces."""
    return " ".join(text.split()).casefold()


def _allowed_edits(length: int) -> int:
    # One edit in a word of three letters makes most other three-letter words; long words tolerate more typos.
    return 0 if length <= 3 else 1 if length <= 5 else 2 if length <= 9 else 3


def _grams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def _distance(a: str, b: str, limit: int) -> int:
    """The optimal-string-alignment distance (insertions, deletions, substitutions, swaps of neighbours) between
    ``a`` and ``b``, or ``limit + 1`` as soon as it must be larger than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def _word_similarity(typed: str, word: str) -> float:
    """How close an index word is to a typed word, 0 when it is not close enough to suggest."""
    if typed == word:
        return 1.0
    score = 0.0
    if len(typed) >= 4 and word.startswith(typed):
        score = 0.5 + 0.4 * len(typed) / len(word)
    if not typed.isdigit():  # a code that differs by a digit is another code, not a typo
        limit = _allowed_edits(len(typed))
        edits = _distance(typed, word, limit)
        if edits <= limit:
            score = max(score, 1 - edits / max(len(typed), len(word)))
    return score


@dataclass(frozen=True)
class _Name:
    text: str
    lang: str
    datatype: str
    kind: int

    def literal(self) -> Lit:
        return Lit(self.text, language=self.lang or None, datatype=self.datatype or None)


def _names_of(rows: Iterable[tuple[Any, int]]) -> list[_Name]:
    kinds: dict[tuple[str, str, str], int] = {}
    for name, kind in rows:
        if not is_literal(name):
            continue
        lang, datatype = name.language or "", name.datatype
        key = (str(name), lang, "" if lang or datatype is None or str(datatype) == XSD_STRING else str(datatype))
        kinds[key] = min(kinds.get(key, KIND_ALTERNATIVE), kind)
    return [_Name(text, lang, datatype, kind) for (text, lang, datatype), kind in sorted(kinds.items())]


def _fill(connection: sqlite3.Connection, names: list[_Name], key: str) -> None:
    connection.executescript(_SCHEMA)
    words: dict[str, int] = {}
    postings: dict[int, dict[int, None]] = {}  # word -> names holding it, in ascending order (the table's order)
    rows = []
    for number, name in enumerate(names):
        folded = fold_words(name.text)
        for word in folded:
            postings.setdefault(words.setdefault(word, len(words)), {})[number] = None
        chars = sum(len(word) for word in folded)
        rows.append((number, name.text, name.lang, name.datatype, name.kind, exact_key(name.text), chars))
    connection.executemany("INSERT INTO name VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    connection.executemany("INSERT INTO word VALUES (?, ?, ?)", ((n, w, len(w)) for w, n in words.items()))
    connection.executemany("INSERT INTO posting VALUES (?, ?)", ((w, n) for w, held in postings.items() for n in held))
    grams = sorted((gram, len(word), number) for word, number in words.items() for gram in _grams(word))
    connection.executemany("INSERT INTO gram VALUES (?, ?, ?)", grams)
    connection.executescript(_INDEXES)
    connection.executemany("INSERT INTO meta VALUES (?, ?)", [("format", str(FORMAT)), ("key", key)])
    connection.commit()


class RoleNameIndex:
    """The names roles can be looked up by, indexed for case-insensitive lookup and for suggestions. Safe to share
    between threads."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None = None) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self.path = path
        """The index file, None for an index in memory."""

    @classmethod
    def build(cls, rows: Iterable[tuple[object, int]], key: str = "", path: Path | None = None) -> RoleNameIndex:
        """The index of the names in ``rows`` (a name literal and its kind: 0 label, 1 code, 2 alternative label),
        written to ``path`` (replacing any file there) when given, else in memory."""
        names = _names_of(rows)
        if path is None:
            return cls(in_memory(lambda connection: _fill(connection, names, key)))
        write_index(path, lambda connection: _fill(connection, names, key))
        return cls.open(path, key)

    @classmethod
    def open(cls, path: Path, key: str) -> RoleNameIndex:
        """The index in the file ``path`` if it is one of this layout built for ``key``; sqlite3.Error or OSError
        otherwise."""
        return cls(open_index(path, key, FORMAT), path)

    def close(self) -> None:
        """Close the index (it cannot be used afterwards)."""
        self._connection.close()

    def _rows(self, sql: str, parameters: Iterable[object] = ()) -> list[Any]:
        with self._lock:
            return self._connection.execute(sql, tuple(parameters)).fetchall()

    def __len__(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM name")[0][0])

    def spellings(self, name: str) -> list[Lit]:
        """The stored names (as the literals they are in the graph) equal to ``name`` ignoring case and runs of
        spaces."""
        rows = self._rows("SELECT text, lang, datatype, kind FROM name WHERE exact = ? ORDER BY id", [exact_key(name)])
        return [_Name(*row).literal() for row in rows]

    def _close_words(self, typed: str) -> dict[int, tuple[float, int]]:
        """The index's words close to one typed word: word id -> (similarity, length), the best 60."""
        limit = 0 if typed.isdigit() else _allowed_edits(len(typed))
        if limit:
            grams = sorted(_grams(typed))
            needed = max(1, len(typed) + 1 - 3 * limit)  # an edit changes at most three of a word's letter pairs
            marks = ", ".join("?" * len(grams))
            candidates = self._rows(
                f"SELECT w.id, w.text FROM (SELECT word, COUNT(*) AS shared FROM gram WHERE gram IN ({marks}) "
                "AND length BETWEEN ? AND ? GROUP BY word) AS g JOIN word AS w ON w.id = g.word WHERE g.shared >= ?",
                [*grams, len(typed) - limit, len(typed) + limit, needed],
            )
        else:
            candidates = self._rows("SELECT id, text FROM word WHERE text = ?", [typed])
        if len(typed) >= 4:
            candidates += self._rows(
                "SELECT id, text FROM word WHERE text > ? AND text < ? ORDER BY length, text LIMIT 100",
                [typed, typed + "\U0010ffff"],
            )
        found = {number: (_word_similarity(typed, word), len(word)) for number, word in candidates}
        ranked = sorted(((n, v) for n, v in found.items() if v[0] > 0), key=lambda item: -item[1][0])
        return dict(ranked[:60])

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Up to ``limit`` names close to ``name``, best first (a label before another kind of name as close)."""
        typed = fold_words(name)
        if not typed or len(typed) > _MAX_WORDS:
            return []
        close = [self._close_words(word) for word in typed]
        # Words under three letters ("of", "it") count when a name holds them but do not bring names in.
        generating = {n for word, words in zip(typed, close, strict=True) if len(word) >= 3 for n in words}
        if not generating:
            return []
        wanted = sorted({n for words in close for n in words})
        rows = self._rows(
            "SELECT p.word, p.name, n.chars FROM posting AS p JOIN name AS n ON n.id = p.name "
            f"WHERE p.word IN ({', '.join('?' * len(wanted))})",
            wanted,
        )
        candidates = {name_id for word_id, name_id, _ in rows if word_id in generating}
        # Per candidate name and typed word: the name's closest word to it (similarity, length, id).
        best: dict[int, list[tuple[float, int, int]]] = {}
        chars: dict[int, int] = {}
        for word_id, name_id, name_chars in rows:
            if name_id not in candidates:
                continue
            closest = best.setdefault(name_id, [(0.0, 0, -1)] * len(typed))
            chars[name_id] = name_chars
            for i, words in enumerate(close):
                if word_id in words and words[word_id][0] > closest[i][0]:
                    closest[i] = (*words[word_id], word_id)
        weights = [len(word) for word in typed]
        scored: list[tuple[float, int]] = []
        for name_id, closest in best.items():
            # How much of what was typed the name matches, and how much of the name those matches are.
            coverage = sum(c[0] * w for c, w in zip(closest, weights, strict=True)) / sum(weights)
            precision = min(1.0, sum({c[2]: c[1] for c in closest if c[2] >= 0}.values()) / max(1, chars[name_id]))
            if coverage >= _MIN_COVERAGE and precision >= _MIN_PRECISION:
                scored.append((0.85 * coverage + 0.15 * precision, name_id))
        scored.sort(key=lambda item: -item[0])
        return self._display(scored[: limit * 8], limit)

    def _display(self, scored: list[tuple[float, int]], limit: int) -> list[str]:
        if not scored:
            return []
        score = {name_id: value for value, name_id in scored}
        rows = self._rows(f"SELECT id, text, kind FROM name WHERE id IN ({', '.join('?' * len(score))})", score)

        def order(row: tuple[int, str, int]) -> tuple[float, int, bool, int, str]:
            name_id, text, kind = row
            return (-score[name_id], kind, text[:1].islower(), len(text), text)

        suggestions: list[str] = []
        seen: set[tuple[str, ...]] = set()
        for _, text, _ in sorted(rows, key=order):
            folded = tuple(fold_words(text))
            if folded not in seen:
                seen.add(folded)
                suggestions.append(" ".join(text.split()))
        return suggestions[:limit]


def _rows_of(engine: QueryEngine | Graph) -> Iterator[tuple[object, int]]:
    target = RdflibEngine(cast("Graph", engine)) if _is_rdflib_graph(engine) else cast(QueryEngine, engine)
    for kind, query in _NAMES.items():
        for row in target.select(bind(query)):
            yield row[0], kind


def _store_key(engine: OxigraphEngine) -> str:
    """A name for the store's current graphs: a new import always makes new graph names."""
    graphs = sorted(str(getattr(g, "value", g)) for g in engine.named_graphs or ())
    import hashlib

    return hashlib.sha256("\n".join([f"format {FORMAT}", *graphs]).encode("utf-8")).hexdigest()[:32]


def _for_store(engine: OxigraphEngine, folder: Path) -> RoleNameIndex:
    import sqlite3

    key = _store_key(engine)
    path = folder / f"{FILE_PREFIX}{key}.sqlite"
    with contextlib.suppress(OSError, sqlite3.Error):
        return RoleNameIndex.open(path, key)
    rows = list(_rows_of(engine))
    try:
        index = RoleNameIndex.build(rows, key, path)
    except (OSError, sqlite3.Error):  # a read-only folder, a full disk: the index still works from memory
        return RoleNameIndex.build(rows, key)
    now = time.time()
    for old in [*folder.glob(f"{FILE_PREFIX}*.sqlite"), *folder.glob(f".{FILE_PREFIX}*")]:
        # Indexes of earlier graphs and files a killed build left, once an hour old: a server still reading the
        # graphs it opened before an import, and a running build, keep theirs.
        with contextlib.suppress(OSError):
            if old != path and now - old.stat().st_mtime > 3600:
                old.unlink()
    return index


_cache: dict[int, tuple[weakref.ref[object], int, RoleNameIndex]] = {}
_cache_lock = threading.Lock()


def _forget(number: int) -> Callable[[weakref.ref[object]], None]:
    def forget(_: weakref.ref[object]) -> None:
        with _cache_lock:
            _cache.pop(number, None)

    return forget


def name_index(target: Graph | QueryEngine) -> RoleNameIndex:
    """The index of the role names of ``target``, built on first use and kept as long as ``target`` lives (for an
    rdflib graph, rebuilt when its size has changed)."""
    owner: object = target.graph if isinstance(target, RdflibEngine) else target
    size = len(owner) if _is_rdflib_graph(owner) else 0  # type: ignore[arg-type]
    number = id(owner)
    with _cache_lock:
        entry = _cache.get(number)
        if entry is not None and entry[0]() is owner and entry[1] == size:
            return entry[2]
    if isinstance(target, OxigraphEngine) and target.folder is not None and target.named_graphs:
        index = _for_store(target, target.folder)
    else:
        index = RoleNameIndex.build(_rows_of(owner if _is_rdflib_graph(owner) else target))  # type: ignore[arg-type]
    with _cache_lock:
        _cache[number] = (weakref.ref(owner, _forget(number)), size, index)
    return index
