"""Reciprocal rank fusion of ranked lists (Cormack, Clarke & Büttcher, SIGIR 2009)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

__all__ = ["reciprocal_rank_fusion", "RRF_K"]

K = TypeVar("K", bound=Hashable)

# The paper's constant: large enough that a first place in one list does not drown the
# agreement of several lists, small enough that top ranks still count more.
RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[K]],
    *,
    k: int = RRF_K,
    weights: Sequence[float] | None = None,
) -> list[tuple[K, float]]:
    """Fuse ranked lists of keys into one ranking by ``sum(w / (k + rank))``.

    :param rankings: each a list of keys, best first; a key may be missing from a list.
    :param k: the rank-offset constant; must be positive.
    :param weights: one weight per list (default 1 each).
    :returns: (key, fused score) pairs, best first; ties keep first-seen order.
    :raises ValueError: ``k`` is not positive or the weights do not match the lists.
    """
    if k <= 0:
        raise ValueError(f"k must be greater than 0, got {k}")
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    scores: dict[K, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)
