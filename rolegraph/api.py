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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from rdflib import Graph, URIRef

from .compare import Comparison, compare_roles
from .engines import Answer, QueryEngine, RdflibEngine
from .ontology import load_graph
from .parameters import Raw, coerce_values
from .profile import RoleProfile, role_profile
from .queries import bind, get_query
from .results import ResultTable
from .roles import RoleSummary, list_roles, resolve_role
from .similarity import Similarity, similar_roles

__all__ = ["RoleGraph", "load", "open_store"]


class RoleGraph:
    """The engine that holds rolegraph's data, and the questions over it. Made by :func:`load` (the shipped graph
    in memory) or :func:`open_store` (a persistent store with imported releases)."""

    def __init__(self, engine: QueryEngine, rdf: Graph | None = None) -> None:
        self.engine = engine
        self._rdf = rdf

    @property
    def rdf(self) -> Graph:
        """The data as an rdflib graph (for a store, a copy of every current graph: large after imports)."""
        if self._rdf is None:
            answer = self.engine.execute("CONSTRUCT WHERE { ?s ?p ?o }")
            assert isinstance(answer, Graph)
            self._rdf = answer
        return self._rdf

    def roles(self, *, profiled_only: bool = True) -> list[RoleSummary]:
        """The roles, sorted by label: those with a profile, or every role named when ``profiled_only`` is false."""
        return list_roles(self.engine, profiled_only=profiled_only)

    def resolve(self, name: str) -> URIRef:
        """The IRI of the role ``name`` means (label, alternative label, IRI or local name, any case)."""
        return resolve_role(self.engine, name)

    def profile(self, name: str) -> RoleProfile:
        """Everything the graph links to the role ``name``, with citations."""
        return role_profile(self.engine, self.resolve(name))

    def compare(self, *names: str) -> Comparison:
        """Compare two or more roles by name: shared and unique nodes per category, with Jaccard similarities."""
        return compare_roles(self.engine, [self.resolve(name) for name in names])

    def similar(self, name: str, limit: int | None = 10) -> list[Similarity]:
        """The roles most similar to ``name``, best first, with the shared nodes behind each rank."""
        return similar_roles(self.engine, self.resolve(name), limit)

    def query(self, name: str, /, **params: Raw) -> ResultTable:
        """Run the named query ``name`` from ``queries/``; role parameters take names, list parameters lists."""
        named = get_query(name)
        return self.engine.select(bind(named, coerce_values(self.engine, named, params)))

    def sparql(
        self, text: str, *, allow_network: bool = False, limit: int | None = None, source: str = "query"
    ) -> Answer:
        """Run any SELECT, ASK, CONSTRUCT or DESCRIBE (at most ``limit`` rows or triples when given). SERVICE and
        FROM are refused unless ``allow_network``, and without it the query runs where it cannot open a network
        connection or a file (see :mod:`rolegraph.sandbox`). Raises :class:`rolegraph.errors.InputError` for a
        query that does not parse, is refused or cannot run; positions in its message are given as
        ``source:line:column``."""
        from .errors import QueryError
        from .safety import check_query

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


def load(extra: Iterable[str | os.PathLike[str]] = ()) -> RoleGraph:
    """The shipped graph (vocabulary, data, links) plus any ``extra`` Turtle or N-Triples files, in memory."""
    graph = load_graph(extra)
    return RoleGraph(RdflibEngine(graph), graph)


@contextmanager
def open_store(path: str | os.PathLike[str] | None = None) -> Iterator[RoleGraph]:
    """The graph of a persistent store (default: :func:`rolegraph.store.default_store_path`), read-only, for the
    duration of the with-block.

    >>> import tempfile, rolegraph
    >>> from rolegraph.store import RoleStore
    >>> folder = tempfile.mkdtemp()
    >>> with RoleStore.open(folder, writable=True):
    ...     pass
    >>> with rolegraph.open_store(folder) as g:
    ...     [r.label for r in g.roles()]
    ['Producer', 'Production Manager']
    """
    from .store import RoleStore, default_store_path

    with RoleStore.open(path or default_store_path()) as store:
        yield RoleGraph(store.engine())
