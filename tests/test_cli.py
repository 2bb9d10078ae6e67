"""rolegraph.cli: the commands' output and exit codes, and errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from rolegraph.cli import main

from .conftest import DATA


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def test_roles_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "roles")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["Role", "Duties", "Skills", "IRI"]
    assert lines[2].split()[:3] == ["Producer", "13", "5"]
    assert lines[3].split()[:4] == ["Production", "Manager", "9", "5"]
    assert "2 role(s)." in out


def test_roles_json_and_all(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "roles", "--all", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert {"Director", "Producer"} <= {r["label"] for r in records}
    assert next(r for r in records if r["label"] == "Director")["profiled"] is False


def test_show_prints_every_category_with_citations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "Producer")
    assert code == 0
    for heading in (
        "Duties (13)",
        "Skills (5)",
        "Certifications (2)",
        "Education (2)",
        "Work environment (5)",
        "Salary (1)",
        "Works with (5)",
        "May also act as (2)",
        "External stakeholders (2)",
    ):
        assert heading in out
    assert '- Raise the money for the project  ["What is a Producer?" para. 1, line 15]' in out
    assert "62,193 USD per year (average)" in out
    assert "issued by: Project Management Institute" in out
    assert "no citation" not in out


def test_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "production manager", "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert document["label"] == "Production Manager"
    salary = document["categories"]["Salary"][0]
    assert salary["citations"] == [
        {
            "source": "Production Manager vs. Producer: What Are the Differences?",
            "heading": "Production Manager vs. Producer",
            "paragraph": 9,
            "line": 43,
        }
    ]


def test_unknown_role_exits_2_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "Prodcuer")
    assert code == 2
    assert out == ""
    assert "no role matches 'Prodcuer'" in err and "Did you mean: Producer" in err
    assert "Traceback" not in err


def test_malformed_data_file_exits_2_with_position(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    code, _, err = run(capsys, "--data", str(bad), "roles")
    assert code == 2
    assert f"{bad}:2:" in err
    assert "Traceback" not in err


def test_validate_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert out.startswith("Valid: production-manager-vs-producer.ttl")


def test_validate_bad_file_exits_3_with_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", str(DATA / "shapes" / "bad-certification-no-issuer.ttl"))
    assert code == 3
    assert "focus <https://example.org/cert>" in err
    assert "path    rg:issuedBy" in err
    assert "needs an issuer" in err


def test_validate_malformed_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('<http://example.org/a> <http://example.org/b> "x .\n')
    code, _, err = run(capsys, "validate", str(bad))
    assert code == 2
    assert f"{bad}:1" in err


def test_export_to_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, graph: Graph) -> None:
    target = tmp_path / "graph.nt"
    code, out, err = run(capsys, "export", "--format", "nt", "-o", str(target))
    assert code == 0
    assert out == ""
    assert str(target) in err
    assert isomorphic(Graph().parse(target, format="nt"), graph)


def test_export_to_directory_exits_2_and_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "export", "-o", str(tmp_path))
    assert code == 2
    assert "is a directory" in err
    assert list(tmp_path.iterdir()) == []


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export", "--format", "rdfxml")
    assert code == 2
    assert "Invalid value for '--format'" in err


def test_control_characters_in_labels_are_not_printed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extra = tmp_path / "hostile.ttl"
    extra.write_text(
        "@prefix rg: <https://w3id.org/rolegraph/vocab#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/r> a rg:Role ; rdfs:label "Evil\\u001b[2J\\nRole"@en .\n'
    )
    code, out, _ = run(capsys, "--data", str(extra), "roles", "--all")
    assert code == 0
    assert "\x1b" not in out
    assert "Evil [2J Role" in out


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "rolegraph", "roles"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Production Manager" in done.stdout


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("rolegraph, version ")
