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

With an :class:`~scoring.projection.uncertainty.Uncertainty` that is not plain, each
path first draws its two star mixes from ``Dirichlet(alpha * mix)``, then its volume
level ``L`` (gamma, mean 1, variance ``1 / kappa``), its unseen organic rate ``R0``
(gamma, shape 1/2, mean ``r0``, added to ``L`` times its rates) and each of its days a gamma
multiplier ``G`` (mean 1, variance ``phi``), from a second stream
``default_rng([seed, 1])`` that does not depend on the volumes. A path's day then
has ``N ~ Poisson(L * G * sum_k lambda_k)`` reviews with ``lambda_k = invited_per_day *
p_inv[k] + organic_per_day * p_org[k]``, inverted at one uniform per path and day from
``default_rng(seed)`` (:func:`poisson_counts`), and ``N`` is split into stars
multinomially with shares ``lambda_k / sum_j lambda_j`` (:class:`StarSplit`, binomials
from streams ``default_rng([seed, 2, k])``): given ``G`` and the mixes this is
exactly independent Poisson counts per star. When the uncertainty drifts, after
every ``drift_days`` each path's mixes move to ``Dirichlet(beta * p)`` around its
current ``p`` and its level ``L`` is multiplied by a gamma with mean 1 and variance
``v``, from a fourth stream ``default_rng([seed, 3])`` (the other streams draw as
without drift). One count per path and day instead of
five keeps 2,000 paths x 730 days within a second. The volumes only scale the rates,
so a higher request volume never draws fewer reviews on a path and day; the split of
those reviews into stars is not coupled across volumes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from scoring.model import ScoreParams, score_from_sums
from scoring.projection.start import StartState
from scoring.projection.uncertainty import Uncertainty
from scoring.validation import StarMix

CHUNK_DAYS = 64
"""Days drawn at once (uniforms of shape (days, 5, paths))."""
LARGE_RATE = 30.0
"""Above this rate per cell, :func:`poisson_counts` uses the Cornish-Fisher quantile."""
SEARCH_ROUNDS = 4
"""Steps of the sequential search between two compactions of the cells still searching."""
SEARCH_TOP = 110
"""Where the search stops: beyond any count at rates up to 30 (30 + 12 sqrt(30) + 12);
only a uniform that rounds above every F(n) gets there."""
UNCERTAINTY_STREAM = 1
"""The second seed word of the stream that draws mixes and day multipliers."""
STARS_STREAM = 2
"""The second seed word of the stream that splits a day's reviews into stars."""
DRIFT_STREAM = 3
"""The second seed word of the stream that moves the mixes and volume block by block."""


@dataclass(frozen=True)
class Arrivals:
    """The two sources of new reviews: invited (``invited_per_day`` a day, stars from
    ``invited_mix``) and organic (``organic_per_day``, ``organic_mix``)."""

    invited_per_day: float
    invited_mix: StarMix
    organic_per_day: float
    organic_mix: StarMix

    @property
    def star_rates(self) -> np.ndarray:
        """``lambda_k``: expected new k-star reviews a day, k = 1..5."""
        return self.invited_per_day * np.asarray(self.invited_mix) + self.organic_per_day * (
            np.asarray(self.organic_mix)
        )


