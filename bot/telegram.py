"""Telegram bot (python-telegram-bot v22): commands, free-text questions, daily digests.

Runs by polling (``planbot telegram``) or inside the API by webhook (``/telegram/webhook``,
the Application built with ``updater(None)``). Every answer comes from ``Assistant``; this
module only parses messages and formats replies.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import time
import uuid
from collections import deque
from datetime import date
from datetime import time as day_time
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.text import split_message
from domain.errors import StoreError
from retrieval.service import Answer, Assistant
from stores import ChannelStateStore, RateStore, SubscriptionStore

__all__ = ["build_application", "send_digest", "send_long"]

log = logging.getLogger(__name__)

PLATFORM = "telegram"
TELEGRAM_LIMIT = 4096
MESSAGE_LIMIT = 4000  # below Telegram's 4096, leaving room for HTML escapes
RATE_LIMIT = 10  # questions per chat ...
RATE_WINDOW = 60.0  # ... per this many seconds
DIGEST_TIME = day_time(hour=7)  # daily digests go out at 07:00 (server time)
DIGEST_DAYS = 30
_SOURCES_KEPT = 500
# Keys of the evidence behind "Nguồn" buttons in the channel store: the day, then an id,
# so any process can answer the button and old ones are pruned by date.
SOURCES_PREFIX = "telegram-sources:"

GREETING = (
    "Xin chào! Tôi là Trợ lý Kế hoạch. Tôi trả lời về nhiệm vụ, cơ quan chủ trì, cơ quan phối "
    "hợp, kết quả, thời hạn và chỉ tiêu trong các kế hoạch của tỉnh.\n\nVí dụ:\n"
    "• Sở Y tế chủ trì những nhiệm vụ nào?\n"
    "• Hạn xây dựng kế hoạch phát triển hạ tầng số là khi nào?\n"
    "• han chot de an do thi thong minh la khi nao\n\n"
    "Gõ /help để xem các lệnh."
)
HELP = (
    "Các lệnh:\n"
    "/nhiemvu <cơ quan> — nhiệm vụ do cơ quan chủ trì\n"
    "/hanchot [số ngày] — nhiệm vụ sắp đến hạn (mặc định 30 ngày)\n"
    "/quahan — nhiệm vụ đã quá hạn\n"
    "/theodoi <cơ quan> — nhận tin nhắc hằng ngày về nhiệm vụ sắp đến hạn của cơ quan\n"
    "/huytheodoi — thôi nhận tin nhắc\n"
    "/donvi <cơ quan> — khai báo đơn vị của bạn, để hỏi “bên mình có việc gì sắp đến hạn?”\n"
    "Hoặc gõ câu hỏi bất kỳ về các kế hoạch."
)
SLOW_DOWN = "Bạn hỏi hơi nhanh, vui lòng đợi một chút rồi hỏi tiếp."
APOLOGY = "Xin lỗi, đã có lỗi khi xử lý câu hỏi. Vui lòng thử lại sau."
UNKNOWN_AGENCY = "Không nhận ra cơ quan “{text}”. Ví dụ: /nhiemvu Sở Y tế"
OWN_AGENCY_SET = (
    "Đã ghi nhận đơn vị của bạn: {agency}. Từ nay “bên mình”, “đơn vị mình” là {agency}."
)


async def send_long(bot: Any, chat_id: int | str, text: str, **kwargs: Any) -> None:
    """Send ``text`` (plain) as HTML-escaped messages under Telegram's length limit.

    Extra arguments (a reply keyboard) go with the last part.
    """
    parts = _escaped_parts(text, MESSAGE_LIMIT)
    for i, part in enumerate(parts):
        extra = kwargs if i == len(parts) - 1 else {}
        await bot.send_message(chat_id=chat_id, text=part, parse_mode=ParseMode.HTML, **extra)


def _escaped_parts(text: str, limit: int) -> list[str]:
    """HTML-escaped parts, each within the limit once escaped ("<" grows to "&lt;")."""
    parts: list[str] = []
    for part in split_message(text, limit):
        escaped = html.escape(part, quote=False)
        if len(escaped) <= TELEGRAM_LIMIT:
            parts.append(escaped)
        else:
            parts.extend(_escaped_parts(part, max(1, limit * TELEGRAM_LIMIT // len(escaped) - 8)))
    return parts


def _services(
    context: CallbackContext[Any, Any, Any, Any],
) -> tuple[Assistant, SubscriptionStore]:
    return context.bot_data["assistant"], context.bot_data["subscriptions"]


async def _allowed(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> bool:
    """A per-chat sliding-window rate limit: counted in the database when the bot has a
    rate store (every process of the bot then counts alike), else in this process."""
    rates: RateStore | None = context.bot_data.get("rates")
    if rates is not None:
        try:
            wait = await asyncio.to_thread(
                rates.take, f"{PLATFORM}:{chat_id}", RATE_LIMIT, RATE_WINDOW
            )
        except StoreError as exc:  # the question then meets the database on its own
            log.warning("chat rate not counted: %s", exc)
            return True
        return wait is None
    stamps: deque[float] = context.chat_data.setdefault("asked", deque())  # type: ignore[union-attr]
    now = time.monotonic()
    while stamps and now - stamps[0] > RATE_WINDOW:
        stamps.popleft()
    if len(stamps) >= RATE_LIMIT:
        return False
    stamps.append(now)
    return True


def _sources_markup(
    context: ContextTypes.DEFAULT_TYPE, answer: Answer
) -> InlineKeyboardMarkup | None:
    if not answer.sources:
        return None
    key = f"{date.today():%Y%m%d}:{uuid.uuid4().hex[:16]}"
    evidence = [(s.title, s.locator, s.text) for s in answer.sources[:3]]
    channels: ChannelStateStore | None = context.bot_data.get("channels")
    if channels is not None:  # any process of the bot may be asked for it
        channels.set_value(SOURCES_PREFIX + key, json.dumps(evidence, ensure_ascii=False))
    else:
        kept: dict[str, Any] = context.bot_data.setdefault("sources", {})
        kept[key] = evidence
        while len(kept) > _SOURCES_KEPT:
            kept.pop(next(iter(kept)))
    return InlineKeyboardMarkup([[InlineKeyboardButton("Nguồn", callback_data=f"src:{key}")]])


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> None:
    assert update.effective_chat is not None
    await send_long(
        context.bot,
        update.effective_chat.id,
        answer.answer,
        reply_markup=_sources_markup(context, answer),
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    await send_long(context.bot, update.effective_chat.id, GREETING)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    await send_long(context.bot, update.effective_chat.id, HELP)


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text: answer it, keeping the conversation per chat."""
    assert update.effective_chat is not None and update.effective_message is not None
    chat_id = update.effective_chat.id
    if not await _allowed(context, chat_id):
        await send_long(context.bot, chat_id, SLOW_DOWN)
        return
    assistant, _ = _services(context)
    text = (update.effective_message.text or "").strip()
    if not text:
        return
    # retrieval is CPU work: keep it off the event loop
    answer = await asyncio.to_thread(assistant.ask, text[:1000], f"{PLATFORM}:{chat_id}")
    await _reply(update, context, answer)


