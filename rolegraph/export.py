"""Serialise a graph or a store as Turtle, N-Triples or JSON-LD, byte for byte the same for the same triples.

Two writers:

- :func:`serialize`, for rolegraph's built-in graph in memory: rdflib's layout (blank nodes inline in Turtle),
  canonical blank-node labels from :mod:`rdflib.compare` and sorted triples. Its bytes are stable from release to
  release; the canonicalisation grows much faster than the graph, so it is for small graphs only.
- :func:`write_triples` (and :func:`write_engine`, :func:`write_graph` around it), for everything that may be large:
  a store, ``--data`` files, a CONSTRUCT answer. It streams: triples are sorted as N-Triples lines in pieces of
  bounded size (spilled to temporary files and merged), duplicates dropped, and blank nodes get the canonical labels
  of RDF Dataset Canonicalization (RDFC-1.0, ``c14n0``, ``c14n1``, ...). N-Triples are those sorted lines; Turtle
  groups them by subject with rolegraph's prefixes; JSON-LD is the expanded form, one object per subject. Control
  characters, line separators and bidirectional overrides in strings and IRIs are written as ``\\uXXXX`` escapes.

RDFC-1.0 hashes only the triples that mention a blank node, so only those are canonicalised (held in memory): the
labels are the ones canonicalising the whole graph would give.
"""

from __future__ import annotations

import codecs
import heapq
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, BinaryIO

import pyoxigraph as ox

from .errors import InputError, OutputError
from .model.iris import PREFIX_IRIS
from .sparql.results import json_text

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "CHUNK_LINES",
    "EXPORT_FORMATS",
    "PROGRESS_EVERY",
    "serialize",
    "write_engine",
    "write_graph",
    "write_triples",
]

EXPORT_FORMATS: dict[str, str] = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
"""Export format names (as the CLI takes them) and the rdflib serialiser each uses."""

_OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}

CHUNK_LINES = 200_000
"""Lines sorted in memory at a time (about 40 MB for a store's triples); more are spilled to temporary files."""

PROGRESS_EVERY = 500_000
"""How many triples pass between two progress reports, by default."""

Progress = Callable[[str, int], None]
"""Called with a phase ("read", then "written") and the number of triples so far."""

Triple = tuple[Any, Any, Any]
"""A triple of pyoxigraph terms (subject, predicate, object)."""


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}.")


def _canonical(graph: Graph) -> Graph:
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    from .model.namespaces import bind_prefixes

    ordered = bind_prefixes(Graph())
    for prefix, namespace in graph.namespace_manager.namespaces():
        ordered.bind(prefix, namespace, override=False)
    for triple in sorted(to_canonical_graph(graph)):
        ordered.add(triple)
    return ordered


def serialize(graph: Graph, fmt: str) -> bytes:
    """``graph`` in format ``fmt`` (a key of :data:`EXPORT_FORMATS`) as UTF-8 bytes, in rdflib's layout (for small
    graphs: see the module's notes).

    >>> from rdflib import Graph, Literal, URIRef
    >>> g = Graph(); _ = g.add((URIRef("http://example.org/a"), URIRef("http://example.org/b"), Literal("c")))
    >>> serialize(g, "nt")
    b'<http://example.org/a> <http://example.org/b> "c" .\\n'
    """
    _check_format(fmt)
    canonical = _canonical(graph)
    if fmt == "nt":
        lines = canonical.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    if fmt == "jsonld":
        document = json.loads(canonical.serialize(format="json-ld", encoding="utf-8"))
        return (json_text(_sorted_jsonld(document), indent=2, sort_keys=True) + "\n").encode()
    return canonical.serialize(format=EXPORT_FORMATS[fmt], encoding="utf-8")


def _sorted_jsonld(value: Any, ordered: bool = False) -> Any:
    """JSON-LD with its unordered arrays sorted (``@list`` arrays keep their order: they are RDF lists)."""
    if isinstance(value, dict):
        return {key: _sorted_jsonld(item, ordered=(key == "@list")) for key, item in value.items()}
    if isinstance(value, list):
        items = [_sorted_jsonld(item) for item in value]
        return items if ordered else sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


# -- the streaming writer ----------------------------------------------------------------------------------------


def _mentions_blank(term: Any) -> bool:
    if isinstance(term, ox.BlankNode):
        return True
    if isinstance(term, ox.Triple):  # an RDF 1.2 triple term
        return any(_mentions_blank(part) for part in (term.subject, term.predicate, term.object))
    return False


