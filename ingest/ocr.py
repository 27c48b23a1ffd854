"""Read scanned PDF pages with Tesseract: deskew, ruled tables as cells, reading order.

A page is read here only when its text layer is not usable (:func:`needs_ocr`): a scan, maybe
with a digital signature stamp of a few words on it. Each such page is rasterised with
pypdfium2, turned back by the skew a projection-profile search finds, cleaned of specks, and
its ruled lines are found as long dark runs (numpy): rules joined by rules make a table's grid
of cells. Tesseract (the ``tesseract`` command with its Vietnamese data) then reads the page
twice, with the rules erased: the text outside tables, whose words are rebuilt into lines in
Tesseract's block, paragraph and line order, and a strip holding every cell of the tables.

Tesseract runs as a command rather than through pytesseract, which starts the same command
but passes it this process's environment: one OpenMP thread per page is set for the command
alone, and its output is read from a pipe (no temporary files).

Each page has a time budget; a page that takes longer fails the document
(:class:`~domain.errors.LimitExceededError` naming the page).

Usage example::

    with ScanReader("ke-hoach.pdf", data, page_seconds=60) as reader:
        page = reader.read(1)
    page.lines[0].text  # "ỦY BAN NHÂN DÂN"
    page.tables[0].cells[0]  # ["STT", "Nhiệm vụ", "Cơ quan chủ trì", …]
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from domain.errors import CorruptFileError, EmptyDocumentError, LimitExceededError
from domain.text import nfc

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from PIL.Image import Image

__all__ = [
    "DPI",
    "OcrLine",
    "OcrPage",
    "OcrTable",
    "ScanReader",
    "image_share",
    "mean_confidence",
    "needs_ocr",
    "read_scanned_pages",
]

# Pages are rasterised at 300 dpi: at 200 dpi Tesseract lost a tone mark in the test plan's
# 10-point table (54 of 55 cells right, against 55) for about a third less time a page
# (bench/ocr_pages.py --dpi 200 300: 2.6 against 4.2 s on a busy two-core machine).
DPI = 300
# Renders are capped at this many pixels (an A3 page at 300 dpi is 17.4 million): a poster-
# sized page is read at a lower resolution instead of taking the worker's memory.
_MAX_PIXELS = 40_000_000
LANGUAGE = "vie"

# --- Which pages are scans --------------------------------------------------------------

# A text layer is usable when it holds at least this many words spread over this many lines:
# a signature stamp ("Ký bởi: …", a date and an e-mail) on a scanned page is neither.
_MIN_WORDS = 30
_MIN_LINES = 4
# A page is a scan when images cover at least this share of it.
_SCAN_SHARE = 0.5
_WORD = re.compile(r"[^\W\d_]{2,}")
_STAMP = re.compile(
    r"^\s*(?:ký bởi|người ký|ký số bởi|cơ quan|e-?mail|thời gian ký|ngày ký)\s*:"
    r"|đã ký lên văn bản|chứng thực số|signature",
    re.IGNORECASE,
)


def needs_ocr(text: str, covered: float) -> bool:
    """Whether a PDF page must be read by OCR.

    :param text: the text pdfplumber extracts from the page.
    :param covered: the share of the page its images cover (:func:`image_share`).
    :returns: True for a scanned page (images over most of it) whose text layer is not
        usable: fewer than a body's words and lines once signature-stamp lines are set aside.
        A page with a usable text layer, or without a page-sized image, never is.
    """
    if covered < _SCAN_SHARE:
        return False
    lines = [line for line in text.splitlines() if line.strip() and not _STAMP.search(line)]
    words = sum(len(_WORD.findall(line)) for line in lines)
    return words < _MIN_WORDS or len(lines) < _MIN_LINES


def image_share(images: Sequence[dict[str, object]], width: float, height: float) -> float:
    """The share of a ``width`` × ``height`` page that pdfplumber's ``images`` cover (their
    areas clipped to the page and summed, at most 1)."""
    area = 0.0
    for image in images:
        x0, top = max(0.0, _num(image, "x0")), max(0.0, _num(image, "top"))
        x1, bottom = min(width, _num(image, "x1")), min(height, _num(image, "bottom"))
        area += max(0.0, x1 - x0) * max(0.0, bottom - top)
    return min(1.0, area / (width * height)) if width > 0 and height > 0 else 0.0


def _num(obj: dict[str, object], key: str) -> float:
    value = obj.get(key, 0)
    return float(value) if isinstance(value, int | float) else 0.0


# --- Results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OcrLine:
    """A line of text outside tables, and where it starts on the page (pixels from the top)."""

    text: str
    top: int


@dataclass(frozen=True)
class OcrTable:
    """A ruled table's cells, row by row (a spanned cell is empty, its text in the first),
    and where it starts on the page."""

    cells: list[list[str]]
    top: int


@dataclass
class OcrPage:
    """What OCR read on one page: lines outside tables in reading order, the tables, and the
    mean confidence (0–100, as Tesseract gives it) of the words read (None: no word)."""

    number: int
    lines: list[OcrLine] = field(default_factory=list)
    tables: list[OcrTable] = field(default_factory=list)
    confidence: float | None = None
    words: int = 0

    def lines_above(self, top: int) -> int:
        """How many of the page's lines start above ``top``."""
        return sum(line.top < top for line in self.lines)

    def text(self) -> str:
        """The lines outside tables, one a line."""
        return "\n".join(line.text for line in self.lines)


