"""The time-decayed Bayesian TrustScore: weights, the score at an instant, score series.

Two forms of the model (``../shared/docs/scoring-model.md``) share the same weights::

    w_i     = 2 ** (-(T - t_i) / H)        H = half_life_days; H = inf means no decay
    mean_w  = sum w_i * s_i / sum w_i      the decay-weighted mean of the reviews
    n       = the number of reviews that count, created at or before T

    "trustpilot" (default):  S(T) = (m * mu + n * mean_w) / (m + n)
    "decayed-prior":         S(T) = (m * mu + sum w_i * s_i) / (m + sum w_i)

with ``m = prior_count``, ``mu = prior_mean``, ``s_i`` the stars of review i. The
"trustpilot" form reproduces the scores Trustpilot publishes (mean error 0.027 on 14
real companies, all within the 0.05 of one-decimal rounding); "decayed-prior" is
kept for comparison. ``sum w_i`` is the *effective number of reviews*.

Under "trustpilot" ``mean_w`` does not change when all weights shrink together, so
the score moves only when a review arrives. ``mean_w`` is computed scale-free, with
ages measured from the newest review, so that tiny half-lives and long quiet spells
never underflow to 0/0.

Series use two running sums decayed between events (never ``exp(+t/H)``, which
overflows), plus a running count, so a series of D points over N reviews costs
O(N + D)::

    A <- A * q**dt + (stars arriving)      B <- B * q**dt + (reviews arriving)
    n <- n + (reviews arriving)            q = 2 ** (-1 / H) per day
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from scoring import validation
from scoring.errors import ParameterError
from scoring.periods import NS_PER_DAY, series_edges, to_utc_timestamp
from scoring.reviews import validate_reviews

DEFAULT_HALF_LIFE_DAYS = 182.5
DEFAULT_PRIOR_COUNT = 7.0
DEFAULT_PRIOR_MEAN = 3.5
DAILY_RECALCULATION_ABOVE = 10_000
"""Above this many reviews the displayed score is recalculated once a day."""


Clock = Literal["live", "displayed"]
ScoreModel = validation.ScoreModel
SCORE_MODELS: tuple[ScoreModel, ...] = validation.MODELS
"""The model forms: the fitted one (default) first."""
DEFAULT_MODEL: ScoreModel = "trustpilot"

@dataclass(frozen=True)
class ScoreParams:
    """The model's parameters, validated once.

    ``half_life_days`` > 0 (``math.inf`` for no decay), ``prior_count`` >= 0,
    ``prior_mean`` the prior's stars (1..5 on the current scale), ``model`` the form:
    ``"trustpilot"`` (the prior weighs against the review count; the default, which
    matches published scores) or ``"decayed-prior"`` (against the decayed weights).
    """

    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    prior_count: float = DEFAULT_PRIOR_COUNT
    prior_mean: float = DEFAULT_PRIOR_MEAN
    model: ScoreModel = DEFAULT_MODEL

    def __post_init__(self) -> None:
        object.__setattr__(self, "half_life_days", validation.half_life(self.half_life_days))
        object.__setattr__(self, "prior_count", validation.prior_count(self.prior_count))
        object.__setattr__(self, "prior_mean", validation.prior_mean(self.prior_mean))
        object.__setattr__(self, "model", validation.model(self.model))

    @property
    def is_trustpilot(self) -> bool:
        """Whether the prior weighs against the review count (the fitted form)."""
        return self.model == "trustpilot"


def resolve_params(
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    model: ScoreModel | None = None,
) -> ScoreParams:
    """The parameter object of a call: ``params``, or one built from the keywords given
    (the published defaults for the others).

    Every scoring function takes either a :class:`ScoreParams` (``params=``) or the
    four keywords; giving both is refused, so a call has one source of truth.
    """
    given = {
        name: value
        for name, value in (("half_life_days", half_life_days), ("prior_count", prior_count),
                            ("prior_mean", prior_mean), ("model", model))
        if value is not None
    }
    if params is None:
        return ScoreParams(**given)  # type: ignore[arg-type]
    if not isinstance(params, ScoreParams):
        raise ParameterError(f"params must be a ScoreParams, got {params!r}.")
    if given:
        raise ParameterError(f"Give params or {', '.join(given)}, not both.")
    return params


def score_from_sums(
    decayed_stars: np.ndarray | float,
    effective_reviews: np.ndarray | float,
    reviews: np.ndarray | float,
    params: ScoreParams,
    *,
    weighted_mean: np.ndarray | float | None = None,
) -> np.ndarray:
    """The score from the decayed sums ``A``, ``B`` and the review count ``n``.

    - "trustpilot": ``(m * mu + n * mean_w) / (m + n)`` with ``mean_w = A / B``, or
      ``weighted_mean`` when given (computed scale-free, so it survives ``B``
      underflowing to 0 after a long quiet spell with a short half-life);
    - "decayed-prior": ``(m * mu + A) / (m + B)``.

    ``mu`` where the denominator is 0 (no prior and no reviews). Vectorised.
    """
    m, mu = params.prior_count, params.prior_mean
    a = np.asarray(decayed_stars, dtype="float64")
    b = np.asarray(effective_reviews, dtype="float64")
    if params.is_trustpilot:
        n = np.asarray(reviews, dtype="float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = a / b if weighted_mean is None else np.asarray(weighted_mean, dtype="float64")
            score = (m * mu + n * np.where(n > 0, mean, 0.0)) / (m + n)
        return np.where(m + n > 0, score, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = (m * mu + a) / (m + b)
    return np.where(m + b > 0, score, mu)


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
    model: ScoreModel = DEFAULT_MODEL,
) -> float:
    """The score of reviews ``ages_days`` old, with ``w_i = 2 ** (-age_i / H)``:

    "trustpilot" ``(m * mu + n * mean_w) / (m + n)``, "decayed-prior"
    ``(m * mu + sum w_i s_i) / (m + sum w_i)``. The low-level form on plain arrays,
    computed the plain way (the reference the fast paths are tested against):
    ``stars`` may be on any scale (e.g. the legacy 0-10 one), ``ages_days`` must be
    >= 0.
    """
    params = ScoreParams(half_life_days, prior_count, prior_mean, model)
    values = np.asarray(stars, dtype="float64")
    ages = np.asarray(ages_days, dtype="float64")
    weights = decay_factor(ages, params.half_life_days)
    mean = None
    if params.is_trustpilot and len(ages):
        relative = decay_factor(ages - ages.min(), params.half_life_days)
        mean = float(relative @ values / relative.sum())
    return float(score_from_sums(weights @ values, weights.sum(), len(values), params,
                                 weighted_mean=mean))


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


def _counted_times_stars(reviews: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The counted reviews' times (int64 ns, UTC) and stars (float64).

    The rows of :func:`counted_reviews` (the table is validated the same way), but
    only these two columns are taken: the table itself is never copied.
    """
    validate_reviews(reviews)
    times, stars = times_ns(reviews), _stars(reviews)
    if "counts" in reviews.columns:
        flags = reviews["counts"].fillna(True).astype(bool).to_numpy()
        if not flags.all():
            times, stars = times[flags], stars[flags]
    return times, stars


