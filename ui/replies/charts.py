"""The Replies page's figures (plotly, no streamlit): labelled axes, units, few points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from scoring.replies import AnsweredWithin
from ui.charts import STAR_COLOURS

RATE_COLOUR = "#00796b"
NEGATIVE_COLOUR = "#c62828"
TIME_COLOUR = "#5b8def"
MAX_CURVE_POINTS = 400


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(height=height, template="plotly_white", hovermode="x unified",
                      margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    return fig


def rates_figure(all_reviews: pd.DataFrame, negative: pd.DataFrame, freq_name: str,
                 height: int = 360) -> go.Figure:
    """The share of reviews answered, per period of the review's creation: all reviews
    and 1-2 star ones (``reply_rate`` columns of :func:`scoring.replies.reply_table`)."""
    fig = go.Figure()
    for name, table, colour in (("All reviews", all_reviews, RATE_COLOUR),
                                ("1-2 star reviews", negative, NEGATIVE_COLOUR)):
        fig.add_trace(go.Scatter(
            x=table.index, y=table["reply_rate"] * 100, name=name, mode="lines+markers",
            line={"color": colour, "width": 2}, marker={"size": 5},
            hovertemplate="%{y:.0f}% answered<extra>%{fullData.name}</extra>",
        ))
    fig.update_yaxes(title_text="Reviews answered (%)", range=[0, 102], ticksuffix="%")
    fig.update_xaxes(title_text=f"Review written in (by {freq_name})")
    return _layout(fig, height)


def times_figure(negative: pd.DataFrame, freq_name: str, height: int = 360) -> go.Figure:
    """Time to reply to 1-2 star reviews per period: the median and the 90th percentile
    (Kaplan-Meier; a period whose reviews are not half answered has no median, and a
    percentile no period reaches has no line)."""
    fig = go.Figure()
    for column, name, dash in (("median_hours", "Median", "solid"),
                               ("p90_hours", "90th percentile", "dot")):
        if negative[column].isna().all():
            continue  # never reached: more of them wait than the percentile allows
        fig.add_trace(go.Scatter(
            x=negative.index, y=negative[column] / 24, name=name, mode="lines+markers",
            line={"color": TIME_COLOUR, "width": 2, "dash": dash}, marker={"size": 5},
            hovertemplate="%{y:.1f} days<extra>%{fullData.name}</extra>",
        ))
    for first, last in _unanswered_runs(negative):
        fig.add_vrect(x0=first, x1=last, fillcolor="#999999", opacity=0.15, line_width=0,
                      layer="below", annotation_text="fewer than half answered",
                      annotation_position="top left", annotation_font={"size": 11})
    fig.update_yaxes(title_text="Time to reply (days)", rangemode="tozero")
    fig.update_xaxes(title_text=f"1-2 star review written in (by {freq_name})")
    return _layout(fig, height)


def _unanswered_runs(table: pd.DataFrame) -> list[tuple[object, object]]:
    """(start, end) of each run of periods with reviews but no median (fewer than half of
    them answered, so the median line has a gap there), from the first period's start
    to the next period's start (the last period's length past the table's end)."""
    missing = (table["median_hours"].isna() & (table["known"] > 0)).to_numpy()
    edges = list(table.index)
    if len(edges) >= 2:
        edges.append(edges[-1] + (edges[-1] - edges[-2]))
    runs, start = [], None
    for k, gap in enumerate(np.r_[missing, False]):
        if gap and start is None:
            start = k
        elif not gap and start is not None:
            runs.append((edges[start], edges[min(k, len(edges) - 1)]))
            start = None
    return runs


def by_stars_figure(table: pd.DataFrame, height: int = 320) -> go.Figure:
    """The share answered, and within a day, by stars (``reply_table(by="stars")``)."""
    stars = [int(s) for s in table.index]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=[f"{s}★" for s in stars], y=table["reply_rate"] * 100, name="Answered",
        marker_color=[STAR_COLOURS[s] for s in stars],
        text=[f"{v:.0%}" if not np.isnan(v) else "" for v in table["reply_rate"]],
        textposition="outside", hovertemplate="%{y:.0f}% answered<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=[f"{s}★" for s in stars], y=table["within_day"] * 100, name="Within a day",
        mode="markers", marker={"symbol": "diamond", "size": 11, "color": "#1c1c1c"},
        hovertemplate="%{y:.0f}% within 24 h<extra></extra>",
    ))
    fig.update_yaxes(title_text="Reviews (%)", range=[0, 110], ticksuffix="%")
    fig.update_xaxes(title_text="Stars of the review")
    return _layout(fig, height)


def _thinned(curve: AnsweredWithin) -> tuple[np.ndarray, np.ndarray]:
    """At most MAX_CURVE_POINTS steps of the curve (every k-th, and the last)."""
    hours, share = curve.hours, curve.share
    if len(hours) > MAX_CURVE_POINTS:
        pick = np.unique(np.r_[np.linspace(0, len(hours) - 1, MAX_CURVE_POINTS).astype(int)])
        hours, share = hours[pick], share[pick]
    return hours, share


def answered_within_figure(curves: list[tuple[str, AnsweredWithin]], height: int = 380
                           ) -> go.Figure:
    """The Kaplan-Meier share answered within t, one step line per curve, t on a log
    axis from an hour to the longest wait, with the day and week marked."""
    fig = go.Figure()
    colours = [NEGATIVE_COLOUR, RATE_COLOUR, TIME_COLOUR]
    for (name, curve), colour in zip(curves, colours, strict=False):
        hours, share = _thinned(curve)
        fig.add_trace(go.Scatter(
            x=np.r_[hours[:1] if len(hours) else [1.0], hours] / 24,
            y=np.r_[0.0, share] * 100, name=f"{name} ({curve.reviews:,} reviews)",
            mode="lines", line={"color": colour, "width": 2, "shape": "hv"},
            hovertemplate="%{y:.0f}% within %{x:.1f} days<extra>%{fullData.name}</extra>",
        ))
    for days, text in ((1, "a day"), (7, "a week")):
        fig.add_vline(x=days, line={"color": "#999", "dash": "dot", "width": 1},
                      annotation_text=text, annotation_position="top left")
    fig.update_xaxes(title_text="Time since the review (days, log scale)", type="log")
    fig.update_yaxes(title_text="Answered within that time (%)", range=[0, 102],
                     ticksuffix="%")
    return _layout(fig, height)
