import pytest

from retrieval.fusion import reciprocal_rank_fusion


def test_agreement_beats_a_single_first_place():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"], ["b", "a"]])
    assert [key for key, _ in fused] == ["b", "a", "c"]


def test_scores_follow_the_formula():
    fused = dict(reciprocal_rank_fusion([["x", "y"], ["y"]], k=10))
    assert fused["x"] == pytest.approx(1 / 11)
    assert fused["y"] == pytest.approx(1 / 12 + 1 / 11)


def test_weights_and_missing_keys():
    fused = reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0, 3.0])
    assert [key for key, _ in fused] == ["b", "a"]
    assert reciprocal_rank_fusion([[], []]) == []


@pytest.mark.parametrize("kwargs", [{"k": 0}, {"weights": [1.0]}])
def test_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"], ["b"]], **kwargs)
