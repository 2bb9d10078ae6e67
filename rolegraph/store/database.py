"""The persistent store: an Oxigraph database on disk holding the shipped graph and every imported release, each
in a named graph of its own, and in its default graph the set union of the current graphs (what queries read).

A registry graph says which named graph is current for each loaded source. An import writes a new named graph and,
only when it is complete, moves the source's registry entry to it in one atomic update (the commit), then drops the
old graph; an import that fails or is killed before the commit leaves the registry, and so everything queries see,
as it was (its half-written graph is dropped the next time the store is opened for writing). A failure after the
commit (a full disk while dropping the old graph or flushing) is :class:`ImportCommittedError`: the new release is
what queries read, and the old graph is dropped by the next writable open. A newer release of a source replaces its
older ones in the same commit (unless both are kept on purpose).

The default graph is derived data: queries read it as one RDF graph with set semantics (a triple held by two
current graphs is one triple), and ``GRAPH ?g`` sees exactly the current graphs. The registry records two sets of
graphs for it: those whose every triple it holds, and those whose triples it may hold; it is up to date when both
are the current graphs. Every change keeps ``union(holds) <= default <= union(may hold)`` true at every step, so a
writer killed at any point leaves a default graph that the next writable open brings up to date (readers that find
it out of date read the union of the current graphs as a list instead). A lock file lets many readers or one writer
in at a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import gc
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .._version import __version__
from ..errors import InputError, RolegraphError
from ..model import resources
from ..sparql.engines import OxigraphEngine

__all__ = [
    "GRAPH_BASE",
    "REGISTRY",
    "SHIPPED",
    "ImportCommittedError",
    "RoleStore",
    "SourceInfo",
    "StoreError",
    "default_store_path",
]

GRAPH_BASE = "https://w3id.org/rolegraph/graph/"
SHIPPED = "https://w3id.org/rolegraph/id/source/rolegraph-shipped"
REGISTRY = ox.NamedNode(GRAPH_BASE + "registry")
RG = "https://w3id.org/rolegraph/vocab#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
UNION_HOLDS = RG + "unionHolds"
"""Registry: the store's default graph holds every triple of this graph."""
UNION_MAY_HOLD = RG + "unionMayHold"
"""Registry: the store's default graph may hold triples of this graph (and of no graph not so marked)."""
_log = logging.getLogger(__name__)
COMPACT_SHARE = 0.1
"""A store is compacted after dropping graphs that held at least this share of its quads."""
COMPACT_SUFFIX = ".compact-"
"""Names the folder a store is compacted into (``.STORE.compact-...``, beside the store)."""
SMALL_GRAPH = 50_000
"""Graphs of fewer triples are copied into the default graph in one transaction, larger ones by the bulk loader."""


class StoreError(RolegraphError):
    """The store cannot be opened or written (locked by another process, unreadable, disk full, ...). Raised by a
    write, it means nothing was committed: the store is as it was."""


class ImportCommittedError(StoreError):
    """An import was committed (every command now reads the new release), but finishing up after it failed: dropping
    the release it replaced, or flushing the store to disk (a full disk, ...). Exit code 4."""

    exit_code = 4


def _why(error: OSError) -> str:
    return error.strerror or str(error)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux's renameat2 RENAME_EXCHANGE); False where that is not possible."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_cwd, exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code))