def mean_confidence(pages: Sequence[OcrPage]) -> float | None:
    """The mean confidence (0–100) of all words read on ``pages`` (None: no word)."""
    words = sum(page.words for page in pages if page.confidence is not None)
    if not words:
        return None
    total = sum(page.confidence * page.words for page in pages if page.confidence is not None)
    return round(total / words, 1)


# --- The page budget --------------------------------------------------------------------


class _Budget:
    """The time one page may take; every step asks how much is left."""

    def __init__(self, name: str, page: int, seconds: float) -> None:
        self.name, self.page, self.seconds = name, page, seconds
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left; :raises LimitExceededError: none."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self.exceeded()
        return remaining

    def exceeded(self) -> LimitExceededError:
        return LimitExceededError(
            self.name,
            f"trang {self.page}: nhận dạng chữ (OCR) quá {self.seconds:g} giây, đã dừng "
            "(PLANBOT_INGEST_OCR_PAGE_SECONDS)",
            "ocr_time",
        )


# --- Reading pages ----------------------------------------------------------------------


class ScanReader:
    """Reads pages of one PDF by OCR, each within its time budget; the PDF is opened for
    rasterising on the first page read and closed with the reader.

    :param name: the file's name (for errors).
    :param data: the PDF's bytes.
    :param page_seconds: the time budget of each page.
    :param dpi: the resolution pages are rasterised at.
    :param language: Tesseract's language data.
    """

    def __init__(
        self,
        name: str,
        data: bytes,
        *,
        page_seconds: float,
        dpi: int = DPI,
        language: str = LANGUAGE,
    ) -> None:
        if page_seconds <= 0:
            raise ValueError(f"page_seconds must be greater than 0, not {page_seconds}")
        self.name, self.page_seconds, self.dpi, self.language = name, page_seconds, dpi, language
        self._data = data
        self._document: Any = None

    def read(self, number: int) -> OcrPage:
        """Read page ``number`` (1-based).

        :raises LimitExceededError: the page took longer than its budget.
        :raises EmptyDocumentError: Tesseract or its language data is not installed.
        :raises CorruptFileError: the page cannot be rasterised or Tesseract fails on it.
        """
        import pypdfium2

        budget = _Budget(self.name, number, self.page_seconds)
        try:
            if self._document is None:
                self._document = pypdfium2.PdfDocument(self._data)
            image = _render(self._document[number - 1], self.dpi)
        except pypdfium2.PdfiumError as exc:
            raise CorruptFileError(
                self.name, f"trang {number}: không dựng được ảnh trang để nhận dạng ({exc})"
            ) from exc
        budget.left()
        return _read_page(image, number, budget, self.dpi, self.language)

    def close(self) -> None:
        if self._document is not None:
            self._document.close()
            self._document = None

    def __enter__(self) -> ScanReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_scanned_pages(
    name: str, data: bytes, numbers: Sequence[int], *, page_seconds: float, dpi: int = DPI
) -> list[OcrPage]:
    """Read the given pages (1-based) of a PDF by OCR (see :class:`ScanReader`)."""
    with ScanReader(name, data, page_seconds=page_seconds, dpi=dpi) as reader:
        return [reader.read(number) for number in numbers]


def _render(page: object, dpi: int) -> Image:
    """The page as a greyscale image at ``dpi`` (lower when it would pass _MAX_PIXELS)."""
    width, height = page.get_size()  # type: ignore[attr-defined]  # in points
    scale = dpi / 72
    pixels = width * scale * height * scale
    if pixels > _MAX_PIXELS:
        scale *= (_MAX_PIXELS / pixels) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)  # type: ignore[attr-defined]
    return bitmap.to_pil().convert("L")  # type: ignore[no-any-return]


