"""rolegraph.model.namespaces and the vocabulary file agree, and the vocabulary is complete."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from rolegraph.model.namespaces import RG, SCHEMA, bind_prefixes
from rolegraph.model.ontology import load_vocabulary

VANN = "http://purl.org/vocab/vann/"


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return load_vocabulary()


def declared_terms(vocab: Graph) -> set[URIRef]:
    return {s for s in vocab.subjects() if isinstance(s, URIRef) and str(s).startswith(str(RG._NS))}


def test_python_namespace_lists_exactly_the_vocabulary_terms(vocab: Graph) -> None:
    in_python = {RG[name] for name in RG.__annotations__}
    assert in_python == declared_terms(vocab)


def test_typo_in_a_term_fails_loudly() -> None:
    with pytest.raises(AttributeError, match="hasDutty"):
        _ = RG.hasDutty


def test_every_class_and_property_has_label_and_comment(vocab: Graph) -> None:
    for term in declared_terms(vocab):
        assert vocab.value(term, RDFS.label) is not None, term
        assert vocab.value(term, RDFS.comment) is not None, term


def test_every_property_has_domain_and_range(vocab: Graph) -> None:
    properties = set(vocab.subjects(RDF.type, OWL.ObjectProperty)) | set(vocab.subjects(RDF.type, OWL.DatatypeProperty))
    assert len(properties) >= 25
    for prop in properties:
        assert vocab.value(prop, RDFS.domain) is not None, prop
        assert vocab.value(prop, RDFS.range) is not None, prop


def test_ontology_header(vocab: Graph) -> None:
    ontology = URIRef("https://w3id.org/rolegraph/vocab")
    assert (ontology, RDF.type, OWL.Ontology) in vocab
    for predicate in (OWL.versionIRI, OWL.versionInfo, DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert vocab.value(ontology, predicate) is not None, predicate
    assert str(vocab.value(ontology, URIRef(VANN + "preferredNamespacePrefix"))) == "rg"
    assert str(vocab.value(ontology, URIRef(VANN + "preferredNamespaceUri"))) == str(RG._NS)


@pytest.mark.parametrize(
    ("term", "parent"),
    [
        (RG.Role, SCHEMA.Occupation),
        (RG.Certification, SCHEMA.EducationalOccupationalCredential),
        (RG.Organization, SCHEMA.Organization),
        (RG.Salary, SCHEMA.MonetaryAmount),
    ],
)
def test_classes_align_with_schema_org(vocab: Graph, term: URIRef, parent: URIRef) -> None:
    assert (term, RDFS.subClassOf, parent) in vocab


def test_role_links_all_derive_from_role_link(vocab: Graph) -> None:
    links = set(vocab.subjects(RDFS.subPropertyOf, RG.roleLink))
    assert {RG.hasDuty, RG.requiresSkill, RG.recommendedCertification, RG.hasSalary, RG.worksWith} <= links
    for link in links:
        if str(link).startswith(str(RG)):  # ESCO's skill links are in the closure too, with ESCO's own domain
            assert vocab.value(link, RDFS.domain) == RG.Role


def test_bind_prefixes_gives_short_names() -> None:
    g = bind_prefixes(Graph())
    assert g.namespace_manager.normalizeUri(RG.hasDuty) == "rg:hasDuty"
