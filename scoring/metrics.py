"""Companion metrics an analyst expects beside the TrustScore.

- plain mean and count; Bayesian average without decay (the IMDb weighted rating)
  ``(m * mu + sum s_i) / (m + n)``;
- share of 4-5 star reviews with its Wilson lower bound;
- Evan Miller's star-rating posterior (Dirichlet prior of one pseudo-review per star);
- a promoter-style net score: share of 5 stars minus share of 1-3 stars, x 100;
- per-period series: cumulative mean, rolling 30/90-day means, star mix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.model import (
    DEFAULT_PRIOR_COUNT,
    DEFAULT_PRIOR_MEAN,
    counted_reviews,
    times_ns,
)
from scoring.periods import (
    NS_PER_DAY,
    series_edges,
)

STARS = (1, 2, 3, 4, 5)


def star_counts(reviews: pd.DataFrame) -> np.ndarray:
    """Counted reviews per star: an array of 5 counts for 1..5 stars."""
    ratings = counted_reviews(reviews)["rating"].to_numpy(dtype="int64")
    return np.bincount(ratings, minlength=6)[1:6]


def bayesian_average(
    reviews: pd.DataFrame,
    *,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
) -> float:
    """The Bayesian average without decay: ``(m * mu + sum s_i) / (m + n)``."""
    counts = star_counts(reviews)
    n = counts.sum()
    if prior_count + n == 0:
        return float(prior_mean)
    return float((prior_count * prior_mean + counts @ np.array(STARS)) / (prior_count + n))


def wilson_lower_bound(successes: int, n: int, z: float = 1.96) -> float:
    """Wilson score interval's lower bound for a proportion (0 when n = 0).

    ``(p + z^2/2n - z * sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)``
    """
    if n == 0:
        return 0.0
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - margin) / (1 + z2 / n)


@dataclass(frozen=True)
class Summary:
    """Companion metrics of a set of reviews (counted ones only)."""

    reviews: int
    mean_rating: float
    bayesian_average: float
    positive_share: float
    positive_share_lower: float
    dirichlet_mean: float
    dirichlet_lower: float
    net_score: float


def dirichlet_rating(counts: np.ndarray, z: float = 1.96) -> tuple[float, float]:
    """Evan Miller's star-rating posterior: ``(mean, lower bound)``.

    With one pseudo-review per star, ``p_k = (n_k + 1) / (N + K)``::

        mean  = sum s_k p_k
        lower = mean - z * sqrt((sum s_k^2 p_k - mean^2) / (N + K + 1))
    """
    counts = np.asarray(counts, dtype="float64")
    stars = np.arange(1, len(counts) + 1, dtype="float64")
    total = counts.sum() + len(counts)
    shares = (counts + 1) / total
    mean = float(stars @ shares)
    variance = float((stars**2) @ shares - mean**2)
    return mean, mean - z * math.sqrt(max(variance, 0.0) / (total + 1))


def net_score(counts: np.ndarray) -> float:
    """Share of 5 stars minus share of 1-3 stars, x 100 (-100..100; 0 with no review)."""
    counts = np.asarray(counts, dtype="float64")
    n = counts.sum()
    if n == 0:
        return 0.0
    return float((counts[4] - counts[:3].sum()) / n * 100)


def summary(
    reviews: pd.DataFrame,
    *,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    z: float = 1.96,
) -> Summary:
    """Every companion metric of the counted ``reviews`` at once."""
    counts = star_counts(reviews)
    n = int(counts.sum())
    positive = int(counts[3] + counts[4])
    d_mean, d_lower = dirichlet_rating(counts, z)
    return Summary(
        reviews=n,
        mean_rating=float(counts @ np.array(STARS) / n) if n else float("nan"),
        bayesian_average=bayesian_average(reviews, prior_count=prior_count, prior_mean=prior_mean),
        positive_share=positive / n if n else float("nan"),
        positive_share_lower=wilson_lower_bound(positive, n, z),
        dirichlet_mean=d_mean,
        dirichlet_lower=d_lower,
        net_score=net_score(counts),
    )


def companion_series(
    reviews: pd.DataFrame,
    *,
    freq: str = "D",
    start: object = None,
    end: object = None,
    windows_days: tuple[int, ...] = (30, 90),
) -> pd.DataFrame:
    """Per period (same index as ``score_series``): plain cumulative mean, rolling means
    over the last ``windows_days`` before the period's end, and the star mix.

    Columns ``cumulative_mean``, ``rolling_<w>d_mean`` (NaN when the window is empty)
    and ``stars_1`` .. ``stars_5`` (new reviews per star in the period).
    """
    counted = counted_reviews(reviews)
    times = times_ns(counted)
    order = np.argsort(times, kind="stable")
    times = times[order]
    stars = counted["rating"].to_numpy(dtype="int64")[order]
    edges = series_edges(times, start, end, freq)
    bounds = edges.asi8[1:]
    cum_stars = np.concatenate(([0], np.cumsum(stars)))
    upto = np.searchsorted(times, bounds, side="left")
    with np.errstate(invalid="ignore", divide="ignore"):
        columns: dict[str, np.ndarray] = {
            "cumulative_mean": np.where(upto > 0, cum_stars[upto] / np.maximum(upto, 1), np.nan)
        }
        for window in windows_days:
            since = np.searchsorted(times, bounds - window * NS_PER_DAY, side="left")
            n = upto - since
            total = cum_stars[upto] - cum_stars[since]
            columns[f"rolling_{window}d_mean"] = np.where(n > 0, total / np.maximum(n, 1), np.nan)
    in_range = (times >= edges.asi8[0]) & (times < bounds[-1])
    slot = np.searchsorted(bounds, times[in_range], side="right")
    for star in STARS:
        columns[f"stars_{star}"] = np.bincount(
            slot[stars[in_range] == star], minlength=len(bounds)
        )
    return pd.DataFrame(columns, index=pd.DatetimeIndex(edges[:-1], name="period"))
