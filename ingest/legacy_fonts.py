"""Text set in legacy Vietnamese fonts inside PDF and DOCX files, read as Unicode.

Files typed with a TCVN3 font (".VnTime", ".VnArialH" …) or a VNI font ("VNI-Times" …) hold
one-byte codes that the font draws as Vietnamese letters; PDF and DOCX readers hand them back
as Windows-1252 characters ("Hµ Néi"). The font names which text is legacy: each run of text
in such a font is converted with :mod:`ingest.legacy_text`. Text in another font is converted
only when its page (PDF) or paragraph (DOCX) reads as no Vietnamese and
:func:`~ingest.legacy_text.detect_legacy` recognises an encoding. A run that holds a
character Windows-1252 has no byte for ("ư", "ạ") is Unicode already and left alone.

Usage example::

    font_encoding("ABCDEF+.VnTimeH")  # "tcvn3"
    font_encoding("VNI-Times,Bold")  # "vni"
    convert_pdf_chars(page.chars)  # pdfplumber's chars, converted in place
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from itertools import groupby
from typing import TYPE_CHECKING, Any

from ingest.legacy_text import LegacyEncoding, detect_legacy, from_tcvn3, from_vni

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["convert_docx", "convert_pdf_chars", "font_encoding"]

_SUBSET = re.compile(r"^[A-Z]{6}\+")  # a subset font's tag: "ABCDEF+.VnTime"
_VNI_FONT = re.compile(r"(?i:VNI[-_ ][a-z])")  # "VNI-Times", "VNI-Helve"
# ".VnTime", ".VnArialH", and "VnTime" when a PDF writer dropped the dot
_TCVN3_FONT = re.compile(r"(?i:\.vn[a-z])|Vn[A-Z][a-z]")
_CONVERTERS: dict[str, Callable[[str], str]] = {"tcvn3": from_tcvn3, "vni": from_vni}


def font_encoding(fontname: str | None) -> LegacyEncoding | None:
    """The legacy encoding a font's name tells: "tcvn3", "vni" or None.

    :param fontname: as a PDF names it (a subset tag and style may surround it:
        "ABCDEF+.VnTimeH,Bold") or as a DOCX run names it (".VnTime").
    """
    if not fontname:
        return None
    base = _SUBSET.sub("", fontname.strip())
    if _VNI_FONT.match(base):
        return "vni"
    if _TCVN3_FONT.match(base):
        return "tcvn3"
    return None


def _legacy_bytes(text: str) -> bool:
    """Text that could be legacy bytes read as Windows-1252: every character has a byte
    there, and one at least is not ASCII (ASCII reads the same in every encoding)."""
    if text.isascii():
        return False
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@cache
def _vni_marks() -> frozenset[str]:
    """The characters VNI uses as a mark after a letter (tones, hats and hooks): those that
    join an ASCII letter into one Vietnamese letter."""
    letters = "aeiouyAEIOUY"
    candidates = bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore")
    return frozenset(m for m in candidates if any(len(from_vni(b + m)) == 1 for b in letters))


# Between two glyphs of a run, a gap wider than this share of the font size is a space, and
# a move down (or back left) by more than this share is a new line. TCVN3's capitals depend
# on the words around a letter (:func:`~ingest.legacy_text.from_tcvn3`), so a run is
# converted with the spaces and line breaks a PDF draws by placing glyphs, not as glyphs.
_SPACE_GAP = 0.2
_LINE_MOVE = 0.5


def _layout_text(run: Sequence[dict[str, Any]]) -> tuple[str, list[int]]:
    """A run's text with spaces and line breaks put where its glyphs leave them, and the
    position of each glyph's character in that text."""
    parts: list[str] = []
    positions: list[int] = []
    length = 0
    previous: dict[str, Any] | None = None
    for char in run:
        if previous is not None:
            size = float(char.get("size") or previous.get("size") or 10.0)
            down = (
                abs(float(char.get("top", 0)) - float(previous.get("top", 0))) > _LINE_MOVE * size
            )
            gap = float(char.get("x0", 0)) - float(previous.get("x1", 0))
            if down or gap < -_LINE_MOVE * size:
                parts.append("\n")
                length += 1
            elif gap > _SPACE_GAP * size and str(previous.get("text")) != " ":
                parts.append(" ")
                length += 1
        text = str(char.get("text", ""))
        parts.append(text)
        positions.append(length)
        length += len(text)
        previous = char
    return "".join(parts), positions


