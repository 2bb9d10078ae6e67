"""Every named query answers the article's questions with the rows the article supports, written out here, on rdflib
and on Oxigraph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal

import rolegraph
from rolegraph.api import RoleGraph
from rolegraph.sparql.results import ResultTable

ID = "https://w3id.org/rolegraph/id/"


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def g(request: pytest.FixtureRequest) -> RoleGraph:
    """The shipped graph on each engine (the command line's built-in graph runs on Oxigraph)."""
    return rolegraph.load(engine=request.param)


def column(table: ResultTable, name: str) -> list[str]:
    return [str(getattr(row, name)) for row in table]


def test_list_roles(g: RoleGraph) -> None:
    rows = g.query("list-roles", profiledOnly="true")
    assert [(str(r.label), int(r.duties), int(r.skills)) for r in rows] == [
        ("Producer", 13, 5),
        ("Production Manager", 9, 5),
    ]
    everyone = column(g.query("list-roles"), "label")
    assert everyone == sorted(everyone, key=str.lower)
    assert len(everyone) == 10


def test_role_names(g: RoleGraph) -> None:
    names = {(str(r.role).removeprefix(ID), str(r.name), str(r.kind)) for r in g.query("role-names")}
    assert ("role/actor", "Cast member", "alternative label") in names
    assert ("role/producer", "Producer", "label") in names


def test_role_lookup(g: RoleGraph) -> None:
    rows = g.query("role-lookup", name=[Literal("Cast member", lang="en"), Literal("Producer", lang="en")])
    assert [(str(r.role).removeprefix(ID), str(r.label), str(r.kind), str(r.matched), str(r.code)) for r in rows] == [
        ("role/actor", "Actor", "alternative label", "Cast member", ""),
        ("role/producer", "Producer", "label", "Producer", ""),
    ]
    assert len(g.query("role-lookup", name=[Literal("producer", lang="en")])) == 0


def test_role_search(g: RoleGraph) -> None:
    rows = g.query("role-search", name="cast MEMBER")
    assert [(str(r.role).removeprefix(ID), str(r.kind), str(r.matched)) for r in rows] == [
        ("role/actor", "alternative label", "Cast member")
    ]
    assert column(g.query("role-search", name="PRODUCER"), "kind") == ["label"]


def test_role_labels(g: RoleGraph) -> None:
    rows = g.query("role-labels", role=[ID + "role/producer", ID + "duty/hire-crew"])
    assert [(str(r.role).removeprefix(ID), str(r.label)) for r in rows] == [("role/producer", "Producer")]


def test_node_matches(g: RoleGraph) -> None:
    rows = g.query("node-matches", node=[ID + "skill/budget-management"])
    assert [(str(r.match), str(r.relation)) for r in rows] == [
        ("http://data.europa.eu/esco/skill/21c5790c-0930-4d74-b3b0-84caf5af12ea", "closeMatch")
    ]


def test_matched_nodes(g: RoleGraph) -> None:
    rows = g.query("matched-nodes", node=[ID + "skill/communication", ID + "skill/budget-management"])
    assert [(str(r.node).removeprefix(ID), str(r.match), str(r.relation)) for r in rows] == [
        ("skill/budget-management", "http://data.europa.eu/esco/skill/21c5790c-0930-4d74-b3b0-84caf5af12ea",
         "closeMatch"),
        ("skill/communication", "http://data.europa.eu/esco/skill/6f142deb-03a9-4cd7-94ce-e0f023ae2169",
         "broadMatch"),
    ]  # fmt: skip
    assert all(r.confidence is None and r.method is None for r in rows)  # hand-made links have no record
    # From the subject only: the object of a mapping does not list it.
    esco_communication = "http://data.europa.eu/esco/skill/6f142deb-03a9-4cd7-94ce-e0f023ae2169"
    assert len(g.query("matched-nodes", node=[esco_communication])) == 0


def test_role_profile(g: RoleGraph) -> None:
    rows = g.query("role-profile", role="Production Manager")
    salary = [r for r in rows if str(r.propertyLabel) == "has salary"]
    assert [(str(r.valueLabel), str(r.heading), int(r.paragraph), int(r.line)) for r in salary] == [
        ("Production Manager average salary", "Production Manager vs. Producer", 9, 43)
    ]
    assert len({str(r.value) for r in rows if str(r.propertyLabel) == "has duty"}) == 9


def test_node_details(g: RoleGraph) -> None:
    rows = g.query("node-details", node=ID + "certification/pmi-certification")
    assert [(str(r.propertyLabel), str(r.valueLabel), str(r.heading)) for r in rows] == [
        ("issued by", "Project Management Institute", "Job Requirements"),
    ]  # schema:recognizedBy, stated beside rg:issuedBy (its sub-property) for other consumers, is not repeated


def test_compare(g: RoleGraph) -> None:
    rows = g.query("compare", role=["Production Manager", "Producer"])
    shared_duties = {str(r.nodeLabel) for r in rows if str(r.category) == "duties" and int(r.roleCount) == 2}
    assert shared_duties == {
        "Deliver the project on schedule and within budget",
        "Find and book shooting locations",
        "Hire the crew",
        "Oversee the production as a whole",
        "Plan and manage the production schedule",
    }
    organisations = {
        (str(r.nodeLabel), str(r.role).removeprefix(ID)) for r in rows if str(r.category) == "organisations"
    }
    assert organisations == {
        ("Project Management Institute", "role/production-manager"),
        ("Project Management Institute", "role/producer"),
        ("International Association of Business Communicators", "role/production-manager"),
        ("International Association of Business Communicators", "role/producer"),
    }


def test_shared_skills(g: RoleGraph) -> None:
    assert column(g.query("shared-skills", a="Production Manager", b="Producer"), "skillLabel") == [
        "Communication",
        "Organisation",
    ]


def test_unique_duties(g: RoleGraph) -> None:
    assert column(g.query("unique-duties", role="Production Manager", other="Producer"), "dutyLabel") == [
        "Coordinate with other departments for a smooth workflow",
        "Delegate tasks to team members",
        "Manage post-production (in some productions)",
        "Run daily operations on set",
    ]
    assert column(g.query("unique-duties", role="Producer", other="Production Manager"), "dutyLabel") == [
        "Be the production's public face",
        "Decide the overall look and feel with the director",
        "Develop projects from the idea stage",
        "Draw up the project budget",
        "Give feedback that improves the finished work",
        "Make the creative decisions for the production",
        "Negotiate and handle contracts",
        "Raise the money for the project",
    ]


def test_certifications_by_organization(g: RoleGraph) -> None:
    rows = g.query("certifications-by-organization")
    assert [(str(r.organizationLabel), str(r.certificationLabel), int(r.roles)) for r in rows] == [
        ("International Association of Business Communicators", "IABC communication certification", 2),
        ("Project Management Institute", "PMI project management certification", 2),
    ]
    only_pmi = g.query("certifications-by-organization", organization=ID + "organization/pmi")
    assert column(only_pmi, "certificationLabel") == ["PMI project management certification"]


def test_roles_by_certification(g: RoleGraph) -> None:
    rows = g.query("roles-by-certification", certification="cert:pmi-certification")
    assert [(str(r.roleLabel), str(r.organizationLabel)) for r in rows] == [
        ("Producer", "Project Management Institute"),
        ("Production Manager", "Project Management Institute"),
    ]
    assert len(g.query("roles-by-certification")) == 4


def test_education_requirements(g: RoleGraph) -> None:
    rows = g.query("education-requirements", role="Production Manager")
    assert [(str(r.requirementLevel), str(r.levelLabel), str(r.fieldLabel)) for r in rows] == [
        ("minimum", "Bachelor's degree", ""),
        ("preferred", "Master's degree", "Another related field"),
        ("preferred", "Master's degree", "Business administration"),
        ("preferred", "Master's degree", "Communication"),
    ]
    assert len(g.query("education-requirements")) == 8


def test_salary_comparison(g: RoleGraph) -> None:
    rows = g.query("salary-comparison", role=["Producer", "Production Manager"])
    assert [(str(r.roleLabel), float(r.amount), str(r.currency), str(r.period), str(r.statistic)) for r in rows] == [
        ("Production Manager", 73786.0, "USD", "YEAR", "average"),
        ("Producer", 62193.0, "USD", "YEAR", "average"),
    ]
    assert column(g.query("salary-comparison", role=["Producer"]), "roleLabel") == ["Producer"]


def test_similar_roles(g: RoleGraph) -> None:
    rows = g.query("similar-roles", role="Producer")
    others = {str(r.otherLabel) for r in rows}
    assert "Production Manager" in others
    first = next(iter(rows))
    assert str(first.otherLabel) == "Production Manager"
    assert int(first.shared) == 20
    assert float(first.jaccard) == pytest.approx(20 / 58)
    explained = [r for r in rows if str(r.otherLabel) == "Production Manager"]
    assert len(explained) == 20
    assert {str(r.category) for r in explained} >= {"duties", "skills", "certifications", "organisations"}


def test_rank_similar_roles(g: RoleGraph) -> None:
    rows = g.query("rank-similar-roles", role="Producer")
    assert [(str(r.otherLabel), int(r.shared), round(float(r.jaccard), 4)) for r in rows] == [
        ("Production Manager", 20, round(20 / 58, 4))
    ]
    assert len(g.query("similar-roles", role="Producer", other=["role:actor"])) == 0


def test_citations(g: RoleGraph) -> None:
    rows = g.query("citations", role="Producer", value=ID + "duty/raise-funds")
    assert [(str(r.heading), int(r.paragraph), int(r.line)) for r in rows] == [("What is a Producer?", 1, 15)]
    actor = g.query("citations", role="Producer", value="role:actor")
    assert sorted(int(r.line) for r in actor) == [7, 15, 25, 35]


def test_collaborators(g: RoleGraph) -> None:
    rows = g.query("collaborators", role="Producer")
    assert [(str(r.relation), str(r.direction), str(r.collaboratorLabel)) for r in rows] == [
        ("has external stakeholder", "stated", "Investor"),
        ("has external stakeholder", "stated", "Studio executive"),
        ("works with", "inverse", "Production Manager"),
        ("works with", "stated", "Actor"),
        ("works with", "stated", "Crew member"),
        ("works with", "stated", "Director"),
        ("works with", "stated", "Musician"),
        ("works with", "stated", "Writer"),
    ]


def test_role_facts(g: RoleGraph) -> None:
    rows = g.query("role-facts", role=["Actor", "Producer"])
    assert [(str(r.role).removeprefix(ID), str(r.fact), str(r.value), r.sourceTitle) for r in rows] == [
        ("role/actor", "alternate title", "Cast member", None)  # the shipped graph says nothing of where it is from
    ]


def test_role_sources(g: RoleGraph) -> None:
    rows = g.query("role-sources", role=["Producer", "Production Manager"])
    assert [(str(r.role).removeprefix(ID), str(r.sourceTitle), r.file) for r in rows] == [
        ("role/producer", "Production Manager vs. Producer: What Are the Differences?", None),
        ("role/production-manager", "Production Manager vs. Producer: What Are the Differences?", None),
    ]


def test_link_weights(g: RoleGraph) -> None:
    rows = g.query("link-weights", role=["Production Manager", "Producer"])
    assert [(str(r.role).removeprefix(ID), str(r.node).removeprefix(ID), float(r.amount)) for r in rows] == [
        ("role/producer", "salary/producer-average", 62193.0),
        ("role/production-manager", "salary/production-manager-average", 73786.0),
    ]


def test_most_similar_roles(g: RoleGraph) -> None:
    # The shipped graph holds no alignment (tests/align/test_similarity.py reads a stored one on three engines).
    assert len(g.query("most-similar-roles", role="Producer")) == 0


def test_career_candidates(g: RoleGraph) -> None:
    # No alignment in the shipped graph: `moves` then ranks by Jaccard (tests/compare/test_moves.py reads a stored one).
    assert len(g.query("career-candidates", role="Producer")) == 0


def test_career_links(g: RoleGraph) -> None:
    rows = g.query("career-links", role=["Production Manager", "Producer"])
    found = {(str(r.role).removeprefix(ID), str(r.category), str(r.nodeLabel)) for r in rows}
    assert ("role/producer", "skills", "Scriptwriting") in found
    assert ("role/production-manager", "duties", "Run daily operations on set") in found
    assert {category for _, category, _ in found} == {"skills", "duties", "certifications", "education"}


def test_career_links_of_some_categories(g: RoleGraph) -> None:
    rows = g.query("career-links", role=["Production Manager", "Producer"], category=["skills", "education"])
    assert {str(r.category) for r in rows} == {"skills", "education"}
    every = g.query("career-links", role=["Production Manager", "Producer"])
    wanted = ("skills", "education")
    assert {(r.role, r.node) for r in rows} == {(r.role, r.node) for r in every if str(r.category) in wanted}


def test_career_weights(mini_store: Path) -> None:
    """The weights `moves` reads of the roles' linked skills and knowledge are those `link-weights` gives."""
    with rolegraph.open_store(mini_store) as graph:
        roles = ["27-2012.00", "11-3051.00"]
        weights = {(r.role, r.node, r.importance, r.level) for r in graph.query("career-weights", role=roles)
                   if r.importance is not None}  # fmt: skip
        links = {(r.role, r.node) for r in graph.query("career-links", role=roles, category=["skills", "knowledge"])}
        every = {(r.role, r.node, r.importance, r.level) for r in graph.query("link-weights", role=roles)
                 if r.importance is not None}  # fmt: skip
    linked = {w for w in weights if (w[0], w[1]) in links}
    assert linked and linked == {w for w in every if (w[0], w[1]) in links}


def test_career_facts(g: RoleGraph) -> None:
    rows = g.query("career-facts", role=["Production Manager", "Producer"])
    assert sorted((str(r.label), float(str(r.amount)), str(r.currency), r.jobZone) for r in rows) == [
        ("Producer", 62193.0, "USD", None),
        ("Production Manager", 73786.0, "USD", None),
    ]


def test_role_gap(g: RoleGraph) -> None:
    rows = g.query("role-gap", **{"from": "Production Manager", "to": "Producer"})
    assert [(str(r.category), str(r.nodeLabel)) for r in rows if str(r.category) == "skills"] == [
        ("skills", "Concept development"),
        ("skills", "Scriptwriting"),
        ("skills", "Working with talent"),
    ]
    duties = column(g.query("unique-duties", role="Producer", other="Production Manager"), "dutyLabel")
    assert [str(r.nodeLabel) for r in rows if str(r.category) == "duties"] == duties


def test_every_named_query_has_a_test_here() -> None:
    from rolegraph.sparql.queries import query_names

    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    assert set(query_names()) <= tested
