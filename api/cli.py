"""The ``planbot`` command line."""

from __future__ import annotations

import json
import logging
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.container import build_container
from domain.errors import DocumentNotFoundError, StoreError
from domain.settings import Settings

if TYPE_CHECKING:
    from retrieval.service import Assistant

app = typer.Typer(help="Trợ lý Kế hoạch — hỏi đáp về các kế hoạch của tỉnh.", no_args_is_help=True)
console = Console(soft_wrap=True)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Tệp hoặc thư mục cần nạp")],
    replace: Annotated[str | None, typer.Option("--replace", help="Thay văn bản có ID này")] = None,
) -> None:
    """Nạp (hoặc nạp lại) các văn bản kế hoạch vào kho dữ liệu."""
    container = build_container(Settings())
    container.cleanup()
    failed: list[str] = []
    done = 0
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        bar = progress.add_task("Nhúng đoạn văn", total=None)
        container.embeddings.progress = lambda n: progress.advance(bar, n)

        def report(result) -> None:  # type: ignore[no-untyped-def]
            nonlocal done
            if result.status == "failed":
                failed.append(result.source)
                progress.console.print(f"[red]Lỗi[/red] {result.source}: {result.error}")
                return
            done += 1
            if result.status == "unchanged":
                progress.console.print(
                    f"{result.source}: {_STATUS[result.status]} (ID {result.document_id}, "
                    f"phiên bản {result.version}, nhúng mới 0)"
                )
            else:
                progress.console.print(
                    f"{result.source}: {_STATUS[result.status]} (ID {result.document_id}, "
                    f"phiên bản {result.version}, {result.tasks} nhiệm vụ, {result.targets} chỉ "
                    f"tiêu, {result.chunks} đoạn, nhúng mới {result.embedded})"
                )

        if replace:
            if len(paths) != 1:
                raise typer.BadParameter("--replace cần đúng một tệp")
            try:
                container.stores.versions.get_document(replace)
            except DocumentNotFoundError:
                progress.console.print(f"Không có văn bản với ID {replace}")
                container.close()
                raise typer.Exit(code=1) from None
            report(container.ingestor.ingest_file(paths[0], replace_id=replace))
        else:
            container.ingestor.ingest_paths(paths, on_file=report)
    container.close()
    console.print(_summary(done, failed))
    if failed:
        raise typer.Exit(code=1)


def _summary(done: int, failed: list[str]) -> str:
    """The last line of an ingest: how many files were read, which failed."""
    line = f"Tổng cộng: {done} tệp nạp được, {len(failed)} tệp lỗi"
    return line + (": " + ", ".join(failed) + "." if failed else ".")


_STATUS = {"added": "đã thêm", "updated": "đã cập nhật phiên bản mới", "unchanged": "không đổi"}


documents_app = typer.Typer(help="Quản lý văn bản đã nạp.")
app.add_typer(documents_app, name="documents")


@documents_app.command("list")
def documents_list() -> None:
    """Liệt kê văn bản đang dùng."""
    container = build_container(Settings())
    for doc in container.stores.versions.active_documents():
        console.print(f"{doc.id}\tv{doc.version}\t{doc.number or '-'}\t{doc.title}")
    container.close()


@documents_app.command("remove")
def documents_remove(document_id: str) -> None:
    """Xóa một văn bản."""
    container = build_container(Settings())
    try:
        container.ingestor.remove(document_id)
    except DocumentNotFoundError:
        console.print(f"Không có văn bản với ID {document_id}")
        raise typer.Exit(code=1) from None
    finally:
        container.close()
    console.print(f"Đã xóa {document_id}")


users_app = typer.Typer(help="Dữ liệu của người dùng Telegram, Zalo (Nghị định 13/2023/NĐ-CP).")
app.add_typer(users_app, name="users")


class Platform(StrEnum):
    """The chat platforms ``users forget`` looks at."""

    TELEGRAM = "telegram"
    ZALO = "zalo"
    ALL = "all"


# Kept on purpose, and why (printed with every erasure).
_KEPT = (
    "Không xóa: mã các tin nhắn Zalo đã nhận (chỉ dùng để không trả lời một tin hai lần); "
    "chúng không gắn với người dùng nào nên không tìm được theo ID."
)


