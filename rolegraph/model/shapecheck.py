"""SHACL shapes run as SPARQL on Oxigraph: each shape's constraints become SELECT queries that find violations, so a
store of millions of triples is checked in seconds rather than pySHACL's hours.

Supported (SHACL Core and SPARQL-based constraints): targets sh:targetClass, sh:targetNode, sh:targetSubjectsOf,
sh:targetObjectsOf and SPARQL targets; property shapes with an IRI path; sh:class, sh:datatype, sh:nodeKind, sh:in,
sh:pattern (with sh:flags), sh:languageIn, sh:hasValue, sh:minInclusive/maxInclusive/minExclusive/maxExclusive,
sh:minLength/maxLength, sh:or/sh:and/sh:not of shapes made of those, sh:minCount, sh:maxCount,
sh:qualifiedValueShape with sh:qualifiedMinCount/qualifiedMaxCount, and node-level sh:sparql constraints. Anything
else in the shapes is refused with :class:`UnsupportedShapeError`, never skipped.

Each check's query stops at a row cap (``cap``), so the work per check is bounded; a check that reaches the cap
reports "at least" that many violations.

The queries are written for Oxigraph's planner: each finds its candidate violations from the constrained property
alone, in a sub-query, and only then asks whether each candidate is a focus node of the shape (Oxigraph's LATERAL
join: the targets are evaluated once per candidate row, so not at all for a check that finds nothing); checks by
class take away the instances of the class and its subclasses (found in the data first) with MINUS. Starting from
the targets costs a lookup per focus node, several seconds per check on a store of the real releases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from ..errors import RolegraphError

__all__ = ["Check", "CheckResult", "UnsupportedShapeError", "Violation", "compile_shapes", "run_checks"]

RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SH_NS = str(SH)
WHOLE_STORE_SELECT = URIRef("https://w3id.org/rolegraph/shapes#wholeStoreSelect")
"""A constraint's query for a whole store, used instead of its sh:select when given (see ontology/shapes.ttl)."""

# Shape triples that carry no constraint (names, messages, grouping) and so need no translation.
_INERT = {
    RDF.type, SH.message, SH.name, SH.description, SH.order, SH.group, SH.severity, SH.prefixes, SH.declare,
    SH.path, SH.deactivated, URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
}  # fmt: skip
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
_VALUE = {
    SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.pattern, SH.flags, SH.languageIn, SH.hasValue,
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH["or"],
    SH["and"], SH["not"],
}  # fmt: skip
_COUNTS = {SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount}
_COMPONENT = {
    SH["class"]: "ClassConstraintComponent", SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent", SH["in"]: "InConstraintComponent",
    SH.pattern: "PatternConstraintComponent", SH.languageIn: "LanguageInConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent", SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent", SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent", SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent", SH["or"]: "OrConstraintComponent",
    SH["and"]: "AndConstraintComponent", SH["not"]: "NotConstraintComponent",
    SH.minCount: "MinCountConstraintComponent", SH.maxCount: "MaxCountConstraintComponent",
    SH.qualifiedMinCount: "QualifiedMinCountConstraintComponent",
    SH.qualifiedMaxCount: "QualifiedMaxCountConstraintComponent", SH.sparql: "SPARQLConstraintComponent",
}  # fmt: skip
_COMPARE = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}


class UnsupportedShapeError(RolegraphError):
    """The shapes use a SHACL feature the SPARQL translation cannot express (so it would be skipped silently)."""


@dataclass(frozen=True)
class Check:
    """One violation-finding query: for the shape ``shape``, the property ``path`` (None for a node-level check)
    and the constraint component ``component`` (a SHACL IRI such as sh:MinCountConstraintComponent)."""

    shape: str
    path: str | None
    component: str
    message: str
    query: str


@dataclass(frozen=True)
class Violation:
    """A focus node that breaks a check, the path, the component and the offending value (if any), as N-Triples
    terms."""

    focus: str
    path: str | None
    component: str
    value: str | None


@dataclass
class CheckResult:
    """How many violations a check found (``capped``: it stopped at the row cap), and the first ones."""

    check: Check
    count: int
    capped: bool
    examples: list[Violation] = field(default_factory=list)


