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

from ..conftest import DATA, ONET_RELEASE


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
            "file": None,
            "heading": "Production Manager vs. Producer",
            "paragraph": 9,
            "line": 43,
        }
    ]


def test_show_imported_roles_with_weights_facts_and_files(capsys: pytest.CaptureFixture[str], mini_store: Path) -> None:
    code, out, _ = run(capsys, "--store", str(mini_store), "show", "27-2012.00")
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == (
        "Produce or direct stage, television, radio, video, or film productions.  "
        "[O*NET 99.9 Database, Occupation Data.txt]"
    )
    assert lines[2] == "Job zone: 4 of 5, Considerable Preparation Needed  [O*NET 99.9 Database, Job Zones.txt]"
    assert lines[3] == "Alternate titles (2): Producer, Production Manager  [O*NET 99.9 Database, Alternate Titles.txt]"
    skills = lines[lines.index("Skills (3)") + 1 :: 2][:3]
    assert skills == [
        "  - Active Listening  importance 4.00/5, level 4.50/7  [O*NET 99.9 Database, Skills.txt]",
        "  - Management of Financial Resources  importance 3.50/5, level 3.90/7  [O*NET 99.9 Database, Skills.txt]",
        "  - Speaking  importance 3.25/5  [O*NET 99.9 Database, Skills.txt]",
    ]
    assert "  - Fine Arts  importance 4.20/5, level 5.00/7  [O*NET 99.9 Database, Knowledge.txt]" in lines
    assert "      every level reported: Bachelor's Degree 72.50 %, Post-Baccalaureate Certificate 27.50 %" in lines
    assert lines[lines.index("Related occupations (1)") + 1] == (
        "  - Industrial Production Managers (11-3051.00)  Primary-Short #1  "
        "[O*NET 99.9 Database, Related Occupations.txt]"
    )
    assert "no citation" not in out and "rg:" not in out
    code, out, _ = run(capsys, "--store", str(mini_store), "show", "http://data.europa.eu/esco/occupation/p1")
    assert "  - manage budgets  essential  [ESCO v9, occupationSkillRelations.csv]" in out
    assert out.index("manage budgets") < out.index("copyright legislation")  # essential first


def test_show_json_carries_every_weight_as_numbers(capsys: pytest.CaptureFixture[str], mini_store: Path) -> None:
    code, out, _ = run(capsys, "--store", str(mini_store), "show", "27-2012.00", "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert [(e["label"], e["weights"]) for e in document["categories"]["Skills"]][:2] == [
        ("Active Listening", {"importance": 4.0, "level": 4.5}),
        ("Management of Financial Resources", {"importance": 3.5, "level": 3.9}),
    ]
    assert document["categories"]["Skills"][0]["citations"][0]["file"] == "Skills.txt"
    assert document["job_zone"]["zone"] == 4 and document["job_zone"]["meaning"] == "Considerable Preparation Needed"
    assert document["alternate_titles"]["count"] == 2 and document["alternate_titles"]["titles"][0] == "Producer"
    assert [(r["code"], r["tier"], r["index"]) for r in document["related_occupations"]] == [
        ("11-3051.00", "Primary-Short", 1)
    ]
    assert [(e["code"], e["percentage"]) for e in document["education_shares"]] == [("RL-6", 72.5), ("RL-7", 27.5)]
    assert document["categories"]["Education"][0]["weights"] == {"percentage": 72.5}


def test_show_on_the_real_release_gives_skills_txt_importance(
    capsys: pytest.CaptureFixture[str], real_store: Path
) -> None:
    import csv as csvmodule

    with (ONET_RELEASE / "Skills.txt").open(encoding="utf-8", newline="") as handle:
        rows = list(csvmodule.DictReader(handle, delimiter="\t"))
    rated = {
        r["Element Name"]: float(r["Data Value"])
        for r in rows
        if r["O*NET-SOC Code"] == "27-2012.00" and r["Scale ID"] == "IM" and r["Recommend Suppress"] != "Y"
    }
    code, out, _ = run(capsys, "--store", str(real_store), "show", "27-2012.00", "--format", "json")
    assert code == 0
    shown = {e["label"]: e["weights"]["importance"] for e in json.loads(out)["categories"]["Skills"]}
    assert shown == {name: value for name, value in rated.items() if value >= 3}
    assert shown["Active Listening"] == rated["Active Listening"]
    assert list(shown.values()) == sorted(shown.values(), reverse=True)
    code, out, _ = run(capsys, "--store", str(real_store), "show", "27-2012.00")
    assert "no citation" not in out and "[O*NET 29.0 Database, Skills.txt]" in out


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


