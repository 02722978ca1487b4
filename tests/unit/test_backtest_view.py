"""The backtest section's sentences, table and figure (pure: no streamlit)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ui.planner import backtest_text
from ui.planner.backtest_chart import backtest_figure


def summary(coverage: float, origins: int = 30, mae: float = 0.05, bias: float = 0.0
            ) -> pd.DataFrame:
    return pd.DataFrame({
        "horizon": [30, 90, 180], "origins": [origins + 2, origins, origins - 3],
        "coverage_80": [0.9, coverage, 0.6], "coverage_50": [0.6, 0.5, 0.3],
        "mae": [0.02, mae, 0.1], "bias": [0.0, bias, -0.05],
    })


def test_verdicts_follow_the_nominal_band() -> None:
    assert backtest_text.coverage_verdict(0.8, 40) == "about right"
    assert backtest_text.coverage_verdict(0.7, 40) == "about right"
    assert backtest_text.coverage_verdict(0.9, 40) == "about right"
    assert backtest_text.coverage_verdict(0.55, 40).startswith("too narrow")
    assert backtest_text.coverage_verdict(0.97, 40).startswith("wider than needed")
    assert "only 8 past forecasts" in backtest_text.coverage_verdict(0.8, 8)
    assert backtest_text.coverage_verdict(float("nan"), 0) == "not measurable yet"


def test_summary_sentence_reads_the_90_day_row() -> None:
    sentence = backtest_text.summary_sentence(summary(0.78, mae=0.043, bias=0.031), 90)
    assert sentence.startswith("90 days (3 months) ahead, the actual score landed inside "
                               "the 80% band in 78% of 30 past forecasts: about right.")
    assert "off by 0.04 stars on average, and leaned too high by 0.03 stars." in sentence
    low = backtest_text.summary_sentence(summary(0.5, bias=-0.2), 90)
    assert "too narrow" in low and "leaned too low by 0.20 stars" in low
    flat = backtest_text.summary_sentence(summary(0.8, bias=0.001), 90)
    assert flat.endswith("with no lean either way.")


def test_summary_sentence_without_forecasts_says_why() -> None:
    empty = summary(0.8).assign(origins=0)
    assert "No past forecast 90 days (3 months) ahead" in backtest_text.summary_sentence(
        empty, 90)
    assert "No past forecast 45 days" in backtest_text.summary_sentence(summary(0.8), 45)


def test_summary_table_in_percent() -> None:
    table = backtest_text.summary_table(summary(0.78))
    assert list(table["Horizon"]) == ["30 days", "90 days (3 months)", "180 days (6 months)"]
    assert list(table["Inside the 80% band"]) == [90.0, 78.0, 60.0]
    assert list(table["Past forecasts"]) == [32, 30, 27]
    tiny = backtest_text.summary_table(summary(0.8, bias=-0.004))
    assert str(tiny["Bias (★, + = too high)"].iloc[1]) == "0.0"


def forecasts_of(origin: pd.Timestamp, actual: list[float]) -> pd.DataFrame:
    return pd.DataFrame({
        "origin": origin, "horizon": [30, 90, 180], "p10": [4.0, 3.9, 3.8],
        "p90": [4.2, 4.3, 4.4], "actual": actual,
        "inside_80": [4.0 <= actual[0] <= 4.2, 3.9 <= actual[1] <= 4.3, False],
    })


def test_origin_caption_names_each_horizon_reached() -> None:
    origin = pd.Timestamp("2025-03-01", tz="UTC")
    caption = backtest_text.origin_caption(forecasts_of(origin, [4.1, 4.35, np.nan]))
    assert caption == ("From this date: after 30 days the score was 4.10, inside the 80% band "
                       "4.00-4.20; after 90 days the score was 4.35, outside the 80% band "
                       "3.90-4.30.")
    none = backtest_text.origin_caption(forecasts_of(origin, [np.nan] * 3))
    assert none == "The data does not yet reach any horizon after this date."


def test_figure_shows_bands_expected_and_actual_with_few_points() -> None:
    origin = pd.Timestamp("2025-03-01", tz="UTC")
    days = pd.date_range(origin + pd.Timedelta(days=1), periods=180, freq="D")
    rise = np.linspace(0, 0.2, 180)
    path = pd.DataFrame({"expected": 4.0 + rise, "p10": 3.9 + rise, "p25": 3.95 + rise,
                         "p50": 4.0 + rise, "p75": 4.05 + rise, "p90": 4.1 + rise,
                         "actual": np.where(np.arange(180) < 120, 4.02 + rise, np.nan)},
                        index=days)
    before = pd.Series(np.full(90, 4.0), index=pd.date_range(origin - pd.Timedelta(days=90),
                                                              periods=90, freq="D"))
    fig = backtest_figure(path, origin=origin, start_score=4.0, horizons=(30, 90, 180),
                          before=before)
    names = [t.name for t in fig.data]
    assert "80% band then (P10-P90)" in names and "50% band then (P25-P75)" in names
    assert "Expected then" in names and "What the score did" in names
    assert "Score before" in names
    actual = next(t for t in fig.data if t.name == "What the score did")
    assert len(actual.x) == 121  # the start and the 120 days the data reaches
    assert fig.layout.yaxis.title.text == "TrustScore (1-5 stars)"
    assert fig.layout.xaxis.title.text == "Date"
    assert all(len(t.x) <= 500 for t in fig.data)
