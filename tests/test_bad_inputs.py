"""Fuzzed and hostile input files: the corpus in tests/data/bad/ (each with the error it must give), generated
extremes (a 50 MB literal, deeply nested blank nodes), and O*NET / ESCO files with missing, extra and shuffled
columns, blank lines, duplicate rows and CRLF line ends. Never a traceback, never a hang."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
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
    "ill-typed.ttl": (0, ""),
    "terminal-escapes.ttl": (0, ""),
    "lone-surrogate.ttl": (2, "lone-surrogate.ttl: the term 'half of a pair: \\ud83d' holds an escaped lone surrogate"),
    "unterminated.nt": (2, "unterminated.nt:2:49: Unexpected end of file"),
    "relative-iri.nt": (2, "relative-iri.nt:1:1: No scheme found in an absolute IRI"),
    "ill-typed.rq": (2, "ill-typed.rq: unknown RDF file type '.rq'"),  # a query, for test_hostile_invocations
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
    from rolegraph.serve.server import ServerSettings, make_server

    from .serve.test_server import fetch

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
            fetch(base, "GET", "/roles?q=script"),
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
    assert '- Plan "and coordinate productions.  [O*NET 99.9 Database, Task Statements.txt]' in shown


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


# -- hostile invocations: each a clear error (exit 2) or a quiet success, never a traceback ------------------------


INVOCATIONS = {
    "a character device as data": (["--data", "/dev/zero", "roles"], 2,
                                   "/dev/zero: is a character device, not an RDF file"),
    "a bad IPv6 server address": (["--store", "sparql+http://[::1/sparql", "roles"], 2,
                                  "sparql+http://[::1/sparql: not a usable server URL (Invalid IPv6 URL)"),
    "a server URL without a host": (["--store", "sparql+http:///sparql", "roles"], 2, "(no host name)"),
    "a server URL with a bad port": (["--store", "sparql+http://localhost:99999/sparql", "roles"], 2,
                                     "(Port out of range 0-65535)"),
    "push to a bad URL": (["push", "--endpoint", "http://[::1/x"], 2, "http://[::1/x: not a usable server URL"),
    "a device as a crosswalk": (["import", "crosswalk", "/dev/zero"], 2,
                                "/dev/zero: is not a regular file (a device, FIFO or socket)"),
    "a device as an output": (["export", "-o", "/dev/full"], 2,
                              "/dev/full: cannot write (No space left on device); the output may be incomplete"),
    "a device as validated data": (["validate", "/dev/zero"], 2, "/dev/zero: is a character device, not an RDF file"),
    "an ill-typed literal in a query": (["sparql", str(BAD / "ill-typed.rq")], 0,
                                        "rolegraph: warning: a literal's text is not a valid"),
}  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), INVOCATIONS.values(), ids=list(INVOCATIONS))
def test_hostile_invocations(args: list[str], code: int, message: str) -> None:
    done = run(*args)
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_a_closed_pipe_ends_quietly() -> None:
    """`rolegraph show X | head -1`: the reader leaves early; rolegraph stops without a message, exit 0."""
    command = (
        f"{shlex.quote(sys.executable)} -m rolegraph show Producer | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    )
    for _ in range(3):
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
        assert done.stdout.strip() == "0", done.stderr
        assert done.stderr == ""
    long_help = f"{shlex.quote(sys.executable)} -m rolegraph --help | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", long_help], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "0" and done.stderr == ""


def test_a_fifo_is_read_and_an_endless_one_is_cut(tmp_path: Path) -> None:
    fifo = tmp_path / "data.ttl"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"cat {shlex.quote(str(BAD / 'bom.ttl'))} > {shlex.quote(str(fifo))}"])
    done = run("--data", str(fifo), "roles", "--all")
    writer.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert "Role with a byte order mark" in done.stdout
    from rolegraph.model.ontology import MAX_FILE_BYTES

    endless = subprocess.Popen(["sh", "-c", f"cat /dev/zero > {shlex.quote(str(fifo))}"], stderr=subprocess.DEVNULL)
    try:
        done = run("--data", str(fifo), "roles")
    finally:
        endless.kill()
        endless.wait(timeout=30)
    assert done.returncode == 2
    assert f"larger than {MAX_FILE_BYTES // 2**20} MiB, the most rolegraph loads into memory" in done.stderr


def test_labels_with_terminal_escapes_and_formulas_are_inert_in_every_output(tmp_path: Path) -> None:
    """No output carries ESC, CSI or BEL (terminal escapes); CSV cells never start a formula; JSON keeps the exact
    value; the page's JSON-LD cannot end its script element."""
    data = ["--data", str(BAD / "terminal-escapes.ttl")]
    role = "https://example.org/role/escapes"
    outputs = {
        "roles": run(*data, "roles"),
        "roles csv": run(*data, "roles", "--format", "csv"),
        "roles json": run(*data, "roles", "--format", "json"),
        "show": run(*data, "show", role),
        "show json": run(*data, "show", role, "--format", "json"),
        "compare": run(*data, "compare", role, "Producer"),
        "compare csv": run(*data, "compare", role, "Producer", "--format", "csv"),
        "resolve": run(*data, "resolve", "https://example.org/role/escapes"),
        "unknown role": run(*data, "show", "=HYPERLINK(\x1b]0;x\x07"),
        "schema": run(*data, "export", "--role", role, "--format", "schema-jsonld"),
        "export jsonld": run(*data, "export", "--format", "jsonld"),
    }
    for what, done in outputs.items():
        assert done.returncode == (2 if what == "unknown role" else 0), (what, done.stderr)
        for text in (done.stdout, done.stderr):
            assert not set(text) & {"\x1b", "\x9b", "\x07", "\u202e"}, what
    for what in ("roles csv", "compare csv"):
        cells = [cell for row in csv.reader(io.StringIO(outputs[what].stdout)) for cell in row]
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")], what
        assert any(cell.startswith("'=HYPERLINK(") for cell in cells), what
    label = json.loads(outputs["roles json"].stdout)
    assert any(r["label"].startswith("=HYPERLINK(") and "\x1b]0;owned\x07" in r["label"] for r in label)
    assert "<" not in outputs["schema"].stdout and "&" not in outputs["schema"].stdout


