"""The projection engine against the closed forms of the model page (section 4)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring import projection as pj
from scoring.display import target_threshold
from scoring.model import ScoreParams, decayed_sums
from scoring.projection.goal_seek import AtDate
from scoring.projection.rates import UNIFORM_MIX
from scoring.projection.simulation import PoissonSampler
from scoring.validation import star_mix

T = pd.Timestamp("2025-06-30 12:00", tz="UTC")
HALF_LIFE = 182.5
INVITED_MIX = (0.02, 0.02, 0.06, 0.2, 0.7)  # mean 4.54
ORGANIC_MIX = (0.25, 0.1, 0.1, 0.2, 0.35)  # mean 3.3
STARS = np.arange(1, 6)


def history(reviews: int = 600, days: float = 400.0, seed: int = 3) -> pd.DataFrame:
    """A seeded review table ending at T (the newest review is at T exactly)."""
    rng = np.random.default_rng(seed)
    ages = np.concatenate(([0.0], rng.uniform(0, days, reviews - 1)))
    stars = rng.choice(5, reviews, p=[0.15, 0.05, 0.1, 0.25, 0.45]) + 1
    return pd.DataFrame(
        {
            "created_at": pd.to_datetime(T - pd.to_timedelta(ages, unit="D"), utc=True),
            "rating": stars.astype("int64"),
        }
    )


REVIEWS = history()
SCENARIO = dict(
    requests_per_day=20.0,
    response_rate=0.25,
    invited_mix=INVITED_MIX,
    organic_per_day=1.5,
    organic_mix=ORGANIC_MIX,
)


PARAM_KEYS = ("half_life_days", "prior_count", "prior_mean", "model")


def plan(**kw: object) -> pj.ProjectionInputs:
    """ProjectionInputs from keywords: the plan's fields and the model's (ScoreParams)."""
    params = ScoreParams(**{key: kw.pop(key) for key in PARAM_KEYS if key in kw})
    kw.setdefault("horizon_days", 1)
    kw.setdefault("requests_per_day", 0.0)
    return pj.ProjectionInputs(params=params, **kw)


# The engine's functions take one ProjectionInputs; these take the tests' keywords.


def project(reviews: pd.DataFrame, *, as_of: object = None, **kw: object) -> pj.Projection:
    return pj.project(reviews, plan(**kw), as_of=as_of)


def requests_needed(reviews: pd.DataFrame, *, target: object, by: object,
                    target_kind: str = "score", probability: float | None = None,
                    as_of: object = None, max_requests_per_day: float = 10_000.0,
                    **kw: object) -> pj.GoalSeek:
    return pj.requests_needed(reviews, plan(**kw), target=target, by=by,
                              target_kind=target_kind, probability=probability, as_of=as_of,
                              max_requests_per_day=max_requests_per_day)


def date_reached(reviews: pd.DataFrame, *, target: object, as_of: object = None,
                 horizon_days: int = 730, **kw: object) -> pd.Timestamp | None:
    return pj.date_reached(reviews, plan(**kw), target=target, as_of=as_of,
                           horizon_days=horizon_days)


def reachability(threshold: float, *, start_score: float | None = None,
                 response_rate: float = 1.0, **kw: object) -> pj.Reachability:
    return pj.reachability(plan(response_rate=response_rate, **kw), threshold,
                           start_score=start_score)


def expected_path(reviews: pd.DataFrame, *, horizon_days: int, arrivals_per_day: float,
                  mean_new_stars: float, as_of: object = None, **params: object
                  ) -> pd.DataFrame:
    return pj.expected_path(reviews, horizon_days=horizon_days,
                            arrivals_per_day=arrivals_per_day, mean_new_stars=mean_new_stars,
                            params=ScoreParams(**params), as_of=as_of)


def status_quo(reviews: pd.DataFrame, *, horizon_days: int, as_of: object = None,
               **params: object) -> pd.DataFrame:
    return pj.status_quo(reviews, horizon_days=horizon_days, params=ScoreParams(**params),
                         as_of=as_of)


def stop_collecting(reviews: pd.DataFrame, *, horizon_days: int, as_of: object = None,
                    **params: object) -> pd.DataFrame:
    return pj.stop_collecting(reviews, horizon_days=horizon_days,
                              params=ScoreParams(**params), as_of=as_of)


def half_life_sensitivity(reviews: pd.DataFrame, *, as_of: object = None, **kw: object
                          ) -> pd.DataFrame:
    return pj.half_life_sensitivity(reviews, plan(**kw), as_of=as_of)


def mix_mean(mix: tuple[float, ...]) -> float:
    return float(STARS @ np.asarray(mix))


def closed_form(a0: float, b0: float, rate: float, mean: float, h: np.ndarray, half_life: float):
    """The model page's formulas, written out independently of the module."""
    if math.isinf(half_life):
        return a0 + rate * mean * h, b0 + rate * h
    q = 2.0 ** (-1.0 / half_life)
    growth = (1 - q**h) / (1 - q)
    return q**h * a0 + rate * mean * growth, q**h * b0 + rate * growth


