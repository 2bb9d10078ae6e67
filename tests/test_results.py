"""rolegraph.results: the W3C result formats parse back (with rdflib's parsers) to the same solutions."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from rolegraph.results import ResultTable, boolean_json, boolean_xml, to_csv, to_json, to_tsv, to_xml

TABLE = ResultTable(
    ("s", "label", "n", "missing"),
    (
        (URIRef("http://example.org/a"), Literal('Caf\u00e9, "quoted"\nline', lang="fr"), Literal(42), None),
        (BNode("b1"), Literal("tab\there"), Literal("3.5", datatype=XSD.decimal), Literal("x")),
    ),
)


def parsed(text: str, fmt: str) -> Result:
    return Result.parse(io.StringIO(text), format=fmt)


@pytest.mark.parametrize(("writer", "fmt"), [(to_json, "json"), (to_xml, "xml"), (to_tsv, "tsv")])
def test_typed_formats_round_trip(writer, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = parsed(writer(TABLE), fmt)
    assert [str(v) for v in result.vars] == list(TABLE.variables)
    rows = [tuple(row) for row in result]
    assert rows[0][:3] == TABLE.rows[0][:3]
    assert rows[0][3] is None
    assert rows[1][1:] == TABLE.rows[1][1:]
    assert isinstance(rows[1][0], BNode)


def test_csv_is_plain_values_with_crlf() -> None:
    text = to_csv(TABLE)
    assert text.startswith("s,label,n,missing\r\n")
    assert 'http://example.org/a,"Caf\u00e9, ""quoted""\nline",42,\r\n' in text
    assert "_:b1" in text


def test_json_leaves_unbound_variables_out() -> None:
    document = json.loads(to_json(TABLE))
    assert document["head"]["vars"] == ["s", "label", "n", "missing"]
    assert "missing" not in document["results"]["bindings"][0]
    assert document["results"]["bindings"][0]["label"] == {
        "type": "literal",
        "value": 'Caf\u00e9, "quoted"\nline',
        "xml:lang": "fr",
    }
    assert document["results"]["bindings"][0]["n"]["datatype"] == str(XSD.integer)


def test_ask_results() -> None:
    assert parsed(boolean_json(True), "json").askAnswer is True
    assert parsed(boolean_xml(False), "xml").askAnswer is False


def test_rows_have_attributes_and_html() -> None:
    row = next(iter(TABLE))
    assert row.n == Literal(42)
    with pytest.raises(AttributeError, match="no variable 'nope'"):
        _ = row.nope
    assert "Caf\u00e9, &quot;quoted&quot;" in TABLE._repr_html_()
