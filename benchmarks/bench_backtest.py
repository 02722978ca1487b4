"""Benchmark of the forecast backtest: its time, and its coverage on the real exports.

Plain Python::

    .venv/bin/python -m benchmarks.bench_backtest

- the time of ``backtest()`` on a synthetic 3-year history of 15,000 reviews (monthly
  origins, 30/90/180 days, 500 paths): budget 10 s (median of the repeats);
- the coverage of the P10-P90 and P25-P75 bands, MAE and bias per real dataset and
  horizon, with the fitted uncertainty and with plain Poisson arrivals, under the
  default model, and at 90 days under "decayed-prior"; the Google venues (relative
  dates) are listed as refused.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pandas as pd

import scoring
from benchmarks.bench_projection import synthetic_reviews
from scoring.model import ScoreParams

BUDGET_SECONDS = 10.0
PATHS = 500
HORIZONS = (30, 90, 180)
GOOGLE_REFERENCE_DATE = "2023-02-07"
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
"""../shared/data/real beside the checkout (read in place, never copied)."""


def bench_synthetic(repeats: int = 3, paths: int = PATHS) -> dict:
    """Time ``backtest()`` on 15,000 reviews over three years; the median of ``repeats``."""
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats!r}.")
    reviews = synthetic_reviews()
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = scoring.backtest(reviews, paths=paths, horizons=HORIZONS)
        times.append(time.perf_counter() - start)
    assert result is not None
    median = statistics.median(times)
    return {
        "name": "backtest.synthetic_15000x3y",
        "reviews": len(reviews),
        "origins": len(result.origins),
        "paths": paths,
        "repeats": repeats,
        "times_s": times,
        "median_s": median,
        "budget_s": BUDGET_SECONDS,
        "within_budget": median <= BUDGET_SECONDS,
        "summary": result.summary,
    }


def real_files(folder: Path = REAL) -> list[tuple[str, Path, dict]]:
    """(dataset name, path, load options) of every real export, Trustpilot first."""
    files = [(p.stem.removesuffix("_reviews"), p, {})
             for p in sorted((folder / "trustpilot-pet-insurance").glob("*.csv"))]
    files += [("deutsche-bahn", p, {})
              for p in sorted((folder / "trustpilot-deutsche-bahn-de").glob("*.csv"))]
    files += [(f"google:{p.stem}", p, {"reference_date": GOOGLE_REFERENCE_DATE})
              for p in sorted((folder / "google-maps-amsterdam").glob("*.csv"))]
    return files


def bench_real(folder: Path = REAL, paths: int = PATHS) -> dict:
    """The backtest of every real export: one row per dataset, variant and horizon.

    Variants: ``fitted`` (the default: :func:`scoring.fit_uncertainty` at each origin)
    and ``plain`` (Poisson arrivals, known mixes) under "trustpilot"; ``decayed-prior``
    fitted, at 90 days. ``misses_empty_window``: of the 90-day misses, how many
    projected from a window without a review (a flat line). Refused datasets get one
    row with their reason and the date precision's numbers.
    """
    rows: list[dict] = []
    refused: list[dict] = []
    started = time.perf_counter()
    for name, path, options in real_files(folder):
        reviews = scoring.load_reviews(path, **options).reviews
        runs = (
            ("fitted", ScoreParams(), True, HORIZONS),
            ("plain", ScoreParams(), False, HORIZONS),
            ("decayed-prior", ScoreParams(model="decayed-prior"), True, (90,)),
        )
        for variant, params, uncertainty, horizons in runs:
            result = scoring.backtest(reviews, params=params, paths=paths, horizons=horizons,
                                      uncertainty=uncertainty)
            if result.reason is not None:
                precision = result.precision
                refused.append({
                    "dataset": name, "reviews": len(reviews), "reason": result.reason,
                    "distinct_days": precision.distinct_days,
                    "crowded_share": precision.crowded_share,
                    "typical_gap_days": precision.typical_gap_days,
                })
                break
            empty_misses = 0
            misses = result.forecasts[(result.forecasts["horizon"] == 90)
                                      & ~result.forecasts["inside_80"]]
            for origin in misses["origin"]:
                window = scoring.recent_rates(reviews, as_of=origin)
                empty_misses += window.organic_reviews + window.invited_reviews == 0
            for row in result.summary.itertuples():
                rows.append({
                    "dataset": name, "reviews": len(reviews), "variant": variant,
                    "horizon": row.horizon, "origins": row.origins,
                    "coverage_80": row.coverage_80, "coverage_50": row.coverage_50,
                    "mae": row.mae, "bias": row.bias,
                    "misses_empty_window": empty_misses if row.horizon == 90 else None,
                })
    return {
        "name": "backtest.real",
        "paths": paths,
        "table": pd.DataFrame(rows),
        "refused": pd.DataFrame(refused),
        "elapsed_s": time.perf_counter() - started,
    }


if __name__ == "__main__":
    synthetic = bench_synthetic()
    times = ", ".join(f"{t:.2f}" for t in synthetic["times_s"])
    print(f"{synthetic['name']}: median {synthetic['median_s']:.2f} s ({times}), "
          f"{synthetic['origins']} origins")
    print(synthetic["summary"].to_string(index=False))
    if REAL.is_dir():
        real = bench_real()
        with pd.option_context("display.width", 200):
            print(real["table"].to_string(index=False))
            print(real["refused"].to_string(index=False))