def expected_score_at(reviews: pd.DataFrame, requests: float, by: pd.Timestamp, **kw) -> float:
    """The expected score on ``by`` with ``requests`` a day, via expected_path."""
    rr, organic = kw["response_rate"], kw["organic_per_day"]
    invited = requests * rr
    rate = invited + organic
    mean = (invited * mix_mean(kw["invited_mix"]) + organic * mix_mean(kw["organic_mix"])) / rate
    h = int((by.floor("D") - T.floor("D")).days)
    path = expected_path(
        reviews, horizon_days=h, arrivals_per_day=rate, mean_new_stars=mean, as_of=T,
        model=kw.get("model", "trustpilot"),
    )
    return float(path["score"].iloc[-1])


# ------------------------------------------------------------------ closed form vs Monte Carlo


@pytest.mark.parametrize("half_life", [HALF_LIFE, 30.0, math.inf])
def test_monte_carlo_means_match_closed_form(half_life: float) -> None:
    proj = project(
        REVIEWS,
        horizon_days=365,
        paths=600,
        seed=11,
        as_of=T,
        half_life_days=half_life,
        **SCENARIO,
    )
    a0, b0, _ = decayed_sums(REVIEWS, as_of=T, half_life_days=half_life)
    inputs = proj.inputs
    rate, mean = inputs.arrivals_per_day, inputs.mean_new_stars
    days = np.array([1, 7, 30, 91, 182, 365])
    want_a, want_b = closed_form(a0, b0, rate, mean, days, half_life)
    rows = proj.mean_paths.iloc[days - 1]
    # The engine's expected path is the same closed form.
    closed = proj.expected.iloc[days - 1]
    np.testing.assert_allclose(closed["decayed_stars"], want_a, rtol=1e-12)
    np.testing.assert_allclose(closed["effective_reviews"], want_b, rtol=1e-12)
    # Monte Carlo means within 4 standard errors of the closed form.
    z_a = (rows["decayed_stars"] - want_a) / rows["decayed_stars_se"]
    z_b = (rows["effective_reviews"] - want_b) / rows["effective_reviews_se"]
    assert np.all(np.abs(z_a) < 4), z_a
    assert np.all(np.abs(z_b) < 4), z_b
    # The standard errors themselves match the compound-Poisson variance:
    # Var A_h = sum_k k^2 lambda_k * sum_{j<h} q^{2j}, Var B_h = r * sum_{j<h} q^{2j}.
    q2 = 1.0 if math.isinf(half_life) else 2.0 ** (-2.0 / half_life)
    squares = days if q2 == 1.0 else (1 - q2**days) / (1 - q2)
    lambdas = inputs.star_rates
    se_a = np.sqrt(float(lambdas @ STARS**2) * squares / inputs.paths)
    se_b = np.sqrt(rate * squares / inputs.paths)
    np.testing.assert_allclose(rows["decayed_stars_se"], se_a, rtol=0.2)
    np.testing.assert_allclose(rows["effective_reviews_se"], se_b, rtol=0.2)


@pytest.mark.parametrize("model", ["trustpilot", "decayed-prior"])
def test_expected_path_is_the_ratio_of_expected_sums(model: str) -> None:
    proj = project(REVIEWS, horizon_days=30, paths=50, as_of=T, model=model, **SCENARIO)
    e = proj.expected
    if model == "trustpilot":
        count = len(REVIEWS) + proj.inputs.arrivals_per_day * np.arange(1, 31)
        np.testing.assert_allclose(e["reviews"], count, rtol=1e-14)
        ratio = (7 * 3.5 + count * e["decayed_stars"] / e["effective_reviews"]) / (7 + count)
    else:
        ratio = (7 * 3.5 + e["decayed_stars"]) / (7 + e["effective_reviews"])
    np.testing.assert_allclose(e["score"], ratio, rtol=1e-14)
    assert proj.start_score == pytest.approx(
        scoring.trust_score(REVIEWS, as_of=T, model=model), abs=1e-12
    )
    assert e.index[0] == pd.Timestamp("2025-07-01", tz="UTC")
    assert e.index[-1] == pd.Timestamp("2025-07-30", tz="UTC")
    assert list(proj.bands.columns) == ["p10", "p25", "p50", "p75", "p90"]
    assert proj.bands.index.equals(e.index) and proj.mean_paths.index.equals(e.index)
    assert proj.score_paths.shape == (30, 50)


