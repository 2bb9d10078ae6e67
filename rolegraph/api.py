"""The Python API: :func:`load` gives a :class:`RoleGraph`, the graph plus the questions rolegraph answers.

>>> import rolegraph
>>> g = rolegraph.load()
>>> [r.label for r in g.roles()]
['Producer', 'Production Manager']
>>> comparison = g.compare("Production Manager", "Producer")
>>> [n.label for n in comparison.category("certifications").shared]
['IABC communication certification', 'PMI project management certification']
>>> [str(row.skillLabel) for row in g.query("shared-skills", a="Producer", b="Production Manager")]
['Communication', 'Organisation']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from types import TracebackType
from typing import TYPE_CHECKING

from .compare.comparison import Comparison, compare_roles
from .compare.parameters import Raw, coerce_values
from .compare.profile import RoleProfile, role_profile
from .compare.roles import RoleSummary, choose_with_others, find_roles, list_roles
from .sparql.engines import OxigraphEngine, QueryEngine, RdflibEngine
from .sparql.queries import bind, get_query
from .sparql.results import ResultTable

if TYPE_CHECKING:  # rdflib is imported where it is used: the commands that only read rows never import it
    from rdflib import Graph, URIRef

    from .compare.moves import Gap, Moves
    from .compare.similarity import Similarity
    from .sparql.engines import Answer

__all__ = ["RoleGraph", "StoreGraph", "load", "open_store"]


class RoleGraph:
    """The engine that holds rolegraph's data, and the questions over it. Made by :func:`load` (the shipped graph
    in memory) or :func:`open_store` (a persistent store with imported releases).

    ``notes``, when set, is called with a line of text each time a name also matches roles other than the one it
    is taken to mean (the command line prints these on stderr)."""

    def __init__(
        self, engine: QueryEngine, rdf: Graph | None = None, *, load_rdf: Callable[[], Graph] | None = None
    ) -> None:
        self.engine = engine
        self._rdf = rdf
        self._load_rdf = load_rdf
        self.notes: Callable[[str], None] | None = None

    @property
    def rdf(self) -> Graph:
        """The data as an rdflib graph (for a store, a copy of every current graph: large after imports)."""
        if self._rdf is None:
            if self._load_rdf is not None:
                self._rdf = self._load_rdf()
            else:
                from rdflib import Graph

                answer = self.engine.execute("CONSTRUCT WHERE { ?s ?p ?o }")
                assert isinstance(answer, Graph)
                self._rdf = answer
        return self._rdf

    def roles(self, *, profiled_only: bool = True) -> list[RoleSummary]:
        """The roles, sorted by label: those with a profile, or every role named when ``profiled_only`` is false."""
        return list_roles(self.engine, profiled_only=profiled_only)

    def resolve(self, name: str) -> URIRef:
        """The IRI of the role ``name`` means (label, alternative label, code, IRI or local name, any case), by
        :data:`rolegraph.compare.roles.RESOLUTION_RULE`; raises :class:`rolegraph.compare.roles.AmbiguousRoleError` when
        roles tie, :class:`rolegraph.errors.UnknownRoleError` (with close names) when none matches."""
        resolution = choose_with_others(self.engine, name, find_roles(self.engine, name))
        if self.notes is not None and (note := resolution.note()) is not None:
            self.notes(note)
        return resolution.role.iri

    def profile(self, name: str) -> RoleProfile:
        """Everything the graph links to the role ``name``, with citations."""
        return role_profile(self.engine, self.resolve(name))

    def compare(self, *names: str) -> Comparison:
        """Compare two or more roles by name: shared and unique nodes per category, with Jaccard similarities."""
        return compare_roles(self.engine, [self.resolve(name) for name in names])

    def similar(self, name: str, limit: int | None = 10) -> list[Similarity]:
        """The roles most similar to ``name``, best first, with the shared nodes behind each rank."""
        from .compare.similarity import similar_roles

        return similar_roles(self.engine, self.resolve(name), limit)

    def gap(self, origin: str, destination: str) -> Gap:
        """What carries over from role ``origin`` to role ``destination`` (names) and what is missing, heaviest
        first, with both roles' job zone, education and pay; displays itself in Jupyter."""
        from .compare.moves import role_gap

        if (start := self.resolve(origin)) == (end := self.resolve(destination)):
            from .errors import InputError

            raise InputError(f"{origin!r} and {destination!r} are one role <{start}>: give two different roles.")
        return role_gap(self.engine, start, end)

    def moves(self, origin: str, *, top: int = 10, source: str | None = None, unlocks: int = 0) -> Moves:
        """Where role ``origin`` can lead: viable destinations best first (of ``source`` only, when given: "esco",
        "onet" or "rolegraph"), those left out with the reason, and with ``unlocks`` that many skills whose
        learning would open more moves; displays itself in Jupyter."""
        from .compare.moves import role_moves

        return role_moves(self.engine, self.resolve(origin), top=top, source=source, unlocks=unlocks)

    def query(self, name: str, /, **params: Raw) -> ResultTable:
        """Run the named query ``name`` from ``queries/``; role parameters take names, list parameters lists."""
        named = get_query(name)
        return self.engine.select(bind(named, coerce_values(self.engine, named, params)))

    def sparql(
        self, text: str, *, allow_network: bool = False, limit: int | None = None, source: str = "query"
    ) -> Answer:
        """Run any SELECT, ASK, CONSTRUCT or DESCRIBE (at most ``limit`` rows or triples when given). SERVICE and
        FROM are refused unless ``allow_network``, and without it the query runs where it cannot open a network
        connection or a file (see :mod:`rolegraph.sparql.sandbox`). Raises :class:`rolegraph.errors.InputError` for a
        query that does not parse, is refused or cannot run; positions in its message are given as
        ``source:line:column``."""
        from .errors import QueryError
        from .sparql.safety import check_query

        checked = check_query(text, allow_network=allow_network, own_graphs=self.engine.graph_names(), source=source)
        dataset: dict[str, list[str]] = {}
        if checked.from_graphs or checked.from_named_graphs:
            dataset = {"default_graphs": list(checked.from_graphs), "named_graphs": list(checked.from_named_graphs)}
        if allow_network and dataset:
            dataset = {}  # the engine reads FROM itself (and may fetch it)
        try:
            return self.engine.execute(checked.text, allow_network=allow_network, limit=limit, **dataset)
        except QueryError as error:
            message = str(error)
            if source != "query" and message.startswith("query:"):
                raise QueryError(source + message[len("query") :]) from None
            raise

    def __repr__(self) -> str:
        return f"<RoleGraph: {len(self.roles())} profiled roles, {self.engine.name} engine>"