def _convert_glyphs(run: Sequence[dict[str, Any]], encoding: LegacyEncoding) -> list[str]:
    """Convert a run of glyphs' texts keeping one text per glyph: TCVN3 letter for letter
    (in the run's words and lines), VNI with a mark's letter given to the glyph before it
    and the mark's glyph left empty."""
    texts = [str(c.get("text", "")) for c in run]
    if encoding == "tcvn3":
        laid_out, positions = _layout_text(run)
        converted = from_tcvn3(laid_out)
        if len(converted) == len(laid_out) and all(len(t) == 1 for t in texts):
            return [converted[i] for i in positions]
        return [from_tcvn3(t) for t in texts]
    marks = _vni_marks()
    out = list(texts)
    start = 0
    for i in range(1, len(texts) + 1):
        if i < len(texts) and texts[i] in marks:
            continue  # a mark joins the glyph before it
        out[start] = from_vni("".join(texts[start:i]))
        for j in range(start + 1, i):
            out[j] = ""
        start = i
    return out


def convert_pdf_chars(chars: list[dict[str, Any]]) -> int:
    """Convert pdfplumber's chars of one page to Unicode in place.

    Runs of chars in a TCVN3 or VNI font are converted by their font; then, when the
    rest of the page reads as no Vietnamese and :func:`detect_legacy` names an encoding,
    each run of the rest in one font that could be legacy bytes is converted with it. A VNI
    mark's glyph is taken out of ``chars`` once its letter is joined to the glyph before it
    (which is widened over it): pdfplumber keeps a page's chars in the one list its text and
    table extraction read, and would read an emptied glyph as a space.

    :returns: how many chars were converted.
    """
    converted = 0
    joined: list[dict[str, Any]] = []
    rest: list[list[dict[str, Any]]] = []
    for font, group in groupby(chars, key=lambda c: str(c.get("fontname") or "")):
        run = list(group)
        encoding = font_encoding(font)
        if encoding is None:
            rest.append(run)
        elif _convert_run(run, encoding, joined):
            converted += len(run)
    candidates = [run for run in rest if _legacy_bytes(_text(run))]
    if candidates:
        encoding = detect_legacy(" ".join(_text(run) for run in rest))
        for run in candidates if encoding else []:
            if _convert_run(run, encoding, joined):  # type: ignore[arg-type]
                converted += len(run)
    if joined:
        gone = {id(char) for char in joined}
        chars[:] = [char for char in chars if id(char) not in gone]
    return converted


def _text(run: Iterable[dict[str, Any]]) -> str:
    return "".join(str(c.get("text", "")) for c in run)


def _convert_run(
    run: list[dict[str, Any]],
    encoding: LegacyEncoding,
    joined: list[dict[str, Any]],
) -> bool:
    """Convert one run's chars; the glyphs joined to the one before them go to ``joined``."""
    if not _legacy_bytes(_text(run)):
        return False
    base: dict[str, Any] | None = None
    for char, text in zip(run, _convert_glyphs(run, encoding), strict=True):
        if text or base is None:
            char["text"], base = text, char
            continue
        joined.append(char)
        base["x1"] = max(float(base.get("x1", 0)), float(char.get("x1", 0)))
        base["width"] = float(base["x1"]) - float(base.get("x0", 0))
    return True


