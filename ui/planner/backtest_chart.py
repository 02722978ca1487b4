"""The backtest's figure: one past forecast's bands against what the score actually did
(a pure function, same conventions as :mod:`ui.planner.charts`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from scoring.display import DEFAULT_LABEL_BANDS, LabelBands
from ui.charts import _shade_label_bands, score_y_range
from ui.planner.charts import (
    BAND_INNER,
    BAND_OUTER,
    EXPECTED_COLOUR,
    HISTORY_COLOUR,
    NOW_COLOUR,
    _layout,
    _vertical,
    thin,
)


def backtest_figure(
    path: pd.DataFrame,
    *,
    origin: pd.Timestamp,
    start_score: float,
    horizons: Sequence[int],
    before: pd.Series | None = None,
    label_bands: LabelBands = DEFAULT_LABEL_BANDS,
    height: int = 380,
) -> go.Figure:
    """A past forecast made on ``origin``: its P10-P90 and P25-P75 bands and expected
    path (``Backtest.path(origin)``: columns ``expected, p10, p25, p75, p90, actual``
    by date), the actual score after it, and (``before``) the score before it.
    The horizons are marked with dotted vertical lines."""
    head = pd.DataFrame({c: [start_score] for c in ("expected", "p10", "p25", "p75", "p90",
                                                    "actual")},
                        index=pd.DatetimeIndex([origin]))
    frame = thin(pd.concat([head, path[["expected", "p10", "p25", "p75", "p90", "actual"]]]))
    actual = frame["actual"].dropna()
    lines = [frame[c] for c in ("p10", "p90", "expected")] + [actual]
    if before is not None:
        lines.append(before)
    y_range = score_y_range(*lines)
    fig = go.Figure()
    _shade_label_bands(fig, y_range, label_bands)
    for low, high, colour, name in (("p10", "p90", BAND_OUTER, "80% band then (P10-P90)"),
                                    ("p25", "p75", BAND_INNER, "50% band then (P25-P75)")):
        fig.add_trace(go.Scatter(
            x=frame.index, y=frame[low], mode="lines", line={"width": 0}, showlegend=False,
            legendgroup=name, name=low.upper(),
            hovertemplate=low.upper() + " %{y:.2f}<extra></extra>",
        ))
        fig.add_trace(go.Scatter(
            x=frame.index, y=frame[high], mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=colour, name=name, legendgroup=name,
            hovertemplate=high.upper() + " %{y:.2f}<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        x=frame.index, y=frame["expected"], name="Expected then", mode="lines",
        line={"color": EXPECTED_COLOUR, "width": 2.4, "dash": "dash"},
        hovertemplate="Expected %{y:.2f}<extra></extra>",
    ))
    if before is not None and len(before):
        fig.add_trace(go.Scatter(
            x=before.index, y=before, name="Score before", mode="lines",
            line={"color": NOW_COLOUR, "width": 2},
            hovertemplate="Score %{y:.2f}<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        x=actual.index, y=actual, name="What the score did", mode="lines",
        line={"color": HISTORY_COLOUR, "width": 2.6},
        hovertemplate="Actual %{y:.2f}<extra></extra>",
    ))
    _vertical(fig, origin, y_range, name="Forecast made", colour=NOW_COLOUR, dash="solid",
              legend=False, text="Forecast made")
    for days in horizons:
        day = origin + pd.Timedelta(days=int(days))
        if day <= frame.index[-1]:
            _vertical(fig, day, y_range, name=f"{days} days", colour=NOW_COLOUR, dash="dot",
                      legend=False, text=f"{days} d")
    _layout(fig, height=height, y_range=y_range)
    first = before.index[0] if before is not None and len(before) else origin
    fig.update_xaxes(range=[first, frame.index[-1] + pd.Timedelta(days=3)])
    return fig
