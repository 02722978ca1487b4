"""The expected path in closed form, its long-run limit, and the two baselines.

**Arrival convention.** The reviews of day ``h`` arrive *at the end of the day*,
counted at full weight there, so the running sums follow::

    A_h = q * A_{h-1} + (stars arriving on day h)        q = 2 ** (-1 / H)
    B_h = q * B_{h-1} + (reviews arriving on day h)      n_h = n_{h-1} + (reviews arriving)

and, taking expectations at ``r`` reviews a day of mean stars ``mu_new`` (the model
page's closed form, which is exactly this convention)::

    E[A_h] = q**h * A_0 + r * mu_new * (1 - q**h) / (1 - q)     (H = inf: A_0 + r mu_new h)
    E[B_h] = q**h * B_0 + r * (1 - q**h) / (1 - q)              (H = inf: B_0 + r h)
    E[n_h] = n_0 + r h

Counting a day's reviews at its end rather than spread over it overstates their
weight by at most a factor ``q**-1`` (0.38% with H = 182.5 days, 0.19% on average).

**Expected path.** The score of the expected sums: "decayed-prior"
``S_h = (m mu + E[A_h]) / (m + E[B_h])``; "trustpilot"
``S_h = (m mu + E[n_h] M_h) / (m + E[n_h])`` with ``M_h = E[A_h] / E[B_h]`` (the
start's weighted mean when ``r = 0``: the score does not move without reviews).
A *ratio of expectations*, not the expectation of the score ratio; the two differ
by a Jensen term that shrinks as the number of effective reviews grows. The Monte
Carlo bands (:mod:`scoring.projection.simulation`) show the distribution itself.

**Long run.** As ``h -> inf`` with ``r > 0``: "trustpilot" ``mu_new`` (the new
reviews' mean; the prior fades against the growing count); "decayed-prior"
``(m mu + r mu_new / (1 - q)) / (m + r / (1 - q))``, and ``mu_new`` without decay.
With ``r = 0`` the "trustpilot" score stays where it is; the "decayed-prior" one
drifts to the prior mean ``mu`` (or stays where it is when there is no decay, or no
prior).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scoring import validation
from scoring.errors import ParameterError
from scoring.model import ScoreParams, score_from_sums
from scoring.projection.inputs import MAX_HORIZON_DAYS, MAX_RATE_PER_DAY
from scoring.projection.rates import DEFAULT_WINDOW_DAYS, recent_rates
from scoring.projection.start import StartState, day_grid, start_state

LN2 = math.log(2.0)


def decay_and_growth(
    h: np.ndarray | float, half_life_days: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(q**h, (1 - q**h) / (1 - q))`` with ``q = 2 ** (-1/H)``; ``(1, h)`` when H = inf.

    Uses ``expm1`` so that long half-lives keep their precision.
    """
    days = np.asarray(h, dtype="float64")
    if math.isinf(half_life_days):
        return np.ones_like(days), days.copy()
    k = LN2 / half_life_days
    return np.exp(-k * days), np.expm1(-k * days) / math.expm1(-k)


def score_of_sums(params: ScoreParams, a: np.ndarray, b: np.ndarray, n: np.ndarray | float,
                  fallback_mean: float) -> np.ndarray:
    """The score of decayed sums ``a``, ``b`` and counts ``n`` under ``params``
    (:func:`scoring.model.score_from_sums`); under "trustpilot" the weighted mean is
    ``a / b``, or ``fallback_mean`` (the start's) where ``b`` is 0: no review weighs
    anything yet, or the old ones underflowed without a new one arriving."""
    if not params.is_trustpilot:
        return score_from_sums(a, b, n, params)
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(b > 0, a / b, fallback_mean)
    return score_from_sums(a, b, n, params, weighted_mean=mean)


def long_run_score(params: ScoreParams, rate: float, mean_new: float, start_score: float
                   ) -> float:
    """The limit of the expected score as ``h -> inf`` (see the module docstring)."""
    m, mu, h = params.prior_count, params.prior_mean, params.half_life_days
    if params.is_trustpilot:
        return float(mean_new) if rate > 0 else float(start_score)
    if rate > 0:
        if math.isinf(h):
            return float(mean_new)
        weight = rate / -math.expm1(-LN2 / h)  # r / (1 - q)
        return float((m * mu + weight * mean_new) / (m + weight))
    if m > 0 and not math.isinf(h):
        return float(mu)
    return float(start_score)


