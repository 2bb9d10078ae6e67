"""rolegraph.schemaorg: a role as a schema.org Occupation that parses back (offline) to the role's facts."""

from __future__ import annotations

import json
import subprocess
import sys

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
