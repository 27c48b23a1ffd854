"""Webhooks of the messaging channels; each channel is off unless its settings are given."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from telegram import Update

from api.container import Container
from bot.telegram import build_application
from bot.zalo import ZaloClient, ZaloConfig, handle_event, verify_signature

__all__ = ["router", "start_telegram", "start_zalo"]

log = logging.getLogger(__name__)
router = APIRouter()


async def start_telegram(c: Container) -> Any:
    """The webhook-mode Telegram Application, or None when no token is configured."""
    if c.settings.telegram_token is None:
        return None
    application = build_application(
        token=c.settings.telegram_token.get_secret_value(),
        assistant=c.assistant,
        subscriptions=c.stores.subscriptions,
        channels=c.stores.channels,
        rates=c.stores.rates,
        base_url=c.settings.telegram_api_base,
        webhook=True,
    )
    await application.initialize()
    await application.start()
    return application


def zalo_config(c: Container) -> ZaloConfig | None:
    s = c.settings
    secrets = (s.zalo_oa_secret_key, s.zalo_app_secret, s.zalo_access_token, s.zalo_refresh_token)
    if not s.zalo_app_id or any(v is None for v in secrets):
        return None
    return ZaloConfig(
        app_id=s.zalo_app_id,
        oa_secret_key=s.zalo_oa_secret_key.get_secret_value(),  # type: ignore[union-attr]
        app_secret=s.zalo_app_secret.get_secret_value(),  # type: ignore[union-attr]
        access_token=s.zalo_access_token.get_secret_value(),  # type: ignore[union-attr]
        refresh_token=s.zalo_refresh_token.get_secret_value(),  # type: ignore[union-attr]
        api_base=s.zalo_api_base,
        oauth_base=s.zalo_oauth_base,
    )


def start_zalo(c: Container) -> ZaloClient | None:
    config = zalo_config(c)
    return ZaloClient(config, c.stores.channels, rates=c.stores.rates) if config else None


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(request: Request) -> dict[str, bool]:
    application = request.app.state.telegram
    if application is None:
        raise HTTPException(404, "Kênh Telegram chưa được bật.")
    settings = request.app.state.container.settings
    expected = (
        settings.telegram_webhook_secret.get_secret_value()
        if settings.telegram_webhook_secret
        else ""
    )
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not expected or not hmac.compare_digest(given, expected):
        raise HTTPException(403, "Sai mã bí mật webhook Telegram.")
    try:
        update = Update.de_json(await request.json(), application.bot)
    except (ValueError, KeyError, TypeError) as exc:
        raise HTTPException(400, "Dữ liệu cập nhật Telegram không hợp lệ.") from exc
    await application.update_queue.put(update)
    return {"ok": True}


@router.post("/zalo/webhook", include_in_schema=False)
async def zalo_webhook(request: Request, background: BackgroundTasks) -> dict[str, bool]:
    client: ZaloClient | None = request.app.state.zalo
    container: Container = request.app.state.container
    config = zalo_config(container)
    if client is None or config is None:
        raise HTTPException(404, "Kênh Zalo chưa được bật.")
    raw = await request.body()
    if not verify_signature(
        raw, request.headers.get("X-ZEvent-Signature"), config.app_id, config.oa_secret_key
    ):
        raise HTTPException(403, "Chữ ký sự kiện Zalo không hợp lệ.")
    try:
        event = json.loads(raw)
    except ValueError as exc:
        raise HTTPException(400, "Sự kiện Zalo không hợp lệ.") from exc
    # answer Zalo at once; the question is answered after the response is sent
    background.add_task(handle_event, event, container.assistant, client, container.stores.channels)
    return {"ok": True}