def load(extra: Iterable[str | os.PathLike[str]] = (), *, engine: str = "rdflib") -> RoleGraph:
    """The shipped graph (vocabulary, data, links) plus any ``extra`` Turtle or N-Triples files, in memory.

    ``engine`` is ``"rdflib"`` (rdflib's graph and SPARQL engine; :attr:`RoleGraph.rdf` is the very graph queried)
    or ``"oxigraph"`` (an in-memory Oxigraph store: much faster to load and query, the same answers; ``rdf`` is then
    read on first use). The command line uses Oxigraph.

    >>> fast = load(engine="oxigraph")
    >>> fast.engine.name, [r.label for r in fast.roles()]
    ('oxigraph', ['Producer', 'Production Manager'])
    """
    if engine == "rdflib":
        from .model.ontology import load_graph

        graph = load_graph(extra)
        return RoleGraph(RdflibEngine(graph), graph)
    if engine != "oxigraph":
        raise ValueError(f"unknown engine {engine!r}: give 'rdflib' or 'oxigraph'")
    files = list(extra)
    if not files:
        from .model.shipped import load_store

        return RoleGraph(OxigraphEngine(load_store(), in_memory=True), load_rdf=_shipped_graph)
    from .model.ontology import load_graph

    graph = load_graph(files)  # extra files are checked as rdflib reads them (positions, IRIs, sizes)
    return RoleGraph(OxigraphEngine.from_graph(graph), graph)


def _shipped_graph() -> Graph:
    from .model.ontology import load_graph

    return load_graph()


class StoreGraph(RoleGraph):
    """A :class:`RoleGraph` over a persistent store, which it holds open (read-only, sharing it with other readers)
    until :meth:`close`. It is its own context manager: ``with rolegraph.open_store(path) as g:`` closes it at the
    end of the block."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        from .store.database import RoleStore

        self._stack = ExitStack()
        store = self._stack.enter_context(RoleStore.open_for_reading(path))
        try:
            super().__init__(store.engine())
        except BaseException:
            self._stack.close()
            raise

    def close(self) -> None:
        """Release the store (the graph cannot be queried afterwards). Closing twice is harmless."""
        self._stack.close()

    def __enter__(self) -> StoreGraph:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def open_store(path: str | os.PathLike[str] | None = None) -> StoreGraph:
    """The graph of a persistent store (default: :func:`rolegraph.store.database.default_store_path`), read-only: a
    :class:`RoleGraph` (the same methods as :func:`load` gives) that holds the store open until it is closed. Use it
    in a with-block, which closes it, or call ``close()``.

    >>> import tempfile, rolegraph
    >>> from rolegraph.store.database import RoleStore
    >>> folder = tempfile.mkdtemp()
    >>> with RoleStore.open(folder, writable=True):
    ...     pass
    >>> with rolegraph.open_store(folder) as g:
    ...     [r.label for r in g.roles()]
    ['Producer', 'Production Manager']
    >>> g = rolegraph.open_store(folder)
    >>> g.resolve("Producer") == rolegraph.load().resolve("Producer")
    True
    >>> g.close()
    """
    from .store.database import default_store_path

    return StoreGraph(path or default_store_path())
