"""Run SPARQL over a graph: on rdflib's own engine or on Oxigraph (pyoxigraph), with the same results.

Both engines run a :class:`~rolegraph.queries.BoundQuery` (parameters already bound as VALUES blocks) and return a
:class:`~rolegraph.results.ResultTable` of rdflib terms.

>>> from rolegraph.ontology import load_graph
>>> rdflib_engine = RdflibEngine(load_graph())
>>> oxigraph_engine = OxigraphEngine.from_graph(rdflib_engine.graph)
>>> def labels(engine): return [str(row.label) for row in select(engine, "list-roles")]
>>> labels(rdflib_engine) == labels(oxigraph_engine)
True
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier, Node

from .queries import BoundQuery, NamedQuery, bind
from .results import ResultTable

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib.plugins.sparql.sparql import Query

__all__ = ["Answer", "OxigraphEngine", "QueryEngine", "RdflibEngine", "as_engine", "select"]

Answer = ResultTable | bool | Graph
"""What a query gives: rows (SELECT), a truth value (ASK) or a graph (CONSTRUCT, DESCRIBE)."""


@runtime_checkable
class QueryEngine(Protocol):
    """Something that answers SPARQL queries over rolegraph's data."""

    name: str

    def select(self, query: BoundQuery, limit: int | None = None) -> ResultTable:
        """The rows of a bound named SELECT query (only the first ``limit`` of them, when given)."""

    def execute(
        self,
        text: str,
        *,
        allow_network: bool = False,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> Answer:
        """Any SELECT, ASK, CONSTRUCT or DESCRIBE query text (checked by the caller for safety); ``default_graphs``
        and ``named_graphs`` (names from :meth:`graph_names`) replace the engine's dataset for this query."""

    def graph_names(self) -> list[str]:
        """The named graphs of the engine's dataset (what FROM, FROM NAMED and GRAPH may name)."""


@contextmanager
def _no_graph_loading() -> Iterator[None]:
    """Stop rdflib from fetching FROM / FROM NAMED graphs over the network or from files while a query runs."""
    import rdflib.plugins.sparql as rdflib_sparql  # imported here: only the rdflib engine needs it

    before = rdflib_sparql.SPARQL_LOAD_GRAPHS
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    try:
        yield None
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = before


@lru_cache(maxsize=256)
def _prepare(text: str) -> Query:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def _rdflib_answer(result: object) -> Answer:
    kind = getattr(result, "type", None)
    if kind == "SELECT":
        variables = tuple(str(v) for v in (result.vars or []))  # type: ignore[attr-defined]
        rows = tuple(tuple(row) for row in result)  # type: ignore[attr-defined]
        return ResultTable(variables, rows)
    if kind == "ASK":
        return bool(result.askAnswer)  # type: ignore[attr-defined]
    graph = Graph()
    for triple in result.graph or ():  # type: ignore[attr-defined]
        graph.add(triple)
    return graph


class RdflibEngine:
    """rdflib's SPARQL engine over an in-memory rdflib graph."""

    name = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def select(self, query: BoundQuery, limit: int | None = None) -> ResultTable:
        with _no_graph_loading():
            answer = _rdflib_answer(self.graph.query(_prepare(query.text)))
        if not isinstance(answer, ResultTable):
            raise TypeError(f"query {query.query.name!r} is not a SELECT query")
        return answer if limit is None else ResultTable(answer.variables, answer.rows[:limit])

    def execute(
        self,
        text: str,
        *,
        allow_network: bool = False,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> Answer:
        if default_graphs or named_graphs:
            raise ValueError("the in-memory graph has no named graphs")
        if allow_network:
            return _rdflib_answer(self.graph.query(text))
        with _no_graph_loading():
            return _rdflib_answer(self.graph.query(text))

    def graph_names(self) -> list[str]:
        return []


def to_oxigraph(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"cannot convert {term!r} to an Oxigraph term")


def from_oxigraph(term: object) -> Identifier | None:
    """A pyoxigraph term as an rdflib term (xsd:string literals become plain literals, as rdflib writes them)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == str(XSD.string) else Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unexpected Oxigraph term {term!r}")


class OxigraphEngine:
    """Oxigraph's SPARQL engine over a pyoxigraph store (in memory or on disk)."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, default_graphs: Sequence[Any] | None = None) -> None:
        self.store = store
        self.default_graphs = list(default_graphs) if default_graphs is not None else None

    @classmethod
    def from_graph(cls, graph: Graph) -> OxigraphEngine:
        """An in-memory Oxigraph store holding the triples of an rdflib graph."""
        import pyoxigraph as ox

        store = ox.Store()
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return cls(store)

    def _answer(
        self,
        text: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> Answer:
        import pyoxigraph as ox

        if default_graphs is not None or named_graphs is not None:
            defaults: list[Any] = [ox.NamedNode(g) for g in default_graphs or ()]
            result = self.store.query(
                text,
                default_graph=defaults or ox.DefaultGraph(),  # an empty list would mean "the store's default graph"
                named_graphs=[ox.NamedNode(g) for g in named_graphs or ()],
            )
        elif self.default_graphs is None:
            result = self.store.query(text)
        else:
            result = self.store.query(text, default_graph=self.default_graphs, named_graphs=self.default_graphs)
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            # Rows past the limit are not converted to rdflib terms (that conversion costs more than the query's
            # own work when a ranking returns thousands of rows).
            solutions = result if limit is None else itertools.islice(result, limit)
            rows = tuple(tuple(from_oxigraph(solution[i]) for i in range(len(variables))) for solution in solutions)
            return ResultTable(variables, rows)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        graph = Graph()
        for triple in result:
            terms = (from_oxigraph(triple.subject), from_oxigraph(triple.predicate), from_oxigraph(triple.object))
            graph.add(terms)  # type: ignore[arg-type]  # a triple's terms are never None
        return graph

    def select(self, query: BoundQuery, limit: int | None = None) -> ResultTable:
        answer = self._answer(query.text, limit=limit)
        if not isinstance(answer, ResultTable):
            raise TypeError(f"query {query.query.name!r} is not a SELECT query")
        return answer

    def execute(
        self,
        text: str,
        *,
        allow_network: bool = False,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> Answer:
        return self._answer(text, default_graphs, named_graphs)

    def graph_names(self) -> list[str]:
        if self.default_graphs is not None:
            return [g.value for g in self.default_graphs]
        return [g.value for g in self.store.named_graphs() if hasattr(g, "value")]


def as_engine(target: Graph | QueryEngine) -> QueryEngine:
    """An engine for ``target``: an rdflib graph gets rdflib's engine; an engine is returned as it is."""
    if isinstance(target, Graph):
        return RdflibEngine(target)
    return target


def select(
    target: Graph | QueryEngine,
    query: str | NamedQuery,
    values: Mapping[str, Identifier | Sequence[Identifier]] | None = None,
    *,
    limit: int | None = None,
) -> ResultTable:
    """Run the named SELECT ``query`` with ``values`` bound (see :func:`rolegraph.queries.bind`); with ``limit``,
    only its first rows."""
    return as_engine(target).select(bind(query, values), limit)