def poisson_counts(rates: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Poisson counts with a rate per cell, by inversion at ``uniforms`` (same shape).

    Rates up to :data:`LARGE_RATE`: the exact inverse ``min{n : F(n) >= u}`` by a
    vectorised sequential search (``p_0 = e**-lambda``, ``p_n = p_{n-1} lambda / n``),
    each cell leaving the search once found. Above: the Cornish-Fisher quantile
    ``n = ceil(lambda + sqrt(lambda) z + (z**2 - 1) / 6 + (z - z**3) / (72 sqrt(lambda)) - 1/2)``
    with ``z = Phi^-1(u)`` (distribution error below 1e-3 from lambda = 30, and
    increasing in lambda there). Both are non-decreasing in the rate for a fixed
    uniform. Returns floats.
    """
    flat_rates = rates.ravel()
    flat_u = uniforms.ravel()
    out = np.zeros(flat_rates.shape)
    large = flat_rates > LARGE_RATE
    if large.any():
        lam = flat_rates[large]
        z = ndtri(flat_u[large])
        root = np.sqrt(lam)
        with np.errstate(invalid="ignore"):
            quantile = lam + root * z + (z * z - 1.0) / 6.0 + (z - z**3) / (72.0 * root)
        out[large] = np.maximum(0.0, np.ceil(np.nan_to_num(quantile - 0.5, nan=0.0,
                                                            neginf=0.0)))
    cells = np.flatnonzero((flat_rates > 0) & ~large)
    lam = flat_rates[cells]
    u = flat_u[cells]
    term = np.exp(-lam)
    cdf = term.copy()
    # N = #{n >= 0 : F(n) < u}, counted step by step; the cells still searching are
    # gathered (compacted) only once they are fewer than half the array, so each
    # compaction at least halves it and its cost stays a small multiple of one pass
    count = (u > cdf).astype("float64")
    above = np.empty(cells.shape, dtype=bool)
    k = 0
    while cells.size and k < SEARCH_TOP:
        for _ in range(SEARCH_ROUNDS):
            k += 1
            term *= lam
            term *= 1.0 / k
            cdf += term
            np.greater(u, cdf, out=above)
            count += above
        searching = above
        still = int(np.count_nonzero(searching))
        if still == 0:
            break
        if 2 * still < cells.size:
            done = ~searching
            out[cells[done]] = count[done]
            cells, lam, u, term, cdf, count = (cells[searching], lam[searching],
                                               u[searching], term[searching],
                                               cdf[searching], count[searching])
            above = np.empty(cells.shape, dtype=bool)
    out[cells] = count
    return out.reshape(rates.shape)


class StarSplit:
    """Splits each path's daily review counts into stars, multinomially with the path's
    shares ``pi_k = lambda_k / sum_j lambda_j``, as a chain of binomials:
    ``N_1 ~ Bin(N, pi_1)``, ``N_k ~ Bin(N - N_1 - ... - N_{k-1}, pi_k / (1 - pi_1 - ...
    - pi_{k-1}))``, the rest five stars. A Poisson total split so gives independent
    Poisson counts per star, exactly."""

    def __init__(self, star_rates: np.ndarray, path_rates: np.ndarray) -> None:
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = np.where(path_rates > 0, star_rates / path_rates, 0.2)
            left = 1.0 - np.cumsum(shares, axis=0) + shares
            self.conditional = np.clip(np.where(left > 0, shares / left, 1.0), 0.0, 1.0)

    def stars(self, rngs: Sequence[np.random.Generator], totals: np.ndarray) -> np.ndarray:
        """The stars (sum over the day's reviews) for review counts ``totals`` (days, paths).

        The k-th binomial comes from ``rngs[k]`` (one stream per star, so the draws of
        the first days of a block do not depend on how many days the block has)."""
        remaining = totals.astype("int64")
        stars = 5.0 * totals
        for k in range(4):
            counts = rngs[k].binomial(remaining, self.conditional[k])
            remaining -= counts
            stars -= (4 - k) * counts
        return stars


def drawn_mixes(rng: np.random.Generator, mix: StarMix, strength: float | None,
                paths: int) -> np.ndarray:
    """Each path's star mix, shape (5, paths): ``Dirichlet(strength * mix)`` by normalised
    gammas (a star with share 0 stays at 0), or ``mix`` itself when ``strength`` is None."""
    shares = np.asarray(mix, dtype="float64")
    if strength is None:
        return np.repeat(shares[:, None], paths, axis=1)
    gammas = rng.standard_gamma(strength * shares, size=(paths, 5))
    totals = gammas.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        drawn = np.where(totals > 0, gammas / totals, shares)
    return np.ascontiguousarray(drawn.T)


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


class ArrivalDraws:
    """The new reviews of every path, day after day: counts and their summed stars.

    Plain Poisson arrivals (``uncertainty`` plain or None): five uniforms per path and
    day from ``default_rng(seed)``, one per star, inverted by :class:`PoissonSampler`.
    Otherwise: the paths' mixes and volume levels first, then per chunk of days (cut
    at every ``drift_days`` when the mixes and level drift, :meth:`_next_block`) the
    day multipliers (``default_rng([seed, 1])``), one uniform per path and day
    (``default_rng(seed)``) inverted by :func:`poisson_counts`, and the split into
    stars (:class:`StarSplit`, ``default_rng([seed, 2])``).
    """

    def __init__(self, arrivals: Arrivals, uncertainty: Uncertainty | None, *, paths: int,
                 seed: int) -> None:
        self.uncertainty = uncertainty if uncertainty is not None else Uncertainty()
        self.paths = paths
        self.rng = np.random.default_rng(seed)
        star_rates = arrivals.star_rates
        self.plain = self.uncertainty.is_plain
        if self.plain:
            self.samplers = [PoissonSampler(float(rate)) for rate in star_rates]
            self.active = [k for k in range(5) if star_rates[k] > 0]
            return
        self.spread = np.random.default_rng([seed, UNCERTAINTY_STREAM])
        strength = self.uncertainty.mix_strength
        self.invited_per_day = arrivals.invited_per_day
        self.organic_per_day = arrivals.organic_per_day
        self.invited_mixes = drawn_mixes(self.spread, arrivals.invited_mix, strength, paths)
        self.organic_mixes = drawn_mixes(self.spread, arrivals.organic_mix, strength, paths)
        kappa = self.uncertainty.volume_strength
        self.level = (self.spread.gamma(kappa, 1.0 / kappa, size=paths) if kappa is not None
                      else np.ones(paths))
        unseen = self.uncertainty.unseen_rate
        # the Jeffreys posterior of an empty window: R0 ~ Gamma(1/2, scale 2 r0)
        self.unseen = (self.spread.gamma(0.5, 2.0 * unseen, size=paths) if unseen > 0
                       else None)
        self.stars_rngs = [np.random.default_rng([seed, STARS_STREAM, k]) for k in range(4)]
        self.drift = (np.random.default_rng([seed, DRIFT_STREAM]) if self.uncertainty.drifts
                      else None)
        self.day = 0
        self._block_rates()

    def _block_rates(self) -> None:
        """Each path's expected k-star reviews a day before the day multiplier, (5, paths):
        ``L (invited_per_day p_inv + organic_per_day p_org) + R0 p_org``."""
        rates = (self.invited_per_day * self.invited_mixes
                 + self.organic_per_day * self.organic_mixes)
        rates *= self.level[None, :]
        if self.unseen is not None:
            rates += self.organic_mixes * self.unseen[None, :]
        self.star_rates = rates
        self.path_rates = rates.sum(axis=0)
        self.splitter = StarSplit(rates, self.path_rates)

    def _next_block(self) -> None:
        """Move each path's mixes (``Dirichlet(beta * p)``) and volume level (times a gamma
        with mean 1 and variance ``v``) one block of ``drift_days`` on."""
        assert self.drift is not None
        beta = self.uncertainty.mix_drift_strength
        if beta is not None:
            for mixes in (self.invited_mixes, self.organic_mixes):
                gammas = self.drift.standard_gamma(beta * mixes)
                totals = gammas.sum(axis=0, keepdims=True)
                with np.errstate(invalid="ignore", divide="ignore"):
                    mixes[:] = np.where(totals > 0, gammas / totals, mixes)
        v = self.uncertainty.volume_drift
        if v > 0:
            self.level *= self.drift.gamma(1.0 / v, v, size=self.paths)
        self._block_rates()

    def next_days(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """The next ``size`` days: new reviews and their summed stars, each (size, paths)."""
        paths = self.paths
        if self.plain:
            uniforms = self.rng.random((size, 5, paths))
            new_stars = np.zeros((size, paths))
            new_reviews = np.zeros((size, paths))
            for k in self.active:
                counts = self.samplers[k].counts(uniforms[:, k, :])
                new_reviews += counts
                counts *= k + 1
                new_stars += counts
            return new_reviews, new_stars
        uniforms = self.rng.random((size, paths))
        new_reviews = np.empty((size, paths))
        new_stars = np.empty((size, paths))
        block = self.uncertainty.drift_days
        done = 0
        while done < size:
            if self.drift is not None and self.day > 0 and self.day % block == 0:
                self._next_block()
            part = size - done
            if self.drift is not None:
                part = min(part, block - self.day % block)
            rows = slice(done, done + part)
            new_reviews[rows], new_stars[rows] = self._counts(uniforms[rows])
            done += part
            self.day += part
        return new_reviews, new_stars

    def _counts(self, uniforms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Reviews and their summed stars for one uniform per path and day (days, paths),
        under the current rates: day multipliers, Poisson inversion, split into stars."""
        phi = self.uncertainty.overdispersion
        if phi > 0:
            rates = self.spread.gamma(1.0 / phi, phi, size=uniforms.shape)
            rates *= self.path_rates
        else:
            rates = np.broadcast_to(self.path_rates, uniforms.shape)
        new_reviews = poisson_counts(rates, uniforms)
        return new_reviews, self.splitter.stars(self.stars_rngs, new_reviews)


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
    arrivals: Arrivals,
    *,
    days: int,
    paths: int,
    seed: int,
    record: bool,
    uncertainty: Uncertainty | None = None,
) -> Simulation:
    """Simulate ``paths`` paths of the decayed sums for ``days`` days.

    Uniforms come from ``default_rng(seed)`` in blocks of shape (days, 5, paths),
    always all five stars, so the draws of day d do not depend on the horizon or on
    which rates are zero. Counts invert the Poisson distribution function
    (:class:`PoissonSampler` for plain Poisson arrivals, the exact fast path; under an
    ``uncertainty`` one uniform per path and day inverted by :func:`poisson_counts`
    and split into stars by :class:`StarSplit`), so they are monotone in the rate.
    Mixes (once per path) and day multipliers (per chunk, day by day) come from
    ``default_rng([seed, 1])``, independent of the volumes. With ``record=False`` only
    the last day's scores are kept.

    Under "trustpilot" each path also keeps its review count ``n`` and its weighted
    mean ``M``, updated only on days with arrivals (``M <- (q B M + s) / (q B + k)``
    for k new reviews worth s stars), so a path without new reviews keeps its score
    exactly, however far its decayed sums underflow.
    """
    q = 1.0 if math.isinf(params.half_life_days) else 2.0 ** (-1.0 / params.half_life_days)
    draws = ArrivalDraws(arrivals, uncertainty, paths=paths, seed=seed)
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
        new_reviews, new_stars = draws.next_days(size)
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
