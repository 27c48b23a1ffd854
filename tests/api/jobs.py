"""Following an upload to its end: ``POST``/``PUT /documents`` answer 202 with a job."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Outcome:
    """An upload's outcome as one response: the refusal the request got at once, or the
    job it started followed to its end (``status_code`` 200, or the job's error code)."""

    status_code: int
    body: dict[str, Any]
    job_id: str | None = None

    def json(self) -> dict[str, Any]:
        return self.body

    @property
    def text(self) -> str:
        return str(self.body)


def finished(client: Any, response: httpx.Response, timeout_s: float = 300.0) -> Outcome:
    """Poll ``/jobs/{id}`` (with the upload's own Authorization) until the job ends."""
    if response.status_code != 202:
        return Outcome(response.status_code, response.json())
    job_id = response.json()["job_id"]
    assert response.headers["location"] == f"/jobs/{job_id}"
    headers = {"Authorization": response.request.headers["authorization"]}
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = client.get(f"/jobs/{job_id}", headers=headers).json()
        if body["status"] not in ("queued", "running"):
            code = body["code"] if body["status"] == "failed" else 200
            return Outcome(code, body, job_id)
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still running after {timeout_s} s")
