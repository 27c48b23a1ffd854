"""Score a QA set with the rules of shared/eval/README.md."""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from domain.text import nfc
from retrieval.service import Assistant

__all__ = ["EvalReport", "evaluate_file", "judge"]

_LIST_TYPES = {"agency_tasks", "coordinating", "list"}
_SINGLE_LIMIT = 700
_LIST_LIMIT = 1500


def _norm(text: str) -> str:
    """NFC, lowercase, "03/2026" read as "3/2026"."""
    text = nfc(text).lower()
    return re.sub(r"(?<![\d/])0(\d)/", r"\1/", text)


def judge(item: dict[str, object], answer: dict[str, object]) -> tuple[bool, bool]:
    """(correct, evidence hit) for one QA item and one /ask-shaped answer."""
    text = _norm(str(answer["answer"]))
    sources = [_norm(str(s["text"])) for s in answer["sources"]]  # type: ignore[attr-defined]
    evidence = _norm(str(item.get("evidence") or ""))
    hit = bool(evidence) and any(evidence in s for s in sources)
    if not item["answerable"]:
        return answer["found"] is False, hit
    limit = _LIST_LIMIT if item["type"] in _LIST_TYPES else _SINGLE_LIMIT
    groups: list[list[str]] = list(item["must_contain"])  # type: ignore[call-overload]
    ok = (
        answer["found"] is not False
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

    def summary(self) -> list[str]:
        def pct(xs: list[bool]) -> str:
            return f"{100 * sum(xs) / len(xs):.1f}% ({sum(xs)}/{len(xs)})" if xs else "n/a"

        lat = sorted(self.latencies)
        p50 = statistics.median(lat) * 1000 if lat else 0.0
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))] * 1000 if lat else 0.0
        return [
            f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms",
            f"plain: {pct(self.plain)} | no diacritics: {pct(self.no_diacritics)}",
            f"unanswerable refused: {pct(self.unanswerable)} | evidence hit: {pct(self.evidence)}",
            f"answerable correct: {pct(self.answerable)}",
        ]


def evaluate_file(path: Path, assistant: Assistant) -> EvalReport:
    """Ask every question of a JSONL QA file and score the answers."""
    report = EvalReport()
    assistant.ask("khởi động")  # warm the model and the lexical index before timing
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        start = time.perf_counter()
        answer = assistant.ask(item["question"]).to_json()
        report.latencies.append(time.perf_counter() - start)
        ok, hit = judge(item, answer)
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
