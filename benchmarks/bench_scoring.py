"""Benchmarks of the score itself: ``trust_score`` and daily ``score_series`` at scale,
and the fast series against a naive from-scratch recomputation.

- :func:`bench_scoring`: ``trust_score`` and a daily ``score_series`` (live and
  displayed clock) over ten years of seeded reviews (:mod:`benchmarks.data`) at each
  size. Target: the daily live series of 10,000,000 reviews in at most 1 s.
- :func:`bench_naive`: the same daily series recomputed from scratch, day by day
  (:func:`naive_daily_scores`, O(N x D)), against ``score_series`` at equal sizes: the
  speed-up is measured, never extrapolated, and the two must agree to 1e-9. Target:
  at least 100x at 100,000 reviews.

Run alone with ``python -m benchmarks.bench_scoring`` (prints JSON).
"""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd

from benchmarks.data import canonical_reviews
from benchmarks.timing import measure
from scoring.model import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_PRIOR_COUNT,
    DEFAULT_PRIOR_MEAN,
    NS_PER_DAY,
    score_series,
    trust_score,
)

SIZES = (100_000, 1_000_000, 10_000_000)
NAIVE_SIZES = (10_000, 100_000, 1_000_000)
SERIES_TARGET_S = 1.0
"""Daily series over ten years of 10,000,000 reviews."""
SERIES_TARGET_ROWS = 10_000_000
SPEEDUP_TARGET = 100.0
"""Fast series against the naive recomputation, at 100,000 reviews."""
SPEEDUP_TARGET_ROWS = 100_000
AGREEMENT = 1e-9


def naive_daily_scores(
    times_ns: np.ndarray,
    stars: np.ndarray,
    bounds_ns: np.ndarray,
    *,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
) -> np.ndarray:
    """The live score at each boundary, recomputed from scratch: O(N x D).

    For each boundary b: ``S(b) = (m mu + sum w_i s_i) / (m + sum w_i)`` with
    ``w_i = 2 ** (-(b - t_i) / H)`` over every review created before b, found by
    scanning all N reviews (vectorised with numpy within a day, no running sums).
    """
    out = np.empty(len(bounds_ns), dtype="float64")
    for k, bound in enumerate(bounds_ns.tolist()):
        before = times_ns < bound
        ages = (bound - times_ns[before]) / NS_PER_DAY
        weights = np.exp2(-ages / half_life_days)
        out[k] = (prior_count * prior_mean + weights @ stars[before]) / (
            prior_count + weights.sum()
        )
    return out


def _arrays(reviews: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    times = pd.DatetimeIndex(reviews["created_at"]).as_unit("ns").asi8
    return times, reviews["rating"].to_numpy(dtype="float64")


def bench_scoring(
    sizes: tuple[int, ...] = SIZES, repeats: int = 7, *, seed: int = 0
) -> list[dict[str, object]]:
    """Per size: ``trust_score`` and the daily series (live and displayed clock).

    Ten years of reviews, sorted by time as the importer returns them; data
    generation is timed apart. At the largest size the live series is also timed on
    the same reviews in random order (the engine then finds periods by arithmetic).
    """
    results = []
    for rows in sizes:
        began = time.perf_counter()
        reviews = canonical_reviews(rows, seed=seed)
        generate_s = time.perf_counter() - began
        series = score_series(reviews, freq="D")
        entry: dict[str, object] = {
            "rows": rows,
            "days": len(series),
            "generate_s": generate_s,
            "trust_score": measure(lambda r=reviews: trust_score(r), repeats).as_dict(),
            "series_live": measure(
                lambda r=reviews: score_series(r, freq="D"), repeats
            ).as_dict(),
            "series_displayed": measure(
                lambda r=reviews: score_series(r, freq="D", clock="displayed"), repeats
            ).as_dict(),
        }
        if rows == max(sizes):
            shuffled = reviews.sample(frac=1.0, random_state=seed).reset_index(drop=True)
            del reviews
            entry["series_live_unsorted"] = measure(
                lambda r=shuffled: score_series(r, freq="D"), repeats
            ).as_dict()
            del shuffled
        results.append(entry)
    return results


def bench_naive(
    sizes: tuple[int, ...] = NAIVE_SIZES,
    repeats: int = 5,
    *,
    cap_s: float = 150.0,
    seed: int = 0,
) -> list[dict[str, object]]:
    """The naive daily series against ``score_series`` at equal sizes.

    Both are timed on the same reviews and day grid (ten years, about 3,650 days);
    ``speedup`` is the ratio of the two medians. The naive runs stop once their
    total passes ``cap_s`` (at least one run), so the largest size may report a
    single run. ``max_abs_diff`` is the largest gap between the two series.
    """
    results = []
    for rows in sizes:
        reviews = canonical_reviews(rows, seed=seed)
        fast = score_series(reviews, freq="D")
        bounds = (fast.index + pd.Timedelta(days=1)).as_unit("ns").asi8
        times, stars = _arrays(reviews)
        fast_timing = measure(lambda r=reviews: score_series(r, freq="D"), max(repeats, 5))
        naive_scores: list[np.ndarray] = []

        def naive(t=times, s=stars, b=bounds, keep=naive_scores) -> None:
            keep[:] = [naive_daily_scores(t, s, b)]

        naive_timing = measure(naive, repeats, warmup=0, cap_s=cap_s)
        gap = float(np.max(np.abs(naive_scores[0] - fast["score"].to_numpy())))
        results.append(
            {
                "rows": rows,
                "days": len(fast),
                "fast": fast_timing.as_dict(),
                "naive": naive_timing.as_dict(),
                "speedup": naive_timing.median_s / fast_timing.median_s,
                "max_abs_diff": gap,
                "agree": gap <= AGREEMENT,
            }
        )
    return results


if __name__ == "__main__":
    print(json.dumps({"scoring": bench_scoring(), "naive": bench_naive()}, indent=2))
