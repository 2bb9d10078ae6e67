"""rolegraph.profile: a role's profile holds what the article says, with citations."""

from __future__ import annotations

from rdflib import Graph

from rolegraph.profile import role_profile
from rolegraph.roles import resolve_role


def labels(graph: Graph, role: str, category: str) -> set[str]:
    return {e.label for e in role_profile(graph, resolve_role(graph, role)).by_category().get(category, [])}


def test_producer_duties(graph: Graph) -> None:
    assert labels(graph, "Producer", "Duties") == {
        "Be the production's public face",
        "Decide the overall look and feel with the director",
        "Deliver the project on schedule and within budget",
        "Develop projects from the idea stage",
        "Draw up the project budget",
        "Find and book shooting locations",
        "Give feedback that improves the finished work",
        "Hire the crew",
        "Make the creative decisions for the production",
        "Negotiate and handle contracts",
        "Oversee the production as a whole",
        "Plan and manage the production schedule",
        "Raise the money for the project",
    }


def test_shared_nodes_are_one_node(graph: Graph) -> None:
    pm = labels(graph, "Production Manager", "Skills")
    producer = labels(graph, "Producer", "Skills")
    assert pm & producer == {"Communication", "Organisation"}
    assert (
        labels(graph, "Production Manager", "Certifications")
        == labels(graph, "Producer", "Certifications")
        == {
            "IABC communication certification",
            "PMI project management certification",
        }
    )


def test_salary_details(graph: Graph) -> None:
    (salary,) = role_profile(graph, resolve_role(graph, "Production Manager")).by_category()["Salary"]
    assert salary.details[0] == "73,786 USD per year (average)"
    assert {str(c) for c in salary.citations} == {'"Production Manager vs. Producer" para. 9, line 43'}


def test_certification_details_name_issuer(graph: Graph) -> None:
    certs = role_profile(graph, resolve_role(graph, "Producer")).by_category()["Certifications"]
    details = {e.label: e.details for e in certs}
    assert details["PMI project management certification"][0].startswith("issued by: Project Management Institute")


def test_every_entry_is_cited(graph: Graph) -> None:
    for role in ("Producer", "Production Manager"):
        profile = role_profile(graph, resolve_role(graph, role))
        assert len(profile.entries) > 30
        for entry in profile.entries:
            assert entry.citations, entry


def test_categories_come_in_display_order(graph: Graph) -> None:
    order = list(role_profile(graph, resolve_role(graph, "Producer")).by_category())
    assert order[:3] == ["Duties", "Skills", "Skill focus"]
    assert "May also act as" in order
