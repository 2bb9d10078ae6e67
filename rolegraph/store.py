"""The persistent store: an Oxigraph database on disk holding the shipped graph and every imported release, each
in a named graph of its own.

A registry graph says which named graph is current for each loaded source. An import writes a new named graph and,
only when it is complete, moves the source's registry entry to it in one atomic update (the commit), then drops the
old graph; an import that fails or is killed before the commit leaves the registry, and so everything queries see,
as it was (its half-written graph is dropped the next time the store is opened for writing). A failure after the
commit (a full disk while dropping the old graph or flushing) is :class:`ImportCommittedError`: the new release is
what queries read, and the old graph is dropped by the next writable open. Queries read the union of the current
graphs only. A lock file lets many readers or one writer in at a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import gc
import hashlib
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import __version__, resources
from .engines import OxigraphEngine
from .errors import InputError, RolegraphError

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


class StoreError(RolegraphError):
    """The store cannot be opened or written (locked by another process, unreadable, disk full, ...). Raised by a
    write, it means nothing was committed: the store is as it was."""


class ImportCommittedError(StoreError):
    """An import was committed (every command now reads the new release), but finishing up after it failed: dropping
    the release it replaced, or flushing the store to disk (a full disk, ...). Exit code 4."""

    exit_code = 4


def _why(error: OSError) -> str:
    return error.strerror or str(error)


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


SHIPPED_LAYOUT = "one graph per shipped file"
"""Part of the shipped digest: a store written with another layout reloads the shipped files on its next open."""


def _shipped_digest() -> str:
    digest = hashlib.sha256(__version__.encode() + b"\0" + SHIPPED_LAYOUT.encode())
    for source in [resources.vocabulary_file(), *resources.data_files()]:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _literal(value: str, datatype: str | None = None) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


SOURCE_FIELDS = ("source", "title", "release", "date", "license", "credit", "at", "count", "g", "summary")
SOURCES_QUERY = f"""
    SELECT ?source ?title ?release ?date ?license ?credit ?at ?count ?g ?summary WHERE {{
      GRAPH <{REGISTRY.value}> {{
        ?source <{RG}currentGraph> ?g ; <{DCTERMS}title> ?title ; <{RG}release> ?release ;
                <{RG}importedAt> ?at ; <http://www.w3.org/ns/void#triples> ?count .
        OPTIONAL {{ ?source <{DCTERMS}date> ?date }}
        OPTIONAL {{ ?source <{DCTERMS}license> ?license }}
        OPTIONAL {{ ?source <{RG}creditLine> ?credit }}
        OPTIONAL {{ ?source <{DCTERMS}description> ?summary }}
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
                       _utc(row["at"]), _count(row["count"]), row["g"], row["summary"])
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

    def _close(self) -> None:
        """Drop every reference to the database: pyoxigraph closes it (and frees its lock) when the last one goes."""
        for engine in self._engines:
            engine.store = None  # type: ignore[assignment]
        self._engines.clear()
        self.store = None  # type: ignore[assignment]
        gc.collect()

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
            finally:
                opened._close()
        finally:
            lock.close()

    @classmethod
    @contextmanager
    def open_for_reading(cls, path: str | os.PathLike[str]) -> Iterator[RoleStore]:
        """Open read-only; if the shipped graph in it is out of date (rolegraph was upgraded), refresh it first."""
        with cls.open(path) as store:
            if store.shipped_is_current():
                yield store
                return
        with cls.open(path, writable=True):
            pass
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

    def engine(self) -> OxigraphEngine:
        """A query engine over the union of the current graphs."""
        engine = OxigraphEngine(self.store, default_graphs=self.current_graphs(), folder=self.path)
        self._engines.append(engine)
        return engine

    # ------------------------------------------------------------------------------------------------------------
    # Writing

    def _require_writable(self) -> None:
        if not self.writable:
            raise StoreError("the store was opened read-only.")

    def _prepare(self) -> None:
        """Drop what failed imports left, and load this version's shipped files if the store has older ones."""
        try:
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

    def _drop_orphans(self) -> None:
        """Drop named graphs under rolegraph's graph base that the registry does not point to (left by a failed or
        killed import)."""
        current = {g.value for g in self.current_graphs()}
        for graph in list(self.store.named_graphs()):
            name = getattr(graph, "value", "")
            if name.startswith(GRAPH_BASE) and name != REGISTRY.value and name not in current:
                self.store.remove_graph(graph)

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
            before = len(self.store)
            self.store.load(source.read_bytes(), format=ox.RdfFormat.TURTLE, to_graph=graph)
            count += len(self.store) - before
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
        return ox.NamedNode(f"{GRAPH_BASE}{key}/{uuid.uuid4().hex}")

    def _switch(self, source: str, graphs: list[ox.NamedNode], count: int, metadata: dict[str, str]) -> None:
        """Point ``source`` at ``graphs`` (one atomic update), then drop the graphs it pointed at before."""
        old = self._commit(source, graphs, count, metadata)
        for name in old:
            self.store.remove_graph(ox.NamedNode(name))

    def _points_at(self, source: str, graph: ox.NamedNode) -> bool:
        """Whether the registry makes ``graph`` the current graph of ``source`` (whether its commit happened)."""
        ask = f"ASK {{ GRAPH <{REGISTRY.value}> {{ <{source}> <{RG}currentGraph> <{graph.value}> }} }}"
        return bool(self.store.query(ask))

    def _commit(self, source: str, graphs: list[ox.NamedNode], count: int, metadata: dict[str, str]) -> list[str]:
        """Point ``source`` at ``graphs`` in one atomic update; returns the graphs it pointed at before (now
        orphans, for the caller to drop)."""
        old = [row["g"].value for row in self._select(
            f"SELECT ?g WHERE {{ GRAPH <{REGISTRY.value}> {{ <{source}> <{RG}currentGraph> ?g }} }}")]  # fmt: skip
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
        ):
            if metadata.get(key):
                facts.append(f"<{source}> <{predicate}> {_literal(metadata[key])}")
        if metadata.get("license"):
            facts.append(f"<{source}> <{DCTERMS}license> <{metadata['license']}>")
        self.store.update(
            f"DELETE WHERE {{ GRAPH <{REGISTRY.value}> {{ <{source}> ?p ?o }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{REGISTRY.value}> {{ {' . '.join(facts)} }} }}"
        )
        return [name for name in old if name not in {graph.value for graph in graphs}]

    def load_source(
        self, source: str, key: str, metadata: dict[str, str], triples: Iterable[tuple[Any, Any, Any]]
    ) -> int:
        """Write ``triples`` (pyoxigraph subject, predicate, object) as the new release of ``source``, then make it
        current; returns how many triples were written. Nothing changes for readers until the commit.

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

        try:
            self.store.bulk_extend(quads())
            self.store.flush()
            replaced = self._commit(source, [graph], written, metadata)
        except BaseException as error:
            if not self._committed_anyway(source, graph):
                self._forget(graph)
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
            for name in replaced:
                self.store.remove_graph(ox.NamedNode(name))
            self.store.flush()
        except OSError as error:
            raise ImportCommittedError(
                f"{self.path}: the import was committed ({written:,} triples of {metadata.get('title') or source}; "
                f"commands read the new release), but finishing up failed ({_why(error)}). Free some disk space: "
                "the release it replaced, if any, is dropped the next time the store is opened for writing."
            ) from None
        return written

    def _committed_anyway(self, source: str, graph: ox.NamedNode) -> bool:
        """After a failure: whether the commit happened all the same (the failure came after it); False if the
        registry cannot be read, as the commit is the registry's update and a store that cannot read it has none."""
        try:
            return self._points_at(source, graph)
        except (OSError, RuntimeError):
            return False

    def _forget(self, graph: ox.NamedNode) -> None:
        """Drop a graph no source points at; if that fails too (a full disk), the next writable open drops it."""
        with contextlib.suppress(OSError):
            self.store.remove_graph(graph)

    def remove_source(self, source: str) -> None:
        """Unload a source (its graph and its registry entry)."""
        self._require_writable()
        if source == SHIPPED:
            raise InputError("the shipped graph cannot be removed.")
        query = f"SELECT ?g WHERE {{ GRAPH <{REGISTRY.value}> {{ <{source}> <{RG}currentGraph> ?g }} }}"
        graphs = [row["g"] for row in self._select(query)]
        self.store.update(f"DELETE WHERE {{ GRAPH <{REGISTRY.value}> {{ <{source}> ?p ?o }} }}")
        for graph in graphs:  # orphans now: a failure here leaves them for the next writable open to drop
            self.store.remove_graph(graph)
