"""The model page's reference numbers, properties, and the fast series against a naive one."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring.metrics import bayesian_average
from scoring.model import bayesian_score, decayed_sums
from scoring.periods import NS_PER_DAY
from tests.helpers import reviews_at

T = pd.Timestamp("2025-01-01", tz="UTC")


reviews_aged = partial(reviews_at, T)
"""A review table from (age in days at T, stars) pairs."""


MODELS = ("trustpilot", "decayed-prior")


@pytest.mark.parametrize(
    ("rows", "fitted", "decayed_prior"),
    [
        ([(0, 5)], 3.6875, 3.6875),
        ([(0, 1)], 3.1875, 3.1875),
        ([(182.5, 5)], 3.6875, 3.6000),
        ([(365, 5)] * 10 + [(0, 1)] * 2, 3.3246, 3.3913),
        ([(0, 5), (30, 4), (400, 2)], 3.7299, 3.6776),
        ([(0, 5)] * 7, 4.25, 4.25),
        ([(0, 3)] * 7, 3.25, 3.25),
    ],
)
def test_reference_numbers(
    rows: list[tuple[float, int]], fitted: float, decayed_prior: float
) -> None:
    """The model page's table: both forms (the fitted one is the default)."""
    reviews = reviews_aged(rows)
    assert scoring.trust_score(reviews, as_of=T) == pytest.approx(fitted, abs=5e-5)
    assert scoring.trust_score(reviews, as_of=T, model="trustpilot") == pytest.approx(
        fitted, abs=5e-5
    )
    assert scoring.trust_score(reviews, as_of=T, model="decayed-prior") == pytest.approx(
        decayed_prior, abs=5e-5
    )


def test_unknown_model_is_refused() -> None:
    with pytest.raises(ValueError, match="model must be one of"):
        scoring.trust_score(reviews_aged([(0, 5)]), model="imdb")


def test_seven_five_stars_show_as_excellent() -> None:
    score = scoring.trust_score(reviews_aged([(0, 5)] * 7), as_of=T)
    assert score == 4.25
    assert scoring.display_score(score) == 4.3
    assert scoring.star_rating(score) == 4.5
    assert scoring.label(score) == "Excellent"


def test_seven_three_stars() -> None:
    score = scoring.trust_score(reviews_aged([(0, 3)] * 7), as_of=T)
    assert score == 3.25
    assert scoring.display_score(score) == 3.3
    assert scoring.star_rating(score) == 3.5


def review_clock_example() -> pd.DataFrame:
    days = [0, 10, 40, 200, 201]
    return pd.DataFrame(
        {"created_at": [T + pd.Timedelta(days=d) for d in days], "rating": [5, 4, 5, 1, 5]}
    )


def test_reference_numbers_review_clock() -> None:
    reviews = review_clock_example()
    days = [T + pd.Timedelta(days=d) for d in (0, 10, 40, 200, 201)]
    end = T + pd.Timedelta(days=365)
    series = scoring.score_series(reviews, clock="displayed", end=end, model="decayed-prior")
    assert series.loc[days, "score"].to_numpy() == pytest.approx(
        [3.6875, 3.7169, 3.8317, 3.4223, 3.5729], abs=5e-5
    )
    # Flat between reviews: the day after the last review still shows its value.
    assert series["score"].iloc[-1] == pytest.approx(3.5729, abs=5e-5)
    live = scoring.trust_score(reviews, as_of=end, model="decayed-prior")
    assert live == pytest.approx(3.5462, abs=5e-5)


@pytest.mark.parametrize("clock", ["live", "displayed"])
def test_reference_numbers_fitted_model_has_one_clock(clock: str) -> None:
    reviews = review_clock_example()
    days = [T + pd.Timedelta(days=d) for d in (0, 10, 40, 200, 201)]
    end = T + pd.Timedelta(days=365)
    series = scoring.score_series(reviews, clock=clock, end=end)
    assert series.loc[days, "score"].to_numpy() == pytest.approx(
        [3.6875, 3.7201, 3.8527, 3.3925, 3.5913], abs=5e-5
    )
    # No drift without new reviews: still 3.5913 on day 365, on both clocks.
    assert series["score"].iloc[-1] == pytest.approx(3.5913, abs=5e-5)
    assert scoring.trust_score(reviews, as_of=end) == pytest.approx(3.5913, abs=5e-5)


def test_a_new_five_star_can_lower_the_displayed_score() -> None:
    # Many old 5s, then a long pause: the next 5 is counted after everything aged.
    reviews = pd.DataFrame(
        {
            "created_at": [T] * 20 + [T + pd.Timedelta(days=400)],
            "rating": [5] * 20 + [5],
        }
    )
    series = scoring.score_series(reviews, clock="displayed", model="decayed-prior")
    assert series["score"].iloc[-1] < series["score"].iloc[0]
    # Under the fitted model a five-star review never lowers it.
    fitted = scoring.score_series(reviews, clock="displayed")
    assert fitted["score"].iloc[-1] > fitted["score"].iloc[0]


