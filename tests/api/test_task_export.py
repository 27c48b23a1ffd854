"""/tasks/export, /tasks/summary and the due-by-month chart agree with /tasks: the same
filters give the same rows, and every count equals the total of the filter it links to."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.container import build_container
from domain.settings import Settings
from tests.conftest import HashEmbedder, new_database_url
from tests.web.task_plans import write_plans

TODAY = date(2026, 3, 1)
HEADER = [
    "Kế hoạch",
    "Số kế hoạch",
    "STT",
    "Tên nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Kết quả/sản phẩm",
    "Thời hạn",
    "Trạng thái",
]
# "@Lạng Sơn" stands for the id of the plan whose title names Lạng Sơn
CASES: list[dict[str, str]] = [
    {},
    {"agency": "Sở Y tế", "role": "lead"},
    {"agency": "Công an tỉnh", "role": "coordinating"},
    {"agency": "so noi vu"},
    {"due_from": "2026-03-01", "due_to": "2026-06-30"},
    {"due_from": "2026-03-01", "due_to": "2026-12-31", "agency": "Sở Khoa học và Công nghệ"},
    {"status": "overdue"},
    {"status": "upcoming"},
    {"status": "recurring"},
    {"status": "open", "agency": "Công an tỉnh", "role": "lead"},
    {"q": "chuyển đổi số"},
    {"q": "bao cao", "status": "open"},
    {"document_id": "@Lạng Sơn"},
    {"document_id": "@Cà Mau", "due_from": "2026-01-01", "sort": "deadline", "order": "desc"},
    {"sort": "lead"},
    {"sort": "number", "order": "desc", "agency": "Sở Khoa học và Công nghệ"},
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The real app over real stores (SQL and Chroma, hash embedder) holding the two plans;
    read-only tests share it."""
    tmp = tmp_path_factory.mktemp("export")
    settings = Settings(data_dir=tmp, database_url=new_database_url(tmp / "db"), today=TODAY)
    container = build_container(settings, embedder=HashEmbedder())
    for path in write_plans(tmp / "plans"):
        assert container.ingestor.ingest_file(path).status == "added"
    with TestClient(create_app(settings, container)) as c:
        yield c
    container.close()


def _resolve(client: TestClient, case: dict[str, str]) -> dict[str, str]:
    docs = client.get("/documents").json()["documents"]
    out = dict(case)
    if out.get("document_id", "").startswith("@"):
        words = out["document_id"][1:]
        out["document_id"] = next(d["id"] for d in docs if words in d["title"])
    return out


def _listed(client: TestClient, params: dict[str, str]) -> list[dict[str, Any]]:
    body = client.get("/tasks", params={**params, "limit": 1000}).json()
    assert body["total"] == len(body["tasks"])
    return list(body["tasks"])


