"""The backtest's sentences and table, in words a manager reads (no streamlit, unit tested).

The engine (:func:`scoring.backtest`) answers with numbers per past forecast and per
horizon; this module says what they mean: did the actual score land inside the bands
about as often as the bands promise (80% for P10-P90, 50% for P25-P75)?
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

NOMINAL_80 = 0.8
NOMINAL_50 = 0.5
RIGHT_LOW, RIGHT_HIGH = 0.7, 0.9
"""The 80% band is "about right" when 70-90% of outcomes land inside it."""


def horizon_text(days: int) -> str:
    """30 -> "30 days"; with its rough months: 90 -> "90 days (3 months)"."""
    months = days / 30
    if days >= 60 and abs(months - round(months)) < 0.05:
        return f"{days} days ({round(months)} months)"
    return f"{days} days"


def coverage_verdict(coverage: float, origins: int) -> str:
    """"about right", "too narrow" or "wider than needed" for the 80% band, hedged when
    few past forecasts stand behind it (the binomial standard error of a share is
    ``sqrt(p (1 - p) / n)``: 5 points at 64 forecasts, 13 points at 10)."""
    if origins == 0 or not math.isfinite(coverage):
        return "not measurable yet"
    if coverage < RIGHT_LOW:
        verdict = "too narrow: the score moved more than the bands allow"
    elif coverage > RIGHT_HIGH:
        verdict = "wider than needed: the score moved less than the bands allow"
    else:
        verdict = "about right"
    if origins < 12:
        verdict += f" (only {origins} past forecasts: a rough check)"
    return verdict


def summary_sentence(summary: pd.DataFrame, horizon: int) -> str:
    """One sentence on the 80% band at ``horizon`` days, from ``Backtest.summary``."""
    rows = summary[summary["horizon"] == horizon]
    if rows.empty or int(rows.iloc[0]["origins"]) == 0:
        return (f"No past forecast {horizon_text(horizon)} ahead can be checked yet: the data "
                "does not reach that far after any month with 90 days of history before it.")
    row = rows.iloc[0]
    origins, coverage = int(row["origins"]), float(row["coverage_80"])
    return (
        f"{horizon_text(horizon).capitalize()} ahead, the actual score landed inside the 80% "
        f"band in {coverage:.0%} of {origins} past forecasts: "
        f"{coverage_verdict(coverage, origins)}. The expected path was off by "
        f"{float(row['mae']):.2f} stars on average"
        + _bias_clause(float(row["bias"]))
    )


def _bias_clause(bias: float) -> str:
    if not math.isfinite(bias) or abs(bias) < 0.005:
        return ", with no lean either way."
    lean = "too high" if bias > 0 else "too low"
    return f", and leaned {lean} by {abs(bias):.2f} stars."


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """``Backtest.summary`` as the page shows it (shares in percent)."""
    return pd.DataFrame({
        "Horizon": [horizon_text(int(h)) for h in summary["horizon"]],
        "Past forecasts": summary["origins"].astype(int).to_numpy(),
        "Inside the 80% band": (100 * summary["coverage_80"]).to_numpy(),
        "Inside the 50% band": (100 * summary["coverage_50"]).to_numpy(),
        "Mean absolute error (★)": _stars(summary["mae"]),
        "Bias (★, + = too high)": _stars(summary["bias"]),
    })


def _stars(values: pd.Series) -> np.ndarray:
    """Stars to the 2 decimals shown, without a "-0.00"."""
    return np.round(values.to_numpy(dtype=float), 2) + 0.0


def origin_caption(row: pd.DataFrame) -> str:
    """What happened after one origin: per horizon, the band, the actual score and
    whether it landed inside (rows of ``Backtest.forecasts`` for that origin)."""
    parts = []
    for item in row.sort_values("horizon").itertuples():
        if not math.isfinite(float(item.actual)):
            continue
        inside = "inside" if item.inside_80 else "outside"
        parts.append(
            f"after {int(item.horizon)} days the score was {float(item.actual):.2f}, "
            f"{inside} the 80% band {float(item.p10):.2f}-{float(item.p90):.2f}"
        )
    if not parts:
        return "The data does not yet reach any horizon after this date."
    return "From this date: " + "; ".join(parts) + "."
