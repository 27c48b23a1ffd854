"""Optional LLM through an OpenAI-compatible ``/chat/completions`` endpoint."""

from __future__ import annotations

import logging
from typing import Protocol

import httpx

from domain.breaker import Breaker

__all__ = ["ChatModel", "OpenAIChatModel"]

log = logging.getLogger(__name__)


class ChatModel(Protocol):
    """Completes a chat; None when it cannot (the caller keeps its own answer)."""

    def complete(self, messages: list[dict[str, str]]) -> str | None: ...


class OpenAIChatModel:
    """An OpenAI-compatible chat endpoint (vLLM, llama.cpp server, Ollama, OpenAI...)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        *,
        timeout: float = 10.0,
        cooldown_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """:param cooldown_s: after a failure, answer without the model for this long."""
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._breaker = Breaker(cooldown_s)
        self._model = model
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )

    def complete(self, messages: list[dict[str, str]]) -> str | None:
        if self._breaker.is_open():
            return None
        try:
            response = self._client.post(
                "/chat/completions",
                json={"model": self._model, "messages": messages, "temperature": 0},
            )
            response.raise_for_status()
            text = str(response.json()["choices"][0]["message"]["content"])
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
            log.warning("LLM endpoint failed, answering without it: %s", exc)
            self._breaker.failed()
            return None
        self._breaker.succeeded()
        return text
