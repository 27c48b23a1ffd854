"""Parse an uploaded file where its cost is bounded: a separate process with a memory cap
and a wall-time limit, after checks that need no parsing (the inflated size of a zip).

A hostile or merely huge file (a DOCX that inflates to gigabytes, a PDF of thousands of
pages) then fails with a clear error instead of taking the server's memory, and whatever
the parser allocated is given back when its process ends.

Usage example::

    parser = BoundedParser(IngestLimits(max_pages=500))
    parsed = parser.parse(Path("ke-hoach.pdf"), data)
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import resource
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.errors import CorruptFileError, IngestError, LimitExceededError
from ingest.loaders import ParsedDocument, load_file

__all__ = ["BoundedParser", "IngestLimits", "check_zip"]

log = logging.getLogger(__name__)

_MB = 1024 * 1024
_ROOT = Path(__file__).resolve().parents[1]  # where ``ingest`` is importable from


@dataclass(frozen=True)
class IngestLimits:
    """The limits of one file's parse (settings ``ingest_max_*``)."""

    max_pages: int = 500
    max_inflated_mb: int = 200
    max_rows: int = 20000
    max_memory_mb: int = 2048
    max_seconds: float = 600.0
    ocr_page_seconds: float = 60.0  # each scanned PDF page read by OCR


def check_zip(name: str, data: bytes, limits: IngestLimits) -> None:
    """Refuse a zip container (DOCX, XLSX) whose members would inflate past the limit.

    The sizes come from the archive's directory; zipfile never inflates a member past the
    size its directory declares, so a lying header cannot get round the check.

    :raises LimitExceededError: one member or all of them together are too large.
    """
    if not data.startswith(b"PK"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise CorruptFileError(name, "tệp nén hỏng, không đọc được") from exc
    limit = limits.max_inflated_mb * _MB
    total = sum(m.file_size for m in members)
    if total > limit or any(m.file_size > limit for m in members):
        raise LimitExceededError(
            name,
            f"nội dung tệp khi giải nén lớn {total / _MB:.0f} MB, vượt giới hạn "
            f"{limits.max_inflated_mb} MB (PLANBOT_INGEST_MAX_INFLATED_MB)",
            "inflated",
        )


def _count_pdf_pages(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def _parse_checked(path: Path, data: bytes, limits: IngestLimits) -> ParsedDocument:
    """Parse after the checks that need the file opened: pages first, rows after."""
    name = path.name
    if data.startswith(b"%PDF"):
        try:
            pages = _count_pdf_pages(data)
        except Exception:  # the loader reports a damaged PDF with its own message
            pages = 0
        if pages > limits.max_pages:
            raise LimitExceededError(
                name,
                f"tệp PDF có {pages} trang, vượt giới hạn {limits.max_pages} trang "
                "(PLANBOT_INGEST_MAX_PAGES)",
                "pages",
            )
    parsed = load_file(path, data, ocr_page_seconds=limits.ocr_page_seconds)
    rows = sum(len(t.rows) for t in parsed.tables)
    if rows > limits.max_rows:
        raise LimitExceededError(
            name,
            f"các bảng có {rows} dòng, vượt giới hạn {limits.max_rows} dòng "
            "(PLANBOT_INGEST_MAX_ROWS)",
            "rows",
        )
    return parsed


def _worker_main() -> None:
    """The worker process (``python -m ingest.sandbox``): read the job from stdin, cap the
    memory, parse, write the document or the error to stdout, as pickles."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library that prints must not corrupt the answer
    path, data, limits = pickle.load(sys.stdin.buffer)
    cap = limits.max_memory_mb * _MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    outcome: tuple[str, Any]
    try:
        outcome = ("ok", _parse_checked(path, data, limits))
    except MemoryError:
        outcome = ("memory", None)
    except IngestError as exc:
        outcome = ("error", exc)
    except Exception as exc:  # a parser's own failure: report it, never hang the parent
        outcome = ("crash", f"{type(exc).__name__}: {exc}")
    del data
    try:
        payload = pickle.dumps(outcome)
    except MemoryError:
        payload = pickle.dumps(("memory", None))
    out.write(payload)
    out.close()


class BoundedParser:
    """Parses each file in a fresh worker process within :class:`IngestLimits`; the
    process ends with the file, so the memory its parser took is given back."""

    def __init__(self, limits: IngestLimits) -> None:
        self.limits = limits

    def parse(self, path: Path, data: bytes) -> ParsedDocument:
        """Parse ``data`` (named ``path``) in a worker process.

        :raises LimitExceededError: a limit was passed (the worker is killed).
        :raises IngestError: the file cannot be read (as :func:`load_file` reports it).
        """
        name = path.name
        check_zip(name, data, self.limits)
        worker = subprocess.Popen(
            [sys.executable, "-m", "ingest.sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=_ROOT,
        )
        try:
            answer, _ = worker.communicate(
                pickle.dumps((path, data, self.limits)), timeout=self.limits.max_seconds
            )
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate()
            raise LimitExceededError(
                name,
                f"đọc tệp quá {self.limits.max_seconds:.0f} giây, đã dừng "
                "(PLANBOT_INGEST_MAX_SECONDS)",
                "time",
            ) from None
        status, value = _outcome(answer, worker.returncode)
        if status == "ok":
            return value  # type: ignore[no-any-return]
        if status == "memory":
            raise LimitExceededError(
                name,
                f"đọc tệp cần quá {self.limits.max_memory_mb} MB bộ nhớ, đã dừng "
                "(PLANBOT_INGEST_MAX_MEMORY_MB)",
                "memory",
            )
        if status == "error":
            raise value
        log.warning("parser failed on %s: %s", name, value)
        raise CorruptFileError(name, "không đọc được nội dung tệp (tệp hỏng hoặc lỗi định dạng)")


def _outcome(answer: bytes, returncode: int) -> tuple[str, Any]:
    """What the worker said; a worker that died without a word ran out of memory when it
    was killed by a signal, else it crashed."""
    if answer:
        try:
            return pickle.loads(answer)  # type: ignore[no-any-return]
        except Exception as exc:
            return "crash", f"unreadable answer: {exc}"
    if returncode < 0:
        return "memory", None
    return "crash", f"worker exited with {returncode}"


if __name__ == "__main__":
    _worker_main()
