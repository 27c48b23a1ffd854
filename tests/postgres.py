"""A real PostgreSQL server for the tests, from Debian's packages, started on first use.

PostgreSQL refuses to run as root, and sessions and CI run as root: the cluster then belongs
to the unprivileged ``postgres`` user and is started through ``runuser``. It listens on
127.0.0.1 at a free port and on a socket in its own temp dir, with fsync off (test data only),
and is stopped when the test process exits.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

__all__ = ["PostgresServer", "postgres_server"]

_USER = "planbot"
_START_TIMEOUT = 60


def _bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        pytest.fail(
            f"PostgreSQL's {name} is not installed: `make test` installs Debian's postgresql"
        )
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """One throw-away cluster; ``create_database`` hands out fresh, empty databases."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="planbot-pg-"))
        self.data = self.root / "data"
        self._as_root = os.geteuid() == 0
        self._counter = itertools.count()
        self._lock = threading.Lock()
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(_bin("initdb"), "-D", str(self.data), "-U", _USER, "-A", "trust", "-E", "UTF8")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -F"
            " -c max_connections=200 -c shared_buffers=32MB"
        )
        self._run(
            _bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-t",
            str(_START_TIMEOUT),
            "-w",
            "start",
        )
        atexit.register(self.stop)

    def _run(self, *argv: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *argv] if self._as_root else list(argv)
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            timeout=_START_TIMEOUT,
            cwd=self.root,
        )

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        with self._lock:
            name = f"t{os.getpid()}_{next(self._counter)}"
        dsn = f"host=127.0.0.1 port={self.port} user={_USER} dbname=postgres connect_timeout=10"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.root, ignore_errors=True)


_server: PostgresServer | None = None
_server_lock = threading.Lock()


def postgres_server() -> PostgresServer:
    """The test process's PostgreSQL server, started on first use."""
    global _server
    with _server_lock:
        if _server is None:
            _server = PostgresServer()
        return _server