def _n3(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShapeError(f"a blank node ({node}) as a value in a shape cannot be written in a SPARQL query.")


def _fail(shape: str, what: str) -> UnsupportedShapeError:
    return UnsupportedShapeError(
        f"shape {shape}: {what}, which `rolegraph --store S validate` cannot translate to SPARQL; the shape would "
        "go unchecked. Rewrite it with the supported constraints (see rolegraph.model.shapecheck), or validate files "
        "with pySHACL (`rolegraph validate FILE`)."
    )


def _name(graph: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        return graph.namespace_manager.normalizeUri(node)
    return "a blank-node shape"


def _list(graph: Graph, head: Node) -> list[Node]:
    return list(Collection(graph, head))


def _prefixes(graph: Graph, declarer: Node) -> str:
    lines = []
    for decl in graph.objects(declarer, SH.declare):
        lines.append(f"PREFIX {graph.value(decl, SH.prefix)}: <{graph.value(decl, SH.namespace)}>\n")
    return "".join(sorted(lines))


class _Compiler:
    def __init__(self, shapes: Graph, subclasses: dict[str, list[str]] | None) -> None:
        self.g = shapes
        self.subclasses = subclasses or {}

    def value_expr(self, shape_name: str, constraint: Node, value: Node, var: str = "?value") -> str:
        """A SPARQL expression true where ``var`` satisfies the value-level constraint."""
        g = self.g
        if constraint == SH["class"]:
            return f"EXISTS {{ {var} a ?c_ . ?c_ <{RDFS_SUBCLASS}>* {_n3(value)} }}"
        if constraint == SH.datatype:
            return f"(isLiteral({var}) && sameTerm(DATATYPE({var}), {_n3(value)}))"
        if constraint == SH.nodeKind:
            kinds = {
                SH.IRI: f"isIRI({var})", SH.Literal: f"isLiteral({var})", SH.BlankNode: f"isBlank({var})",
                SH.BlankNodeOrIRI: f"(isBlank({var}) || isIRI({var}))",
                SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
                SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
            }  # fmt: skip
            if value not in kinds:
                raise _fail(shape_name, f"sh:nodeKind {value}")
            return kinds[value]  # type: ignore[index]
        if constraint == SH["in"]:
            members = [f"sameTerm({var}, {_n3(m)})" for m in _list(g, value)]
            return "(" + (" || ".join(members) or "false") + ")"
        if constraint == SH.languageIn:
            tags = [f'langMatches(LANG({var}), "{t}")' for t in _list(g, value)]
            return f"(isLiteral({var}) && (" + (" || ".join(tags) or "false") + "))"
        if constraint == SH.hasValue:
            return f"sameTerm({var}, {_n3(value)})"
        if constraint in _COMPARE:
            return f"COALESCE({var} {_COMPARE[constraint]} {_n3(value)}, false)"  # type: ignore[index]
        if constraint in (SH.minLength, SH.maxLength):
            op = ">=" if constraint == SH.minLength else "<="
            return f"(!isBlank({var}) && STRLEN(STR({var})) {op} {int(value)})"  # type: ignore[call-overload]
        if constraint in (SH["or"], SH["and"]):
            parts = [self.shape_expr(shape_name, member, var) for member in _list(g, value)]
            joiner = " || " if constraint == SH["or"] else " && "
            return "(" + (joiner.join(parts) or ("false" if constraint == SH["or"] else "true")) + ")"
        if constraint == SH["not"]:
            return f"(!{self.shape_expr(shape_name, value, var)})"
        raise _fail(shape_name, f"the constraint {_name(g, constraint)}")  # pragma: no cover - filtered before

    def shape_expr(self, shape_name: str, shape: Node, var: str) -> str:
        """A SPARQL expression true where ``var`` conforms to ``shape`` (value-level constraints only)."""
        parts = []
        for p, o in sorted(self.g.predicate_objects(shape)):
            if p in _INERT:
                continue
            if p not in _VALUE:
                raise _fail(shape_name, f"{_name(self.g, p)} inside sh:or/sh:and/sh:not/sh:qualifiedValueShape")
            if p == SH.flags:
                continue
            if p == SH.pattern:
                parts.append(self.pattern_expr(shape, o, var))
                continue
            parts.append(self.value_expr(shape_name, p, o, var))
        return "(" + (" && ".join(parts) or "true") + ")"

    def pattern_expr(self, shape: Node, pattern: Node, var: str) -> str:
        flags = self.g.value(shape, SH.flags)
        text = Literal(str(pattern)).n3()
        extra = f", {Literal(str(flags)).n3()}" if flags is not None else ""
        return f"(!isBlank({var}) && REGEX(STR({var}), {text}{extra}))"

    def target(self, shape_name: str, shape: Node) -> str:
        """A group pattern binding ?this to every focus node of ``shape``."""
        g = self.g
        branches = []
        for cls in sorted(g.objects(shape, SH.targetClass), key=str):
            classes = self.subclasses.get(str(cls), [str(cls)])
            if len(classes) == 1:
                branches.append(f"?this a <{classes[0]}> .")
            else:
                branches.append(f"VALUES ?cls_ {{ {' '.join(f'<{c}>' for c in classes)} }} ?this a ?cls_ .")
        nodes = sorted(g.objects(shape, SH.targetNode), key=str)
        if nodes:
            branches.append(f"VALUES ?this {{ {' '.join(_n3(n) for n in nodes)} }}")
        for p in sorted(g.objects(shape, SH.targetSubjectsOf), key=str):
            branches.append(f"?this {_n3(p)} ?any_ .")
        for p in sorted(g.objects(shape, SH.targetObjectsOf), key=str):
            branches.append(f"?any_ {_n3(p)} ?this .")
        for custom in g.objects(shape, SH.target):
            select = g.value(custom, SH.select)
            if (custom, RDF.type, SH.SPARQLTarget) not in g or select is None:
                raise _fail(shape_name, "a sh:target that is not a SPARQL target (sh:SPARQLTarget with sh:select)")
            branches.append(f"{{ {_strip_prefixes(str(select))} }}")
        if (shape, RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in g:
            raise _fail(shape_name, "an implicit class target (a shape that is also an rdfs:Class)")
        if not branches:
            return ""
        return " UNION ".join(f"{{ {b} }}" for b in branches)

    def node_shape(self, shape: Node) -> Iterator[Check]:
        g = self.g
        name = _name(g, shape)
        target = self.target(name, shape)
        if not target:
            return
        message_of = g.value(shape, SH.message)
        for p in g.predicates(shape):
            if p in _INERT or p in _TARGETS or p in (SH.property, SH.sparql):
                continue
            raise _fail(name, f"the node-level constraint {_name(g, p)}")
        for prop in sorted(g.objects(shape, SH.property), key=str):
            yield from self.property_shape(name, target, prop)
        for constraint in g.objects(shape, SH.sparql):
            # A shape may give the same rule in a form for a whole store (no focus node pre-bound; see shapes.ttl).
            whole = g.value(constraint, WHOLE_STORE_SELECT)
            select = whole or g.value(constraint, SH.select)
            if select is None:
                raise _fail(name, "a sh:sparql constraint without sh:select")
            message = str(g.value(constraint, SH.message) or message_of or "SPARQL constraint violated")
            body = _strip_prefixes(str(select)).replace("$this", "?this")
            match = re.search(r"\bWHERE\s*\{", body, flags=re.IGNORECASE)
            if match is None or not re.match(r"\s*SELECT\s", body, flags=re.IGNORECASE):
                raise _fail(name, "a sh:sparql constraint whose query is not SELECT ... WHERE { ... }")
            projection = body[: match.start()]
            projection = re.sub(r"^\s*SELECT\s+(DISTINCT\s+)?", "SELECT DISTINCT ", projection, flags=re.IGNORECASE)
            if whole is not None:
                # It binds ?this itself: it runs first, and the targets are joined with the rows it finds.
                query = f"{projection} WHERE {{ {{ {body} }} LATERAL {{ {target} }} }}"
            else:
                query = f"{projection} WHERE {{ {target} {body[match.end() :]}"
            yield Check(name, None, SH_NS + "SPARQLConstraintComponent", message, query)

    def property_shape(self, name: str, target: str, prop: Node) -> Iterator[Check]:
        g = self.g
        path = g.value(prop, SH.path)
        if not isinstance(path, URIRef):
            raise _fail(name, "a property path that is not a single IRI")
        message = str(g.value(prop, SH.message) or f"{_name(g, path)} constraint violated")
        p = f"<{path}>"
        for key, value in sorted(g.predicate_objects(prop)):
            if key in _INERT or key in _COUNTS or key == SH.flags:
                continue
            if key not in _VALUE:
                raise _fail(name, f"{_name(g, key)} on the property {_name(g, path)}")
            expr = self.pattern_expr(prop, value, "?value") if key == SH.pattern else self.value_expr(name, key, value)
            found = f"?this {p} ?value . FILTER(!{expr})"
            if key == SH["class"] and str(value) in self.subclasses:
                instances = " ".join(f"<{c}>" for c in self.subclasses[str(value)])
                found = (f"{{ SELECT ?this ?value WHERE {{ ?this {p} ?value }} }} "
                         f"MINUS {{ VALUES ?c_ {{ {instances} }} ?value a ?c_ }}")  # fmt: skip
            candidates = f"SELECT ?this ?value WHERE {{ {found} }}"
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {{ {candidates} }} LATERAL {{ {target} }} }}"
            if key == SH.hasValue:
                query = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {p} {_n3(value)} }} }}"
            yield Check(name, str(path), SH_NS + _COMPONENT[URIRef(str(key))], message, query)
        low, high = g.value(prop, SH.minCount), g.value(prop, SH.maxCount)
        yield from self.counts(name, target, str(path), message, "", low, high, SH.minCount, SH.maxCount)
        qualified = g.value(prop, SH.qualifiedValueShape)
        qlow, qhigh = g.value(prop, SH.qualifiedMinCount), g.value(prop, SH.qualifiedMaxCount)
        if qualified is not None:
            expr = f"FILTER({self.shape_expr(name, qualified, '?value')})"
            yield from self.counts(name, target, str(path), message, expr, qlow, qhigh, SH.qualifiedMinCount,
                                   SH.qualifiedMaxCount)  # fmt: skip
        elif qlow is not None or qhigh is not None:
            raise _fail(name, "sh:qualifiedMinCount/MaxCount without sh:qualifiedValueShape")

    def counts(
        self, name: str, target: str, path: str, message: str, value_filter: str, low: Any, high: Any,
        low_key: URIRef, high_key: URIRef,
    ) -> Iterator[Check]:  # fmt: skip
        p = f"<{path}>"
        if low is not None and int(low) == 1:
            query = f"SELECT DISTINCT ?this WHERE {{ {{ {target} }} MINUS {{ ?this {p} ?value . {value_filter} }} }}"
            yield Check(name, path, SH_NS + _COMPONENT[low_key], message, query)
        elif low is not None and int(low) > 1:
            query = (
                f"SELECT ?this WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {target} }} }} "
                f"OPTIONAL {{ ?this {p} ?value . {value_filter} }} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?value) < {int(low)})"
            )
            yield Check(name, path, SH_NS + _COMPONENT[low_key], message, query)
        if high is not None:
            # Counting rows is fast, counting distinct values is not: the rows counted find the candidates (a
            # default graph that is a list of graphs may repeat a triple), their distinct values decide.
            values = f"?this {p} ?value . {value_filter}"
            candidates = f"SELECT ?this WHERE {{ {values} }} GROUP BY ?this HAVING (COUNT(*) > {int(high)})"
            over = (f"SELECT ?this WHERE {{ {{ {candidates} }} {values} }} GROUP BY ?this "
                    f"HAVING (COUNT(DISTINCT ?value) > {int(high)})")  # fmt: skip
            query = f"SELECT DISTINCT ?this WHERE {{ {{ {over} }} LATERAL {{ {target} }} }}"
            yield Check(name, path, SH_NS + _COMPONENT[high_key], message, query)


