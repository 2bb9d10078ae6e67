"""Load rolegraph's vocabulary, data and links (and any extra Turtle files) into one rdflib graph.

Parsing never reaches the network or other files: text is read here and handed to the parser as a string. Files are
read whole, up to :data:`MAX_FILE_BYTES`; a FIFO (``--data <(...)``) is read the same way, devices are refused.
N-Triples is parsed by Oxigraph's parser (rdflib's reads a long line in quadratic time: a 5 MB literal took 71 s).

>>> from rolegraph.model.ontology import load_graph
>>> from rolegraph.model.namespaces import RG, PREFIXES
>>> g = load_graph()
>>> (PREFIXES["role"]["producer"], None, None) in g
True
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterable
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from ..errors import DataSyntaxError, InputError
from . import resources
from .namespaces import bind_prefixes
from .shipped import load_store

__all__ = ["FORMATS_BY_SUFFIX", "MAX_FILE_BYTES", "load_graph", "load_store", "load_vocabulary", "parse_into"]

FORMATS_BY_SUFFIX = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt"}
"""The RDF syntaxes rolegraph reads, by file suffix."""

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest RDF file rolegraph loads into memory (256 MiB; rdflib needs many times that in memory)."""

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Source = str | os.PathLike[str] | Traversable


def _display_name(source: Source) -> str:
    return os.fspath(source) if isinstance(source, (str, os.PathLike)) else str(source)


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _read_bytes(source: Source, name: str) -> bytes:
    """The bytes of a file or FIFO, at most :data:`MAX_FILE_BYTES`; devices and sockets are refused."""
    if not isinstance(source, (str, os.PathLike)):
        return source.read_bytes()
    too_big = InputError(
        f"{name}: larger than {MAX_FILE_BYTES // 2**20} MiB, the most rolegraph loads into memory. Load a file "
        "this large into a SPARQL server and use --store sparql+http://..., or split it."
    )
    info = os.stat(source)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(name)
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        raise InputError(f"{name}: is {_kind(info.st_mode)}, not an RDF file; give a Turtle or N-Triples file.")
    if info.st_size > MAX_FILE_BYTES:
        raise too_big
    with open(source, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise too_big
    return raw


def _read_text(source: Source) -> str:
    name = _display_name(source)
    try:
        raw = _read_bytes(source, name)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file. Check the path.") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not an RDF file.") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied. Check the file's permissions.") from None
    except OSError as error:
        raise InputError(f"{name}: cannot be read ({error.strerror or error}).") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataSyntaxError(
            name,
            line,
            None,
            f"the file is not UTF-8 (byte 0x{raw[error.start]:02x} cannot be decoded)",
            "RDF text must be UTF-8: convert the file (for example with iconv) and try again.",
        ) from None


