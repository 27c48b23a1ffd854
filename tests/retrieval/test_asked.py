"""The asked-field model, scored on examples kept out of its fitting."""

from __future__ import annotations

from collections import Counter

import pytest

from retrieval.asked import FIELDS, AskedFields, Example, load_examples
from tests.conftest import ROOT

HELDOUT = ROOT / "tests" / "cases" / "asked_fields_heldout.jsonl"
TRAINING = ROOT / "retrieval" / "data" / "asked_fields.jsonl"


def test_held_out_examples_are_recognised() -> None:
    model = AskedFields.default()
    held = load_examples(HELDOUT.read_text("utf-8").splitlines())
    training = {e.question for e in load_examples(TRAINING.read_text("utf-8").splitlines())}
    assert not training & {e.question for e in held}, "held-out examples leaked into fitting"
    right = [model.predict(e.question) == e.fields for e in held]
    by_field: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for example, ok in zip(held, right, strict=True):
        for name in example.fields:
            totals[name] += 1
            by_field[name] += ok
    share = sum(right) / len(right)
    print(  # noqa: T201 - the held-out figure is what this test reports
        f"\nasked fields, held-out quarter: {share:.1%} exactly right ({sum(right)}/{len(right)})"
    )
    print("  " + ", ".join(f"{f} {by_field[f]}/{totals[f]}" for f in FIELDS if totals[f]))  # noqa: T201
    assert share >= 0.85


def test_every_field_has_enough_examples() -> None:
    examples = load_examples(TRAINING.read_text("utf-8").splitlines())
    held = load_examples(HELDOUT.read_text("utf-8").splitlines())
    counts = Counter(name for e in examples + held for name in e.fields)
    assert all(counts[name] >= 40 for name in FIELDS if name != "other"), counts


@pytest.mark.parametrize(
    ("question", "fields"),
    [
        ("ai chủ trì và sản phẩm là gì?", {"lead", "output"}),
        ("hạn năm nào, phối hợp với ai?", {"deadline", "coordinating"}),
        ("Sở Y tế chủ trì đúng không?", {"confirm", "lead"}),
        ("có bao nhiêu nhiệm vụ", {"count"}),
        ("chào bạn", {"other"}),
    ],
)
def test_plain_cases(question: str, fields: set[str]) -> None:
    assert AskedFields.default().predict(question) == fields


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValueError):
        load_examples(['{"q": "x", "fields": ["colour"]}'])
    with pytest.raises(ValueError):
        AskedFields([])
    tiny = AskedFields(
        [Example(q, frozenset({f})) for q, f in (("ai chủ trì", "lead"), ("hạn?", "deadline"))]
        + [Example("chào", frozenset(set(FIELDS) - {"lead", "deadline"}))]
    )
    assert tiny.predict("ai chủ trì việc này") == {"lead"}
