"""Fuzzed and hostile input files: the corpus in tests/data/bad/ (each with the error it must give), generated
extremes (a 50 MB literal, deeply nested blank nodes), and O*NET / ESCO files with missing, extra and shuffled
columns, blank lines, duplicate rows and CRLF line ends. Never a traceback, never a hang."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import DATA

BAD = DATA / "bad"


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rolegraph", *args], capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


CORPUS = {
    "truncated.ttl": (2, "truncated.ttl:6:42: unterminated URI reference"),
    "latin1.ttl": (2, "latin1.ttl:2: the file is not UTF-8 (byte 0xe9 cannot be decoded)"),
    "undefined-prefix.ttl": (2, 'undefined-prefix.ttl:3:5: Prefix "nope:" not bound'),
    "bad-iri.ttl": (2, "bad-iri.ttl:2: the IRI <https://example.org/role/a b> contains a space"),
    "xml-bomb.rdf": (2, "xml-bomb.rdf: unknown RDF file type '.rdf'; rolegraph reads"),
    "external-entity.rdf": (2, "external-entity.rdf: unknown RDF file type '.rdf'"),
    "xml-bomb-named.ttl": (2, "xml-bomb-named.ttl:4:2: expected '.' or '}' or ']' at end of statement"),
    "remote-context.jsonld": (2, "remote-context.jsonld: unknown RDF file type '.jsonld'"),
    "bom.ttl": (0, ""),
    "hostile-label.ttl": (0, ""),
}


def test_every_corpus_file_has_a_case() -> None:
    assert {p.name for p in BAD.iterdir()} == set(CORPUS)


@pytest.mark.parametrize(("name", "expected"), CORPUS.items(), ids=list(CORPUS))
@pytest.mark.parametrize("command", [["roles", "--all"], ["validate"]], ids=["load", "validate"])
def test_corpus(name: str, expected: tuple[int, str], command: list[str]) -> None:
    code, message = expected
    started = time.monotonic()
    done = run("validate", str(BAD / name)) if command == ["validate"] else run("--data", str(BAD / name), *command)
    assert time.monotonic() - started < 30  # refused quickly: nothing expands or waits on the network
    assert "Traceback" not in done.stderr
    if code == 0:
        if command != ["validate"]:  # (validate may find shape violations in these on purpose-free files)
            assert done.returncode == 0, done.stderr
        return
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert "lollollol" not in done.stdout + done.stderr and "root:" not in done.stdout + done.stderr


def test_a_byte_order_mark_is_accepted() -> None:
    done = run("--data", str(BAD / "bom.ttl"), "roles", "--all")
    assert "Role with a byte order mark" in done.stdout


def test_a_50_mb_literal(tmp_path: Path) -> None:
    big = tmp_path / "big.ttl"
    with big.open("w", encoding="utf-8") as handle:
        handle.write('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                     '<https://example.org/x> rdfs:comment "')  # fmt: skip
        handle.write("x" * 50_000_000)
        handle.write('" .\n')
    done = run("--data", str(big), "roles")
    assert done.returncode == 0, done.stderr[-500:]


def test_deeply_nested_blank_nodes(tmp_path: Path) -> None:
    deep = tmp_path / "deep.ttl"
    depth = 50_000
    deep.write_text("@prefix ex: <https://example.org/> .\nex:a ex:p " + "[ ex:p " * depth + "ex:b" + " ]" * depth
                    + " .\n", encoding="utf-8")  # fmt: skip
    done = run("--data", str(deep), "roles")
    assert done.returncode == 2
    assert "nested too deeply to read" in done.stderr and "Traceback" not in done.stderr


# -- release files with damage ----------------------------------------------------------------------------------


def _rewrite(path: Path, change: object) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(change(text), encoding="utf-8", newline="")  # type: ignore[operator]


def _columns(text: str, delimiter: str, order: list[int] | None = None, extra: bool = False) -> str:
    out = []
    for line in text.splitlines():
        if not line:
            out.append(line)
            continue
        cells = line.split(delimiter)
        if order is not None:
            cells = [cells[i] for i in order]
        if extra:
            cells.append("extra")
        out.append(delimiter.join(cells))
    return "\n".join(out) + "\n"


ONET_DAMAGE = {
    "extra columns": ("Task Statements.txt", lambda t: _columns(t, "\t", extra=True)),
    "shuffled columns": ("Task Statements.txt", lambda t: _columns(t, "\t", order=[3, 2, 1, 0, 4, 5, 6])),
    "blank lines": ("Task Statements.txt", lambda t: t.replace("\n", "\n\n")),
    "duplicate rows": ("Task Statements.txt", lambda t: t + "".join(t.splitlines(keepends=True)[1:])),
    "CRLF line ends": ("Task Statements.txt", lambda t: t.replace("\n", "\r\n")),
}
ESCO_DAMAGE = {
    "extra columns": ("occupationSkillRelations.csv", lambda t: _columns(t, ",", extra=True)),
    "shuffled columns": ("occupationSkillRelations.csv", lambda t: _columns(t, ",", order=[2, 1, 0, 3])),
    "blank lines": ("occupationSkillRelations.csv", lambda t: t.replace("\n", "\n\n")),
    "duplicate rows": ("occupationSkillRelations.csv", lambda t: t + "".join(t.splitlines(keepends=True)[1:])),
    "CRLF line ends": ("occupationSkillRelations.csv", lambda t: t.replace("\n", "\r\n")),
}


def _imported_view(tmp_path: Path, kind: str, folder: Path, *show: str) -> str:
    store = tmp_path / f"store-{kind}-{folder.name}"
    done = run("--store", str(store), "import", kind, str(folder), *(["--release", "v9"] if kind == "esco" else []))
    assert done.returncode == 0, done.stderr
    return "\n".join(run("--store", str(store), "show", role).stdout for role in show)


@pytest.fixture(scope="module")
def onet_baseline(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _imported_view(tmp_path_factory.mktemp("onet"), "onet", DATA / "onet-mini", "27-2012.00", "11-3051.00")


@pytest.fixture(scope="module")
def esco_baseline(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _imported_view(tmp_path_factory.mktemp("esco"), "esco", DATA / "esco-mini",
                          "http://data.europa.eu/esco/occupation/p1")  # fmt: skip


@pytest.mark.parametrize("damage", ONET_DAMAGE, ids=list(ONET_DAMAGE))
def test_onet_files_with_harmless_damage_import_the_same(tmp_path: Path, onet_baseline: str, damage: str) -> None:
    folder = tmp_path / "onet"
    shutil.copytree(DATA / "onet-mini", folder)
    name, change = ONET_DAMAGE[damage]
    _rewrite(folder / name, change)
    assert _imported_view(tmp_path, "onet", folder, "27-2012.00", "11-3051.00") == onet_baseline


@pytest.mark.parametrize("damage", ESCO_DAMAGE, ids=list(ESCO_DAMAGE))
def test_esco_files_with_harmless_damage_import_the_same(tmp_path: Path, esco_baseline: str, damage: str) -> None:
    folder = tmp_path / "esco"
    shutil.copytree(DATA / "esco-mini", folder)
    name, change = ESCO_DAMAGE[damage]
    _rewrite(folder / name, change)
    assert _imported_view(tmp_path, "esco", folder, "http://data.europa.eu/esco/occupation/p1") == esco_baseline


@pytest.mark.parametrize(
    ("kind", "source", "file", "column", "delimiter"),
    [
        ("onet", "onet-mini", "Task Statements.txt", "Task", "\t"),
        ("onet", "onet-mini", "Occupation Data.txt", "Title", "\t"),
        ("esco", "esco-mini", "occupations_en.csv", "preferredLabel", ","),
        ("esco", "esco-mini", "occupationSkillRelations.csv", "skillUri", ","),
    ],
)
def test_a_missing_column_is_named_and_nothing_is_stored(
    tmp_path: Path, kind: str, source: str, file: str, column: str, delimiter: str
) -> None:
    folder = tmp_path / source
    shutil.copytree(DATA / source, folder)
    _rewrite(folder / file, lambda t: t.replace(column, "Renamed " + column, 1))
    store = tmp_path / "store"
    done = run("--store", str(store), "import", kind, str(folder))
    assert done.returncode == 2, done.stderr
    assert file in done.stderr and column in done.stderr and "Traceback" not in done.stderr
    listed = run("--store", str(store), "sources").stdout
    assert "O*NET" not in listed and "ESCO" not in listed  # the failed import left nothing behind


def test_hostile_labels_are_inert_on_every_page(tmp_path: Path) -> None:
    """The site's pages (landing, role, compare) and the exported page show hostile labels as text."""
    from rolegraph.server import ServerSettings, make_server

    from .test_server import fetch

    store = tmp_path / "store"
    esco = tmp_path / "esco"
    shutil.copytree(DATA / "esco-mini", esco)
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    _rewrite(esco / "occupations_en.csv", lambda t: t.replace("performance production manager", f'"{hostile}"', 1))
    assert run("--store", str(store), "import", "esco", str(esco)).returncode == 0
    import threading
    import urllib.parse

    server = make_server(str(store), ServerSettings(port=0, workers=1))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    role = "http://data.europa.eu/esco/occupation/p2"
    try:
        pages = [
            fetch(base, "GET", "/"),
            fetch(base, "GET", "/role/" + urllib.parse.quote(role, safe="")),
            fetch(base, "GET", "/compare?" + urllib.parse.urlencode([("role", role), ("role", "role:producer")])),
            fetch(base, "GET", "/role/" + urllib.parse.quote(hostile, safe="")),
        ]
    finally:
        server.shutdown()
        server.server_close()
        server.pool.close()
    for answer in pages:
        text = answer.text()
        assert "<script>alert" not in text and "<img src=x" not in text, answer.status
    assert "&lt;script&gt;alert" in pages[0].text() and "&lt;script&gt;alert" in pages[1].text()
    assert "\\u003cscript" in pages[2].text()  # inside the page's JSON, escaped


