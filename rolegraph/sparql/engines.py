"""Run SPARQL over a graph: on rdflib's own engine or on Oxigraph (pyoxigraph), with the same results.

Both engines run a :class:`~rolegraph.sparql.queries.BoundQuery` (parameters already bound as VALUES blocks) and return
a
:class:`~rolegraph.sparql.results.ResultTable` of rdflib terms.

>>> from rolegraph.model.ontology import load_graph
>>> rdflib_engine = RdflibEngine(load_graph())
>>> oxigraph_engine = OxigraphEngine.from_graph(rdflib_engine.graph)
>>> def labels(engine): return [str(row.label) for row in select(engine, "list-roles")]
>>> labels(rdflib_engine) == labels(oxigraph_engine)
True
"""

from __future__ import annotations

import itertools
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast, runtime_checkable

from ..errors import QueryError
from ..model.terms import XSD_STRING, light_term
from .queries import BoundQuery, NamedQuery, bind
from .results import ResultTable

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.term import Identifier, Node

    Answer = ResultTable | bool | Graph
    """What a query gives: rows (SELECT), a truth value (ASK) or a graph (CONSTRUCT, DESCRIBE)."""

__all__ = ["Answer", "OxigraphEngine", "QueryEngine", "RdflibEngine", "as_engine", "select"]

T = TypeVar("T")


def __getattr__(name: str) -> Any:
    if name == "Answer":  # built on use: it names rdflib's Graph, which the commands that only read rows never import
        from rdflib import Graph

        return ResultTable | bool | Graph
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _is_rdflib_graph(target: object) -> bool:
    module = sys.modules.get("rdflib.graph")  # no rdflib graph exists before rdflib is imported
    return module is not None and isinstance(target, module.Graph)


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
        limit: int | None = None,
    ) -> Answer:
        """Any SELECT, ASK, CONSTRUCT or DESCRIBE query text (checked by the caller for safety); ``default_graphs``
        and ``named_graphs`` (names from :meth:`graph_names`) replace the engine's dataset for this query. With
        ``limit``, at most that many rows (or triples) are read from the engine: ask for one more than you keep to
        know whether the answer was cut. :class:`rolegraph.errors.QueryError` for a query the engine refuses."""

    def graph_names(self) -> list[str]:
        """The named graphs of the engine's dataset (what FROM, FROM NAMED and GRAPH may name)."""


_network = threading.local()  # .allowed: this thread may run SERVICE (set only around an allowed query)


@contextmanager
def _rdflib_network(allowed: bool) -> Iterator[None]:
    """While a query runs on rdflib: FROM / FROM NAMED never load graphs, and SERVICE runs only when ``allowed``."""
    import rdflib.plugins.sparql as rdflib_sparql  # imported here: only the rdflib engine needs it

    _guard_rdflib_service()
    before, previous = rdflib_sparql.SPARQL_LOAD_GRAPHS, getattr(_network, "allowed", False)
    rdflib_sparql.SPARQL_LOAD_GRAPHS = allowed
    _network.allowed = allowed
    try:
        yield None
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = before
        _network.allowed = previous


@lru_cache(maxsize=1)
def _guard_rdflib_service() -> None:
    """Make rdflib's SERVICE refuse to run in any thread that was not allowed the network (a wall that holds even
    if the safety check missed a SERVICE)."""
    from rdflib.plugins.sparql import evaluate

    original = evaluate.evalServiceQuery

    def guarded(ctx: Any, part: Any) -> Any:
        if not getattr(_network, "allowed", False):
            raise QueryError("the query uses SERVICE, which would reach the network; rolegraph refuses that unless "
                             "you pass --allow-network.")  # fmt: skip
        return original(ctx, part)

    evaluate.evalServiceQuery = guarded


@lru_cache(maxsize=1)
def _prefixes() -> dict[str, str]:
    """:func:`rolegraph.sparql.safety.predeclared`, without importing the safety check (rdflib's SPARQL grammar, 0.2 s)
    where no user query is checked."""
    from ..model.iris import PREFIX_IRIS

    return dict(PREFIX_IRIS)


