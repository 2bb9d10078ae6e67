"""The site's career pages, ``/gap?from=&to=`` and ``/moves?from=``: their content, their links, bad input (a clear
4xx page, never a 500) and labels that stay text."""

from __future__ import annotations

import html
import re
import urllib.parse

import pytest
from markupsafe import escape

import rolegraph
from rolegraph.serve.service import SiteContext, handle_job
from rolegraph.serve.workers import Job, JobResult

from .test_server import ONET, ROLE, fetch

PM, PRODUCER = f"{ROLE}production-manager", f"{ROLE}producer"
HOSTILE = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"


def q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def columns(text: str, heading: str) -> tuple[list[str], list[str]]:
    """The labels of the "you have" and "to learn" columns under ``heading`` of a gap page."""
    section = text.split(f"<h2>{heading} <span", 1)[1].split("<h2>", 1)[0]
    have, learn = section.split("<tbody><tr><td>", 1)[1].split("</td><td>", 1)
    labels = re.compile(r'<a href="/concept/[^"]+">([^<]+)</a>')
    return labels.findall(have), labels.findall(learn)


def test_the_gap_page_has_two_columns_with_weights_and_links(served: str) -> None:
    answer = fetch(served, "GET", "/gap?from=Production%20Manager&to=Producer")
    assert answer.status == 200 and answer.type == "text/html"
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    text = answer.text()
    assert '<header class="site"' in text and "<h1>Production Manager \u2192 Producer</h1>" in text
    assert "covers 2 of 5 essential skills, 40 %" in text
    have, learn = columns(text, "Skills")
    assert have == ["Communication", "Organisation"]
    assert learn == ["Concept development", "Scriptwriting", "Working with talent"]
    assert '<th scope="col">You have</th><th scope="col">To learn</th>' in text
    assert re.search(r'>Communication</a> <meter min="0" max="1" value="1.000"', text)
    assert "Raise the money for the project" in text  # a duty to learn
    assert f'href="/compare?role={q(PM)}&amp;role={q(PRODUCER)}"' in text
    assert f'href="/role/{q(PRODUCER)}"' in text and f'href="/moves?from={q(PM)}"' in text
    back = fetch(served, "GET", f"/gap?from={q(PRODUCER)}&to={q(PM)}")
    assert back.status == 200 and columns(back.text(), "Skills") != (have, learn)


def test_the_moves_page_lists_destinations_with_score_reason_and_links(served: str) -> None:
    answer = fetch(served, "GET", "/moves?from=Production%20Manager")
    assert answer.status == 200 and answer.type == "text/html"
    text = answer.text()
    assert "<h1>Where Production Manager can lead</h1>" in text and "Rule: viable when" in text
    moves = text.split("<h2>Moves", 1)[1].split("<h2>", 1)[0]
    assert f'<a href="/role/{q(PRODUCER)}">Producer</a>' in moves
    assert re.search(r"<td>0\.\d{3}<br><span class=\"muted\">similarity 0\.\d\d, coverage 40 %", moves)
    assert "yes, desirable" in moves and "pays 84% of the origin" in html.unescape(moves)
    assert ">Communication</a>" in moves and ">Scriptwriting</a>" in moves  # carried over, missing
    assert f'href="/gap?from={q(PM)}&amp;to={q(PRODUCER)}">what would I need</a>' in moves
    assert f'href="/compare?role={q(PM)}&amp;role={q(PRODUCER)}">compare</a>' in moves
    only = fetch(served, "GET", "/moves?from=Production%20Manager&source=esco").text()
    assert "to ESCO roles only" in only and f'<a href="/role/{q(PRODUCER)}">' not in only.split("<h2>Moves", 1)[1]


def test_every_role_page_leads_to_its_moves(served: str) -> None:
    text = fetch(served, "GET", f"/role/{q(PM)}").text()
    assert f'<a href="/moves?from={q(PM)}">Where can this role lead?</a>' in text


def test_a_role_without_skills_has_an_explained_empty_moves_page(served: str) -> None:
    answer = fetch(served, "GET", "/moves?from=Director")
    text = answer.text()
    assert answer.status == 200
    assert "no skills or knowledge" in text and '<h2>Moves <span class="muted">(0)</span></h2>' in text