def default_store_path() -> Path:
    """``$ROLEGRAPH_STORE``, else ``$XDG_DATA_HOME/rolegraph/store``, else ``~/.local/share/rolegraph/store``."""
    if os.environ.get("ROLEGRAPH_STORE"):
        return Path(os.environ["ROLEGRAPH_STORE"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "rolegraph" / "store"


@dataclass(frozen=True)
class SourceInfo:
    """A loaded source as the registry records it."""

    iri: str
    title: str
    release: str
    date: str
    license: str
    credit: str
    imported_at: str
    triples: int
    graph: str
    """The source's current named graph (the shipped source has one per file, separated by spaces)."""
    summary: str
    replaced: str = ""
    """What this import replaced (another release of the source), e.g. "O*NET 29.0 Database"; empty if nothing."""

    @property
    def family(self) -> str:
        """The source this is a release of: ``onet``, ``esco``, ``crosswalk`` (``shipped`` for rolegraph's own)."""
        return source_family(self.iri)

    @property
    def key(self) -> str:
        """The source's name after ``.../id/source/``, e.g. ``onet/29.0``."""
        return self.iri.rsplit("/id/source/", 1)[-1]


SOURCE_BASE = "https://w3id.org/rolegraph/id/source/"


def source_family(iri: str) -> str:
    """The source a release IRI belongs to (``.../id/source/onet/29.0`` is ``onet``)."""
    if iri == SHIPPED:
        return "shipped"
    return iri.removeprefix(SOURCE_BASE).split("/", 1)[0]


def release_order(release: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key for release names by their version numbers: 29.0 < 29.2 < 30.0, v1.1.1 < v1.2.0 < v1.10."""
    import re

    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|[^\W\d_]+", release))


SHIPPED_LAYOUT = "one graph per shipped file"
"""Part of the shipped digest: a store written with another layout reloads the shipped files on its next open."""


def _shipped_digest() -> str:
    import hashlib

    digest = hashlib.sha256(__version__.encode() + b"\0" + SHIPPED_LAYOUT.encode())
    for source in [resources.vocabulary_file(), *resources.data_files()]:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _literal(value: str, datatype: str | None = None) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


SOURCE_FIELDS = ("source", "title", "release", "date", "license", "credit", "at", "count", "g", "summary", "replaced")
SOURCES_QUERY = f"""
    SELECT ?source ?title ?release ?date ?license ?credit ?at ?count ?g ?summary ?replaced WHERE {{
      GRAPH <{REGISTRY.value}> {{
        ?source <{RG}currentGraph> ?g ; <{DCTERMS}title> ?title ; <{RG}release> ?release ;
                <{RG}importedAt> ?at ; <http://www.w3.org/ns/void#triples> ?count .
        OPTIONAL {{ ?source <{DCTERMS}date> ?date }}
        OPTIONAL {{ ?source <{DCTERMS}license> ?license }}
        OPTIONAL {{ ?source <{RG}creditLine> ?credit }}
        OPTIONAL {{ ?source <{DCTERMS}description> ?summary }}
        OPTIONAL {{ ?source <{RG}replacedRelease> ?replaced }}
      }}
    }} ORDER BY (?source != <{SHIPPED}>) ?title ?g"""
"""The registry's record of every loaded source, one row per current graph (also run on SPARQL servers after push)."""


def _utc(stamp: str) -> str:
    """An xsd:dateTime as UTC with a Z, however the store wrote it (servers write +00:00 for Z)."""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        return stamp
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _count(text: str) -> int:
    """A triple count as the registry holds it (0 for a value that is not one: a server's registry is its own)."""
    return int(text) if text.isascii() and text.isdigit() else 0


def sources_from_rows(rows: Iterable[dict[str, str]]) -> list[SourceInfo]:
    """Sources from rows of :data:`SOURCES_QUERY` (values as text); a source with several graphs is one entry."""
    infos: list[SourceInfo] = []
    seen: dict[str, int] = {}
    for row in rows:
        if row["source"] in seen:
            index = seen[row["source"]]
            infos[index] = replace(infos[index], graph=infos[index].graph + " " + row["g"])
            continue
        seen[row["source"]] = len(infos)
        infos.append(
            SourceInfo(row["source"], row["title"], row["release"], row["date"], row["license"], row["credit"],
                       _utc(row["at"]), _count(row["count"]), row["g"], row["summary"], row.get("replaced", ""))
        )  # fmt: skip
    return infos


class RoleStore:
    """An opened store. Use :meth:`open` (a context manager) rather than the constructor."""

    def __init__(self, path: Path, store: ox.Store, writable: bool) -> None:
        self.path = path
        self.store = store
        self.writable = writable
        self.committed: list[str] = []
        """The sources whose import this open has committed."""
        self._engines: list[OxigraphEngine] = []
        self._locks: list[Any] = []
        """Lock files held besides the one :meth:`open` holds (that of a store compacted into a fresh folder)."""

    def _close(self) -> None:
        """Drop every reference to the database: pyoxigraph closes it (and frees its lock) when the last one goes."""
        for engine in self._engines:
            engine.store = None  # type: ignore[assignment]
        self._engines.clear()
        self.store = None  # type: ignore[assignment]
        if self.writable or self._locks:
            # Only a writable database holds the store's lock: a read-only one may close whenever its last
            # reference goes, and a full collection costs a read-only command 5-60 ms.
            gc.collect()
        for lock in self._locks:
            lock.close()
        self._locks.clear()

    @classmethod
    @contextmanager
    def open(cls, path: str | os.PathLike[str], *, writable: bool = False) -> Iterator[RoleStore]:
        """Open the store at ``path`` (creating it when ``writable``), holding the lock while it is open."""
        folder = Path(path)
        if not writable and not (folder / "CURRENT").exists():
            raise StoreError(f"{folder}: no rolegraph store here yet; `rolegraph import ...` creates one.")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            lock = open(folder / "rolegraph.lock", "a+")  # noqa: SIM115 - held for the whole with-block
        except OSError as error:
            if writable or not (folder / "rolegraph.lock").exists():
                why = error.strerror or str(error)
                if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                    why += "; imports need a folder they can write to"
                raise StoreError(f"{folder}: cannot use this folder for the store ({why}).") from None
            lock = open(folder / "rolegraph.lock")  # noqa: SIM115 - a read-only folder: a shared lock still works
        try:
            try:
                fcntl.flock(lock, (fcntl.LOCK_EX if writable else fcntl.LOCK_SH) | fcntl.LOCK_NB)
            except BlockingIOError:
                busy = "another rolegraph process is using it" if writable else "an import is writing to it"
                raise StoreError(f"{folder}: the store is busy ({busy}); try again when it has finished.") from None
            try:
                store = ox.Store(str(folder)) if writable else ox.Store.read_only(str(folder))
            except OSError as error:
                raise StoreError(f"{folder}: cannot open the store ({error}).") from None
            opened = cls(folder, store, writable)
            del store
            try:
                if writable:
                    opened._prepare()
                yield opened
                if writable:
                    opened._flush()
                    opened._build_indexes()
            finally:
                opened._close()
        finally:
            lock.close()

    @classmethod
    @contextmanager
    def open_for_reading(cls, path: str | os.PathLike[str]) -> Iterator[RoleStore]:
        """Open read-only; if the shipped graph in it is out of date (rolegraph was upgraded), or its default graph
        is not the union of its current graphs (an interrupted writer, a store of an older rolegraph), bring it up
        to date first. A store whose union cannot be brought up to date (a folder this process cannot write) is
        read as the union of its current graphs."""
        with cls.open(path) as store:
            shipped = store.shipped_is_current()
            union = store.union_is_current()
            if shipped and union:
                yield store
                return
        work = [] if shipped else ["loading this version's shipped graph (the store holds another version's)"]
        if not union:
            work.append("building the store's default graph, the union of its current graphs that queries read "
                        "(an older rolegraph wrote the store, or an import was interrupted)")  # fmt: skip
        # One line on stderr (no logging configured: Python prints warnings there), as it can take minutes.
        _log.warning("rolegraph: %s: %s; this can take a few minutes on a large store.", path, "; ".join(work))
        try:
            with cls.open(path, writable=True):
                pass
        except StoreError:
            if not shipped:
                raise
        with cls.open(path) as store:
            yield store

    def shipped_is_current(self) -> bool:
        """Whether the store holds this version of rolegraph's shipped graph."""
        ask = f'ASK {{ GRAPH <{REGISTRY.value}> {{ <{SHIPPED}> <{RG}release> "{_shipped_digest()}" }} }}'
        return bool(self.store.query(ask))

    # ------------------------------------------------------------------------------------------------------------
    # Registry

    def _select(self, query: str) -> list[Any]:
        result = self.store.query(query)
        assert isinstance(result, ox.QuerySolutions)
        return list(result)

    def current_graphs(self) -> list[ox.NamedNode]:
        """The named graphs queries read: the current graph of every loaded source."""
        query = f"SELECT ?g WHERE {{ GRAPH <{REGISTRY.value}> {{ ?source <{RG}currentGraph> ?g }} }} ORDER BY ?g"
        return [solution["g"] for solution in self._select(query)]

    def sources(self) -> list[SourceInfo]:
        """Every loaded source, the shipped graph first."""
        rows = []
        for solution in self._select(SOURCES_QUERY):
            rows.append({name: ("" if solution[name] is None else solution[name].value) for name in SOURCE_FIELDS})
        return sources_from_rows(rows)

    def _marks(self) -> tuple[set[str], set[str]]:
        """The graphs the default graph holds entirely, and those it may hold triples of (see the module's doc)."""
        query = (f"SELECT ?p ?g WHERE {{ GRAPH <{REGISTRY.value}> {{ <{REGISTRY.value}> ?p ?g "
                 f"VALUES ?p {{ <{UNION_HOLDS}> <{UNION_MAY_HOLD}> }} }} }}")  # fmt: skip
        rows = [(row["p"].value, row["g"].value) for row in self._select(query)]
        return {g for p, g in rows if p == UNION_HOLDS}, {g for p, g in rows if p == UNION_MAY_HOLD}

    def union_is_current(self, current: Iterable[ox.NamedNode] | None = None) -> bool:
        """Whether the store's default graph is the set union of the current graphs."""
        names = {g.value for g in (self.current_graphs() if current is None else current)}
        holds, may_hold = self._marks()
        return holds == may_hold == names

    def engine(self) -> OxigraphEngine:
        """A query engine over the store's graphs as one dataset: the default graph is the set union of the current
        graphs (read as a list of them while the union is out of date), and ``GRAPH ?g`` sees the current graphs."""
        current = self.current_graphs()
        if self.union_is_current(current):
            engine = OxigraphEngine(self.store, None, folder=self.path, named_graphs=current)
        else:
            engine = OxigraphEngine(self.store, default_graphs=current, folder=self.path)
        self._engines.append(engine)
        return engine

    # ------------------------------------------------------------------------------------------------------------
    # Writing

    def _require_writable(self) -> None:
        if not self.writable:
            raise StoreError("the store was opened read-only.")

    def _prepare(self) -> None:
        """Bring the union up to date, drop what failed imports left, and load this version's shipped files if the
        store has older ones."""
        try:
            self._drop_leftovers()
            self._sync_union()
            self._drop_orphans()
            self._ensure_shipped()
        except OSError as error:
            raise StoreError(
                f"{self.path}: cannot prepare the store for writing ({_why(error)}); nothing was imported and the "
                "store is as it was. Free some disk space, or check the folder, and try again."
            ) from None

    def _flush(self) -> None:
        """Write everything this open changed to disk; after a commit, a failure here is an ImportCommittedError."""
        try:
            self.store.flush()
        except OSError as error:
            if self.committed:
                raise ImportCommittedError(
                    f"{self.path}: the import of {', '.join(self.committed)} was committed (commands read the new "
                    f"release), but writing the store to disk afterwards failed ({_why(error)}). Free some disk "
                    "space: the next command that opens the store finishes the writing."
                ) from None
            raise StoreError(
                f"{self.path}: writing the store to disk failed ({_why(error)}); it holds what it held before or the "
                "finished change, never half of one. Free some disk space and try again."
            ) from None

    def _build_indexes(self) -> None:
        """After a change, build the store's link index (:mod:`rolegraph.sparql.linkindex`) and its kept listings
        (:mod:`rolegraph.sparql.answercache`) for its new graphs, so that the first ranking by similarity and the first
        listings are answered at once; what fails here is built on first use."""
        if not self.committed:
            return
        import sqlite3

        from rdflib import Literal

        from ..sparql.engines import select
        from ..sparql.linkindex import link_index

        engine = self.engine()
        with contextlib.suppress(OSError, RuntimeError, sqlite3.Error):
            link_index(engine)
            for profiled in (True, False):
                select(engine, "list-roles", {"profiledOnly": Literal(profiled)})
            select(engine, "role-names")

    def _drop_orphans(self) -> None:
        """Drop named graphs under rolegraph's graph base that the registry does not point to (left by a failed or
        killed import), except those the union still needs to forget (it is brought up to date first)."""
        current = {g.value for g in self.current_graphs()} | self._marks()[1]
        for graph in list(self.store.named_graphs()):
            name = getattr(graph, "value", "")
            if name.startswith(GRAPH_BASE) and name != REGISTRY.value and name not in current:
                self.store.remove_graph(graph)

    def _mark(self, predicate: str, graphs: Iterable[str], *, insert: bool = True) -> None:
        names = " ".join(f"<{REGISTRY.value}> <{predicate}> <{g}> ." for g in graphs)
        if names:
            self.store.update(f"{'INSERT' if insert else 'DELETE'} DATA {{ GRAPH <{REGISTRY.value}> {{ {names} }} }}")

    def _set_marks(self, graphs: set[str]) -> None:
        """Record that the default graph is the union of ``graphs`` exactly (one update)."""
        names = " ".join(
            f"<{REGISTRY.value}> <{p}> <{g}> ." for g in sorted(graphs) for p in (UNION_HOLDS, UNION_MAY_HOLD)
        )
        self.store.update(
            f"DELETE WHERE {{ GRAPH <{REGISTRY.value}> {{ <{REGISTRY.value}> <{UNION_HOLDS}> ?g }} }} ;\n"
            f"DELETE WHERE {{ GRAPH <{REGISTRY.value}> {{ <{REGISTRY.value}> <{UNION_MAY_HOLD}> ?g }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{REGISTRY.value}> {{ {names} }} }}"
        )

    def graph_size(self, graph: ox.NamedNode) -> int:
        """How many triples the named graph ``graph`` holds."""
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"].value)

    def _add_to_union(self, name: str) -> None:
        graph = ox.NamedNode(name)
        triples = (ox.Quad(q.subject, q.predicate, q.object) for q in self.store.quads_for_pattern(None, None, None,
                                                                                                   graph))  # fmt: skip
        if self.graph_size(graph) < SMALL_GRAPH:
            self.store.extend(list(triples))
        else:
            self.store.bulk_extend(triples)

    def _sync_union(self) -> None:
        """Make the default graph the set union of the current graphs, from whatever state a writer left it in:
        forget the triples of graphs that are no longer current (unless a current graph holds them too), then add
        the current graphs it does not hold yet. Each step keeps the registry's bounds true, so a failure or a kill
        at any point leaves work the next call finishes."""
        current = {g.value for g in self.current_graphs()}
        holds, may_hold = self._marks()
        if holds == may_hold == current:
            return
        stale = {name for name in may_hold - current if self.store.contains_named_graph(ox.NamedNode(name))}
        if stale - holds or (may_hold - current - stale) & holds:
            # An import that failed or was killed while loading: the bulk loader may have written a triple's copy in
            # the default graph without its twin in the release's graph, so only a rebuild is sure to forget it. (A
            # load that wrote nothing leaves no graph and nothing to forget; a graph the union held that is gone
            # cannot be told apart either.)
            self._rebuild_union(current)
            return
        self._mark(UNION_HOLDS, sorted(holds - current), insert=False)
        self._mark(UNION_MAY_HOLD, sorted(current - may_hold))
        kept = " ".join(f"<{name}>" for name in sorted(current))
        for name in sorted(stale):
            self.store.update(
                f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} "
                f"FILTER NOT EXISTS {{ VALUES ?kept {{ {kept} }} GRAPH ?kept {{ ?s ?p ?o }} }} }}"
            )
        for name in sorted(current - holds):
            self._add_to_union(name)
        self._set_marks(current)

    def _rebuild_union(self, current: set[str]) -> None:
        """Build the union anew (when a graph whose triples it may hold is gone, so they cannot be told apart)."""
        self._mark(UNION_HOLDS, sorted(self._marks()[0]), insert=False)
        self.store.clear_graph(ox.DefaultGraph())
        self._set_marks(set())
        self._mark(UNION_MAY_HOLD, sorted(current))
        for name in sorted(current):
            self._add_to_union(name)
        self._set_marks(current)

    def _compact(self, dropped: int) -> None:
        """Give back the space of the ``dropped`` quads just removed, when they were a large share of the store.

        RocksDB's own compaction (``optimize()``) rewrites the bulk loader's files in a less compact form: a store
        compacted so is 1.7 times the size of the same data freshly imported, and without it the dropped graphs'
        files stay (a re-imported release left the store about 5 times its size). So the store is rewritten by the
        bulk loader into a fresh folder beside it, which then takes the store's place in one atomic exchange of the
        two folders (Linux's renameat2); killed at any point, the folder holds the old store or the new, complete,
        and the next writable open deletes what is left beside it. Where the exchange is not possible (another
        system, a folder whose parent cannot be written) it falls back to ``optimize()``."""
        if dropped == 0 or dropped < COMPACT_SHARE * (len(self.store) + dropped):
            return
        import shutil
        import uuid  # imported where used: reading a store never needs them

        fresh = self.path.parent / f".{self.path.name}{COMPACT_SUFFIX}{uuid.uuid4().hex}"
        try:
            copy = ox.Store(str(fresh))
        except OSError:
            self.store.optimize()
            return
        try:
            copy.bulk_extend(self.store.quads_for_pattern(None, None, None, None))
            copy.flush()
            del copy
            gc.collect()  # closes the copy's database
            for extra in self.path.glob("rolegraph*"):  # the lock file and the index of role names
                if extra.is_file():
                    shutil.copy2(extra, fresh / extra.name)
            lock = open(fresh / "rolegraph.lock", "a+")  # noqa: SIM115 - held until this open ends
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # so that no writer comes in once it is the store
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        # The old database is closed before the exchange: RocksDB opens its files by name.
        self.store = None  # type: ignore[assignment]
        for engine in self._engines:
            engine.store = None  # type: ignore[assignment]
        gc.collect()
        try:
            swapped = _exchange(fresh, self.path)
        except BaseException:
            lock.close()  # the copy is left for the next writable open to delete
            raise
        finally:
            self.store = ox.Store(str(self.path))
            for engine in self._engines:
                engine.store = self.store
        if swapped:
            self._locks.append(lock)
        else:
            lock.close()
        shutil.rmtree(fresh, ignore_errors=True)  # the old store's files after the exchange, else the copy
        if not swapped:
            self.store.optimize()

    def _drop_leftovers(self) -> None:
        """Delete what a compaction killed midway left beside the store (see :meth:`_compact`)."""
        import shutil

        for leftover in self.path.parent.glob(f".{self.path.name}{COMPACT_SUFFIX}*"):
            shutil.rmtree(leftover, ignore_errors=True)

    def _ensure_shipped(self) -> None:
        """Load the shipped files, each in its own named graph (vocabulary, each data file, each links file)."""
        if self.shipped_is_current():
            return
        digest = _shipped_digest()
        graphs = []
        count = 0
        files = [("vocabulary", resources.vocabulary_file())]
        files += [(f"{folder}/{f.name.removesuffix('.ttl')}", f) for folder, f in resources.data_files_by_folder()]
        for key, source in files:
            graph = self._new_graph_name(f"shipped/{key}")
            self.store.load(source.read_bytes(), format=ox.RdfFormat.TURTLE, to_graph=graph)
            count += self.graph_size(graph)
            graphs.append(graph)
        metadata = {
            "title": "rolegraph's own vocabulary, data and links",
            "release": digest,
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "credit": "rolegraph vocabulary and data, CC BY 4.0",
            "summary": f"vocabulary and {len(files) - 1} data and links file(s) of rolegraph {__version__}",
        }
        self._switch(SHIPPED, graphs, count, metadata)

    def _new_graph_name(self, key: str) -> ox.NamedNode:
        import uuid  # imported where used: reading a store never needs it

        return ox.NamedNode(f"{GRAPH_BASE}{key}/{uuid.uuid4().hex}")

    def _switch(self, source: str, graphs: list[ox.NamedNode], count: int, metadata: dict[str, str]) -> None:
        """Point ``source`` at ``graphs`` (one atomic update), bring the union up to date, then drop the graphs it
        pointed at before."""
        old = self._commit(source, graphs, count, metadata)
        self._sync_union()
        for name in old:
            self.store.remove_graph(ox.NamedNode(name))

    def _points_at(self, source: str, graph: ox.NamedNode) -> bool:
        """Whether the registry makes ``graph`` the current graph of ``source`` (whether its commit happened)."""
        ask = f"ASK {{ GRAPH <{REGISTRY.value}> {{ <{source}> <{RG}currentGraph> <{graph.value}> }} }}"
        return bool(self.store.query(ask))

    def _graphs_of(self, sources: Iterable[str]) -> list[str]:
        names = " ".join(f"<{source}>" for source in sources)
        if not names:
            return []
        query = (f"SELECT ?g WHERE {{ VALUES ?source {{ {names} }} GRAPH <{REGISTRY.value}> "
                 f"{{ ?source <{RG}currentGraph> ?g }} }}")  # fmt: skip
        return [row["g"].value for row in self._select(query)]

    def _commit(self, source: str, graphs: list[ox.NamedNode], count: int, metadata: dict[str, str]) -> list[str]:
        """Point ``source`` at ``graphs`` in one atomic update, unloading the sources named (space-separated) in
        ``metadata["replaces"]``; returns the graphs they pointed at before (now orphans, for the caller to
        drop)."""
        replaces = metadata.get("replaces", "").split()
        old = self._graphs_of([source, *replaces])
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        facts = [
            f"<{source}> a <{RG}LoadedSource>",
            *(f"<{source}> <{RG}currentGraph> <{graph.value}>" for graph in graphs),
            f"<{source}> <{RG}importedAt> {_literal(now, XSD + 'dateTime')}",
            f"<{source}> <http://www.w3.org/ns/void#triples> {_literal(str(count), XSD + 'integer')}",
            f"<{source}> <{DCTERMS}title> {_literal(metadata['title'])}",
            f"<{source}> <{RG}release> {_literal(metadata['release'])}",
        ]
        for key, predicate in (
            ("date", DCTERMS + "date"),
            ("credit", RG + "creditLine"),
            ("summary", DCTERMS + "description"),
            ("replaced", RG + "replacedRelease"),
        ):
            if metadata.get(key):
                facts.append(f"<{source}> <{predicate}> {_literal(metadata[key])}")
        if metadata.get("license"):
            facts.append(f"<{source}> <{DCTERMS}license> <{metadata['license']}>")
        unload = "".join(f"DELETE WHERE {{ GRAPH <{REGISTRY.value}> {{ <{iri}> ?p ?o }} }} ;\n" for iri in replaces)
        self.store.update(
            f"{unload}DELETE WHERE {{ GRAPH <{REGISTRY.value}> {{ <{source}> ?p ?o }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{REGISTRY.value}> {{ {' . '.join(facts)} }} }}"
        )
        return [name for name in old if name not in {graph.value for graph in graphs}]

    def load_source(
        self, source: str, key: str, metadata: dict[str, str], triples: Iterable[tuple[Any, Any, Any]]
    ) -> int:
        """Write ``triples`` (pyoxigraph subject, predicate, object) as the new release of ``source``, then make it
        current (unloading the sources ``metadata["replaces"]`` names in the same commit); returns how many
        distinct triples are stored (``metadata["generated"]`` is set to how many were written). Nothing changes
        for readers until the commit.

        Raises :class:`StoreError` when nothing was committed (the store is as it was), and
        :class:`ImportCommittedError` when the commit happened but dropping the replaced release or flushing failed.
        """
        self._require_writable()
        graph = self._new_graph_name(key)
        written = 0

        def quads() -> Iterator[ox.Quad]:
            nonlocal written
            for subject, predicate, obj in triples:
                written += 1
                yield ox.Quad(subject, predicate, obj, graph)
                yield ox.Quad(subject, predicate, obj)  # the union: written with the release, not read back later

        stored = 0
        try:
            self._mark(UNION_MAY_HOLD, [graph.value])  # before any of its triples enters the default graph
            self.store.bulk_extend(quads())
            self.store.flush()
            self._mark(UNION_HOLDS, [graph.value])
            stored = self.graph_size(graph)
            metadata["generated"] = str(written)
            replaced = self._commit(source, [graph], stored, metadata)
        except BaseException as error:
            if not self._committed_anyway(source, graph):
                self._forget(graph, now=not isinstance(error, KeyboardInterrupt))
                if isinstance(error, OSError):
                    raise StoreError(
                        f"{self.path}: writing the import failed ({_why(error)}); nothing was committed and the store "
                        "is as it was."
                    ) from None
                raise
            replaced = []
            if not isinstance(error, OSError):
                self.committed.append(metadata.get("title") or source)
                raise
        self.committed.append(metadata.get("title") or source)
        try:
            self._sync_union()
            dropped = 0
            for name in replaced:
                dropped += self.graph_size(ox.NamedNode(name))
                self.store.remove_graph(ox.NamedNode(name))
            self.store.flush()
            self._compact(dropped)
        except OSError as error:
            raise ImportCommittedError(
                f"{self.path}: the import was committed ({stored:,} triples of {metadata.get('title') or source}; "
                f"commands read the new release), but finishing up failed ({_why(error)}). Free some disk space: "
                "the release it replaced, if any, is dropped the next time the store is opened for writing."
            ) from None
        return stored

    def _committed_anyway(self, source: str, graph: ox.NamedNode) -> bool:
        """After a failure: whether the commit happened all the same (the failure came after it); False if the
        registry cannot be read, as the commit is the registry's update and a store that cannot read it has none."""
        try:
            return self._points_at(source, graph)
        except (OSError, RuntimeError):
            return False

    def _forget(self, graph: ox.NamedNode, *, now: bool = True) -> None:
        """Drop a graph no source points at, and its triples from the union; if that fails too (a full disk), or
        not ``now`` (the user interrupted: no long repair then), the next writable open does it."""
        if not now:
            return
        with contextlib.suppress(OSError, RuntimeError):
            self._sync_union()
            self.store.remove_graph(graph)

    def remove_sources(self, sources: Iterable[str]) -> list[str]:
        """Unload sources (their registry entries in one atomic update, then their graphs); returns their titles.

        Raises :class:`ImportCommittedError` when they were unloaded but dropping their graphs or flushing failed
        (the next writable open finishes)."""
        self._require_writable()
        sources = list(sources)
        if SHIPPED in sources:
            raise InputError("the shipped graph cannot be removed.")
        titles = [info.title for info in self.sources() if info.iri in sources]
        graphs = self._graphs_of(sources)
        unload = " ;\n".join(f"DELETE WHERE {{ GRAPH <{REGISTRY.value}> {{ <{iri}> ?p ?o }} }}" for iri in sources)
        if not unload:
            return []
        try:
            self.store.update(unload)
        except OSError as error:
            raise StoreError(f"{self.path}: removing failed ({_why(error)}); the store is as it was.") from None
        self.committed += titles
        try:
            self._sync_union()
            dropped = 0
            for graph in graphs:
                dropped += self.graph_size(ox.NamedNode(graph))
                self.store.remove_graph(ox.NamedNode(graph))
            self.store.flush()
            self._compact(dropped)
        except OSError as error:
            raise ImportCommittedError(
                f"{self.path}: {', '.join(titles)} removed (commands no longer read it), but finishing up failed "
                f"({_why(error)}). Free some disk space: the next time the store is opened for writing finishes."
            ) from None
        return titles

    def remove_source(self, source: str) -> None:
        """Unload a source (its graph and its registry entry)."""
        self.remove_sources([source])
