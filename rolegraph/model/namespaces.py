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
    Ability: URIRef
    Certification: URIRef
    Department: URIRef
    Duty: URIRef
    EducationLevel: URIRef
    EducationRequirement: URIRef
    EnvironmentAspect: URIRef
    ExperienceRequirement: URIRef
    FieldOfStudy: URIRef
    Industry: URIRef
    Interest: URIRef
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
    Tool: URIRef
    TrainingRequirement: URIRef
    WorkActivity: URIRef
    WorkContext: URIRef
    WorkEnvironment: URIRef
    WorkStyle: URIRef
    WorkValue: URIRef

    # Object properties
    currentGraph: URIRef
    educationLevel: URIRef
    environmentAspect: URIRef
    fieldOfStudy: URIRef
    hasDuty: URIRef
    hasExternalStakeholder: URIRef
    hasInterest: URIRef
    hasSalary: URIRef
    hasSkillFocus: URIRef
    hasWorkContext: URIRef
    hasWorkEnvironment: URIRef
    hasWorkStyle: URIRef
    hasWorkValue: URIRef
    inIndustry: URIRef
    involvesActivity: URIRef
    issuedBy: URIRef
    mappingJustification: URIRef
    mappingObject: URIRef
    mappingPredicate: URIRef
    mappingSubject: URIRef
    mayAlsoActAs: URIRef
    performsActivity: URIRef
    recommendedCertification: URIRef
    relatedOccupation: URIRef
    requirementLevel: URIRef
    requiresAbility: URIRef
    requiresEducation: URIRef
    requiresExperience: URIRef
    requiresKnowledge: URIRef
    requiresSkill: URIRef
    requiresTraining: URIRef
    roleLink: URIRef
    similarityOf: URIRef
    similarTo: URIRef
    skillFocus: URIRef
    statistic: URIRef
    taskType: URIRef
    unionHolds: URIRef
    unionMayHold: URIRef
    usesTechnology: URIRef
    usesTool: URIRef
    variesWith: URIRef
    worksOnProjectType: URIRef
    worksWith: URIRef

    # Annotation properties
    comparisonCategory: URIRef

    # Datatype properties
    confidence: URIRef
    creditLine: URIRef
    facetScores: URIRef
    highPoint: URIRef
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
    score: URIRef
    sectionHeading: URIRef
    sha256: URIRef
    similarityRank: URIRef
    similarityScore: URIRef

    # Controlled values
    average: URIRef
    core: URIRef
    creative: URIRef
    emerging: URIRef
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