@pytest.mark.parametrize(
    ("path", "status", "said"),
    [
        (f"/gap?from=27-2012.00&to={q(ONET)}27-2012.00", 400, "give two different roles"),
        ("/gap?from=Producer", 400, "give two roles"),
        ("/gap?to=Producer&from=%20", 400, "give two roles"),
        ("/gap?from=nobody-at-all&to=Producer", 404, "No role is called nobody-at-all"),
        ("/gap?from=Producer&to=Production%20Manager%20x9", 404, "No role is called"),
        ("/gap?from=Production%20Manager&to=Director", 400, "no skills or knowledge"),
        ("/moves", 400, "give a role"),
        ("/moves?from=Producer&source=linkedin", 400, "is not one of esco, onet, rolegraph"),
        ("/moves?from=nobody-at-all", 404, "No role is called"),
    ],
)
def test_bad_input_is_a_clear_4xx_page(served: str, path: str, status: int, said: str) -> None:
    answer = fetch(served, "GET", path)
    assert answer.status == status, answer.text()
    assert answer.type == "text/html" and said in html.unescape(answer.text())
    assert '<header class="site"' in answer.text()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> SiteContext:
    """The shipped graph plus a role whose label is markup and two roles called "Twin", each with skills."""
    turtle = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    label = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    turtle.write_text(
        "@prefix rg: <https://w3id.org/rolegraph/vocab#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{ROLE}hostile> a rg:Role, rg:ProfiledRole ; rdfs:label "{label}"@en ;\n'
        "  rg:requiresSkill <https://w3id.org/rolegraph/id/skill/communication>, "
        "<https://w3id.org/rolegraph/id/skill/organisation> .\n"
        '<https://example.org/twin-a> a rg:Role, rg:ProfiledRole ; rdfs:label "Twin"@en ;\n'
        "  rg:requiresSkill <https://w3id.org/rolegraph/id/skill/communication> .\n"
        '<https://example.org/twin-b> a rg:Role, rg:ProfiledRole ; rdfs:label "Twin"@en ;\n'
        "  rg:requiresSkill <https://w3id.org/rolegraph/id/skill/organisation> .\n",
        encoding="utf-8",
    )
    return SiteContext(rolegraph.load([turtle], engine="oxigraph"), "test")


def run(site: SiteContext, name: str, **params: str) -> JobResult:
    return handle_job(site, Job("page", {"name": name, "params": {k: [v] for k, v in params.items()}}))


def test_hostile_labels_stay_text(hostile_site: SiteContext) -> None:
    pages = [run(hostile_site, "gap", **{"from": f"{ROLE}hostile", "to": "Producer"}),
             run(hostile_site, "gap", **{"from": "Producer", "to": f"{ROLE}hostile"}),
             run(hostile_site, "moves", **{"from": f"{ROLE}hostile"}),
             run(hostile_site, "moves", **{"from": "Production Manager"})]  # fmt: skip
    for answer in pages:
        text = answer.body.decode("utf-8")
        assert answer.status == 200, text
        assert "<script>" not in text and "<img" not in text
    shown = str(escape(HOSTILE))
    assert shown in pages[0].body.decode("utf-8") and shown in pages[1].body.decode("utf-8")
    assert all(shown in answer.body.decode("utf-8") for answer in pages[2:])  # the origin, then a destination


def test_an_ambiguous_name_lists_the_roles_it_could_mean(hostile_site: SiteContext) -> None:
    for answer, again in ((run(hostile_site, "gap", **{"from": "Twin", "to": "Producer"}), "/gap?from="),
                          (run(hostile_site, "gap", **{"from": "Producer", "to": "twin"}), "/gap?from="),
                          (run(hostile_site, "moves", **{"from": "Twin"}), "/moves?from=")):  # fmt: skip
        text = answer.body.decode("utf-8")
        assert answer.status == 400 and "names several roles; pick one" in html.unescape(text)
        choices = [html.unescape(link) for link in re.findall(r'<a href="(/(?:gap|moves)\?[^"]+)">Twin</a>', text)]
        assert len(choices) == 2 and all(link.startswith(again) for link in choices)
        assert any(q("https://example.org/twin-a") in link for link in choices)
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(choices[0]).query)
        name = "gap" if again == "/gap?from=" else "moves"
        assert run(hostile_site, name, **{k: v[0] for k, v in params.items()}).status == 200
