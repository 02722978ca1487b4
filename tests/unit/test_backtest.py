"""The backtest: the status-quo forecast replayed from monthly origins against history."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring.errors import ParameterError
from scoring.model import ScoreParams
from scoring.projection.backtest import FORECAST_COLUMNS, SUMMARY_COLUMNS, month_origins

END = pd.Timestamp("2025-06-20 15:00", tz="UTC")
DEMO = Path(__file__).resolve().parents[2] / "data" / "demo_reviews.csv"


def stationary(days: int = 700, per_day: float = 6.0, seed: int = 2) -> pd.DataFrame:
    """Poisson arrivals with a fixed mix, invited and organic, ending at END."""
    rng = np.random.default_rng(seed)
    count = rng.poisson(per_day * days)
    ages = np.sort(rng.uniform(0, days, count))[::-1]
    return pd.DataFrame({
        "created_at": END - pd.to_timedelta(ages, unit="D"),
        "rating": rng.choice(5, count, p=[0.1, 0.05, 0.1, 0.25, 0.5]) + 1,
        "invited": rng.random(count) < 0.6,
    })


REVIEWS = stationary()


@pytest.fixture(scope="module")
def result() -> scoring.Backtest:
    return scoring.backtest(REVIEWS, paths=200)


def test_origins_are_month_starts_with_history_before_and_data_after(
        result: scoring.Backtest) -> None:
    first = REVIEWS["created_at"].min()
    origins = result.origins
    assert len(origins) > 15
    assert all(o.day == 1 and o == o.floor("D") for o in origins)
    assert (origins - first).min() >= pd.Timedelta(days=90)
    assert origins.max() + pd.Timedelta(days=30) <= END
    assert result.reason is None and result.horizons == (30, 90, 180)


def test_forecasts_and_summary_have_the_promised_columns(result: scoring.Backtest) -> None:
    forecasts, summary = result.forecasts, result.summary
    assert tuple(forecasts.columns) == FORECAST_COLUMNS
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert (forecasts["date"] == forecasts["origin"]
            + pd.to_timedelta(forecasts["horizon"], unit="D")).all()
    assert (forecasts["date"] <= END).all()
    assert (forecasts["p10"] <= forecasts["p25"]).all() and (
        forecasts["p75"] <= forecasts["p90"]).all()
    np.testing.assert_allclose(forecasts["error"], forecasts["expected"] - forecasts["actual"])
    for row in summary.itertuples():
        part = forecasts[forecasts["horizon"] == row.horizon]
        assert row.origins == len(part)
        assert row.coverage_80 == pytest.approx(
            ((part["p10"] <= part["actual"]) & (part["actual"] <= part["p90"])).mean())
        assert row.mae == pytest.approx(part["error"].abs().mean())
        assert row.bias == pytest.approx(part["error"].mean())


def test_actual_is_the_score_on_the_date(result: scoring.Backtest) -> None:
    rows = result.forecasts.iloc[[0, 7, -1]]
    for row in rows.itertuples():
        assert row.actual == pytest.approx(scoring.trust_score(REVIEWS, as_of=row.date),
                                           abs=1e-9)
        assert row.start_score == pytest.approx(
            scoring.trust_score(REVIEWS, as_of=row.origin), abs=1e-9)


def test_a_stationary_history_is_covered(result: scoring.Backtest) -> None:
    """Poisson arrivals with a fixed mix are what the model assumes: the bands cover."""
    summary = result.summary.set_index("horizon")
    assert summary.loc[90, "coverage_80"] >= 0.7
    assert abs(summary.loc[90, "bias"]) < 0.05


def test_no_peeking_past_the_origin(result: scoring.Backtest) -> None:
    origin = result.origins[5]
    changed = REVIEWS.copy()
    later = changed["created_at"] > origin
    changed.loc[later, "rating"] = 1
    again = scoring.backtest(changed, paths=200)
    before = result.forecasts[result.forecasts["origin"] == origin]
    after = again.forecasts[again.forecasts["origin"] == origin]
    pd.testing.assert_frame_equal(
        before.drop(columns=["actual", "error", "inside_80", "inside_50"]).reset_index(drop=True),
        after.drop(columns=["actual", "error", "inside_80", "inside_50"]).reset_index(drop=True))
    assert (after["actual"].to_numpy() < before["actual"].to_numpy()).all()


def test_path_holds_the_daily_bands_and_what_happened(result: scoring.Backtest) -> None:
    origin = result.origins[-1]
    path = result.path(origin)
    assert list(path.columns) == ["expected", "p10", "p25", "p50", "p75", "p90", "actual"]
    assert len(path) == 180 and path.index[0] == origin + pd.Timedelta(days=1)
    reached = path.index <= END
    assert path.loc[reached, "actual"].notna().all() and path.loc[~reached, "actual"].isna().all()
    row = result.forecasts[(result.forecasts["origin"] == origin)
                           & (result.forecasts["horizon"] == 30)].iloc[0]
    day = path.loc[row["date"]]
    assert day["p10"] == pytest.approx(row["p10"], rel=1e-6)
    assert day["actual"] == pytest.approx(row["actual"])
    with pytest.raises(ParameterError, match="origin"):
        result.path("2001-01-01")


def test_plain_poisson_bands_are_narrower() -> None:
    plain = scoring.backtest(REVIEWS, paths=200, uncertainty=False, horizons=(90,))
    fitted = scoring.backtest(REVIEWS, paths=200, horizons=(90,))
    width = lambda b: (b.forecasts["p90"] - b.forecasts["p10"]).mean()  # noqa: E731
    assert width(fitted) > width(plain)
    pd.testing.assert_series_equal(plain.forecasts["expected"], fitted.forecasts["expected"])


def test_an_empty_window_still_projects_the_reviews_it_cannot_rule_out() -> None:
    """A quiet spell (no review for 150 days) does not prove that none comes."""
    quiet = (REVIEWS["created_at"] > END - pd.Timedelta(days=400)) & (
        REVIEWS["created_at"] <= END - pd.Timedelta(days=250))
    gap = REVIEWS[~quiet]
    fitted = scoring.backtest(gap, paths=400, horizons=(90,))
    plain = scoring.backtest(gap, paths=400, horizons=(90,), uncertainty=False)
    # origins whose 90 days before hold no review
    empty = [o for o in fitted.origins
             if not ((gap["created_at"] > o - pd.Timedelta(days=90))
                     & (gap["created_at"] <= o)).any()]
    assert empty
    for name, result in (("fitted", fitted), ("plain", plain)):
        rows = result.forecasts[result.forecasts["origin"].isin(empty)]
        width = (rows["p90"] - rows["p10"]).to_numpy()
        if name == "plain":
            assert (width == 0).all()  # nothing arrives: a flat line
        else:
            assert (width > 0).any()


def test_under_the_decayed_prior_model() -> None:
    params = ScoreParams(model="decayed-prior")
    result = scoring.backtest(REVIEWS, params=params, paths=100, horizons=(30, 90))
    assert result.params == params and result.reason is None
    row = result.forecasts.iloc[3]
    assert row["actual"] == pytest.approx(
        scoring.trust_score(REVIEWS, as_of=row["date"], params=params), abs=1e-9)


def test_progress_is_reported_up_to_one() -> None:
    seen: list[float] = []
    scoring.backtest(REVIEWS.iloc[-2000:], paths=50, horizons=(30,), progress=seen.append)
    assert seen and seen == sorted(seen) and seen[-1] == 1.0


def coarse(counts: dict[str, int], reference: str = "2023-02-07") -> pd.DataFrame:
    """Reviews piled on the days relative dates resolve to ("a year ago" ...)."""
    stamps = []
    for offset, n in counts.items():
        stamps += [pd.Timestamp(reference, tz="UTC") - pd.tseries.frequencies.to_offset(offset)] * n
    rng = np.random.default_rng(0)
    return pd.DataFrame({"created_at": pd.DatetimeIndex(stamps),
                         "rating": rng.integers(1, 6, len(stamps))})


COARSE = coarse({"7D": 12, "14D": 10, "30D": 25, "60D": 40, "91D": 60, "182D": 90, "365D": 250,
                 "730D": 200, "1095D": 150})


def test_coarse_dates_are_refused() -> None:
    precision = scoring.date_precision(COARSE)
    assert precision.coarse and precision.distinct_days == 9
    assert precision.crowded_share == 1.0 and precision.typical_gap_days >= 30
    result = scoring.backtest(COARSE)
    assert result.reason == "coarse_dates" and result.forecasts.empty
    assert tuple(result.forecasts.columns) == FORECAST_COLUMNS
    assert result.summary["origins"].eq(0).all() and result.summary["coverage_80"].isna().all()


def test_exact_dates_are_not_coarse() -> None:
    rng = np.random.default_rng(4)
    small = pd.DataFrame({
        "created_at": END - pd.to_timedelta(rng.uniform(0, 700, 40), unit="D"),
        "rating": rng.integers(1, 6, 40),
    })
    for reviews in (small, REVIEWS, scoring.load_reviews(DEMO).reviews):
        assert not scoring.date_precision(reviews).coarse


def test_too_short_and_empty_histories() -> None:
    short = REVIEWS[REVIEWS["created_at"] > END - pd.Timedelta(days=100)]
    assert scoring.backtest(short).reason == "too_short"
    empty = scoring.backtest(REVIEWS.iloc[:0])
    assert empty.reason == "no_reviews" and empty.forecasts.empty
    assert not scoring.date_precision(REVIEWS.iloc[:0]).coarse


def test_month_origins() -> None:
    first = pd.Timestamp("2024-01-15", tz="UTC").value
    last = pd.Timestamp("2024-09-10", tz="UTC").value
    origins = month_origins(first, last, 90, 30)
    assert [o.strftime("%Y-%m-%d") for o in origins] == [
        "2024-05-01", "2024-06-01", "2024-07-01", "2024-08-01"]


@pytest.mark.parametrize("bad", [
    dict(horizons=()), dict(horizons=(0, 30)), dict(horizons=30), dict(window_days=0),
    dict(min_history_days=-1), dict(paths=0), dict(seed=-1), dict(uncertainty="yes"),
    dict(params="trustpilot"), dict(progress=3),
])
def test_bad_arguments_are_refused(bad: dict) -> None:
    with pytest.raises(ParameterError):
        scoring.backtest(REVIEWS, **bad)


def test_scores_are_finite(result: scoring.Backtest) -> None:
    values = result.forecasts[["expected", "p10", "p90", "actual"]].to_numpy()
    assert np.isfinite(values).all() and not math.isnan(result.summary["mae"].iloc[0])
