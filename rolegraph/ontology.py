"""Load rolegraph's vocabulary, data and links (and any extra Turtle files) into one rdflib graph.

Parsing never reaches the network or other files: text is read here and handed to the parser as a string.

>>> from rolegraph.ontology import load_graph
>>> from rolegraph.namespaces import RG, PREFIXES
>>> g = load_graph()
>>> (PREFIXES["role"]["producer"], None, None) in g
True
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from importlib.resources.abc import Traversable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from . import resources
from .errors import DataSyntaxError, InputError
from .namespaces import bind_prefixes

__all__ = ["FORMATS_BY_SUFFIX", "load_graph", "load_vocabulary", "parse_into"]

FORMATS_BY_SUFFIX = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt"}
"""The RDF syntaxes rolegraph reads, by file suffix."""

Source = str | os.PathLike[str] | Traversable


def _display_name(source: Source) -> str:
    return os.fspath(source) if isinstance(source, (str, os.PathLike)) else str(source)


def _read_text(source: Source) -> str:
    name = _display_name(source)
    try:
        raw = Path(source).read_bytes() if isinstance(source, (str, os.PathLike)) else source.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file. Check the path.") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not an RDF file.") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied. Check the file's permissions.") from None
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
        scratch.parse(data=text, format=fmt)
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
    _check_iris(scratch, text, name)
    graph += scratch
    return graph


_NOT_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _check_iris(graph: Graph, text: str, name: str) -> None:
    """Refuse IRIs that RDF does not allow (spaces, quotes, braces, ...), which rdflib's parsers let through."""
    for term in {t for triple in graph for t in triple if isinstance(t, URIRef)}:
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
