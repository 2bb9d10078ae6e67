"""rolegraph's namespaces as plain strings, for code that must not import rdflib (see :mod:`rolegraph.model.terms`);
:mod:`rolegraph.model.namespaces` builds its rdflib namespaces from these.

>>> prefixed("https://w3id.org/rolegraph/id/role/producer")
'role:producer'
"""

from __future__ import annotations

__all__ = ["ID", "PREFIX_IRIS", "SCHEMA", "VOCAB", "prefixed"]

VOCAB = "https://w3id.org/rolegraph/vocab#"
"""The rolegraph vocabulary (``rg:``)."""

ID = "https://w3id.org/rolegraph/id/"
"""Base of the IRIs rolegraph mints for its own data."""

SCHEMA = "https://schema.org/"

PREFIX_IRIS: dict[str, str] = {
    "rg": VOCAB,
    "role": ID + "role/",
    "duty": ID + "duty/",
    "skill": ID + "skill/",
    "cert": ID + "certification/",
    "org": ID + "organization/",
    "edu": ID + "education/",
    "env": ID + "environment/",
    "salary": ID + "salary/",
    "dept": ID + "department/",
    "project": ID + "project-type/",
    "field": ID + "field-of-study/",
    "industry": ID + "industry/",
    "factor": ID + "salary-factor/",
    "src": ID + "source/",
    "schema": SCHEMA,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
"""rolegraph's prefixes and their namespaces, in the order :func:`prefixed` tries them."""


def prefixed(iri: str) -> str | None:
    """``iri`` as ``prefix:local`` with one of rolegraph's prefixes, or None when none fits."""
    for prefix, namespace in PREFIX_IRIS.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            if all(ch.isalnum() or ch in "-_." for ch in local):
                return f"{prefix}:{local}"
    return None
