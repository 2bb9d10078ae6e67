"""``rolegraph serve``: a read-only SPARQL 1.1 Protocol endpoint at ``/sparql`` and a small site (``/`` the roles and
sources, ``/role/{name or IRI}``, ``/compare?role=A&role=B``, ``/gap?from=A&to=B``, ``/moves?from=A``, ``/query``,
``/health``), over a store or a SPARQL server.

The HTTP layer only reads requests and writes answers; queries and pages run in worker processes (see
:mod:`rolegraph.serve.workers`), so a long or memory-hungry query is stopped without stopping the server, and other
clients keep being answered meanwhile.

What a client must get right before anything runs: the request head (line and headers, at most 64 KB) within
``head_timeout`` seconds, its body (one ``Content-Length``, no ``Transfer-Encoding``) within as long again, a ``Host``
the server answers to (no DNS rebinding), and, from a browser page of another origin, an origin listed in
``cors_origins``.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import re
import signal
import socket
import sys
import urllib.parse
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..errors import InputError
from .connections import (
    LOOPBACK,
    MAX_HEAD,
    Connections,
    DeadlineReader,
    HeadTooLargeError,
    host_name,
    is_loopback,
    is_wildcard,
)
from .protocol import ProtocolError, read_request
from .service import handle_job, open_site
from .workers import (
    BusyError,
    Job,
    JobResult,
    NoWorkersError,
    OverMemoryError,
    PoolHealth,
    TimedOutError,
    WorkerDiedError,
    WorkerPool,
)

__all__ = ["LOOPBACK", "MAX_HEAD", "ServerSettings", "make_server", "serve"]

CORS_METHODS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}
TEXT = "text/plain; charset=utf-8"
_READ_CHUNK = 8192
_LENGTH = re.compile(r"[0-9]{1,18}")
_PAGES = ("/", "/query", "/compare", "/roles", "/roles.json", "/sources", "/site.js", "/gap", "/moves")


@functools.cache
def _site_script() -> bytes:
    """The site's one script (the role picker), from the package's templates."""
    from importlib.resources import files

    return files("rolegraph.graph").joinpath("templates", "site.js").read_bytes()


@dataclass(frozen=True)
class ServerSettings:
    """Where to listen and the limits every request runs under.

    ``head_timeout``: seconds a client has to send a request's line and headers, counted from the moment its
    connection opened or its previous answer was sent (an idle kept-alive connection is closed after it too); the body
    then gets as long again. ``socket_timeout``: seconds each part of an answer may take to be sent. ``max_memory``:
    MB of memory a worker may hold while it runs a request (None: no cap). ``allow_hosts``: extra names the server
    answers to in the ``Host`` header (beside the address it listens on). ``cors_origins``: browser origins (like
    ``https://yasgui.org``; ``*`` for any) whose pages may query ``/sparql`` and read the answers.
    """

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    queue: int = 32
    max_body: int = 1_000_000
    max_connections: int = 64
    socket_timeout: float = 15.0
    head_timeout: float = 10.0
    max_memory: int | None = 1024
    allow_hosts: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], pool: WorkerPool, settings: ServerSettings) -> None:
        self.pool = pool
        self.settings = settings
        self.connections = Connections(settings.max_connections, min(1.0, settings.head_timeout / 2))
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def host_names(self, local_address: str) -> list[str]:
        """The ``Host`` values this server answers to on a connection that reached ``local_address``."""
        bound = self.settings.host
        names: list[str] = []
        if is_wildcard(bound):
            mapped = local_address.removeprefix("::ffff:") if "." in local_address else local_address
            names.append(host_name(mapped))
            if is_loopback(mapped):
                names.extend(["127.0.0.1", "localhost", "[::1]"])
        else:
            names.append(host_name(bound))
            if is_loopback(bound):
                names.extend(["127.0.0.1", "localhost", "[::1]"])
        hosts = list(dict.fromkeys(f"{name.lower()}:{self.port}" for name in names))
        if self.port == 80:
            hosts.extend(name.lower() for name in names)
        return hosts

    def allows_host(self, host: str, local_address: str) -> bool:
        host = host.strip().lower()
        if host in self.host_names(local_address):
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return any(name == allowed.lower() or host == allowed.lower() for allowed in self.settings.allow_hosts)

    def cors_origin(self, origin: str | None) -> str | None:
        """The value of Access-Control-Allow-Origin for a request from ``origin``, or None."""
        if origin is None:
            return None
        if "*" in self.settings.cors_origins:
            return "*"
        return origin if origin in self.settings.cors_origins else None

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.connections.admit(request):
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
            self.connections.release(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return  # the client went away or the connection was taken over; nothing to report
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "rolegraph"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # replaced by a reader that keeps to the deadlines
        self._reader = DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader, _READ_CHUNK)
        self._cors: str | None = None

    def log_message(self, format: str, *args: Any) -> None:
        line = format % args
        sys.stderr.write(f"{self.address_string()} {line.encode('unicode_escape').decode('ascii')}\n")

    # -- reading a request ---------------------------------------------------------------------------------------

    def handle_one_request(self) -> None:
        settings = self.server.settings
        self._reader.start_head(settings.head_timeout)
        self.server.connections.phase(self.connection, "head")
        self._cors = None
        self._length, self._body_read = 0, False
        self.command, self.request_version, self.requestline = "", "HTTP/1.1", ""  # until parsed: answers get a head
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.send_error(414, "the request line is over 64 KB")
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
        except HeadTooLargeError:
            self.send_error(431, f"the request head (line and headers) is over {MAX_HEAD // 1024} KB")
            return
        except TimeoutError:
            if self._reader.head_bytes:  # an idle kept-alive connection is closed without a word
                self.send_error(408, f"the request head did not arrive within {settings.head_timeout:g} s")
            self.close_connection = True
            return
        except OSError:
            self.close_connection = True
            return
        self.server.connections.phase(self.connection, "busy")
        self._reader.start_body(settings.head_timeout)
        try:
            length = self._framing()
            if length is None or not self._allowed():
                return
            method = getattr(self, "do_" + self.command, None)
            if method is None:
                self.send_error(501, f"{self.command} is not a method this server knows")
                return
            self._length = length
            method()
            if length and not self._body_read:
                self.close_connection = True  # the unread body must not be read as the next request
            self.wfile.flush()
        except TimeoutError:
            self.close_connection = True

    def handle_expect_100(self) -> bool:
        return True  # "100 Continue" is sent only once the body is known to be wanted (see _read_body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        self.close_connection = True
        self._text(code, (message or "bad request").rstrip(".") + ".")

    def _framing(self) -> int | None:
        """The length of the request's body; None when the framing is refused (answered, connection to close)."""
        if self.headers.defects or self.headers.get_payload():
            self.send_error(400, "a header line is malformed (every header line is NAME: VALUE)")
            return None
        if any("\n" in value or "\r" in value for value in self.headers.values()):
            self.send_error(400, "folded header lines are not accepted; send each header on one line")
            return None
        if self.headers.get_all("Transfer-Encoding"):
            self.send_error(411, "send the body with a Content-Length; no Transfer-Encoding (chunked or other) is "
                            "accepted")  # fmt: skip
            return None
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) > 1:
            self.send_error(400, f"the request has {len(lengths)} Content-Length headers; send exactly one")
            return None
        if not lengths:
            return 0
        value = lengths[0].strip(" \t")
        if not _LENGTH.fullmatch(value):
            self.send_error(400, f"the Content-Length header ({value[:40]!r}) is not a number of bytes")
            return None
        length = int(value)
        if length > self.server.settings.max_body:
            self.send_error(413, f"the request body is {length:,} bytes; this server takes at most "
                            f"{self.server.settings.max_body:,}")  # fmt: skip
            return None
        return length

    def _allowed(self) -> bool:
        """Whether the Host and the requesting page's origin are ones this server answers; refuses (and returns
        False) otherwise."""
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"
            self.send_error(400, "HTTP/0.9 requests are not accepted; send HTTP/1.1 with a Host header")
            return False
        hosts = self.headers.get_all("Host") or []
        local = str(self.connection.getsockname()[0])
        if len(hosts) > 1 or (not hosts and self.request_version >= "HTTP/1.1"):
            self.send_error(400, "an HTTP/1.1 request carries exactly one Host header")
            return False
        if hosts and not self.server.allows_host(hosts[0], local):
            names = ", ".join(self.server.host_names(local) + list(self.server.settings.allow_hosts))
            self.send_error(421, f"this server answers to {names}, not to Host {hosts[0][:100]!r} (a web page may be "
                            "trying DNS rebinding); to serve it under another name, start it with --allow-host "
                            "NAME")  # fmt: skip
            return False
        origin = self.headers.get("Origin")
        own = origin is not None and self._own_origin(origin, hosts[0] if hosts else None, local)
        self._cors = None if own else self.server.cors_origin(origin)
        if origin is not None and not own and self._cors is None:
            self.send_error(403, f"requests from pages of {origin[:100]!r} are refused: start the server with "
                            "--cors-origin ORIGIN to let that origin's pages query it")  # fmt: skip
            return False
        site = self.headers.get("Sec-Fetch-Site", "")
        top_level = self.headers.get("Sec-Fetch-Mode") == "navigate" and self.headers.get("Sec-Fetch-Dest") in (
            None, "document")  # fmt: skip
        if origin is None and site in ("cross-site", "same-site") and not top_level:
            self.send_error(403, "another site's page may not embed or fetch this server's answers")
            return False
        return True

    def _own_origin(self, origin: str, host: str | None, local: str) -> bool:
        """Whether ``origin`` is this server's own: its host is the request's (checked) Host, as it is for the
        server's pages, behind a reverse proxy too."""
        try:
            netloc = urllib.parse.urlsplit(origin).netloc.lower()
        except ValueError:
            return False
        if host is not None:
            return netloc == host.strip().lower()
        return netloc in self.server.host_names(local)

    def _read_body(self) -> bytes | None:
        self._body_read = True
        length = self._length
        if not length:
            return b""
        if self.headers.get("Expect", "").lower() == "100-continue" and self.request_version >= "HTTP/1.1":
            self.connection.settimeout(self.server.settings.socket_timeout)
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            self.send_error(408, f"the request body did not arrive within {self.server.settings.head_timeout:g} s")
            return None
        except OSError:
            self.close_connection = True
            return None
        if len(body) < length:
            self.close_connection = True
            return None
        return body

    _length = 0
    _body_read = False

    # -- answers -------------------------------------------------------------------------------------------------

    def send_response(self, code: int, message: str | None = None) -> None:
        self.connection.settimeout(self.server.settings.socket_timeout)
        super().send_response(code, message)

    def _send(self, result: JobResult, *, head: bool = False) -> None:
        self.send_response(result.status)
        headers = dict(result.headers)
        if self._cors is not None:
            headers["Access-Control-Allow-Origin"] = self._cors
        if self.server.settings.cors_origins and "*" not in self.server.settings.cors_origins:
            headers["Vary"] = "Origin"
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if self.close_connection:
            headers["Connection"] = "close"
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(result.body)))
        self.end_headers()
        if not head:
            try:
                self.wfile.write(result.body)
            except OSError:
                self.close_connection = True  # the client left mid-answer; nothing to do

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        body = (message.rstrip() + "\n").encode("utf-8")
        self._send(JobResult(status, {"Content-Type": TEXT, **(headers or {})}, body), head=self.command == "HEAD")

    def _run(self, job: Job, *, head: bool = False) -> None:
        settings = self.server.settings
        try:
            result = self.server.pool.run(job)
        except BusyError:
            self._text(503, "the server is busy (every worker and queue place is taken); retry shortly.",
                       {"Retry-After": "1"})  # fmt: skip
            return
        except TimedOutError:
            self._text(503, f"the request ran past this server's time limit of {settings.timeout:g} s and was "
                       "stopped; narrow the query (LIMIT, more specific patterns).")  # fmt: skip
            return
        except OverMemoryError as error:
            self._text(503, f"the request needed more than this server's memory limit of {error.cap_mb} MB per "
                       "query and was stopped; narrow the query (LIMIT, more specific patterns).")  # fmt: skip
            return
        except WorkerDiedError as error:
            self._text(503, f"the worker running this request crashed ({error.detail}) and was replaced; the query "
                       "engine could not cope with this request, so sending it again will likely fail the same way: "
                       "simplify it (less nesting, fewer patterns).")  # fmt: skip
            return
        except NoWorkersError as error:
            self._text(503, f"the server cannot answer now: no worker is running ({error.detail}); it keeps "
                       "retrying, see /health.", {"Retry-After": "5"})  # fmt: skip
            return
        self._send(result, head=head)

    # -- routes --------------------------------------------------------------------------------------------------

    def _health_notice(self, health: PoolHealth) -> str | None:
        if health.ok:
            return None
        why = health.problem or "a worker is being replaced"
        return f"This server is degraded: {health.alive} of {health.size} workers are running ({why})."

    def _route(self, method: str) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path
        if path == "/sparql":
            self._sparql(method, parsed.query)
            return
        if path == "/health":
            self._health(head=method == "HEAD")
            return
        known = path in _PAGES or any(path.startswith(p) and len(path) > len(p) for p in ("/role/", "/concept/"))
        if method == "POST":
            self._text(405 if known else 404, f"{path} takes GET only." if known else f"nothing at {path}.",
                       {"Allow": "GET, HEAD"} if known else None)  # fmt: skip
            return
        params = urllib.parse.parse_qs(parsed.query)
        head = method == "HEAD"
        if path == "/":
            notice = self._health_notice(self.server.pool.health())
            self._run(Job("page", {"name": "landing", "notice": notice}), head=head)
        elif path == "/site.js":
            script = {"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "max-age=3600"}
            self._send(JobResult(200, script, _site_script()), head=head)
        elif path in ("/query", "/roles", "/roles.json", "/sources", "/gap", "/moves"):
            self._run(Job("page", {"name": path[1:], "params": params}), head=head)
        elif path.startswith("/concept/") and len(path) > len("/concept/"):
            iri = urllib.parse.unquote(path[len("/concept/") :])
            self._run(Job("page", {"name": "concept", "iri": iri}), head=head)
        elif path == "/compare":
            self._run(Job("page", {"name": "compare", "roles": params.get("role", [])}), head=head)
        elif path.startswith("/role/") and len(path) > len("/role/"):
            name = urllib.parse.unquote(path[len("/role/") :])
            self._run(Job("page", {"name": "role", "role": name}), head=head)
        else:
            self._text(404, f"nothing at {path}; try / (roles), /roles?q=NAME, /sparql, /query, /sources, /health or "
                       "/compare?role=A&role=B.")  # fmt: skip

    def _health(self, head: bool) -> None:
        health = self.server.pool.health()
        status = "ok" if health.ok else "degraded" if health.alive else "down"
        walls, missing = self.server.pool.walls or ([], [])
        report: dict[str, Any] = {
            "status": status, "workers": health.alive, "configured": health.size, "busy": health.busy,
            "waiting": health.waiting, "problem": self._health_notice(health), "walls": walls,
            "walls_missing": missing,
        }  # fmt: skip
        body = (json.dumps(report) + "\n").encode("utf-8")
        headers = {"Content-Type": "application/json", "Cache-Control": "no-store"}
        self._send(JobResult(200 if health.ok else 503, headers, body), head=head)

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
            self._text(error.status, error.message, error.headers)
            return
        local = str(self.connection.getsockname()[0])
        given = (self.headers.get("Host") or "").strip().lower()  # checked in _allowed
        host = given if given and self.server.allows_host(given, local) else self.server.host_names(local)[0]
        args = {
            "query": request.query,
            "default_graphs": request.default_graphs,
            "named_graphs": request.named_graphs,
            "accept": self.headers.get("Accept"),
            "format": request.format,
            "base": f"http://{host}/sparql",
        }
        self._run(Job("sparql", args), head=method == "HEAD")

    def do_GET(self) -> None:
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def do_POST(self) -> None:
        self._route("POST")

    def do_OPTIONS(self) -> None:
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self._cors is not None:
            headers.update(CORS_METHODS)
            if self.headers.get("Access-Control-Request-Private-Network", "").lower() == "true":
                headers["Access-Control-Allow-Private-Network"] = "true"
        self._send(JobResult(204, headers, b""))

    def _not_allowed(self) -> None:
        self._text(405, f"{self.command} is not allowed here; this server is read-only (GET, POST for queries).",
                   {"Allow": "GET, HEAD, POST, OPTIONS"})  # fmt: skip
        self.close_connection = True

    do_PUT = do_DELETE = do_PATCH = _not_allowed  # noqa: N815


def make_server(spec: str | None, settings: ServerSettings) -> _Server:
    """A server for the graph ``spec`` names (a store folder, ``sparql+http://...``, or None), bound but not yet
    serving; its workers are started and have the graph open."""
    for origin in settings.cors_origins:
        parsed = urllib.parse.urlsplit(origin)
        if origin != "*" and not (parsed.scheme in ("http", "https") and parsed.netloc and origin.rstrip("/") ==
                                  f"{parsed.scheme}://{parsed.netloc}"):  # fmt: skip
            raise InputError(f"--cors-origin {origin!r} is not an origin; give scheme://host[:port], like "
                             "https://yasgui.org, or * for any.")  # fmt: skip
    for name in settings.allow_hosts:
        if not re.fullmatch(r"[A-Za-z0-9.-]+(:[0-9]+)?|\[[0-9A-Fa-f:.]+\](:[0-9]+)?", name):
            raise InputError(f"--allow-host {name!r} is not a host name (give NAME or NAME:PORT).")
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
            max_memory=settings.max_memory,
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
    from .workers import memory_cap_enforced

    server = make_server(spec, settings)
    host, port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{host}]" if ":" in host else host
    announce(f"rolegraph serves http://{shown}:{port}/ (SPARQL endpoint: http://{shown}:{port}/sparql); Ctrl-C stops.")
    walls, missing = server.pool.walls or ([], ["unknown"])
    if walls:
        announce("Workers are walled off from the network and from files: " + "; ".join(walls) + ".")
    if missing:
        announce("warning: not raised around the workers: " + "; ".join(missing) + " (the query check still "
                 "refuses SERVICE and FROM).")  # fmt: skip
    if settings.max_memory is not None and not memory_cap_enforced():
        announce("warning: this platform does not let rolegraph watch its workers' memory (no /proc); "
                 "--max-memory is not enforced.")  # fmt: skip

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # SIGTERM stops the server as Ctrl-C does: workers stopped, port freed

    # SIGINT too: a shell starts background jobs with SIGINT ignored, and Python then leaves it ignored, but this
    # server promises that Ctrl-C (SIGINT) stops it.
    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        server.server_close()
        server.pool.close()
        announce("rolegraph stopped serving.")
