"""Benchmark of the projection engine's Monte Carlo: 2,000 paths x 730 days.

Plain Python (no pytest-benchmark)::

    .venv/bin/python -m benchmarks.bench_projection

The budget is one second per projection (median of the repeats).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from scoring.projection import ProjectionInputs, Uncertainty, project, requests_needed

BUDGET_SECONDS = 1.0
PATHS = 2000
HORIZON_DAYS = 730
AS_OF = pd.Timestamp("2026-10-31 12:00", tz="UTC")
SCENARIO = {
    "requests_per_day": 60.0,
    "response_rate": 0.3,
    "invited_mix": (0.02, 0.02, 0.05, 0.16, 0.75),
    "organic_per_day": 4.0,
    "organic_mix": (0.22, 0.08, 0.08, 0.19, 0.43),
}


def synthetic_reviews(reviews: int = 15_000, days: float = 1096.0, seed: int = 7) -> pd.DataFrame:
    """A seeded canonical review table of about the demo dataset's size, ending at AS_OF."""
    rng = np.random.default_rng(seed)
    ages = np.concatenate(([0.0], rng.uniform(0.0, days, reviews - 1)))
    stars = rng.choice(5, reviews, p=[0.12, 0.05, 0.07, 0.2, 0.56]) + 1
    return pd.DataFrame(
        {
            "created_at": pd.to_datetime(AS_OF - pd.to_timedelta(ages, unit="D"), utc=True),
            "rating": stars.astype("int64"),
            "invited": rng.random(reviews) < 0.7,
        }
    )

UNCERTAINTY = Uncertainty(overdispersion=0.3, mix_strength=30.0, volume_strength=20.0,
                          mix_drift_strength=60.0, volume_drift=0.05)
"""Overdispersed days, an uncertain volume level and star mix, both drifting every 90
days: about what ``fit_uncertainty`` gives on the real exports (benchmarks/RESULTS.md,
"Forecast backtest")."""


def _timed(call, repeats: int) -> list[float]:
    call()  # warm-up: imports, allocator
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def bench_monte_carlo(repeats: int = 5, uncertainty: Uncertainty | None = None) -> dict:
    """Time ``project()`` with 2,000 paths x 730 days; the median of ``repeats`` runs.

    With ``uncertainty`` (e.g. :data:`UNCERTAINTY`) the paths draw overdispersed days,
    volume levels and star mixes; None: plain Poisson arrivals (the exact fast path).
    Returns a dict: ``name``, ``paths``, ``days``, ``repeats``, ``median_s``,
    ``min_s``, ``max_s``, ``times_s``, ``budget_s`` and ``within_budget``.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats!r}.")
    reviews = synthetic_reviews()
    inputs = ProjectionInputs(horizon_days=HORIZON_DAYS, paths=PATHS, seed=0,
                              uncertainty=uncertainty or Uncertainty(), **SCENARIO)
    times = _timed(lambda: project(reviews, inputs, as_of=AS_OF), repeats)
    median = statistics.median(times)
    return {
        "name": "projection.monte_carlo_2000x730" + ("_uncertain" if uncertainty else ""),
        "paths": PATHS,
        "days": HORIZON_DAYS,
        "repeats": repeats,
        "median_s": median,
        "min_s": min(times),
        "max_s": max(times),
        "times_s": times,
        "budget_s": BUDGET_SECONDS,
        "within_budget": median < BUDGET_SECONDS,
    }


def bench_goal_seek_probability(repeats: int = 3) -> dict:
    """Time ``requests_needed(probability=0.8)`` for a target a year out (2,000 paths).

    Informational (no budget): a bisection of about a dozen simulations of 365 days.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats!r}.")
    reviews = synthetic_reviews()
    inputs = ProjectionInputs(horizon_days=1, paths=PATHS, **SCENARIO)
    times = _timed(
        lambda: requests_needed(reviews, inputs, target=4.5, by=AS_OF + pd.Timedelta(days=365),
                                probability=0.8, as_of=AS_OF),
        repeats,
    )
    return {
        "name": "projection.goal_seek_p80_2000x365",
        "repeats": repeats,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "times_s": times,
    }


if __name__ == "__main__":
    for result in (bench_monte_carlo(), bench_monte_carlo(uncertainty=UNCERTAINTY),
                   bench_goal_seek_probability()):
        times = ", ".join(f"{t:.3f}" for t in result["times_s"])
        print(f"{result['name']}: median {result['median_s']:.3f} s ({times})")
