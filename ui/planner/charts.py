"""Figures of the projection planner: pure functions from engine output to plotly figures.

Same conventions as :mod:`ui.charts`: plotly_white, label bands shaded, axes labelled
with units, at most a few thousand points (long daily paths are thinned).
Names that come from users (scenario names) are HTML-escaped before they reach
plotly, which renders a few HTML tags in legends.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go

from scoring.display import DEFAULT_LABEL_BANDS, LabelBands
from scoring.periods import DAYS_PER_MONTH
from ui.charts import _shade_label_bands, score_y_range
from ui.planner.text import day_text

MAX_POINTS_PER_LINE = 400
HISTORY_COLOUR = "#1c1c1c"
EXPECTED_COLOUR = "#1f4fbf"
BAND_OUTER = "rgba(91, 141, 239, 0.16)"
BAND_INNER = "rgba(91, 141, 239, 0.34)"
STATUS_QUO_COLOUR = "#6d6d6d"
STOP_COLOUR = "#d84315"
TARGET_COLOUR = "#8e24aa"
NOW_COLOUR = "#9e9e9e"
SCENARIO_PALETTE = ("#1f4fbf", "#00897b", "#c2185b", "#ef6c00", "#6a1b9a", "#5d4037", "#455a64")

Frame = TypeVar("Frame", pd.Series, pd.DataFrame)


def thin(values: Frame, max_points: int = MAX_POINTS_PER_LINE) -> Frame:
    """Every k-th row (and always the last) so a line has at most about ``max_points``."""
    n = len(values)
    if n <= max_points:
        return values
    step = -(-n // max_points)
    keep = list(range(0, n, step))
    if keep[-1] != n - 1:
        keep.append(n - 1)
    return values.iloc[keep]


def _with_start(values: pd.Series, as_of: pd.Timestamp, start: float) -> pd.Series:
    """A projected path preceded by its starting point, so it joins the history."""
    head = pd.Series([start], index=pd.DatetimeIndex([as_of]))
    return pd.concat([head, values.astype(float)])


def _vertical(fig: go.Figure, x: pd.Timestamp, y_range: tuple[float, float], *, name: str,
              colour: str, dash: str, legend: bool, text: str | None = None) -> None:
    """A vertical line as a trace (so it can have a legend entry), with an optional label."""
    fig.add_trace(go.Scatter(
        x=[x, x], y=list(y_range), mode="lines", name=name, showlegend=legend,
        line={"color": colour, "width": 1.6, "dash": dash}, hoverinfo="skip",
    ))
    if text:
        fig.add_annotation(x=x, y=y_range[1], text=text, showarrow=False, yanchor="bottom",
                           xanchor="center", font={"size": 11, "color": colour})


def _history(fig: go.Figure, history: pd.Series, name: str, width: float) -> None:
    """The score so far, in black."""
    fig.add_trace(go.Scatter(
        x=history.index, y=history, name=name, mode="lines",
        line={"color": HISTORY_COLOUR, "width": width},
        hovertemplate="Score %{y:.2f}<extra></extra>",
    ))


def _target(fig: go.Figure, first: pd.Timestamp | float, last: pd.Timestamp | float,
            threshold: float, name: str, width: float) -> None:
    """The target as a horizontal line from ``first`` to ``last`` (dates or months)."""
    fig.add_trace(go.Scatter(
        x=[first, last], y=[threshold, threshold], mode="lines", name=name,
        line={"color": TARGET_COLOUR, "width": width, "dash": "dashdot"}, hoverinfo="skip",
    ))


def _utc_day(day: dt.date | pd.Timestamp) -> pd.Timestamp:
    """A date as a UTC timestamp (a timestamp with a zone stays as it is)."""
    stamp = pd.Timestamp(day)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp


def _layout(fig: go.Figure, *, height: int, y_range: tuple[float, float], title: str = "Date"
            ) -> None:
    fig.update_yaxes(title_text="TrustScore (1-5 stars)", range=list(y_range))
    fig.update_xaxes(title_text=title)
    fig.update_layout(
        height=height, template="plotly_white", margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.06, "x": 0},
        hovermode="x unified",
    )


def projection_figure(
    *,
    history: pd.Series,
    as_of: pd.Timestamp,
    start_score: float,
    expected: pd.Series,
    bands: pd.DataFrame,
    status_quo: pd.Series | None = None,
    stop_collecting: pd.Series | None = None,
    threshold: float | None = None,
    target_text: str = "Target",
    target_date: dt.date | pd.Timestamp | None = None,
    label_bands: LabelBands = DEFAULT_LABEL_BANDS,
    history_name: str = "Score so far",
    height: int = 540,
) -> go.Figure:
    """History, then the projection: P10-P90 and P25-P75 bands, expected path, baselines.

    ``history`` is the score by day (``scoring.score_series``), named ``history_name``
    in the legend; ``expected`` and
    ``bands`` (columns ``p10, p25, p75, p90``) come from ``scoring.project``;
    ``status_quo`` and ``stop_collecting`` are expected paths (``score`` columns of
    ``scoring.status_quo`` / ``scoring.stop_collecting``). The target is a horizontal
    line at ``threshold``, the target date a vertical line.
    """
    fig = go.Figure()
    expected = thin(_with_start(expected, as_of, start_score))
    quantiles = {p: thin(_with_start(bands[p], as_of, start_score))
                 for p in ("p10", "p25", "p75", "p90")}
    lines = [history, expected, *quantiles.values()]
    extras = [s for s in (status_quo, stop_collecting) if s is not None]
    lines += [thin(_with_start(s, as_of, start_score)) for s in extras]
    y_range = score_y_range(*lines, *([pd.Series([threshold])] if threshold else []))
    _shade_label_bands(fig, y_range, label_bands)

    _history(fig, history, history_name, 2.4)
    for low, high, colour, name in (("p10", "p90", BAND_OUTER, "80% of simulations (P10-P90)"),
                                    ("p25", "p75", BAND_INNER, "50% of simulations (P25-P75)")):
        fig.add_trace(go.Scatter(
            x=quantiles[low].index, y=quantiles[low], mode="lines", line={"width": 0},
            showlegend=False, legendgroup=name, name=low.upper(),
            hovertemplate=low.upper() + " %{y:.2f}<extra></extra>",
        ))
        fig.add_trace(go.Scatter(
            x=quantiles[high].index, y=quantiles[high], mode="lines", line={"width": 0},
            fill="tonexty", fillcolor=colour, name=name, legendgroup=name,
            hovertemplate=high.upper() + " %{y:.2f}<extra></extra>",
        ))
    if status_quo is not None:
        path = thin(_with_start(status_quo, as_of, start_score))
        fig.add_trace(go.Scatter(
            x=path.index, y=path, name="Status quo (last 90 days continue)", mode="lines",
            line={"color": STATUS_QUO_COLOUR, "width": 1.8, "dash": "dash"},
            hovertemplate="Status quo %{y:.2f}<extra></extra>",
        ))
    if stop_collecting is not None:
        path = thin(_with_start(stop_collecting, as_of, start_score))
        fig.add_trace(go.Scatter(
            x=path.index, y=path, name="Stop collecting (no new reviews)", mode="lines",
            line={"color": STOP_COLOUR, "width": 1.8, "dash": "dot"},
            hovertemplate="Stop collecting %{y:.2f}<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        x=expected.index, y=expected, name="Expected with this plan", mode="lines",
        line={"color": EXPECTED_COLOUR, "width": 3},
        hovertemplate="Expected %{y:.2f}<extra></extra>",
    ))
    first = history.index[0] if len(history) else as_of
    last = expected.index[-1]
    if threshold is not None:
        _target(fig, first, last, threshold, target_text, 1.8)
    _vertical(fig, as_of, y_range, name="Now", colour=NOW_COLOUR, dash="solid", legend=False,
              text="Now")
    if target_date is not None:
        day = _utc_day(target_date)
        when = day_text(day)
        _vertical(fig, day, y_range, name=f"Target date ({when})", colour=TARGET_COLOUR,
                  dash="dot", legend=True, text=when)
    _layout(fig, height=height, y_range=y_range)
    fig.update_xaxes(range=[first, last + pd.Timedelta(days=3)])
    return fig


def sensitivity_figure(
    table: pd.DataFrame,
    *,
    current_half_life_days: float,
    threshold: float | None = None,
    target_text: str = "Target",
    label_bands: LabelBands = DEFAULT_LABEL_BANDS,
    height: int = 340,
) -> go.Figure:
    """The score now and the expected score at the horizon, for half-lives of 1-12 months.

    ``table`` is ``scoring.half_life_sensitivity`` output; the half-life in use is marked.
    """
    months = table["half_life_months"]
    columns = [table["projected_score"], table["current_score"]]
    y_range = score_y_range(*columns, *([pd.Series([threshold])] if threshold else []))
    fig = go.Figure()
    _shade_label_bands(fig, y_range, label_bands)
    fig.add_trace(go.Scatter(
        x=months, y=table["current_score"], name="Score now", mode="lines+markers",
        line={"color": HISTORY_COLOUR, "width": 1.6, "dash": "dot"}, marker={"size": 6},
        hovertemplate="Now %{y:.2f}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=months, y=table["projected_score"], name="Expected at the horizon",
        mode="lines+markers", line={"color": EXPECTED_COLOUR, "width": 2.6},
        marker={"size": 7}, hovertemplate="At the horizon %{y:.2f}<extra></extra>",
    ))
    if threshold is not None:
        _target(fig, months.min() - 0.3, months.max() + 0.3, threshold, target_text, 1.4)
    current = current_half_life_days / DAYS_PER_MONTH  # the table's months
    if months.min() - 0.01 <= current <= months.max() + 0.01:
        fig.add_vline(x=current, line={"color": NOW_COLOUR, "width": 1.4, "dash": "dot"})
        fig.add_annotation(x=current, y=y_range[1], text="half-life in use", showarrow=False,
                           yanchor="bottom", font={"size": 11, "color": "#555"})
    fig.update_yaxes(title_text="TrustScore (1-5 stars)", range=list(y_range))
    fig.update_xaxes(title_text="Half-life (months)", dtick=1,
                     range=[months.min() - 0.3, months.max() + 0.3])
    fig.update_layout(
        height=height, template="plotly_white", margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0},
        hovermode="x unified",
    )
    return fig


def scenarios_figure(
    paths: Sequence[tuple[str, pd.Series]],
    *,
    history: pd.Series,
    as_of: pd.Timestamp,
    start_score: float,
    threshold: float | None = None,
    target_text: str = "Target",
    target_date: dt.date | pd.Timestamp | None = None,
    label_bands: LabelBands = DEFAULT_LABEL_BANDS,
    history_name: str = "Score so far",
    height: int = 440,
) -> go.Figure:
    """The expected paths of several scenarios after the same history, one colour each."""
    lines = [thin(_with_start(path, as_of, start_score)) for _, path in paths]
    y_range = score_y_range(history, *lines, *([pd.Series([threshold])] if threshold else []))
    fig = go.Figure()
    _shade_label_bands(fig, y_range, label_bands)
    _history(fig, history, history_name, 2.2)
    for i, ((name, _), line) in enumerate(zip(paths, lines, strict=True)):
        safe = html.escape(name, quote=False)  # plotly leaves &quot; as it is
        fig.add_trace(go.Scatter(
            x=line.index, y=line, name=safe, mode="lines",
            line={"color": SCENARIO_PALETTE[i % len(SCENARIO_PALETTE)], "width": 2.4,
                  "dash": "solid" if i else "dash"},
            hovertemplate="%{fullData.name} %{y:.2f}<extra></extra>",
        ))
    first = history.index[0] if len(history) else as_of
    last = max(line.index[-1] for line in lines) if lines else as_of
    if threshold is not None:
        _target(fig, first, last, threshold, target_text, 1.6)
    if target_date is not None:
        day = _utc_day(target_date)
        _vertical(fig, day, y_range, name="Target date", colour=TARGET_COLOUR, dash="dot",
                  legend=False, text=day_text(day))
    _vertical(fig, as_of, y_range, name="Now", colour=NOW_COLOUR, dash="solid", legend=False,
              text="Now")
    _layout(fig, height=height, y_range=y_range)
    return fig
