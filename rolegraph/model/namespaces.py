"""Namespaces: the rolegraph vocabulary as a closed namespace, the data namespaces, and prefix binding.

>>> from rolegraph.model.namespaces import RG
>>> RG.hasDuty
rdflib.term.URIRef('https://w3id.org/rolegraph/vocab#hasDuty')
>>> RG.hasDutty  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
AttributeError: term 'hasDutty' not in namespace 'https://w3id.org/rolegraph/vocab#'
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SDO, DefinedNamespace

from .iris import ID as _ID
from .iris import PREFIX_IRIS, prefixed
from .iris import VOCAB as _VOCAB

__all__ = ["ID", "PREFIXES", "RG", "SCHEMA", "bind_prefixes", "prefixed"]


class RG(DefinedNamespace):
    """The rolegraph vocabulary (ontology/rolegraph.ttl). A test keeps this list equal to the Turtle file."""

    _fail = True
    _NS = Namespace(_VOCAB)

    # Classes
    Certification: URIRef
    Department: URIRef
    Duty: URIRef
    EducationLevel: URIRef
    EducationRequirement: URIRef
    EnvironmentAspect: URIRef
    FacetScore: URIRef
    FieldOfStudy: URIRef
    Industry: URIRef
    KnowledgeArea: URIRef
    LoadedSource: URIRef
    Mapping: URIRef
    Organization: URIRef
    Passage: URIRef
    ProfiledRole: URIRef
    ProjectType: URIRef
    RequirementLevel: URIRef
    Role: URIRef
    RoleSimilarity: URIRef
    Salary: URIRef
    SalaryFactor: URIRef
    Skill: URIRef
    SkillFocus: URIRef
    SourceDocument: URIRef
    Statistic: URIRef
    TaskType: URIRef
    WorkEnvironment: URIRef

    # Object properties
    currentGraph: URIRef
    educationLevel: URIRef
    environmentAspect: URIRef
    facetScore: URIRef
    fieldOfStudy: URIRef
    hasDuty: URIRef
    hasExternalStakeholder: URIRef
    hasSalary: URIRef
    hasSkillFocus: URIRef
    hasWorkEnvironment: URIRef
    inIndustry: URIRef
    issuedBy: URIRef
    mappingJustification: URIRef
    mappingObject: URIRef
    mappingPredicate: URIRef
    mappingSubject: URIRef
    mayAlsoActAs: URIRef
    recommendedCertification: URIRef
    relatedOccupation: URIRef
    requirementLevel: URIRef
    requiresEducation: URIRef
    requiresKnowledge: URIRef
    requiresSkill: URIRef
    roleLink: URIRef
    similarityOf: URIRef
    similarTo: URIRef
    skillFocus: URIRef
    statistic: URIRef
    taskType: URIRef
    unionHolds: URIRef
    unionMayHold: URIRef
    usesTechnology: URIRef
    variesWith: URIRef
    worksOnProjectType: URIRef
    worksWith: URIRef

    # Annotation properties
    comparisonCategory: URIRef

    # Datatype properties
    confidence: URIRef
    creditLine: URIRef
    facet: URIRef
    importance: URIRef
    importedAt: URIRef
    jobZone: URIRef
    level: URIRef
    line: URIRef
    mappingMethod: URIRef
    mappingMethodVersion: URIRef
    matchSource: URIRef
    paragraph: URIRef
    percentage: URIRef
    release: URIRef
    sectionHeading: URIRef
    sha256: URIRef
    similarityRank: URIRef
    similarityScore: URIRef

    # Controlled values
    average: URIRef
    core: URIRef
    creative: URIRef
    hours: URIRef
    logistical: URIRef
    minimum: URIRef
    preferred: URIRef
    setting: URIRef
    supplemental: URIRef
    travel: URIRef


ID = Namespace(_ID)
"""Base of the IRIs rolegraph mints for its own data (roles, duties, skills, sources, ...)."""

SCHEMA = SDO

PREFIXES: dict[str, Namespace] = {prefix: Namespace(namespace) for prefix, namespace in PREFIX_IRIS.items()}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind rolegraph's prefixes on ``graph`` (replacing clashing ones) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
