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
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    done = subprocess.run([sys.executable, "-m", "rolegraph", "export", "--format", "nt", "-o", str(fifo)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    out, _ = reader.communicate(timeout=60)
    assert done.returncode == 0, done.stderr
    assert out.count(b"\n") > 100 and fifo.is_fifo()
