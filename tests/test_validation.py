"""rolegraph.validation: the shipped data passes every shape; each bad file fails with its shape's message."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolegraph.validation import validate

from .conftest import DATA

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
    shapes_text = (Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl").read_text()
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
