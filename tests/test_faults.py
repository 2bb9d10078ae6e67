"""Faults: imports killed with SIGKILL at random points, a full disk, a read-only store folder, two imports at once,
and a server under hostile clients (a disconnect mid-answer, slow clients, a flood of connections, a 10 MB body,
a burst of 1,000 queries). The store is never half-written; the server keeps answering."""

from __future__ import annotations

import contextlib
import csv
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rolegraph.store.database import REGISTRY, RoleStore

from .conftest import DATA, serving


def rolegraph(*args: str) -> list[str]:
    return [sys.executable, "-m", "rolegraph", *args]


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(rolegraph(*args), capture_output=True, text=True, timeout=timeout)


def big_esco(folder: Path, occupations: int = 3000, skills: int = 8000, per: int = 40) -> Path:
    """An ESCO-shaped download large enough that importing it takes a few seconds."""
    folder.mkdir(parents=True)
    chooser = random.Random(3)
    occ = [f"http://data.europa.eu/esco/occupation/gen-{i}" for i in range(occupations)]
    sk = [f"http://data.europa.eu/esco/skill/gen-{i}" for i in range(skills)]
    with (folder / "occupations_en.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels", "code"])
        for i, iri in enumerate(occ):
            writer.writerow(["Occupation", iri, "2654", f"generated occupation {i}", f"gen {i}\nalt {i}", f"9.{i}"])
    with (folder / "skills_en.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["conceptType", "conceptUri", "skillType", "preferredLabel", "altLabels"])
        for i, iri in enumerate(sk):
            writer.writerow(["KnowledgeSkillCompetence", iri, "skill/competence", f"generated skill {i}", ""])
    with (folder / "occupationSkillRelations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["occupationUri", "relationType", "skillType", "skillUri"])
        for iri in occ:
            for skill in chooser.sample(sk, per):
                writer.writerow([iri, chooser.choice(["essential", "optional"]), "skill/competence", skill])
    return folder


def snapshot(path: Path) -> tuple[Any, ...]:
    """What a store holds, independent of graph names: sources with their counts, quads, and no orphan graphs."""
    with RoleStore.open(path, writable=True) as store:  # a writable open also drops what a killed import left
        sources = tuple(sorted((s.title, s.release, s.triples) for s in store.sources()))
        current = {g.value for g in store.current_graphs()}
        graphs = {g.value for g in store.store.named_graphs() if hasattr(g, "value")}
        assert graphs == current | {REGISTRY.value}, graphs - current
        quads = sum(len(list(store.store.quads_for_pattern(None, None, None, g))) for g in store.current_graphs())
    return sources, quads


@pytest.fixture(scope="module")
def esco_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_esco(tmp_path_factory.mktemp("big-esco") / "v9.9")


@pytest.fixture(scope="module")
def killed_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A third of :func:`esco_release`: each kill and each look at the store reads every quad, and the kills land at
    points relative to how long the import takes, so a smaller release tests the same thing in less time."""
    return big_esco(tmp_path_factory.mktemp("killed-esco") / "v9.9", occupations=1000, skills=4000)


def test_imports_killed_at_random_points_leave_the_store_as_it_was(tmp_path: Path, killed_release: Path) -> None:
    esco_release = killed_release
    store = tmp_path / "store"
    assert run("--store", str(store), "import", "onet", str(DATA / "onet-mini")).returncode == 0
    before = snapshot(store)
    full = tmp_path / "full"
    shutil.copytree(store, full)
    # Timed on the same work as the killed runs (ESCO into this store), just before them: kills then land at
    # fractions of what an import takes on the machine as it is now, loaded or quiet.
    started = time.monotonic()
    assert run("--store", str(full), "import", "esco", str(esco_release)).returncode == 0
    duration = time.monotonic() - started
    after = snapshot(full)
    assert after != before
    chooser = random.Random(11)
    outcomes: list[str] = []
    while (len(outcomes) < 6 or outcomes.count("before") < 3) and len(outcomes) < 12:
        process = subprocess.Popen(rolegraph("--store", str(store), "import", "esco", str(esco_release)),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(chooser.uniform(0.05, 0.5) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        state = snapshot(store)
        assert state in (before, after)  # exactly the state before the import (or after it, had it finished)
        outcomes.append("before" if state == before else "after")
        if state == after:  # put the store back for the next run
            assert run("--store", str(store), "import", "onet", str(DATA / "onet-mini")).returncode == 0
            with RoleStore.open(store, writable=True) as opened:
                opened.remove_source("https://w3id.org/rolegraph/id/source/esco/v9.9")
            assert snapshot(store) == before
    assert outcomes.count("before") >= 3, outcomes  # kills land mid-import (12 tries at most)
    print("outcomes of the kills:", outcomes)


def test_two_imports_at_once(tmp_path: Path, esco_release: Path) -> None:
    store = tmp_path / "store"
    assert run("--store", str(store), "import", "onet", str(DATA / "onet-mini")).returncode == 0
    first = subprocess.Popen(rolegraph("--store", str(store), "import", "esco", str(esco_release)),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    time.sleep(1.0)
    second = run("--store", str(store), "import", "onet", str(DATA / "onet-mini"))
    _out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 2
    assert "the store is busy (another rolegraph process is using it); try again" in second.stderr
    titles = [s[0] for s in snapshot(store)[0]]
    assert any("ESCO" in t for t in titles) and any("O*NET" in t for t in titles)


@contextlib.contextmanager
def small_filesystem(path: Path, size: str, read_only: bool = False) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.decode().strip()}); needs root in CI")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_full_disk_is_a_clear_error_and_loses_nothing(tmp_path: Path, esco_release: Path) -> None:
    with small_filesystem(tmp_path / "disk", "24m") as disk:
        store = disk / "store"
        assert run("--store", str(store), "import", "onet", str(DATA / "onet-mini")).returncode == 0
        before = snapshot(store)
        done = run("--store", str(store), "import", "esco", str(esco_release))
        assert done.returncode == 2, done.stdout + done.stderr
        assert "No space left on device" in done.stderr, done.stderr
        assert "the store is as it was" in done.stderr
        assert "Traceback" not in done.stderr
        assert snapshot(store) == before
        assert run("--store", str(store), "show", "27-2012.00").returncode == 0


def test_a_read_only_store_folder(tmp_path: Path) -> None:
    with small_filesystem(tmp_path / "disk", "64m") as disk:
        store = disk / "store"
        assert run("--store", str(store), "import", "onet", str(DATA / "onet-mini")).returncode == 0
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True)
        if remounted.returncode != 0:
            pytest.skip("cannot remount read-only here")
        done = run("--store", str(store), "import", "esco", str(DATA / "esco-mini"))
        assert done.returncode == 2
        assert "imports need a folder they can write to" in done.stderr and "Traceback" not in done.stderr
        shown = run("--store", str(store), "show", "27-2012.00")  # reading still works
        assert shown.returncode == 0, shown.stderr
        assert "Producers and Directors" in shown.stdout


# -- the server under hostile clients ---------------------------------------------------------------------------
# Expectations follow from the server's documented limits (connection places, workers, queue, head deadline), never
# from how fast this machine is: the time limits here are long enough that only a server that stopped answering
# reaches them.


@pytest.fixture(scope="module")
def tough(mini_store: Path) -> Iterator[tuple[str, Any]]:
    from rolegraph.serve.server import ServerSettings, make_server

    settings = ServerSettings(port=0, timeout=5.0, workers=2, queue=64, max_rows=100_000, socket_timeout=2.0,
                              head_timeout=2.0, max_connections=24)  # fmt: skip
    server = make_server(str(mini_store), settings)
    with serving(server) as base:
        yield base, server


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def _host(base: str) -> bytes:
    return f"Host: 127.0.0.1:{_port(base)}\r\n".encode()


def _ask(base: str) -> int:
    from .serve.test_server import get

    return get(base, "ASK { ?s ?p ?o }").status


def _read_all(client: socket.socket, seconds: float) -> bytes:
    """What the server sends until it closes the connection, waiting at most ``seconds``."""
    client.settimeout(seconds)
    reply = b""
    with contextlib.suppress(OSError):
        while chunk := client.recv(4096):
            reply += chunk
    return reply


def tree_rss_mb(pid: int) -> float:
    total = 0
    pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def test_a_client_that_leaves_mid_answer(tough: tuple[str, Any]) -> None:
    base, _ = tough
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", _port(base)), timeout=10) as client:
            client.sendall(b"GET /sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D HTTP/1.1\r\n" + _host(base)
                           + b"\r\n")  # fmt: skip
            assert client.recv(100).startswith(b"HTTP/1.1 200 ")  # the start of a large answer, then gone
    assert _ask(base) == 200


def test_slow_clients_are_dropped_and_others_served(tough: tuple[str, Any]) -> None:
    base, server = tough
    limit = server.settings.head_timeout
    slow = [socket.create_connection(("127.0.0.1", _port(base)), timeout=10) for _ in range(10)]
    try:
        for client in slow:
            client.sendall(b"GET /sparql?query=ASK")  # a request line that never ends
        assert _ask(base) == 200
        for client in slow:  # each is cut at the head deadline, with a 408
            assert _read_all(client, limit + 5).startswith(b"HTTP/1.1 408 ")
    finally:
        for client in slow:
            client.close()


def test_idle_connections_make_room_for_new_ones(tough: tuple[str, Any]) -> None:
    """Every connection place is held by a client that sent nothing: a new client takes the place of the one that
    waited longest instead of being refused."""
    base, server = tough
    idle = [socket.create_connection(("127.0.0.1", _port(base)), timeout=10) for _ in range(24)]
    try:
        deadline = time.monotonic() + 10
        while server.connections.counts()["head"] < 24:
            assert time.monotonic() < deadline, server.connections.counts()
            time.sleep(0.05)
        time.sleep(1.1)  # past the patience (1 s) after which a waiting connection may be taken over
        with socket.create_connection(("127.0.0.1", _port(base)), timeout=10) as extra:
            extra.sendall(b"GET /health HTTP/1.1\r\n" + _host(base) + b"Connection: close\r\n\r\n")
            assert _read_all(extra, 10).startswith(b"HTTP/1.1 200 ")
        assert sum(_read_all(client, 0.5) == b"" for client in idle) >= 1  # one was closed for it
    finally:
        for client in idle:
            client.close()
    assert _ask(base) == 200


def test_when_every_place_holds_a_request_new_connections_get_503(tough: tuple[str, Any]) -> None:
    from .serve.test_server import SLOW, get

    base, server = tough
    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(get(base, SLOW).status)) for _ in range(24)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 10
        while server.connections.counts()["busy"] < 24:  # 2 running, 22 waiting for a worker
            assert time.monotonic() < deadline, server.connections.counts()
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", _port(base)), timeout=10) as extra:
            extra.sendall(b"GET / HTTP/1.1\r\n" + _host(base) + b"\r\n")
            assert _read_all(extra, 10).startswith(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1")
    finally:
        for thread in threads:
            thread.join(60)
    assert answers == [503] * 24  # each stopped at the time limit (or refused at the queue)
    deadline = time.monotonic() + 30
    while server.pool.health().alive < 2:  # killed workers are replaced
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert _ask(base) == 200


def test_a_10_mb_body(tough: tuple[str, Any]) -> None:
    base, _ = tough
    with socket.create_connection(("127.0.0.1", _port(base)), timeout=10) as client:
        client.sendall(b"POST /sparql HTTP/1.1\r\n" + _host(base) + b"Content-Type: application/sparql-query\r\n"
                       b"Content-Length: 10485760\r\n\r\n")  # fmt: skip
        with contextlib.suppress(OSError):
            client.sendall(b"x" * 1_000_000)
        reply = _read_all(client, 10)
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert _ask(base) == 200


@pytest.fixture(scope="module")
def burst_server(mini_store: Path) -> Iterator[tuple[str, Any]]:
    """Documented limits for the burst: 2 workers, 8 queue places, 24 connection places; a time limit (60 s) only a
    server that stopped answering reaches."""
    from rolegraph.serve.server import ServerSettings, make_server

    settings = ServerSettings(port=0, timeout=60.0, workers=2, queue=8, max_connections=24)
    server = make_server(str(mini_store), settings)
    with serving(server) as base:
        yield base, server


def _burst(base: str, clients: int, each: int, retry: bool) -> tuple[list[int], list[str]]:
    """``clients`` threads each sending ``each`` queries; with ``retry``, a 503 is sent again after its Retry-After.
    Returns the status of every final answer and the problems seen (a 503 without Retry-After, an error)."""
    from .serve.test_server import get

    statuses: list[int] = []
    problems: list[str] = []
    refused = [0]
    lock = threading.Lock()

    def client(seed: int) -> None:
        for i in range(each):
            for _attempt in range(200):
                try:
                    answer = get(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {seed}-{i}", timeout=90)
                except OSError as error:
                    with lock:
                        problems.append(f"{type(error).__name__}: {error}")
                    return
                if answer.status == 503 and "retry-after" not in answer.headers:
                    with lock:
                        problems.append(f"503 without Retry-After: {answer.text()}")
                if answer.status != 503 or not retry:
                    break
                with lock:
                    refused[0] += 1
                time.sleep(float(answer.headers.get("retry-after", "1")))
            with lock:
                statuses.append(answer.status)

    threads = [threading.Thread(target=client, args=(seed,), daemon=True) for seed in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 600
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "the server stopped answering"
    print(f"{clients} clients, {len(statuses)} answers, {refused[0]} refusals retried")
    return statuses, problems


def test_a_burst_of_1000_queries_within_the_limits_is_answered_in_full(burst_server: tuple[str, Any]) -> None:
    """10 clients at once (the 2 workers and 8 queue places; fewer than the 24 connection places): nothing is
    refused, so every one of the 1,000 answers is a 200."""
    base, server = burst_server
    before = tree_rss_mb(os.getpid())
    capacity = server.settings.workers + server.settings.queue
    statuses, problems = _burst(base, clients=capacity, each=1000 // capacity, retry=False)
    assert problems == []
    assert len(statuses) == 1000 and set(statuses) == {200}
    assert _ask(base) == 200
    assert tree_rss_mb(os.getpid()) - before < 150  # the server (in this process) and its workers stay bounded


def test_a_burst_over_the_limits_gets_503_with_retry_after_and_retrying_clients_get_everything(
    burst_server: tuple[str, Any],
) -> None:
    """40 clients at once, over both the pool (10) and the connection places (24): what is refused is a 503 with
    Retry-After, and clients that wait that long and retry get all 1,000 answers."""
    base, _server = burst_server
    statuses, problems = _burst(base, clients=40, each=25, retry=True)
    assert problems == []
    assert len(statuses) == 1000 and set(statuses) == {200}
    assert _ask(base) == 200
