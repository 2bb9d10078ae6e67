"""rolegraph.export and rolegraph.fileio: exports round-trip, are byte-stable (a store's whatever order it was written
in, with canonical blank-node labels), stream, and are written atomically."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from rolegraph.errors import InputError, OutputError
from rolegraph.export import EXPORT_FORMATS, serialize, write_engine, write_triples
from rolegraph.fileio import write_output
from rolegraph.sparql.results import ResultTable


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_export_round_trips(graph: Graph, fmt: str) -> None:
    back = Graph().parse(data=serialize(graph, fmt), format=EXPORT_FORMATS[fmt])
    assert isomorphic(back, graph)


def test_export_is_byte_identical_across_processes() -> None:
    code = (
        "import sys,hashlib;from rolegraph.model.ontology import load_graph;from rolegraph.export import serialize;"
        "print([hashlib.sha256(serialize(load_graph(), f)).hexdigest() for f in ('ttl','nt','jsonld')])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_unknown_format_is_an_input_error(graph: Graph) -> None:
    with pytest.raises(InputError, match="ttl, nt, jsonld"):
        serialize(graph, "rdfxml")


def test_write_output_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")
    assert write_output(target, b"new") == target
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]
    assert target.stat().st_mode & 0o444 == 0o444


def test_write_output_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        write_output(tmp_path, b"x")


def test_write_output_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_output(tmp_path / "missing" / "out.ttl", b"x")


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")

    def no_space(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(OutputError, match="No space left on device"):
        write_output(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


# -- targets that are not regular files: written into, never replaced --------------------------------------------


def test_a_fifo_is_written_into(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert write_output(fifo, b"through the pipe") == fifo
    reader.join(timeout=30)
    assert received == [b"through the pipe"]
    assert fifo.is_fifo()


def test_a_symlink_stays_and_its_target_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "real.ttl"
    target.write_bytes(b"old")
    target.chmod(0o600)
    link = tmp_path / "link.ttl"
    link.symlink_to("real.ttl")
    dangling = tmp_path / "dangling.ttl"
    dangling.symlink_to("created.ttl")
    write_output(link, b"new")
    write_output(dangling, b"made")
    assert link.is_symlink() and os.readlink(link) == "real.ttl"
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o600  # the file replaced keeps its permissions
    assert dangling.is_symlink() and (tmp_path / "created.ttl").read_bytes() == b"made"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["created.ttl", "dangling.ttl", "link.ttl", "real.ttl"]


def test_a_character_device_is_written_into(tmp_path: Path) -> None:
    import stat

    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a copy of /dev/null
    except PermissionError:
        pytest.skip("mknod needs root")
    assert write_output(device, b"into the device") == device
    assert stat.S_ISCHR(device.stat().st_mode)


def test_dev_stdout_is_standard_output() -> None:
    code = "from rolegraph.fileio import write_output; write_output('/dev/stdout', b'to stdout')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"to stdout"


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OutputError, match="is a socket, not a regular file, FIFO or character device"):
            write_output(path, b"x")
    assert path.is_socket()


def test_export_through_the_cli_into_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "graph.fifo"
    os.mkfifo(fifo)
    # The reader drains into a file: into a pipe nobody reads until the export ends, a graph of more than the pipe
    # buffers (about 200 KB) would block both.
    with (tmp_path / "read.nt").open("wb") as sink:
        reader = subprocess.Popen(["cat", str(fifo)], stdout=sink)
        done = subprocess.run([sys.executable, "-m", "rolegraph", "export", "--format", "nt", "-o", str(fifo)],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        reader.wait(timeout=60)
    out = (tmp_path / "read.nt").read_bytes()
    assert done.returncode == 0, done.stderr
    assert out.count(b"\n") > 100 and fifo.is_fifo()


# -- streaming exports of a store, --data files and CONSTRUCT answers ---------------------------------------------

EX = "http://example.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _triples(blank: str) -> list[tuple[Any, Any, Any]]:
    """Facts with blank nodes that only the whole structure tells apart: a cycle of three, a pair that points at
    each other, a list, and blank nodes beside IRIs and literals of every kind."""
    b = {name: ox.BlankNode(f"{blank}{name}") for name in ("a", "b", "c", "d", "e", "l1", "l2")}
    p, q, rest = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q"), ox.NamedNode(EX + "rest")
    return [
        (b["a"], p, b["b"]), (b["b"], p, b["c"]), (b["c"], p, b["a"]),
        (b["d"], q, b["e"]), (b["e"], q, b["d"]),
        (ox.NamedNode(EX + "s"), p, b["l1"]), (b["l1"], rest, b["l2"]),
        (b["l2"], p, ox.Literal("tail", language="en")),
        (ox.NamedNode(EX + "s"), p, ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        (ox.NamedNode(EX + "s"), q, ox.Literal('a "quoted"\nline \\ and \u00e9')),
        (ox.NamedNode(EX + "s"), ox.NamedNode(RDF_TYPE), ox.NamedNode(EX + "T")),
        (ox.NamedNode(EX + "t"), q, ox.NamedNode(EX + "s")),
    ]  # fmt: skip


def _store(path: Path, triples: list[tuple[Any, Any, Any]]) -> Path:
    from rolegraph.store.database import RoleStore

    with RoleStore.open(path, writable=True) as store:
        store.load_source(EX + "source", "test", {"title": "test data", "release": "1"}, iter(triples))
    return path


def _export(path: Path, fmt: str, **options: Any) -> bytes:
    from rolegraph.store.database import RoleStore

    out = io.BytesIO()
    with RoleStore.open(path) as store:
        write_engine(store.engine(), fmt, out, **options)
    return out.getvalue()


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_a_store_written_in_another_order_exports_the_same_bytes(tmp_path: Path, fmt: str) -> None:
    triples = _triples("x")
    shuffled = _triples("other")
    random.Random(3).shuffle(shuffled)
    first = _export(_store(tmp_path / "a", triples), fmt, chunk=4)  # pieces of 4 lines: the merge is exercised
    second = _export(_store(tmp_path / "b", shuffled), fmt, chunk=1000)
    assert first == second
    assert b"_:x" not in first and b"_:other" not in first and b"_:c14n0" in first


def test_blank_nodes_get_the_labels_canonicalising_the_whole_graph_gives() -> None:
    """Only the triples that mention blank nodes are canonicalised; the labels are those of RDFC-1.0 over all."""
    triples = _triples("n")
    out = io.BytesIO()
    write_triples(triples, "nt", out)
    whole = ox.Dataset(ox.Quad(*triple) for triple in triples)
    whole.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    expected = sorted(f"{q.subject} {q.predicate} {q.object} .\n" for q in whole)
    assert out.getvalue().decode("utf-8").splitlines(keepends=True) == expected
    assert {f"_:c14n{i}" for i in range(7)} <= set(out.getvalue().decode().split())


def test_the_union_of_graphs_is_written_once_per_triple(tmp_path: Path) -> None:
    from rolegraph.store.database import RoleStore

    path = _store(tmp_path / "store", _triples("x"))
    with RoleStore.open(path, writable=True) as store:  # the same facts again, as a second source
        store.load_source(EX + "again", "again", {"title": "again", "release": "1"}, iter(_triples("x")))
    with RoleStore.open(path) as store:
        engine = store.engine()
        assert len(store.current_graphs()) > 2
        distinct = engine.execute("SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert isinstance(distinct, ResultTable)
    lines = _export(path, "nt").splitlines()
    assert len(lines) == len(set(lines)) == int(distinct.rows[0][0])
    assert lines == sorted(lines)


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_a_store_export_parses_back_to_the_same_triples(mini_store: Path, fmt: str) -> None:
    nt = _export(mini_store, "nt")
    data = _export(mini_store, fmt)
    back = Graph().parse(data=data, format=EXPORT_FORMATS[fmt])
    assert isomorphic(back, Graph().parse(data=nt, format="nt"))
    assert len(back) == nt.count(b"\n") > 1000
    if fmt == "ttl":
        assert b"@prefix rg: <https://w3id.org/rolegraph/vocab#> ." in data and b"\nrole:producer a " in data


def test_progress_is_reported_as_triples_are_read_and_written(mini_store: Path) -> None:
    calls: list[tuple[str, int]] = []
    total = _export(mini_store, "nt", progress=lambda phase, count: calls.append((phase, count)), every=500).count(
        b"\n"
    )
    read = [count for phase, count in calls if phase == "read"]
    written = [count for phase, count in calls if phase == "written"]
    assert read[:2] == [500, 1000] and written[:2] == [500, 1000]
    assert [phase for phase, _ in calls] == sorted(phase for phase, _ in calls)  # every read before any write
    assert written[-1] == total // 500 * 500


def test_cli_store_export_to_a_file(mini_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "store.nt"
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(mini_store), "export", "--format", "nt",
                           "-o", str(target)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == _export(mini_store, "nt")
    count = target.read_bytes().count(b"\n")
    assert done.stderr.strip().splitlines()[-1] == f"Wrote {count:,} triples (nt) to {target}."
    assert [p.name for p in tmp_path.iterdir()] == ["store.nt"]


def test_a_failed_export_leaves_the_old_file_and_no_temporary(
    mini_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rolegraph import export
    from rolegraph.cli import main

    target = tmp_path / "out.nt"
    target.write_bytes(b"old")
    merged = export._SortedLines.__iter__

    def full_disk(self: Any) -> Iterator[bytes]:
        for number, line in enumerate(merged(self)):
            if number == 100:
                raise OSError(28, "No space left on device")
            yield line

    monkeypatch.setattr(export._SortedLines, "__iter__", full_disk)
    with pytest.raises(SystemExit) as exited:
        main(["--store", str(mini_store), "export", "--format", "nt", "-o", str(target)])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert f"{target}: cannot write (No space left on device); nothing was written." in err
    assert "Traceback" not in err
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"]


def test_an_export_that_cannot_sort_in_the_temporary_folder_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    triples = [(ox.NamedNode(f"{EX}{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i))) for i in range(50)]
    with pytest.raises(OutputError, match=r"cannot sort the export in the temporary folder .*Set TMPDIR to a folder"):
        write_triples(triples, "nt", io.BytesIO(), chunk=10)


def test_sparql_construct_answers_are_sorted_and_canonical(tmp_path: Path) -> None:
    data = tmp_path / "blank.ttl"
    data.write_text("@prefix ex: <http://example.org/> .\n"
                    "ex:s ex:p [ ex:q [ ex:r ex:t ] ] .\nex:a ex:p ex:b .\n", encoding="utf-8")  # fmt: skip
    query = tmp_path / "all.rq"
    query.write_text("CONSTRUCT WHERE { ?s ?p ?o }", encoding="utf-8")
    outputs = {}
    for fmt in EXPORT_FORMATS:
        done = subprocess.run([sys.executable, "-m", "rolegraph", "--data", str(data), "sparql", str(query),
                               "--format", fmt], capture_output=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs[fmt] = done.stdout
    lines = outputs["nt"].splitlines()
    assert lines == sorted(lines) and b"<http://example.org/s> <http://example.org/p> _:c14n" in outputs["nt"]
    for fmt, text in outputs.items():
        assert isomorphic(
            Graph().parse(data=text, format=EXPORT_FORMATS[fmt]), Graph().parse(data=outputs["nt"], format="nt")
        )


def test_the_real_store_exports_every_triple_once_with_progress(real_store: Path, tmp_path: Path) -> None:
    from rolegraph.store.database import RoleStore

    target = tmp_path / "real.nt"
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(real_store), "export", "--format", "nt",
                           "-o", str(target)], capture_output=True, text=True, timeout=1200)  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    parsed = sum(1 for _ in ox.parse(path=str(target), format=ox.RdfFormat.N_TRIPLES))
    with RoleStore.open(real_store) as store:
        distinct = store.engine().execute("SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert isinstance(distinct, ResultTable)
    assert parsed == int(distinct.rows[0][0]) > 1_000_000
    lines = done.stderr.splitlines()
    assert "export: 500,000 triples read (" in lines[0]
    assert any(line.startswith("export: 1,000,000 triples written (") for line in lines)
    assert lines[-1] == f"Wrote {parsed:,} triples (nt) to {target}."


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_controls_and_bidirectional_overrides_are_escaped_and_read_back(fmt: str) -> None:
    text = "a\x1b[2J\x9b31m\u202eevil\u2028b\tc"
    out = io.BytesIO()
    write_triples([(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal(text))], fmt, out)
    data = out.getvalue().decode("utf-8")
    assert not set(data) & {"\x1b", "\x9b", "\u202e", "\u2028"}
    back = Graph().parse(data=data, format=EXPORT_FORMATS[fmt])
    assert [str(o) for o in back.objects()] == [text]
