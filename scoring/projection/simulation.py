"""Monte Carlo of the decayed sums: Poisson arrivals per star, vectorised across paths.

Per path and per day, the number of new ``k``-star reviews is an independent Poisson
count with rate ``lambda_k = invited_per_day * invited_mix[k] + organic_per_day *
organic_mix[k]``. This is exactly "Poisson arrivals per source, multinomial stars": a
Poisson total split multinomially gives independent Poisson counts per star, and the
counts of the two sources add up to a Poisson count with the summed rate. Counts are
drawn by inverting the Poisson distribution function at uniforms from
``numpy.random.default_rng(seed)``, laid out day by day: the same seed gives the same
paths, the first ``h`` days do not depend on the horizon, and a higher rate never draws
fewer reviews on any path and day (common random numbers: this is what makes the
probability-mode goal seek stable).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.model import ScoreParams, score_from_sums
from scoring.projection.start import StartState

CHUNK_DAYS = 64
"""Days drawn at once (uniforms of shape (days, 5, paths))."""


class PoissonSampler:
    """Poisson(rate) counts by inverting the distribution function: ``N(u) = min{n : F(n) >= u}``.

    ``F`` is tabulated for n = 0..top with ``top = rate + 12 sqrt(rate) + 12`` (the
    mass cut off is far below 1e-15) and ends at exactly 1. A guide table over
    2**16 equal slices of [0, 1) gives the answer for most ``u`` in one lookup and
    one correction step; the rest (slices holding several values of F, in the far
    tail) fall back to a binary search. The result equals
    ``numpy.searchsorted(F, u)`` exactly, and is non-decreasing in the rate for a
    fixed ``u``.
    """

    _SLICES = 1 << 16

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            self.cdf = np.ones(1)
        else:
            top = math.ceil(rate + 12.0 * math.sqrt(rate) + 12.0)
            log_pmf = np.empty(top + 1)
            log_pmf[0] = -rate
            log_pmf[1:] = -rate + np.cumsum(math.log(rate) - np.log(np.arange(1.0, top + 1.0)))
            cdf = np.cumsum(np.exp(log_pmf))
            cdf /= cdf[-1]
            cdf[-1] = 1.0
            self.cdf = cdf
        edges = np.searchsorted(self.cdf, np.arange(self._SLICES + 1) / self._SLICES)
        self.guide = edges[:-1]
        # Slices holding two or more values of F need more than one correction step.
        self.crowded = np.diff(edges) >= 2

    def counts(self, uniforms: np.ndarray) -> np.ndarray:
        """The counts for uniforms in [0, 1), same shape."""
        slices = (uniforms * self._SLICES).astype(np.intp)
        counts = self.guide[slices]
        counts += uniforms > self.cdf[counts]
        left = self.crowded[slices]
        if left.any():
            counts[left] = np.searchsorted(self.cdf, uniforms[left])
        return counts


@dataclass
class Simulation:
    """Simulated scores (days x paths, or 1 x paths with only the last day kept) and the
    per-day Monte Carlo means and standard errors of the decayed sums."""

    scores: np.ndarray  # (days, paths), or (1, paths) when only the last day was kept
    mean_a: np.ndarray
    se_a: np.ndarray
    mean_b: np.ndarray
    se_b: np.ndarray


def simulate(
    start: StartState,
    params: ScoreParams,
    star_rates: np.ndarray,
    *,
    days: int,
    paths: int,
    seed: int,
    record: bool,
) -> Simulation:
    """Simulate ``paths`` paths of the decayed sums for ``days`` days.

    Uniforms come from ``default_rng(seed)`` in blocks of shape (days, 5, paths),
    always all five stars, so the draws of day d do not depend on the horizon or on
    which rates are zero. Counts invert the Poisson distribution function
    (:class:`PoissonSampler`), so they are monotone in the rate. With ``record=False``
    only the last day's scores are kept.

    Under "trustpilot" each path also keeps its review count ``n`` and its weighted
    mean ``M``, updated only on days with arrivals (``M <- (q B M + s) / (q B + k)``
    for k new reviews worth s stars), so a path without new reviews keeps its score
    exactly, however far its decayed sums underflow.
    """
    q = 1.0 if math.isinf(params.half_life_days) else 2.0 ** (-1.0 / params.half_life_days)
    samplers = [PoissonSampler(float(rate)) for rate in star_rates]
    active = [k for k in range(5) if star_rates[k] > 0]
    rng = np.random.default_rng(seed)
    a = np.full(paths, start.decayed_stars)
    b = np.full(paths, start.effective_reviews)
    fitted = params.is_trustpilot
    n = np.full(paths, float(start.reviews))
    mean = np.full(paths, start.weighted_mean)
    kept = days if record else 1
    scores = np.empty((kept, paths))
    stats = np.full((4, kept), np.nan)
    buffer_a = np.empty((CHUNK_DAYS, paths))
    buffer_b = np.empty((CHUNK_DAYS, paths))
    buffer_n = np.empty((CHUNK_DAYS, paths))
    buffer_mean = np.empty((CHUNK_DAYS, paths))
    carried = np.empty(paths)

    def score(a: np.ndarray, b: np.ndarray, n: np.ndarray, mean: np.ndarray) -> np.ndarray:
        if fitted:
            return score_from_sums(a, b, n, params, weighted_mean=mean)
        return score_from_sums(a, b, n, params)

    for first in range(0, days, CHUNK_DAYS):
        size = min(CHUNK_DAYS, days - first)
        uniforms = rng.random((size, 5, paths))
        new_stars = np.zeros((size, paths))
        new_reviews = np.zeros((size, paths))
        for k in active:
            counts = samplers[k].counts(uniforms[:, k, :])
            new_reviews += counts
            counts *= k + 1
            new_stars += counts
        arrived = new_reviews > 0
        for j in range(size):
            a *= q
            a += new_stars[j]
            b *= q
            if fitted:
                np.multiply(b, mean, out=carried)
                carried += new_stars[j]
            b += new_reviews[j]
            buffer_a[j] = a
            buffer_b[j] = b
            if fitted:
                n += new_reviews[j]
                np.divide(carried, b, out=mean, where=arrived[j])
                buffer_n[j] = n
                buffer_mean[j] = mean
        if record:
            block_a, block_b = buffer_a[:size], buffer_b[:size]
            rows = slice(first, first + size)
            scores[rows] = score(block_a, block_b, buffer_n[:size], buffer_mean[:size])
            stats[0, rows] = block_a.mean(axis=1)
            stats[2, rows] = block_b.mean(axis=1)
            if paths > 1:
                root = math.sqrt(paths)
                stats[1, rows] = block_a.std(axis=1, ddof=1) / root
                stats[3, rows] = block_b.std(axis=1, ddof=1) / root
    if not record:
        scores[0] = score(a, b, n, mean)
        stats[0, 0], stats[2, 0] = a.mean(), b.mean()
    return Simulation(scores, stats[0], stats[1], stats[2], stats[3])


def sorted_percentiles(sorted_rows: np.ndarray, percentiles: Sequence[float]) -> np.ndarray:
    """Percentiles of each row of a row-sorted array (numpy's default 'linear' method)."""
    n = sorted_rows.shape[1]
    out = np.empty((sorted_rows.shape[0], len(percentiles)))
    for i, p in enumerate(percentiles):
        position = p / 100.0 * (n - 1)
        low = math.floor(position)
        high = min(low + 1, n - 1)
        frac = position - low
        out[:, i] = sorted_rows[:, low] + frac * (sorted_rows[:, high] - sorted_rows[:, low])
    return out


def percentile_column(p: float) -> str:
    return f"p{p:g}"


def share_of_paths(paths: int, share: float) -> int:
    """How many of ``paths`` paths make up ``share`` of them (rounded up, at least 1)."""
    return max(1, math.ceil(share * paths - 1e-9))