def _sandboxed(
    function: Callable[..., T], *args: Any, allow_network: bool, write: Sequence[Path] = (), files: bool = True
) -> T:
    """``function(*args)`` in the sandbox thread (no network; no files but rolegraph's and ``write``, unless
    ``files`` is false), or here when the user allowed the network."""
    if allow_network:
        return function(*args)
    from .sandbox import shared_sandbox

    return shared_sandbox(write, files).run(function, *args)


_WALLED = ("the query tried to reach the network or a file, which rolegraph does not allow here; pass "
           "--allow-network to let SERVICE and FROM through.")  # fmt: skip


_OXIGRAPH_POSITION = re.compile(r"error at (\d+):(\d+): expected (?:one of )?(.*)", re.DOTALL)
_SENTENCE = re.compile(r"[A-Z][A-Za-z]+(?: [^,\[\]\"'{}]+)+")
_RDFLIB_HINTS = {
    "'NoneType' object is not iterable": "rdflib cannot run DESCRIBE *; name what to describe (DESCRIBE ?s WHERE "
    "{ ... } or DESCRIBE <iri>)",
    "requiring a dataset": "the built-in graph has no named graphs, so GRAPH has nothing to match; import releases "
    "into a store (rolegraph import) to query their graphs",
}


def _query_error(engine: str, error: BaseException, text: str) -> QueryError:
    """A user's query that an engine refused or failed on, as a clear error: the engine's words made readable, with
    the line and column (and the line itself) when the engine gives a position."""
    message = str(error).strip() or type(error).__name__
    if isinstance(error, RecursionError):
        return QueryError(f"the query nests too deeply for {engine}; simplify it.")
    if isinstance(error, re.error):
        return QueryError(f"the query cannot run on {engine}: a regular expression is not valid ({message}).")
    for clue, hint in _RDFLIB_HINTS.items():
        if clue in message:
            return QueryError(f"the query cannot run on {engine}: {hint}.")
    found = _OXIGRAPH_POSITION.match(message)
    if found:
        line, column = int(found.group(1)), int(found.group(2))
        sentences = _SENTENCE.findall(found.group(3))
        detail = (
            "; ".join(dict.fromkeys(s.strip() for s in sentences))
            if sentences
            else ("unexpected text here (expected " + found.group(3)[:120].rstrip() + ")")
        )
        lines = text.split("\n")
        shown = lines[line - 1] if 0 < line <= len(lines) else ""
        pointer = f"\n  {shown}\n  {' ' * (column - 1)}^" if shown.strip() and len(shown) <= 200 else ""
        return QueryError(f"query:{line}:{column}: SPARQL syntax error ({engine}): {detail}.{pointer}")
    return QueryError(f"the query cannot run on {engine}: {message.rstrip('.')}.")


@lru_cache(maxsize=256)
def _prepare(text: str) -> Query:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def _rdflib_answer(result: object, limit: int | None = None) -> Answer:
    from rdflib import Graph

    kind = getattr(result, "type", None)
    if kind == "SELECT":
        variables = tuple(str(v) for v in (result.vars or []))  # type: ignore[attr-defined]
        rows = tuple(tuple(row) for row in itertools.islice(result, limit))  # type: ignore[call-overload]
        return ResultTable(variables, rows)
    if kind == "ASK":
        return bool(result.askAnswer)  # type: ignore[attr-defined]
    graph = Graph()
    for triple in result.graph or ():  # type: ignore[attr-defined]
        graph.add(triple)
        if limit is not None and len(graph) >= limit:
            break
    return graph


