"""Validate RDF against rolegraph's SHACL shapes (ontology/shapes.ttl): files with pySHACL, a store with the shapes
translated to SPARQL (rolegraph.model.shapecheck) and run on Oxigraph (a store: rolegraph.store.validation).

>>> report = validate()
>>> report.conforms
True
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from . import resources
from .namespaces import bind_prefixes
from .ontology import load_graph, load_vocabulary, parse_into
from .shapecheck import CheckResult, compile_shapes, run_checks, target_classes

__all__ = [
    "StoreReport",
    "ValidationIssue",
    "ValidationReport",
    "check_files_as_sparql",
    "check_oxigraph",
    "validate",
    "validate_graph",
]


@dataclass(frozen=True)
class ValidationIssue:
    """One SHACL result: the node at fault, the property path, the shape's message, and the offending value."""

    focus: str
    path: str | None
    message: str
    severity: str
    value: str | None = None

    def __str__(self) -> str:
        text = f"{self.severity}: {self.focus}"
        if self.path:
            text += f" {self.path}"
        if self.value:
            text += f" (value {self.value})"
        return text + f": {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: whether the data conforms, and every issue found (sorted)."""

    conforms: bool
    issues: tuple[ValidationIssue, ...]
    checked: tuple[str, ...]


def _short(graph: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return graph.namespace_manager.normalizeUri(node)
    return node.n3(graph.namespace_manager) if hasattr(node, "n3") else str(node)


def validate_graph(data: Graph, checked: Sequence[str] = ()) -> ValidationReport:
    """Validate ``data`` (which should include the vocabulary) against the shapes."""
    import pyshacl  # imported here: it is slow to import and only validation needs it

    shapes = parse_into(Graph(), resources.shapes_file())
    conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True, advanced=True
    )
    bind_prefixes(results)
    names = data.namespace_manager
    issues = []
    for result in results.subjects(SH.resultSeverity, None):
        severity = results.value(result, SH.resultSeverity)
        issues.append(
            ValidationIssue(
                focus=_short(data, results.value(result, SH.focusNode)) or "?",
                path=_short(data, results.value(result, SH.resultPath)),
                message=str(results.value(result, SH.resultMessage) or "constraint violated"),
                severity=names.normalizeUri(severity).split(":")[-1] if severity else "Violation",
                value=_short(data, results.value(result, SH.value)),
            )
        )
    issues.sort(key=lambda i: (i.focus, i.path or "", i.message, i.value or ""))
    return ValidationReport(bool(conforms), tuple(issues), tuple(checked))


def validate(files: Sequence[str | os.PathLike[str]] = (), *, with_shipped: bool = False) -> ValidationReport:
    """Validate the shipped data (no ``files``), or ``files`` with the vocabulary (and the shipped data too when
    ``with_shipped``). Raises :class:`rolegraph.errors.DataSyntaxError` for a file that does not parse."""
    if not files:
        data = load_graph()
        checked = tuple(f.name for f in resources.data_files())
    else:
        data = load_graph(files, shipped=with_shipped) if with_shipped else load_vocabulary()
        if not with_shipped:
            for path in files:
                parse_into(data, path)
        checked = tuple(os.fspath(f) for f in files)
    return validate_graph(data, checked)


@dataclass(frozen=True)
class StoreReport:
    """The outcome of validating a store with the shapes as SPARQL: one result per check, and the time taken."""

    results: tuple[CheckResult, ...]
    seconds: float
    cap: int

    @property
    def conforms(self) -> bool:
        """Whether no check found a violation."""
        return all(result.count == 0 for result in self.results)

    @property
    def violations(self) -> int:
        """The violations found (each check counts up to the row cap)."""
        return sum(result.count for result in self.results)


def shapes_graph() -> Graph:
    """The SHACL shapes (ontology/shapes.ttl) as an rdflib graph."""
    return parse_into(Graph(), resources.shapes_file())


def _subclasses(query: Callable[[str], Iterable[Any]], shapes: Graph) -> dict[str, list[str]]:
    """Each class the shapes target, with its subclasses in the data (rdfs:subClassOf*)."""
    found: dict[str, list[str]] = {}
    for cls in target_classes(shapes):
        rows = query(f"SELECT DISTINCT ?c WHERE {{ ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls}> }}")
        found[cls] = sorted({cls} | {row["c"].value for row in rows if hasattr(row["c"], "value")})
    return found


def check_oxigraph(
    store: Any, *, graphs: Sequence[Any] | None = None, union: bool = False, cap: int = 10_000, examples: int = 3
) -> StoreReport:
    """Run the shapes as SPARQL over a pyoxigraph store: over the union of ``graphs``, of every named graph
    (``union``), or its default graph. Raises :class:`rolegraph.model.shapecheck.UnsupportedShapeError` for shapes the
    translation cannot express."""
    started = time.perf_counter()
    options: dict[str, Any] = {}
    if union:
        options["use_default_graph_as_union"] = True
    elif graphs is not None:
        options["default_graph"] = list(graphs)

    def query(text: str) -> Iterable[Any]:
        result: Iterable[Any] = store.query(text, **options)
        return result

    shapes = shapes_graph()
    checks = compile_shapes(shapes, _subclasses(query, shapes))
    results = run_checks(query, checks, cap=cap, examples=examples)
    return StoreReport(tuple(results), time.perf_counter() - started, cap)


def check_files_as_sparql(files: Sequence[str | os.PathLike[str]], *, cap: int = 10_000) -> StoreReport:
    """The SPARQL translation of the shapes run on ``files`` with the vocabulary, in memory (what the tests compare
    with pySHACL)."""
    import pyoxigraph as ox

    data = load_vocabulary()
    for path in files:
        parse_into(data, path)
    store = ox.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return check_oxigraph(store, cap=cap, examples=-1)
