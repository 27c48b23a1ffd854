"""Task views: the filtered task list and what the console builds on it.

Every view takes the same filters (:class:`TaskFilters`) and reads the same store query, so
a figure on the dashboard, a row of an export and a row of ``/tasks`` always agree:

- ``GET /tasks``: one page of the matching tasks, each with its badge ``status``;
- ``GET /tasks/export``: all of them as XLSX or CSV;
- ``GET /tasks/summary``: counts by status, by month due and by lead agency, each with the
  ``/tasks`` parameters that list exactly the tasks counted;
- ``GET /tasks/chart/due-by-month.svg``: the monthly counts as a bar chart whose bars link
  to the task page;
- ``GET /tasks/statuses``: the statuses' labels and what each filter selects.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from html import escape
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import ContainerDep
from api.container import Container
from api.errors import responses
from domain.deadlines import due_between
from domain.records import Document, TaskRecord
from domain.task_status import (
    UPCOMING_DAYS,
    overdue_note,
    status_words,
    task_status,
    task_words,
)
from domain.text import fold
from stores import TaskQuery

__all__ = ["TaskFilters", "TaskOrder", "router"]

router = APIRouter()

Status = Literal["upcoming", "overdue", "open", "recurring"]
Sort = Literal["deadline", "plan", "number", "lead"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
SVG = "image/svg+xml"
# where the dashboard's figures link to: the task page, filtered
TASK_PAGE = "/nhiem-vu"
MONTHS_AHEAD = 12


@dataclass(frozen=True)
class TaskFilters:
    """The filters ``/tasks`` takes; every task view takes the same ones."""

    agency: str | None = None
    role: Literal["any", "lead", "coordinating"] = "any"
    due_from: date | None = None
    due_to: date | None = None
    status: Status | None = None
    q: str | None = None
    document_id: str | None = None

    def query(self, today: date) -> TaskQuery:
        return TaskQuery(
            agency=self.agency,
            role=self.role,
            due_from=self.due_from,
            due_to=self.due_to,
            status=self.status,
            q=self.q,
            document_id=self.document_id,
            today=today,
            within_days=UPCOMING_DAYS,
        )

    def params(self) -> dict[str, str]:
        """These filters as ``/tasks`` (and task page) query parameters; unset ones left out."""
        found = {
            "agency": self.agency,
            "role": self.role if self.role != "any" else None,
            "due_from": self.due_from.isoformat() if self.due_from else None,
            "due_to": self.due_to.isoformat() if self.due_to else None,
            "status": self.status,
            "q": self.q,
            "document_id": self.document_id,
        }
        return {k: v for k, v in found.items() if v}


@dataclass(frozen=True)
class TaskOrder:
    """How a task list is ordered: by plan and row (no ``sort``), or by deadline (last due
    day; tasks with none last), plan title, task number or first lead agency; ties keep
    the plan-and-row order."""

    sort: Sort | None = None
    order: Literal["asc", "desc"] = "asc"

    def apply(self, tasks: list[TaskRecord], titles: dict[str, str]) -> list[TaskRecord]:
        if self.sort is None:
            return list(reversed(tasks)) if self.order == "desc" else tasks
        key = _SORT_KEYS[self.sort]
        return sorted(tasks, key=lambda t: key(t, titles), reverse=self.order == "desc")


FiltersDep = Annotated[TaskFilters, Depends(TaskFilters)]
OrderDep = Annotated[TaskOrder, Depends(TaskOrder)]


def _natural(text: str) -> tuple[tuple[int, int, str], ...]:
    """A key ordering "2" before "10" and "1.2" before "1.10"."""
    parts = re.findall(r"\d+|\D+", fold(text))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


_SortKey = Callable[[TaskRecord, dict[str, str]], Any]
_SORT_KEYS: dict[str, _SortKey] = {
    "deadline": lambda t, _: (t.deadline.end is None, t.deadline.end or date.max),
    "plan": lambda t, titles: fold(titles.get(t.document_id, t.document_id)),
    "number": lambda t, _: _natural(t.number),
    "lead": lambda t, _: (
        not t.lead_agencies,
        fold(t.lead_agencies[0]) if t.lead_agencies else "",
    ),
}


def _today(c: Container) -> date:
    return c.settings.effective_today()


def _tasks(c: Container, filters: TaskFilters) -> list[TaskRecord]:
    return c.stores.records.tasks(filters.query(_today(c)))


def _task_json(task: TaskRecord, title: str, today: date) -> dict[str, Any]:
    return {**task.to_json(title), "status": task_status(task.deadline, today)}


@router.get("/tasks", responses=responses(422, 503))
def list_tasks(
    c: ContainerDep,
    filters: FiltersDep,
    order: OrderDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """The active tasks these filters select, ``limit`` of them from ``offset``; ``total``
    counts all. Each task's ``status`` is the one its badge shows (see ``/tasks/statuses``)."""
    found = _tasks(c, filters)
    titles = {d.id: d.title for d in c.stores.versions.active_documents()}
    found = order.apply(found, titles)
    today = _today(c)
    return {
        "tasks": [
            _task_json(t, titles.get(t.document_id, ""), today)
            for t in found[offset : offset + limit]
        ],
        "total": len(found),
    }