def test_day_one_adds_one_day_of_arrivals_at_full_weight() -> None:
    """Arrivals are counted at the day's end: A_1 = q A_0 + r mu_new exactly."""
    proj = project(REVIEWS, horizon_days=1, paths=10, as_of=T, **SCENARIO)
    a0, b0, _ = decayed_sums(REVIEWS, as_of=T)
    q = 2 ** (-1 / HALF_LIFE)
    inputs = proj.inputs
    assert proj.expected["decayed_stars"].iloc[0] == pytest.approx(
        q * a0 + inputs.arrivals_per_day * inputs.mean_new_stars, rel=1e-12
    )
    assert proj.expected["effective_reviews"].iloc[0] == pytest.approx(
        q * b0 + inputs.arrivals_per_day, rel=1e-12
    )
    # Without arrivals, day 1 is the live score one day later.
    flat = stop_collecting(REVIEWS, horizon_days=1, as_of=T)
    later = scoring.trust_score(REVIEWS, as_of=T + pd.Timedelta(days=1))
    assert flat["score"].iloc[0] == pytest.approx(later, abs=1e-12)


def test_percentile_bands_match_numpy() -> None:
    proj = project(
        REVIEWS,
        horizon_days=20,
        paths=301,
        as_of=T,
        percentiles=(5, 10, 50, 90, 97.5),
        **SCENARIO,
    )
    want = np.percentile(proj.score_paths, [5, 10, 50, 90, 97.5], axis=1).T
    np.testing.assert_allclose(proj.bands.to_numpy(), want, rtol=0, atol=1e-12)
    assert list(proj.bands.columns) == ["p5", "p10", "p50", "p90", "p97.5"]
    assert proj.mean_paths["score"].iloc[-1] == pytest.approx(proj.score_paths[-1].mean())


# ------------------------------------------------------------------ long run and baselines


def test_long_run_limit() -> None:
    rate, mean = 6.5, 4.2
    q = 2 ** (-1 / HALF_LIFE)
    want = (7 * 3.5 + rate * mean / (1 - q)) / (7 + rate / (1 - q))
    path = expected_path(
        REVIEWS, horizon_days=3660, arrivals_per_day=rate, mean_new_stars=mean, as_of=T,
        model="decayed-prior",
    )
    assert path["score"].iloc[-1] == pytest.approx(want, abs=1e-5)
    gaps = np.abs(path["score"].to_numpy() - want)
    assert gaps[-1] < gaps[364] < gaps[29]
    proj = project(
        REVIEWS,
        horizon_days=10,
        paths=20,
        as_of=T,
        requests_per_day=26.0,
        response_rate=0.25,
        invited_mix=(0, 0, 0.1, 0.5, 0.4),
        organic_per_day=0.0,
        organic_mix=ORGANIC_MIX,
        model="decayed-prior",
    )
    assert proj.inputs.arrivals_per_day == pytest.approx(6.5)
    assert proj.inputs.mean_new_stars == pytest.approx(4.3)
    assert proj.long_run_score == pytest.approx(
        (7 * 3.5 + 6.5 * 4.3 / (1 - q)) / (7 + 6.5 / (1 - q)), rel=1e-12
    )


def test_long_run_under_the_fitted_model_is_the_new_reviews_mean() -> None:
    """The prior fades against the growing count: the score tends to mu_new itself."""
    rate, mean = 6.5, 4.2
    path = expected_path(
        REVIEWS, horizon_days=3660, arrivals_per_day=rate, mean_new_stars=mean, as_of=T
    )
    gaps = np.abs(path["score"].to_numpy() - mean)
    assert gaps[-1] < gaps[364] < gaps[29]
    # After ten years: 7 prior reviews against about 24,000 reviews of mean 4.2.
    assert path["score"].iloc[-1] == pytest.approx(mean, abs=0.005)
    proj = project(REVIEWS, horizon_days=10, paths=20, as_of=T, **SCENARIO)
    assert proj.long_run_score == pytest.approx(proj.inputs.mean_new_stars, rel=1e-12)


def test_long_run_without_decay_is_the_new_reviews_mean() -> None:
    rate, mean = 10.0, 4.6
    path = expected_path(
        REVIEWS,
        horizon_days=3660,
        arrivals_per_day=rate,
        mean_new_stars=mean,
        as_of=T,
        half_life_days=math.inf,
    )
    gaps = np.abs(path["score"].to_numpy() - mean)
    assert np.all(np.diff(gaps) < 0)
    assert gaps[-1] < 0.02
    # With no decay A_h = A_0 + r mu h exactly.
    a0, b0, n = decayed_sums(REVIEWS, as_of=T, half_life_days=math.inf)
    assert b0 == n
    assert path["decayed_stars"].iloc[99] == pytest.approx(a0 + rate * mean * 100)
    proj = project(
        REVIEWS, horizon_days=5, paths=10, as_of=T, half_life_days=math.inf, **SCENARIO
    )
    assert proj.long_run_score == pytest.approx(proj.inputs.mean_new_stars)