def test_compare_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "Production Manager", "Producer")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Production Manager vs. Producer"
    assert lines[1] == (
        "Overlap: 0.36 (20.00 of 56 in 11 comparable categories: 20 shared, 0 matched pairs counted by their score); "
        "not comparable (a role has nothing there): also acts as"
    )
    assert lines[2] == (
        "Overall Jaccard similarity: 0.34 (20 of 58 (category, node) pairs shared by all; 57 nodes, the roles "
        "included, as on the page)"
    )
    assert any(line.split() == ["skills", "0.25", "0.25", "2", "0", "3", "3"] for line in lines)
    assert any(line.split() == ["also", "acts", "as", "not", "comparable", "-", "0", "0", "0", "2"] for line in lines)
    assert "  only Producer:" in out and "    - Raise the money for the project" in out


def test_compare_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "production-manager", "producer", "--format", "json")
    assert code == 0
    assert json.loads(out)["jaccard"] == pytest.approx(20 / 58)
    code, out, _ = run(capsys, "compare", "production-manager", "producer", "--format", "csv")
    assert code == 0
    rows = list(__import__("csv").reader(out.splitlines()))
    assert rows[0] == [
        "category",
        "comparable",
        "category_jaccard",
        "category_overlap",
        "membership",
        "node",
        "label",
        "roles",
        "matched_node",
        "matched_label",
        "relation",
        "score",
        "origin",
        "node_category",
        "matched_category",
        "weights (Production Manager)",
        "weights (Producer)",
    ]
    assert [
        "skills",
        "true",
        "0.250000",
        "0.250000",
        "shared",
        "https://w3id.org/rolegraph/id/skill/communication",
        "Communication",
        "Production Manager; Producer",
        *[""] * 9,
    ] in rows
    assert len(rows) == 1 + 58


def test_compare_needs_two_roles(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "compare", "Producer")
    assert code == 2
    assert "at least two roles" in err


def test_query_with_bindings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "shared-skills", "--bind", "a=Producer", "--bind", "b=Production Manager")
    assert code == 0
    assert "skill:communication  Communication" in out
    assert "2 row(s)." in out


def test_query_list_parameter_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "salary-comparison", "--bind", "role=Producer", "--format", "csv")
    assert code == 0
    # The built-in graph runs on Oxigraph, as a store does: decimals are written canonically (62193.0 as 62193).
    assert out.splitlines()[1].startswith("https://w3id.org/rolegraph/id/role/producer,Producer,62193,USD,YEAR")


def test_query_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "--list")
    assert code == 0
    assert "shared-skills\n    The skills two roles both require." in out
    assert "--bind a=...  (role) the first role." in out


def test_query_errors_list_what_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "shared-skilz")
    assert code == 2 and "Valid names:" in err and "shared-skills" in err
    code, _, err = run(capsys, "query", "shared-skills", "--bind", "a=Producer", "--bind", "c=Producer")
    assert code == 2 and "its parameters: a, b" in err
    code, _, err = run(capsys, "query", "shared-skills", "--bind", "a=Producer")
    assert code == 2 and "needs a value for b" in err


