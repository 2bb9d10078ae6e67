"""Start and stop a throw-away Virtuoso (Debian's virtuoso-opensource) on loopback, for tests and benchmarks.

The database, its logs and its ini live in a fresh directory; the server is stopped by its own pid. A fresh database
has the dba/dba account: :func:`start_virtuoso` sets a new password before anything else uses it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Virtuoso", "start_virtuoso", "virtuoso_missing"]

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {d}
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
DefaultQuery = SELECT * WHERE {{ ?s ?p ?o }} LIMIT 1

[Plugins]
LoadPath = {plugins}
"""


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot be started here, or None when it can."""
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        return "Virtuoso is not installed (Debian package virtuoso-opensource; .ci/run installs it)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Virtuoso:
    """A running Virtuoso: its pid, ports, directory and the dba password."""

    process: subprocess.Popen[bytes]
    directory: Path
    isql_port: int
    http_port: int
    password: str

    @property
    def sparql(self) -> str:
        """The public (read) SPARQL endpoint."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store(self) -> str:
        """The authenticated Graph Store Protocol endpoint."""
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    @property
    def update(self) -> str:
        """The authenticated SPARQL endpoint (queries and updates)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-auth"

    def isql(self, statements: str, password: str | None = None) -> str:
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.isql_port}", "dba", password or self.password, f"exec={statements}"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed: {done.stdout}\n{done.stderr}")
        return done.stdout

    def stop(self) -> None:
        """Shut the server down cleanly, and make sure its pid is gone."""
        if self.process.poll() is None:
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self.isql("shutdown;")
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_virtuoso(directory: Path, timeout: float = 60.0) -> Virtuoso:
    """Start Virtuoso with a fresh database in ``directory``; wait until its SPARQL endpoint answers."""
    directory.mkdir(parents=True, exist_ok=True)
    isql_port, http_port = _free_port(), _free_port()
    plugins = next(Path("/usr/lib").glob("*/virtuoso-opensource-7/hosting"), Path("/usr/lib/virtuoso-opensource-7"))
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(d=directory, isql=isql_port, http=http_port, plugins=plugins), encoding="utf-8")
    log = (directory / "stdout.log").open("wb")
    process = subprocess.Popen(
        ["virtuoso-t", "+configfile", str(ini), "+foreground"],
        cwd=directory, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    server = Virtuoso(process, directory, isql_port, http_port, "dba")
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            log_text = (directory / "virtuoso.log").read_text(errors="replace")
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}: {log_text}")
        try:
            with urllib.request.urlopen(f"{server.sparql}?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"Virtuoso did not answer within {timeout} s")
        time.sleep(0.3)
    password = secrets.token_hex(12)
    server.isql(f"USER_SET_PASSWORD('dba', '{password}');", password="dba")
    server.password = password
    return server
