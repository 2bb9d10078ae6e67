"""rolegraph.sparql.queries: every .rq file is documented and well-formed, and parameters are bound as data, never as
text."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from rolegraph.errors import QueryParameterError, ResourceMissingError, UnknownQueryError
from rolegraph.sparql.engines import select
from rolegraph.sparql.queries import _parse_header, bind, get_query, list_queries, query_names

PRODUCER = URIRef("https://w3id.org/rolegraph/id/role/producer")

HOSTILE = [
    'Producer" } ; DROP ALL ; #',
    "x } UNION { ?role ?p ?o } #",
    "Producer\n} SELECT * WHERE { ?s ?p ?o",
    "<https://w3id.org/rolegraph/id/role/producer>",
    "SELECT * WHERE { ?s ?p ?o }",
    "''' } # \\\\",
    "VALUES ?role { role:producer }",
]


def test_queries_are_found() -> None:
    expected = {
        "list-roles", "role-profile", "role-names", "node-details", "compare", "shared-skills", "unique-duties",
        "certifications-by-organization", "roles-by-certification", "education-requirements", "salary-comparison",
        "similar-roles", "citations", "collaborators",
    }  # fmt: skip
    assert expected <= set(query_names())


@pytest.mark.parametrize("name", query_names())
def test_every_query_parses_and_has_a_header(name: str) -> None:
    query = get_query(name)
    assert query.purpose, f"{name}.rq needs a '# purpose:' line"
    assert query.output, f"{name}.rq needs a '# output:' line"
    assert query.example.startswith(f"rolegraph query {name}"), f"{name}.rq needs a '# example:' line"
    query.prepared()
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    for parameter in query.parameters:
        assert f"?{parameter.name}" in body, f"{name}.rq declares ?{parameter.name} but does not use it"


@pytest.mark.parametrize("name", query_names())
def test_declared_outputs_are_the_select_variables(name: str, graph: Graph) -> None:
    query = get_query(name)
    values: dict[str, Any] = {p.name: PRODUCER for p in query.parameters if not p.optional}
    if "role" in values and query.parameter("role").is_list:
        values["role"] = [PRODUCER]
    assert select(graph, query, values).variables == query.output


def test_a_parameter_without_a_values_marker_is_refused() -> None:
    text = "# purpose: x\n# param ?role (role): the role\n# output: ?s\nSELECT ?s WHERE { ?role ?p ?s }\n"
    with pytest.raises(ResourceMissingError, match="has no '#@values \\?role' line"):
        _parse_header("broken", text)


def test_unknown_query_lists_the_valid_names() -> None:
    with pytest.raises(UnknownQueryError) as caught:
        get_query("no-such-query")
    assert "role-profile" in str(caught.value) and "similar-roles" in str(caught.value)


def test_unknown_parameter_is_refused_with_the_valid_ones() -> None:
    with pytest.raises(QueryParameterError, match="no parameter 'colour'; its parameters: a, b"):
        bind("shared-skills", {"a": PRODUCER, "b": PRODUCER, "colour": Literal("red")})


def test_missing_parameter_is_refused() -> None:
    with pytest.raises(QueryParameterError, match="needs a value for role"):
        bind("role-profile", {})


def test_several_values_for_a_single_parameter_are_refused() -> None:
    with pytest.raises(QueryParameterError, match="takes one value, not 2"):
        bind("role-profile", {"role": [PRODUCER, PRODUCER]})


def test_an_iri_that_cannot_be_written_is_refused() -> None:
    with pytest.raises(QueryParameterError, match="not a usable IRI"):
        bind("role-profile", {"role": URIRef("https://example.org/a> } ; DROP ALL ; <x")})


def inline_data(text: str) -> list[Any]:
    """Every value in the VALUES blocks of a query text, as the SPARQL parser reads them."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, CompValue):
            if node.name == "InlineData":
                found.extend(node.get("value") or [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            for item in node:
                walk(item)

    walk(parseQuery(text))
    return found


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_values_are_only_data(graph: Graph, text: str) -> None:
    bound = bind("role-profile", {"role": Literal(text)})
    values = inline_data(bound.text)
    # One VALUES block per marker, each holding the value as one literal and nothing else.
    assert len(values) == get_query("role-profile").text.count("#@values ?role") > 1
    assert all(value["string"] == Literal(text) for value in values)
    assert list(select(graph, "role-profile", {"role": Literal(text)})) == []
    assert list(select(graph, "compare", {"role": [Literal(text), PRODUCER]})) != []


@pytest.mark.parametrize("text", ["a\\u0022b", "x\\U0000007D", "\\u005C"])
def test_values_with_codepoint_escapes_are_refused(text: str) -> None:
    # SPARQL decodes \uXXXX anywhere in query text; rdflib would then see another value than the one given.
    with pytest.raises(QueryParameterError, match="backslash-u escape"):
        bind("role-profile", {"role": Literal(text)})


def test_a_free_optional_parameter_leaves_the_query_unchanged() -> None:
    assert bind("list-roles").text == get_query("list-roles").text


def test_list_queries_is_sorted_by_name() -> None:
    names = [q.name for q in list_queries()]
    assert names == sorted(names)