def test_stop_collecting_drifts_to_the_prior() -> None:
    dp = {"model": "decayed-prior"}
    start = scoring.trust_score(REVIEWS, as_of=T, **dp)
    assert start > 3.6
    path = stop_collecting(REVIEWS, horizon_days=3660, as_of=T, **dp)["score"].to_numpy()
    assert np.all(np.diff(path) < 0)
    assert np.all(path > 3.5)
    assert path[-1] == pytest.approx(3.5, abs=1e-3)
    a0, b0, _ = decayed_sums(REVIEWS, as_of=T)
    q365 = 2 ** (-365 / HALF_LIFE)
    assert path[364] == pytest.approx((7 * 3.5 + q365 * a0) / (7 + q365 * b0), rel=1e-12)
    # A different prior: the drift goes to that prior.
    other = stop_collecting(REVIEWS, horizon_days=3660, as_of=T, prior_mean=4.0, **dp)
    assert other["score"].iloc[-1] == pytest.approx(4.0, abs=1e-3)
    proj = project(
        REVIEWS,
        horizon_days=5,
        paths=10,
        as_of=T,
        requests_per_day=0,
        response_rate=0.5,
        invited_mix=INVITED_MIX,
        organic_per_day=0,
        organic_mix=ORGANIC_MIX,
        **dp,
    )
    assert proj.long_run_score == 3.5
    assert proj.inputs.mean_new_stars is None
    np.testing.assert_allclose(proj.score_paths[-1], path[4], rtol=1e-12)


@pytest.mark.parametrize("half_life", [HALF_LIFE, 1.0])
def test_stop_collecting_is_flat_under_the_fitted_model(half_life: float) -> None:
    start = scoring.trust_score(REVIEWS, as_of=T, half_life_days=half_life)
    path = stop_collecting(REVIEWS, horizon_days=3660, as_of=T, half_life_days=half_life)
    # Flat for ten years, even where the decayed sums underflow (H = 1 day).
    np.testing.assert_allclose(path["score"], start, rtol=0, atol=1e-12)
    proj = project(
        REVIEWS, horizon_days=2000, paths=10, as_of=T, half_life_days=half_life,
        requests_per_day=0, response_rate=0.5, invited_mix=INVITED_MIX, organic_per_day=0,
        organic_mix=ORGANIC_MIX,
    )
    assert proj.long_run_score == pytest.approx(start, abs=1e-12)
    np.testing.assert_allclose(proj.score_paths, start, rtol=0, atol=1e-12)


def test_monte_carlo_score_under_the_fitted_model_centres_on_the_expected_path() -> None:
    """The simulated score's mean is the expected path up to the Jensen term (small with
    600 reviews), and each path's count grows by its own arrivals."""
    proj = project(REVIEWS, horizon_days=365, paths=800, seed=3, as_of=T, **SCENARIO)
    days = np.array([1, 30, 182, 365]) - 1
    mean = proj.mean_paths["score"].iloc[days].to_numpy()
    se = proj.mean_paths["score_se"].iloc[days].to_numpy()
    expected = proj.expected["score"].iloc[days].to_numpy()
    assert np.all(np.abs(mean - expected) < 4 * se + 2e-3), (mean, expected, se)


@settings(max_examples=300, deadline=None)
@given(
    stars=st.floats(0.0, 400.0), weight_share=st.floats(0.01, 1.0), count=st.floats(0.0, 300.0),
    slope=st.floats(0.0, 50.0), count_slope=st.floats(0.0, 200.0),
    mu_inv=st.floats(1.0, 5.0), threshold=st.floats(1.0, 5.0),
)
def test_first_reaching_is_the_smallest_volume_that_reaches(
    stars: float, weight_share: float, count: float, slope: float, count_slope: float,
    mu_inv: float, threshold: float,
) -> None:
    """The quadratic's smallest root against a fine scan of S(x), even where S is not
    monotone in the volume (a prior above the target, a low weighted mean)."""
    weights = weight_share * max(count, 1.0)
    at = AtDate(
        stars=min(stars, 5 * weights) if weights else 0.0, weights=weights, slope=slope,
        mu_inv=mu_inv, params=scoring.ScoreParams(), count=count, count_slope=count_slope,
        start_mean=3.0,
    )
    got = at.first_reaching(threshold)
    grid = np.concatenate(([0.0], np.geomspace(1e-6, 1e6, 1500)))
    hits = [x for x in grid if at.score(float(x)) >= threshold + 1e-7]
    if got is None:
        assert not hits
    else:
        assert at.score(got * (1 + 1e-9) + 1e-12) >= threshold - 1e-9
        below = [x for x in grid if x < got * (1 - 1e-6) - 1e-9]
        assert all(at.score(float(x)) < threshold + 1e-7 for x in below)


