"""The SPARQL 1.1 Protocol's rules, without any I/O: read a request into one query and its dataset, pick the result
format by content negotiation, and say which status a bad request gets.

>>> request = read_request("GET", "query=ASK%7B%7D&default-graph-uri=http%3A%2F%2Fex.org%2Fg", {}, b"")
>>> request.query, request.default_graphs
('ASK{}', ('http://ex.org/g',))
>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "ASK")
'application/sparql-results+xml'
>>> read_request("PUT", "", {}, b"")  # doctest: +ELLIPSIS
Traceback (most recent call last):
rolegraph.serve.protocol.ProtocolError: 405: ...
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "GRAPH_TYPES",
    "RESULT_TYPES",
    "ProtocolError",
    "SparqlRequest",
    "negotiate",
    "parse_accept",
    "read_request",
]

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
}
"""Media types for SELECT and ASK results, the first being the default."""

GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "text/plain": "nt",
    "application/x-turtle": "ttl",
}
"""Media types for CONSTRUCT and DESCRIBE results, the first being the default."""

FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
"""Short names for the ``format`` parameter, which a browser form can set where it cannot set Accept."""


class ProtocolError(Exception):
    """A request the protocol rejects: carries the HTTP status, a message, and headers to add (Allow, ...)."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class SparqlRequest:
    """One protocol request: the query (None asks for the service description), its dataset and format hint."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None


def _content_type(headers: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    raw = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    kind, _, rest = raw.partition(";")
    params = {}
    for part in rest.split(";"):
        key, _, value = part.partition("=")
        if key.strip():
            params[key.strip().lower()] = value.strip().strip('"')
    return kind.strip().lower(), params


def _parse_qs(text: str, where: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the {where} is not UTF-8 after percent-decoding.") from None


def read_request(method: str, query_string: str, headers: Mapping[str, str], body: bytes) -> SparqlRequest:
    """The query and dataset a protocol request carries; :class:`ProtocolError` for what the protocol refuses."""
    method = method.upper()
    if method not in ("GET", "POST", "HEAD"):
        raise ProtocolError(405, f"{method} is not a SPARQL query operation; use GET or POST.",
                            {"Allow": "GET, HEAD, POST, OPTIONS"})  # fmt: skip
    url_params = _parse_qs(query_string, "query string")
    if method in ("GET", "HEAD"):
        params = url_params
    else:
        kind, options = _content_type(headers)
        charset = options.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"the request body must be UTF-8, not {charset}.")
        if kind == "application/x-www-form-urlencoded":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "the form body is not UTF-8.") from None
            if "query" in url_params or "update" in url_params:
                raise ProtocolError(400, "a form POST carries the query in its body, not in the URL.")
            params = _parse_qs(text, "form body")
            for name in ("default-graph-uri", "named-graph-uri"):
                params.setdefault(name, []).extend(url_params.get(name, []))
        elif kind == "application/sparql-query":
            try:
                direct = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query body is not UTF-8.") from None
            if "query" in url_params:
                raise ProtocolError(400, "a direct POST carries the query in its body, not also in the URL.")
            params = dict(url_params)
            params["query"] = [direct]
        elif kind == "application/sparql-update":
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted.")
        elif not kind:
            raise ProtocolError(415, "a POST needs a Content-Type: application/x-www-form-urlencoded or "
                                "application/sparql-query.")  # fmt: skip
        else:
            raise ProtocolError(415, f"cannot read a {kind} body; send application/x-www-form-urlencoded or "
                                "application/sparql-query.")  # fmt: skip
    if "update" in params:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted.")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise ProtocolError(400, f"the request carries {len(queries)} queries; send exactly one.")
    formats = params.get("format", [])
    return SparqlRequest(
        query=queries[0] if queries else None,
        default_graphs=tuple(params.get("default-graph-uri", [])),
        named_graphs=tuple(params.get("named-graph-uri", [])),
        format=formats[0] if formats else None,
    )


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values, best first (``*/*`` when there is no header).

    >>> parse_accept("text/csv;q=0.5, application/json")
    [('application/json', 1.0), ('text/csv', 0.5)]
    """
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for index, part in enumerate(header.split(",")):
        kind, *options = part.split(";")
        kind = kind.strip().lower()
        if not kind:
            continue
        quality = 1.0
        for option in options:
            key, _, value = option.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((index, kind, quality))
    ranges.sort(key=lambda r: (-r[2], -_specificity(r[1]), r[0]))
    return [(kind, quality) for _, kind, quality in ranges]


def _specificity(kind: str) -> int:
    return 0 if kind == "*/*" else 1 if kind.endswith("/*") else 2


def _matches(media_range: str, kind: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return kind.startswith(media_range[:-1])
    return media_range == kind


def negotiate(accept: str | None, form: str, format_name: str | None = None) -> str:
    """The media type to answer a ``form`` query with (SELECT, ASK, CONSTRUCT, DESCRIBE): the ``format`` parameter
    when given, else the best Accept match; :class:`ProtocolError` 406 when nothing fits."""
    offered = list(GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES)
    if format_name:
        chosen = FORMAT_NAMES.get(format_name.lower(), format_name.lower())
        if chosen in offered:
            return chosen
        raise ProtocolError(406, f"format {format_name!r} does not fit a {form} query; use one of "
                            f"{', '.join(offered[:4] if len(offered) > 4 else offered)}.")  # fmt: skip
    ranges = parse_accept(accept)
    best: tuple[float, int, str] | None = None
    for index, kind in enumerate(offered):
        # The q-value of the most specific range that matches this type.
        for media_range, quality in sorted(ranges, key=lambda r: -_specificity(r[0])):
            if _matches(media_range, kind):
                if quality > 0 and (best is None or (quality, -index) > (best[0], -best[1])):
                    best = (quality, index, kind)
                break
    if best is None:
        raise ProtocolError(406, f"none of the accepted types ({accept}) can carry a {form} result; "
                            f"this endpoint gives {', '.join(offered)}.")  # fmt: skip
    return best[2]