# --- DOCX ----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Word draws a character past ASCII in the run's "high ANSI" font, ASCII in its "ascii" font.
_FONT_ATTRIBUTES = (f"{_W}hAnsi", f"{_W}ascii")


def convert_docx(document: DocxDocument) -> int:
    """Convert the text of a DOCX's runs in legacy fonts to Unicode, in place.

    A run's font is its own, else its character style's, its paragraph style's (each
    followed up its "based on" chain) or the document's default. A paragraph whose other
    runs read as no Vietnamese is converted with the encoding :func:`detect_legacy` finds.

    :returns: how many runs were converted.
    """
    fonts = _StyleFonts(document)
    converted = 0
    for paragraph in document.element.body.iter(f"{_W}p"):
        rest: list[Any] = []
        for run in paragraph.iter(f"{_W}r"):
            if _owning_paragraph(run) is not paragraph:
                continue  # a nested paragraph's run (a text box): converted with its own
            encoding = font_encoding(fonts.of_run(run, paragraph))
            if encoding is None:
                rest.append(run)
            elif _convert_docx_run(run, encoding):
                converted += 1
        candidates = [r for r in rest if _legacy_bytes(_run_text(r))]
        if candidates:
            encoding = detect_legacy(" ".join(_run_text(r) for r in rest))
            for run in candidates if encoding else []:
                converted += _convert_docx_run(run, encoding)  # type: ignore[arg-type]
    return converted


def _owning_paragraph(run: Any) -> Any:
    parent = run.getparent()
    while parent is not None and parent.tag != f"{_W}p":
        parent = parent.getparent()
    return parent


def _texts(run: Any) -> Iterator[Any]:
    return (t for t in run.iter(f"{_W}t") if t.text)


def _run_text(run: Any) -> str:
    return "".join(t.text for t in _texts(run))


def _convert_docx_run(run: Any, encoding: LegacyEncoding) -> bool:
    if not _legacy_bytes(_run_text(run)):
        return False
    for text in _texts(run):
        text.text = _CONVERTERS[encoding](text.text)
    return True


class _StyleFonts:
    """Font names of a DOCX's styles and defaults, to find a run's effective font."""

    def __init__(self, document: DocxDocument) -> None:
        styles = document.styles.element
        self._styles = {s.get(f"{_W}styleId"): s for s in styles.iter(f"{_W}style")}
        defaults = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        self._default = _font_of(defaults)
        self._default_paragraph = next(
            (
                key
                for key, s in self._styles.items()
                if s.get(f"{_W}type") == "paragraph" and s.get(f"{_W}default") in {"1", "true"}
            ),
            None,
        )

    def of_run(self, run: Any, paragraph: Any) -> str | None:
        """The font a run's text is drawn in."""
        own = _font_of(run.find(f"{_W}rPr"))
        if own:
            return own
        run_style = run.find(f"{_W}rPr/{_W}rStyle")
        paragraph_style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        styles = [
            run_style.get(f"{_W}val") if run_style is not None else None,
            paragraph_style.get(f"{_W}val")
            if paragraph_style is not None
            else self._default_paragraph,
        ]
        for style in styles:
            font = self._style_font(style, set())
            if font:
                return font
        return self._default

    def _style_font(self, style_id: str | None, seen: set[str]) -> str | None:
        style = self._styles.get(style_id)
        if style is None or style_id in seen:
            return None
        seen.add(str(style_id))
        font = _font_of(style.find(f"{_W}rPr"))
        if font:
            return font
        based = style.find(f"{_W}basedOn")
        return None if based is None else self._style_font(based.get(f"{_W}val"), seen)


def _font_of(properties: Any) -> str | None:
    """The font a run-properties element names for non-ASCII text (else for ASCII)."""
    if properties is None:
        return None
    fonts = properties.find(f"{_W}rFonts")
    if fonts is None:
        return None
    for attribute in _FONT_ATTRIBUTES:
        name = fonts.get(attribute)
        if name:
            return str(name)
    return None
