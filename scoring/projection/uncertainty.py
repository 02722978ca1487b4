"""Uncertainty beyond Poisson arrivals: overdispersed daily volume and an uncertain star mix.

Plain Poisson arrivals with a known star mix (the default, :class:`Uncertainty()`)
understate how far real scores wander: real review volume swings from day to day
far more than a Poisson count does, and the star mix of the next months is not the
recent mix exactly. Two documented additions, both per simulated path:

- **Overdispersion** ``phi``: every day of every path draws a gamma multiplier ``G``
  with mean 1 and variance ``phi`` (shape ``1/phi``, scale ``phi``) that scales every
  source's rate that day. A day's total arrivals are then negative binomial with
  mean ``r`` and variance ``r + phi r**2``.
- **Volume level** ``kappa``: each path draws one multiplier ``L`` of all its rates,
  gamma with mean 1 and variance ``1 / kappa`` (shape ``kappa``, scale ``1 / kappa``):
  the recent rate is an estimate from few reviews, and volume shifts for months at a
  time (campaigns, seasons), which independent days cannot produce. ``None``: the
  volume is known exactly.
- **Mix uncertainty** ``alpha``: each path draws each source's star mix once, from
  ``Dirichlet(alpha * mix)``: mean ``mix``, variance ``mix_k (1 - mix_k) / (alpha + 1)``
  per share. ``None``: the mixes are known exactly.
- **Unseen rate** ``r0``: a recent window without a review does not prove that no
  review comes: with Jeffreys' prior the rate behind ``n`` reviews in ``w`` days is
  ``Gamma(n + 1/2, rate w)``, for ``n = 0`` a gamma with shape 1/2 and mean
  ``r0 = 1 / (2 w)``. Each path adds organic arrivals at its own rate ``R0 ~
  Gamma(shape 1/2, scale 2 r0)`` (mean ``r0``, variance ``2 r0**2``), stars from its
  organic mix. 0 (the default): nothing beyond the given rates arrives.
- **Drift with the horizon** ``beta``, ``v`` per block of ``drift_days``: the mix and
  volume drawn above hold for the first ``drift_days``; after each further block a
  path's mixes move as a random walk, ``p_b ~ Dirichlet(beta * p_{b-1})`` (mean stars
  move by a variance ``s2_{b-1} / (beta + 1)`` per block), and its volume level is
  multiplied by a gamma with mean 1 and variance ``v``. So the spread of the mix and
  volume grows with the horizon as real drift does, instead of being drawn once.
  ``None`` / 0: no drift after the first block.

:func:`fit_uncertainty` reads both from a history (see there for the estimators and
the calibrated cap on ``alpha``).
"""

from __future__ import annotations

import itertools
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
MAX_VOLUME_DRIFT = 100.0
"""The largest ``volume_drift`` accepted (a block's level multiplier with variance 100)."""
DEFAULT_DRIFT_DAYS = 90
"""Days per block of the mix's and volume's random walk (the window they are measured on)."""
MAX_UNSEEN_RATE = 1000.0
"""The largest ``unseen_rate`` accepted (reviews a day)."""
JEFFREYS_SHAPE = 0.5
"""The shape Jeffreys' prior adds to a Poisson rate's gamma posterior (``n + 1/2``)."""
DEFAULT_DISPERSION_DAYS = 365
"""Days of daily counts ``phi`` is fitted on (before ``as_of``)."""
DEFAULT_DRIFT_WINDOWS = 8
"""Windows (of ``window_days``) the mix's drift is measured on (two years at 90 days)."""
MIX_STRENGTH_CAP = 30.0
"""The most ``alpha`` a fit gives, however many reviews the window holds.

A stationary posterior would give ``alpha = n`` (the window's review count): with
1,000 reviews the next months' mix would be pinned to within a share point. Real
mixes drift far more than that (campaigns, incidents, changes of product), and a
drift measured as 0 on a few windows is noise, not certainty. The cap was calibrated
on the backtest of the real Trustpilot exports (benchmarks/RESULTS.md, "Forecast
backtest"): of 20, 30, 40, 60 and 100, 30 put the most datasets' 90-day P10-P90
coverage within 70-90%.
"""


