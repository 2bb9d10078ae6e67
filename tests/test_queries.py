"""rolegraph.queries: every .rq file is well-formed and documented; parameters are bound, never pasted."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from rolegraph.errors import QueryParameterError, UnknownQueryError
from rolegraph.queries import get_query, list_queries, query_names, run_query

HOSTILE = [
    'Producer" } ; DROP ALL ; #',
    "x } UNION { ?role ?p ?o } #",
    "Producer\n} SELECT * WHERE { ?s ?p ?o",
    "<https://w3id.org/rolegraph/id/role/producer>",
    "SELECT * WHERE { ?s ?p ?o }",
    "'''\\u0022 }",
]


def test_queries_are_found() -> None:
    assert {"list-roles", "role-profile", "role-names", "node-details"} <= set(query_names())


@pytest.mark.parametrize("name", query_names())
def test_every_query_parses_and_has_a_header(name: str) -> None:
    query = get_query(name)
    assert query.purpose, f"{name}.rq needs a '# purpose:' line"
    assert query.output, f"{name}.rq needs a '# output:' line"
    assert query.example.startswith("rolegraph query"), f"{name}.rq needs a '# example:' line"
    query.prepared()
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    for parameter in query.parameters:
        assert f"?{parameter.name}" in body, f"{name}.rq declares ?{parameter.name} but does not use it"


@pytest.mark.parametrize("name", query_names())
def test_declared_outputs_are_the_select_variables(name: str, graph: Graph) -> None:
    query = get_query(name)
    bindings = {
        p.name: URIRef("https://w3id.org/rolegraph/id/role/producer") for p in query.parameters if not p.optional
    }
    result = run_query(graph, query, bindings)
    assert [str(v) for v in result.vars or []] == list(query.output)


def test_unknown_query_lists_the_valid_names() -> None:
    with pytest.raises(UnknownQueryError) as caught:
        get_query("no-such-query")
    assert "role-profile" in str(caught.value)


def test_unknown_parameter_is_refused(graph: Graph) -> None:
    with pytest.raises(QueryParameterError, match="no parameter colour"):
        run_query(graph, "list-roles", {"colour": Literal("red")})


def test_missing_parameter_is_refused(graph: Graph) -> None:
    with pytest.raises(QueryParameterError, match="needs a value for role"):
        run_query(graph, "role-profile", {})


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_values_are_only_data(graph: Graph, text: str) -> None:
    assert list(run_query(graph, "role-profile", {"role": Literal(text)})) == []
    assert list(run_query(graph, "node-details", {"node": Literal(text)})) == []


def test_binding_the_real_role_gives_its_rows(graph: Graph) -> None:
    rows = list(run_query(graph, "role-profile", {"role": URIRef("https://w3id.org/rolegraph/id/role/producer")}))
    assert {str(r.propertyLabel) for r in rows} >= {"has duty", "requires skill", "has salary"}


def test_list_queries_is_sorted_by_name() -> None:
    names = [q.name for q in list_queries()]
    assert names == sorted(names)
