"""A seeded generator of occupation graphs for benchmarks: N roles, each with ~30 skills (of 13,000), ~20 duties, a few
certifications (with issuers), an education requirement, a salary and collaborators, in rolegraph's vocabulary.

The same seed gives the same graph. :func:`generate` returns the triples (pyoxigraph terms) and the same facts as
plain Python sets, for the plain-Python floor of compare and most-similar.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

BASE = "https://w3id.org/rolegraph/id/bench/"
RG = "https://w3id.org/rolegraph/vocab#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SCHEMA = "https://schema.org/"
XSD_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def role_iri(i: int) -> str:
    return f"{BASE}role/{i}"


@dataclass
class Generated:
    """The generated graph as sets per role and facet (IRIs as strings), for the plain-Python baselines."""

    roles: int
    facets: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    triples: int = 0


def _n(kind: str, i: int) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}{kind}/{i}")


def _label(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def generate(roles: int = 10_000, *, skills: int = 13_000, seed: int = 7) -> tuple[list[Any], Generated]:
    """The triples of a graph of ``roles`` roles, and its facts as sets."""
    chooser = random.Random(seed)
    out = Generated(roles, {f: {} for f in ("skills", "duties", "certifications", "education", "collaborators")})
    triples: list[Any] = []

    def add(s: Any, p: str, o: Any) -> None:
        triples.append((s, ox.NamedNode(p), o))

    organisations, certifications, educations, duty_pool = 40, 400, 12, roles * 10
    for j in range(skills):
        add(_n("skill", j), RDF_TYPE.value, ox.NamedNode(RG + "Skill"))
        add(_n("skill", j), LABEL.value, _label(f"skill {j}"))
    for j in range(organisations):
        add(_n("organization", j), RDF_TYPE.value, ox.NamedNode(RG + "Organization"))
        add(_n("organization", j), LABEL.value, _label(f"organisation {j}"))
    for j in range(certifications):
        add(_n("certification", j), RDF_TYPE.value, ox.NamedNode(RG + "Certification"))
        add(_n("certification", j), LABEL.value, _label(f"certification {j}"))
        add(_n("certification", j), RG + "issuedBy", _n("organization", j % organisations))
    for j in range(educations):
        add(_n("education", j), RDF_TYPE.value, ox.NamedNode(RG + "EducationRequirement"))
        add(_n("education", j), LABEL.value, _label(f"education {j}"))
    # Skill popularity is skewed (a few skills are common, most are rare), as in ESCO and O*NET.
    weights = [1.0 / (1 + j) ** 0.8 for j in range(skills)]
    for i in range(roles):
        role = _n("role", i)
        iri = role.value
        add(role, RDF_TYPE.value, ox.NamedNode(RG + "ProfiledRole"))
        add(role, LABEL.value, _label(f"Role {i}"))
        picked = set(chooser.choices(range(skills), weights=weights, k=34))
        out.facets["skills"][iri] = {_n("skill", j).value for j in picked}
        for j in picked:
            add(role, RG + "requiresSkill", _n("skill", j))
        duties = {chooser.randrange(duty_pool) for _ in range(20)}
        out.facets["duties"][iri] = {_n("duty", j).value for j in duties}
        for j in duties:
            add(role, RG + "hasDuty", _n("duty", j))
            add(_n("duty", j), LABEL.value, _label(f"duty {j}"))
        certs = {chooser.randrange(certifications) for _ in range(chooser.randint(0, 3))}
        out.facets["certifications"][iri] = {_n("certification", j).value for j in certs}
        for j in certs:
            add(role, RG + "recommendedCertification", _n("certification", j))
        education = chooser.randrange(educations)
        out.facets["education"][iri] = {_n("education", education).value}
        add(role, RG + "requiresEducation", _n("education", education))
        salary = _n("salary", i)
        add(role, RG + "hasSalary", salary)
        add(salary, RDF_TYPE.value, ox.NamedNode(RG + "Salary"))
        add(salary, SCHEMA + "value", ox.Literal(str(chooser.randint(30_000, 150_000)), datatype=XSD_DECIMAL))
        add(salary, SCHEMA + "currency", ox.Literal("USD"))
        colleagues = {chooser.randrange(roles) for _ in range(2)} - {i}
        out.facets["collaborators"][iri] = {role_iri(j) for j in colleagues}
        for j in colleagues:
            add(role, RG + "worksWith", _n("role", j))
    out.triples = len(triples)
    return triples, out


def triples_iter(triples: list[Any]) -> Iterator[Any]:
    yield from triples
