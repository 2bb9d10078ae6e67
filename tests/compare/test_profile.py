"""rolegraph.compare.profile: a role's profile holds what the article says, with citations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

import rolegraph
from rolegraph.compare.profile import RoleProfile, role_profile
from rolegraph.compare.roles import resolve_role
from rolegraph.sparql.engines import select


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


def _store_profile(store: Path, role: str) -> RoleProfile:
    with rolegraph.open_store(store) as g:
        return g.profile(role)


def test_imported_ratings_are_weights_heaviest_first(mini_store: Path) -> None:
    profile = _store_profile(mini_store, "27-2012.00")
    skills = profile.by_category()["Skills"]
    assert [(e.label, dict(e.weights)) for e in skills] == [
        ("Active Listening", {"importance": 4.0, "level": 4.5}),
        ("Management of Financial Resources", {"importance": 3.5, "level": 3.9}),
        ("Speaking", {"importance": 3.25}),  # its level row is marked Recommend Suppress
    ]
    assert skills[0].weight_text == "importance 4.00/5, level 4.50/7"
    (knowledge,) = profile.by_category()["Knowledge"]
    assert (knowledge.label, knowledge.weights["importance"]) == ("Fine Arts", 4.2)
    assert str(knowledge.citations[0]) == "O*NET 99.9 Database, Knowledge.txt"
    for entry in profile.entries:
        assert [c.file for c in entry.citations if c.file], entry  # every imported link names its file


def test_imported_role_facts(mini_store: Path) -> None:
    profile = _store_profile(mini_store, "27-2012.00")
    assert profile.definition == "Produce or direct stage, television, radio, video, or film productions."
    (description,) = profile.facts_of("description")
    assert [str(c) for c in description.citations] == ["O*NET 99.9 Database, Occupation Data.txt"]
    assert profile.job_zone == (4, "Considerable Preparation Needed")
    (zone,) = profile.facts_of("job zone")
    assert [str(c) for c in zone.citations] == ["O*NET 99.9 Database, Job Zones.txt"]
    assert [f.label for f in profile.facts_of("alternate title")] == ["Producer", "Production Manager"]
    (related,) = profile.facts_of("related occupation")
    assert (related.label, related.code, related.tier) == ("Industrial Production Managers", "11-3051.00",
                                                           ("Primary-Short", 1))  # fmt: skip
    assert [(f.code, f.number) for f in profile.facts_of("education share")] == [("RL-6", 72.5), ("RL-7", 27.5)]
    (education,) = profile.by_category()["Education"]
    assert education.weights["percentage"] == 72.5
    assert "O*NET 99.9 Database, Task Statements.txt" in {str(c) for c in profile.sources}


def test_a_suppressed_largest_share_is_noted_on_the_link(mini_store: Path) -> None:
    (education,) = _store_profile(mini_store, "11-3051.00").by_category()["Education"]
    assert education.weights["percentage"] == 48.0
    assert any(d.startswith("note: O*NET recommends suppressing this estimate") for d in education.details)


def test_esco_skills_essential_first_cited_by_their_file(mini_store: Path) -> None:
    skills = _store_profile(mini_store, "http://data.europa.eu/esco/occupation/p1").by_category()["Skills"]
    assert [(e.label, e.weights["esco"]) for e in skills] == [
        ("manage budgets", "essential"),
        ("copyright legislation", "optional"),
    ]
    for entry in skills:  # the release alone is not cited beside its file
        assert [str(c) for c in entry.citations] == ["ESCO v9, occupationSkillRelations.csv"]


def test_esco_alternative_titles_and_description_cite_their_file(mini_store: Path) -> None:
    profile = _store_profile(mini_store, "http://data.europa.eu/esco/occupation/p1")
    facts = profile.facts_of("alternate title") + profile.facts_of("description")
    assert {f.kind for f in facts} == {"alternate title", "description"}
    for fact in facts:
        assert [str(c) for c in fact.citations] == ["ESCO v9, occupations_en.csv"], fact


def test_the_article_roles_have_no_weights_but_salary(graph: Graph) -> None:
    profile = role_profile(graph, resolve_role(graph, "Producer"))
    assert profile.job_zone is None and not profile.facts_of("related occupation")
    weighted = {e.category for e in profile.entries if e.weights}
    assert weighted == {"Salary"}
    assert [str(c) for c in profile.sources] == ["Production Manager vs. Producer: What Are the Differences?"]


def _rdflib_term(term: Any) -> Any:
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)  # a plain literal, as rdflib parses one
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def test_profile_queries_agree_on_rdflib_and_oxigraph_over_imported_data(graph: Graph) -> None:
    """The article's graph has no ratings or files: the queries that read them run here on imported data."""
    from rolegraph.importers.esco import esco_triples
    from rolegraph.importers.onet import onet_triples
    from rolegraph.importers.report import ImportReport
    from rolegraph.sparql.engines import OxigraphEngine, RdflibEngine

    from ..conftest import DATA

    data = Graph()
    data += graph
    for triples in (
        onet_triples(DATA / "onet-mini", ImportReport("O*NET", "99.9")),
        esco_triples(DATA / "esco-mini", ImportReport("ESCO", "v9")),
    ):
        for s, p, o in triples:
            data.add((_rdflib_term(s), _rdflib_term(p), _rdflib_term(o)))
    engines = RdflibEngine(data), OxigraphEngine.from_graph(data)
    onet = URIRef("https://w3id.org/rolegraph/id/onet/occupation/27-2012.00")
    roles = [onet, URIRef("https://w3id.org/rolegraph/id/onet/occupation/11-3051.00"),
             URIRef("http://data.europa.eu/esco/occupation/p1")]  # fmt: skip
    for name, values in (
        ("role-facts", {"role": roles}),
        ("role-sources", {"role": roles}),
        ("link-weights", {"role": roles}),
        ("role-profile", {"role": onet}),
    ):
        rdflib_rows, oxigraph_rows = (
            sorted(
                (tuple(str(t) if t is not None else None for t in row) for row in select(e, name, values).rows),
                key=repr,
            )
            for e in engines
        )
        assert rdflib_rows and len(rdflib_rows) == len(oxigraph_rows), name
        # Numbers differ only in their lexical form (Oxigraph writes decimals canonically).
        assert [[_number_or_text(t) for t in row] for row in rdflib_rows] == [
            [_number_or_text(t) for t in row] for row in oxigraph_rows
        ], name
    assert role_profile(engines[0], onet) == role_profile(engines[1], onet)


def _number_or_text(text: str | None) -> object:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return text