def test_status_quo_continues_the_last_90_days() -> None:
    rates = pj.recent_rates(REVIEWS, as_of=T)
    rate = rates.reviews_per_day
    mean = (
        rates.organic_per_day * rates.organic_mean_stars
        + rates.invited_per_day * rates.invited_mean_stars
    ) / rate
    want = expected_path(
        REVIEWS, horizon_days=200, arrivals_per_day=rate, mean_new_stars=mean, as_of=T
    )
    got = status_quo(REVIEWS, horizon_days=200, as_of=T)
    pd.testing.assert_frame_equal(got, want)
    # 600 reviews spread over 400 days: about 1.5 a day in any 90-day window.
    assert 1.0 < rate < 2.0


# ------------------------------------------------------------------ reachability and goal seek


def test_unreachable_target_is_reported_with_a_reason() -> None:
    mix = (0.05, 0.04, 0.08, 0.31, 0.52)  # mean 4.21
    threshold = target_threshold("Excellent", kind="label")
    result = reachability(
        threshold,
        invited_mix=mix,
        organic_per_day=2.0,
        organic_mix=ORGANIC_MIX,
    )
    assert not result.reachable and result.reason == "invited_too_low"
    assert result.ceiling == pytest.approx(4.21)
    assert result.invited_mean_stars == pytest.approx(4.21) and result.threshold == 4.25
    goal = requests_needed(
        REVIEWS,
        target="Excellent",
        target_kind="label",
        by=T + pd.Timedelta(days=365),
        response_rate=0.3,
        invited_mix=mix,
        organic_per_day=2.0,
        organic_mix=ORGANIC_MIX,
        as_of=T,
    )
    assert not goal.reachable and goal.requests_per_day is None and goal.expected_score is None
    assert goal.reason == result.reason
    reachable = reachability(
        threshold, invited_mix=INVITED_MIX, organic_per_day=2.0, organic_mix=ORGANIC_MIX
    )
    assert reachable.reachable and reachable.reason == "reachable"


def test_invited_reviews_below_the_score_pull_it_down() -> None:
    low_mix = (0.2, 0.1, 0.2, 0.3, 0.2)  # mean 3.2, below the current score
    by = T + pd.Timedelta(days=120)
    kw = dict(response_rate=0.5, invited_mix=low_mix, organic_per_day=1.5, organic_mix=INVITED_MIX)
    goal = requests_needed(REVIEWS, target=4.3, by=by, as_of=T, **kw)
    base = expected_score_at(REVIEWS, 0.0, by, **kw)
    assert base < 4.3
    assert not goal.reachable
    assert goal.ceiling == pytest.approx(base)
    assert goal.reason == "invited_pull_down" and goal.threshold == 4.3
    # More requests lower the expected score.
    assert expected_score_at(REVIEWS, 50.0, by, **kw) < base
    # ... and a target already met needs none.
    met = requests_needed(REVIEWS, target=base - 0.01, by=by, as_of=T, **kw)
    assert met.reachable and met.already_met and met.requests_per_day == 0.0


@pytest.mark.parametrize("model", ["trustpilot", "decayed-prior"])
def test_goal_seek_lands_on_the_smallest_volume(model: str) -> None:
    by = T + pd.Timedelta(days=180)
    goal = requests_needed(
        REVIEWS,
        target=4.5,
        target_kind="stars",
        by=by,
        as_of=T,
        response_rate=0.25,
        invited_mix=INVITED_MIX,
        organic_per_day=1.5,
        organic_mix=ORGANIC_MIX,
        model=model,
    )
    assert goal.reachable and goal.threshold == 4.25
    x = goal.requests_per_day
    assert x is not None and x > 1
    assert x == round(x, 2)
    kw = {k: v for k, v in SCENARIO.items() if k != "requests_per_day"}
    kw["model"] = model
    assert expected_score_at(REVIEWS, x, by, **kw) >= 4.25
    assert expected_score_at(REVIEWS, x - 0.01, by, **kw) < 4.25
    assert expected_score_at(REVIEWS, x - 0.05, by, **kw) < 4.25
    assert goal.expected_score == pytest.approx(expected_score_at(REVIEWS, x, by, **kw))
    assert goal.reason == "found"
    # The reverse: at that volume the expected score reaches 4.25 on `by` at the latest.
    reached = date_reached(
        REVIEWS, target=4.25, requests_per_day=x, as_of=T, horizon_days=400, **kw
    )
    assert reached is not None and reached <= by.floor("D")
    slower = date_reached(
        REVIEWS, target=4.25, requests_per_day=x - 0.05, as_of=T, horizon_days=400, **kw
    )
    assert slower is None or slower > by.floor("D")
    # A cap below the answer makes it unreachable.
    capped = requests_needed(
        REVIEWS, target=4.25, by=by, as_of=T, max_requests_per_day=x / 2, **kw
    )
    assert not capped.reachable and capped.reason == "above_limit"
    assert capped.requests_beyond_limit == x


