"""Uncertainty beyond Poisson arrivals: overdispersed days, volume level and star mix."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring.errors import ParameterError
from scoring.model import ScoreParams
from scoring.projection.simulation import (
    ArrivalDraws,
    Arrivals,
    PoissonSampler,
    poisson_counts,
    simulate,
)
from scoring.projection.start import start_state
from scoring.projection.uncertainty import Uncertainty, fit_uncertainty, overdispersion_of

T = pd.Timestamp("2025-06-30 12:00", tz="UTC")
INVITED_MIX = (0.02, 0.02, 0.06, 0.2, 0.7)
ORGANIC_MIX = (0.25, 0.1, 0.1, 0.2, 0.35)
STARS = np.arange(1.0, 6.0)


def history(reviews: int = 600, days: float = 400.0, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ages = np.concatenate(([0.0], rng.uniform(0, days, reviews - 1)))
    stars = rng.choice(5, reviews, p=[0.15, 0.05, 0.1, 0.25, 0.45]) + 1
    return pd.DataFrame({
        "created_at": pd.to_datetime(T - pd.to_timedelta(ages, unit="D"), utc=True),
        "rating": stars.astype("int64"),
    })


REVIEWS = history()


PLAIN = Uncertainty()


def inputs(uncertainty: Uncertainty = PLAIN, model: str = "trustpilot",
           **kw: object) -> scoring.ProjectionInputs:
    values: dict[str, object] = dict(horizon_days=120, requests_per_day=20.0, response_rate=0.25,
                                     invited_mix=INVITED_MIX, organic_per_day=1.5,
                                     organic_mix=ORGANIC_MIX, paths=400, seed=5)
    values.update(kw)
    return scoring.ProjectionInputs(params=ScoreParams(model=model),  # type: ignore[arg-type]
                                    uncertainty=uncertainty, **values)  # type: ignore[arg-type]


def test_the_default_is_plain_poisson_with_the_exact_sampler() -> None:
    assert inputs().uncertainty == Uncertainty() and Uncertainty().is_plain
    arrivals = Arrivals(5.0, INVITED_MIX, 1.5, ORGANIC_MIX)
    reviews, stars = ArrivalDraws(arrivals, Uncertainty(), paths=300, seed=9).next_days(40)
    uniforms = np.random.default_rng(9).random((40, 5, 300))
    counts = np.stack([PoissonSampler(float(rate)).counts(uniforms[:, k, :])
                       for k, rate in enumerate(arrivals.star_rates)], axis=1)
    np.testing.assert_array_equal(reviews, counts.sum(axis=1))
    np.testing.assert_array_equal(stars, (counts * STARS[None, :, None]).sum(axis=1))


@pytest.mark.parametrize("rate", [0.02, 0.4, 3.0, 17.5, 29.9])
def test_poisson_counts_invert_exactly_up_to_the_large_rate(rate: float) -> None:
    uniforms = np.random.default_rng(1).random(50_000)
    np.testing.assert_array_equal(poisson_counts(np.full(uniforms.shape, rate), uniforms),
                                  PoissonSampler(rate).counts(uniforms))


@pytest.mark.parametrize("rate", [31.0, 200.0, 5000.0])
def test_poisson_counts_above_the_large_rate_are_off_by_at_most_one(rate: float) -> None:
    uniforms = np.random.default_rng(2).random(50_000)
    got = poisson_counts(np.full(uniforms.shape, rate), uniforms)
    exact = PoissonSampler(rate).counts(uniforms)
    assert np.abs(got - exact).max() <= 1 and np.mean(got != exact) < 0.02


@pytest.mark.parametrize("phi", [0.15, 0.6])
def test_daily_counts_have_the_negative_binomial_moments(phi: float) -> None:
    """Mean r and variance r + phi r**2, within 5 standard errors of the estimates."""
    arrivals = Arrivals(4.0, INVITED_MIX, 2.0, ORGANIC_MIX)
    rate = 6.0
    counts, _ = ArrivalDraws(arrivals, Uncertainty(overdispersion=phi), paths=4000,
                             seed=3).next_days(50)
    x = counts.ravel()
    n = len(x)
    assert abs(x.mean() - rate) <= 5 * x.std() / math.sqrt(n)
    centred = x - x.mean()
    variance_se = math.sqrt(max(np.mean(centred**4) - x.var() ** 2, 0.0) / n)
    assert abs(x.var(ddof=1) - (rate + phi * rate**2)) <= 5 * variance_se
    # plain Poisson would have variance r: the overdispersion is there
    assert x.var() > rate + 0.5 * phi * rate**2


def test_each_path_draws_its_mix_from_the_dirichlet() -> None:
    alpha = 20.0
    arrivals = Arrivals(0.0, INVITED_MIX, 3.0, ORGANIC_MIX)
    draws = ArrivalDraws(arrivals, Uncertainty(mix_strength=alpha), paths=20_000, seed=4)
    shares = draws.star_rates / 3.0
    mix = np.asarray(ORGANIC_MIX)
    np.testing.assert_allclose(shares.sum(axis=0), 1.0)
    se_mean = np.sqrt(mix * (1 - mix) / (alpha + 1) / shares.shape[1])
    assert np.all(np.abs(shares.mean(axis=1) - mix) <= 5 * se_mean)
    expected_var = mix * (1 - mix) / (alpha + 1)
    assert np.all(np.abs(shares.var(axis=1) / expected_var - 1) < 0.06)
    # the reviews of a path follow its own mix: stars per review, pooled over days
    reviews, stars = draws.next_days(64)
    per_path = stars.sum(axis=0) / np.maximum(reviews.sum(axis=0), 1)
    own_mean = STARS @ shares
    assert np.corrcoef(per_path, own_mean)[0, 1] > 0.8


def test_the_volume_level_is_a_gamma_with_variance_one_over_kappa() -> None:
    kappa = 8.0
    arrivals = Arrivals(2.0, INVITED_MIX, 1.0, ORGANIC_MIX)
    draws = ArrivalDraws(arrivals, Uncertainty(volume_strength=kappa), paths=20_000, seed=6)
    levels = draws.path_rates / 3.0
    assert abs(levels.mean() - 1) <= 5 * math.sqrt(1 / kappa / len(levels))
    assert abs(levels.var() * kappa - 1) < 0.06


def test_an_unseen_rate_adds_organic_arrivals_at_a_jeffreys_gamma_rate() -> None:
    r0 = 0.05
    arrivals = Arrivals(0.0, INVITED_MIX, 0.0, ORGANIC_MIX)
    draws = ArrivalDraws(arrivals, Uncertainty(unseen_rate=r0), paths=40_000, seed=7)
    rates = draws.path_rates
    # Gamma(shape 1/2, scale 2 r0): mean r0, variance 2 r0**2
    assert abs(rates.mean() / r0 - 1) < 0.03
    assert abs(rates.var() / (2 * r0 * r0) - 1) < 0.1
    # its stars come from the organic mix (known exactly here)
    shares = draws.star_rates.sum(axis=1) / rates.sum()
    np.testing.assert_allclose(shares, ORGANIC_MIX, atol=1e-9)
    reviews, stars = draws.next_days(90)
    assert reviews.sum() / (90 * len(rates)) == pytest.approx(r0, rel=0.05)
    assert stars.sum() / reviews.sum() == pytest.approx(float(STARS @ ORGANIC_MIX), abs=0.05)
    # on top of the given rates, and without an unseen rate nothing arrives from nothing
    more = ArrivalDraws(Arrivals(1.0, INVITED_MIX, 2.0, ORGANIC_MIX),
                        Uncertainty(volume_strength=1e9, unseen_rate=r0), paths=40_000, seed=7)
    assert more.path_rates.mean() == pytest.approx(3.0 + r0, rel=0.01)
    none = ArrivalDraws(arrivals, Uncertainty(overdispersion=0.5), paths=100, seed=7)
    assert none.next_days(30)[0].sum() == 0


def test_the_mix_and_volume_walk_one_step_per_block_and_leave_the_first_block_alone() -> None:
    beta, v, block = 20.0, 0.1, 30
    arrivals = Arrivals(2.0, INVITED_MIX, 1.0, ORGANIC_MIX)
    walking = Uncertainty(overdispersion=0.2, mix_strength=50.0, volume_strength=10.0,
                          mix_drift_strength=beta, volume_drift=v, drift_days=block)
    still = Uncertainty(overdispersion=0.2, mix_strength=50.0, volume_strength=10.0)
    draws = ArrivalDraws(arrivals, walking, paths=20_000, seed=8)
    fixed = ArrivalDraws(arrivals, still, paths=20_000, seed=8)
    first = [d.next_days(block) for d in (draws, fixed)]
    np.testing.assert_array_equal(first[0][0], first[1][0])
    np.testing.assert_array_equal(first[0][1], first[1][1])
    mixes, level = draws.organic_mixes.copy(), draws.level.copy()
    draws.next_days(1)  # the first day of the second block moved the walk once
    moved = draws.organic_mixes
    # Dirichlet(beta p) around each path's p: mean p, variance p (1 - p) / (beta + 1)
    step = moved - mixes
    assert np.abs(step.mean(axis=1)).max() < 0.005
    expected = (mixes * (1 - mixes)).mean(axis=1) / (beta + 1)
    np.testing.assert_allclose((step**2).mean(axis=1), expected, rtol=0.08)
    ratio = draws.level / level
    assert abs(ratio.mean() - 1) < 0.01 and abs(ratio.var() / v - 1) < 0.08
    np.testing.assert_allclose(draws.path_rates, draws.star_rates.sum(axis=0))
    # the rest of the second block keeps those mixes, the third moves them again
    draws.next_days(block - 1)
    np.testing.assert_array_equal(draws.organic_mixes, moved)
    kept = moved.copy()
    draws.next_days(1)
    assert not np.array_equal(draws.organic_mixes, kept)


def test_drift_widens_the_later_bands_only() -> None:
    start = start_state(REVIEWS, T, ScoreParams())
    arrivals = Arrivals(3.0, INVITED_MIX, 1.0, ORGANIC_MIX)
    still = Uncertainty(overdispersion=0.2, mix_strength=40.0, volume_strength=20.0)
    walking = Uncertainty(overdispersion=0.2, mix_strength=40.0, volume_strength=20.0,
                          mix_drift_strength=40.0, volume_drift=0.05)
    spread = {}
    for name, u in (("still", still), ("walking", walking)):
        scores = simulate(start, ScoreParams(), arrivals, days=360, paths=1500, seed=2,
                          record=True, uncertainty=u).scores
        q = np.percentile(scores, [10, 90], axis=1)
        spread[name] = q[1] - q[0]
    np.testing.assert_array_equal(spread["still"][:90], spread["walking"][:90])
    assert spread["walking"][-1] > 1.15 * spread["still"][-1]


SPREAD = Uncertainty(overdispersion=0.4, mix_strength=15.0, volume_strength=10.0)


@pytest.mark.parametrize("model", ["trustpilot", "decayed-prior"])
def test_same_seed_same_paths_and_the_first_days_ignore_the_horizon(model: str) -> None:
    params = ScoreParams(model=model)  # type: ignore[arg-type]
    start = start_state(REVIEWS, None, params)
    arrivals = Arrivals(5.0, INVITED_MIX, 1.5, ORGANIC_MIX)

    def run(days: int, seed: int = 11) -> np.ndarray:
        return simulate(start, params, arrivals, days=days, paths=300, seed=seed, record=True,
                        uncertainty=SPREAD).scores

    long, short = run(200), run(70)
    np.testing.assert_array_equal(run(200), long)
    np.testing.assert_array_equal(long[:70], short)
    assert not np.array_equal(run(70, seed=12), short)


def test_more_requests_never_draw_fewer_reviews() -> None:
    def counts(requests: float) -> np.ndarray:
        arrivals = Arrivals(requests * 0.3, INVITED_MIX, 1.5, ORGANIC_MIX)
        return ArrivalDraws(arrivals, SPREAD, paths=500, seed=8).next_days(64)[0]

    low, middle, high = counts(2.0), counts(2.01), counts(40.0)
    assert np.all(middle >= low) and np.all(high >= middle)
    assert high.sum() > middle.sum() > low.sum()


@pytest.mark.parametrize("model", ["trustpilot", "decayed-prior"])
def test_uncertainty_widens_the_bands_around_the_same_centre(model: str) -> None:
    plain = scoring.project(REVIEWS, inputs(model=model, paths=1000))
    wide = scoring.project(REVIEWS, inputs(SPREAD, model=model, paths=1000))
    width = lambda p: (p.bands["p90"] - p.bands["p10"]).iloc[89]  # noqa: E731
    assert width(wide) > 1.5 * width(plain)
    pd.testing.assert_frame_equal(wide.expected, plain.expected)
    # the centre stays the expected path (up to the Jensen term and Monte Carlo error)
    assert abs(wide.mean_paths["score"].iloc[89] - wide.expected["score"].iloc[89]) < 0.03


def test_goal_seek_with_a_probability_asks_more_under_more_uncertainty() -> None:
    by = T + pd.Timedelta(days=120)
    plain = scoring.requests_needed(REVIEWS, inputs(paths=400), target=4.1, by=by,
                                    probability=0.8)
    wide = scoring.requests_needed(REVIEWS, inputs(SPREAD, paths=400), target=4.1, by=by,
                                   probability=0.8)
    assert plain.reason == wide.reason == "found"
    assert wide.requests_per_day > plain.requests_per_day
    check = scoring.project(REVIEWS, inputs(SPREAD, paths=400, horizon_days=120,
                                            requests_per_day=wide.requests_per_day))
    assert check.probability_at_or_above(4.1, by) == pytest.approx(wide.achieved_probability)


def negative_binomial_history(days: int, mean: float, phi: float, seed: int = 0
                              ) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(rng.gamma(1 / phi, phi * mean, size=days))
    day = np.repeat(np.arange(days), counts)
    stamps = T - pd.to_timedelta(days - day, unit="D") + pd.Timedelta(hours=1)
    return pd.DataFrame({"created_at": stamps,
                         "rating": rng.choice(5, len(day), p=ORGANIC_MIX) + 1})


@pytest.mark.parametrize("phi", [0.0, 0.3, 0.8])
def test_fit_recovers_the_overdispersion_of_a_negative_binomial_history(phi: float) -> None:
    reviews = negative_binomial_history(3000, 4.0, phi) if phi else negative_binomial_history(
        3000, 4.0, 1e-9)
    fitted = fit_uncertainty(reviews, as_of=T, dispersion_days=3000)
    assert fitted.overdispersion == pytest.approx(phi, abs=0.08)


def test_fit_reads_only_data_before_as_of_and_bounds_alpha_by_the_window() -> None:
    reviews = negative_binomial_history(800, 3.0, 0.3, seed=1)
    as_of = T - pd.Timedelta(days=200)
    fitted = fit_uncertainty(reviews, as_of=as_of)
    later = pd.concat([reviews[reviews["created_at"] <= as_of],
                       reviews[reviews["created_at"] > as_of].assign(rating=1)])
    assert fit_uncertainty(later, as_of=as_of) == fitted
    window = int(((reviews["created_at"] > as_of - pd.Timedelta(days=90))
                  & (reviews["created_at"] <= as_of)).sum())
    assert fitted.mix_strength is not None and 1 <= fitted.mix_strength <= window
    assert fitted.volume_strength is not None and fitted.volume_strength <= window
    assert fit_uncertainty(reviews.iloc[:0]) == Uncertainty()
    assert fitted.unseen_rate == 0.0


def test_the_walk_steps_by_the_drift_measured_between_windows() -> None:
    rng = np.random.default_rng(5)
    days = np.arange(720)
    # the share of 5 stars jumps between 0.3 and 0.8 from one 90-day window to the next
    high = (days // 90) % 2 == 0
    frames = []
    for day in days:
        n = rng.poisson(8.0 if high[day] else 2.0)
        p5 = 0.8 if high[day] else 0.3
        stars = np.where(rng.random(n) < p5, 5, 1)
        frames.append(pd.DataFrame({
            "created_at": T - pd.Timedelta(days=720 - int(day)) + pd.Timedelta(hours=1),
            "rating": stars}))
    drifting = pd.concat(frames, ignore_index=True)
    fitted = fit_uncertainty(drifting, as_of=T)
    assert fitted.drift_days == 90
    # mean stars move by 2 stars between windows: d2 about 4, s2 about 4: beta near 1
    assert fitted.mix_drift_strength is not None and fitted.mix_drift_strength < 3
    # the volume alternates between 8 and 2 a day: relative drift ((6 / 5)**2) / 2 = 0.72
    assert 0.4 < fitted.volume_drift < 1.0
    steady = negative_binomial_history(720, 6.0, 1e-9, seed=4)
    calm = fit_uncertainty(steady, as_of=T)
    assert calm.volume_drift < 0.02
    assert calm.mix_drift_strength is None or calm.mix_drift_strength > 50


def test_an_empty_window_gets_the_jeffreys_rate_and_the_all_time_mix_spread() -> None:
    reviews = negative_binomial_history(800, 3.0, 0.3, seed=1)
    as_of = T - pd.Timedelta(days=200)
    quiet = reviews[(reviews["created_at"] <= as_of - pd.Timedelta(days=120))
                    | (reviews["created_at"] > as_of)]
    fitted = fit_uncertainty(quiet, as_of=as_of, window_days=90)
    assert fitted.unseen_rate == pytest.approx(1 / 180)
    assert fitted.volume_strength is None and fitted.mix_strength == 30.0
    assert not fitted.is_plain
    assert fit_uncertainty(quiet, as_of=as_of, window_days=60).unseen_rate == pytest.approx(
        1 / 120)
    one = quiet[quiet["created_at"] <= as_of - pd.Timedelta(days=120)].iloc[:3]
    assert fit_uncertainty(one, as_of=as_of).mix_strength == 3.0


def test_method_of_moments() -> None:
    assert overdispersion_of(np.array([2.0, 2.0, 2.0])) == 0.0
    counts = np.array([0.0, 10.0, 0.0, 10.0])
    assert overdispersion_of(counts) == pytest.approx((counts.var(ddof=1) - 5) / 25)


@pytest.mark.parametrize("bad", [
    dict(overdispersion=-0.1), dict(overdispersion=math.nan), dict(overdispersion="1"),
    dict(mix_strength=0.0), dict(mix_strength=math.inf), dict(volume_strength=-1.0),
    dict(unseen_rate=-0.01), dict(unseen_rate=math.inf), dict(unseen_rate=None),
    dict(mix_drift_strength=0.0), dict(mix_drift_strength=math.nan), dict(volume_drift=-0.1),
    dict(volume_drift=math.inf), dict(drift_days=0), dict(drift_days=2.5),
])
def test_bad_uncertainty_is_refused(bad: dict) -> None:
    with pytest.raises(ParameterError):
        Uncertainty(**bad)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ParameterError, match="Uncertainty"):
        inputs(uncertainty=0.3)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="window_days"):
        fit_uncertainty(REVIEWS, window_days=0)
    with pytest.raises(ParameterError, match="dispersion_days"):
        fit_uncertainty(REVIEWS, dispersion_days=1)


def test_the_first_guess_of_the_goal_seek_widens_with_the_uncertainty() -> None:
    """normal_guess adds the day, volume and mix variance: more requests for the same
    chance, and closer to what the simulated search finds."""
    from scoring.projection.goal_seek import at_date, normal_guess

    params = ScoreParams()
    start = start_state(REVIEWS, None, params)
    plan = inputs(SPREAD, paths=400)
    at = at_date(start, params, 120, plan.response_rate, plan.invited_mean_stars,
                 plan.organic_per_day, plan.organic_mean_stars)

    def guess(spread: Uncertainty | None) -> int:
        return normal_guess(at, 0.8, 400, 120, params, plan.response_rate, plan.invited_mix,
                            plan.organic_per_day, plan.organic_mix, 4.1, 10_000.0, spread)

    plain, wide = guess(None), guess(SPREAD)
    assert guess(PLAIN) == plain < wide
    found = scoring.requests_needed(REVIEWS, plan, target=4.1, by=T + pd.Timedelta(days=120),
                                    probability=0.8)
    assert found.requests_per_day is not None
    assert abs(wide / 100 - found.requests_per_day) < abs(plain / 100 - found.requests_per_day)
