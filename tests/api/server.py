"""The real app under uvicorn on 127.0.0.1, for tests that need a socket."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(app: Any, **config: Any) -> Iterator[tuple[str, int]]:
    """Serve ``app`` on a free port; yields (host, port)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **config)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def raw_request(
    address: tuple[str, int], head: bytes, body: bytes = b"", wait_s: float = 5.0
) -> bytes:
    """Send raw bytes and read what the server answers within ``wait_s`` (the status line
    and the rest, until it closes or stops sending)."""
    with socket.create_connection(address, timeout=wait_s) as sock:
        sock.sendall(head + body)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and len(chunks) > 1:
                    break
        except TimeoutError:
            pass
        return b"".join(chunks)
