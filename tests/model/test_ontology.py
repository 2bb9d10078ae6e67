"""rolegraph.model.ontology: loading the shipped files and reporting bad files precisely."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from rolegraph.errors import DataSyntaxError, InputError
from rolegraph.model import resources
from rolegraph.model.namespaces import RG
from rolegraph.model.ontology import load_graph, parse_into


def test_shipped_graph_holds_vocabulary_and_data(graph: Graph) -> None:
    assert (RG.Role, None, None) in graph
    producer = URIRef("https://w3id.org/rolegraph/id/role/producer")
    assert (producer, RG.hasDuty, None) in graph
    assert len(graph) > 900


def test_resources_found_in_checkout() -> None:
    names = [f.name for f in resources.data_files()]
    assert "production-manager-vs-producer.ttl" in names
    assert resources.shapes_file().is_file()
    assert (resources.queries_dir() / "role-profile.rq").is_file()


def test_malformed_turtle_reports_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e ex:f\nex:g ex:h ex:i .\n")
    with pytest.raises(DataSyntaxError) as caught:
        parse_into(Graph(), bad)
    assert caught.value.path == str(bad)
    assert caught.value.line == 4
    assert caught.value.column == 1
    assert "expected '.'" in str(caught.value)
    assert str(caught.value).startswith(f"{bad}:4:1:")


def test_unterminated_string_reports_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "open\nex:c ex:d ex:e .\n')
    with pytest.raises(DataSyntaxError) as caught:
        parse_into(Graph(), bad)
    assert caught.value.line == 2


def test_failed_parse_leaves_graph_unchanged(tmp_path: Path) -> None:
    bad = tmp_path / "half.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:broken ex:b "x\n')
    g = Graph()
    with pytest.raises(DataSyntaxError):
        parse_into(g, bad)
    assert len(g) == 0


def test_not_utf8_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.ttl"
    bad.write_bytes('@prefix ex: <http://example.org/> .\nex:a ex:b "caf\u00e9" .\n'.encode("latin-1"))
    with pytest.raises(DataSyntaxError, match="not UTF-8") as caught:
        parse_into(Graph(), bad)
    assert caught.value.line == 2


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    good = tmp_path / "bom.ttl"
    good.write_bytes(b"\xef\xbb\xbf<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    assert len(parse_into(Graph(), good)) == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.ttl", "no such file"), ("data.rdf", "unknown RDF file type")],
)
def test_unusable_paths_are_input_errors(tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    if name.endswith(".rdf"):
        path.write_text("<rdf:RDF/>")
    with pytest.raises(InputError, match=message):
        parse_into(Graph(), path)


def test_extra_files_are_added(tmp_path: Path) -> None:
    extra = tmp_path / "extra.nt"
    extra.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    g = load_graph([extra])
    assert (URIRef("http://example.org/a"), URIRef("http://example.org/b"), URIRef("http://example.org/c")) in g


def test_the_vocabulary_states_its_role_hierarchy_closure(graph: Graph) -> None:
    """The queries follow one rdfs:subClassOf / rdfs:subPropertyOf step (no property paths, which some servers
    evaluate wrongly), so the vocabulary states the reflexive and transitive closure of its role hierarchies."""
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    rg = "https://w3id.org/rolegraph/vocab#"
    role, role_link = URIRef(rg + "Role"), URIRef(rg + "roleLink")
    role_classes = set(graph.transitive_subjects(RDFS.subClassOf, role))
    assert URIRef(rg + "ProfiledRole") in role_classes
    for cls in role_classes:
        assert (cls, RDFS.subClassOf, role) in graph, cls
        assert (cls, RDFS.subClassOf, cls) in graph, cls
    links = set(graph.transitive_subjects(RDFS.subPropertyOf, role_link)) - {role_link}
    assert len(links) >= 14
    for link in links:
        assert (link, RDFS.subPropertyOf, role_link) in graph, link
        for above in graph.transitive_objects(link, RDFS.subPropertyOf):
            if above != role_link and str(above).startswith(rg):
                assert (link, RDFS.subPropertyOf, above) in graph, (link, above)
        if str(link).startswith(rg):
            assert (link, RDFS.subPropertyOf, link) in graph, link