def _strip_prefixes(query: str) -> str:
    return re.sub(r"^\s*PREFIX\s+\S*\s*<[^>]*>\s*", "", query, flags=re.IGNORECASE | re.MULTILINE).strip()


def target_classes(shapes: Graph) -> list[str]:
    """The classes the shapes target or require values to be instances of (sh:class), whose subclasses the data
    must be asked for."""
    return sorted({str(c) for p in (SH.targetClass, SH["class"]) for c in shapes.objects(None, p)})


def compile_shapes(shapes: Graph, subclasses: dict[str, list[str]] | None = None) -> list[Check]:
    """The checks of every node shape in ``shapes``; ``subclasses`` maps each target class to it and its subclasses
    (in the data). Raises :class:`UnsupportedShapeError` for a feature the translation cannot express."""
    compiler = _Compiler(shapes, subclasses)
    shapes_found = set(shapes.subjects(RDF.type, SH.NodeShape))
    shapes_found |= {s for p in _TARGETS for s in shapes.subjects(p, None)}
    checks: list[Check] = []
    for shape in sorted(shapes_found, key=str):
        if isinstance(shape, BNode) and not any(shapes.triples((shape, p, None)) for p in _TARGETS):
            continue
        checks.extend(compiler.node_shape(shape))
    # The shapes file's own prefixes, then those its sh:declare gives SPARQL constraints (which win).
    prelude = "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in shapes.namespaces() if name)
    for declarer in sorted(set(shapes.objects(None, SH.prefixes)), key=str):
        prelude += _prefixes(shapes, declarer)
    return [Check(c.shape, c.path, c.component, c.message, prelude + c.query) for c in checks]


def run_checks(query: Any, checks: Iterable[Check], *, cap: int = 10_000, examples: int = 3) -> list[CheckResult]:
    """Run each check with ``query`` (a function from SPARQL text to solutions), keeping at most ``cap`` rows per
    check and the first ``examples`` violations, sorted."""
    results = []
    for check in checks:
        rows = list(query(f"{check.query}\nLIMIT {cap + 1}"))
        found = []
        for row in rows[:cap]:
            focus, value = row["this"], _get(row, "value")
            path = _get(row, "path")
            found.append(Violation(str(focus), str(path) if path is not None else _iri(check.path), check.component,
                                   None if value is None else str(value)))  # fmt: skip
        found.sort(key=lambda v: (v.focus, v.value or ""))
        results.append(CheckResult(check, len(found), len(rows) > cap, found[:examples] if examples >= 0 else found))
    return results


def _iri(path: str | None) -> str | None:
    return None if path is None else f"<{path}>"


def _get(row: Any, name: str) -> Any:
    try:
        return row[name]
    except (KeyError, IndexError):
        return None