def _read_page(image: Image, number: int, budget: _Budget, dpi: int, language: str) -> OcrPage:
    """Deskew a page image, clean it, find its ruled tables and read it: the text outside
    the tables in one pass, every table cell in another (see :func:`_read_cells`)."""
    from PIL import Image as PILImage

    gray = np.asarray(image)
    angle = _skew_angle(_binarise(gray))
    if angle:
        image = image.rotate(angle, resample=PILImage.Resampling.BICUBIC, fillcolor=255)
    dark = _clean(image, dpi)
    budget.left()
    horizontal, vertical = _rules(dark, dpi)
    grids = _grids(horizontal, vertical, dpi)
    dark &= ~(horizontal.mask | vertical.mask)  # rules erased: the words beside them read better
    outside = dark.copy()
    for grid in grids:
        left, top, right, bottom = grid.box
        outside[top : bottom + 1, left : right + 1] = False
    budget.left()
    words = _tesseract(_picture(outside), budget, psm=3, language=language, dpi=dpi)
    page = OcrPage(number=number, lines=_lines(words))
    for grid in grids:
        cells, found = _read_cells(dark, grid, budget, dpi, language)
        words.extend(found)
        if any(any(row) for row in cells):
            page.tables.append(OcrTable(cells, grid.top))
    page.words = len(words)
    if words:
        page.confidence = round(sum(w.confidence for w in words) / len(words), 1)
    return page


# Blots of ink smaller than this (in square inches: 8 pixels at 300 dpi) are the scan's dust
# and noise; the dot of an "i" or of "ạ" in 10-point type is twice as large.
_SPECK = 8 / 300**2


def _clean(image: Image, dpi: int) -> NDArray[np.bool_]:
    """The page's ink, split from the paper, without the scan's specks (connected blots
    smaller than _SPECK)."""
    from scipy import ndimage

    dark = _binarise(np.asarray(image))
    labels, count = ndimage.label(dark, structure=np.ones((3, 3), dtype=bool))
    if count:
        ink = labels[dark]  # the paper (label 0) is most of the page: count the ink alone
        small = np.bincount(ink, minlength=count + 1) < max(2, int(_SPECK * dpi * dpi))
        dark[dark] = ~small[ink]
    return dark


def _picture(dark: NDArray[np.bool_]) -> Image:
    """Black ink on white paper, as Tesseract reads best."""
    from PIL import Image as PILImage

    return PILImage.fromarray((~dark).view(np.uint8) * np.uint8(255))


# --- Binarising and skew ----------------------------------------------------------------


# A page whose ink and paper differ by less than this (grey levels) holds no ink: Otsu's
# threshold would split the paper's own noise.
_MIN_CONTRAST = 64


def _binarise(gray: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Dark pixels, split from the paper by Otsu's threshold (none on a blank page)."""
    histogram = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(histogram)
    total = weight[-1]
    mean = np.cumsum(histogram * levels)
    between = (mean[-1] * weight - mean * total) ** 2 / np.maximum(weight * (total - weight), 1)
    threshold = int(np.argmax(between[:-1]))
    dark_mean = mean[threshold] / max(weight[threshold], 1)
    paper_mean = (mean[-1] - mean[threshold]) / max(total - weight[threshold], 1)
    if paper_mean - dark_mean < _MIN_CONTRAST:
        return np.zeros(gray.shape, dtype=bool)
    result: NDArray[np.bool_] = gray <= threshold
    return result


# Skew is searched within ±_MAX_SKEW degrees in _COARSE steps on a page scaled to about
# _COARSE_WIDTH pixels wide, then in _FINE steps within half a coarse step of the best at
# _FINE_WIDTH (a residue of 0.05° moves a line 2 pixels across an A4 page at 300 dpi).
_MAX_SKEW = 5.0
_COARSE, _FINE = 0.5, 0.05
_COARSE_WIDTH, _FINE_WIDTH = 500, 1000


def _skew_angle(dark: NDArray[np.bool_]) -> float:
    """The angle (degrees, counter-clockwise) that makes the page's text lines horizontal:
    the one whose rows of dark pixels are most uneven (a projection-profile search)."""
    coarse = np.arange(-_MAX_SKEW, _MAX_SKEW + _COARSE / 2, _COARSE)
    best = _best_angle(dark, coarse, _COARSE_WIDTH)
    fine = np.arange(best - _COARSE / 2, best + _COARSE / 2 + _FINE / 2, _FINE)
    angle = _best_angle(dark, fine, _FINE_WIDTH)
    return 0.0 if abs(angle) < _FINE / 2 else round(angle, 2)


def _best_angle(dark: NDArray[np.bool_], angles: NDArray[np.float64], width: int) -> float:
    """Of ``angles``, the one after which the rows' sums of dark pixels change most sharply."""
    from PIL import Image as PILImage

    step = max(1, dark.shape[1] // width)
    small = PILImage.fromarray(dark[::step, ::step].view(np.uint8) * np.uint8(255))

    def score(angle: float) -> float:
        turned = np.asarray(small.rotate(angle, resample=PILImage.Resampling.NEAREST))
        profile = turned.sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(profile) ** 2))

    return float(max(angles.tolist(), key=score))


