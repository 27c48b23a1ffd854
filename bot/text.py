"""Splitting long answers for messaging platforms."""

from __future__ import annotations

__all__ = ["split_message"]


def split_message(text: str, limit: int) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters, at line or word breaks.

    :raises ValueError: ``limit`` is not positive.
    """
    if limit <= 0:
        raise ValueError(f"limit must be greater than 0, got {limit}")
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
