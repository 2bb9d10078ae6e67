"""Copy rolegraph's graph into an existing SPARQL 1.1 server, each source in its own named graph.

What is pushed: the current graph of every source in a store (the shipped vocabulary, data and links, and every
imported release), then the registry graph that says which graph is current for which source. The registry goes
last, so readers of the server (``--store sparql+http://...``) switch to the new graphs at once; graphs the server's
old registry named and the new one does not are dropped afterwards. A graph already on the server under the same
name is not sent again (graph names change with every import), so a second push of an unchanged store sends only
the registry.

Two ways in: the SPARQL 1.1 Graph Store HTTP Protocol (one PUT per graph; the fast way) or SPARQL 1.1 Update
(``DROP SILENT GRAPH``, then ``INSERT {...} WHERE {}`` in batches; blank nodes that share a label stay in one batch).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..errors import EndpointError
from ..sparql.remote import REGISTRY_GRAPH, RESULTS_JSON, Credentials, SparqlHttpEngine, http_request
from ..sparql.results import ResultTable
from .database import SOURCE_FIELDS, SOURCES_QUERY, RoleStore, SourceInfo, sources_from_rows

__all__ = ["PushReport", "nt_batches", "push_store", "remote_sources"]

BATCH_TRIPLES = 20_000


@dataclass
class PushReport:
    """What a push did: graphs sent (name -> triples), graphs left as they were, graphs dropped."""

    sent: dict[str, int] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"sent {name} ({count:,} triples)" for name, count in self.sent.items()]
        out += [f"already there: {name}" for name in self.unchanged]
        out += [f"dropped old graph {name}" for name in self.dropped]
        return out


def _blank_labels(line: str) -> list[str]:
    """The blank node labels of one N-Triples line (outside literals)."""
    labels = []
    in_literal = escaped = False
    i = 0
    while i < len(line):
        char = line[i]
        if in_literal:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_literal = False
        elif char == '"':
            in_literal = True
        elif char == "_" and line.startswith("_:", i):
            end = i + 2
            while end < len(line) and not line[end].isspace():
                end += 1
            labels.append(line[i:end])
            i = end
            continue
        i += 1
    return labels


def nt_batches(lines: list[str], size: int = BATCH_TRIPLES) -> Iterator[list[str]]:
    """N-Triples lines in batches of about ``size``, never splitting the triples of one blank node across batches
    (a blank node label means a new node in every request).

    >>> lines = ['_:a <p> "x" .', '<s> <p> _:a .', '<s> <p> "_:b" .', '_:c <p> <o> .']
    >>> [len(b) for b in nt_batches(lines, size=1)]
    [1, 2, 1]
    """
    parent: dict[str, str] = {}

    def find(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    owners: list[str | None] = []
    for line in lines:
        labels = _blank_labels(line)
        for other in labels[1:]:
            parent[find(other)] = find(labels[0])
        owners.append(labels[0] if labels else None)
    groups: dict[str, list[str]] = {}
    batch: list[str] = []
    for line, owner in zip(lines, owners, strict=True):
        if owner is None:
            batch.append(line)
            if len(batch) >= size:
                yield batch
                batch = []
        else:
            groups.setdefault(find(owner), []).append(line)
    for group in groups.values():
        batch.extend(group)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Target:
    """Where graphs go: a Graph Store Protocol endpoint or a SPARQL Update endpoint."""

    def __init__(self, endpoint: str, graph_store: str | None, credentials: Credentials | None, timeout: float) -> None:
        self.endpoint = endpoint
        self.graph_store = graph_store
        self.credentials = credentials
        self.timeout = timeout

    def _update(self, text: str) -> None:
        http_request(
            self.endpoint,
            data=urllib.parse.urlencode({"update": text}).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            credentials=self.credentials,
            timeout=self.timeout,
            what="a SPARQL Update (POST, application/x-www-form-urlencoded)",
        )

    def _graph_url(self, graph: str) -> str:
        assert self.graph_store is not None
        separator = "&" if "?" in self.graph_store else "?"
        return f"{self.graph_store}{separator}{urllib.parse.urlencode({'graph': graph})}"

    def put(self, graph: str, ntriples: bytes) -> None:
        lines = [line for line in ntriples.decode("utf-8").splitlines() if line.strip()]
        if self.graph_store is None:
            self._update(f"DROP SILENT GRAPH <{graph}>")
        # Batches: one huge request holds a server's locks for minutes (Virtuoso timed out on 460k triples at once).
        for index, batch in enumerate(nt_batches(lines) if lines else iter([[]])):
            body = "\n".join(batch) + "\n"
            if self.graph_store is None:
                # INSERT ... WHERE {} rather than INSERT DATA: both are standard, and Virtuoso refuses blank nodes
                # in INSERT DATA. One solution, so each blank node label is one new node, as in the file.
                self._update(f"INSERT {{ GRAPH <{graph}> {{\n{body}}} }} WHERE {{}}")
                continue
            method = "PUT" if index == 0 else "POST"  # PUT replaces the graph, POST adds to it
            http_request(
                self._graph_url(graph),
                method=method,
                data=body.encode("utf-8"),
                headers={"Content-Type": "application/n-triples"},
                credentials=self.credentials,
                timeout=self.timeout,
                what=f"a Graph Store Protocol {method} (application/n-triples)",
            )

    def drop(self, graph: str) -> None:
        if self.graph_store is not None:
            try:
                http_request(self._graph_url(graph), method="DELETE", credentials=self.credentials,
                             timeout=self.timeout, what="a Graph Store Protocol DELETE")  # fmt: skip
            except EndpointError as error:
                if "HTTP 404" not in str(error):
                    raise
            return
        self._update(f"DROP SILENT GRAPH <{graph}>")


def push_store(
    store: RoleStore,
    endpoint: str,
    *,
    graph_store: str | None = None,
    credentials: Credentials | None = None,
    timeout: float = 600.0,
    progress: Callable[[str], None] | None = None,
) -> PushReport:
    """Push every current graph of ``store`` and its registry to the server at ``endpoint`` (queries, and updates
    unless ``graph_store`` is given, which then receives the graphs)."""
    import pyoxigraph as ox

    reader = SparqlHttpEngine(endpoint, credentials=credentials, timeout=timeout)
    before = set(reader.current_graphs())
    target = _Target(endpoint, graph_store, credentials, timeout)
    report = PushReport()
    current = [g.value for g in store.current_graphs()]
    for name in current:
        if name in before:
            report.unchanged.append(name)
            continue
        if progress:
            progress(f"sending {name}")
        data = store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
        assert data is not None
        target.put(name, data)
        report.sent[name] = data.count(b"\n")
    registry = store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(REGISTRY_GRAPH))
    assert registry is not None
    target.put(REGISTRY_GRAPH, registry)
    for name in sorted(before - set(current)):
        target.drop(name)
        report.dropped.append(name)
    return report


def remote_sources(endpoint: str, credentials: Credentials | None = None) -> list[SourceInfo]:
    """The sources a server holds, as ``rolegraph push`` recorded them
    (:class:`rolegraph.store.database.SourceInfo`)."""
    engine = SparqlHttpEngine(endpoint, credentials=credentials)
    answer = engine._post(SOURCES_QUERY, RESULTS_JSON, dataset=False)
    if not isinstance(answer, ResultTable) or not {"source", "g"} <= set(answer.variables):
        raise engine._not_answering("the sources pushed", SOURCE_FIELDS, answer)
    rows = [{name: ("" if row[i] is None else str(row[i])) for i, name in enumerate(answer.variables)}
            for row in answer.rows]  # fmt: skip
    return sources_from_rows([{name: row.get(name, "") for name in SOURCE_FIELDS} for row in rows])
