import pytest

from bfcl_adapter import Category, CategoryScore, aggregate
from bfcl_adapter.data import load_entries
from bfcl_adapter.scoring import FULL_SIZES, scores_from_json, scores_to_json

C = Category


def full(category, correct):
    return CategoryScore(category, correct, FULL_SIZES[category])


def test_full_sizes_match_the_installed_data():
    for category in Category:
        if category.runnable_offline:
            assert len(load_entries(category)) == FULL_SIZES[category], category


def test_non_live_is_mean_of_simple_mean_and_three_categories():
    scores = {
        c: full(c, n)
        for c, n in [(C.SIMPLE_PYTHON, 400), (C.SIMPLE_JAVA, 50), (C.SIMPLE_JAVASCRIPT, 0),
                     (C.MULTIPLE, 100), (C.PARALLEL, 200), (C.PARALLEL_MULTIPLE, 0)]
    }  # fmt: skip
    agg = aggregate(scores)
    assert agg["Simple"].accuracy == pytest.approx(0.5)
    assert agg["Non-Live"].accuracy == pytest.approx((0.5 + 0.5 + 1.0 + 0.0) / 4)
    assert agg["Non-Live"].complete


def test_live_is_count_weighted_and_missing_counts_as_zero_with_full_weight():
    scores = {C.LIVE_SIMPLE: CategoryScore(C.LIVE_SIMPLE, 258, 258)}
    live = aggregate(scores)["Live"]
    assert live.accuracy == pytest.approx(258 / (258 + 1053 + 16 + 24))
    assert set(live.missing) == {C.LIVE_MULTIPLE, C.LIVE_PARALLEL, C.LIVE_PARALLEL_MULTIPLE}


def test_overall_weights():
    scores = {c: full(c, FULL_SIZES[c]) for c in (C.IRRELEVANCE, C.LIVE_IRRELEVANCE)}
    agg = aggregate(scores)
    assert agg["Irrelevance"].accuracy == 1.0
    assert agg["Overall"].accuracy == pytest.approx(0.10)
    assert not agg["Overall"].complete
    assert "Relevance" in agg and "Overall" in agg


def test_scores_json_round_trip():
    scores = {C.SIMPLE_PYTHON: CategoryScore(C.SIMPLE_PYTHON, 3, 4)}
    doc = scores_to_json(scores, "official")
    assert doc["categories"]["simple_python"]["accuracy"] == 0.75
    assert doc["aggregates"]["Non-Live"]["missing"]
    assert scores_from_json(doc) == scores