def test_a_nul_byte_in_a_header_is_a_clear_error(tmp_path: Path) -> None:
    """Found by fuzz/fuzz_inputs.py: a NUL byte before the header used to escape as a csv.Error traceback."""
    folder = tmp_path / "onet"
    shutil.copytree(DATA / "onet-mini", folder)
    _rewrite(folder / "Task Statements.txt", lambda t: "\0" + t)
    done = run("--store", str(tmp_path / "store"), "import", "onet", str(folder))
    assert done.returncode == 2 and "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "Task Statements.txt" in done.stderr


def test_quotes_in_onet_text_are_ordinary_characters(tmp_path: Path) -> None:
    folder = tmp_path / "onet"
    shutil.copytree(DATA / "onet-mini", folder)
    task = "Plan and coordinate productions."
    _rewrite(folder / "Task Statements.txt", lambda t: t.replace(task, 'Plan "and coordinate productions.', 1))
    assert run("--store", str(tmp_path / "store"), "import", "onet", str(folder)).returncode == 0
    shown = run("--store", str(tmp_path / "store"), "show", "27-2012.00").stdout
    assert '- Plan "and coordinate productions.  [O*NET 99.9 Database]' in shown


def test_an_identifier_that_cannot_be_an_iri(tmp_path: Path) -> None:
    """Found by fuzz/fuzz_inputs.py: a Task ID with a NUL byte or a space escaped as pyoxigraph's ValueError."""
    folder = tmp_path / "onet"
    shutil.copytree(DATA / "onet-mini", folder)
    _rewrite(folder / "Task Statements.txt", lambda t: t.replace("\t1\t", "\t1 2\t", 1))
    store = tmp_path / "store"
    assert run("--store", str(store), "import", "esco", str(DATA / "esco-mini")).returncode == 0
    done = run("--store", str(store), "import", "onet", str(folder))
    assert done.returncode == 2 and "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "Task Statements.txt:2: Invalid IRI code point ' '" in done.stderr
    assert "the store is as it was" in done.stderr
    assert "O*NET" not in run("--store", str(store), "sources").stdout
