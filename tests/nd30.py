"""Fictional plans of several provinces in the Nghị định 30/2020/NĐ-CP layout, rendered from
``tests/cases/nd30_plans.json`` (written from SEMANTICS.md, not from the code) as DOCX, TXT
or PDF, with the header as a borderless two-column table or as plain lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.plans import FONT

CASES = Path(__file__).parent / "cases" / "nd30_plans.json"
NATIONAL = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CASES.read_text("utf-8"))
    return data


def _number_line(doc: dict[str, Any]) -> str | None:
    style = doc.get("number_style")
    if not doc.get("number") or style == "none":
        return "Số:      /KH-UBND" if style == "none" else None
    return f"Số: {doc['number']}" if style == "so_prefix" else doc["number"]


def _body(doc: dict[str, Any]) -> list[str | list[list[str]]]:
    """The document after its header: kind, title, opening, sections (tables as cell rows),
    relation, signature and recipients."""
    out: list[str | list[list[str]]] = [doc["kind"], doc["title"]]
    out += list(doc.get("legal_bases") or [])
    if doc.get("proposer"):
        out.append(doc["proposer"])
    if doc["kind"].upper().startswith("QUYẾT ĐỊNH"):
        out.append("QUYẾT ĐỊNH:")
    for section in doc["sections"]:
        out.append(section["heading"])
        for block in section["blocks"]:
            if "p" in block:
                out.append(block["p"])
            elif "items" in block:
                out += block["items"]
            elif "table" in block:
                table = block["table"]
                out.append([list(table["header"])] + [list(r) for r in table["rows"]])
    if doc.get("relation"):
        out.append(doc["relation"])
    out.append("Nơi nhận:")
    out += [f"- {r}" for r in doc.get("recipients") or []]
    out += list(doc["signature"]["lines"])
    out.append(doc["signature"]["name"])
    return out


def _header_pairs(doc: dict[str, Any]) -> list[tuple[str, str]]:
    left = list(doc["issuer_lines"])
    number = _number_line(doc)
    if number:
        left.append(number)
    right = NATIONAL + [doc["date_text"]]
    rows = max(len(left), len(right))
    left += [""] * (rows - len(left))
    right += [""] * (rows - len(right))
    return list(zip(left, right, strict=True))


def _header_lines(doc: dict[str, Any]) -> list[str]:
    lines = list(doc["issuer_lines"]) + NATIONAL
    number = _number_line(doc)
    if number:
        lines.append(number)
    return lines + [doc["date_text"]]


def write(doc: dict[str, Any], folder: Path) -> Path:
    """Render ``doc`` in its format and header layout; returns the file."""
    path = folder / f"{doc['id']}.{doc['format']}"
    if doc["format"] == "docx":
        _write_docx(doc, path)
    elif doc["format"] == "pdf":
        _write_pdf(doc, path)
    else:
        _write_txt(doc, path)
    return path


def _write_txt(doc: dict[str, Any], path: Path) -> None:
    lines = _header_lines(doc)
    for part in _body(doc):
        if isinstance(part, list):
            lines += ["\t".join(row) for row in part]
        else:
            lines.append(part)
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _write_docx(doc: dict[str, Any], path: Path) -> None:
    import docx

    document = docx.Document()
    if doc["header_layout"] == "table":
        pairs = _header_pairs(doc)
        table = document.add_table(rows=len(pairs), cols=2)  # no style: borderless
        for i, (left, right) in enumerate(pairs):
            table.cell(i, 0).text = left
            table.cell(i, 1).text = right
    else:
        for line in _header_lines(doc):
            document.add_paragraph(line)
    for part in _body(doc):
        if isinstance(part, list):
            table = document.add_table(rows=len(part), cols=len(part[0]))
            table.style = "Table Grid"
            for r, row in enumerate(part):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph(part)
    document.save(str(path))


def _write_pdf(doc: dict[str, Any], path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("dejavu", "", FONT)
    pdf.set_font("dejavu", size=10)
    pdf.add_page()
    width = pdf.epw
    if doc["header_layout"] == "table":
        for left, right in _header_pairs(doc):
            pdf.cell(width * 0.42, 6, left)
            pdf.cell(width * 0.58, 6, right, new_x="LMARGIN", new_y="NEXT")
    else:
        for line in _header_lines(doc):
            pdf.multi_cell(width, 6, line, new_x="LMARGIN", new_y="NEXT")
    for part in _body(doc):
        if isinstance(part, list):
            with pdf.table(first_row_as_headings=False) as table:
                for row in part:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
        else:
            pdf.multi_cell(width, 6, part, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