@users_app.command("forget")
def users_forget(
    user_id: Annotated[
        str,
        typer.Argument(
            help="ID người dùng: chat id Telegram, ID người gửi Zalo (ID âm thì viết sau --, "
            "vd. planbot users forget -- -100123)"
        ),
    ],
    platform: Annotated[
        Platform, typer.Option("--platform", help="Nền tảng: telegram, zalo hoặc all")
    ] = Platform.ALL,
) -> None:
    """Xóa mọi dữ liệu đã lưu về một người dùng: hội thoại và đăng ký nhắc việc."""
    from stores import CHAT_PLATFORMS

    user_id = user_id.strip()
    if not user_id:
        raise typer.BadParameter("ID người dùng không được để trống")
    names = list(CHAT_PLATFORMS) if platform is Platform.ALL else [platform.value]
    container = build_container(Settings())
    try:
        erased = {name: container.stores.forget_user(name, user_id) for name in names}
    except StoreError as exc:
        console.print(f"Không xóa được: kho dữ liệu không phản hồi ({exc}).", highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        container.close()
    for line in _forget_summary(user_id, erased):
        console.print(line, highlight=False)


def _forget_summary(user_id: str, erased: dict[str, dict[str, int]]) -> list[str]:
    """What ``users forget`` prints: counts per platform, and what is kept."""
    if not any(sum(counts.values()) for counts in erased.values()):
        return [f"Không tìm thấy dữ liệu nào về người dùng {user_id} ({', '.join(erased)}).", _KEPT]
    lines = [f"Đã xóa dữ liệu về người dùng {user_id}:"]
    for name, counts in erased.items():
        if not sum(counts.values()):
            lines.append(f"  {name}: không có dữ liệu")
            continue
        lines.append(
            f"  {name}: {counts['conversations']} hội thoại, "
            f"{counts['subscriptions']} đăng ký nhắc việc"
        )
    lines.append(_KEPT)
    if erased.get("telegram", {}).get("subscriptions"):
        lines.append(
            "Nếu bot Telegram đang chạy, hãy khởi động lại để dừng các lượt nhắc việc "
            "đã lên lịch cho người dùng này."
        )
    return lines


@app.command()
def tasks(
    agency: Annotated[str | None, typer.Option(help="Cơ quan (chủ trì hoặc phối hợp)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Liệt kê nhiệm vụ."""
    from stores import TaskQuery

    container = build_container(Settings())
    found = container.stores.records.tasks(TaskQuery(agency=agency))
    if as_json:
        console.print_json(json.dumps([t.to_json() for t in found], ensure_ascii=False))
    else:
        for t in found:
            console.print(
                f"{t.number}. {t.name[:80]} — {', '.join(t.lead_agencies)} — {t.deadline.text}"
            )
    container.close()


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Số tiến trình phục vụ; nhiều hơn 1 cần PostgreSQL và máy chủ Chroma.",
        ),
    ] = 1,
) -> None:
    """Chạy API và trang hỏi đáp."""
    import uvicorn

    from api.app import create_app

    settings = Settings()
    # the server refuses headers past the limit before the app sees them (the app checks too)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "h11_max_incomplete_event_size": settings.max_header_kb * 1024,
        "timeout_keep_alive": 5,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    if (problem := settings.shared_by_processes()) is not None:
        console.print(problem)
        raise typer.Exit(code=2)
    # each process builds its own app from the environment; they share only the stores. A
    # process reads the passages into its search before it serves, which takes seconds for
    # a province's plans: a restarted one (SIGHUP) is given a minute to become ready.
    uvicorn.run(
        "api.app:app_from_environment",
        factory=True,
        workers=workers,
        timeout_worker_healthcheck=60,
        **options,
    )


@app.command()
def worker() -> None:
    """Chạy tiến trình nạp văn bản: nhận các tác vụ tải lên từ hàng đợi trong cơ sở dữ liệu."""
    import signal

    from api.worker import IngestWorker

    container = build_container(Settings())
    running = IngestWorker(container)
    signal.signal(signal.SIGTERM, lambda *_: running.stop(timeout=0))
    console.print(f"Tiến trình nạp {running.name} đang chờ tác vụ (Ctrl+C để dừng).")
    try:
        running.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        container.close()


@app.command()
def telegram() -> None:
    """Chạy bot Telegram (polling)."""
    from bot.telegram import build_application

    settings = Settings()
    if settings.telegram_token is None:
        console.print("Chưa cấu hình PLANBOT_TELEGRAM_TOKEN (lấy từ @BotFather).")
        raise typer.Exit(code=2)
    container = build_container(settings)
    application = build_application(
        token=settings.telegram_token.get_secret_value(),
        assistant=container.assistant,
        subscriptions=container.stores.subscriptions,
        channels=container.stores.channels,
        rates=container.stores.rates,
        base_url=settings.telegram_api_base,
    )
    from api.retention import RetentionSweeper

    sweeper = RetentionSweeper(container.stores, settings)
    sweeper.sweep()
    sweeper.start()
    try:
        application.run_polling()
    finally:
        sweeper.stop()
        container.close()


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Câu hỏi")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    conversation: Annotated[str | None, typer.Option("--conversation")] = None,
) -> None:
    """Hỏi một câu, in câu trả lời."""
    container = build_container(Settings())
    answer = container.assistant.ask(question, conversation)
    if as_json:
        console.print_json(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        console.print(answer.answer)
        for source in answer.sources[:3]:
            console.print(f"  [dim]Nguồn: {source.title} — {source.locator}[/dim]")
    container.close()


@app.command("eval")
def evaluate(
    qa: Annotated[
        list[Path] | None, typer.Option("--qa", help="Tệp JSONL câu hỏi và đáp án (lặp lại được)")
    ] = None,
    conversations: Annotated[
        list[Path] | None,
        typer.Option("--conversations", help="Tệp JSONL hội thoại nhiều lượt (lặp lại được)"),
    ] = None,
    show_failures: Annotated[bool, typer.Option("--failures")] = False,
    points: Annotated[
        str | None,
        typer.Option(
            "--operating-points",
            help="Ngưỡng min_support, cách nhau bằng dấu phẩy (vd. 0.2,0.3,0.4): in tỉ lệ trả lời "
            "đúng và từ chối đúng ở từng ngưỡng",
        ),
    ] = None,
) -> None:
    """Chấm các bộ câu hỏi và hội thoại (quy tắc của shared/eval/README.md), đặt cạnh nhau."""
    from api.container import build_assistant
    from api.evaluation import (
        evaluate_conversations,
        evaluate_file,
        is_conversation_file,
        judge_unthresholded,
        operating_points,
    )
    from retrieval.tuning import Tuning

    if not qa and not conversations:
        console.print("Cần ít nhất một tệp --qa hoặc --conversations.")
        raise typer.Exit(code=2)
    settings = Settings()
    container = build_container(settings)
    if not container.stores.versions.active_documents():
        console.print(
            f"Chưa nạp văn bản nào vào {settings.data_dir}: mọi câu sẽ bị từ chối. "
            "Hãy chạy `planbot ingest corpus` trước."
        )
    # a file of conversations given with --qa is played as conversations
    files = [(p, is_conversation_file(p)) for p in qa or []]
    talks = [p for p, talk in files if talk] + list(conversations or [])
    lines: list[str] = []
    for path in (p for p, talk in files if not talk):
        report = evaluate_file(path, container.assistant)
        if show_failures:
            lines += report.failures
        lines += [f"{path.name}: {line}" for line in report.summary()]
    if points:
        thresholds = [float(t) for t in points.split(",") if t.strip()]
        loose = build_assistant(
            settings,
            container.stores,
            container.index,
            container.gazetteer,
            tuning=Tuning(min_support=0.0),
        )
        for path in (p for p, talk in files if not talk):
            judged = judge_unthresholded(path, loose)
            lines += [f"{path.name}: {line}" for line in operating_points(judged, thresholds)]
    for path in talks:

        def assistant_for(today: date) -> Assistant:
            fixed = settings.model_copy(update={"today": today})
            return build_assistant(fixed, container.stores, container.index, container.gazetteer)

        talk = evaluate_conversations(path, assistant_for)
        if show_failures:
            lines += talk.failures
        lines += [f"{path.name}: {line}" for line in talk.summary()]
    container.close()
    for line in lines:
        console.print(line, highlight=False)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    app()


if __name__ == "__main__":
    main()