def test_a_5_mb_literal_in_n_triples_round_trips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """N-Triples goes through Oxigraph's parser, linear in the line's length (rdflib's took 71 s for 5 MB: see
    benchmarks/bench_ntriples.py); the literal comes back exactly, escapes and all."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.plugins.parsers import ntriples

    from rolegraph.model.ontology import parse_into

    def quadratic(*_args: object) -> None:
        raise AssertionError("rdflib's N-Triples parser was used")

    monkeypatch.setattr(ntriples.W3CNTriplesParser, "readline", quadratic)
    piece = 'plain "quoted" back\\slash\ttab\nnewline caf\u00e9 \U0001f600 '
    value = piece * (5_000_000 // len(piece))
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    big = tmp_path / "big.nt"
    big.write_text(
        f'<https://example.org/x> <https://example.org/p> "{escaped}" .\n'
        '_:b <https://example.org/p> "caf\\u00e9"@fr-CA .\n'
        '_:b <https://example.org/q> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        "<https://example.org/x> <https://example.org/r> _:b .\n",
        encoding="utf-8",
    )
    graph = parse_into(Graph(), big)
    assert len(graph) == 4
    assert graph.value(URIRef("https://example.org/x"), URIRef("https://example.org/p")) == Literal(value)
    node = graph.value(URIRef("https://example.org/x"), URIRef("https://example.org/r"))
    assert isinstance(node, BNode)
    assert graph.value(node, URIRef("https://example.org/p")) == Literal("caf\u00e9", lang="fr-CA")
    assert graph.value(node, URIRef("https://example.org/q")) == Literal(7)
    done = run("--data", str(big), "roles")
    assert done.returncode == 0, done.stderr[-500:]