@dataclass(frozen=True)
class Uncertainty:
    """How much more than Poisson arrivals a projection's paths vary.

    ``overdispersion`` ``phi >= 0``: a day's arrivals have variance ``mean + phi *
    mean**2`` (a gamma day multiplier with mean 1 and variance ``phi`` on every
    source, per path). ``mix_strength`` ``alpha > 0`` or None: each path draws each
    source's star mix from ``Dirichlet(alpha * mix)`` (None: the mixes are exact).
    ``volume_strength`` ``kappa > 0`` or None: each path multiplies all its rates by
    one gamma level with mean 1 and variance ``1 / kappa`` (None: known volume).
    ``unseen_rate`` ``r0 >= 0`` (reviews a day): each path adds organic arrivals at a
    rate ``R0 ~ Gamma(shape 1/2, scale 2 r0)``, mean ``r0`` (the Jeffreys posterior of
    an empty window; 0: none). ``mix_drift_strength`` ``beta > 0`` or None and
    ``volume_drift`` ``v >= 0``: after every ``drift_days`` (a whole number of days)
    each path's mixes move to ``Dirichlet(beta * p)`` around its current mixes ``p``
    and its volume level is multiplied by a gamma with mean 1 and variance ``v``
    (None / 0: drawn once for the whole horizon). The default is plain Poisson
    arrivals with known volume and mixes.
    """

    overdispersion: float = 0.0
    mix_strength: float | None = None
    volume_strength: float | None = None
    unseen_rate: float = 0.0
    mix_drift_strength: float | None = None
    volume_drift: float = 0.0
    drift_days: int = DEFAULT_DRIFT_DAYS

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
        if self.volume_strength is not None:
            kappa = validation.number("volume_strength", self.volume_strength)
            if not (math.isfinite(kappa) and 0.0 < kappa <= MAX_MIX_STRENGTH):
                raise ParameterError(
                    f"volume_strength must be above 0 and at most {MAX_MIX_STRENGTH:g}, or "
                    f"None for an exactly known volume; got {self.volume_strength!r}."
                )
            object.__setattr__(self, "volume_strength", kappa)
        unseen = validation.number("unseen_rate", self.unseen_rate)
        if not (math.isfinite(unseen) and 0.0 <= unseen <= MAX_UNSEEN_RATE):
            raise ParameterError(
                f"unseen_rate must be a number of reviews a day from 0 to "
                f"{MAX_UNSEEN_RATE:g} (0: nothing beyond the given rates arrives), got "
                f"{self.unseen_rate!r}."
            )
        object.__setattr__(self, "unseen_rate", unseen)
        if self.mix_drift_strength is not None:
            beta = validation.number("mix_drift_strength", self.mix_drift_strength)
            if not (math.isfinite(beta) and 0.0 < beta <= MAX_MIX_STRENGTH):
                raise ParameterError(
                    f"mix_drift_strength must be above 0 and at most {MAX_MIX_STRENGTH:g}, or "
                    f"None for mixes that do not drift after the first block; got "
                    f"{self.mix_drift_strength!r}."
                )
            object.__setattr__(self, "mix_drift_strength", beta)
        v = validation.number("volume_drift", self.volume_drift)
        if not (math.isfinite(v) and 0.0 <= v <= MAX_VOLUME_DRIFT):
            raise ParameterError(
                f"volume_drift must be a variance from 0 to {MAX_VOLUME_DRIFT:g} (0: the "
                f"volume level does not drift after the first block), got {self.volume_drift!r}."
            )
        object.__setattr__(self, "volume_drift", v)
        object.__setattr__(self, "drift_days",
                           validation.whole("drift_days", self.drift_days, 1, MAX_WINDOW_DAYS))

    @property
    def is_plain(self) -> bool:
        """Whether this is plain Poisson arrivals with known volume and mixes."""
        return (self.overdispersion == 0.0 and self.mix_strength is None
                and self.volume_strength is None and self.unseen_rate == 0.0
                and not self.drifts)

    @property
    def drifts(self) -> bool:
        """Whether the mixes or the volume level move after each block of ``drift_days``."""
        return self.mix_drift_strength is not None or self.volume_drift > 0.0


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