# --- Ruled lines and grids --------------------------------------------------------------

# In inches (scaled by the dpi): a horizontal rule is a dark run at least _RULE_H long, a
# vertical one at least _RULE_V (taller than any letter); rules closer than _JOIN are one.
_RULE_H = 0.4
_RULE_V = 0.25
_JOIN = 0.02
_THICK = 0.015  # how far (both ways) a line may wander while still read as one run


@dataclass
class _Rules:
    """Ruled lines in one direction: (position, start, end) in pixels, and their pixels."""

    lines: list[tuple[int, int, int]]
    mask: NDArray[np.bool_]


def _rules(dark: NDArray[np.bool_], dpi: int) -> tuple[_Rules, _Rules]:
    """The page's horizontal and vertical rules."""
    horizontal = _runs(dark, int(_RULE_H * dpi), dpi)
    vertical_t = _runs(np.ascontiguousarray(dark.T), int(_RULE_V * dpi), dpi)
    vertical = _Rules(vertical_t.lines, vertical_t.mask.T)
    return horizontal, vertical


def _runs(dark: NDArray[np.bool_], length: int, dpi: int) -> _Rules:
    """Rows' dark runs of at least ``length`` pixels, the rows thickened by _THICK both ways
    so a line that wanders by a pixel stays one run; joined into lines. The mask is those
    runs: each rule with _THICK of paper on both sides (which also takes its blur)."""
    reach = max(1, int(_THICK * dpi))
    thick = dark.copy()
    for shift in range(1, reach + 1):  # eight times faster than ndimage's maximum filter
        thick[shift:] |= dark[:-shift]
        thick[:-shift] |= dark[shift:]
    padded = np.zeros((thick.shape[0], thick.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = thick
    edges = np.diff(padded, axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    keep = ends - starts >= length
    runs = list(zip(rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))
    mask = np.zeros_like(dark)
    for row, start, end in runs:
        mask[row, start:end] = True
    return _Rules(_join(runs, max(2, int(_JOIN * dpi))), mask)


def _join(runs: list[tuple[int, int, int]], gap: int) -> list[tuple[int, int, int]]:
    """Runs on neighbouring rows that overlap (or nearly touch) as one line each:
    (middle row, start, end)."""
    lines = [(row, row, start, end) for row, start, end in sorted(runs)]
    merged = True
    while merged:  # a pass can leave two pieces of one line apart ("--- ---" then "-------")
        merged = False
        joined: list[tuple[int, int, int, int]] = []  # first row, last row, start, end
        for line in lines:
            for i, other in enumerate(joined):
                if (
                    line[0] <= other[1] + gap
                    and line[1] >= other[0] - gap
                    and line[2] <= other[3] + gap
                    and line[3] >= other[2] - gap
                ):
                    joined[i] = (
                        min(line[0], other[0]),
                        max(line[1], other[1]),
                        min(line[2], other[2]),
                        max(line[3], other[3]),
                    )
                    merged = True
                    break
            else:
                joined.append(line)
        lines = joined
    return sorted(((a + b) // 2, start, end) for a, b, start, end in lines)


@dataclass(frozen=True)
class _Cell:
    row: int
    column: int
    box: tuple[int, int, int, int]  # left, top, right, bottom


@dataclass
class _Grid:
    """A ruled table: its cells and the number of rows and columns."""

    cells: list[_Cell]
    rows: int
    columns: int
    top: int
    box: tuple[int, int, int, int]


def _grids(horizontal: _Rules, vertical: _Rules, dpi: int) -> list[_Grid]:
    """The ruled tables: runs of horizontal rules joined by vertical ones, cut into cells
    (a cell spans the rows and columns whose rules it lacks)."""
    slack = max(3, int(_JOIN * dpi * 2))
    grids: list[_Grid] = []
    for group in _connected(horizontal.lines, vertical.lines, slack):
        grid = _grid(group, vertical.lines, slack)
        if grid is not None:
            grids.append(grid)
    return grids


def _crosses(v: tuple[int, int, int], top: int, bottom: int, slack: int) -> bool:
    return v[1] <= top + slack and v[2] >= bottom - slack


def _within(x: int, h: tuple[int, int, int], slack: int) -> bool:
    return h[1] - slack <= x <= h[2] + slack


def _connected(
    horizontal: list[tuple[int, int, int]], vertical: list[tuple[int, int, int]], slack: int
) -> list[list[tuple[int, int, int]]]:
    """Horizontal rules grouped into tables: consecutive ones a vertical rule joins."""
    groups: list[list[tuple[int, int, int]]] = []
    for h in horizontal:
        if groups:
            above = groups[-1][-1]
            if any(
                _crosses(v, above[0], h[0], slack)
                and _within(v[0], above, slack)
                and _within(v[0], h, slack)
                for v in vertical
            ):
                groups[-1].append(h)
                continue
        groups.append([h])
    return [g for g in groups if len(g) >= 2]


def _grid(
    rules: list[tuple[int, int, int]], vertical: list[tuple[int, int, int]], slack: int
) -> _Grid | None:
    """Cells of one table from its horizontal rules and the vertical ones inside it."""
    top, bottom = rules[0][0], rules[-1][0]
    left, right = min(h[1] for h in rules), max(h[2] for h in rules)
    inside = [
        v
        for v in vertical
        if left - slack <= v[0] <= right + slack and v[2] > top and v[1] < bottom
    ]
    columns = _positions([v[0] for v in inside], slack)
    if len(columns) < 3:  # fewer than two columns: a framed paragraph, read as text
        return None
    ys = [h[0] for h in rules]
    taken: set[tuple[int, int]] = set()
    cells: list[_Cell] = []
    for row in range(len(ys) - 1):
        edges = [
            c
            for c, x in enumerate(columns)
            if any(
                abs(v[0] - x) <= slack and _crosses(v, ys[row], ys[row + 1], slack) for v in inside
            )
        ]
        for a, b in zip(edges, edges[1:], strict=False):
            if (row, a) in taken:
                continue
            last = row
            while last + 1 < len(ys) - 1 and not _covers(
                rules[last + 1], columns[a], columns[b], slack
            ):
                last += 1
            for r in range(row, last + 1):
                taken.update((r, c) for c in range(a, b))
            cells.append(_Cell(row, a, (columns[a], ys[row], columns[b], ys[last + 1])))
    if not cells:
        return None
    return _Grid(cells, len(ys) - 1, len(columns) - 1, top, (left, top, right, bottom))


def _covers(h: tuple[int, int, int], left: int, right: int, slack: int) -> bool:
    return h[1] <= left + slack and h[2] >= right - slack


def _positions(values: list[int], slack: int) -> list[int]:
    """Positions closer than ``slack`` as one (their mean), sorted."""
    groups: list[list[int]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= slack:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(g) // len(g) for g in groups]


# --- Reading words ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    text: str
    confidence: float
    line: tuple[int, int, int]  # block, paragraph, line (Tesseract's reading order)
    box: tuple[int, int, int, int]  # left, top, right, bottom


# A word Tesseract is this unsure of, with no letter or digit, is a speck of the scan.
_SPECK_CONFIDENCE = 50.0
_ALNUM = re.compile(r"[^\W_]")


def _tesseract(image: Image, budget: _Budget, *, psm: int, language: str, dpi: int) -> list[_Word]:
    """The words Tesseract reads in ``image`` (page segmentation mode ``psm``), in its
    reading order; specks it reads as punctuation are dropped.

    Tesseract runs as a child process with one OpenMP thread (on a busy two-core machine a
    page took 3 s with one thread and 8-10 s with its default) and is killed when the page's
    budget runs out.
    """
    binary = shutil.which("tesseract")
    if binary is None:
        raise EmptyDocumentError(
            budget.name,
            "bản scan không có lớp chữ và máy chủ chưa cài Tesseract OCR để nhận dạng (make ocr)",
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PPM")  # uncompressed: 40 ms where PNG takes most of a second
    command = [
        binary,
        "stdin",
        "stdout",
        "-l",
        language,
        "--psm",
        str(psm),
        "--dpi",
        str(dpi),
        "tsv",
    ]
    try:
        done = subprocess.run(
            command,
            input=buffer.getvalue(),
            capture_output=True,
            timeout=budget.left(),
            env={"OMP_THREAD_LIMIT": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise budget.exceeded() from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if any("traineddata" in line or "language" in line.lower() for line in message):
            raise EmptyDocumentError(
                budget.name,
                "bản scan không có lớp chữ và máy chủ thiếu dữ liệu tiếng Việt của Tesseract"
                f" (tesseract-ocr-{language})",
            )
        raise CorruptFileError(
            budget.name,
            f"trang {budget.page}: không nhận dạng được chữ ({message[-1] if message else done.returncode})",
        )
    return _parse_tsv(done.stdout.decode("utf-8", "replace"))


def _parse_tsv(tsv: str) -> list[_Word]:
    """Tesseract's TSV rows as words: those with text and a confidence (level 5)."""
    words: list[_Word] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = nfc(row.get("text") or "").strip()
        try:
            confidence = float(row["conf"])
            left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
            line = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        except (KeyError, TypeError, ValueError):
            continue
        if not text or confidence < 0:
            continue
        if confidence < _SPECK_CONFIDENCE and not _ALNUM.search(text):
            continue
        words.append(_Word(text, confidence, line, (left, top, left + width, top + height)))
    return words


# Between the cells in the strip, this much white (in inches): each cell's ink is on rows of
# its own (a quarter inch read no better and took a fifth longer).
_CELL_GAP = 0.1
_CELL_INSET = 0.01  # a cell is cut this far inside its rules


def _read_cells(
    dark: NDArray[np.bool_], grid: _Grid, budget: _Budget, dpi: int, language: str
) -> tuple[list[list[str]], list[_Word]]:
    """Read a table's cells in one Tesseract pass over a strip holding the cells one under
    another (a uniform block, ``--psm 6``), and the words read.

    Read within the page, a cell holding only "3" or a group row's "II." next to a rule is
    often lost; cell by cell, each cell costs a process. The strip reads them all as well as
    one by one (55 of 55 cells of the test plan, against 45 read within the page) in one run.
    """
    inset, gap = max(1, int(_CELL_INSET * dpi)), int(_CELL_GAP * dpi)
    crops: list[tuple[_Cell, NDArray[np.bool_]]] = []
    for cell in grid.cells:
        left, top, right, bottom = cell.box
        crop = _trim(dark[top + inset : bottom - inset, left + inset : right - inset])
        if crop.size:
            crops.append((cell, crop))
    cells = [["" for _ in range(grid.columns)] for _ in range(grid.rows)]
    if not crops:
        return cells, []
    width = max(crop.shape[1] for _, crop in crops) + 2 * gap
    strip = np.zeros((sum(crop.shape[0] + gap for _, crop in crops) + gap, width), dtype=bool)
    spans: list[tuple[int, int]] = []
    y = gap
    for _, crop in crops:
        strip[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
        spans.append((y, y + crop.shape[0]))
        y += crop.shape[0] + gap
    words = _tesseract(_picture(strip), budget, psm=6, language=language, dpi=dpi)
    for (cell, _), (top, bottom) in zip(crops, spans, strict=True):
        inside = [w for w in words if top <= (w.box[1] + w.box[3]) / 2 <= bottom]
        cells[cell.row][cell.column] = _cell_text(inside)
    return cells, words


def _trim(crop: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The part of a cell its ink covers (empty for an empty cell)."""
    rows, columns = np.flatnonzero(crop.any(axis=1)), np.flatnonzero(crop.any(axis=0))
    if not rows.size:
        return crop[:0, :0]
    return crop[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]


def _lines(words: list[_Word]) -> list[OcrLine]:
    """Words rebuilt into lines by Tesseract's line numbers, in its reading order."""
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return [
        OcrLine(
            " ".join(w.text for w in sorted(line, key=lambda w: w.box[0])),
            min(w.box[1] for w in line),
        )
        for line in lines.values()
    ]


def _cell_text(words: list[_Word]) -> str:
    """A cell's words, line by line (Tesseract's lines, top to bottom)."""
    return "\n".join(line.text for line in sorted(_lines(words), key=lambda line: line.top))
