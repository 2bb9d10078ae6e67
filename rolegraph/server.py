"""``rolegraph serve``: a read-only SPARQL 1.1 Protocol endpoint at ``/sparql`` and a small site (``/`` the roles and
sources, ``/role/{name or IRI}``, ``/compare?role=A&role=B``, ``/query``), over a store or a SPARQL server.

The HTTP layer only reads requests and writes answers; queries and pages run in worker processes (see
:mod:`rolegraph.workers`), so a long query is stopped at its time limit without stopping the server, and other
clients keep being answered meanwhile.
"""

from __future__ import annotations

import contextlib
import errno
import signal
import socket
import sys
import threading
import urllib.parse
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .errors import InputError
from .protocol import ProtocolError, read_request
from .service import handle_job, open_site
from .workers import BusyError, Job, JobResult, TimedOutError, WorkerPool

__all__ = ["ServerSettings", "make_server", "serve"]

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class ServerSettings:
    """Where to listen and the limits every request runs under."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    queue: int = 32
    max_body: int = 1_000_000
    max_connections: int = 64
    socket_timeout: float = 15.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], pool: WorkerPool, settings: ServerSettings) -> None:
        self.pool = pool
        self.settings = settings
        self.connections = threading.BoundedSemaphore(settings.max_connections)
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # A connection cap: a flood of idle connections cannot start unbounded threads.
        if not self.connections.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
                                b"Connection: close\r\n\r\n")  # fmt: skip
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "rolegraph"
    sys_version = ""

    def setup(self) -> None:
        self.request.settimeout(self.server.settings.socket_timeout)  # a slow client is dropped, not waited for
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    # -- answers -------------------------------------------------------------------------------------------------

    def _send(self, result: JobResult, *, cors: bool = False, head: bool = False) -> None:
        self.send_response(result.status)
        headers = dict(result.headers)
        if cors:
            headers.update(CORS)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(result.body)))
        self.end_headers()
        if not head:
            try:
                self.wfile.write(result.body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client left mid-answer; nothing to do

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None, cors: bool = False) -> None:
        body = (message.rstrip() + "\n").encode("utf-8")
        self._send(JobResult(status, {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}, body),
                   cors=cors)  # fmt: skip

    def _run(self, job: Job, *, cors: bool = False, head: bool = False) -> None:
        try:
            result = self.server.pool.run(job)
        except BusyError:
            self._text(503, "the server is busy (every worker and queue place is taken); retry shortly.",
                       {"Retry-After": "1"}, cors)  # fmt: skip
            return
        except TimedOutError:
            self._text(503, f"the request ran past this server's time limit of {self.server.settings.timeout:g} s "
                       "and was stopped; narrow the query (LIMIT, more specific patterns).", cors=cors)  # fmt: skip
            return
        self._send(result, cors=cors, head=head)

    def _read_body(self) -> bytes | None:
        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._text(411, "send the body with a Content-Length, not chunked.")
            self.close_connection = True
            return None
        try:
            length = int(length_header or 0)
        except ValueError:
            self._text(400, "the Content-Length header is not a number.")
            self.close_connection = True
            return None
        if length > self.server.settings.max_body:
            self._text(413, f"the request body is {length:,} bytes; this server takes at most "
                       f"{self.server.settings.max_body:,}.", cors=True)  # fmt: skip
            self.close_connection = True
            return None
        try:
            return self.rfile.read(length) if length else b""
        except (TimeoutError, OSError):
            self.close_connection = True
            return None

    # -- routes --------------------------------------------------------------------------------------------------

    def _route(self, method: str) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path
        if path == "/sparql":
            self._sparql(method, parsed.query)
            return
        known = path in ("/", "/query", "/compare") or (path.startswith("/role/") and len(path) > len("/role/"))
        if method == "POST" and known:
            self._read_body()
            self._text(405, f"{path} takes GET only.", {"Allow": "GET, HEAD"})
            return
        params = urllib.parse.parse_qs(parsed.query)
        head = method == "HEAD"
        if path == "/":
            self._run(Job("page", {"name": "landing"}), head=head)
        elif path == "/query":
            self._run(Job("page", {"name": "query"}), head=head)
        elif path == "/compare":
            self._run(Job("page", {"name": "compare", "roles": params.get("role", [])}), head=head)
        elif path.startswith("/role/") and len(path) > len("/role/"):
            name = urllib.parse.unquote(path[len("/role/") :])
            self._run(Job("page", {"name": "role", "role": name}), head=head)
        else:
            if method == "POST":
                self._read_body()
            self._text(404, f"nothing at {path}; try / (roles), /sparql, /query or /compare?role=A&role=B.")

    def _sparql(self, method: str, query_string: str) -> None:
        body = b""
        if method == "POST":
            read = self._read_body()
            if read is None:
                return
            body = read
        try:
            request = read_request(method, query_string, dict(self.headers.items()), body)
        except ProtocolError as error:
            self._text(error.status, error.message, error.headers, cors=True)
            return
        host = self.headers.get("Host") or f"{self.server.settings.host}:{self.server.settings.port}"
        args = {
            "query": request.query,
            "default_graphs": request.default_graphs,
            "named_graphs": request.named_graphs,
            "accept": self.headers.get("Accept"),
            "format": request.format,
            "base": f"http://{host}/sparql",
        }
        self._run(Job("sparql", args), cors=True, head=method == "HEAD")

    def do_GET(self) -> None:
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def do_POST(self) -> None:
        self._route("POST")

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        for key, value in CORS.items():
            self.send_header(key, value)
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_allowed(self) -> None:
        self._read_body()
        self._text(405, f"{self.command} is not allowed here; this server is read-only (GET, POST for queries).",
                   {"Allow": "GET, HEAD, POST, OPTIONS"}, cors=True)  # fmt: skip
        self.close_connection = True

    do_PUT = do_DELETE = do_PATCH = _not_allowed  # noqa: N815


def make_server(spec: str | None, settings: ServerSettings) -> _Server:
    """A server for the graph ``spec`` names (a store folder, ``sparql+http://...``, or None), bound but not yet
    serving; its workers are started and have the graph open."""
    try:
        probe = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((settings.host, settings.port))
        probe.close()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise InputError(f"{settings.host}:{settings.port} is already in use; stop what listens there or "
                             "pick another port with --port.") from None  # fmt: skip
        raise InputError(f"cannot listen on {settings.host}:{settings.port} ({error.strerror or error}).") from None
    try:
        pool = WorkerPool(
            partial(open_site, spec, settings.timeout, settings.max_rows),
            handle_job,
            size=settings.workers,
            queue=settings.queue,
            timeout=settings.timeout,
        )
    except RuntimeError as error:
        raise InputError(str(error)) from None
    try:
        return _Server((settings.host, settings.port), pool, settings)
    except OSError as error:
        pool.close()
        raise InputError(f"cannot listen on {settings.host}:{settings.port} ({error.strerror or error}).") from None


def serve(spec: str | None, settings: ServerSettings, announce: Any = print) -> None:
    """Serve until interrupted."""
    server = make_server(spec, settings)
    host, port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{host}]" if ":" in host else host
    announce(f"rolegraph serves http://{shown}:{port}/ (SPARQL endpoint: http://{shown}:{port}/sparql); Ctrl-C stops.")

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # SIGTERM stops the server as Ctrl-C does: workers stopped, port freed

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
        server.pool.close()
        announce("rolegraph stopped serving.")
