"""Every named query gives the same results on rdflib's engine and on Oxigraph over the same data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from rolegraph.sparql.engines import OxigraphEngine, RdflibEngine, select
from rolegraph.sparql.queries import query_names

ID = "https://w3id.org/rolegraph/id/"
PM = URIRef(ID + "role/production-manager")
PRODUCER = URIRef(ID + "role/producer")
ACTOR = URIRef(ID + "role/actor")

# Binding cases for every named query: with and without optional parameters, and for values that match nothing.
CASES: dict[str, list[dict[str, Any]]] = {
    "list-roles": [{}, {"profiledOnly": Literal(True)}, {"profiledOnly": Literal(False)}],
    "role-names": [{}],
    "role-lookup": [
        {"name": [Literal("Producer", lang="en"), Literal("Cast member", lang="en")]},
        {"name": [Literal("x")]},
    ],
    "role-search": [{"name": Literal("producer")}, {"name": Literal("CAST MEMBER")}, {"name": Literal("nobody")}],
    "node-matches": [{"node": [URIRef(ID + "skill/budget-management"), URIRef(ID + "role/producer")]}],
    "matched-nodes": [
        {"node": [URIRef(ID + "skill/budget-management"), URIRef(ID + "skill/communication"), PRODUCER]},
        {"node": [URIRef("http://data.europa.eu/esco/skill/21c5790c-0930-4d74-b3b0-84caf5af12ea")]},
    ],
    "role-labels": [{"role": [PM, ACTOR]}, {"role": [URIRef(ID + "duty/hire-crew")]}],
    "role-profile": [{"role": PM}, {"role": PRODUCER}, {"role": ACTOR}, {"role": Literal("Producer")}],
    "node-details": [
        {"node": URIRef(ID + "salary/producer-average")},
        {"node": URIRef(ID + "education/masters-preferred")},
    ],
    "compare": [{"role": [PM, PRODUCER]}, {"role": [PM, PRODUCER, ACTOR]}, {"role": [PRODUCER]}],
    "shared-skills": [{"a": PM, "b": PRODUCER}, {"a": PM, "b": PM}, {"a": PM, "b": ACTOR}],
    "unique-duties": [{"role": PM, "other": PRODUCER}, {"role": PRODUCER, "other": PM}, {"role": PM, "other": PM}],
    "certifications-by-organization": [{}, {"organization": URIRef(ID + "organization/iabc")}],
    "roles-by-certification": [{}, {"certification": URIRef(ID + "certification/pmi-certification")}],
    "education-requirements": [{}, {"role": PRODUCER}],
    "salary-comparison": [{}, {"role": [PM]}, {"role": [PM, PRODUCER]}],
    "similar-roles": [{"role": PRODUCER}, {"role": PM}, {"role": ACTOR}, {"role": PRODUCER, "other": [PM]}],
    "rank-similar-roles": [{"role": PRODUCER}, {"role": PM}, {"role": ACTOR}],
    "citations": [{"role": PRODUCER}, {"role": PM, "value": URIRef(ID + "duty/hire-crew")}],
    "collaborators": [{"role": PRODUCER}, {"role": PM}],
    "role-facts": [{"role": [ACTOR, PRODUCER]}, {"role": [PM]}],
    "role-sources": [{"role": [PM, PRODUCER, ACTOR]}],
    "link-weights": [{"role": [PM, PRODUCER]}, {"role": [ACTOR]}],
    "most-similar-roles": [{"role": PRODUCER}],
    "career-candidates": [{"role": PM}, {"role": ACTOR}],
    "career-links": [{"role": [PM, PRODUCER]}, {"role": [PM], "category": [Literal("skills"), Literal("duties")]}],
    "career-facts": [{"role": [PM, PRODUCER]}, {"role": [ACTOR]}],
    "career-weights": [{"role": [PM, PRODUCER]}],
    "role-gap": [{"from": PM, "to": PRODUCER}, {"from": PRODUCER, "to": PM}, {"from": PM, "to": PM}],
}

NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float}


def normal(term: Node | None) -> Any:
    """A term for comparison: numbers by value (Oxigraph writes decimals canonically, rdflib keeps the lexical form)."""
    if isinstance(term, Literal) and term.datatype in NUMERIC:
        value = term.toPython()
        return ("number", round(Decimal(str(value)), 12))
    return term


@pytest.fixture(scope="module")
def engines(graph: Graph) -> tuple[RdflibEngine, OxigraphEngine]:
    return RdflibEngine(graph), OxigraphEngine.from_graph(graph)


def test_every_query_has_cases() -> None:
    assert set(CASES) == set(query_names())


@pytest.mark.parametrize(
    ("name", "values"),
    [(name, values) for name, cases in sorted(CASES.items()) for values in cases],
    ids=[f"{name}-{i}" for name, cases in sorted(CASES.items()) for i, _ in enumerate(cases)],
)
def test_same_results_on_rdflib_and_oxigraph(
    engines: tuple[RdflibEngine, OxigraphEngine], name: str, values: dict[str, Any]
) -> None:
    rdflib_engine, oxigraph_engine = engines
    expected = select(rdflib_engine, name, values)
    actual = select(oxigraph_engine, name, values)
    assert actual.variables == expected.variables
    as_rows = lambda table: sorted((tuple(normal(t) for t in row) for row in table.rows), key=repr)  # noqa: E731
    assert as_rows(actual) == as_rows(expected)


def test_order_by_is_the_same_where_the_query_orders_fully(engines: tuple[RdflibEngine, OxigraphEngine]) -> None:
    rdflib_engine, oxigraph_engine = engines
    for name, values in [("similar-roles", {"role": PRODUCER}), ("compare", {"role": [PM, PRODUCER]})]:
        first = [tuple(normal(t) for t in row) for row in select(rdflib_engine, name, values).rows]
        second = [tuple(normal(t) for t in row) for row in select(oxigraph_engine, name, values).rows]
        assert first == second, name


@pytest.mark.parametrize("form", ["SELECT", "CONSTRUCT"])
def test_a_limit_reads_no_more_than_it_keeps_and_counts_distinct_triples(
    engines: tuple[RdflibEngine, OxigraphEngine], form: str
) -> None:
    """``execute(limit=N)`` gives exactly N rows or N distinct triples when there are more (a CONSTRUCT that repeats
    triples is not cut short below N), and everything when there are fewer."""
    # Every triple twice (once per profiled role): raw rows past 501 hold fewer than 501 distinct triples.
    where = "WHERE { ?a ?b ?c . ?d a <https://w3id.org/rolegraph/vocab#ProfiledRole> }"
    text = f"SELECT * {where}" if form == "SELECT" else f"CONSTRUCT {{ ?a ?b ?c }} {where}"
    for engine in engines:
        answer = engine.execute(text, limit=501)
        assert len(answer.rows if form == "SELECT" else answer) == 501, engine.name  # type: ignore[union-attr, arg-type]
        small = engine.execute("SELECT * WHERE { ?s a <https://w3id.org/rolegraph/vocab#ProfiledRole> }", limit=501)
        assert len(small.rows) == 2  # type: ignore[union-attr]


def test_the_shipped_files_read_by_oxigraph_are_the_triples_rdflib_reads(graph: Graph) -> None:
    """The command line's built-in graph (Oxigraph's own Turtle parser over the shipped files) holds the triples
    that rdflib's parse gives, once both are in Oxigraph (which writes decimals canonically: 62193.0 as 62193)."""
    from rdflib.compare import isomorphic

    from rolegraph.model.ontology import load_store

    def everything(engine: OxigraphEngine) -> Graph:
        answer = engine.execute("CONSTRUCT WHERE { ?s ?p ?o }")
        assert isinstance(answer, Graph)
        return answer

    direct, through_rdflib = (
        everything(OxigraphEngine(load_store(), in_memory=True)),
        everything(OxigraphEngine.from_graph(graph)),
    )
    assert len(direct) == len(through_rdflib) == len(graph)
    assert isomorphic(direct, through_rdflib)


def test_load_on_oxigraph_answers_as_rdflib_does(graph: Graph) -> None:
    """``load(engine="oxigraph")`` (what the command line uses) gives the same roles, comparisons and similarities
    as the rdflib-backed ``load()``, and its ``rdf`` is rdflib's parse of the same files."""
    import rolegraph

    fast, plain = rolegraph.load(engine="oxigraph"), rolegraph.load()
    assert fast.engine.name == "oxigraph" and plain.engine.name == "rdflib"
    assert fast.roles() == plain.roles()
    assert (
        fast.compare("Production Manager", "Producer").to_dict()
        == plain.compare("Production Manager", "Producer").to_dict()
    )
    assert fast.similar("Producer") == plain.similar("Producer")
    assert len(fast.rdf) == len(plain.rdf) == len(graph)
    with pytest.raises(ValueError, match="unknown engine"):
        rolegraph.load(engine="sqlite")
