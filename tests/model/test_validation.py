"""rolegraph.model.validation: the shipped data passes every shape; each bad file fails with its shape's message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rolegraph.model.validation import validate

from ..conftest import DATA

SHAPE_CASES = DATA / "shapes"
BAD_FILES = sorted(SHAPE_CASES.glob("bad-*.ttl"))


def expected_message(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: <message>'"
    return first.removeprefix("# expect: ")


def test_shipped_data_conforms() -> None:
    report = validate()
    assert report.conforms, [str(issue) for issue in report.issues]
    assert report.issues == ()


def test_good_minimal_file_conforms() -> None:
    report = validate([SHAPE_CASES / "good-minimal.ttl"])
    assert report.conforms, [str(issue) for issue in report.issues]


def test_there_is_a_bad_file_for_every_shape() -> None:
    shapes_text = (Path(__file__).resolve().parents[2] / "ontology" / "shapes.ttl").read_text()
    messages = [expected_message(path) for path in BAD_FILES]
    for shape_message in [line.split('"', 1)[1] for line in shapes_text.splitlines() if "sh:message" in line]:
        assert any(m in shape_message for m in messages), f"no bad-*.ttl exercises: {shape_message}"


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.stem for p in BAD_FILES])
def test_bad_file_fails_with_its_message(path: Path) -> None:
    report = validate([path])
    assert not report.conforms
    messages = [issue.message for issue in report.issues]
    assert any(expected_message(path) in m for m in messages), messages


def test_issue_names_focus_and_path() -> None:
    report = validate([SHAPE_CASES / "bad-undeclared-property.ttl"])
    (issue,) = report.issues
    assert issue.focus == "<https://example.org/role>"
    assert issue.path == "rg:hasDutty"
    assert issue.value == "<https://example.org/duty>"


def test_with_shipped_merges_the_shipped_data() -> None:
    report = validate([SHAPE_CASES / "good-minimal.ttl"], with_shipped=True)
    assert report.conforms
    assert report.checked == (str(SHAPE_CASES / "good-minimal.ttl"),)


ALL_FILES = sorted(SHAPE_CASES.glob("*.ttl"))


def _pyshacl_violations(path: Path) -> set[tuple[str, str | None, str]]:
    """(focus, path, constraint component) of every pySHACL result on ``path`` with the vocabulary."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    from rolegraph.model.ontology import load_vocabulary, parse_into
    from rolegraph.model.validation import shapes_graph

    data = parse_into(load_vocabulary(), path)
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", allow_warnings=True, advanced=True
    )
    assert isinstance(results, Graph)
    found = set()
    for result in results.subjects(SH.resultSeverity, None):
        focus, where = results.value(result, SH.focusNode), results.value(result, SH.resultPath)
        component = results.value(result, SH.sourceConstraintComponent)
        focus_text = "_:blank" if focus is None or focus.n3().startswith("_:") else focus.n3()
        found.add((focus_text, None if where is None else where.n3(), str(component)))
    return found


@pytest.mark.parametrize("path", ALL_FILES, ids=[p.stem for p in ALL_FILES])
def test_sparql_translation_finds_what_pyshacl_finds(path: Path) -> None:
    from rolegraph.model.validation import check_files_as_sparql

    report = check_files_as_sparql([path])
    ours = {
        ("_:blank" if v.focus.startswith("_:") else v.focus, v.path, v.component)
        for result in report.results
        for v in result.examples
    }
    assert ours == _pyshacl_violations(path)
    assert report.conforms == (path.name.startswith("good-"))


