"""Validate RDF against rolegraph's SHACL shapes (ontology/shapes.ttl) with pySHACL.

>>> report = validate()
>>> report.conforms
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from . import resources
from .namespaces import bind_prefixes
from .ontology import load_graph, load_vocabulary, parse_into

__all__ = ["ValidationIssue", "ValidationReport", "validate", "validate_graph"]


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
