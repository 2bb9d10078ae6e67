"""rolegraph.export and rolegraph.fileio: exports round-trip, are byte-stable, and are written atomically."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from rolegraph.errors import InputError, OutputError
from rolegraph.export import EXPORT_FORMATS, serialize
from rolegraph.fileio import write_output


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_export_round_trips(graph: Graph, fmt: str) -> None:
    back = Graph().parse(data=serialize(graph, fmt), format=EXPORT_FORMATS[fmt])
    assert isomorphic(back, graph)


def test_export_is_byte_identical_across_processes() -> None:
    code = (
        "import sys,hashlib;from rolegraph.ontology import load_graph;from rolegraph.export import serialize;"
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