def _is_time_ordered(times: np.ndarray) -> bool:
    """Whether ``times`` never decrease (the importer returns reviews in time order)."""
    return len(times) < 2 or bool((times[1:] >= times[:-1]).all())


def _weights_to(reference_ns: np.ndarray | int, times: np.ndarray, half_life_days: float
                ) -> np.ndarray:
    """``2 ** (-(reference - t) / H)`` per review, the age in exact integer nanoseconds
    (``reference >= t``, so the exponent is never positive); ones when H = inf."""
    if math.isinf(half_life_days):
        return np.ones(len(times), dtype="float64")
    ages_ns = np.subtract(reference_ns, times)
    weights = np.multiply(ages_ns, -1.0 / (NS_PER_DAY * half_life_days))
    return np.exp2(weights, out=weights)


def _segment_sums(values: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``sum(values[ends[k - 1]:ends[k]])`` for every k (``ends[-1]`` read as 0).

    ``ends`` is non-decreasing and its last element is ``len(values)``: the segments
    are consecutive runs of time-sorted reviews, one per period. O(N + D).
    """
    out = np.zeros(len(ends), dtype="float64")
    starts = np.concatenate(([0], ends[:-1]))
    nonempty = ends > starts
    if nonempty.any():
        # Between two non-empty segments lie only empty ones, so each reduceat run
        # ends exactly where its segment does.
        out[nonempty] = np.add.reduceat(values, starts[nonempty])
    return out


@dataclass(frozen=True)
class ScoreState:
    """What the score at an instant rests on.

    ``decayed_stars`` ``A = sum w_i s_i`` and ``effective_reviews`` ``B = sum w_i``
    (weights at the instant), ``reviews`` ``n``, and ``weighted_mean`` ``A / B``
    computed with ages measured from the newest review (NaN when ``n = 0``), which
    stays exact when ``A`` and ``B`` underflow.
    """

    decayed_stars: float
    effective_reviews: float
    reviews: int
    weighted_mean: float

    def score(self, params: ScoreParams) -> float:
        """The score under ``params`` (see :func:`score_from_sums`)."""
        return float(score_from_sums(self.decayed_stars, self.effective_reviews, self.reviews,
                                     params, weighted_mean=self.weighted_mean))


def score_state(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> ScoreState:
    """The :class:`ScoreState` at ``as_of`` (default: the newest counted review).

    Weights are taken from the newest counted review ``t_r`` at or before ``as_of``
    (``w'_i = 2 ** (-(t_r - t_i) / H)``, so ``sum w'_i >= 1``), which gives
    ``weighted_mean = sum w'_i s_i / sum w'_i``; the sums at ``as_of`` are these
    times ``2 ** (-(as_of - t_r) / H)``.
    """
    ScoreParams(half_life_days=half_life_days)
    times, stars = _counted_times_stars(reviews)
    if as_of is not None:
        as_of_ns = to_utc_timestamp(as_of).as_unit("ns").value
        mask = times <= as_of_ns
        if not mask.all():
            times, stars = times[mask], stars[mask]
    if len(times) == 0:
        return ScoreState(0.0, 0.0, 0, math.nan)
    newest = int(times.max())
    if as_of is None:
        as_of_ns = newest
    relative = _weights_to(newest, times, half_life_days)
    sum_a, sum_b = float(relative @ stars), float(relative.sum())
    scale = float(_weights_to(as_of_ns, np.array([newest]), half_life_days)[0])
    return ScoreState(sum_a * scale, sum_b * scale, len(times), sum_a / sum_b)


def decayed_sums(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> tuple[float, float, int]:
    """The decayed sums at ``as_of``: ``(A, B, n)`` with ``A = sum w_i s_i``, ``B = sum w_i``.

    ``n`` is the number of counted reviews created at or before ``as_of``. See
    :func:`score_state` for these with the scale-free weighted mean.
    """
    state = score_state(reviews, as_of=as_of, half_life_days=half_life_days)
    return state.decayed_stars, state.effective_reviews, state.reviews


def trust_score(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    model: ScoreModel | None = None,
) -> float:
    """The TrustScore at the instant ``as_of``.

    Over counted reviews with ``created_at <= T``, ``w_i = 2 ** (-(T - t_i) / H)``:

    - ``model="trustpilot"``: ``S(T) = (m * mu + n * mean_w) / (m + n)``,
      ``mean_w = sum w_i s_i / sum w_i`` (what Trustpilot displays);
    - ``model="decayed-prior"``: ``S(T) = (m * mu + sum w_i s_i) / (m + sum w_i)``
      (the live score; it drifts towards ``mu`` between reviews).

    ``as_of`` defaults to the newest review's time (a naive value is read as UTC).
    With no counted review the result is ``prior_mean``.
    """
    params = resolve_params(params, half_life_days, prior_count, prior_mean, model)
    return score_state(reviews, as_of=as_of, half_life_days=params.half_life_days).score(params)


def _period_numbers(times: np.ndarray, first_start_ns: int, bounds_ns: np.ndarray
                    ) -> np.ndarray:
    """For times before the last boundary, the number of boundaries at or before each
    (period 0 for anything before the first period).

    Boundaries are midnights, so this is arithmetic rather than N binary searches:
    a division for equal periods (days, weeks), else the day number looked up in a
    day -> period table (months, quarters, years).
    """
    offsets = bounds_ns - first_start_ns
    widths = np.diff(offsets, prepend=0)
    since = np.maximum(times - first_start_ns, 0)
    if (widths == widths[0]).all():
        return since // int(widths[0])
    if (offsets % NS_PER_DAY == 0).all():
        days = np.arange(int(offsets[-1] // NS_PER_DAY))
        table = np.searchsorted(offsets // NS_PER_DAY, days, side="right")
        return table[since // NS_PER_DAY]
    return np.searchsorted(bounds_ns, times, side="right")


class _Periods:
    """Which period each review of a series falls in, without sorting the reviews.

    Period k holds the reviews created at or after boundary ``b_{k-1}`` and before
    ``b_k``; period 0 also holds every earlier review, and reviews at or after the
    last boundary do not enter. Time-ordered reviews (the importer's order) form one
    contiguous run per period, found with a search of the D boundaries into the N
    times (sums with ``np.add.reduceat``); otherwise each review gets its period's
    number by arithmetic (:func:`_period_numbers`; sums with ``np.bincount``). Either
    way the work is O(N + D), and the reviews are never sorted.
    """

    def __init__(self, times: np.ndarray, stars: np.ndarray, first_start_ns: int,
                 bounds_ns: np.ndarray, *, ordered: bool) -> None:
        self.periods = len(bounds_ns)
        self.slot: np.ndarray | None = None
        if ordered:
            self.ends = np.searchsorted(times, bounds_ns, side="left")
            entered = int(self.ends[-1])
            self.times, self.stars = times[:entered], stars[:entered]
            self.counts = np.diff(self.ends, prepend=0)
            self._before_first = int(np.searchsorted(self.times, first_start_ns, side="left"))
        else:
            keep = times < bounds_ns[-1]
            if not keep.all():
                times, stars = times[keep], stars[keep]
            self.times, self.stars = times, stars
            self.slot = _period_numbers(times, first_start_ns, bounds_ns)
            self.counts = np.bincount(self.slot, minlength=self.periods)
            fresh = times >= first_start_ns
            self._fresh: np.ndarray | slice = slice(None) if fresh.all() else fresh

    def spread(self, per_period: np.ndarray) -> np.ndarray:
        """``per_period[k]`` for each review in period k."""
        if self.slot is None:
            return np.repeat(per_period, self.counts)
        return per_period[self.slot]

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Per period, the sum of ``values`` (one per review)."""
        if self.slot is None:
            return _segment_sums(values, self.ends)
        return np.bincount(self.slot, weights=values, minlength=self.periods).astype("float64")

    def new_counts_and_stars(self) -> tuple[np.ndarray, np.ndarray]:
        """Per period, the number and star sum of its own reviews (not earlier ones)."""
        if self.slot is None:
            counts = self.counts.astype("int64")
            counts[0] -= self._before_first
            first = self._before_first
            return counts, _segment_sums(self.stars[first:], self.ends - first)
        slot, fresh = self.slot[self._fresh], self._fresh
        counts = np.bincount(slot, minlength=self.periods).astype("int64")
        stars = np.bincount(slot, weights=self.stars[fresh], minlength=self.periods)
        return counts, stars.astype("float64")

    def last_times(self, fallback: np.ndarray) -> np.ndarray:
        """Per period, its newest review's time (``fallback`` where it has none)."""
        if len(self.times) == 0:
            return fallback.copy()
        if self.slot is None:
            last = self.times[np.maximum(self.ends - 1, 0)]
        else:
            last = np.full(self.periods, np.iinfo("int64").min, dtype="int64")
            np.maximum.at(last, self.slot, self.times)
        return np.where(self.counts > 0, last, fallback)


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
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    model: ScoreModel | None = None,
) -> pd.DataFrame:
    """The score at the end of every period, in O(N + D).

    One row per period from ``start``'s period (default: the first review's) to
    ``end``'s (default: the last review's), indexed by the period start (UTC).
    Columns:

    - ``score``: the value at the end of the period, counting reviews created before
      the next period starts. ``clock="live"``: ``S(b)`` at that boundary b.
      ``clock="displayed"``: what a visitor saw then, i.e. ``S`` at the last
      recalculation, which happens at each review's time, or at the end of each
      day once the business has more than 10,000 reviews; flat in between. Under
      ``model="trustpilot"`` the two clocks give the same values: the weighted mean
      does not change between reviews. It is carried from each period's newest
      review ``r_k`` to the next (``X_k = X_{k'} * 2 ** (-(r_k - r_{k'}) / H) +
      sum_{i in k} x_i 2 ** (-(r_k - t_i) / H)`` for the star and weight sums, so
      the weight sum is at least 1 and never underflows).
    - ``effective_reviews``: ``sum w_i`` at the boundary;
    - ``reviews``: cumulative count; ``new_reviews``: count in the period;
    - ``mean_rating``: plain mean of the period's reviews (NaN when none).

    Within a period each review is decayed from its own time to the boundary
    (exponent <= one period), and the running sums from boundary to boundary, so
    no exponent is ever positive: stable for any half-life and span.
    """
    params = resolve_params(params, half_life_days, prior_count, prior_mean, model)
    if clock not in ("live", "displayed"):
        raise ValueError(f"clock must be 'live' or 'displayed', got {clock!r}.")
    times, stars = _counted_times_stars(reviews)
    ordered = _is_time_ordered(times)
    span = times if ordered or len(times) == 0 else np.array([times.min(), times.max()])
    edges = series_edges(span, start, end, freq)
    starts_ns = edges.asi8
    index, bounds_ns = edges[:-1], starts_ns[1:]
    periods = _Periods(times, stars, int(starts_ns[0]), bounds_ns, ordered=ordered)
    del times, stars

    if math.isinf(params.half_life_days):
        new_a, new_b = periods.sums(periods.stars), periods.counts.astype("float64")
    else:
        weights = _weights_to(periods.spread(bounds_ns), periods.times, params.half_life_days)
        new_a = periods.sums(weights * periods.stars)
        new_b = periods.sums(weights)
        del weights
    steps = np.diff(bounds_ns, prepend=starts_ns[0]) / NS_PER_DAY
    sum_a = _decayed_recurrence(new_a, steps, params.half_life_days)
    sum_b = _decayed_recurrence(new_b, steps, params.half_life_days)

    cumulative = periods.counts.astype("int64").cumsum()
    new_count, new_stars = periods.new_counts_and_stars()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_rating = np.where(new_count > 0, new_stars / np.maximum(new_count, 1), np.nan)

    if params.is_trustpilot:
        mean = _weighted_means_at_newest(periods, bounds_ns, params.half_life_days)
        score = score_from_sums(sum_a, sum_b, cumulative, params, weighted_mean=mean)
    else:
        live = score_from_sums(sum_a, sum_b, cumulative, params)
        score = live if clock == "live" else _displayed_at_bounds(
            periods, bounds_ns, sum_a, sum_b, cumulative, live, params
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


def _weighted_means_at_newest(
    periods: _Periods, bounds_ns: np.ndarray, half_life_days: float
) -> np.ndarray:
    """Per period, the decay-weighted mean of every review up to its end (NaN before
    the first), with the sums carried from one period's newest review to the next::

        X_k = X_{k'} * 2 ** (-(r_k - r_{k'}) / H) + sum_{i in k} x_i 2 ** (-(r_k - t_i) / H)

    where ``k'`` is the previous period with reviews and ``r_k`` period k's newest
    review. The newest review weighs 1, so the weight sum never falls below 1.
    """
    filled = periods.counts > 0
    mean = np.full(len(bounds_ns), np.nan)
    if not filled.any():
        return mean
    newest = periods.last_times(fallback=bounds_ns)
    w_self = _weights_to(periods.spread(newest), periods.times, half_life_days)
    new_a = periods.sums(w_self * periods.stars)[filled]
    new_b = periods.sums(w_self)[filled]
    steps = np.diff(newest[filled], prepend=newest[filled][0]) / NS_PER_DAY
    sum_a = _decayed_recurrence(new_a, steps, half_life_days)
    sum_b = _decayed_recurrence(new_b, steps, half_life_days)
    mean[filled] = sum_a / sum_b
    return pd.Series(mean).ffill().to_numpy()


def _displayed_at_bounds(
    periods: _Periods,
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
    count = len(bounds_ns)
    has_reviews = periods.counts > 0
    safe_last = periods.last_times(fallback=bounds_ns)
    prev_bound = np.concatenate(([bounds_ns[0]], bounds_ns[:-1]))
    # A(b_{k-1}) for k >= 1; period 0 holds every earlier review, so it starts from zero.
    carried_a = np.concatenate(([0.0], sum_a[:-1]))
    carried_b = np.concatenate(([0.0], sum_b[:-1]))
    age_carry = np.where(np.arange(count) > 0, (safe_last - prev_bound) / NS_PER_DAY, 0.0)
    age_carry = np.maximum(age_carry, 0.0)
    carry = decay_factor(age_carry, params.half_life_days)
    w_self = _weights_to(periods.spread(safe_last), periods.times, params.half_life_days)
    at_last_a = carried_a * carry + periods.sums(w_self * periods.stars)
    at_last_b = carried_b * carry + periods.sums(w_self)
    at_last = score_from_sums(at_last_a, at_last_b, cumulative, params)
    displayed = np.where(has_reviews, at_last, np.nan)
    displayed = pd.Series(displayed).ffill().fillna(params.prior_mean).to_numpy()
    daily = cumulative > DAILY_RECALCULATION_ABOVE
    return np.where(daily, live, displayed)
