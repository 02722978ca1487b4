"""Fidelity: how closely each model form reproduces the TrustScores Trustpilot published.

Reads the fidelity folder beside the checkout (``../shared/data/fidelity``: real
companies with their complete reviews and the score Trustpilot displayed when they
were scraped) with :func:`scoring.fidelity.load_cases`, evaluates both model forms at
each scrape instant with :func:`scoring.fidelity.evaluate`, and times it. Then it
searches a small grid of (half-life, prior count) for the best fit of each form, by
mean absolute error and by the number of companies within 0.05 (the rounding floor
of a one-decimal score), to see whether the published 182.5 days and 7 reviews are
the best fit. Target: the whole section (reads, evaluations, grid) in at most 5 s.

The folder holds third-party data: it is read in place, never copied; the report
quotes only each company's name, published score and counts, and the model scores.
When it is absent, :func:`bench_fidelity` says so and measures nothing.

Run alone with ``python -m benchmarks.bench_fidelity [FOLDER]`` (prints JSON).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd

from benchmarks.timing import measure
from scoring.fidelity import CASES_FILE, ROUNDING, Case, evaluate, load_cases, summarise
from scoring.model import DEFAULT_HALF_LIFE_DAYS, DEFAULT_PRIOR_COUNT, SCORE_MODELS

ROOT = Path(__file__).resolve().parents[1]
FIDELITY_DIR = ROOT.parent / "shared" / "data" / "fidelity"
"""``../shared/data/fidelity`` beside the checkout, whichever checkout this is."""
SECTION_TARGET_S = 5.0
GRID_HALF_LIVES: tuple[float, ...] = tuple(122.5 + 7.5 * k for k in range(21))
"""122.5 to 272.5 days in steps of 7.5: the published 182.5 is on the grid."""
GRID_PRIORS: tuple[float, ...] = tuple(5.0 + 0.5 * k for k in range(9))
"""Prior counts 5 to 9 in steps of 0.5 (the prior mean stays 3.5)."""


def available(folder: str | Path = FIDELITY_DIR) -> bool:
    """Whether ``folder`` is a fidelity folder (it has the cases file)."""
    return (Path(folder) / CASES_FILE).is_file()


def grid_fit(
    cases: list[Case],
    half_lives: tuple[float, ...] = GRID_HALF_LIVES,
    priors: tuple[float, ...] = GRID_PRIORS,
) -> pd.DataFrame:
    """Each model's fit at every (half-life, prior count) of the grid.

    One row per grid point and model: ``half_life_days``, ``prior_count``, ``model``,
    ``mean_error``, ``within`` (companies within 0.05), ``worst``, ``same_shown``
    (companies whose displayed score is the published one).
    """
    rows = []
    for half_life in half_lives:
        for prior in priors:
            table = evaluate(cases, half_life_days=half_life, prior_count=prior)
            for model in SCORE_MODELS:
                fit = summarise(table, model)
                rows.append({
                    "half_life_days": half_life, "prior_count": prior, "model": model,
                    "mean_error": fit.mean_error, "within": fit.within_rounding,
                    "worst": fit.worst, "same_shown": fit.same_shown,
                })
    return pd.DataFrame(rows)


def bench_fidelity(
    folder: str | Path = FIDELITY_DIR,
    *,
    repeats: int = 3,
    half_lives: tuple[float, ...] = GRID_HALF_LIVES,
    priors: tuple[float, ...] = GRID_PRIORS,
) -> dict[str, object]:
    """Time reading and evaluating the fidelity folder, and fit the grid.

    ``load_cases`` is timed ``repeats`` times (no warm-up: each run reads every file
    through the importer), ``evaluate`` on the loaded cases ``max(repeats, 5)`` times
    after a warm-up, the grid once. ``section_s`` is the wall time of all of it.
    Returns ``{"present": False, "folder": ...}`` when the folder is absent.
    """
    folder = Path(folder)
    if not available(folder):
        return {"present": False, "folder": str(folder)}
    began = time.perf_counter()
    loaded: list[list[Case]] = []
    load = measure(lambda: loaded.append(load_cases(folder)), repeats, warmup=0)
    cases = loaded[-1]
    tables: list[pd.DataFrame] = []
    timed = measure(lambda: tables.append(evaluate(cases)), max(repeats, 5))
    table = tables[-1]
    grid_began = time.perf_counter()
    grid = grid_fit(cases, half_lives, priors)
    grid_s = time.perf_counter() - grid_began
    section_s = time.perf_counter() - began
    return {
        "present": True,
        "folder": str(folder),
        "companies": len(cases),
        "rows_read": [case.rows_read for case in cases],
        "load": load.as_dict(),
        "evaluate": timed.as_dict(),
        "grid_points": len(half_lives) * len(priors),
        "grid_s": grid_s,
        "section_s": section_s,
        "table": table,
        "summaries": {model: summarise(table, model) for model in SCORE_MODELS},
        "grid": grid,
        "defaults": (DEFAULT_HALF_LIFE_DAYS, DEFAULT_PRIOR_COUNT),
        "rounding": ROUNDING,
    }


def best_fits(grid: pd.DataFrame, model: str) -> dict[str, object]:
    """The grid's best points for ``model`` and where the published parameters stand.

    ``by_error``: the row with the smallest mean error. ``by_within``: every row with
    the most companies within 0.05, best mean error first. ``default``: the row at
    the published 182.5 days and 7 (None if off the grid) with its rank by mean error
    (1 = best) among all points and among the ``by_within`` ones.
    """
    rows = grid[grid["model"] == model].sort_values(
        ["mean_error", "half_life_days", "prior_count"]).reset_index(drop=True)
    top = int(rows["within"].max())
    by_within = rows[rows["within"] == top].reset_index(drop=True)
    at_default = (rows["half_life_days"] == DEFAULT_HALF_LIFE_DAYS) & (
        rows["prior_count"] == DEFAULT_PRIOR_COUNT)
    default = None
    if at_default.any():
        position = int(at_default.to_numpy().nonzero()[0][0])
        within_rank = None
        matches = (by_within["half_life_days"] == DEFAULT_HALF_LIFE_DAYS) & (
            by_within["prior_count"] == DEFAULT_PRIOR_COUNT)
        if matches.any():
            within_rank = int(matches.to_numpy().nonzero()[0][0]) + 1
        default = {**rows.iloc[position].to_dict(), "rank": position + 1,
                   "rank_within": within_rank}
    return {
        "points": len(rows),
        "by_error": rows.iloc[0].to_dict(),
        "top_within": top,
        "by_within": by_within.to_dict("records"),
        "default": default,
    }


if __name__ == "__main__":
    result = bench_fidelity(sys.argv[1] if len(sys.argv) > 1 else FIDELITY_DIR)
    if result["present"]:
        grid = result.pop("grid")
        result["table"] = result["table"].to_dict("records")
        result["summaries"] = {m: vars(s) for m, s in result["summaries"].items()}
        result["best"] = {m: best_fits(grid, m) for m in SCORE_MODELS}
    print(json.dumps(result, indent=2, default=str))