class _SortedLines:
    """N-Triples lines sorted and without repeats, in bounded memory: pieces of :data:`CHUNK_LINES` lines are
    sorted and spilled to files in ``folder``, then merged."""

    def __init__(self, stack: ExitStack, chunk: int) -> None:
        self._stack = stack
        self._chunk = chunk
        self._lines: list[str] = []
        self._files: list[BinaryIO] = []
        self._folder: str | None = None

    def add(self, line: str) -> None:
        self._lines.append(line)
        if len(self._lines) >= self._chunk:
            self._spill()

    def _spill(self) -> None:
        import tempfile  # imported where used: only a large export spills to disk

        self._lines.sort()
        try:
            if self._folder is None:
                self._folder = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="rolegraph-export-"))
            name = os.path.join(self._folder, f"{len(self._files)}.nt")
            spill = self._stack.enter_context(open(name, "w+b"))  # noqa: SIM115 - closed by the stack
            spill.write("".join(self._lines).encode("utf-8"))
            spill.seek(0)
        except OSError as error:
            raise OutputError(
                f"cannot sort the export in the temporary folder {self._folder or tempfile.gettempdir()} "
                f"({error.strerror or error}); it needs about as much free space as the export. Set TMPDIR to a "
                "folder with more room. Nothing was written."
            ) from None
        self._files.append(spill)
        self._lines = []

    def __iter__(self) -> Iterator[bytes]:
        self._lines.sort()
        pieces: list[Iterable[bytes]] = [*self._files, (line.encode("utf-8") for line in self._lines)]
        previous = b""
        for line in heapq.merge(*pieces) if len(pieces) > 1 else pieces[0]:
            if line != previous:
                yield line
                previous = line


def _line(subject: Any, predicate: Any, obj: Any) -> str:
    return f"{subject} {predicate} {obj} .\n"


class _Reader(io.RawIOBase):
    """A binary stream over an iterator of lines (what pyoxigraph's parser reads from)."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        super().__init__()
        self._lines = lines
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            line = next(self._lines, None)
            if line is None:
                return 0
            self._pending = line
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


_INERT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal or an editor would act on (controls, line separators, bidirectional overrides); they can
only be inside strings and IRIs here, where every format takes a ``\\uXXXX`` escape for them."""


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04X}"


class _Inert:
    """Writes to ``output`` with :data:`_INERT` characters escaped (text may arrive cut anywhere)."""

    def __init__(self, output: BinaryIO) -> None:
        self._output = output
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def write(self, data: bytes) -> int:
        if data.isascii() and not self._decoder.getstate()[0]:
            self._output.write(data if _INERT.search(data.decode("ascii")) is None else self._clean(data))
        else:
            self._output.write(self._clean(data))
        return len(data)

    def flush(self) -> None:
        self._output.flush()

    def _clean(self, data: bytes) -> bytes:
        return _INERT.sub(_escape, self._decoder.decode(data)).encode("utf-8")


def write_triples(
    triples: Iterable[Triple],
    fmt: str,
    output: BinaryIO,
    *,
    progress: Progress | None = None,
    every: int = PROGRESS_EVERY,
    chunk: int = CHUNK_LINES,
) -> int:
    """Write ``triples`` (pyoxigraph terms, repeats allowed) to ``output`` in format ``fmt``, deterministically:
    the same set of triples gives the same bytes, whatever their order. ``progress`` is called every ``every``
    triples read and written. Returns the number of distinct triples written."""
    _check_format(fmt)
    with ExitStack() as stack:
        lines = _SortedLines(stack, chunk)
        blank = ox.Dataset()
        for read, (subject, predicate, obj) in enumerate(triples, 1):
            if _mentions_blank(subject) or _mentions_blank(obj):
                blank.add(ox.Quad(subject, predicate, obj))
            else:
                lines.add(_line(subject, predicate, obj))
            if progress is not None and read % every == 0:
                progress("read", read)
        if len(blank):
            blank.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            for quad in blank:
                lines.add(_line(quad.subject, quad.predicate, quad.object))
        del blank
        written = 0

        def counted() -> Iterator[bytes]:
            nonlocal written
            for line in lines:
                yield line
                written += 1
                if progress is not None and written % every == 0:
                    progress("written", written)

        inert = _Inert(output)
        if fmt == "nt":
            batch: list[bytes] = []
            for line in counted():
                batch.append(line)
                if len(batch) == 1000:
                    inert.write(b"".join(batch))
                    batch = []
            inert.write(b"".join(batch))
        else:
            parsed = ox.parse(io.BufferedReader(_Reader(counted()), 1 << 16), format=ox.RdfFormat.N_TRIPLES)
            prefixes = dict(PREFIX_IRIS)
            ox.serialize(parsed, inert, format=_OX_FORMATS[fmt], prefixes=prefixes)  # type: ignore[arg-type]
            inert.write(b"\n")
        return written


def write_engine(engine: Any, fmt: str, output: BinaryIO, **options: Any) -> int:
    """Write what queries on ``engine`` (an :class:`rolegraph.sparql.engines.OxigraphEngine`) read as their default
    graph: the union of its default graphs, each triple once (see :func:`write_triples` for ``options``)."""
    store: ox.Store = engine.store
    graphs: list[Any] = [ox.DefaultGraph()] if engine.default_graphs is None else list(engine.default_graphs)

    def triples() -> Iterator[Triple]:
        for graph in graphs:
            for quad in store.quads_for_pattern(None, None, None, graph):
                yield quad.subject, quad.predicate, quad.object

    return write_triples(triples(), fmt, output, **options)


def write_graph(graph: Graph, fmt: str, output: BinaryIO, **options: Any) -> int:
    """Write an rdflib graph (a CONSTRUCT answer, the built-in graph with ``--data`` files) with
    :func:`write_triples`."""
    from .sparql.engines import to_oxigraph

    triples = ((to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    return write_triples(triples, fmt, output, **options)
