"""Why the score moved: new reviews by stars versus the ageing of older ones.

Between instants t0 and t1 (``d = t1 - t0`` days, ``q = 2 ** (-1 / H)``), with
``P = m * mu`` and ``A0, B0`` the decayed sums at t0::

    S0      = (P + A0) / (m + B0)
    S_aged  = (P + A0 q^d) / (m + B0 q^d)              older reviews aged to t1, nothing new
    S1      = (P + A0 q^d + sum_k k b_k) / (m + B0 q^d + sum_k b_k)

where ``b_k`` is the weight at t1 of the new k-star reviews. The change splits
exactly into ``ageing = S_aged - S0`` and, for each star k,
``effect_k = b_k (k - S_aged) / (m + B0 q^d + sum_j b_j)``: a new review helps when
its stars exceed the aged score and hurts when below, independently of order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.model import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_PRIOR_COUNT,
    DEFAULT_PRIOR_MEAN,
    NS_PER_DAY,
    ScoreParams,
    counted_reviews,
    decay_factor,
    decayed_sums,
    times_ns,
    to_utc_timestamp,
)


@dataclass(frozen=True)
class Attribution:
    """The change of the live score from ``start`` to ``end``, split exactly.

    ``start_score + ageing + sum(by_stars.values()) == end_score`` (to float precision).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    start_score: float
    end_score: float
    ageing: float
    by_stars: dict[int, float]
    new_reviews: dict[int, int]

    @property
    def change(self) -> float:
        """``end_score - start_score``."""
        return self.end_score - self.start_score


def explain_change(
    reviews: pd.DataFrame,
    *,
    start: object,
    end: object,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
) -> Attribution:
    """Split ``S(end) - S(start)`` into ageing and the effect of new reviews by stars."""
    params = ScoreParams(half_life_days, prior_count, prior_mean)
    t0, t1 = to_utc_timestamp(start, "start"), to_utc_timestamp(end, "end")
    if t1 < t0:
        raise ValueError(f"end ({t1:%Y-%m-%d}) is before start ({t0:%Y-%m-%d}).")
    counted = counted_reviews(reviews)
    a0, b0, _ = decayed_sums(counted, as_of=t0, half_life_days=params.half_life_days)
    m, prior = params.prior_count, params.prior_count * params.prior_mean
    days = (t1 - t0) / pd.Timedelta(days=1)
    ageing_factor = float(decay_factor(days, params.half_life_days))
    aged_a, aged_b = a0 * ageing_factor, b0 * ageing_factor

    times = times_ns(counted)
    stars = counted["rating"].to_numpy(dtype="int64")
    new = (times > t0.as_unit("ns").value) & (times <= t1.as_unit("ns").value)
    weights = decay_factor((t1.as_unit("ns").value - times[new]) / NS_PER_DAY,
                           params.half_life_days)
    weight_by_star = np.bincount(stars[new], weights=weights, minlength=6)[1:6]
    count_by_star = np.bincount(stars[new], minlength=6)[1:6]

    def ratio(numerator: float, denominator: float) -> float:
        return numerator / denominator if denominator > 0 else params.prior_mean

    start_score = ratio(prior + a0, m + b0)
    aged_score = ratio(prior + aged_a, m + aged_b)
    end_denominator = m + aged_b + weight_by_star.sum()
    end_score = ratio(prior + aged_a + weight_by_star @ np.arange(1, 6), end_denominator)
    by_stars = {
        k: (float(weight_by_star[k - 1] * (k - aged_score) / end_denominator)
            if end_denominator > 0 else 0.0)
        for k in range(1, 6)
    }
    return Attribution(
        start=t0, end=t1, start_score=start_score, end_score=end_score,
        ageing=aged_score - start_score, by_stars=by_stars,
        new_reviews={k: int(count_by_star[k - 1]) for k in range(1, 6)},
    )


def heaviest_reviews(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    n: int = 20,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> pd.DataFrame:
    """The ``n`` counted reviews that weigh most at ``as_of`` (newest first on ties).

    Adds ``weight`` (``2 ** (-age / H)``) and ``share`` (weight / sum of weights, the
    review's share of what the score rests on, excluding the prior).
    """
    ScoreParams(half_life_days=half_life_days)
    counted = counted_reviews(reviews)
    times = times_ns(counted)
    instant = (
        int(times.max()) if as_of is None and len(times)
        else to_utc_timestamp(as_of if as_of is not None else "now").as_unit("ns").value
    )
    mask = times <= instant
    subset = counted.loc[mask].copy()
    weights = decay_factor((instant - times[mask]) / NS_PER_DAY, half_life_days)
    subset["weight"] = weights
    subset["share"] = weights / weights.sum() if weights.sum() > 0 else 0.0
    ordered = subset.sort_values(["weight", "created_at"], ascending=[False, False])
    return ordered.head(n)


def largest_moves(series: pd.Series, *, window: int, n: int = 3) -> pd.DataFrame:
    """The ``n`` largest changes of ``series`` over ``window`` periods, not overlapping.

    Returns rows with ``start``, ``end`` (index labels), ``change``; largest |change| first.
    """
    values = series.to_numpy(dtype="float64")
    if len(values) <= window or window < 1:
        return pd.DataFrame(columns=["start", "end", "change"])
    changes = values[window:] - values[:-window]
    order = np.argsort(-np.abs(changes), kind="stable")
    taken: list[int] = []
    for i in order:
        if len(taken) == n:
            break
        if np.isnan(changes[i]) or any(abs(int(i) - j) < window for j in taken):
            continue
        taken.append(int(i))
    return pd.DataFrame(
        {
            "start": [series.index[i] for i in taken],
            "end": [series.index[i + window] for i in taken],
            "change": [float(changes[i]) for i in taken],
        }
    )