def mix_drift(
    times: np.ndarray, stars: np.ndarray, end_ns: int, window_days: float, blocks: int
) -> tuple[float, float, int] | None:
    """How far the mean stars moved from one window to the next, beyond sampling noise.

    The ``blocks`` consecutive windows of ``window_days`` ending at ``end_ns`` (newest
    first, only those after the first review) give counts ``n_b`` and mean stars
    ``m_b``; ``s2`` is the pooled variance of single reviews' stars. For neighbours
    ``D_b = m_b - m_{b+1}`` has ``E[D_b**2] = s2 / n_b + s2 / n_{b+1} + d2``, so the
    drift variance is ``d2 = max(0, mean(D_b**2 - s2 / n_b - s2 / n_{b+1}))``. Returns
    ``(s2, d2, pairs)``, or None without a pair of neighbouring windows with reviews.
    """
    first = int(times.min())
    span = window_days * NS_PER_DAY
    counts, means = [], []
    for j in range(blocks):
        upper = end_ns - j * span
        lower = upper - span
        if upper <= first:
            break
        inside = (times > lower) & (times <= upper)
        n = int(np.count_nonzero(inside))
        counts.append(n)
        means.append(float(stars[inside].mean()) if n else math.nan)
    pairs = [
        (counts[j], counts[j + 1], means[j] - means[j + 1])
        for j in range(len(counts) - 1)
        if counts[j] and counts[j + 1]
    ]
    if not pairs:
        return None
    used = (times > end_ns - len(counts) * span) & (times <= end_ns)
    s2 = float(stars[used].var()) if np.count_nonzero(used) > 1 else 0.0
    excess = [d * d - s2 / a - s2 / b for a, b, d in pairs]
    return s2, max(0.0, float(np.mean(excess))), len(pairs)


def volume_drift(times: np.ndarray, end_ns: int, window_days: float, blocks: int,
                 phi: float) -> float | None:
    """The relative variance of the volume from one window to the next, beyond noise.

    For neighbouring windows with counts ``c_b`` and ``c_{b+1}`` (of up to ``blocks``
    windows ending at ``end_ns``), ``E[(c_b - c_{b+1})**2] = v_b + v_{b+1} + 2 d2 m**2``
    with ``v = c (1 + phi c / window_days)`` the noise of a window (overdispersed
    days) and ``m`` the pair's mean count; ``d2 = max(0, mean(((c_b - c_{b+1})**2 -
    v_b - v_{b+1}) / (2 m**2)))``. None without a pair with reviews.
    """
    first = int(times.min())
    span = window_days * NS_PER_DAY
    counts = []
    for j in range(blocks):
        upper = end_ns - j * span
        if upper <= first:
            break
        counts.append(float(np.count_nonzero((times > upper - span) & (times <= upper))))
    excess = []
    for a, b in itertools.pairwise(counts):
        mean = (a + b) / 2.0
        if mean <= 0:
            continue
        noise = a * (1.0 + phi * a / window_days) + b * (1.0 + phi * b / window_days)
        excess.append(((a - b) ** 2 - noise) / (2.0 * mean * mean))
    if not excess:
        return None
    return max(0.0, float(np.mean(excess)))