def expected_frame(
    start: StartState, params: ScoreParams, rate: float, mean_new: float, days: int
) -> pd.DataFrame:
    """The expected path from ``start`` for ``days`` days (columns as :func:`expected_path`)."""
    horizon = np.arange(1, days + 1)
    decay, growth = decay_and_growth(horizon, params.half_life_days)
    new_stars = rate * mean_new if rate > 0 else 0.0
    a = decay * start.decayed_stars + new_stars * growth
    b = decay * start.effective_reviews + rate * growth
    n = start.reviews + rate * horizon.astype("float64")
    if rate > 0:
        score = score_of_sums(params, a, b, n, start.weighted_mean)
    else:  # nothing arrives: under "trustpilot" the weighted mean stays exactly
        score = score_from_sums(a, b, n, params, weighted_mean=start.weighted_mean)
    return pd.DataFrame(
        {"score": score, "decayed_stars": a, "effective_reviews": b, "reviews": n},
        index=day_grid(start.as_of, days),
    )


def expected_path(
    reviews: pd.DataFrame,
    *,
    horizon_days: int,
    arrivals_per_day: float,
    mean_new_stars: float,
    params: ScoreParams | None = None,
    as_of: object = None,
) -> pd.DataFrame:
    """The expected path in closed form: ``arrivals_per_day`` reviews averaging ``mean_new_stars``.

    One row per day h = 1..horizon_days (index ``date``, see
    :mod:`scoring.projection.start`)::

        decayed_stars      E[A_h] = q**h A_0 + r mu_new (1 - q**h) / (1 - q)
        effective_reviews  E[B_h] = q**h B_0 + r (1 - q**h) / (1 - q)
        reviews            E[n_h] = n_0 + r h
        score              "decayed-prior": (m mu + E[A_h]) / (m + E[B_h]);
                           "trustpilot": (m mu + E[n_h] E[A_h] / E[B_h]) / (m + E[n_h])

    With ``H = inf`` the growth term ``(1 - q**h) / (1 - q)`` is ``h``. ``params``
    defaults to the published model (:class:`~scoring.model.ScoreParams`).
    """
    days = validation.whole("horizon_days", horizon_days, 1, MAX_HORIZON_DAYS)
    rate = validation.rate("arrivals_per_day", arrivals_per_day, 2 * MAX_RATE_PER_DAY)
    mean_new = validation.number("mean_new_stars", mean_new_stars)
    if rate > 0 and not 1.0 <= mean_new <= 5.0:
        raise ParameterError(f"mean_new_stars must be from 1 to 5, got {mean_new_stars!r}.")
    params = params if params is not None else ScoreParams()
    start = start_state(reviews, as_of, params)
    return expected_frame(start, params, rate, mean_new, days)


def status_quo(
    reviews: pd.DataFrame,
    *,
    horizon_days: int,
    params: ScoreParams | None = None,
    as_of: object = None,
    window_days: float = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """The expected path if the last ``window_days`` of volume and mix continue.

    Trustpilot's own forecast: ``r`` = all counted reviews in the window divided by
    ``window_days``, ``mu_new`` their mean stars (see
    :func:`~scoring.projection.rates.recent_rates`). Columns as :func:`expected_path`.
    """
    days = validation.whole("horizon_days", horizon_days, 1, MAX_HORIZON_DAYS)
    params = params if params is not None else ScoreParams()
    start = start_state(reviews, as_of, params)
    rates = recent_rates(reviews, as_of=start.as_of, window_days=window_days)
    rate = rates.reviews_per_day
    mean_new = (
        (
            rates.organic_per_day * rates.organic_mean_stars
            + rates.invited_per_day * rates.invited_mean_stars
        )
        / rate
        if rate > 0
        else 0.0
    )
    return expected_frame(start, params, rate, mean_new, days)


def stop_collecting(
    reviews: pd.DataFrame,
    *,
    horizon_days: int,
    params: ScoreParams | None = None,
    as_of: object = None,
) -> pd.DataFrame:
    """The expected path if no review arrives at all (``r = 0``).

    "trustpilot": flat at the start score (the weighted mean and the count stay);
    "decayed-prior": ``S_h = (m mu + q**h A_0) / (m + q**h B_0)``, drifting to the
    prior mean ``mu``. Columns as :func:`expected_path`.
    """
    days = validation.whole("horizon_days", horizon_days, 1, MAX_HORIZON_DAYS)
    params = params if params is not None else ScoreParams()
    start = start_state(reviews, as_of, params)
    return expected_frame(start, params, 0.0, 0.0, days)