@pytest.mark.parametrize("model", ["trustpilot", "decayed-prior"])
@pytest.mark.parametrize("probability", [0.8, 0.3])
def test_goal_seek_with_a_probability(probability: float, model: str) -> None:
    by = T + pd.Timedelta(days=120)
    kw = {k: v for k, v in SCENARIO.items() if k != "requests_per_day"}
    kw["model"] = model
    common = dict(as_of=T, paths=500, seed=5, **kw)
    goal = requests_needed(REVIEWS, target=4.2, by=by, probability=probability, **common)
    assert goal.reachable and goal.requests_per_day is not None
    x = goal.requests_per_day
    assert x == round(x, 2)
    expectation = requests_needed(REVIEWS, target=4.2, by=by, **common)
    assert expectation.requests_per_day is not None
    # Above a coin flip needs more than the expectation, below it less.
    assert (x > expectation.requests_per_day) == (probability > 0.5)

    def chance(volume: float) -> float:
        proj = project(
            REVIEWS, horizon_days=120, requests_per_day=volume, paths=500, seed=5, as_of=T, **kw
        )
        return proj.probability_at_or_above(4.2, by)

    # The smallest volume: at it the simulated chance is reached, a cent less falls short.
    assert chance(x) >= probability
    assert chance(x) == goal.achieved_probability
    assert probability - 0.05 < chance(x - 0.01) < probability
    assert goal.reason == "found" and goal.probability == probability
    # Under a cap below the answer it is out of reach.
    capped = requests_needed(
        REVIEWS, target=4.2, by=by, probability=probability, max_requests_per_day=x / 2, **common
    )
    assert not capped.reachable and capped.reason == "above_limit"
    assert capped.achieved_probability is not None and capped.achieved_probability < probability


def test_goal_seek_already_met_and_zero_response_rate() -> None:
    by = T + pd.Timedelta(days=30)
    kw = {k: v for k, v in SCENARIO.items() if k != "requests_per_day"}
    met = requests_needed(REVIEWS, target="Average", target_kind="label", by=by, as_of=T, **kw)
    assert met.requests_per_day == 0.0 and met.already_met and met.reason == "already_met"
    met_p = requests_needed(
        REVIEWS, target=3.0, by=by, as_of=T, probability=0.9, paths=200, **kw
    )
    assert met_p.requests_per_day == 0.0 and met_p.achieved_probability == 1.0
    kw["response_rate"] = 0.0
    none = requests_needed(REVIEWS, target=4.6, by=by, as_of=T, **kw)
    assert not none.reachable and none.reason == "no_responses"


def test_target_thresholds() -> None:
    assert target_threshold(4.1) == 4.1
    assert target_threshold("4.1") == 4.1
    assert target_threshold(4.5, kind="stars") == 4.25
    assert target_threshold(4, kind="stars") == 3.75
    assert target_threshold("Excellent", kind="label") == pytest.approx(4.25)
    assert target_threshold("great", kind="label") == pytest.approx(3.75)
    bands = scoring.LabelBands(excellent=4.5)
    assert target_threshold("Excellent", kind="label", bands=bands) == pytest.approx(4.45)
    with pytest.raises(ValueError, match="half star"):
        target_threshold(4.3, kind="stars")
    with pytest.raises(ValueError, match="kind='label'"):
        target_threshold("Excellent")
    with pytest.raises(ValueError, match="lowest label"):
        target_threshold("Bad", kind="label")
    with pytest.raises(ValueError, match="one of Excellent"):
        target_threshold("Superb", kind="label")


# ------------------------------------------------------------------ the Monte Carlo outputs


def test_reproducible_with_a_seed() -> None:
    kw = dict(horizon_days=90, paths=300, as_of=T, **SCENARIO)
    first = project(REVIEWS, seed=42, **kw)
    again = project(REVIEWS, seed=42, **kw)
    other = project(REVIEWS, seed=43, **kw)
    pd.testing.assert_frame_equal(first.bands, again.bands)
    np.testing.assert_array_equal(first.score_paths, again.score_paths)
    assert not first.bands.equals(other.bands)
    # The first days do not depend on the horizon.
    shorter = project(REVIEWS, seed=42, **{**kw, "horizon_days": 40})
    np.testing.assert_array_equal(shorter.score_paths, first.score_paths[:40])


