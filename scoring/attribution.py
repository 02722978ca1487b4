"""Why the score moved: new reviews by stars versus the ageing of older ones.

Between instants t0 and t1 (``d = t1 - t0`` days, ``q = 2 ** (-1 / H)``), with
``P = m * mu``, ``A0, B0, n0`` the decayed sums and the count at t0, and for each
star k ``a_k = k * b_k``, ``b_k`` the weight at t1 of the new k-star reviews and
``c_k`` their number.

**"decayed-prior"**::

    S0      = (P + A0) / (m + B0)
    S_aged  = (P + A0 q^d) / (m + B0 q^d)              older reviews aged to t1, nothing new
    S1      = (P + A0 q^d + sum_k a_k) / (m + B0 q^d + sum_k b_k)

The change splits exactly into ``ageing = S_aged - S0`` and, for each star k,
``effect_k = b_k (k - S_aged) / (m + B0 q^d + sum_j b_j)``: a new review helps when
its stars exceed the aged score and hurts when below, independently of order.

**"trustpilot"** (``S = (P + n * mean_w) / (m + n)``): ageing alone moves nothing
(the weighted mean is unchanged when every weight shrinks alike), so
``ageing = S_aged - S0 = 0``; it only makes the new reviews weigh more against the
old. The change is split over the five star groups by their **Shapley values**:
with ``v(C)`` the score at t1 when only the new reviews of the star groups in C
have arrived (``v({}) = S_aged``, ``v(all) = S1``)::

    effect_k = sum_{C not holding k} |C|! (4 - |C|)! / 5! * (v(C + k) - v(C))

the average of group k's marginal effect over every order in which the groups could
arrive. The effects add up to ``S1 - S_aged`` exactly, a group without new reviews
gets 0, and each effect has the sign of its marginal effects when they agree.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.model import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_MODEL,
    ScoreModel,
    ScoreParams,
    counted_reviews,
    decay_factor,
    resolve_params,
    score_from_sums,
    times_ns,
)
from scoring.periods import (
    NS_PER_DAY,
    to_utc_timestamp,
)

STARS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Attribution:
    """The change of the score from ``start`` to ``end``, split exactly.

    ``start_score + ageing + sum(by_stars.values()) == end_score`` (to float precision).
    ``model`` is the form the split was made under; under "trustpilot" ``ageing`` is 0
    and ``by_stars`` holds Shapley values (see the module docstring).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    start_score: float
    end_score: float
    ageing: float
    by_stars: dict[int, float]
    new_reviews: dict[int, int]
    model: ScoreModel = DEFAULT_MODEL

    @property
    def change(self) -> float:
        """``end_score - start_score``."""
        return self.end_score - self.start_score


@dataclass(frozen=True)
class _Part:
    """Reviews summed with weights relative to their own newest review ``newest_ns``
    (so ``weights >= 1`` whenever ``count > 0``: nothing underflows)."""

    stars: float
    weights: float
    count: int
    newest_ns: int

    @classmethod
    def of(cls, times: np.ndarray, stars: np.ndarray, half_life_days: float) -> _Part:
        if len(times) == 0:
            return cls(0.0, 0.0, 0, np.iinfo("int64").min)
        newest = int(times.max())
        weights = decay_factor((newest - times) / NS_PER_DAY, half_life_days)
        return cls(float(weights @ stars), float(weights.sum()), len(times), newest)


def _combined(parts: list[_Part], at_ns: int, half_life_days: float
              ) -> tuple[float, float, int, float]:
    """The parts together at ``at_ns``: ``(A, B, n, mean_w)`` (mean NaN when empty)."""
    present = [part for part in parts if part.count > 0]
    if not present:
        return 0.0, 0.0, 0, math.nan
    newest = max(part.newest_ns for part in present)
    shift = [float(decay_factor((newest - p.newest_ns) / NS_PER_DAY, half_life_days))
             for p in present]
    stars = sum(p.stars * f for p, f in zip(present, shift, strict=True))
    weights = sum(p.weights * f for p, f in zip(present, shift, strict=True))
    to_at = float(decay_factor((at_ns - newest) / NS_PER_DAY, half_life_days))
    return stars * to_at, weights * to_at, sum(p.count for p in present), stars / weights


def _score(parts: list[_Part], at_ns: int, params: ScoreParams) -> float:
    a, b, n, mean = _combined(parts, at_ns, params.half_life_days)
    return float(score_from_sums(a, b, n, params, weighted_mean=mean))


def shapley_values(value: dict[frozenset[int], float], players: tuple[int, ...]
                   ) -> dict[int, float]:
    """Shapley values of ``players`` for a game given on every coalition.

    ``phi_k = sum_{C not holding k} |C|! (p - |C| - 1)! / p! * (v(C + k) - v(C))``;
    they add up to ``v(all) - v({})``.
    """
    p = len(players)
    out = {}
    for k in players:
        others = [j for j in players if j != k]
        total = 0.0
        for size in range(p):
            weight = math.factorial(size) * math.factorial(p - size - 1) / math.factorial(p)
            for coalition in itertools.combinations(others, size):
                base = frozenset(coalition)
                total += weight * (value[base | {k}] - value[base])
        out[k] = total
    return out


def explain_change(
    reviews: pd.DataFrame,
    *,
    start: object,
    end: object,
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    model: ScoreModel | None = None,
) -> Attribution:
    """Split ``S(end) - S(start)`` into ageing and the effect of new reviews by stars.

    The formulas of both model forms are in the module docstring.
    """
    params = resolve_params(params, half_life_days, prior_count, prior_mean, model)
    t0, t1 = to_utc_timestamp(start, "start"), to_utc_timestamp(end, "end")
    if t1 < t0:
        raise ValueError(f"end ({t1:%Y-%m-%d}) is before start ({t0:%Y-%m-%d}).")
    counted = counted_reviews(reviews)
    times = times_ns(counted)
    stars = counted["rating"].to_numpy(dtype="int64")
    t0_ns, t1_ns = t0.as_unit("ns").value, t1.as_unit("ns").value
    h = params.half_life_days
    old = times <= t0_ns
    new = (times > t0_ns) & (times <= t1_ns)
    older = _Part.of(times[old], stars[old].astype("float64"), h)
    groups = {
        k: _Part.of(times[new & (stars == k)], np.full(int((new & (stars == k)).sum()), k,
                                                       dtype="float64"), h)
        for k in STARS
    }
    start_score = _score([older], t0_ns, params)
    aged_score = _score([older], t1_ns, params)
    end_score = _score([older, *groups.values()], t1_ns, params)
    if params.is_trustpilot:
        value = {
            frozenset(chosen): _score([older, *(groups[k] for k in chosen)], t1_ns, params)
            for size in range(len(STARS) + 1)
            for chosen in itertools.combinations(STARS, size)
        }
        by_stars = shapley_values(value, STARS)
    else:
        end_denominator = params.prior_count + _combined([older, *groups.values()], t1_ns, h)[1]
        by_stars = {
            k: (_combined([part], t1_ns, h)[1] * (k - aged_score) / end_denominator + 0.0
                if end_denominator > 0 else 0.0)
            for k, part in groups.items()
        }
    return Attribution(
        start=t0, end=t1, start_score=start_score, end_score=end_score,
        ageing=aged_score - start_score, by_stars=by_stars,
        new_reviews={k: groups[k].count for k in STARS}, model=params.model,
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
