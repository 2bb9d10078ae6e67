"""rolegraph.roles: listing and resolving role names."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from rolegraph.errors import UnknownRoleError
from rolegraph.ontology import load_graph
from rolegraph.roles import AmbiguousRoleError, list_roles, resolve_role

ROLE = "https://w3id.org/rolegraph/id/role/"
PRODUCER = URIRef(ROLE + "producer")
PM = URIRef(ROLE + "production-manager")


def test_profiled_roles_are_the_articles_two(graph: Graph) -> None:
    roles = list_roles(graph, profiled_only=True)
    assert [(r.label, r.duties, r.skills) for r in roles] == [("Producer", 13, 5), ("Production Manager", 9, 5)]


def test_all_roles_include_the_mentioned_ones(graph: Graph) -> None:
    labels = {r.label for r in list_roles(graph)}
    assert {"Director", "Writer", "Executive Producer", "Investor", "Studio executive"} <= labels
    assert all(not r.profiled for r in list_roles(graph) if r.label == "Director")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Producer", PRODUCER),
        ("  production   MANAGER ", PM),
        (str(PM), PM),
        ("production-manager", PM),
        ("role:producer", PRODUCER),
        ("cast member", URIRef(ROLE + "actor")),
    ],
)
def test_resolve_by_label_iri_local_name_and_alt_label(graph: Graph, name: str, expected: URIRef) -> None:
    assert resolve_role(graph, name) == expected


def test_unknown_role_suggests_close_matches(graph: Graph) -> None:
    with pytest.raises(UnknownRoleError) as caught:
        resolve_role(graph, "Production Manger")
    assert caught.value.suggestions[0] == "Production Manager"
    assert "rolegraph roles" in str(caught.value)


def test_unknown_role_with_nothing_close(graph: Graph) -> None:
    with pytest.raises(UnknownRoleError) as caught:
        resolve_role(graph, "zzzz")
    assert caught.value.suggestions == []


def test_two_roles_sharing_a_label_is_ambiguous(tmp_path) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "twin.ttl"
    extra.write_text(
        "@prefix rg: <https://w3id.org/rolegraph/vocab#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/other-producer> a rg:Role ; rdfs:label "Producer"@en .\n'
    )
    g = load_graph([extra])
    with pytest.raises(AmbiguousRoleError) as caught:
        resolve_role(g, "producer")
    assert {iri for iri, _ in caught.value.candidates} == {PRODUCER, URIRef("https://example.org/other-producer")}
