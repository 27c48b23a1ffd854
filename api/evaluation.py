"""Score a QA set with the rules of shared/eval/README.md."""

from __future__ import annotations

import json
import re
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from domain.text import nfc
from retrieval.service import Assistant

__all__ = [
    "is_conversation_file",
    "ConversationReport",
    "EvalReport",
    "TASK_TABLE_TYPES",
    "evaluate_conversations",
    "evaluate_file",
    "judge",
]

_LIST_TYPES = {"agency_tasks", "coordinating", "list"}
_SINGLE_LIMIT = 700
_LIST_LIMIT = 1500
_DUE_LIMIT = 3000
# The kinds answered from task tables (issue 10's acceptance groups them).
TASK_TABLE_TYPES = ("deadline", "lead_agency", "coordinating", "agency_tasks", "output", "count")
# Facts stated outside the task tables (issue 11's acceptance counts them together).
FREE_TEXT_TYPES = (
    "target",
    "criterion",
    "figure",
    "ranking",
    "section_fact",
    "responsibility",
    "list",
)
_TASK_NUMBER = re.compile(r"\b(?:nv|nhiệm vụ)\s*(?:số\s*)?(\d{1,3})\b")


def _norm(text: str) -> str:
    """NFC, lowercase, "03/2026" read as "3/2026"."""
    text = nfc(text).lower()
    return re.sub(r"(?<![\d/])0(\d)/", r"\1/", text)


def _pct(xs: list[bool]) -> str:
    return f"{100 * sum(xs) / len(xs):.1f}% ({sum(xs)}/{len(xs)})" if xs else "n/a"


def judge(item: dict[str, object], answer: dict[str, object]) -> tuple[bool, bool]:
    """(correct, evidence hit) for one QA item and one /ask-shaped answer."""
    text = _norm(str(answer["answer"]))
    sources = [_norm(str(s["text"])) for s in answer["sources"]]  # type: ignore[attr-defined]
    evidence = _norm(str(item.get("evidence") or ""))
    hit = bool(evidence) and any(evidence in s for s in sources)
    banned = [_norm(str(s)) for s in item.get("must_not_contain") or []]  # type: ignore[attr-defined]
    clean = not any(b and b in text for b in banned)
    if not item["answerable"]:
        return answer["found"] is False and clean, hit
    limit = _LIST_LIMIT if item.get("type") in _LIST_TYPES else _SINGLE_LIMIT
    if answer.get("intent") == "due" or len(answer.get("tasks") or []) > 1:  # type: ignore[arg-type]
        limit = max(limit, _DUE_LIMIT if answer.get("intent") == "due" else _LIST_LIMIT)
    groups: list[list[str]] = list(item["must_contain"])  # type: ignore[call-overload]
    ok = (
        answer["found"] is not False
        and clean
        and len(str(answer["answer"])) <= limit
        and all(any(_norm(s) in text for s in group) for group in groups)
    )
    return ok, hit


@dataclass
class EvalReport:
    """Accuracy, refusals, evidence hits and latency over a QA set."""

    answerable: list[bool] = field(default_factory=list)
    unanswerable: list[bool] = field(default_factory=list)
    evidence: list[bool] = field(default_factory=list)
    plain: list[bool] = field(default_factory=list)
    no_diacritics: list[bool] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    by_type: dict[str, list[bool]] = field(default_factory=dict)

    def summary(self) -> list[str]:
        pct = _pct
        lat = sorted(self.latencies)
        p50 = statistics.median(lat) * 1000 if lat else 0.0
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))] * 1000 if lat else 0.0
        table = [ok for t in TASK_TABLE_TYPES for ok in self.by_type.get(t, [])]
        free = [ok for t in FREE_TEXT_TYPES for ok in self.by_type.get(t, [])]
        kinds = ", ".join(f"{t} {sum(v)}/{len(v)}" for t, v in sorted(self.by_type.items()))
        return [
            f"by type: {kinds}",
            f"task-table kinds ({', '.join(TASK_TABLE_TYPES)}): {pct(table)}",
            f"free-text kinds ({', '.join(FREE_TEXT_TYPES)}): {pct(free)}",
            f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms",
            f"plain: {pct(self.plain)} | no diacritics: {pct(self.no_diacritics)}",
            f"unanswerable refused: {pct(self.unanswerable)} | evidence hit: {pct(self.evidence)}",
            f"answerable correct: {pct(self.answerable)}",
        ]


def is_conversation_file(path: Path) -> bool:
    """Whether a JSONL file holds conversations (``turns``) rather than single questions."""
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            return "turns" in json.loads(line)
    return False