class RdflibEngine:
    """rdflib's SPARQL engine over an in-memory rdflib graph."""

    name = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def _run(self, text: str | Query, allow_network: bool, limit: int | None) -> Answer:
        with _rdflib_network(allow_network):
            if isinstance(text, str):
                return _rdflib_answer(self.graph.query(text, initNs=_prefixes()), limit)
            return _rdflib_answer(self.graph.query(text), limit)

    def select(self, query: BoundQuery, limit: int | None = None) -> ResultTable:
        answer = _sandboxed(self._run, _prepare(query.text), False, limit, allow_network=False)
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
        limit: int | None = None,
    ) -> Answer:
        if default_graphs or named_graphs:
            raise QueryError("the in-memory graph has no named graphs; query it without FROM or a dataset.")
        try:
            return _sandboxed(self._run, text, allow_network, limit, allow_network=allow_network)
        except (QueryError, MemoryError, KeyboardInterrupt):
            raise
        except PermissionError:
            if allow_network:
                raise
            raise QueryError(_WALLED) from None
        except OSError:
            raise  # the network or a file, reached with --allow-network: the caller says what failed
        except Exception as error:  # rdflib raises bare Exception, ValueError, re.error, ... for a bad query
            raise _query_error("rdflib", error, text) from None

    def graph_names(self) -> list[str]:
        return []