@pytest.mark.parametrize("model", MODELS)
def test_legacy_ten_point_scale(model: str) -> None:
    # Before 2019: 5 stars = 10, prior 7 reviews worth 7.0; all reviews today.
    got = [
        bayesian_score([10.0] * n, [0.0] * n, prior_mean=7.0, model=model)
        for n in (2, 3, 4)
    ]
    assert got == pytest.approx([7.6667, 7.9000, 8.0909], abs=5e-5)


def test_no_reviews_gives_the_prior_mean() -> None:
    empty = pd.DataFrame({"created_at": pd.to_datetime([], utc=True), "rating": []})
    assert scoring.trust_score(empty) == 3.5


def test_counts_flag_is_honoured() -> None:
    reviews = reviews_aged([(0, 5), (0, 1)])
    reviews["counts"] = [True, False]
    assert scoring.trust_score(reviews, as_of=T) == pytest.approx(3.6875)


def test_as_of_excludes_later_reviews_and_accepts_naive_dates() -> None:
    reviews = reviews_aged([(10, 5), (0, 1)])
    earlier = scoring.trust_score(reviews, as_of="2024-12-25")
    assert earlier == pytest.approx(scoring.trust_score(reviews_aged([(3, 5)]), as_of=T))


@pytest.mark.parametrize(
    ("frame", "fragment"),
    [
        (pd.DataFrame({"rating": [5]}), "'created_at'"),
        (pd.DataFrame({"created_at": [pd.Timestamp("2024-01-01")], "rating": [5]}), "naive"),
        (pd.DataFrame({"created_at": [T], "rating": [6]}), "row 0"),
        (pd.DataFrame({"created_at": [T], "rating": [4.5]}), "whole stars"),
        (pd.DataFrame({"created_at": ["2024-01-01"], "rating": [5]}), "datetimes"),
    ],
)
def test_bad_tables_raise_review_data_error(frame: pd.DataFrame, fragment: str) -> None:
    with pytest.raises(scoring.ReviewDataError, match=fragment):
        scoring.trust_score(frame)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="half_life_days"):
        scoring.trust_score(reviews_aged([(0, 5)]), half_life_days=0)
    with pytest.raises(ValueError, match="freq"):
        scoring.score_series(reviews_aged([(0, 5)]), freq="fortnight")


# --- properties ---------------------------------------------------------------------

review_rows = st.lists(
    st.tuples(st.floats(0, 3650, allow_nan=False), st.integers(1, 5)), min_size=0, max_size=40
)
half_lives = st.one_of(st.floats(1, 1000, allow_nan=False), st.just(math.inf))


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=200, deadline=None)
@given(rows=review_rows, half_life=half_lives)
def test_score_stays_within_one_to_five(
    model: str, rows: list[tuple[float, int]], half_life: float
) -> None:
    score = scoring.trust_score(reviews_aged(rows), as_of=T, half_life_days=half_life,
                                model=model)
    assert 1.0 <= score <= 5.0


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=200, deadline=None)
@given(rows=review_rows, half_life=half_lives)
def test_a_five_star_never_lowers_the_live_score(
    model: str, rows: list[tuple[float, int]], half_life: float
) -> None:
    before = scoring.trust_score(reviews_aged(rows), as_of=T, half_life_days=half_life,
                                 model=model)
    after = scoring.trust_score(reviews_aged([*rows, (0, 5)]), as_of=T,
                                half_life_days=half_life, model=model)
    assert after >= before - 1e-12


@settings(max_examples=200, deadline=None)
@given(rows=review_rows, half_life=half_lives, quiet_days=st.floats(0, 5000))
def test_the_fitted_score_does_not_move_without_new_reviews(
    rows: list[tuple[float, int]], half_life: float, quiet_days: float
) -> None:
    reviews = reviews_aged(rows)
    now = scoring.trust_score(reviews, as_of=T, half_life_days=half_life)
    later = scoring.trust_score(reviews, as_of=T + pd.Timedelta(days=quiet_days),
                                half_life_days=half_life)
    assert later == pytest.approx(now, abs=1e-12)


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=200, deadline=None)
@given(rows=review_rows, prior_count=st.floats(0, 50), prior_mean=st.floats(1, 5))
def test_no_decay_is_the_bayesian_average(
    model: str, rows: list[tuple[float, int]], prior_count: float, prior_mean: float
) -> None:
    reviews = reviews_aged(rows)
    score = scoring.trust_score(
        reviews, as_of=T, half_life_days=math.inf, prior_count=prior_count,
        prior_mean=prior_mean, model=model,
    )
    stars = [s for _, s in rows]
    if prior_count + len(stars) == 0:
        expected = prior_mean
    else:
        expected = (prior_count * prior_mean + sum(stars)) / (prior_count + len(stars))
    assert score == pytest.approx(expected, rel=1e-12, abs=1e-12)
    bayes = bayesian_average(reviews, prior_count=prior_count, prior_mean=prior_mean)
    assert bayes == pytest.approx(expected, rel=1e-12, abs=1e-12)