async def tasks_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/nhiemvu <cơ quan>."""
    assert update.effective_chat is not None
    assistant, _ = _services(context)
    text = " ".join(context.args or [])
    agency = assistant.resolve_agency(text) if text else None
    if agency is None:
        await send_long(context.bot, update.effective_chat.id, UNKNOWN_AGENCY.format(text=text))
        return
    await _reply(update, context, await asyncio.to_thread(assistant.agency_tasks, agency))


async def due_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hanchot [số ngày]."""
    assistant, _ = _services(context)
    days = DIGEST_DAYS
    if context.args and context.args[0].isdigit():
        days = max(1, min(365, int(context.args[0])))
    answer = await asyncio.to_thread(assistant.due, status="upcoming", within_days=days)
    await _reply(update, context, answer)


async def overdue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/quahan."""
    assistant, _ = _services(context)
    await _reply(update, context, await asyncio.to_thread(assistant.due, status="overdue"))


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/theodoi <cơ quan>: a daily digest of the agency's tasks coming due."""
    assert update.effective_chat is not None
    assistant, subscriptions = _services(context)
    chat_id = update.effective_chat.id
    text = " ".join(context.args or [])
    agency = assistant.resolve_agency(text) if text else None
    if agency is None:
        await send_long(context.bot, chat_id, UNKNOWN_AGENCY.format(text=text))
        return
    subscriptions.subscribe(PLATFORM, str(chat_id), agency)
    schedule_digest(context.application, chat_id, agency)
    await send_long(
        context.bot,
        chat_id,
        f"Đã đăng ký: mỗi ngày lúc {DIGEST_TIME:%H:%M} tôi gửi các nhiệm vụ của {agency} "
        f"đến hạn trong {DIGEST_DAYS} ngày tới. Gõ /huytheodoi để thôi nhận.",
    )


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/huytheodoi."""
    assert update.effective_chat is not None
    _, subscriptions = _services(context)
    chat_id = update.effective_chat.id
    removed = subscriptions.unsubscribe(PLATFORM, str(chat_id))
    if context.job_queue is not None:
        for job in context.job_queue.jobs():
            if job.name and job.name.startswith(f"digest:{chat_id}:"):
                job.schedule_removal()
    message = "Đã hủy theo dõi." if removed else "Bạn chưa theo dõi cơ quan nào."
    await send_long(context.bot, chat_id, message)


async def own_agency_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/donvi <cơ quan>: who is asking, so "bên mình" means that agency in this chat."""
    assert update.effective_chat is not None
    assistant, _ = _services(context)
    chat_id = update.effective_chat.id
    text = " ".join(context.args or [])
    agency = (
        await asyncio.to_thread(assistant.set_user_agency, f"{PLATFORM}:{chat_id}", text)
        if text
        else None
    )
    if agency is None:
        await send_long(
            context.bot, chat_id, UNKNOWN_AGENCY.format(text=text).replace("/nhiemvu", "/donvi")
        )
        return
    await send_long(context.bot, chat_id, OWN_AGENCY_SET.format(agency=agency))


