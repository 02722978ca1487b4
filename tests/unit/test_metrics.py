"""Companion metrics against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring.metrics import companion_series, dirichlet_rating, wilson_lower_bound

T = pd.Timestamp("2024-06-01", tz="UTC")


def table(stars: list[int], days: list[int] | None = None) -> pd.DataFrame:
    days = days if days is not None else [0] * len(stars)
    return pd.DataFrame(
        {
            "created_at": pd.to_datetime([T + pd.Timedelta(days=d) for d in days], utc=True),
            "rating": stars,
        }
    )


def test_wilson_lower_bound_known_value() -> None:
    # 8 of 10 at z = 1.96: 0.4902 (standard tables).
    assert wilson_lower_bound(8, 10) == pytest.approx(0.4902, abs=1e-4)
    assert wilson_lower_bound(0, 0) == 0.0


def test_dirichlet_rating_uniform_prior() -> None:
    mean, lower = dirichlet_rating(np.zeros(5))
    assert mean == pytest.approx(3.0)
    # Variance of a uniform 1..5 draw is 2; sqrt(2 / 6) * 1.96.
    assert lower == pytest.approx(3.0 - 1.96 * math.sqrt(2 / 6))
    mean, _ = dirichlet_rating(np.array([0, 0, 0, 0, 5]))
    assert mean == pytest.approx((1 + 2 + 3 + 4 + 5 * 6) / 10)


def test_summary_and_net_score() -> None:
    s = scoring.summary(table([5, 5, 5, 4, 3, 1]))
    assert s.reviews == 6
    assert s.mean_rating == pytest.approx(23 / 6)
    assert s.positive_share == pytest.approx(4 / 6)
    assert s.net_score == pytest.approx((3 - 2) / 6 * 100)
    assert s.bayesian_average == pytest.approx((7 * 3.5 + 23) / 13)
    assert s.positive_share_lower < s.positive_share


def test_companion_series_rolling_and_cumulative() -> None:
    reviews = table([5, 1, 4, 2], days=[0, 1, 40, 100])
    series = companion_series(reviews, freq="D", windows_days=(30, 90))
    at_day_40 = series.loc[T + pd.Timedelta(days=40)]
    assert at_day_40["cumulative_mean"] == pytest.approx((5 + 1 + 4) / 3)
    assert at_day_40["rolling_30d_mean"] == pytest.approx(4.0)
    assert at_day_40["rolling_90d_mean"] == pytest.approx((5 + 1 + 4) / 3)
    at_day_100 = series.loc[T + pd.Timedelta(days=100)]
    assert at_day_100["rolling_90d_mean"] == pytest.approx((4 + 2) / 2)
    assert math.isnan(series.loc[T + pd.Timedelta(days=80), "rolling_30d_mean"])
    assert series[[f"stars_{k}" for k in range(1, 6)]].to_numpy().sum() == 4
