"""Small fake HTTP servers on 127.0.0.1 for the network edges we cannot reach."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

Handler = Callable[[str, dict[str, str], dict[str, Any]], tuple[int, dict[str, Any]]]


class FakeServer:
    """Records every request (path, headers, parsed body) and answers with ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self._handler = handler
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = _parse(raw, self.headers.get("Content-Type", ""))
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.requests.append((self.path, headers, body))
                status, payload = outer._handler(self.path, headers, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def calls(self, suffix: str) -> list[dict[str, Any]]:
        return [body for path, _, body in self.requests if path.endswith(suffix)]

    def wait_for(self, suffix: str, count: int = 1, timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls(suffix)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.calls(suffix)

    def close(self) -> None:
        self._server.shutdown()


def _parse(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    fields = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
    # PTB sends complex values JSON-encoded inside form fields
    for key, value in list(fields.items()):
        if value[:1] in "{[":
            try:
                fields[key] = json.loads(value)
            except ValueError:
                pass
    return fields


class SilentServer:
    """Accepts connections on 127.0.0.1 and never answers (a hung dependency); counts them."""

    def __init__(self) -> None:
        import socket

        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.connections = 0
        self._held: list[Any] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            self._held.append(conn)  # kept open, never read from or written to

    def close(self) -> None:
        self._socket.close()
        for conn in self._held:
            conn.close()