def evaluate_file(path: Path, assistant: Assistant) -> EvalReport:
    """Ask every question of a JSONL QA file and score the answers."""
    report = EvalReport()
    assistant.ask("khởi động")  # warm the model and the lexical index before timing
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        start = time.perf_counter()
        result = assistant.ask(item["question"])
        answer = {**result.to_json(), "intent": result.intent}
        report.latencies.append(time.perf_counter() - start)
        ok, hit = judge(item, answer)
        report.by_type.setdefault(str(item.get("type", "?")), []).append(ok)
        if item["answerable"]:
            report.answerable.append(ok)
            report.evidence.append(hit)
            (
                report.no_diacritics if item.get("variant") == "no_diacritics" else report.plain
            ).append(ok)
        else:
            report.unanswerable.append(ok)
        if not ok or (item["answerable"] and not hit):
            report.failures.append(
                f"{'OK ' if ok else 'BAD'} {'   ' if hit else 'noev'} {item['id']} "
                f"[{item['type']}] {item['question']}\n    -> {answer['answer'][:300]}\n"
                f"    want {item['must_contain']} ev: {item.get('evidence', '')[:60]}"
            )
    return report


@dataclass(frozen=True)
class Judged:
    """One question answered with no support threshold: whether its answer is right if
    given, and its support (None: an answer read from records, always given)."""

    answerable: bool
    right_if_given: bool
    found: bool
    clean: bool
    support: float | None


def judge_unthresholded(path: Path, assistant: Assistant) -> list[Judged]:
    """Ask every question of a QA file of an assistant built with ``min_support=0``."""
    judged = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        result = assistant.ask(item["question"])
        answer = {**result.to_json(), "intent": result.intent}
        given = {**answer, "found": result.found}
        right, _ = (
            judge({**item, "answerable": True}, given) if item["answerable"] else (False, False)
        )
        banned = [_norm(str(b)) for b in item.get("must_not_contain") or []]
        clean = not any(b and b in _norm(result.answer) for b in banned)
        judged.append(Judged(item["answerable"], right, result.found, clean, result.support))
    return judged


def operating_points(judged: list[Judged], thresholds: list[float]) -> list[str]:
    """Answerable-right against refused-right at each support threshold: an answer whose
    support is below the threshold counts as a refusal."""
    lines = []
    for t in thresholds:

        def given(j: Judged, t: float = t) -> bool:
            return j.found and (j.support is None or j.support >= t)

        answerable = [given(j) and j.right_if_given for j in judged if j.answerable]
        # a refusal's text is the "not found" message, clean unless it repeats a banned figure
        refused = [not given(j) and (j.clean or j.found) for j in judged if not j.answerable]
        lines.append(
            f"min_support {t:.2f}: answerable right {_pct(answerable)} | refused right {_pct(refused)}"
        )
    return lines


def _numbers_of(answer: dict[str, Any]) -> set[int]:
    """The task numbers an answer returns, or names when it returns no task records."""
    tasks = answer.get("tasks") or []
    if tasks:
        return {int(t["number"]) for t in tasks if str(t["number"]).isdigit()}
    return {int(n) for n in _TASK_NUMBER.findall(nfc(str(answer["answer"])).lower())}


def _asks_back(answer: dict[str, Any]) -> bool:
    text = nfc(str(answer["answer"])).strip()
    return text.endswith("?") and ("nào" in text or "gì" in text)


@dataclass
class ConversationReport:
    """Turn, follow-up and whole-conversation accuracy over a conversations file."""

    turns: list[bool] = field(default_factory=list)
    follow_ups: list[bool] = field(default_factory=list)
    conversations: list[bool] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        pct = _pct
        return [
            f"turns right: {pct(self.turns)} | follow-ups right: {pct(self.follow_ups)}"
            f" | conversations all right: {pct(self.conversations)}"
        ]


def evaluate_conversations(
    path: Path, assistant_for: Callable[[date], Assistant]
) -> ConversationReport:
    """Play each conversation under one conversation id, with its own ``today``."""
    report = ConversationReport()
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        conversation = json.loads(line)
        assistant = assistant_for(date.fromisoformat(conversation.get("today", "2026-11-23")))
        conversation_id = f"eval-{conversation['id']}-{uuid.uuid4().hex[:8]}"
        results = []
        for index, turn in enumerate(conversation["turns"]):
            result = assistant.ask(turn["question"], conversation_id)
            answer = {**result.to_json(), "intent": result.intent}
            ok, _ = judge({**turn, "type": turn.get("type", "")}, answer)
            if ok and "expect_numbers" in turn:
                ok = _numbers_of(answer) == set(turn["expect_numbers"])
            if not ok and turn.get("clarify_ok"):
                ok = _asks_back(answer)
            results.append(ok)
            report.turns.append(ok)
            if index:
                report.follow_ups.append(ok)
            if not ok:
                report.failures.append(
                    f"BAD {conversation['id']}#{index + 1} {turn['question']}\n"
                    f"    -> {answer['answer'][:300]}\n    want {turn['must_contain']}"
                    f" numbers {turn.get('expect_numbers')}"
                )
        report.conversations.append(all(results))
    return report
