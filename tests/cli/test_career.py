"""`rolegraph gap` and `rolegraph moves`: every format, the article's example, and bad input (one role twice, a role
without skills, an ambiguous name, an unknown source) as a message and exit 2, never a traceback; neither command
imports rdflib."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from rolegraph.cli import main

from .test_startup import NEVER_IMPORTED, _imported


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def test_gap_as_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "gap", "Production Manager", "Producer")
    assert code == 0, err
    assert out.startswith("Production Manager -> Producer: covers 2 of 5 essential skills, 40 %")
    assert "  + Communication  (essential)" in out and "  - Scriptwriting  (essential)" in out
    assert "  - Raise the money for the project  (essential)" in out
    assert "pay: 73,786 USD per YEAR -> 62,193 USD per YEAR (84%)" in out


def test_gap_as_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "gap", "Production Manager", "Producer", "--format", "json")
    document = json.loads(out)
    assert code == 0 and document["essential_skills"] == {"carried": 2, "total": 5}
    skills = next(c for c in document["categories"] if c["category"] == "skills")
    assert [i["label"] for i in skills["carried"]] == ["Communication", "Organisation"]
    code, out, _ = run(capsys, "gap", "Production Manager", "Producer", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert {(r["category"], r["status"], r["label"]) for r in rows} >= {
        ("skills", "carried", "Communication"),
        ("skills", "missing", "Concept development"),
        ("duties", "missing", "Raise the money for the project"),
    }


def test_moves_with_unlocks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "moves", "Production Manager", "--unlocks")
    assert code == 0, err
    assert out.startswith("Moves from Production Manager (similarity: Jaccard")
    assert "Producer" in out and "1 viable move(s)." in out
    assert "Skills that would open more viable moves:" in out
    code, out, _ = run(capsys, "moves", "Production Manager", "--format", "json", "--source", "esco")
    assert code == 0 and json.loads(out)["moves"] == []
    code, out, _ = run(capsys, "moves", "Production Manager", "--source", "esco")
    assert "No viable move" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gap", "Producer", "role:producer"], "give two different roles"),
        (["gap", "Production Manager", "Director"], "has no skills or knowledge"),
        (["moves", "Writer"], "has no skills or knowledge"),
        (["gap", "Producer", "Twin"], "matches 2 roles equally well"),
        (["moves", "Producer", "--source", "linkedin"], "linkedin"),
        (["moves", "Producer", "--top", "0"], "--top"),
        (["gap", "Produser", "Producer"], "Producer"),
    ],
)
def test_bad_input_is_a_message_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    twins = tmp_path / "twins.ttl"
    twins.write_text(
        "@prefix rg: <https://w3id.org/rolegraph/vocab#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/a> a rg:Role ; rdfs:label "Twin"@en .\n'
        '<https://example.org/b> a rg:Role ; rdfs:label "Twin"@en .\n'
    )
    code, _, err = run(capsys, "--data", str(twins), *args)
    assert code == 2 and message in err and "Traceback" not in err, err


@pytest.mark.parametrize("args", [["gap", "Production Manager", "Producer"], ["moves", "Producer", "--unlocks"]])
def test_gap_and_moves_import_no_rdflib(args: list[str], tmp_path: Path) -> None:
    code, modules = _imported(args, tmp_path)
    assert code == 0 and "pyoxigraph" in modules
    assert not modules & set(NEVER_IMPORTED), sorted(modules & set(NEVER_IMPORTED))
