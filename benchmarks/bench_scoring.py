"""Benchmarks of the score itself: ``trust_score`` and daily ``score_series`` at scale,
and the fast series against a naive from-scratch recomputation, for both model forms.

- :func:`bench_scoring`: ``trust_score`` and a daily ``score_series`` under the default
  model ("trustpilot", whose live and displayed clocks coincide) over ten years of
  seeded reviews (:mod:`benchmarks.data`) at each size; at the largest size also the
  same reviews in random order, and the "decayed-prior" series (live and displayed
  clock) for comparison. Target: the daily series of 10,000,000 reviews (default
  model) in at most 1 s.
- :func:`bench_naive`: the same daily series recomputed from scratch, day by day
  (:func:`naive_daily_scores`, O(N x D)), against ``score_series`` at equal sizes, for
  each model: the speed-up is measured, never extrapolated, and the two must agree to
  1e-9. Target: at least 100x at 100,000 reviews.

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
    DEFAULT_MODEL,
    DEFAULT_PRIOR_COUNT,
    DEFAULT_PRIOR_MEAN,
    SCORE_MODELS,
    ScoreModel,
    ScoreParams,
    score_series,
    trust_score,
)
from scoring.periods import (
    NS_PER_DAY,
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
    model: ScoreModel = DEFAULT_MODEL,
) -> np.ndarray:
    """The score at each boundary, recomputed from scratch: O(N x D).

    For each boundary b, over every review created before b (found by scanning all N
    reviews: a boolean mask, then numpy; no running sums), with
    ``w_i = 2 ** (-(b - t_i) / H)``:

    - ``"trustpilot"``: ``n`` and ``mean_w = sum w_i s_i / sum w_i``, then
      ``S(b) = (m mu + n mean_w) / (m + n)`` (``mu`` before the first review);
    - ``"decayed-prior"``: ``S(b) = (m mu + sum w_i s_i) / (m + sum w_i)`` (live clock).

    The weights are taken at the boundary itself, the plain definition: over the
    benchmark's ten years at 182.5 days the smallest is ``2 ** -20``, far from
    underflow, so ``mean_w`` needs no rescaling here.
    """
    fitted = ScoreParams(half_life_days, prior_count, prior_mean, model).is_trustpilot
    prior = prior_count * prior_mean
    out = np.empty(len(bounds_ns), dtype="float64")
    for k, bound in enumerate(bounds_ns.tolist()):
        before = times_ns < bound
        ages = (bound - times_ns[before]) / NS_PER_DAY
        weights = np.exp2(-ages / half_life_days)
        decayed_stars, effective = weights @ stars[before], weights.sum()
        if fitted:
            n = len(ages)
            mean = decayed_stars / effective if n else 0.0
            out[k] = (prior + n * mean) / (prior_count + n) if prior_count + n else prior_mean
        else:
            out[k] = (prior + decayed_stars) / (prior_count + effective)
    return out


def _arrays(reviews: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    times = pd.DatetimeIndex(reviews["created_at"]).as_unit("ns").asi8
    return times, reviews["rating"].to_numpy(dtype="float64")


def bench_scoring(
    sizes: tuple[int, ...] = SIZES, repeats: int = 7, *, seed: int = 0
) -> list[dict[str, object]]:
    """Per size: ``trust_score`` and the daily series under the default model.

    Ten years of reviews, sorted by time as the importer returns them; data
    generation is timed apart. At the largest size, also: the default series on the
    same reviews in random order (the engine then finds periods by arithmetic), and
    the "decayed-prior" series on the live and the displayed clock.
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
            "model": DEFAULT_MODEL,
            "trust_score": measure(lambda r=reviews: trust_score(r), repeats).as_dict(),
            "series": measure(lambda r=reviews: score_series(r, freq="D"), repeats).as_dict(),
        }
        if rows == max(sizes):
            for clock in ("live", "displayed"):
                entry[f"series_decayed_prior_{clock}"] = measure(
                    lambda r=reviews, c=clock: score_series(
                        r, freq="D", clock=c, model="decayed-prior"),
                    repeats,
                ).as_dict()
            shuffled = reviews.sample(frac=1.0, random_state=seed).reset_index(drop=True)
            del reviews
            entry["series_unsorted"] = measure(
                lambda r=shuffled: score_series(r, freq="D"), repeats
            ).as_dict()
            del shuffled
        results.append(entry)
    return results


def bench_naive(
    sizes: tuple[int, ...] = NAIVE_SIZES,
    repeats: int = 5,
    *,
    cap_s: float = 60.0,
    seed: int = 0,
    models: tuple[str, ...] = SCORE_MODELS,
) -> list[dict[str, object]]:
    """The naive daily series against ``score_series`` at equal sizes, per model.

    For each size and model, both are timed on the same reviews and day grid (ten
    years, about 3,650 days; "decayed-prior" on the live clock); ``speedup`` is the
    ratio of the two medians. The naive runs stop once their total passes ``cap_s``
    (at least one run), so the largest size may report a single run.
    ``max_abs_diff`` is the largest gap between the two series.
    """
    results = []
    for rows in sizes:
        reviews = canonical_reviews(rows, seed=seed)
        times, stars = _arrays(reviews)
        for model in models:
            fast = score_series(reviews, freq="D", model=model)
            bounds = (fast.index + pd.Timedelta(days=1)).as_unit("ns").asi8
            fast_timing = measure(
                lambda r=reviews, m=model: score_series(r, freq="D", model=m), max(repeats, 5)
            )
            naive_scores: list[np.ndarray] = []

            def naive(t=times, s=stars, b=bounds, m=model, keep=naive_scores) -> None:
                keep[:] = [naive_daily_scores(t, s, b, model=m)]

            naive_timing = measure(naive, repeats, warmup=0, cap_s=cap_s)
            gap = float(np.max(np.abs(naive_scores[0] - fast["score"].to_numpy())))
            results.append(
                {
                    "rows": rows,
                    "model": model,
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