def test_translation_refuses_what_it_cannot_express() -> None:
    from rdflib import Graph

    from rolegraph.model.shapecheck import UnsupportedShapeError, compile_shapes

    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] .""",
        format="turtle",
    )
    with pytest.raises(UnsupportedShapeError, match="uniqueLang"):
        compile_shapes(shapes)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from rolegraph.cli import main

    with pytest.raises(SystemExit) as exited:
        main(list(args))
    return int(exited.value.code or 0), capsys.readouterr().out


def test_store_validates_on_the_mini_store(mini_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--store", str(mini_store), "validate")
    assert code == 0, out
    assert out.startswith("Valid: ")
    code, out = run(capsys, "--store", str(mini_store), "validate", "--format", "json")
    assert code == 0
    assert json.loads(out)["conforms"] is True


def test_store_with_one_bad_triple_reports_exactly_it(
    mini_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    import pyoxigraph as ox

    from rolegraph.store.database import RoleStore

    copy = tmp_path / "store"
    shutil.copytree(mini_store, copy)
    job = ox.NamedNode("https://w3id.org/rolegraph/id/onet/occupation/27-2012.00")
    with RoleStore.open(copy, writable=True) as store:
        graph = next(g for g in store.current_graphs() if "/onet/" in g.value)
        zone = ox.Literal("9", datatype=ox.NamedNode(XSD + "integer"))
        store.store.add(ox.Quad(job, ox.NamedNode(RG + "jobZone"), zone, graph))
        # and in the store's default graph, the union of the current graphs that queries (and validate) read
        store.store.add(ox.Quad(job, ox.NamedNode(RG + "jobZone"), zone, ox.DefaultGraph()))
    code, out = run(capsys, "--store", str(copy), "validate", "--format", "json")
    assert code == 3, out
    failing = [r for r in json.loads(out)["results"] if r["violations"]]
    assert [(r["path"], r["constraint"], r["violations"]) for r in failing] == [
        ("rg:jobZone", "<http://www.w3.org/ns/shacl#MaxInclusiveConstraintComponent>", 1)
    ]
    assert failing[0]["examples"] == [{"focus": f"<{job.value}>", "value": '"9"^^<' + XSD + "integer>"}]


RG = "https://w3id.org/rolegraph/vocab#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_real_store_is_valid_with_a_summary_by_shape(real_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rolegraph.model.validation import shapes_graph

    code, out = run(capsys, "--store", str(real_store), "validate")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith(f"Valid: {real_store}: ") and lines[0].endswith(", no violations.")
    assert lines[1] == "By shape (checks, violations):"
    summary = dict(line.strip().split(": ", 1) for line in lines[2:])
    shapes = {f"rgsh:{s.rsplit('#', 1)[-1]}" for s in shapes_graph().subjects() if "/shapes#" in str(s)}
    assert set(summary) <= shapes and "rgsh:CitedRoleLinkShape" in summary and "rgsh:StatementShape" in summary
    assert all(text.endswith(" 0 violation(s)") for text in summary.values())


def test_real_store_with_bad_facts_reports_exactly_them(
    real_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    import pyoxigraph as ox

    from rolegraph.store.database import RoleStore

    copy = tmp_path / "store"
    shutil.copytree(real_store, copy)
    job = ox.NamedNode("https://w3id.org/rolegraph/id/onet/occupation/27-2012.00")
    with RoleStore.open(copy, writable=True) as store:
        graph = next(g for g in store.current_graphs() if "/onet/" in g.value)
        skill = next(iter(store.store.query(
            f"SELECT ?s WHERE {{ ?s a <{RG}Skill> FILTER NOT EXISTS {{ <{job.value}> ?p ?s }} }} LIMIT 1"
        )))["s"]  # fmt: skip
        bad = [
            ox.Triple(job, ox.NamedNode(RG + "requiresSkill"), skill),  # a role link no statement cites
            ox.Triple(job, ox.NamedNode(RG + "jobZoneTypo"), ox.Literal("3")),  # a property the vocabulary lacks
        ]
        for triple in bad:
            # into a current graph, and the store's default graph, the union of the current graphs that queries read
            store.store.add(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
            store.store.add(ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph()))
    code, out = run(capsys, "--store", str(copy), "validate", "--format", "json")
    assert code == 3, out
    failing = [r for r in json.loads(out)["results"] if r["violations"]]
    assert [(r["shape"], r["violations"]) for r in failing] == [
        ("rgsh:CitedRoleLinkShape", 1),
        ("rgsh:DeclaredPropertiesShape", 1),
    ]
    assert [r["examples"] for r in failing] == [
        [{"focus": f"<{job.value}>", "value": str(skill)}],
        [{"focus": f"<{job.value}>", "value": '"3"'}],
    ]
    code, out = run(capsys, "--store", str(copy), "validate")
    assert code == 3
    assert "  rgsh:CitedRoleLinkShape: 1 check(s), 1 violation(s)" in out
    assert "  rgsh:DeclaredPropertiesShape: 1 check(s), 1 violation(s)" in out