def _syntax_format(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS_BY_SUFFIX:
        known = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise InputError(f"{name}: unknown RDF file type {suffix or '(no suffix)'!r}; rolegraph reads {known}.")
    return FORMATS_BY_SUFFIX[suffix]


def parse_into(graph: Graph, source: Source) -> Graph:
    """Parse one Turtle or N-Triples file into ``graph``; raise :class:`DataSyntaxError` with file:line:column.

    The graph is left unchanged when the file does not parse.
    """
    name = _display_name(source)
    text = _read_text(source)
    fmt = _syntax_format(name)
    scratch = Graph()
    quiet = logging.getLogger("rdflib.term")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # rdflib logs a warning per odd IRI; rolegraph reports them itself, below
    try:
        if fmt == "nt":
            _parse_ntriples(scratch, text, name)
        else:
            scratch.parse(data=text, format=fmt)
    except DataSyntaxError:
        raise
    except BadSyntax as error:
        offset = getattr(error, "_i", None)
        column = None
        if isinstance(offset, int):
            before = error._str[:offset]  # the parser's own buffer, which is what the offset indexes
            column = len(before) - (before.rfind(b"\n" if isinstance(before, bytes) else "\n") + 1) + 1
        raise DataSyntaxError(name, error.lines + 1, column, str(error._why)) from None
    except RecursionError:
        raise DataSyntaxError(
            name,
            None,
            None,
            "blank nodes or collections are nested too deeply to read",
            "Give the nested nodes IRIs or blank node labels (_:b1) instead of nesting brackets.",
        ) from None
    except Exception as error:  # the parsers raise many types; any of them means "this file is not valid RDF"
        line = _line_from_message(str(error))
        raise DataSyntaxError(name, line, None, str(error).strip().splitlines()[0]) from None
    finally:
        quiet.setLevel(level)
    _check_terms(scratch, text, name)
    graph += scratch
    return graph


def _parse_ntriples(graph: Graph, text: str, name: str) -> None:
    """Parse N-Triples with Oxigraph's parser (linear in the line length, strict) into rdflib terms."""
    blank_nodes: dict[str, BNode] = {}

    def term(node: Any) -> Node:
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            return blank_nodes.setdefault(node.value, BNode())
        if isinstance(node, ox.Literal):
            if getattr(node, "direction", None):
                raise DataSyntaxError(name, None, None, f"the literal {node} has a base direction (RDF 1.2)",
                                      "rolegraph reads RDF 1.1: drop the direction (--ltr or --rtl).")  # fmt: skip
            if node.language:
                return Literal(node.value, lang=node.language)
            if node.datatype.value != _XSD_STRING:
                return Literal(node.value, datatype=URIRef(node.datatype.value))
            return Literal(node.value)
        raise DataSyntaxError(name, None, None, f"the triple term {node} is RDF-star or RDF 1.2",
                              "rolegraph reads RDF 1.1: state the triple itself instead.")  # fmt: skip

    try:
        for quad in ox.parse(text, format=ox.RdfFormat.N_TRIPLES):
            graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    except SyntaxError as error:
        position = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], tuple) else ()
        line, column = (position[1], position[2]) if len(position) >= 3 else (None, None)
        detail = re.sub(r"^Parser error (at|between) [^:]*: ", "", str(error.args[0] if error.args else error))
        raise DataSyntaxError(name, line, column, detail) from None


_NOT_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _check_terms(graph: Graph, text: str, name: str) -> None:
    """Refuse IRIs that RDF does not allow (spaces, quotes, braces, ...), and escapes of lone surrogates
    (``\\uD800`` is not a character), which rdflib's parsers let through."""
    for term in {t for triple in graph for t in triple if isinstance(t, (URIRef, Literal))}:
        if _SURROGATE.search(term):
            raise DataSyntaxError(
                name,
                None,
                None,
                f"the term {ascii(str(term))[:80]} holds an escaped lone surrogate, which is not a character",
                "Escape the character itself (\\U0001F600, not a pair of \\u escapes), or drop it.",
            )
        if not isinstance(term, URIRef):
            continue
        if match := _NOT_IN_IRIS.search(term):
            at = text.find(str(term))
            line = text.count("\n", 0, at) + 1 if at >= 0 else None
            shown = (
                repr(match.group(0)) if match.group(0).strip() else f"a space or control character ({match.group(0)!r})"
            )
            raise DataSyntaxError(
                name,
                line,
                None,
                f"the IRI <{term}> contains {shown}, which IRIs cannot hold",
                "Percent-encode the character (a space is %20) or fix the IRI.",
            )


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def load_vocabulary() -> Graph:
    """The vocabulary alone (ontology/rolegraph.ttl)."""
    return bind_prefixes(parse_into(Graph(), resources.vocabulary_file()))


def load_graph(extra: Iterable[Source] = (), *, shipped: bool = True) -> Graph:
    """The vocabulary plus the shipped data and links (unless ``shipped`` is false) plus ``extra`` files."""
    graph = load_vocabulary()
    if shipped:
        for source in resources.data_files():
            parse_into(graph, source)
    for extra_source in extra:
        parse_into(graph, extra_source)
    return graph
