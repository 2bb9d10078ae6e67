"""The article's data: citations point at real headings and paragraphs, the figures match the text, and the
project's wording is its own. Needs ../shared/sources (skips with a reason without it)."""

from __future__ import annotations

import hashlib
import re

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from rolegraph.model.namespaces import RG, SCHEMA

from ..conftest import ARTICLE

SOURCE = URIRef("https://w3id.org/rolegraph/id/source/production-manager-vs-producer")


def parse_article(text: str) -> tuple[dict[str, int], list[int], list[str]]:
    """Headings (text -> line), paragraph lines, and all lines. A heading is a non-empty line that does not end
    with a full stop; every other non-empty line is one paragraph."""
    lines = text.splitlines()
    headings: dict[str, int] = {}
    paragraphs: list[int] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.endswith("."):
            paragraphs.append(number)
        else:
            headings.setdefault(stripped, number)
    return headings, paragraphs, lines


def passages(graph: Graph) -> list[URIRef]:
    found = [p for p in graph.subjects(DCTERMS.isPartOf, SOURCE)]
    assert len(found) >= 10
    return found  # type: ignore[return-value]


def test_source_digest_matches_the_article(graph: Graph, article_text: str) -> None:
    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    assert str(graph.value(SOURCE, RG.sha256)) == digest
    assert str(graph.value(SOURCE, DCTERMS.title)) in article_text


def test_every_cited_heading_exists_and_paragraph_is_in_range(graph: Graph, article_text: str) -> None:
    headings, paragraphs, _ = parse_article(article_text)
    for passage in passages(graph):
        heading = str(graph.value(passage, RG.sectionHeading))
        number = int(graph.value(passage, RG.paragraph))  # type: ignore[arg-type]
        line = int(graph.value(passage, RG.line))  # type: ignore[arg-type]
        assert heading in headings, f"{passage}: no heading {heading!r} in the article"
        after = [p for p in paragraphs if p > headings[heading]]
        assert 1 <= number <= len(after), f"{passage}: paragraph {number} out of range (1..{len(after)})"
        assert after[number - 1] == line, (
            f"{passage}: paragraph {number} after {heading!r} is at line {after[number - 1]}"
        )


def test_salaries_are_the_articles_figures(graph: Graph, article_text: str) -> None:
    _, _, lines = parse_article(article_text)
    salaries = list(graph.subjects(RDF.type, RG.Salary))
    assert len(salaries) == 2
    for salary in salaries:
        amount = int(float(graph.value(salary, SCHEMA.value)))  # type: ignore[arg-type]
        statements = graph.subjects(RDF.object, salary)
        cited_lines = {
            int(graph.value(p, RG.line))  # type: ignore[arg-type]
            for s in statements
            for p in graph.objects(s, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
        }
        assert any(f"${amount:,}" in lines[n - 1] for n in cited_lines), (salary, amount, cited_lines)
        assert str(graph.value(salary, SCHEMA.currency)) == "USD"
        assert str(graph.value(salary, SCHEMA.unitText)) == "YEAR"
        assert graph.value(salary, RG.statistic) == RG.average


def test_certifying_bodies_are_named_where_cited(graph: Graph, article_text: str) -> None:
    _, _, lines = parse_article(article_text)
    for cert in graph.subjects(RDF.type, RG.Certification):
        issuer = graph.value(cert, RG.issuedBy)
        acronym = str(graph.value(issuer, SKOS.altLabel))
        name = str(graph.value(issuer, RDFS.label))
        for statement in graph.subjects(RDF.object, cert):
            for passage in graph.objects(statement, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")):
                text = lines[int(graph.value(passage, RG.line)) - 1]  # type: ignore[arg-type]
                assert f"{name} ({acronym})" in text


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


@pytest.mark.parametrize("window", [7])
def test_no_sentence_of_the_article_is_copied(graph: Graph, article_text: str, window: int) -> None:
    article_words = words(article_text)
    shingles = {tuple(article_words[i : i + window]) for i in range(len(article_words) - window + 1)}
    for predicate in (RDFS.label, RDFS.comment, SKOS.definition):
        for _, text in graph.subject_objects(predicate):
            own = words(str(text))
            for i in range(len(own) - window + 1):
                assert tuple(own[i : i + window]) not in shingles, f"copied wording: {' '.join(own[i : i + window])}"
