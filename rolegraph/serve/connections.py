"""The connections of ``rolegraph serve``: reading a request within its deadlines, the places connections take (and
which slow client gives its place up), and which addresses are loopback."""

from __future__ import annotations

import contextlib
import io
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "LOOPBACK",
    "MAX_HEAD",
    "Connections",
    "DeadlineReader",
    "HeadTooLargeError",
    "host_name",
    "is_loopback",
    "is_wildcard",
]

LOOPBACK = ("127.0.0.1", "::1", "localhost")
MAX_HEAD = 65_536
"""The most bytes a request line and headers may take together; more gets 431."""


class HeadTooLargeError(Exception):
    """A request head longer than :data:`MAX_HEAD` bytes."""


class DeadlineReader(io.RawIOBase):
    """A connection's incoming bytes, every read bounded by the deadline of the current phase (the head, the body),
    however slowly the bytes trickle in."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.deadline = float("inf")
        self.head_bytes: int | None = None  # counted while the head is being read

    def start_head(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.head_bytes = 0

    def start_body(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.head_bytes = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head_bytes is not None and self.head_bytes > MAX_HEAD:
            raise HeadTooLargeError()
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the deadline passed")
        self.connection.settimeout(remaining)
        count = self.connection.recv_into(buffer)
        if self.head_bytes is not None:
            self.head_bytes += count
        return count


@dataclass
class Connection:
    sock: socket.socket
    phase: str = "head"  # "head" until a whole request head has arrived, then "busy" until it is answered
    since: float = field(default_factory=time.monotonic)


class Connections:
    """The open connections and their phase. When all ``cap`` places are taken, a new connection takes the place of
    the one that has waited longest for its request head, if that is over ``patience`` seconds (a slow or idle
    client), so connections that never finish a request cannot lock others out; otherwise (every place holds a
    request being answered, or a connection just opened) the new one is refused."""

    def __init__(self, cap: int, patience: float) -> None:
        self.cap = cap
        self.patience = patience
        self._open: dict[socket.socket, Connection] = {}
        self._lock = threading.Lock()

    def admit(self, sock: socket.socket) -> bool:
        victim: Connection | None = None
        with self._lock:
            if len(self._open) >= self.cap:
                oldest = time.monotonic() - self.patience
                waiting = [c for c in self._open.values() if c.phase == "head" and c.since <= oldest]
                if not waiting:
                    return False
                victim = min(waiting, key=lambda c: c.since)
                del self._open[victim.sock]
            self._open[sock] = Connection(sock)
        if victim is not None:
            with contextlib.suppress(OSError):
                victim.sock.shutdown(socket.SHUT_RDWR)  # its thread sees the end of the stream and stops
        return True

    def phase(self, sock: socket.socket, phase: str) -> None:
        with self._lock:
            entry = self._open.get(sock)
            if entry is not None:
                entry.phase, entry.since = phase, time.monotonic()

    def release(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.pop(sock, None)

    def counts(self) -> dict[str, int]:
        """How many open connections are in each phase."""
        with self._lock:
            found = {"head": 0, "busy": 0}
            for entry in self._open.values():
                found[entry.phase] += 1
            return found


def host_name(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return parsed.is_loopback


def is_wildcard(address: str) -> bool:
    return address in ("", "0.0.0.0", "::")
