"""A role as a schema.org Occupation in JSON-LD that a job page can embed: skills, responsibilities, education
requirements, qualifications, estimated salary and occupational category. Built from the role's profile.

The context is inline (``{"@vocab": "https://schema.org/"}``), so the document parses offline. :func:`occupation_json`
writes it with ``<``, ``>`` and ``&`` escaped (``\u003c``...), so it can be pasted into a page's
``<script type="application/ld+json">`` whatever the labels hold.

>>> import json, rolegraph
>>> g = rolegraph.load()
>>> document = occupation_jsonld(g.engine, g.resolve("Producer"))
>>> document["@type"], document["name"], document["estimatedSalary"][0]["currency"]
('Occupation', 'Producer', 'USD')
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, URIRef

from .compare.profile import role_profile
from .model.namespaces import RG
from .sparql.engines import QueryEngine, select
from .sparql.results import json_text

__all__ = ["occupation_json", "occupation_jsonld"]


def _details(graph: Graph | QueryEngine, node: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in select(graph, "node-details", {"node": URIRef(node)}):
        found.setdefault(str(row.property), []).append(str(row.value))
    return found


def occupation_jsonld(graph: Graph | QueryEngine, role: URIRef) -> dict[str, Any]:
    """The schema.org Occupation for ``role`` as a JSON-LD document (a dict)."""
    profile = role_profile(graph, role)
    by_property: dict[URIRef, list[Any]] = {}
    for entry in profile.entries:
        by_property.setdefault(entry.property, []).append(entry)
    document: dict[str, Any] = {
        "@context": {"@vocab": "https://schema.org/"},
        "@type": "Occupation",
        "@id": str(role),
        "name": profile.label,
    }
    if profile.definition:
        document["description"] = profile.definition
    skills = by_property.get(RG.requiresSkill, []) + by_property.get(RG.requiresKnowledge, [])
    if skills:
        document["skills"] = [{"@type": "DefinedTerm", "@id": str(e.value), "name": e.label} for e in skills]
    duties = by_property.get(RG.hasDuty, [])
    if duties:
        document["responsibilities"] = [e.label for e in duties]
    education = by_property.get(RG.requiresEducation, [])
    if education:
        document["educationRequirements"] = []
        for entry in education:
            facts = _details(graph, str(entry.value))
            credential: dict[str, Any] = {"@type": "EducationalOccupationalCredential", "name": entry.label}
            level = facts.get(str(RG.educationLevel))
            if level:
                credential["educationalLevel"] = [{"@id": value} for value in level]
            requirement = facts.get(str(RG.requirementLevel))
            if requirement:
                credential["description"] = f"{requirement[0].rsplit('#', 1)[-1]} requirement"
            document["educationRequirements"].append(credential)
    certifications = by_property.get(RG.recommendedCertification, [])
    if certifications:
        document["qualifications"] = []
        for entry in certifications:
            issuers = _details(graph, str(entry.value)).get(str(RG.issuedBy), [])
            credential = {"@type": "EducationalOccupationalCredential", "@id": str(entry.value), "name": entry.label}
            if issuers:
                credential["recognizedBy"] = [{"@type": "Organization", "@id": iri} for iri in issuers]
            document["qualifications"].append(credential)
    salaries = by_property.get(RG.hasSalary, [])
    if salaries:
        document["estimatedSalary"] = []
        for entry in salaries:
            facts = _details(graph, str(entry.value))
            amount: dict[str, Any] = {"@type": "MonetaryAmount", "name": entry.label}
            if facts.get("https://schema.org/currency"):
                amount["currency"] = facts["https://schema.org/currency"][0]
            value: dict[str, Any] = {"@type": "QuantitativeValue"}
            if facts.get("https://schema.org/value"):
                value["value"] = float(facts["https://schema.org/value"][0])
            if facts.get("https://schema.org/unitText"):
                value["unitText"] = facts["https://schema.org/unitText"][0]
            amount["value"] = value
            document["estimatedSalary"].append(amount)
    categories = _details(graph, str(role)).get("https://schema.org/occupationalCategory", [])
    notations = _details(graph, str(role)).get("http://www.w3.org/2004/02/skos/core#notation", [])
    category_codes = []
    for category in categories:
        facts = _details(graph, category)
        code = facts.get("https://schema.org/codeValue", [""])[0]
        code_set = facts.get("https://schema.org/inCodeSet", [""])[0]
        category_codes.append({"@type": "CategoryCode", "codeValue": code, "inCodeSet": code_set})
    for notation in notations:
        code_set = "O*NET-SOC 2019" if "/onet/occupation/" in str(role) else "ESCO"
        category_codes.append({"@type": "CategoryCode", "codeValue": notation, "inCodeSet": code_set})
    if category_codes:
        document["occupationalCategory"] = category_codes
    return document


def occupation_json(graph: Graph | QueryEngine, role: URIRef) -> str:
    """:func:`occupation_jsonld` as JSON text safe inside an HTML ``<script>`` element (and on a terminal).

    >>> import rolegraph
    >>> g = rolegraph.load()
    >>> "<" in occupation_json(g.engine, g.resolve("Producer"))
    False
    """
    return json_text(occupation_jsonld(graph, role), html_safe=True, indent=2) + "\n"
