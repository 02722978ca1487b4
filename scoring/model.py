"""The time-decayed Bayesian TrustScore: weights, the score at an instant, score series.

The model (``../shared/docs/scoring-model.md``)::

    w_i  = 2 ** (-(T - t_i) / H)        H = half_life_days; H = inf means no decay
    S(T) = (m * mu + sum w_i * s_i) / (m + sum w_i)

with ``m = prior_count``, ``mu = prior_mean``, ``s_i`` the stars of review i, summed
over the reviews that count and were created at or before T. ``sum w_i`` is the
*effective number of reviews*. The prior does not decay.

Series use two running sums decayed between events (never ``exp(+t/H)``, which
overflows), so a series of D points over N reviews costs O(N + D)::

    A <- A * q**dt + (stars arriving)      B <- B * q**dt + (reviews arriving)
    S = (m * mu + A) / (m + B)             q = 2 ** (-1 / H) per day
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from scoring.errors import ReviewDataError
from scoring.reviews import validate_reviews

DEFAULT_HALF_LIFE_DAYS = 182.5
DEFAULT_PRIOR_COUNT = 7.0
DEFAULT_PRIOR_MEAN = 3.5
DAILY_RECALCULATION_ABOVE = 10_000
"""Above this many reviews the displayed score is recalculated once a day."""

NS_PER_DAY = 86_400 * 10**9

Clock = Literal["live", "displayed"]

_FREQ_ALIASES: dict[str, str] = {
    "D": "D",
    "W": "W",
    "W-MON": "W",
    "M": "M",
    "MS": "M",
    "ME": "M",
    "Q": "Q",
    "QS": "Q",
    "QE": "Q",
    "Y": "Y",
    "YS": "Y",
    "YE": "Y",
}


@dataclass(frozen=True)
class ScoreParams:
    """The model's parameters, validated once.

    ``half_life_days`` > 0 (``math.inf`` for no decay), ``prior_count`` >= 0,
    ``prior_mean`` the prior's stars (1..5 on the current scale).
    """

    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    prior_count: float = DEFAULT_PRIOR_COUNT
    prior_mean: float = DEFAULT_PRIOR_MEAN

    def __post_init__(self) -> None:
        h = float(self.half_life_days)
        if not (h > 0):
            raise ValueError(f"half_life_days must be positive or math.inf, got {h!r}.")
        if not (math.isfinite(self.prior_count) and self.prior_count >= 0):
            raise ValueError(f"prior_count must be a finite number >= 0, got {self.prior_count!r}.")
        if not math.isfinite(self.prior_mean):
            raise ValueError(f"prior_mean must be a finite number, got {self.prior_mean!r}.")


def decay_factor(age_days: np.ndarray | float, half_life_days: float) -> np.ndarray:
    """Weight of a review ``age_days`` old: ``2 ** (-age / H)`` (1 everywhere when H = inf)."""
    age = np.asarray(age_days, dtype="float64")
    if math.isinf(half_life_days):
        return np.ones_like(age)
    return np.exp2(-age / half_life_days)


def bayesian_score(
    stars: np.ndarray,
    ages_days: np.ndarray,
    *,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
) -> float:
    """``S = (m * mu + sum w_i s_i) / (m + sum w_i)`` with ``w_i = 2 ** (-age_i / H)``.

    The low-level form on plain arrays: ``stars`` may be on any scale (e.g. the
    legacy 0-10 one), ``ages_days`` must be >= 0.
    """
    params = ScoreParams(half_life_days, prior_count, prior_mean)
    values = np.asarray(stars, dtype="float64")
    weights = decay_factor(ages_days, params.half_life_days)
    denominator = params.prior_count + weights.sum()
    if denominator == 0:
        return float(params.prior_mean)
    return float((params.prior_count * params.prior_mean + weights @ values) / denominator)


def to_utc_timestamp(value: object, what: str = "as_of") -> pd.Timestamp:
    """Read ``value`` as a UTC timestamp; a naive value is taken to be UTC."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ReviewDataError(f"{what} {value!r} is not a date or time: {error}") from None
    if stamp is pd.NaT:
        raise ReviewDataError(f"{what} is empty (NaT); give a date such as '2025-06-30'.")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def counted_reviews(reviews: pd.DataFrame) -> pd.DataFrame:
    """The reviews that count towards the score (``counts`` True where the column exists)."""
    validate_reviews(reviews)
    if "counts" in reviews.columns:
        flags = reviews["counts"].fillna(True).astype(bool).to_numpy()
        return reviews.loc[flags]
    return reviews


