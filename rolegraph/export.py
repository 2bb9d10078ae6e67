"""Serialise a graph as Turtle, N-Triples or JSON-LD, byte for byte the same for the same triples.

Blank nodes get canonical labels (rdflib.compare) and triples are written in sorted order, so an export can be
diffed and checked in.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from .errors import InputError
from .namespaces import bind_prefixes
from .results import json_text

__all__ = ["EXPORT_FORMATS", "serialize"]

EXPORT_FORMATS: dict[str, str] = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
"""Export format names (as the CLI takes them) and the rdflib serialiser each uses."""


def _canonical(graph: Graph) -> Graph:
    ordered = bind_prefixes(Graph())
    for prefix, namespace in graph.namespace_manager.namespaces():
        ordered.bind(prefix, namespace, override=False)
    for triple in sorted(to_canonical_graph(graph)):
        ordered.add(triple)
    return ordered


def serialize(graph: Graph, fmt: str) -> bytes:
    """``graph`` in format ``fmt`` (a key of :data:`EXPORT_FORMATS`) as UTF-8 bytes.

    >>> from rdflib import Graph, Literal, URIRef
    >>> g = Graph(); _ = g.add((URIRef("http://example.org/a"), URIRef("http://example.org/b"), Literal("c")))
    >>> serialize(g, "nt")
    b'<http://example.org/a> <http://example.org/b> "c" .\\n'
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}.")
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
