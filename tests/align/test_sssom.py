"""SSSOM TSV: what rolegraph writes reads back the same; bad files are refused naming the line."""

from __future__ import annotations

import pytest

from rolegraph.align.mapping import BROAD_MATCH, CLOSE_MATCH, LEXICAL, MANUAL, Mapping
from rolegraph.align.sssom import COLUMNS, Labelled, parse, write
from rolegraph.errors import InputError

from ..conftest import DATA

ROWS = [
    Labelled(Mapping("https://w3id.org/rolegraph/id/skill/budget-management", CLOSE_MATCH,
                     "http://data.europa.eu/esco/skill/21c5790c-0930-4d74-b3b0-84caf5af12ea", 1.0,
                     "rolegraph ontology/links", "", MANUAL), "Budget management", "manage budgets"),
    Labelled(Mapping("http://data.europa.eu/esco/skill/staff", BROAD_MATCH,
                     "https://w3id.org/rolegraph/id/onet/dwa/4.A.4.c.3.I02.D01", 0.8125, "rolegraph-align tfidf", "1",
                     LEXICAL), "manage staff", "Manage budgets for productions.", "2026-01-02"),
]  # fmt: skip


def test_the_round_trip_keeps_every_mapping() -> None:
    text = write(ROWS, "https://w3id.org/rolegraph/id/source/alignment", "2026-01-02")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "# curie_map:" in header and any(line.startswith("# license: ") for line in header)
    assert any(line.startswith("# mapping_set_id: ") for line in header)
    columns = text.splitlines()[len(header)].split("\t")
    assert tuple(columns) == COLUMNS
    body = text.splitlines()[len(header) + 1]
    assert body.startswith("skill:budget-management\tBudget management\tskos:closeMatch\tesco:skill/21c5790c")
    assert "\tsemapv:ManualMappingCuration\t1.0\t" in body
    metadata, rows = parse(text, "mappings.sssom.tsv")
    assert metadata["mapping_set_id"] == "https://w3id.org/rolegraph/id/source/alignment"
    assert [row for _, row in rows] == [ROWS[0], ROWS[1]] or [row.mapping for _, row in rows] == [
        r.mapping for r in ROWS
    ]
    assert rows[1][1].date == "2026-01-02" and rows[0][1].date == "2026-01-02"  # the set's date where a row has none


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("sssom-unknown-prefix.sssom.tsv", 6, "prefix 'xyz'"),
        ("sssom-missing-column.sssom.tsv", 4, "lacks predicate_id"),
        ("sssom-bad-predicate.sssom.tsv", 5, "not a SKOS mapping relation"),
        ("sssom-bad-confidence.sssom.tsv", 5, "not a number from 0 to 1"),
    ],
)
def test_bad_files_name_the_line(name: str, line: int, words: str) -> None:
    path = DATA / "bad-sssom" / name
    with pytest.raises(InputError) as raised:
        parse(path.read_text(encoding="utf-8"), str(path))
    assert f"line {line}:" in str(raised.value) and words in str(raised.value)
    assert "Nothing was stored" in str(raised.value) or "nothing was stored" in str(raised.value)