def times_ns(reviews: pd.DataFrame) -> np.ndarray:
    """``created_at`` as int64 nanoseconds since the Unix epoch (UTC)."""
    return pd.DatetimeIndex(reviews["created_at"]).as_unit("ns").asi8


def _stars(reviews: pd.DataFrame) -> np.ndarray:
    return reviews["rating"].to_numpy(dtype="float64")


def decayed_sums(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> tuple[float, float, int]:
    """The decayed sums at ``as_of``: ``(A, B, n)`` with ``A = sum w_i s_i``, ``B = sum w_i``.

    ``n`` is the number of counted reviews created at or before ``as_of``. The
    score is ``(m * mu + A) / (m + B)``; projections start from these sums.
    """
    ScoreParams(half_life_days=half_life_days)
    counted = counted_reviews(reviews)
    times = times_ns(counted)
    if as_of is None:
        if len(times) == 0:
            return 0.0, 0.0, 0
        as_of_ns = int(times.max())
    else:
        as_of_ns = to_utc_timestamp(as_of).as_unit("ns").value
    mask = times <= as_of_ns
    ages = (as_of_ns - times[mask]) / NS_PER_DAY
    weights = decay_factor(ages, half_life_days)
    return float(weights @ _stars(counted)[mask]), float(weights.sum()), int(mask.sum())


def trust_score(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
) -> float:
    """The live TrustScore at the instant ``as_of``.

    ``S(T) = (m * mu + sum w_i s_i) / (m + sum w_i)``, ``w_i = 2 ** (-(T - t_i) / H)``,
    over counted reviews with ``created_at <= T``. ``as_of`` defaults to the newest
    review's time (a naive value is read as UTC). With no counted review the result
    is ``prior_mean``.
    """
    params = ScoreParams(half_life_days, prior_count, prior_mean)
    a, b, _ = decayed_sums(reviews, as_of=as_of, half_life_days=params.half_life_days)
    denominator = params.prior_count + b
    if denominator == 0:
        return float(params.prior_mean)
    return float((params.prior_count * params.prior_mean + a) / denominator)


def normalise_freq(freq: str) -> str:
    """Map a period name ("D", "W", "M", "Q", "Y" and pandas spellings) to one letter."""
    key = str(freq).upper()
    if key not in _FREQ_ALIASES:
        raise ValueError(f"freq must be one of D, W, M, Q, Y; got {freq!r}.")
    return _FREQ_ALIASES[key]


def period_start(stamp: pd.Timestamp, freq: str) -> pd.Timestamp:
    """The start (00:00 UTC) of the day, week (Monday), month, quarter or year holding ``stamp``."""
    letter = normalise_freq(freq)
    day = to_utc_timestamp(stamp).floor("D")
    if letter == "D":
        return day
    if letter == "W":
        return day - pd.Timedelta(days=day.day_of_week)
    if letter == "M":
        return day.replace(day=1)
    if letter == "Q":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def period_starts(start: pd.Timestamp, end: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    """Period starts from the period of ``start`` to that of ``end``, plus the next one.

    The extra last element is the exclusive end of the last period.
    """
    letter = normalise_freq(freq)
    offset = {
        "D": pd.offsets.Day(1),
        "W": pd.offsets.Week(1, weekday=0),
        "M": pd.offsets.MonthBegin(1),
        "Q": pd.offsets.QuarterBegin(1, startingMonth=1),
        "Y": pd.offsets.YearBegin(1),
    }[letter]
    first, last = period_start(start, letter), period_start(end, letter)
    if last < first:
        raise ValueError(f"end {end} is before start {start}.")
    starts = pd.date_range(first, last + offset, freq=offset)
    return pd.DatetimeIndex(starts).as_unit("ns")


def series_edges(times: np.ndarray, start: object, end: object, freq: str) -> pd.DatetimeIndex:
    """Period starts for a series over sorted ``times`` (ns), plus the exclusive end.

    ``start``/``end`` default to the first and last review's periods.
    """
    if (start is None or end is None) and len(times) == 0:
        raise ReviewDataError(
            "There are no counted reviews to draw a series from; give start and end."
        )
    first = to_utc_timestamp(start if start is not None else int(times[0]), "start")
    last = to_utc_timestamp(end if end is not None else int(times[-1]), "end")
    return period_starts(first, last, freq)


def _decayed_recurrence(
    increments: np.ndarray, steps_days: np.ndarray, half_life_days: float
) -> np.ndarray:
    """``X_k = X_{k-1} * 2 ** (-steps_k / H) + increments_k`` for every k (``X_-1 = 0``)."""
    decays = decay_factor(steps_days, half_life_days)
    if np.all(decays == 1.0):
        return np.cumsum(increments)
    out = np.empty_like(increments)
    total = 0.0
    for k, (decay, inc) in enumerate(zip(decays.tolist(), increments.tolist(), strict=True)):
        total = total * decay + inc
        out[k] = total
    return out


def score_series(
    reviews: pd.DataFrame,
    *,
    freq: str = "D",
    start: object = None,
    end: object = None,
    clock: Clock = "live",
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
) -> pd.DataFrame:
    """The score at the end of every period, in O(N + D).

    One row per period from ``start``'s period (default: the first review's) to
    ``end``'s (default: the last review's), indexed by the period start (UTC).
    Columns:

    - ``score``: the value at the end of the period, counting reviews created before
      the next period starts. ``clock="live"``: ``S(b)`` at that boundary b.
      ``clock="displayed"``: what a visitor saw then, i.e. ``S`` at the last
      recalculation, which happens at each review's time, or at the end of each
      day once the business has more than 10,000 reviews; flat in between.
    - ``effective_reviews``: ``sum w_i`` at the boundary;
    - ``reviews``: cumulative count; ``new_reviews``: count in the period;
    - ``mean_rating``: plain mean of the period's reviews (NaN when none).

    Within a period each review is decayed from its own time to the boundary
    (exponent <= one period), and the running sums from boundary to boundary, so
    no exponent is ever positive: stable for any half-life and span.
    """
    params = ScoreParams(half_life_days, prior_count, prior_mean)
    if clock not in ("live", "displayed"):
        raise ValueError(f"clock must be 'live' or 'displayed', got {clock!r}.")
    counted = counted_reviews(reviews)
    times = times_ns(counted)
    stars = _stars(counted)
    order = np.argsort(times, kind="stable")
    times, stars = times[order], stars[order]
    edges = series_edges(times, start, end, freq)
    starts_ns = edges.asi8
    index, bounds_ns = edges[:-1], starts_ns[1:]
    periods = len(index)

    # Reviews after the last boundary do not enter; earlier ones fall in period 0.
    times_in = times[times < bounds_ns[-1]]
    stars_in = stars[: len(times_in)]
    slot = np.searchsorted(bounds_ns, times_in, side="right")
    in_period = times_in >= starts_ns[0]
    age_at_bound = (bounds_ns[slot] - times_in) / NS_PER_DAY
    weights = decay_factor(age_at_bound, params.half_life_days)
    new_a = np.bincount(slot, weights=weights * stars_in, minlength=periods)
    new_b = np.bincount(slot, weights=weights, minlength=periods)
    steps = np.diff(bounds_ns, prepend=starts_ns[0]) / NS_PER_DAY
    sum_a = _decayed_recurrence(new_a, steps, params.half_life_days)
    sum_b = _decayed_recurrence(new_b, steps, params.half_life_days)

    cumulative = np.bincount(slot, minlength=periods).cumsum()
    new_count = np.bincount(slot[in_period], minlength=periods)
    new_stars = np.bincount(slot[in_period], weights=stars_in[in_period], minlength=periods)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_rating = np.where(new_count > 0, new_stars / np.maximum(new_count, 1), np.nan)

    prior = params.prior_count * params.prior_mean
    with np.errstate(invalid="ignore", divide="ignore"):
        live = (prior + sum_a) / (params.prior_count + sum_b)
    live = np.where(params.prior_count + sum_b > 0, live, params.prior_mean)

    if clock == "live":
        score = live
    else:
        score = _displayed_at_bounds(
            times_in, stars_in, slot, bounds_ns, sum_a, sum_b, cumulative, live, params
        )
    return pd.DataFrame(
        {
            "score": score,
            "effective_reviews": sum_b,
            "reviews": cumulative,
            "new_reviews": new_count,
            "mean_rating": mean_rating,
        },
        index=pd.DatetimeIndex(index, name="period"),
    )


def _displayed_at_bounds(
    times: np.ndarray,
    stars: np.ndarray,
    slot: np.ndarray,
    bounds_ns: np.ndarray,
    sum_a: np.ndarray,
    sum_b: np.ndarray,
    cumulative: np.ndarray,
    live: np.ndarray,
    params: ScoreParams,
) -> np.ndarray:
    """The displayed (review-clock) score at each boundary.

    For period k with reviews, the last recalculation is at its last review r_k::

        A(r_k) = A(b_{k-1}) * 2 ** (-(r_k - b_{k-1}) / H) + sum_{i in k} s_i 2 ** (-(r_k - t_i) / H)

    (likewise B); a period without reviews keeps the previous value. Once more than
    10,000 reviews exist the value is recalculated at the end of each day; our
    boundaries are midnights, so it equals the live value there.
    """
    periods = len(bounds_ns)
    has_reviews = np.bincount(slot, minlength=periods) > 0
    last_time = np.full(periods, np.iinfo("int64").min, dtype="int64")
    np.maximum.at(last_time, slot, times)
    prev_bound = np.concatenate(([bounds_ns[0]], bounds_ns[:-1]))
    # A(b_{k-1}) for k >= 1; period 0 holds every earlier review, so it starts from zero.
    carried_a = np.concatenate(([0.0], sum_a[:-1]))
    carried_b = np.concatenate(([0.0], sum_b[:-1]))
    safe_last = np.where(has_reviews, last_time, bounds_ns)
    age_carry = np.where(np.arange(periods) > 0, (safe_last - prev_bound) / NS_PER_DAY, 0.0)
    age_carry = np.maximum(age_carry, 0.0)
    age_self = (safe_last[slot] - times) / NS_PER_DAY
    w_self = decay_factor(age_self, params.half_life_days)
    at_last_a = carried_a * decay_factor(age_carry, params.half_life_days) + np.bincount(
        slot, weights=w_self * stars, minlength=periods
    )
    at_last_b = carried_b * decay_factor(age_carry, params.half_life_days) + np.bincount(
        slot, weights=w_self, minlength=periods
    )
    denominator = params.prior_count + at_last_b
    with np.errstate(invalid="ignore", divide="ignore"):
        at_last = (params.prior_count * params.prior_mean + at_last_a) / denominator
    at_last = np.where(denominator > 0, at_last, params.prior_mean)
    displayed = np.where(has_reviews, at_last, np.nan)
    displayed = pd.Series(displayed).ffill().fillna(params.prior_mean).to_numpy()
    daily = cumulative > DAILY_RECALCULATION_ABOVE
    return np.where(daily, live, displayed)
