"""Telegram: the real PTB Application talking to a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.container import Container, build_assistant
from bot.telegram import RATE_LIMIT, build_application, schedule_digest, send_long
from domain.agencies import Gazetteer
from domain.settings import Settings
from tests.conftest import NQ57
from tests.fakes import FakeServer

pytestmark = pytest.mark.integration

TOKEN = "123456:TEST-token"
SECRET = "hook-secret_1"
CHAT = {"id": 4242, "type": "private", "first_name": "Lan"}
BOT_USER = {"id": 999, "is_bot": True, "first_name": "planbot", "username": "planbot_test"}


def bot_api(path: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, dict]:
    method = path.rsplit("/", 1)[-1]
    if method == "getMe":
        return 200, {"ok": True, "result": BOT_USER}
    if method == "sendMessage":
        return 200, {
            "ok": True,
            "result": {
                "message_id": int(time.time() * 1000) % 10**6,
                "date": 0,
                "chat": CHAT,
                "text": body.get("text", ""),
            },
        }
    return 200, {"ok": True, "result": True}


@pytest.fixture
def telegram_api():
    server = FakeServer(bot_api)
    yield server
    server.close()


def bot_app(services, assistant_and_repo, telegram_api: FakeServer):
    """The real PTB Application, talking to the fake Bot API."""
    _, assistant = assistant_and_repo
    return build_application(
        token=TOKEN,
        assistant=assistant,
        subscriptions=services.stores.subscriptions,
        base_url=f"{telegram_api.url}/bot",
        webhook=True,
    )


def message_update(update_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": 0,
        "chat": CHAT,
        "from": {"id": 1, "is_bot": False, "first_name": "Lan"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def button_pressed(update_id: int, data: str) -> dict[str, Any]:
    """An inline button of one of the bot's messages, pressed."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": "cb1",
            "chat_instance": "x",
            "data": data,
            "from": {"id": 1, "is_bot": False, "first_name": "Lan"},
            "message": {"message_id": 7, "date": 0, "chat": CHAT, "text": "..."},
        },
    }


@pytest.fixture
def assistant_and_repo(services, tmp_path: Path):
    services.ingestor.ingest_file(NQ57)
    settings = Settings(data_dir=tmp_path, today=date(2025, 9, 10))
    return settings, build_assistant(settings, services.stores, services.index, Gazetteer.load())


