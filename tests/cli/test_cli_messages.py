"""The mistakes a newcomer makes on the command line get a message that says what to do instead (exit 2, no
traceback, no click usage dump where rolegraph knows better)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolegraph.cli import main

from ..conftest import DATA


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def test_a_server_url_without_the_sparql_prefix_says_how_to_write_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--store", "http://127.0.0.1:1/sparql", "roles")
    assert code == 2
    assert "--store sparql+http://127.0.0.1:1/sparql" in err
    assert "no rolegraph store here" not in err


def test_a_file_as_store_is_not_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("x")
    for args in (("roles",), ("import", "onet", str(DATA / "onet-mini"))):
        code, _, err = run(capsys, "--store", str(file), *args)
        assert code == 2, args
        assert "not a folder" in err and "import` creates one" not in err, err
    assert file.read_text() == "x"


def test_bind_without_equals_sign_names_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "shared-skills", "--bind", "a", "Producer")
    assert code == 2
    assert "--bind a=Producer?" in err


def test_query_text_given_as_the_sparql_source_says_to_pipe_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "sparql", "SELECT * { ?s ?p ?o }")
    assert code == 2
    assert "rolegraph sparql -" in err
    code, _, err = run(capsys, "sparql", "missing-file.rq")
    assert code == 2 and "No such file" in err  # a file name that is not query text: click's own message


@pytest.mark.parametrize("name", ["27-2012.00", "http://data.europa.eu/esco/occupation/x", "zzqx unknown title"])
def test_imported_names_on_the_built_in_graph_point_to_import(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, _, err = run(capsys, "show", name)
    assert code == 2
    assert "rolegraph import onet FOLDER" in err


def test_a_typo_with_close_names_gets_the_close_names_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "Produser")
    assert code == 2
    assert "Did you mean: Producer" in err and "rolegraph import" not in err


def test_on_a_store_the_import_hint_is_not_given(capsys: pytest.CaptureFixture[str], mini_store: Path) -> None:
    code, _, err = run(capsys, "--store", str(mini_store), "show", "99-9999.00")
    assert code == 2
    assert "no role matches" in err and "rolegraph import onet" not in err