@pytest.mark.parametrize("name", ['x" } ; DROP ALL ; #', "} UNION { ?s ?p ?o", "<script>", "SELECT * WHERE {}"])
def test_hostile_role_names_are_unknown_roles(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, err = run(capsys, "query", "shared-skills", "--bind", f"a={name}", "--bind", "b=Producer")
    assert code == 2
    assert out == ""
    assert "no role matches" in err


def test_empty_result_is_a_normal_result(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "shared-skills", "--bind", "a=Producer", "--bind", "b=Director")
    assert code == 0
    assert out.strip() == "no rows"


def test_sparql_select_from_stdin_in_every_format() -> None:
    text = (
        "PREFIX rg: <https://w3id.org/rolegraph/vocab#>\nSELECT ?role WHERE { ?role a rg:ProfiledRole } ORDER BY ?role"
    )
    outputs = {}
    for fmt in ("table", "json", "csv", "tsv", "xml"):
        command = [sys.executable, "-m", "rolegraph", "sparql", "-", "--format", fmt]
        done = subprocess.run(command, input=text.encode(), capture_output=True)  # bytes: keep CSV's CRLF
        assert done.returncode == 0, done.stderr
        outputs[fmt] = done.stdout.decode("utf-8")
    assert "role:producer" in outputs["table"]
    assert json.loads(outputs["json"])["results"]["bindings"][0]["role"]["value"].endswith("/role/producer")
    assert outputs["csv"].startswith("role\r\nhttps://w3id.org/rolegraph/id/role/producer\r\n")
    assert outputs["tsv"].startswith("?role\n<https://w3id.org/rolegraph/id/role/producer>\n")
    assert "<uri>https://w3id.org/rolegraph/id/role/producer</uri>" in outputs["xml"]


def test_sparql_construct_ask_and_wrong_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    construct = tmp_path / "c.rq"
    construct.write_text(
        "CONSTRUCT { ?r a <http://example.org/R> } WHERE { ?r a <https://w3id.org/rolegraph/vocab#ProfiledRole> }"
    )
    code, out, _ = run(capsys, "sparql", str(construct), "--format", "nt")
    assert code == 0
    assert len(out.splitlines()) == 2
    code, _, err = run(capsys, "sparql", str(construct), "--format", "csv")
    assert code == 2 and "does not fit a CONSTRUCT query" in err
    ask = tmp_path / "a.rq"
    ask.write_text("ASK { ?r a <https://w3id.org/rolegraph/vocab#ProfiledRole> }")
    code, out, _ = run(capsys, "sparql", str(ask))
    assert (code, out.strip()) == (0, "true")


def test_sparql_syntax_error_exits_2_with_position(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * WHERE {\n  ?s ?p \n}\n")
    code, out, err = run(capsys, "sparql", str(bad))
    assert code == 2
    assert f"{bad}:2:3: SPARQL syntax error" in err
    assert "Traceback" not in err and out == ""


def test_sparql_empty_result_says_no_rows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "e.rq"
    empty.write_text("SELECT ?s WHERE { ?s a <http://example.org/Nothing> }")
    code, out, _ = run(capsys, "sparql", str(empty))
    assert (code, out.strip()) == (0, "no rows")


@pytest.mark.parametrize("kind", ["QueryError", "EndpointError", "OutputError", "StoreError", "RolegraphError"])
def test_every_rolegraph_error_is_exit_2_with_its_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Whatever a command raises of rolegraph's own errors (the engines raise QueryError) is its message and exit 2;
    an import committed before a failure (ImportCommittedError) is exit 4."""
    import rolegraph.errors
    import rolegraph.store.database

    error = getattr(rolegraph.errors, kind, None) or getattr(rolegraph.store.database, kind)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise error("query.rq:1:5: what went wrong \x1b[2J")

    monkeypatch.setattr("rolegraph.api.RoleGraph.roles", fail)
    code, out, err = run(capsys, "roles")
    assert code == 2 and out == ""
    assert err == "rolegraph: error: query.rq:1:5: what went wrong  [2J\n"  # the escape is not printed either
    monkeypatch.setattr("rolegraph.api.RoleGraph.roles", lambda *_a, **_k: (_ for _ in ()).throw(
        rolegraph.store.database.ImportCommittedError("committed, then the disk filled")))  # fmt: skip
    assert run(capsys, "roles")[0] == 4


def test_an_ill_typed_literal_is_one_warning_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text('SELECT ?x WHERE { BIND("x"^^<http://www.w3.org/2001/XMLSchema#integer> AS ?x) }')
    code, out, err = run(capsys, "sparql", str(query), "--format", "json")
    assert code == 0
    assert json.loads(out)["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "x", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
    ]
    assert err.count("\n") <= 1 and "Traceback" not in err


def test_roles_csv_writes_booleans_as_json_does(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "roles", "--all", "--format", "csv")
    assert code == 0
    flags = {line.split(",")[2] for line in out.splitlines()[1:]}
    assert flags == {"true", "false"}


def test_tables_round_decimals_and_json_keeps_them(capsys: pytest.CaptureFixture[str]) -> None:
    _, table, _ = run(capsys, "query", "similar-roles", "--bind", "role=Producer")
    assert " 0.34 " in table and "0.344827" not in table
    _, document, _ = run(capsys, "query", "similar-roles", "--bind", "role=Producer", "--format", "json")
    values = {b["jaccard"]["value"] for b in json.loads(document)["results"]["bindings"]}
    assert any(v.startswith("0.344827586") for v in values)


def test_help_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "help")
    assert code == 0 and "compare" in out and "Usage: rolegraph" in out
    code, out, _ = run(capsys, "help", "import", "esco")
    assert code == 0 and out.startswith("Usage: rolegraph import esco [OPTIONS] FOLDER")
    code, _, err = run(capsys, "help", "nonsense")
    assert code == 2 and "no command 'nonsense'" in err and "Traceback" not in err


def test_global_options_after_the_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix rg: <https://w3id.org/rolegraph/vocab#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/gaffer> a rg:ProfiledRole ; rdfs:label "Gaffer"@en .\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "roles", "--data", str(extra))
    assert code == 0, err
    assert "Gaffer" in out
    code, out, _ = run(capsys, "--data", str(extra), "roles")
    assert code == 0 and "Gaffer" in out


def test_resolve_suggests_and_states_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "resolve", "Produser")
    assert code == 2 and "Did you mean: Producer" in err
    code, out, _ = run(capsys, "resolve", "producer")
    assert code == 0
    assert "Commands take 'producer' to mean Producer <https://w3id.org/rolegraph/id/role/producer>." in out
    assert "exact case typed" in out and "shipped graph" in out


def test_tables_wrap_to_the_terminal_at_word_boundaries(tmp_path: Path) -> None:
    import os
    import pty

    def table(env: dict[str, str]) -> str:
        leader, follower = pty.openpty()
        done = subprocess.run([sys.executable, "-m", "rolegraph", "roles"], stdout=follower, stderr=subprocess.PIPE,
                              cwd=tmp_path, env={**os.environ, **env}, timeout=120)  # fmt: skip
        os.close(follower)
        assert done.returncode == 0, done.stderr
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower is closed: everything has been read
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")

    narrow = table({"COLUMNS": "85"})
    assert "\nProduction " in narrow and "\nManager\n" in narrow  # wrapped between the words, the IRI kept whole
    assert all(len(line) <= 85 for line in narrow.splitlines())
    assert "https://w3id.org/rolegraph/id/role/production-manager" in narrow
    assert "Production Manager  9" in table({"COLUMNS": "200"})
    piped = subprocess.run([sys.executable, "-m", "rolegraph", "roles"], capture_output=True, text=True,
                           cwd=tmp_path, env={**os.environ, "COLUMNS": "40"})  # fmt: skip
    assert "Production Manager  9" in piped.stdout  # a pipe gets whole rows


def test_every_named_querys_header_example_returns_rows(
    capsys: pytest.CaptureFixture[str], aligned_mini_store: Path
) -> None:
    """On the built-in graph; a query that reads what `rolegraph align` computes or only imported ratings, on an
    aligned store."""
    import shlex

    from rolegraph.sparql.queries import list_queries

    for named in list_queries():
        args = shlex.split(named.example)
        assert args[:3] == ["rolegraph", "query", named.name]
        reads_alignment = "rg:similarityOf" in named.text or "rg:mappingSubject" in named.text
        reads_ratings = named.name == "career-weights"  # only O*NET's and ESCO's weights: none built in
        target = ["--store", str(aligned_mini_store)] if reads_alignment or reads_ratings else []
        code, out, err = run(capsys, *target, *args[1:], "--format", "json")
        assert code == 0, (named.name, err)
        assert json.loads(out)["results"]["bindings"], f"{named.name}: its example returns no rows"