def _kept_sources(context: ContextTypes.DEFAULT_TYPE, key: str) -> list[Any] | None:
    channels: ChannelStateStore | None = context.bot_data.get("channels")
    if channels is None:
        found: list[Any] | None = context.bot_data.get("sources", {}).get(key)
        return found
    kept = channels.get_value(SOURCES_PREFIX + key)
    return json.loads(kept) if kept else None


async def show_source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Nguồn" button: send the cited evidence."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    key = (query.data or "").removeprefix("src:")
    sources = _kept_sources(context, key)
    chat_id = query.message.chat.id if query.message else None
    if chat_id is None:
        return
    if not sources:
        await send_long(context.bot, chat_id, "Nguồn này không còn lưu, vui lòng hỏi lại.")
        return
    lines = [f"{title} — {locator}\n{text[:1200]}" for title, locator, text in sources]
    await send_long(context.bot, chat_id, "Nguồn:\n\n" + "\n\n".join(lines))


async def send_digest(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Job callback: the daily digest of one subscription."""
    job = context.job
    assert job is not None and job.chat_id is not None
    assistant, subscriptions = _services(context)
    agency = str(job.data)
    # the user may have unsubscribed or been forgotten (``planbot users forget``) since the
    # job was scheduled: the store decides, and a job it no longer holds ends here
    held = await asyncio.to_thread(subscriptions.subscriptions, PLATFORM)
    if (str(job.chat_id), agency) not in {(str(c), a) for c, a in held}:
        job.schedule_removal()
        return
    channels: ChannelStateStore | None = context.bot_data.get("channels")
    key = f"{job.chat_id}:{agency}:{date.today().isoformat()}"
    if channels is not None and not await asyncio.to_thread(
        channels.first_sighting, "telegram-digest", key
    ):
        return  # another process sent today's digest
    answer = await asyncio.to_thread(
        assistant.due, status="upcoming", within_days=DIGEST_DAYS, agency=agency
    )
    await send_long(context.bot, job.chat_id, f"Nhắc việc hằng ngày — {agency}\n{answer.answer}")


def schedule_digest(
    application: Application[Any, Any, Any, Any, Any, Any], chat_id: int | str, agency: str
) -> None:
    if application.job_queue is None:
        log.warning("job queue unavailable: install python-telegram-bot[job-queue]")
        return
    name = f"digest:{chat_id}:{agency}"
    if not application.job_queue.get_jobs_by_name(name):
        application.job_queue.run_daily(
            send_digest, time=DIGEST_TIME, chat_id=int(chat_id), data=agency, name=name
        )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first, then apologise to the chat."""
    log.error("Exception while handling an update:", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(chat_id=update.effective_chat.id, text=APOLOGY)
        except Exception:  # the apology itself failing must not loop
            log.exception("could not send the apology")


async def _restore_subscriptions(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    subscriptions: SubscriptionStore = application.bot_data["subscriptions"]
    for chat_id, agency in subscriptions.subscriptions(PLATFORM):
        schedule_digest(application, chat_id, agency)


def build_application(
    *,
    token: str,
    assistant: Assistant,
    subscriptions: SubscriptionStore,
    channels: ChannelStateStore | None = None,
    rates: RateStore | None = None,
    base_url: str = "https://api.telegram.org/bot",
    webhook: bool = False,
    request: BaseRequest | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The PTB Application with planbot's handlers.

    :param base_url: the Bot API base (the token is appended, as the Bot API does).
    :param webhook: built for updates put into its queue by the API (``updater(None)``).
    :param request: a custom network layer (tests).
    :param channels: when given, a daily digest is sent once a day per subscription
        whatever number of processes run the bot (the first to record it sends it), and
        the evidence behind "Nguồn" buttons is kept there for any process to show.
    :param rates: when given, the per-chat rate limit is counted there (all processes).
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_url.replace("/bot", "/file/bot"))
        .post_init(_restore_subscriptions)
    )
    if webhook:
        builder = builder.updater(None)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data["assistant"] = assistant
    application.bot_data["subscriptions"] = subscriptions
    application.bot_data["channels"] = channels
    application.bot_data["rates"] = rates
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("nhiemvu", tasks_command))
    application.add_handler(CommandHandler("hanchot", due_command))
    application.add_handler(CommandHandler("quahan", overdue_command))
    application.add_handler(CommandHandler("theodoi", subscribe_command))
    application.add_handler(CommandHandler("huytheodoi", unsubscribe_command))
    application.add_handler(CommandHandler("donvi", own_agency_command))
    application.add_handler(CallbackQueryHandler(show_source, pattern=r"^src:"))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, question))
    application.add_error_handler(on_error)
    return application
