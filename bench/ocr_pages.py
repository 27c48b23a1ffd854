"""Benchmark: parsing the test plan's text-layer PDF against reading its scan by OCR.

Run: ``.venv/bin/python bench/ocr_pages.py [--rounds 2] [--dpi 200 300]``. The plan of the OCR
tests (tests/ingest/scans.py: two pages, prose and a ruled task table) is written with a text
layer and "scanned" (rasterised, turned 1.5°, speckled); each round parses both with
``load_file`` in this process, alternating, and the medians give seconds per page and their
ratio. Each ``--dpi`` also reads the scan at that resolution alone and scores its table's
cells against the plan's truth, which is how the rasterising resolution was chosen.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.text import canonical  # noqa: E402
from ingest.loaders import load_file  # noqa: E402
from ingest.ocr import DPI, read_scanned_pages  # noqa: E402
from tests.ingest.scans import GROUPS, HEADER, TASKS, write_scanned_pdf, write_text_pdf  # noqa: E402


def _truth() -> list[list[str]]:
    """The task table as written: header, group rows (text in the first cell), task rows."""
    rows = [HEADER]
    for task in TASKS:
        if task[0] in GROUPS:
            rows.append([GROUPS[task[0]]] + [""] * (len(HEADER) - 1))
        rows.append(task)
    return rows


def _cells_right(read: list[list[str]], truth: list[list[str]]) -> int:
    return sum(
        canonical(a) == canonical(b)
        for row_read, row_truth in zip(read, truth, strict=False)
        for a, b in zip(row_read, row_truth, strict=False)
    )


def _timed(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    doc = load_file(path)
    return time.perf_counter() - start, max((line.page or 0) for line in doc.lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dpi", type=int, nargs="*", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        text = write_text_pdf(Path(folder) / "plan.pdf")
        scan = write_scanned_pdf(text, Path(folder) / "scan.pdf")
        texts: list[float] = []
        scans: list[float] = []
        for _ in range(args.rounds):
            seconds, pages = _timed(text)
            texts.append(seconds / pages)
            seconds, pages = _timed(scan)
            scans.append(seconds / pages)
        text_page, scan_page = statistics.median(texts), statistics.median(scans)
        print(f"text layer: {text_page:.3f} s/page")
        print(f"OCR ({DPI} dpi): {scan_page:.2f} s/page")
        print(f"ratio: {scan_page / text_page:.0f}x")
        truth = _truth()
        data = scan.read_bytes()
        for dpi in args.dpi:
            start = time.perf_counter()
            pages = read_scanned_pages(scan.name, data, [1, 2], page_seconds=600, dpi=dpi)
            seconds = (time.perf_counter() - start) / len(pages)
            cells = pages[1].tables[0].cells if pages[1].tables else []
            right = _cells_right(cells, truth)
            total = sum(map(len, truth))
            confidence = [p.confidence for p in pages]
            print(
                f"{dpi} dpi: {seconds:.2f} s/page, table cells right {right}/{total},"
                f" confidence {confidence}"
            )


if __name__ == "__main__":
    main()