# -- statuses ------------------------------------------------------------------------------


class StatusWordsBody(BaseModel):
    status: Status
    label: str = Field(description="Nhãn trạng thái")
    filter: str = Field(description="Bộ lọc trạng thái này chọn những nhiệm vụ nào")


class StatusesBody(BaseModel):
    within_days: int = Field(description="Số ngày tới được tính là sắp đến hạn")
    note: str = Field(description="Lưu ý về nhiệm vụ đã qua thời hạn")
    statuses: list[StatusWordsBody]


@router.get("/tasks/statuses", response_model=StatusesBody)
def list_statuses() -> dict[str, Any]:
    """The task statuses in display order, with their Vietnamese labels."""
    return {
        "within_days": UPCOMING_DAYS,
        "note": overdue_note(),
        "statuses": [w.to_json() for w in status_words()],
    }


# -- export --------------------------------------------------------------------------------


def _rows(
    tasks: list[TaskRecord], docs: dict[str, Document], today: date
) -> tuple[list[str], list[list[Any]]]:
    """The export's header and rows; extra columns of any plan come after the fixed ones."""
    words = task_words()["columns"]
    labels = {w.status: w.label for w in status_words()}
    extra: list[str] = []
    for t in tasks:
        extra += [name for name, _ in t.extra if name not in extra]
    fixed = ["plan", "plan_number", "number", "name", "lead", "coordinating", "output"]
    fixed += ["deadline", "status", "end", "section", "locator", "document_id"]
    header = [str(words[k]) for k in fixed] + extra
    rows: list[list[Any]] = []
    for t in tasks:
        doc = docs.get(t.document_id)
        values = dict(t.extra)
        rows.append(
            [
                doc.title if doc else "",
                (doc.number or "") if doc else "",
                t.number,
                t.name,
                "; ".join(t.lead_agencies),
                "; ".join(t.coordinating_agencies),
                t.output,
                t.deadline.text,
                labels[task_status(t.deadline, today)],
                t.deadline.end,
                t.section,
                t.locator,
                t.document_id,
                *[values.get(name, "") for name in extra],
            ]
        )
    return header, rows