def test_probability_and_first_crossing() -> None:
    proj = project(
        REVIEWS,
        horizon_days=200,
        paths=400,
        as_of=T,
        requests_per_day=40.0,
        response_rate=0.5,
        invited_mix=(0, 0, 0, 0, 1),
        organic_per_day=0.0,
        organic_mix=ORGANIC_MIX,
    )
    assert proj.start_score < 4.25
    crossing = proj.first_crossing("Excellent", kind="label")
    assert not crossing.already_met and crossing.share_crossed == 1.0
    assert crossing.p10 is not None and crossing.median is not None and crossing.p90 is not None
    assert crossing.p10 <= crossing.median <= crossing.p90
    expected_date = proj.expected.index[np.argmax(proj.expected["score"].to_numpy() >= 4.25)]
    assert abs((crossing.median - expected_date).days) <= 3
    on = crossing.median
    assert proj.probability_at_or_above(4.25, on) >= 0.5
    before = on - pd.Timedelta(days=1)
    assert proj.probability_at_or_above("Excellent", before, kind="label") < 0.5
    never = proj.first_crossing(4.99)
    assert never.share_crossed == 0.0 and never.median is None and never.p10 is None
    with pytest.raises(ValueError, match="after the projection's last day"):
        proj.probability_at_or_above(4.25, T + pd.Timedelta(days=400))
    with pytest.raises(ValueError, match="must fall 1 to"):
        proj.probability_at_or_above(4.25, T)


def test_poisson_sampler_inverts_the_distribution() -> None:
    rng = np.random.default_rng(0)
    uniforms = rng.random(200_000)
    for rate in (0.0, 0.3, 4.0, 55.0, 2500.0):
        sampler = PoissonSampler(rate)
        counts = sampler.counts(uniforms)
        np.testing.assert_array_equal(counts, np.searchsorted(sampler.cdf, uniforms))
        assert counts.mean() == pytest.approx(rate, abs=5 * math.sqrt(rate / 2e5) + 1e-12)
        assert counts.var() == pytest.approx(rate, rel=0.05, abs=1e-12)
    # Monotone in the rate for fixed uniforms (common random numbers).
    low, high = PoissonSampler(3.0).counts(uniforms), PoissonSampler(3.1).counts(uniforms)
    assert np.all(high >= low)


# ------------------------------------------------------------------ recent rates


def test_recent_rates_by_source() -> None:
    as_of = pd.Timestamp("2025-03-31 18:00", tz="UTC")

    def at(days_ago: float) -> pd.Timestamp:
        return as_of - pd.Timedelta(days=days_ago)

    rows = [
        # invited, in the window: 9 reviews -> 0.1 a day; mix 1x3, 3x4, 5x5 stars
        *[(at(d), 5, True) for d in (0, 1, 2, 3, 4)],
        *[(at(d), 4, True) for d in (10, 20, 30)],
        (at(89.5), 3, True),
        # organic (False or NA), in the window: 18 reviews -> 0.2 a day
        *[(at(d), 1, False) for d in range(6)],
        *[(at(d), 2, pd.NA) for d in range(6)],
        *[(at(d), 5, False) for d in range(6)],
        # outside the window (older than 90 days, or after as_of)
        (at(90.0), 1, True),
        (at(200), 1, False),
        (as_of + pd.Timedelta(hours=1), 1, True),
    ]
    table = pd.DataFrame(rows, columns=["created_at", "rating", "invited"])
    table["created_at"] = pd.to_datetime(table["created_at"], utc=True)
    table["invited"] = table["invited"].astype("boolean")
    rates = pj.recent_rates(table, as_of=as_of)
    assert rates.invited_per_day == pytest.approx(9 / 90)
    assert rates.organic_per_day == pytest.approx(18 / 90)
    assert rates.invited_mix == pytest.approx((0, 0, 1 / 9, 3 / 9, 5 / 9))
    assert rates.organic_mix == pytest.approx((1 / 3, 1 / 3, 0, 0, 1 / 3))
    assert rates.invited_reviews == 9 and rates.organic_reviews == 18
    assert rates.invited_mix_source == rates.organic_mix_source == "window"
    assert rates.has_invited_column
    # Reviews that do not count are left out.
    flagged = table.assign(counts=[True] * 8 + [False] + [True] * (len(table) - 9))
    assert pj.recent_rates(flagged, as_of=as_of).invited_per_day == pytest.approx(8 / 90)
    # Without an invited column every review is organic; the invited mix falls back.
    plain = pj.recent_rates(table.drop(columns="invited"), as_of=as_of, window_days=30)
    assert plain.invited_per_day == 0 and not plain.has_invited_column
    assert plain.organic_per_day == pytest.approx(25 / 30)  # 30 days ago is outside
    assert plain.invited_mix == plain.organic_mix
    assert plain.invited_mix_source == "window, all sources"
    # No reviews in the window: the all-time mix; no reviews at all: uniform.
    late = pj.recent_rates(table, as_of=as_of + pd.Timedelta(days=400))
    assert late.reviews_per_day == 0 and late.organic_mix_source == "all time"
    empty = pj.recent_rates(table.iloc[:0])
    assert empty.as_of is None and empty.organic_mix == UNIFORM_MIX
    assert empty.invited_mix_source == "uniform"
    # Defaults to the newest counted review.
    assert pj.recent_rates(table).as_of == as_of + pd.Timedelta(hours=1)


