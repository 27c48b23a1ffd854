"""The admin "Văn bản" page (/van-ban) in Chromium: sign in, upload by drag and drop or the
file input (body and appendix in one request), follow the ingest job, replace with a new
version and read its change report, delete with a confirmation; a wrong or missing token
changes nothing on the server."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.plans import HEADER, plan_rows, write_docx
from tests.web.conftest import Console, screenshot

pytestmark = [pytest.mark.integration]

MIME = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WAIT_MS = 30_000
DEADLINE, LEAD = HEADER.index("Thời gian hoàn thành"), HEADER.index("Cơ quan chủ trì")
# the status line of each upload as the page shows it, recorded as it changes
WATCH_PROGRESS = """() => {
  window.progressSeen = [];
  const watch = () => {
    const text = document.getElementById("progress-text").textContent;
    if (!document.getElementById("progress").hidden && text && window.progressSeen.at(-1) !== text)
      window.progressSeen.push(text);
  };
  new MutationObserver(watch).observe(document.getElementById("progress"),
    {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def _timing(text: str) -> None:
    """Print a measured time (reported, not asserted: the machine may be busy)."""
    print(text)  # noqa: T201


def _documents(console: Console) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = httpx.get(f"{console.url}/documents").json()["documents"]
    return docs


def _audit(console: Console) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = httpx.get(
        f"{console.url}/audit?limit=100", headers={"Authorization": f"Bearer {console.token}"}
    ).json()["entries"]
    return entries


def _open(browser: Any, console: Console) -> tuple[Any, float]:
    """The page, loaded with its list rendered; and how long that took (seconds)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    started = time.perf_counter()
    page.goto(f"{console.url}/van-ban")
    page.wait_for_selector("#documents[data-state=loaded]", timeout=WAIT_MS)
    elapsed = time.perf_counter() - started
    timing = page.evaluate(
        """() => ({
          dom: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
          list: performance.getEntriesByName(location.origin + "/documents")[0].duration,
        })"""
    )
    _timing(
        f"\n/van-ban: list rendered {elapsed * 1000:.0f} ms after goto "
        f"(DOMContentLoaded {timing['dom']:.0f} ms, GET /documents {timing['list']:.0f} ms)"
    )
    return page, elapsed


def _sign_in(page: Any, token: str) -> None:
    page.fill("#token", token)
    page.click("#signin-button")


def _signed_in(page: Any) -> None:
    page.wait_for_selector("#signed-in", state="visible", timeout=WAIT_MS)
    assert page.is_enabled("#files")


def _drop(page: Any, paths: list[Path]) -> None:
    """Drop files on the drop zone: a DataTransfer holding them, built in the page."""
    files = [
        {"name": p.name, "type": MIME[p.suffix], "data": base64.b64encode(p.read_bytes()).decode()}
        for p in paths
    ]
    transfer = page.evaluate_handle(
        """(files) => {
          const transfer = new DataTransfer();
          for (const f of files) {
            const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
            transfer.items.add(new File([bytes], f.name, {type: f.type}));
          }
          return transfer;
        }""",
        files,
    )
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})


def _wait_status(page: Any, kind: str) -> str:
    page.wait_for_selector(f"#status.{kind}", timeout=WAIT_MS)
    text: str = page.inner_text("#status")
    return text


def _row(page: Any, document_id: str) -> Any:
    return page.locator(f'#documents tr[data-id="{document_id}"]')


def _uploads(page: Any) -> list[Any]:
    """Admin requests that would change plans, as the page sends them."""
    sent: list[Any] = []
    page.on(
        "request",
        lambda r: (
            sent.append(r)
            if r.method in ("POST", "PUT", "DELETE") and "/documents" in r.url
            else None
        ),
    )
    return sent


def test_drop_upload_then_replace_shows_the_change_report(
    console: Console, browser: Any, tmp_path: Path
) -> None:
    plan = write_docx(tmp_path / "ke-hoach-999.docx", version=1, number="999/KH-UBND")
    page, _ = _open(browser, console)  # an empty list
    assert page.title().startswith("Văn bản kế hoạch")
    assert page.inner_text("header.console nav a[aria-current=page]") == "Văn bản (quản trị)"
    assert page.is_disabled("#files")  # nothing until signed in

    _sign_in(page, console.token)
    _signed_in(page)
    page.evaluate(WATCH_PROGRESS)
    sent = _uploads(page)
    started = time.perf_counter()
    _drop(page, [plan])
    done = _wait_status(page, "notice")
    _timing(
        f"/van-ban: drop → ingest done and list refreshed in {time.perf_counter() - started:.2f} s"
    )

    [doc] = _documents(console)
    assert [r.method for r in sent] == ["POST"]
    assert doc["number"] == "999/KH-UBND" and doc["version"] == 1
    assert doc["tasks"] == len(plan_rows(1)) and doc["parts"] == [plan.name]
    assert "Đã nạp" in done and doc["number"] in done
    seen = page.evaluate("window.progressSeen")
    assert seen[0].startswith("Đang tải lên 1 tệp (ke-hoach-999.docx)"), seen
    assert any(s.startswith("Đang nạp…") for s in seen), seen
    assert page.is_hidden("#progress")

    row = _row(page, doc["id"])
    assert row.locator("td.number").inner_text() == doc["number"]
    assert row.locator("td.tasks").inner_text() == str(doc["tasks"])
    assert row.locator("td.targets").inner_text() == str(doc["targets"])
    assert row.locator("td.version").inner_text() == "1"
    assert row.locator("td.title").inner_text().startswith(doc["title"])
    assert row.locator("td.format").inner_text().startswith("DOCX")
    screenshot(page, "documents")

    # replace with version 2: a deadline moved, a lead changed, a task dropped
    v2 = write_docx(tmp_path / "ke-hoach-999-v2.docx", version=2, number="999/KH-UBND")
    started = time.perf_counter()
    row.locator("input.replace-files").set_input_files(str(v2))
    page.wait_for_selector("#changes:not([hidden]) #changes-table tbody tr", timeout=WAIT_MS)
    _timing(f"/van-ban: replace → change report shown in {time.perf_counter() - started:.2f} s")
    assert [r.method for r in sent] == ["POST", "PUT"]
    assert sent[1].url.endswith(f"/documents/{doc['id']}")
    assert "phiên bản 2" in _wait_status(page, "notice")

    [after] = _documents(console)
    assert after["id"] == doc["id"] and after["version"] == 2
    assert after["tasks"] == len(plan_rows(2))
    assert _row(page, doc["id"]).locator("td.version").inner_text() == "2"
    assert _row(page, doc["id"]).locator("td.tasks").inner_text() == str(after["tasks"])

    report = httpx.get(f"{console.url}/documents/{doc['id']}/changes").json()["changes"]
    shown = page.locator("#changes-table tbody tr")
    rows = [
        [shown.nth(i).locator("td").nth(j).inner_text() for j in range(6)]
        for i in range(shown.count())
    ]
    assert page.inner_text("#changes-summary") == report["summary"]
    old, new = plan_rows(1), plan_rows(2)
    # the moved deadline, old → new
    moved = next(i for i in range(len(new)) if old[i][DEADLINE] != new[i][DEADLINE])
    assert [
        "Thay đổi",
        new[moved][0],
        new[moved][1],
        "Thời gian hoàn thành",
        old[moved][DEADLINE],
        new[moved][DEADLINE],
    ] in rows
    # the changed lead, old → new, as the report reads the agencies
    led = next(i for i in range(len(new)) if old[i][LEAD] != new[i][LEAD])
    lead = next(c for c in report["changed"] if c["number"] == new[led][0])["fields"]
    before, now = lead["lead_agencies"]
    assert old[led][LEAD] in "; ".join(before) and new[led][LEAD] in "; ".join(now)
    lead_row = ["Thay đổi", new[led][0], new[led][1], "Cơ quan chủ trì"]
    assert [*lead_row, "; ".join(before), "; ".join(now)] in rows
    # the dropped task
    [dropped] = [r for r in old if r[1] not in {n[1] for n in new}]
    removed = [r for r in rows if r[0] == "Bị bỏ"]
    assert [r[1:3] for r in removed] == [[dropped[0], dropped[1]]]
    assert dropped[DEADLINE] in removed[0][4] and removed[0][5] == "—"
    assert len(rows) == len(report["added"]) + len(report["removed"]) + sum(
        len(c["fields"]) for c in report["changed"]
    )
    screenshot(page, "change-report")
    page.close()


def _appendix_xlsx(path: Path, number: str, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["PHỤ LỤC"])
    sheet.append(["DANH MỤC NHIỆM VỤ PHÁT TRIỂN DU LỊCH CỘNG ĐỒNG"])
    sheet.append([f"(Kèm theo Kế hoạch số {number} ngày 10/3/2026 của UBND tỉnh Kon Tum)"])
    sheet.append(["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"])
    for values in rows:
        sheet.append(values)
    book.save(str(path))
    return path


def _body_docx(path: Path, number: str) -> Path:
    import docx

    document = docx.Document()
    for line in [
        "ỦY BAN NHÂN DÂN TỈNH KON TUM",
        f"Số: {number}",
        "Kon Tum, ngày 10 tháng 3 năm 2026",
        "KẾ HOẠCH",
        "Phát triển du lịch cộng đồng năm 2026",
        "I. MỤC TIÊU",
        "Phát triển du lịch cộng đồng gắn với bảo tồn văn hóa các dân tộc.",
        "II. NHIỆM VỤ",
        "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.",
    ]:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def test_body_and_appendix_in_one_upload_with_the_file_input(
    console: Console, browser: Any, tmp_path: Path
) -> None:
    number = "46/KH-UBND"
    tasks = [
        ["1", "Xây dựng bản đồ số các làng du lịch", "Sở Văn hóa, Thể thao và Du lịch",
         "Sở Xây dựng", "Quý II/2026"],
        ["2", "Đào tạo hướng dẫn viên người dân tộc", "Sở Nội vụ", "UBND các huyện", "9/2026"],
    ]  # fmt: skip
    body = _body_docx(tmp_path / "ke-hoach.docx", number)
    appendix = _appendix_xlsx(tmp_path / "phu-luc.xlsx", number, tasks)
    page, _ = _open(browser, console)
    _sign_in(page, console.token)
    _signed_in(page)
    sent = _uploads(page)
    page.set_input_files("#files", [str(appendix), str(body)])
    _wait_status(page, "notice")

    # one request carrying both files as "file" parts: one upload accepted, naming both
    assert [r.method for r in sent] == ["POST"]
    accepted = [
        e for e in _audit(console) if e["action"] == "upload" and e["outcome"] == "accepted"
    ]
    assert [e["detail"] for e in accepted] == ["phu-luc.xlsx, ke-hoach.docx"]

    [doc] = _documents(console)
    assert doc["number"] == number and doc["parts"] == ["ke-hoach.docx", "phu-luc.xlsx"]
    assert doc["tasks"] == len(tasks)
    row = _row(page, doc["id"])
    assert row.locator("td.number").inner_text() == number
    assert row.locator("td.tasks").inner_text() == str(len(tasks))
    assert row.locator("td.issued").inner_text() == "10/03/2026" and doc["issued"] == "2026-03-10"
    note = row.locator("td.format").inner_text()
    assert note.startswith("DOCX + XLSX (phụ lục)") and "ke-hoach.docx, phu-luc.xlsx" in note

    # a file the server refuses: its Vietnamese detail, as the API gives it
    bad = tmp_path / "ghi-chu.exe"
    bad.write_bytes(b"MZ\x90\x00 not a plan")
    page.set_input_files("#files", str(bad))
    refused = _wait_status(page, "error")
    direct = httpx.post(
        f"{console.url}/documents",
        headers={"Authorization": f"Bearer {console.token}"},
        files={"file": (bad.name, bad.read_bytes())},
    )
    assert direct.status_code == 415 and refused == direct.json()["detail"]
    assert len(_documents(console)) == 1
    page.close()


def _ingest(console: Console, path: Path) -> str:
    result = console.container.ingestor.ingest_file(path)
    assert result.status == "added", result
    return str(result.document_id)


def test_delete_asks_first_and_cancelling_keeps_the_plan(
    console: Console, browser: Any, tmp_path: Path
) -> None:
    document_id = _ingest(console, write_docx(tmp_path / "ke-hoach.docx"))
    page, _ = _open(browser, console)  # one plan
    _sign_in(page, console.token)
    _signed_in(page)
    # the token is kept for the tab: a reload is still signed in (checked again)
    with page.expect_response(lambda r: "/audit" in r.url):
        page.reload()
    _signed_in(page)
    row = _row(page, document_id)

    row.locator("button.delete").click()
    assert page.is_visible("#confirm")
    assert "999/KH-UBND" in page.inner_text("#confirm-text")
    page.click("#confirm button[value=no]")
    assert "vẫn được giữ" in _wait_status(page, "hint")
    assert [d["id"] for d in _documents(console)] == [document_id]
    assert row.count() == 1

    row.locator("button.delete").click()
    page.click("#confirm-yes")
    assert "Đã xóa" in _wait_status(page, "notice")
    assert _documents(console) == []
    page.wait_for_selector(f'#documents tr[data-id="{document_id}"]', state="detached")
    assert "Chưa có văn bản nào" in page.inner_text("#documents tbody")

    page.click("#signout")
    assert page.evaluate("sessionStorage.length") == 0
    assert page.is_visible("#signin") and page.is_disabled("#files")
    page.close()


def test_a_wrong_or_missing_token_changes_nothing(
    console: Console, browser: Any, tmp_path: Path
) -> None:
    document_id = _ingest(console, write_docx(tmp_path / "ke-hoach.docx"))
    v2 = write_docx(tmp_path / "ke-hoach-v2.docx", version=2)
    before = _documents(console)
    refusal = httpx.get(f"{console.url}/audit?limit=1").json()["detail"]
    wrong = httpx.get(
        f"{console.url}/audit?limit=1", headers={"Authorization": "Bearer sai-ma-quan-tri"}
    ).json()["detail"]
    page, _ = _open(browser, console)
    sent = _uploads(page)
    row = _row(page, document_id)
    assert page.is_disabled("#files") and row.locator("button.delete").is_disabled()
    assert row.locator("button.replace").is_disabled()

    # missing, then wrong: the API's own words, and still signed out
    _sign_in(page, "")
    page.wait_for_selector("#auth-message.error", timeout=WAIT_MS)
    assert page.inner_text("#auth-message") == refusal
    with page.expect_response(lambda r: "/audit" in r.url):
        _sign_in(page, "sai-ma-quan-tri")
    page.wait_for_selector("#auth-message.error", timeout=WAIT_MS)
    assert page.inner_text("#auth-message") == wrong
    assert page.is_hidden("#signed-in") and page.is_disabled("#files")
    assert page.evaluate("adminToken.get()") == ""
    _drop(page, [v2])
    assert _wait_status(page, "error") == "Hãy đăng nhập quản trị trước khi tải lên."

    # a token the server no longer accepts (changed since signing in): refused, signed out
    _sign_in(page, console.token)
    _signed_in(page)
    page.evaluate("adminToken.set('ma-cu-da-bi-doi-0123456789abcdef')")
    row.locator("button.delete").click()
    page.click("#confirm-yes")
    assert _wait_status(page, "error") == wrong
    assert page.is_visible("#signin") and row.locator("button.delete").is_disabled()

    _sign_in(page, console.token)
    _signed_in(page)
    page.evaluate("adminToken.set('ma-cu-da-bi-doi-0123456789abcdef')")
    row.locator("input.replace-files").set_input_files(str(v2))
    page.wait_for_selector("#signin", state="visible", timeout=WAIT_MS)
    assert page.inner_text("#status") == wrong
    assert page.is_disabled("#files")
    screenshot(page, "documents-refused")

    assert [r.method for r in sent] == ["DELETE", "PUT"]  # the API refused both
    assert _documents(console) == before
    assert not [e for e in _audit(console) if e["action"] in ("upload", "replace", "delete")]

    # on a phone the table scrolls in its own box, never the page
    page.set_viewport_size({"width": 375, "height": 740})
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"] == 375, widths
    screenshot(page, "documents-phone")
    page.close()