def _xlsx(header: list[str], rows: Iterable[list[Any]], sheet: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.freeze_panes = "A2"
    widths = [40, 16, 6, 60, 30, 30, 30, 18, 16, 14, 30, 30, 20]
    for i, width in enumerate(widths):
        ws.column_dimensions[_column(i)].width = width
    bold = Font(bold=True)
    head = []
    for text in header:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    count = 0
    for row in rows:
        ws.append(
            [_xlsx_text(ws, v) if isinstance(v, str) and v.startswith("=") else v for v in row]
        )
        count += 1
    ws.auto_filter.ref = f"A1:{_column(len(header) - 1)}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_text(ws: Any, value: str) -> Any:
    """A cell holding ``value`` as text: a plan's "=..." is never read as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


# what a spreadsheet opening a CSV would take for the start of a formula
_FORMULA_START = ("=", "+", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # quoted so that a spreadsheet shows it as text instead of running it (CSV injection)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _csv(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    # a BOM so that Excel reads the file as UTF-8 (Vietnamese letters)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@router.get(
    "/tasks/export",
    response_class=Response,
    responses={
        200: {
            "description": "Các nhiệm vụ khớp bộ lọc, tệp Excel (XLSX) hoặc CSV (UTF-8 có BOM)",
            "content": {
                XLSX: {"schema": {"type": "string", "format": "binary"}},
                CSV: {"schema": {"type": "string"}},
            },
        },
        **responses(422, 503),
    },
)
def export_tasks(
    c: ContainerDep,
    filters: FiltersDep,
    order: OrderDep,
    fmt: Annotated[Literal["xlsx", "csv"], Query(alias="format")] = "xlsx",
) -> Response:
    """Every task these filters select (no paging), in ``/tasks`` order, as a file to
    download; columns have Vietnamese headers."""
    today = _today(c)
    docs = {d.id: d for d in c.stores.versions.active_documents()}
    found = order.apply(_tasks(c, filters), {k: d.title for k, d in docs.items()})
    header, rows = _rows(found, docs, today)
    words = task_words()
    name = str(words["file"]).format(today=today.isoformat())
    if fmt == "xlsx":
        content, media = _xlsx(header, rows, str(words["sheet"])), XLSX
    else:
        content, media = _csv(header, rows), f"{CSV}; charset=utf-8"
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


# -- summary -------------------------------------------------------------------------------


class Figure(BaseModel):
    """A count, and the ``/tasks`` parameters that list exactly the tasks counted."""

    total: int
    params: dict[str, str] = Field(description="Tham số của /tasks (và trang /nhiem-vu)")


class StatusFigure(Figure):
    status: Status
    label: str
    filter: str = Field(description="Bộ lọc trạng thái này chọn những nhiệm vụ nào")


class MonthFigure(Figure):
    month: str = Field(description="NNNN-TT")
    label: str
    due_from: date
    due_to: date


class AgencyFigure(BaseModel):
    agency: str = Field(description="Cơ quan chủ trì")
    overdue: Figure
    upcoming: Figure


class SummaryBody(BaseModel):
    today: date
    within_days: int = Field(description="Số ngày tới được tính là sắp đến hạn")
    note: str = Field(description="Lưu ý về nhiệm vụ đã qua thời hạn")
    total: int = Field(description="Số nhiệm vụ khớp bộ lọc")
    params: dict[str, str] = Field(description="Bộ lọc đã dùng, dạng tham số của /tasks")
    statuses: list[StatusFigure] = Field(description="Theo trạng thái (thay bộ lọc status)")
    by_month: list[MonthFigure] = Field(
        description="Theo tháng đến hạn, 12 tháng kể từ tháng này (thay due_from/due_to)"
    )
    by_agency: list[AgencyFigure] = Field(
        description="Đã qua thời hạn và sắp đến hạn theo cơ quan chủ trì "
        "(thay agency, role, status); chỉ cơ quan có ít nhất một nhiệm vụ như vậy"
    )


def _months(today: date) -> list[tuple[date, date]]:
    """The first and last day of this month and the 11 after it."""
    found = []
    first = today.replace(day=1)
    for _ in range(MONTHS_AHEAD):
        following = (first + timedelta(days=32)).replace(day=1)
        found.append((first, following - timedelta(days=1)))
        first = following
    return found


def _by_month(c: Container, filters: TaskFilters) -> list[dict[str, Any]]:
    """Tasks due in each month ahead: one query over the whole span, counted by last due
    day or yearly day, which is what the span's per-month ``due_from``/``due_to`` filters
    select."""
    words = task_words()
    months = _months(_today(c))
    span = replace(filters, due_from=months[0][0], due_to=months[-1][1])
    tasks = _tasks(c, span)
    found = []
    for first, last in months:
        linked = replace(filters, due_from=first, due_to=last)
        found.append(
            {
                "month": f"{first:%Y-%m}",
                "label": str(words["month"]).format(month=first.month, year=first.year),
                "due_from": first,
                "due_to": last,
                "total": sum(1 for t in tasks if due_between(t.deadline, first, last)),
                "params": linked.params(),
            }
        )
    return found


_AGENCY_STATUSES: tuple[Status, ...] = ("overdue", "upcoming")


def _by_agency(c: Container, filters: TaskFilters) -> list[dict[str, Any]]:
    """Overdue and upcoming tasks by lead agency, each counted by the very query its link
    runs (the agency filter matches aliases and whole words, so counting names would not
    always agree)."""
    base = replace(filters, agency=None, role="any", status=None)
    names: dict[str, str] = {}  # canonical name's fold → the name
    for status in _AGENCY_STATUSES:
        for task in _tasks(c, replace(base, status=status)):
            for lead in task.lead_agencies:
                name = c.gazetteer.canonical(lead)
                if fold(name).strip():
                    names.setdefault(fold(name), name)
    found = []
    for name in names.values():
        figures: dict[str, Any] = {"agency": name}
        for status in _AGENCY_STATUSES:
            linked = replace(base, agency=name, role="lead", status=status)
            figures[status] = {"total": len(_tasks(c, linked)), "params": linked.params()}
        if figures["overdue"]["total"] or figures["upcoming"]["total"]:
            found.append(figures)
    found.sort(key=lambda f: (-f["overdue"]["total"], -f["upcoming"]["total"], fold(f["agency"])))
    return found


@router.get("/tasks/summary", response_model=SummaryBody, responses=responses(422, 503))
def summarise_tasks(c: ContainerDep, filters: FiltersDep) -> dict[str, Any]:
    """Counts for the deadlines dashboard under the same filters as ``/tasks``. Each count
    carries ``params``: ``GET /tasks`` with them has exactly that ``total``."""
    today = _today(c)
    statuses = []
    for words in status_words():
        linked = replace(filters, status=words.status)
        statuses.append(
            {
                **words.to_json(),
                "total": len(_tasks(c, linked)),
                "params": linked.params(),
            }
        )
    return {
        "today": today,
        "within_days": UPCOMING_DAYS,
        "note": overdue_note(),
        "total": len(_tasks(c, filters)),
        "params": filters.params(),
        "statuses": statuses,
        "by_month": _by_month(c, filters),
        "by_agency": _by_agency(c, filters),
    }


# -- chart ---------------------------------------------------------------------------------


def due_by_month_svg(months: list[dict[str, Any]], title: str) -> str:
    """A bar chart of tasks due per month; each bar (its whole column) links to the task
    page filtered to that month. Every text and address is escaped."""
    words = task_words()
    width, height = 760, 260
    left, right, top, bottom = 36, 8, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([m["total"] for m in months] + [1])
    step = plot_w / max(len(months), 1)
    bar = step * 0.64
    base_y = top + plot_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" class="chart due-by-month" aria-labelledby="due-by-month-title" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="due-by-month-title">{escape(title)}</title>',
    ]
    for value in sorted({0, (peak + 1) // 2, peak}):
        y = base_y - plot_h * value / peak
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d0d7de" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#57606a">{value}</text>'
        )
    for i, m in enumerate(months):
        x = left + i * step
        h = plot_h * m["total"] / peak
        first: date = m["due_from"]
        short = str(words["month_short"]).format(month=first.month, year=first.year)
        tip = str(words["chart_bar"]).format(month=m["label"], count=m["total"])
        href = f"{TASK_PAGE}?{urlencode(m['params'])}"
        parts.append(
            f'<a href="{escape(href)}" class="bar" data-month="{escape(m["month"])}" '
            f'data-total="{int(m["total"])}" aria-label="{escape(tip)}">'
            f"<title>{escape(tip)}</title>"
            f'<rect x="{x:.1f}" y="{top}" width="{step:.1f}" height="{plot_h + bottom}" '
            f'fill="transparent"/>'
            f'<rect x="{x + (step - bar) / 2:.1f}" y="{base_y - h:.1f}" width="{bar:.1f}" '
            f'height="{h:.1f}" fill="#1f6feb" rx="2"/>'
            f'<text x="{x + step / 2:.1f}" y="{base_y - h - 5:.1f}" text-anchor="middle" '
            f'fill="#1f2328">{int(m["total"])}</text>'
            f'<text x="{x + step / 2:.1f}" y="{base_y + 18}" text-anchor="middle" '
            f'fill="#57606a">{escape(short)}</text>'
            "</a>"
        )
    parts.append("</svg>")
    return "".join(parts)


@router.get(
    "/tasks/chart/due-by-month.svg",
    response_class=Response,
    responses={
        200: {
            "description": "Biểu đồ cột số nhiệm vụ đến hạn mỗi tháng (SVG)",
            "content": {SVG: {"schema": {"type": "string"}}},
        },
        **responses(422, 503),
    },
)
def due_by_month_chart(c: ContainerDep, filters: FiltersDep) -> Response:
    """The ``by_month`` counts of ``/tasks/summary`` as an SVG bar chart (their own
    ``due_from``/``due_to`` replace the filters'); each bar links to the task page."""
    first = _today(c)
    title = str(task_words()["chart_title"]).format(month=first.month, year=first.year)
    svg = due_by_month_svg(_by_month(c, filters), title)
    return Response(svg, media_type=SVG, headers={"Cache-Control": "no-cache"})
