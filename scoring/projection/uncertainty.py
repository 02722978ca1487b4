"""Uncertainty beyond Poisson arrivals: overdispersed daily volume and an uncertain star mix.

Plain Poisson arrivals with a known star mix (the default, :class:`Uncertainty()`)
understate how far real scores wander: real review volume swings from day to day
far more than a Poisson count does, and the star mix of the next months is not the
recent mix exactly. Two documented additions, both per simulated path:

- **Overdispersion** ``phi``: every day of every path draws a gamma multiplier ``G``
  with mean 1 and variance ``phi`` (shape ``1/phi``, scale ``phi``) that scales every
  source's rate that day. A day's total arrivals are then negative binomial with
  mean ``r`` and variance ``r + phi r**2``.
- **Mix uncertainty** ``alpha``: each path draws each source's star mix once, from
  ``Dirichlet(alpha * mix)``: mean ``mix``, variance ``mix_k (1 - mix_k) / (alpha + 1)``
  per share. ``None``: the mixes are known exactly.

:func:`fit_uncertainty` reads both from a history (see there for the estimators and
the calibrated cap on ``alpha``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring import validation
from scoring.errors import ParameterError
from scoring.model import counted_reviews, times_ns
from scoring.periods import NS_PER_DAY, to_utc_timestamp

MAX_WINDOW_DAYS = 3660
"""The longest window or fitting span, in days (ten years, as the longest horizon)."""
MAX_OVERDISPERSION = 100.0
"""The largest ``phi`` accepted (a day's variance 100 times its mean squared)."""
MAX_MIX_STRENGTH = 1e9
DEFAULT_DISPERSION_DAYS = 365
"""Days of daily counts ``phi`` is fitted on (before ``as_of``)."""
MIX_STRENGTH_CAP = 40.0
"""The most ``alpha`` a fit gives, however many reviews the window holds.

A stationary posterior would give ``alpha = n`` (the window's review count): with
1,000 reviews the next months' mix would be pinned to within a share point. Real
mixes drift far more than that (campaigns, incidents, changes of product); this cap
was calibrated on the backtest of the real Trustpilot exports (benchmarks/RESULTS.md,
"Forecast backtest"), where it brings the 90-day P10-P90 coverage to about the
nominal 80%.
"""


@dataclass(frozen=True)
class Uncertainty:
    """How much more than Poisson arrivals a projection's paths vary.

    ``overdispersion`` ``phi >= 0``: a day's arrivals have variance ``mean + phi *
    mean**2`` (a gamma day multiplier with mean 1 and variance ``phi`` on every
    source, per path). ``mix_strength`` ``alpha > 0`` or None: each path draws each
    source's star mix from ``Dirichlet(alpha * mix)`` (None: the mixes are exact).
    The default is plain Poisson arrivals with known mixes.
    """

    overdispersion: float = 0.0
    mix_strength: float | None = None

    def __post_init__(self) -> None:
        phi = validation.number("overdispersion", self.overdispersion)
        if not (math.isfinite(phi) and 0.0 <= phi <= MAX_OVERDISPERSION):
            raise ParameterError(
                f"overdispersion must be a number from 0 to {MAX_OVERDISPERSION:g} (0: plain "
                f"Poisson days), got {self.overdispersion!r}."
            )
        object.__setattr__(self, "overdispersion", phi)
        if self.mix_strength is not None:
            alpha = validation.number("mix_strength", self.mix_strength)
            if not (math.isfinite(alpha) and 0.0 < alpha <= MAX_MIX_STRENGTH):
                raise ParameterError(
                    f"mix_strength must be above 0 and at most {MAX_MIX_STRENGTH:g}, or None "
                    f"for exactly known mixes; got {self.mix_strength!r}."
                )
            object.__setattr__(self, "mix_strength", alpha)

    @property
    def is_plain(self) -> bool:
        """Whether this is plain Poisson arrivals with known mixes."""
        return self.overdispersion == 0.0 and self.mix_strength is None


def daily_counts(reviews: pd.DataFrame, as_of: pd.Timestamp, days: int) -> np.ndarray:
    """Counted reviews in each of the ``days`` 24-hour spans ending at ``as_of``
    (oldest first; the span ``(as_of - (j + 1) days, as_of - j days]`` is entry
    ``days - 1 - j``)."""
    times = times_ns(counted_reviews(reviews))
    end = as_of.as_unit("ns").value
    ages = (end - times[times <= end]) // NS_PER_DAY
    # a review exactly at as_of - j days belongs to the span ending there
    exact = (end - times[times <= end]) % NS_PER_DAY == 0
    ages = ages - (exact & (ages > 0))
    ages = ages[ages < days]
    return np.bincount(days - 1 - ages, minlength=days)[:days].astype("float64")


def overdispersion_of(counts: np.ndarray) -> float:
    """``phi`` by the method of moments: ``max(0, (v - m) / m**2)`` for the mean ``m``
    and the (unbiased) variance ``v`` of daily counts; 0 without two days or any review.

    Chosen over negative binomial maximum likelihood because it needs no iteration,
    is unbiased enough at the hundreds of days fitted here, and, fitted on a year
    of counts, also takes in the slow swings of volume that the status quo
    (a constant rate) leaves out.
    """
    if len(counts) < 2:
        return 0.0
    mean = float(counts.mean())
    if mean <= 0:
        return 0.0
    variance = float(counts.var(ddof=1))
    return min(max(0.0, (variance - mean) / (mean * mean)), MAX_OVERDISPERSION)


def fit_uncertainty(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    window_days: float = 90,
    dispersion_days: int = DEFAULT_DISPERSION_DAYS,
    mix_strength_cap: float = MIX_STRENGTH_CAP,
) -> Uncertainty:
    """The :class:`Uncertainty` a history supports, from data before ``as_of`` only.

    - ``overdispersion`` ``phi``: :func:`overdispersion_of` the daily counts of
      counted reviews over the ``dispersion_days`` days up to ``as_of`` (or from the
      first review, when the history is shorter);
    - ``mix_strength`` ``alpha = min(n, mix_strength_cap)`` with ``n`` the counted
      reviews in the window ``(as_of - window_days, as_of]``: the more recent data,
      the surer the mix, up to a cap (:data:`MIX_STRENGTH_CAP`) because mixes drift
      more than a stationary posterior says. None (exact mixes) when the window is
      empty: the projection then has no arrivals to spread anyway.

    ``as_of`` defaults to the newest counted review.
    """
    window = validation.number("window_days", window_days)
    if not (math.isfinite(window) and 0 < window <= MAX_WINDOW_DAYS):
        raise ParameterError(
            f"window_days must be above 0 and at most {MAX_WINDOW_DAYS}, got {window_days!r}."
        )
    span = validation.whole("dispersion_days", dispersion_days, 2, MAX_WINDOW_DAYS)
    cap = validation.number("mix_strength_cap", mix_strength_cap)
    if not (math.isfinite(cap) and 0 < cap <= MAX_MIX_STRENGTH):
        raise ParameterError(
            f"mix_strength_cap must be above 0 and at most {MAX_MIX_STRENGTH:g}, "
            f"got {mix_strength_cap!r}."
        )
    times = times_ns(counted_reviews(reviews))
    if as_of is None:
        if len(times) == 0:
            return Uncertainty()
        stamp = to_utc_timestamp(int(times.max()))
    else:
        stamp = to_utc_timestamp(as_of, "as_of")
    end = stamp.as_unit("ns").value
    before = times[times <= end]
    if len(before) == 0:
        return Uncertainty()
    history_days = max(2, min(span, math.ceil((end - int(before.min())) / NS_PER_DAY) or 2))
    phi = overdispersion_of(daily_counts(reviews, stamp, history_days))
    recent = int(np.count_nonzero(before > end - window * NS_PER_DAY))
    alpha = float(min(recent, cap)) if recent > 0 else None
    return Uncertainty(overdispersion=phi, mix_strength=alpha)
