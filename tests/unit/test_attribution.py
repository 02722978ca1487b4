"""The 'why did it move' split is exact and agrees with direct recomputation."""

from __future__ import annotations

import itertools
import math
from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring.attribution import explain_change, heaviest_reviews, largest_moves
from tests.helpers import reviews_at

T0 = pd.Timestamp("2024-01-01", tz="UTC")


table = partial(reviews_at, T0, later=True)
"""A review table from (days after T0, stars) pairs."""


MODELS = ("trustpilot", "decayed-prior")


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(st.floats(0, 700), st.integers(1, 5)), max_size=40),
    start_day=st.floats(0, 400),
    span=st.floats(0, 300),
    half_life=st.one_of(st.floats(5, 800), st.just(math.inf)),
)
def test_split_is_exact(
    model: str, rows: list[tuple[float, int]], start_day: float, span: float, half_life: float
) -> None:
    reviews = table(rows)
    start = T0 + pd.Timedelta(days=start_day)
    end = start + pd.Timedelta(days=span)
    got = explain_change(reviews, start=start, end=end, half_life_days=half_life, model=model)
    assert got.model == model
    assert got.start_score == pytest.approx(
        scoring.trust_score(reviews, as_of=start, half_life_days=half_life, model=model),
        abs=1e-12,
    )
    assert got.end_score == pytest.approx(
        scoring.trust_score(reviews, as_of=end, half_life_days=half_life, model=model),
        abs=1e-12,
    )
    total = got.start_score + got.ageing + sum(got.by_stars.values())
    assert total == pytest.approx(got.end_score, abs=1e-12)
    for stars, count in got.new_reviews.items():
        if count == 0:
            assert got.by_stars[stars] == 0.0  # a group without new reviews moved nothing
    if model == "trustpilot":
        assert got.ageing == 0.0  # ageing alone never moves the fitted score


def test_signs_make_sense() -> None:
    reviews = table([(0, 5)] * 20 + [(100, 1)] * 3 + [(100, 5)] * 3)
    window = {"start": T0 + pd.Timedelta(days=50), "end": T0 + pd.Timedelta(days=100)}
    got = explain_change(reviews, **window, model="decayed-prior")
    assert got.ageing < 0  # old fives fade towards the prior
    assert got.by_stars[1] < 0 < got.by_stars[5]
    assert got.new_reviews == {1: 3, 2: 0, 3: 0, 4: 0, 5: 3}
    fitted = explain_change(reviews, **window)
    assert fitted.model == "trustpilot" and fitted.ageing == 0.0
    assert fitted.by_stars[1] < 0 < fitted.by_stars[5]
    assert fitted.new_reviews == got.new_reviews


def test_shapley_values_are_the_average_over_arrival_orders() -> None:
    """The fitted model's split equals the mean marginal effect over all 120 orders."""
    rows = [(0, 5)] * 12 + [(0, 2)] * 4 + [(300, 1)] * 5 + [(310, 5)] * 2 + [(320, 4), (330, 3)]
    reviews = table(rows)
    start, end = T0 + pd.Timedelta(days=200), T0 + pd.Timedelta(days=340)
    got = explain_change(reviews, start=start, end=end)

    def score_with(groups: tuple[int, ...]) -> float:
        keep = [(d, s) for d, s in rows if d <= 200 or s in groups]
        return scoring.trust_score(table(keep), as_of=end)

    expected = dict.fromkeys(range(1, 6), 0.0)
    orders = list(itertools.permutations(range(1, 6)))
    for order in orders:
        for i, stars in enumerate(order):
            expected[stars] += (score_with(order[: i + 1]) - score_with(order[:i])) / len(orders)
    assert got.by_stars == pytest.approx(expected, abs=1e-12)
    assert got.by_stars[2] == 0.0


def test_heaviest_reviews_are_the_newest_with_weights() -> None:
    reviews = table([(0, 5), (100, 1), (200, 4)])
    top = heaviest_reviews(reviews, n=2, half_life_days=100)
    assert top["rating"].tolist() == [4, 1]
    assert top["weight"].tolist() == pytest.approx([1.0, 0.5])
    assert top["share"].sum() == pytest.approx(1.5 / 1.75)


def test_largest_moves_do_not_overlap() -> None:
    index = pd.date_range("2024-01-01", periods=12, freq="D", tz="UTC")
    series = pd.Series([3.0, 3, 3, 4, 4, 4, 4, 3.5, 3.5, 3.5, 3.5, 3.5], index=index)
    moves = largest_moves(series, window=1, n=2)
    assert moves["change"].tolist() == pytest.approx([1.0, -0.5])
    assert moves["end"].tolist() == [index[3], index[7]]
    assert largest_moves(series, window=20).empty
    assert np.isfinite(moves["change"]).all()