# --- the fast series against a naive recomputation ------------------------------------


def random_reviews(seed: int, n: int, years: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    offsets = rng.uniform(0, years * 365.25 * NS_PER_DAY, n).astype("int64")
    start = pd.Timestamp("2005-03-17 13:45", tz="UTC").value
    return pd.DataFrame(
        {
            "created_at": pd.to_datetime(start + offsets, utc=True),
            "rating": rng.integers(1, 6, n),
        }
    )


def naive_series(
    reviews: pd.DataFrame, index: pd.DatetimeIndex, bounds: list[pd.Timestamp], clock: str,
    half_life: float, model: str,
) -> np.ndarray:
    """Recompute every point from scratch, with the plain formula."""
    times = reviews["created_at"].sort_values()
    out = []
    for bound in bounds:
        if clock == "live" or model == "trustpilot":
            # Reviews strictly before the boundary, aged to the boundary itself.
            subset = reviews[reviews["created_at"] < bound]
            ages = (bound - subset["created_at"]).dt.total_seconds() / 86400
            out.append(
                bayesian_score(
                    subset["rating"].to_numpy(), ages.to_numpy(), half_life_days=half_life,
                    model=model,
                )
            )
        else:
            before = times[times < bound]
            if before.empty:
                out.append(3.5)
                continue
            recalculated = before.iloc[-1]
            out.append(
                scoring.trust_score(reviews, as_of=recalculated, half_life_days=half_life,
                                    model=model)
            )
    return np.array(out)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(
    ("seed", "n", "years", "freq", "half_life", "clock"),
    [
        (1, 400, 3, "D", 182.5, "live"),
        (2, 300, 20, "W", 1.0, "live"),
        (3, 500, 20, "M", 1.0, "live"),
        (4, 300, 10, "Q", math.inf, "live"),
        (5, 400, 5, "W", 30.0, "displayed"),
        (6, 200, 20, "M", 1.0, "displayed"),
        (7, 300, 2, "D", math.inf, "displayed"),
        (8, 500, 30, "Y", 7.0, "live"),
    ],
)
def test_series_equals_naive_recomputation(
    seed: int, n: int, years: float, freq: str, half_life: float, clock: str, model: str
) -> None:
    reviews = random_reviews(seed, n, years)
    series = scoring.score_series(reviews, freq=freq, clock=clock, half_life_days=half_life,
                                  model=model)
    offsets = {"D": "1D", "W": "7D"}
    if freq in offsets:
        bounds = list(series.index + pd.Timedelta(offsets[freq]))
    else:
        bounds = [*series.index[1:], None]
        step = {"M": pd.offsets.MonthBegin(1), "Q": pd.offsets.QuarterBegin(1, startingMonth=1),
                "Y": pd.offsets.YearBegin(1)}[freq]
        bounds[-1] = series.index[-1] + step
    expected = naive_series(reviews, series.index, bounds, clock, half_life, model)
    assert np.all(np.isfinite(series["score"]))
    np.testing.assert_allclose(series["score"].to_numpy(), expected, rtol=0, atol=1e-9)
    # Count columns agree with a plain recount.
    assert series["reviews"].iloc[-1] == n
    assert series["new_reviews"].sum() == n
    live_total = scoring.trust_score(reviews, as_of=bounds[-1], half_life_days=half_life,
                                     model=model)
    if clock == "live" or model == "trustpilot":
        assert series["score"].iloc[-1] == pytest.approx(live_total, abs=1e-9)


def test_series_effective_reviews_and_means() -> None:
    reviews = random_reviews(11, 250, 4)
    series = scoring.score_series(reviews, freq="M", half_life_days=90)
    last_bound = series.index[-1] + pd.offsets.MonthBegin(1)
    _, b, _ = decayed_sums(reviews, as_of=last_bound, half_life_days=90)
    assert series["effective_reviews"].iloc[-1] == pytest.approx(b, rel=1e-12)
    month = reviews["created_at"].dt.tz_convert(None).dt.to_period("M")
    plain = reviews.groupby(month)["rating"].mean()
    got = series["mean_rating"].dropna()
    np.testing.assert_allclose(got.to_numpy(), plain.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("model", MODELS)
def test_one_day_half_life_over_thirty_years_is_stable(model: str) -> None:
    reviews = random_reviews(12, 2000, 30)
    series = scoring.score_series(reviews, freq="D", half_life_days=1.0, model=model)
    assert len(series) > 10_000
    assert np.all(np.isfinite(series["score"]))
    assert series["score"].between(1, 5).all()


def test_a_tiny_half_life_after_a_long_quiet_spell_keeps_the_fitted_mean() -> None:
    """Weights relative to the instant underflow to 0 here (2 ** -3650); the weighted
    mean, measured from the newest review, does not: the newest review dominates."""
    reviews = reviews_aged([(3700, 1), (3650, 5)])
    later = T + pd.Timedelta(days=2000)
    expected = (7 * 3.5 + 2 * 5) / 9  # the older 1-star weighs 2 ** -50 against the 5
    assert scoring.trust_score(reviews, as_of=later, half_life_days=1.0) == pytest.approx(
        expected, abs=1e-12
    )
    series = scoring.score_series(reviews, freq="M", end=later, half_life_days=1.0)
    assert series["score"].iloc[-1] == pytest.approx(expected, abs=1e-12)
    assert decayed_sums(reviews, as_of=later, half_life_days=1.0)[1] == 0.0


def test_displayed_clock_recalculates_daily_above_ten_thousand_reviews() -> None:
    rng = np.random.default_rng(3)
    n = 12_000
    start = pd.Timestamp("2020-01-01", tz="UTC").value
    offsets = rng.uniform(0, 400 * NS_PER_DAY, n).astype("int64")
    reviews = pd.DataFrame(
        {"created_at": pd.to_datetime(start + offsets, utc=True), "rating": rng.integers(1, 6, n)}
    )
    live = scoring.score_series(reviews, clock="live", model="decayed-prior")
    shown = scoring.score_series(reviews, clock="displayed", model="decayed-prior")
    above = live["reviews"] > 10_000
    assert above.any()
    np.testing.assert_allclose(shown.loc[above, "score"], live.loc[above, "score"])
    below_gap = (shown.loc[~above, "score"] - live.loc[~above, "score"]).abs().max()
    assert below_gap > 1e-9  # per-review recalculation differs from the live value


def test_series_with_explicit_range_outside_the_data() -> None:
    reviews = reviews_aged([(0, 5)])
    series = scoring.score_series(
        reviews, start=T - pd.Timedelta(days=3), end=T + pd.Timedelta(days=2)
    )
    assert len(series) == 6
    assert series["score"].iloc[0] == 3.5
    assert series["new_reviews"].tolist() == [0, 0, 0, 1, 0, 0]


def test_a_small_old_profile_shows_what_trustpilot_shows() -> None:
    """The issue's case: 35 five-star reviews from 2019 to 2023, whose profile showed 4.8.
    The fitted model gives (7 * 3.5 + 35 * 5) / 42 = 4.75, shown 4.8; the decayed-prior
    form hands the score back to about 3.5."""
    days = pd.date_range("2019-01-15", "2023-11-30", periods=35, tz="UTC")
    reviews = pd.DataFrame({"created_at": days, "rating": [5] * 35})
    seen = pd.Timestamp("2026-06-25", tz="UTC")
    fitted = scoring.trust_score(reviews, as_of=seen)
    assert fitted == pytest.approx(4.75, abs=1e-12)
    assert scoring.display_score(fitted) == 4.8
    decayed = scoring.trust_score(reviews, as_of=seen, model="decayed-prior")
    assert scoring.display_score(decayed) == 3.5


def test_a_parameter_object_or_keywords_not_both() -> None:
    """Every scoring function takes a ScoreParams or the four keywords; both is refused."""
    reviews = reviews_aged([(0, 5), (30, 4), (400, 2)])
    params = scoring.ScoreParams(half_life_days=90, prior_count=5, model="decayed-prior")
    by_object = scoring.trust_score(reviews, as_of=T, params=params)
    by_keywords = scoring.trust_score(reviews, as_of=T, half_life_days=90, prior_count=5,
                                      model="decayed-prior")
    assert by_object == by_keywords
    series = scoring.score_series(reviews, freq="M", params=params)
    assert series["score"].equals(scoring.score_series(
        reviews, freq="M", half_life_days=90, prior_count=5, model="decayed-prior")["score"])
    with pytest.raises(scoring.ParameterError, match="Give params or half_life_days, not both"):
        scoring.trust_score(reviews, params=params, half_life_days=30)
    with pytest.raises(scoring.ParameterError, match="params must be a ScoreParams"):
        scoring.snapshot(reviews, params={"half_life_days": 30})  # type: ignore[arg-type]