def _expected(client: TestClient, tasks: list[dict[str, Any]]) -> list[list[str]]:
    """The export's first columns, and the last due day, built from /tasks items."""
    numbers = {d["id"]: d["number"] or "" for d in client.get("/documents").json()["documents"]}
    labels = {s["status"]: s["label"] for s in client.get("/tasks/statuses").json()["statuses"]}
    return [
        [
            t["document_title"],
            numbers[t["document_id"]],
            t["number"],
            t["name"],
            "; ".join(t["lead_agencies"]),
            "; ".join(t["coordinating_agencies"]),
            t["output"],
            t["deadline"]["text"],
            labels[t["status"]],
            t["deadline"]["end"] or "",
        ]
        for t in tasks
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "no BOM: Excel would misread Vietnamese"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("case", CASES, ids=lambda c: "&".join(f"{k}={v}" for k, v in c.items()))
def test_xlsx_and_csv_hold_the_rows_of_tasks(client: TestClient, case: dict[str, str]) -> None:
    params = _resolve(client, case)
    listed = _listed(client, params)
    assert listed, f"the case selects nothing: {params}"
    expected = _expected(client, listed)
    for fmt, read in (("xlsx", _read_xlsx), ("csv", _read_csv)):
        response = client.get("/tasks/export", params={**params, "format": fmt})
        assert response.status_code == 200, response.text
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;") and f'.{fmt}"' in disposition
        rows = read(response.content)
        header = rows[0]
        assert header[: len(HEADER)] == HEADER
        end = header.index("Ngày cuối của thời hạn")
        got = [row[: len(HEADER)] + [row[end]] for row in rows[1:]]
        assert got == expected, fmt


def test_extra_columns_are_exported_under_their_header(client: TestClient) -> None:
    listed = _listed(client, {})
    notes = {(t["document_id"], t["number"]): t["extra"].get("Ghi chú", "") for t in listed}
    assert any(notes.values())
    rows = _read_csv(client.get("/tasks/export", params={"format": "csv"}).content)
    header = rows[0]
    doc, number, note = (header.index(k) for k in ("Mã văn bản", "STT", "Ghi chú"))
    assert {(r[doc], r[number]): r[note] for r in rows[1:]} == notes


def test_export_media_types_and_default_format(client: TestClient) -> None:
    xlsx = client.get("/tasks/export")
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert xlsx.content[:2] == b"PK"  # a zip: an xlsx workbook
    csv_ = client.get("/tasks/export", params={"format": "csv"})
    assert csv_.headers["content-type"].startswith("text/csv")
    assert "charset=utf-8" in csv_.headers["content-type"]


@pytest.mark.parametrize(
    "params",
    [
        {"format": "pdf"},
        {"format": "XLSX"},
        {"format": "csv", "status": "xong"},
        {"due_to": "31/12/2026"},
    ],
)
def test_bad_parameters_are_refused_in_vietnamese(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/tasks/export", params=params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("Yêu cầu không hợp lệ") and not detail.isascii()
    bad = next(k for k in params if k != "format" or params[k] not in ("csv", "xlsx"))
    assert bad in detail


def test_openapi_declares_the_export(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    export = spec["paths"]["/tasks/export"]["get"]
    content = export["responses"]["200"]["content"]
    assert set(content) >= {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv",
    }
    assert "422" in export["responses"]
    names = {p["name"] for p in export["parameters"]}
    listing = {p["name"] for p in spec["paths"]["/tasks"]["get"]["parameters"]}
    assert names == listing - {"limit", "offset"} | {"format"}
    chart = spec["paths"]["/tasks/chart/due-by-month.svg"]["get"]["responses"]["200"]
    assert "image/svg+xml" in chart["content"]


def _figures(summary: dict[str, Any]) -> list[tuple[str, str, int, dict[str, str]]]:
    """(kind, name, count, linked /tasks parameters) of every figure in a summary."""
    found = [("status", s["status"], s["total"], s["params"]) for s in summary["statuses"]]
    found += [("month", m["month"], m["total"], m["params"]) for m in summary["by_month"]]
    for a in summary["by_agency"]:
        found += [("agency", k, a[k]["total"], a[k]["params"]) for k in ("overdue", "upcoming")]
    found.append(("total", "", summary["total"], summary["params"]))
    return found


@pytest.mark.parametrize(
    "scope",
    [
        {},
        {"document_id": "@Cà Mau"},
        {"agency": "Sở Y tế"},
        {"agency": "Công an tỉnh", "role": "lead"},
    ],
    ids=lambda c: "&".join(f"{k}={v}" for k, v in c.items()) or "all",
)
def test_summary_counts_equal_tasks_totals(client: TestClient, scope: dict[str, str]) -> None:
    params = _resolve(client, scope)
    summary = client.get("/tasks/summary", params=params).json()
    assert summary["today"] == TODAY.isoformat() and summary["params"] == params
    figures = _figures(summary)
    for kind, name, total, linked in figures:
        listed = client.get("/tasks", params=linked).json()["total"]
        assert listed == total, (kind, name, linked)
        # a figure keeps the chosen plan; only the agency table replaces the chosen agency
        assert linked.get("document_id") == params.get("document_id")
        if kind == "agency":
            assert linked["role"] == "lead" and linked["status"] == name
        else:
            assert (linked.get("agency"), linked.get("role")) == (
                params.get("agency"),
                params.get("role"),
            )
    # every task is either overdue or still open (SEMANTICS §2)
    by_status = {s["status"]: s["total"] for s in summary["statuses"]}
    assert by_status["overdue"] + by_status["open"] == summary["total"]
    assert sum(f[2] for f in figures) > 0
    # the months: this one and the 11 after it, each whole
    months = summary["by_month"]
    assert [m["month"] for m in months][:2] == ["2026-03", "2026-04"] and len(months) == 12
    assert all(m["params"]["due_from"] == m["due_from"] for m in months)
    assert all(m["params"]["due_to"] == m["due_to"] for m in months)


def test_every_lead_of_an_overdue_or_upcoming_task_is_in_the_agency_table(
    client: TestClient,
) -> None:
    summary = client.get("/tasks/summary").json()
    table = {a["agency"]: a for a in summary["by_agency"]}
    for status in ("overdue", "upcoming"):
        for task in _listed(client, {"status": status}):
            for lead in task["lead_agencies"]:
                assert table[lead][status]["total"] >= 1, (lead, status)
    # most overdue first
    overdue = [a["overdue"]["total"] for a in summary["by_agency"]]
    assert overdue == sorted(overdue, reverse=True)


def test_chart_bars_are_the_monthly_counts_and_link_to_the_task_page(
    client: TestClient,
) -> None:
    scope = _resolve(client, {"document_id": "@Lạng Sơn"})
    months = client.get("/tasks/summary", params=scope).json()["by_month"]
    response = client.get("/tasks/chart/due-by-month.svg", params=scope)
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = ET.fromstring(response.text)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    bars = [a for a in svg.iter(f"{ns}a") if a.get("class") == "bar"]
    assert [(b.get("data-month"), int(b.get("data-total") or -1)) for b in bars] == [
        (m["month"], m["total"]) for m in months
    ]
    for bar, month in zip(bars, months, strict=True):
        href = urlsplit(bar.get("href") or "")
        assert href.path == "/nhiem-vu"
        assert dict(parse_qsl(href.query)) == month["params"]
        assert bar.find(f"{ns}title") is not None


def test_chart_escapes_what_it_is_given(client: TestClient) -> None:
    agency = 'Sở "Y tế" <script>&'
    response = client.get("/tasks/chart/due-by-month.svg", params={"agency": agency})
    svg = ET.fromstring(response.text)
    hrefs = [a.get("href") or "" for a in svg.iter("{http://www.w3.org/2000/svg}a")]
    assert hrefs and all(dict(parse_qsl(urlsplit(h).query))["agency"] == agency for h in hrefs)
    assert "<script>" not in response.text


def test_each_task_s_status_is_its_badge_among_the_filters(client: TestClient) -> None:
    everything = _listed(client, {})
    by_status = {
        s: {(t["document_id"], t["number"]) for t in _listed(client, {"status": s})}
        for s in ("overdue", "upcoming", "open", "recurring")
    }
    for task in everything:
        key = (task["document_id"], task["number"])
        assert key in by_status[task["status"]], (key, task["status"], task["deadline"])
    for exclusive in ("overdue", "upcoming"):
        badged = {(t["document_id"], t["number"]) for t in everything if t["status"] == exclusive}
        assert badged == by_status[exclusive] != set()
    assert {t["status"] for t in everything} == {"overdue", "upcoming", "open", "recurring"}


def test_sorting_orders_all_matches_before_paging(client: TestClient) -> None:
    tasks = _listed(client, {"sort": "deadline"})
    ends = [t["deadline"]["end"] for t in tasks]
    dated = [e for e in ends if e]
    assert ends == dated + [None] * (len(ends) - len(dated)) and dated == sorted(dated)
    desc = _listed(client, {"sort": "deadline", "order": "desc"})
    assert [t["deadline"]["end"] for t in desc] == list(reversed(ends))
    numbers = [int(t["number"]) for t in _listed(client, {"sort": "number"})]
    assert numbers == sorted(numbers)
    leads = [t["lead_agencies"][0] for t in _listed(client, {"sort": "lead"})]
    from domain.text import fold

    assert [fold(x) for x in leads] == sorted(fold(x) for x in leads)
    plans = [t["document_title"] for t in _listed(client, {"sort": "plan", "order": "desc"})]
    assert plans == sorted(plans, key=fold, reverse=True)
    # pages of a sorted list are slices of it
    paged: list[dict[str, Any]] = []
    for offset in range(0, len(tasks), 7):
        page = client.get("/tasks", params={"sort": "deadline", "limit": 7, "offset": offset})
        paged += page.json()["tasks"]
    assert [(t["document_id"], t["number"]) for t in paged] == [
        (t["document_id"], t["number"]) for t in tasks
    ]
    bad = client.get("/tasks", params={"sort": "name"})
    assert bad.status_code == 422 and "sort" in bad.json()["detail"]


def test_cells_that_look_like_formulas_stay_text() -> None:
    from api.task_views import _csv, _xlsx

    rows: list[list[Any]] = [["=1+2", None, "- Sở Y tế", "@SUM(A1)", date(2026, 3, 31)]]
    read = _read_xlsx(_xlsx(["a", "b", "c", "d", "e"], rows, "Nhiệm vụ"))
    assert read[1] == ["=1+2", "", "- Sở Y tế", "@SUM(A1)", "2026-03-31"]
    # a spreadsheet would run =, +, @ at the start of a CSV cell: quoted as text
    assert _read_csv(_csv(["a", "b", "c", "d", "e"], rows))[1] == [
        "'=1+2",
        "",
        "- Sở Y tế",
        "'@SUM(A1)",
        "2026-03-31",
    ]