def test_webhook_question_gets_an_answer_with_a_source_button(
    services, assistant_and_repo, telegram_api: FakeServer
):
    base, assistant = assistant_and_repo
    settings = Settings(
        data_dir=base.data_dir,
        today=base.today,
        telegram_token=TOKEN,
        telegram_webhook_secret=SECRET,
        telegram_api_base=f"{telegram_api.url}/bot",
    )
    container = Container(
        settings,
        services.stores,
        services.index,
        services.embeddings,
        Gazetteer.load(),
        services.ingestor,
        assistant,
    )
    with TestClient(create_app(settings, container)) as client:
        bad = client.post(
            "/telegram/webhook",
            json=message_update(1, "xin chào"),
            headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
        )
        assert bad.status_code == 403
        ok = client.post(
            "/telegram/webhook",
            json=message_update(2, "Ai chủ trì triển khai bệnh án điện tử?"),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert ok.status_code == 200
        sent = telegram_api.wait_for("/sendMessage")
        assert len(sent) == 1  # the rejected update got no reply
        assert sent[0]["text"].startswith("Cơ quan chủ trì: Sở Y tế")
        assert sent[0]["parse_mode"] == "HTML"
        button = sent[0]["reply_markup"]["inline_keyboard"][0][0]
        assert button["text"] == "Nguồn"
        callback = button_pressed(3, button["callback_data"])
        client.post(
            "/telegram/webhook", json=callback, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        sources = telegram_api.wait_for("/sendMessage", 2)
        assert sources[1]["text"].startswith("Nguồn:") and "nhiệm vụ 56" in sources[1]["text"]
        assert telegram_api.calls("/answerCallbackQuery")


async def test_long_answers_are_split_under_the_limit(
    services, assistant_and_repo, telegram_api: FakeServer
):
    application = bot_app(services, assistant_and_repo, telegram_api)
    async with application:
        await send_long(application.bot, CHAT["id"], ("Nhiệm vụ <số> & hạn.\n" * 600).strip())
    parts = [body["text"] for body in telegram_api.calls("/sendMessage")]
    assert len(parts) >= 3 and all(len(p) <= 4096 for p in parts)
    assert "&lt;số&gt; &amp; hạn" in parts[0]  # HTML escaped


async def test_subscription_and_digest_with_injected_today(
    services, assistant_and_repo, telegram_api: FakeServer
):
    application = bot_app(services, assistant_and_repo, telegram_api)
    from telegram import Update

    async with application:
        await application.process_update(
            Update.de_json(
                message_update(1, "/theodoi so thong tin va truyen thong"), application.bot
            )
        )
        assert services.stores.subscriptions.subscriptions("telegram") == [
            ("4242", "Sở Thông tin và Truyền thông")
        ]
        confirm = telegram_api.calls("/sendMessage")[-1]["text"]
        assert "Đã đăng ký" in confirm
        job = application.job_queue.get_jobs_by_name("digest:4242:Sở Thông tin và Truyền thông")[0]
        await job.run(application)
        digest = telegram_api.calls("/sendMessage")[-1]["text"]
        # today is 10/09/2025: of the tasks Sở TT&TT leads, only NV 62 (9/2025) is due in 30 days
        assert digest.startswith("Nhắc việc hằng ngày — Sở Thông tin và Truyền thông")
        assert [line.split(":")[0] for line in digest.splitlines() if line.startswith("• NV")] == [
            "• NV 62"
        ]
        # forgotten outside the bot (``planbot users forget``): the scheduled job sends nothing
        services.stores.forget_user("telegram", "4242")
        sent = len(telegram_api.calls("/sendMessage"))
        await job.run(application)
        assert len(telegram_api.calls("/sendMessage")) == sent
        assert job.removed
        services.stores.subscriptions.subscribe("telegram", "4242", "Sở Thông tin và Truyền thông")
        await application.process_update(
            Update.de_json(message_update(2, "/huytheodoi"), application.bot)
        )
        assert services.stores.subscriptions.subscriptions("telegram") == []
        schedule_digest(application, 1, "Sở Y tế")  # scheduling twice is harmless
        schedule_digest(application, 1, "Sở Y tế")
        assert len(application.job_queue.get_jobs_by_name("digest:1:Sở Y tế")) == 1


async def test_a_digest_is_sent_once_whatever_number_of_processes_run_the_bot(
    services, assistant_and_repo, telegram_api: FakeServer
):
    _, assistant = assistant_and_repo
    services.stores.subscriptions.subscribe("telegram", "4242", "Sở Thông tin và Truyền thông")
    processes = [
        build_application(
            token=TOKEN,
            assistant=assistant,
            subscriptions=services.stores.subscriptions,
            channels=services.stores.channels,
            base_url=f"{telegram_api.url}/bot",
            webhook=True,
        )
        for _ in range(2)
    ]
    for application in processes:
        async with application:
            schedule_digest(application, "4242", "Sở Thông tin và Truyền thông")
            job = application.job_queue.get_jobs_by_name(
                "digest:4242:Sở Thông tin và Truyền thông"
            )[0]
            await job.run(application)
    digests = [
        m for m in telegram_api.calls("/sendMessage") if m["text"].startswith("Nhắc việc hằng ngày")
    ]
    assert len(digests) == 1


async def test_commands_and_rate_limit(services, assistant_and_repo, telegram_api: FakeServer):
    application = bot_app(services, assistant_and_repo, telegram_api)
    from telegram import Update

    async with application:
        for i, text in enumerate(["/start", "/nhiemvu so y te", "/quahan", "/hanchot 30"]):
            await application.process_update(
                Update.de_json(message_update(i, text), application.bot)
            )
        texts = [b["text"] for b in telegram_api.calls("/sendMessage")]
        assert texts[0].startswith("Xin chào! Tôi là Trợ lý Kế hoạch")
        assert texts[1].startswith("Sở Y tế chủ trì 2 nhiệm vụ")
        assert "đã qua thời hạn" in texts[2]
        assert "đến hạn trong 30 ngày tới" in texts[3]
        for i in range(12):
            await application.process_update(
                Update.de_json(message_update(100 + i, "xin chào"), application.bot)
            )
        texts = [b["text"] for b in telegram_api.calls("/sendMessage")]
        assert texts[-1].startswith("Bạn hỏi hơi nhanh")


async def test_own_agency_command(services, assistant_and_repo, telegram_api: FakeServer):
    application = bot_app(services, assistant_and_repo, telegram_api)
    from telegram import Update

    async with application:
        for i, text in enumerate(
            [
                "bên mình có nhiệm vụ nào",
                "/donvi ai đó",
                "/donvi so y te",
                "bên mình có nhiệm vụ nào",
            ]
        ):
            await application.process_update(
                Update.de_json(message_update(i, text), application.bot)
            )
        texts = [b["text"] for b in telegram_api.calls("/sendMessage")]
        assert "đơn vị nào" in texts[0]
        assert texts[1].startswith("Không nhận ra cơ quan")
        assert texts[2].startswith("Đã ghi nhận đơn vị của bạn: Sở Y tế")
        assert texts[3].startswith("Sở Y tế chủ trì")


async def test_several_bot_processes_share_sources_and_the_rate_limit(
    services, assistant_and_repo, telegram_api: FakeServer
):
    """Two Applications over one database, as two API workers receiving webhooks: the
    "Nguồn" button answered by the other one, and questions counted across both."""
    from telegram import Update

    _, assistant = assistant_and_repo
    a, b = (
        build_application(
            token=TOKEN,
            assistant=assistant,
            subscriptions=services.stores.subscriptions,
            channels=services.stores.channels,
            rates=services.stores.rates,
            base_url=f"{telegram_api.url}/bot",
            webhook=True,
        )
        for _ in range(2)
    )
    async with a, b:
        update = message_update(1, "Ai chủ trì triển khai bệnh án điện tử?")
        await a.process_update(Update.de_json(update, a.bot))
        button = telegram_api.calls("/sendMessage")[0]["reply_markup"]["inline_keyboard"][0][0]
        callback = button_pressed(2, button["callback_data"])
        await b.process_update(Update.de_json(callback, b.bot))
        shown = telegram_api.calls("/sendMessage")[-1]["text"]
        assert shown.startswith("Nguồn:") and "nhiệm vụ 56" in shown
        for i in range(RATE_LIMIT - 1):  # the first question counted too
            application = (a, b)[i % 2]
            update = message_update(10 + i, "xin chào")
            await application.process_update(Update.de_json(update, application.bot))
        assert not telegram_api.calls("/sendMessage")[-1]["text"].startswith("Bạn hỏi hơi nhanh")
        await b.process_update(Update.de_json(message_update(99, "xin chào"), b.bot))
        assert telegram_api.calls("/sendMessage")[-1]["text"].startswith("Bạn hỏi hơi nhanh")