def to_oxigraph(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

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
    from rdflib import BNode, Literal, URIRef

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
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unexpected Oxigraph term {term!r}")


def _converter() -> Callable[[object], Identifier | None]:
    """:func:`from_oxigraph` that builds each distinct literal once (a listing repeats its counts, flags and
    kinds in every row, and building an rdflib literal costs more than the engine's own work for it)."""
    import pyoxigraph as ox

    seen: dict[object, Identifier | None] = {}

    def convert(term: object) -> Identifier | None:
        if not isinstance(term, ox.Literal):
            return from_oxigraph(term)
        found = seen.get(term)
        if found is None:
            found = seen[term] = from_oxigraph(term)
        return found

    return convert


class OxigraphEngine:
    """Oxigraph's SPARQL engine over a pyoxigraph store (in memory or on disk)."""

    name = "oxigraph"

    def __init__(
        self,
        store: ox.Store,
        default_graphs: Sequence[Any] | None = None,
        folder: str | Path | None = None,
        *,
        in_memory: bool = False,
        named_graphs: Sequence[Any] | None = None,
    ) -> None:
        self.store = store
        self.default_graphs = list(default_graphs) if default_graphs is not None else None
        """The named graphs whose union queries read as their default graph; None: the store's default graph."""
        self.named_graphs = list(named_graphs) if named_graphs is not None else self.default_graphs
        """The named graphs ``GRAPH ?g`` sees; None: every named graph of the store."""
        self.folder = Path(folder) if folder is not None else None
        """Where the store lives on disk (the only files a sandboxed query may touch)."""
        # A store on disk reads its files as it needs them: queries are walled off from files only where the
        # store's folder is known (or it has none); the network wall holds either way.
        self._files_walled = self.folder is not None or in_memory
        self.light_terms = False
        """SELECT rows hold :mod:`rolegraph.model.terms` terms instead of rdflib's (for code that never imports
        rdflib)."""

    @classmethod
    def from_graph(cls, graph: Graph) -> OxigraphEngine:
        """An in-memory Oxigraph store holding the triples of an rdflib graph."""
        import pyoxigraph as ox

        store = ox.Store()
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return cls(store, in_memory=True)

    def _answer(
        self,
        text: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> Answer:
        import pyoxigraph as ox

        prefixes = _prefixes()  # the same predeclared prefixes as on rdflib, so a query means the same on both
        if default_graphs is not None or named_graphs is not None:
            defaults: list[Any] = [ox.NamedNode(g) for g in default_graphs or ()]
            result = self.store.query(
                text,
                prefixes=prefixes,
                default_graph=defaults or ox.DefaultGraph(),  # an empty list would mean "the store's default graph"
                named_graphs=[ox.NamedNode(g) for g in named_graphs or ()],
            )
        elif self.default_graphs is None and self.named_graphs is None:
            result = self.store.query(text, prefixes=prefixes)
        else:
            result = self.store.query(
                text,
                prefixes=prefixes,
                default_graph=ox.DefaultGraph() if self.default_graphs is None else self.default_graphs,
                named_graphs=self.named_graphs,
            )
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            # Rows past the limit are not converted to rdflib terms (that conversion costs more than the query's
            # own work when a ranking returns thousands of rows).
            solutions = result if limit is None else itertools.islice(result, limit)
            convert: Callable[[Any], Any] = light_term if self.light_terms else _converter()
            rows = tuple(tuple(convert(solution[i]) for i in range(len(variables))) for solution in solutions)
            return ResultTable(variables, rows)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        from rdflib import Graph

        graph = Graph()
        for triple in result:
            terms = (from_oxigraph(triple.subject), from_oxigraph(triple.predicate), from_oxigraph(triple.object))
            graph.add(terms)  # type: ignore[arg-type]  # a triple's terms are never None
            if limit is not None and len(graph) >= limit:  # distinct triples: a CONSTRUCT repeats some
                break
        return graph

    def _sandboxed(self, allow_network: bool, *args: Any) -> Answer:
        folders = [self.folder] if self.folder is not None else []
        return _sandboxed(self._answer, *args, allow_network=allow_network, write=folders, files=self._files_walled)

    def select(self, query: BoundQuery, limit: int | None = None) -> ResultTable:
        if (indexed := self._from_index(query, limit)) is not None:
            return indexed
        answer = self._sandboxed(False, query.text, None, None, limit)
        if not isinstance(answer, ResultTable):
            raise TypeError(f"query {query.query.name!r} is not a SELECT query")
        return answer

    def _from_index(self, query: BoundQuery, limit: int | None) -> ResultTable | None:
        """The answer of a shipped query that a store's index or kept answers give, with the query's own rows and
        order (see :mod:`rolegraph.sparql.linkindex` and :mod:`rolegraph.sparql.answercache`); None where the query must
        run."""
        if self.folder is None or not self.named_graphs:
            return None
        from .answercache import CACHED, answer
        from .queries import get_query

        if query.query.name not in CACHED | {"rank-similar-roles"} or query.query != get_query(query.query.name):
            return None
        if query.query.name in CACHED:
            graphs = [str(getattr(g, "value", g)) for g in self.named_graphs]
            run = lambda: self._sandboxed(False, query.text, None, None)  # noqa: E731
            return answer(self.folder, graphs, query, limit, run, self.light_terms)
        if set(query.values) != {"role"}:
            return None
        from .linkindex import rank_similar

        return rank_similar(self, query.values["role"][0], limit)

    def solutions(self, text: str) -> Iterator[Any]:
        """The solutions (pyoxigraph terms, by position) of a SELECT query rolegraph itself writes, over the engine's
        dataset; never a user's query (it does not run in the sandbox)."""
        import pyoxigraph as ox

        if self.default_graphs is None and self.named_graphs is None:
            result = self.store.query(text)
        else:
            default: Any = ox.DefaultGraph() if self.default_graphs is None else self.default_graphs
            result = self.store.query(text, default_graph=default, named_graphs=self.named_graphs)
        assert isinstance(result, ox.QuerySolutions)
        width = len(result.variables)
        for solution in result:
            yield tuple(solution[i] for i in range(width))

    def execute(
        self,
        text: str,
        *,
        allow_network: bool = False,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> Answer:
        try:
            return self._sandboxed(allow_network, text, default_graphs, named_graphs, limit)
        except (SyntaxError, ValueError, RuntimeError, TypeError, OverflowError, RecursionError) as error:
            raise _query_error("Oxigraph", error, text) from None
        except PermissionError:
            if allow_network:
                raise
            raise QueryError(_WALLED) from None

    def graph_names(self) -> list[str]:
        if self.named_graphs is not None:
            return [g.value for g in self.named_graphs]
        return [g.value for g in self.store.named_graphs() if hasattr(g, "value")]


def as_engine(target: Graph | QueryEngine) -> QueryEngine:
    """An engine for ``target``: an rdflib graph gets rdflib's engine; an engine is returned as it is."""
    if _is_rdflib_graph(target):
        return RdflibEngine(cast("Graph", target))
    return cast(QueryEngine, target)


def select(
    target: Graph | QueryEngine,
    query: str | NamedQuery,
    values: Mapping[str, Identifier | Sequence[Identifier]] | None = None,
    *,
    limit: int | None = None,
) -> ResultTable:
    """Run the named SELECT ``query`` with ``values`` bound (see :func:`rolegraph.sparql.queries.bind`); with ``limit``,
    only its first rows."""
    return as_engine(target).select(bind(query, values), limit)