# ------------------------------------------------------------------ validation


def test_mix_validation() -> None:
    with pytest.raises(
        ValueError,
        match=r"^invited_mix must be five shares for 1\.\.5 stars that sum to 1; "
        r"these sum to 0\.9\.$",
    ):
        bad = {**SCENARIO, "invited_mix": (0.1, 0.1, 0.1, 0.1, 0.5)}
        project(REVIEWS, horizon_days=10, as_of=T, **bad)
    with pytest.raises(ValueError, match=r"organic_mix must be five shares.*got 4 value"):
        star_mix((0.25, 0.25, 0.25, 0.25), "organic_mix")
    with pytest.raises(ValueError, match="finite number >= 0"):
        star_mix((-0.1, 0.3, 0.3, 0.3, 0.2))
    with pytest.raises(ValueError, match="finite number >= 0"):
        star_mix((float("nan"), 0.25, 0.25, 0.25, 0.25))
    with pytest.raises(ValueError, match="keys must be the stars"):
        star_mix({0: 0.5, 5: 0.5})
    assert star_mix({5: 0.75, 4: 0.25}) == (0, 0, 0, 0.25, 0.75)
    assert sum(star_mix((0.2, 0.2, 0.2, 0.2, 0.2000005))) == pytest.approx(1, abs=1e-15)
    assert pj.mix_mean(INVITED_MIX) == pytest.approx(4.54)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"requests_per_day": -1}, "requests_per_day must be a number from 0"),
        ({"organic_per_day": float("inf")}, "organic_per_day must be a number from 0"),
        ({"response_rate": 1.5}, "response_rate must be a share from 0 to 1"),
        ({"horizon_days": 0}, "horizon_days must be a whole number from 1 to 3,660"),
        ({"horizon_days": 3661}, "horizon_days must be a whole number"),
        ({"horizon_days": 10.5}, "horizon_days must be a whole number"),
        ({"paths": 0}, "paths must be a whole number"),
        ({"paths": 20_000, "horizon_days": 730}, "paths x horizon_days must be at most"),
        ({"seed": -1}, "seed must be a whole number"),
        ({"half_life_days": 0}, "half_life_days must be positive"),
        ({"prior_count": -1}, "prior_count must be"),
        ({"percentiles": (10, 110)}, "percentiles must be distinct numbers"),
        ({"requests_per_day": True}, "requests_per_day must be a number"),
    ],
)
def test_parameter_validation(change: dict, message: str) -> None:
    kw = dict(horizon_days=30, paths=10, as_of=T, **SCENARIO)
    with pytest.raises(ValueError, match=message):
        project(REVIEWS, **{**kw, **change})


def test_goal_seek_validation() -> None:
    kw = {k: v for k, v in SCENARIO.items() if k != "requests_per_day"}
    with pytest.raises(ValueError, match="probability must be above 0"):
        requests_needed(REVIEWS, target=4.3, by=T + pd.Timedelta(days=30), probability=0, **kw)
    with pytest.raises(ValueError, match=r"by .* must fall 1 to 3,660 days after"):
        requests_needed(REVIEWS, target=4.3, by=T, as_of=T, **kw)
    with pytest.raises(scoring.ReviewDataError, match="give as_of"):
        project(REVIEWS.iloc[:0], horizon_days=10, **SCENARIO)
    # With as_of, an empty history starts from the prior.
    empty = project(REVIEWS.iloc[:0], horizon_days=10, paths=10, as_of=T, **SCENARIO)
    assert empty.start_score == 3.5 and empty.start_reviews == 0


# ------------------------------------------------------------------ half-life sensitivity


def test_half_life_sensitivity() -> None:
    table = half_life_sensitivity(REVIEWS, horizon_days=180, as_of=T, **SCENARIO)
    assert len(table) == 12
    assert table["half_life_months"].round(0).tolist() == list(range(1, 13))
    row = table.set_index("half_life_days").loc[182.5]
    proj = project(REVIEWS, horizon_days=180, paths=10, as_of=T, **SCENARIO)
    assert row["projected_score"] == pytest.approx(proj.expected["score"].iloc[-1], rel=1e-12)
    assert row["current_score"] == pytest.approx(proj.start_score, rel=1e-12)
    assert row["long_run_score"] == pytest.approx(proj.long_run_score, rel=1e-12)
    short = table.set_index("half_life_days").loc[30.4]
    assert short["current_score"] == pytest.approx(
        scoring.trust_score(REVIEWS, as_of=T, half_life_days=30.4)
    )
    # A shorter memory reacts faster: it moves further in 180 days.
    assert abs(short["change"]) > abs(row["change"])