def fit_uncertainty(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    window_days: float = 90,
    dispersion_days: int = DEFAULT_DISPERSION_DAYS,
    drift_windows: int = DEFAULT_DRIFT_WINDOWS,
    mix_strength_cap: float = MIX_STRENGTH_CAP,
) -> Uncertainty:
    """The :class:`Uncertainty` a history supports, from data before ``as_of`` only.

    - ``overdispersion`` ``phi``: :func:`overdispersion_of` the daily counts of
      counted reviews over the ``dispersion_days`` days up to ``as_of`` (or from the
      first review, when the history is shorter);
    - ``mix_strength`` ``alpha``: the next window's mean stars differ from the
      recent window's (``n`` reviews) by its sampling noise ``s2 / n`` plus the drift
      ``d2`` of the mix from window to window, measured on up to ``drift_windows``
      windows before ``as_of`` (:func:`mix_drift`). A path's Dirichlet mix has mean
      stars with variance ``s2 / (alpha + 1)``, so ``alpha = s2 / (s2 / n + d2) - 1``,
      at least 1, and at most ``n`` (what a stationary posterior would say) and
      ``mix_strength_cap`` (:data:`MIX_STRENGTH_CAP`, calibrated on the backtest).
      Without two neighbouring windows to measure the drift: ``alpha = min(n,
      mix_strength_cap)``.
    - an empty recent window (``n = 0``): no volume level (nothing to scale), but
      ``unseen_rate = 1 / (2 window_days)`` (the mean of the Jeffreys posterior
      ``Gamma(1/2, rate window_days)``), with the all-time mix the status quo falls
      back to, spread as ``alpha = min(N, mix_strength_cap)`` for the ``N`` reviews
      before ``as_of``.
    - ``volume_strength`` ``kappa = 1 / (1 / n + d2)``: the recent rate's relative
      sampling variance ``1 / n`` plus the relative drift of the volume from window
      to window (:func:`volume_drift`, 0 when it cannot be measured).
    - the drift after the first window, a random walk per block of ``drift_days =
      window_days`` (rounded): ``mix_drift_strength`` ``beta = s2 / d2 - 1`` (at least
      1; None when ``d2`` is 0 or cannot be measured), so a block's move adds the
      measured drift ``d2`` to the mean stars' variance; ``volume_drift`` ``v`` = the
      volume's measured drift ``d2`` (0 when it cannot be measured). Both measured at
      the lag of one window, the block the walk steps by; no cap (the cap on
      ``alpha`` is for the first window, where a drift measured as 0 is not trusted).

    ``as_of`` defaults to the newest counted review.
    """
    window = validation.number("window_days", window_days)
    if not (math.isfinite(window) and 0 < window <= MAX_WINDOW_DAYS):
        raise ParameterError(
            f"window_days must be above 0 and at most {MAX_WINDOW_DAYS}, got {window_days!r}."
        )
    span = validation.whole("dispersion_days", dispersion_days, 2, MAX_WINDOW_DAYS)
    windows = validation.whole("drift_windows", drift_windows, 2, 1000)
    cap = validation.number("mix_strength_cap", mix_strength_cap)
    if not (math.isfinite(cap) and 0 < cap <= MAX_MIX_STRENGTH):
        raise ParameterError(
            f"mix_strength_cap must be above 0 and at most {MAX_MIX_STRENGTH:g}, "
            f"got {mix_strength_cap!r}."
        )
    counted = counted_reviews(reviews)
    times = times_ns(counted)
    if as_of is None:
        if len(times) == 0:
            return Uncertainty()
        stamp = to_utc_timestamp(int(times.max()))
    else:
        stamp = to_utc_timestamp(as_of, "as_of")
    end = stamp.as_unit("ns").value
    upto = times <= end
    before = times[upto]
    if len(before) == 0:
        return Uncertainty()
    history_days = max(2, min(span, math.ceil((end - int(before.min())) / NS_PER_DAY)))
    phi = overdispersion_of(daily_counts(counted, stamp, history_days))
    recent = int(np.count_nonzero(before > end - window * NS_PER_DAY))
    if recent == 0:
        return Uncertainty(overdispersion=phi, mix_strength=min(float(len(before)), cap),
                           unseen_rate=JEFFREYS_SHAPE / window)
    volume = volume_drift(before, end, window, windows, phi)
    # the recent rate's own noise (n reviews: relative variance 1 / n) plus its drift
    kappa = 1.0 / (1.0 / recent + (volume if volume is not None else 0.0))
    stars = counted["rating"].to_numpy(dtype="float64")[upto]
    drift = mix_drift(before, stars, end, window, windows)
    if drift is None:
        alpha = min(float(recent), cap)
    else:
        s2, d2, _ = drift
        spread = s2 / recent + d2
        alpha = float(recent) if spread <= 0 else min(float(recent), max(1.0, s2 / spread - 1.0))
        alpha = min(alpha, cap)
    # the drift per window measured above, now as a random walk block by block
    beta = None
    if drift is not None and drift[0] > 0 and drift[1] > 0:
        beta = min(MAX_MIX_STRENGTH, max(1.0, drift[0] / drift[1] - 1.0))
    v = min(volume, MAX_VOLUME_DRIFT) if volume is not None else 0.0
    return Uncertainty(overdispersion=phi, mix_strength=alpha, volume_strength=kappa,
                       mix_drift_strength=beta, volume_drift=v,
                       drift_days=max(1, round(window)))
