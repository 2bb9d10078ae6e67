"""rolegraph.schemaorg: a role as a schema.org Occupation that parses back (offline) to the role's facts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

import rolegraph
from rolegraph.schemaorg import occupation_jsonld

SDO = "https://schema.org/"
PM = URIRef("https://w3id.org/rolegraph/id/role/production-manager")


def test_occupation_parses_back_to_the_roles_facts() -> None:
    g = rolegraph.load()
    document = occupation_jsonld(g.engine, PM)
    parsed = Graph().parse(data=json.dumps(document), format="json-ld")
    assert (PM, RDF.type, URIRef(SDO + "Occupation")) in parsed
    assert (PM, URIRef(SDO + "name"), Literal("Production Manager")) in parsed
    skills = set(parsed.objects(PM, URIRef(SDO + "skills")))
    assert len(skills) == 5 and URIRef("https://w3id.org/rolegraph/id/skill/communication") in skills
    assert len(set(parsed.objects(PM, URIRef(SDO + "responsibilities")))) == 9
    salary = next(parsed.objects(PM, URIRef(SDO + "estimatedSalary")))
    amount = next(parsed.objects(salary, URIRef(SDO + "value")))
    assert parsed.value(salary, URIRef(SDO + "currency")) == Literal("USD")
    assert parsed.value(amount, URIRef(SDO + "value")).toPython() == 73786.0  # type: ignore[union-attr]
    assert parsed.value(amount, URIRef(SDO + "unitText")) == Literal("YEAR")
    category = next(parsed.objects(PM, URIRef(SDO + "occupationalCategory")))
    assert parsed.value(category, URIRef(SDO + "codeValue")) == Literal("27-2012.00")
    qualifications = set(parsed.objects(PM, URIRef(SDO + "qualifications")))
    issuers = {parsed.value(q, URIRef(SDO + "recognizedBy")) for q in qualifications}
    assert issuers == {
        URIRef("https://w3id.org/rolegraph/id/organization/pmi"),
        URIRef("https://w3id.org/rolegraph/id/organization/iabc"),
    }


def test_cli_writes_it_and_needs_a_role() -> None:
    command = [sys.executable, "-m", "rolegraph", "export", "--role", "Producer", "--format", "schema-jsonld"]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "Producer"
    refused = subprocess.run(
        [sys.executable, "-m", "rolegraph", "export", "--format", "schema-jsonld"], capture_output=True, text=True
    )
    assert refused.returncode == 2 and "needs --role" in refused.stderr


def test_a_label_cannot_end_the_script_element(tmp_path: Path) -> None:
    """The JSON-LD goes into a page's <script type="application/ld+json">: "<", ">" and "&" are escaped, so a label
    holding </script> cannot end it; the JSON parses back to the same value."""
    hostile = "</script><script>alert(1)</script> & <!-- -->"
    extra = tmp_path / "hostile.ttl"
    extra.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix rg: <https://w3id.org/rolegraph/vocab#> .\n"
        f'<https://example.org/role/x> a rg:ProfiledRole ; rdfs:label "{hostile}"@en ;\n'
        "    rg:hasDuty <https://example.org/duty/x> .\n"
        f'<https://example.org/duty/x> a rg:Duty ; rdfs:label "{hostile} duty"@en .\n',
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--data", str(extra), "export", "--role",
                           "https://example.org/role/x", "--format", "schema-jsonld"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not set(done.stdout) & {"<", ">", "&"}
    assert "\\u003c/script\\u003e" in done.stdout
    document = json.loads(done.stdout)
    assert document["name"] == hostile
    assert document["responsibilities"] == [f"{hostile} duty"]
    page = f'<html><head><script type="application/ld+json">{done.stdout}</script></head></html>'
    assert page.count("</script>") == 1  # only the element's own end
