"""Plotly figure builders: pure functions from engine output to figures.

Every chart labels its axes with units and carries at most a few thousand points:
callers aggregate to a display period first (:func:`display_freq`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from scoring.display import DEFAULT_LABEL_BANDS, LabelBands, label_threshold
from scoring.periods import period_days
from ui.format import LABEL_COLOURS

MAX_POINTS = 1500
STAR_COLOURS = {1: "#ff3722", 2: "#ff8622", 3: "#ffce00", 4: "#73cf11", 5: "#00b67a"}
FREQ_NAMES = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


def display_freq(start: pd.Timestamp, end: pd.Timestamp, max_points: int = MAX_POINTS) -> str:
    """The finest period (day, week, month, quarter) that keeps a chart under ``max_points``."""
    days = max((end - start).days, 1)
    for freq in ("D", "W", "M", "Q"):
        if days / period_days(freq) <= max_points:
            return freq
    return "Y"


def label_band_ranges(bands: LabelBands = DEFAULT_LABEL_BANDS) -> list[tuple[str, float, float]]:
    """(label, lower, upper) raw-score ranges of the labels, best first."""
    edges = [5.0] + [label_threshold(lower) for _, lower in bands.thresholds()] + [1.0]
    names = [name for name, _ in bands.thresholds()] + ["Bad"]
    return [(name, edges[i + 1], edges[i]) for i, name in enumerate(names)]


def _shade_label_bands(
    fig: go.Figure, y_range: tuple[float, float], bands: LabelBands, row: int | None = None
) -> None:
    for name, lower, upper in label_band_ranges(bands):
        if upper <= y_range[0] or lower >= y_range[1]:
            continue
        kwargs = {"row": row, "col": 1, "exclude_empty_subplots": False} if row else {}
        fig.add_hrect(
            y0=max(lower, y_range[0]), y1=min(upper, y_range[1]), fillcolor=LABEL_COLOURS[name],
            opacity=0.10, line_width=0, layer="below",
            annotation_text=name, annotation_position="top right",
            annotation_font={"size": 11, "color": "#444"}, **kwargs,
        )


def score_y_range(*columns: pd.Series) -> tuple[float, float]:
    """A y range around the data, padded, within the 1-5 scale."""
    values = pd.concat([c.dropna() for c in columns]) if columns else pd.Series(dtype=float)
    if values.empty:
        return (1.0, 5.0)
    low, high = float(values.min()), float(values.max())
    pad = max(0.15, (high - low) * 0.12)
    return (max(1.0, low - pad), min(5.0, high + pad))


@dataclass(frozen=True)
class Line:
    """One line of a trend chart: a name, values by date, and how it looks."""

    name: str
    values: pd.Series
    color: str = "#1c1c1c"
    width: float = 2.4
    dash: str = "solid"
    shape: str = "linear"


def trend_figure(
    lines: list[Line],
    *,
    volume: pd.DataFrame | None = None,
    volume_freq: str = "M",
    moves: pd.DataFrame | None = None,
    bands: LabelBands = DEFAULT_LABEL_BANDS,
    height: int = 460,
) -> go.Figure:
    """Score lines over time with the label bands shaded, review volume by star beneath.

    ``volume`` has ``stars_1..stars_5`` per period (``scoring.companion_series``),
    drawn as stacked bars on the same time axis. ``moves`` (``start, end, change``
    rows from ``scoring.attribution.largest_moves``) are annotated on the first line.
    """
    rows = 2 if volume is not None else 1
    fig = make_subplots(
        rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.06,
        row_heights=[0.72, 0.28] if rows == 2 else [1.0],
    )
    y_range = score_y_range(*(line.values for line in lines))
    _shade_label_bands(fig, y_range, bands, row=1)
    for line in lines:
        fig.add_trace(
            go.Scatter(
                x=line.values.index, y=line.values, name=line.name, mode="lines",
                line={"color": line.color, "width": line.width, "dash": line.dash,
                      "shape": line.shape},
                hovertemplate=line.name + " %{y:.2f}<extra></extra>",
            ),
            row=1, col=1,
        )
    if moves is not None and lines:
        first = lines[0].values
        for move in moves.itertuples():
            fig.add_annotation(
                x=move.end, y=float(first.loc[move.end]), row=1, col=1,
                text=f"{move.change:+.2f} since {move.start:%d %b %Y}",
                showarrow=True, arrowhead=2, ax=0, ay=-36 if move.change > 0 else 36,
                font={"size": 11}, bgcolor="rgba(255,255,255,0.85)",
            )
    fig.update_yaxes(title_text="TrustScore (1-5 stars)", range=list(y_range), row=1, col=1)
    if volume is not None:
        for star in (1, 2, 3, 4, 5):
            fig.add_trace(
                go.Bar(
                    x=volume.index, y=volume[f"stars_{star}"], name=f"{star}★",
                    marker_color=STAR_COLOURS[star],
                    hovertemplate=f"{star}★" + ": %{y:,}<extra></extra>",
                ),
                row=2, col=1,
            )
        fig.update_layout(barmode="stack", bargap=0.1)
        fig.update_yaxes(title_text=f"Reviews per {FREQ_NAMES[volume_freq]}", row=2, col=1)
    fig.update_xaxes(title_text="Date", row=rows, col=1)
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0,
                "traceorder": "normal"},
        hovermode="x unified", template="plotly_white",
    )
    return fig


def comparison_figure(
    series: pd.DataFrame, by: str, *, small_multiples: bool = False,
    bands: LabelBands = DEFAULT_LABEL_BANDS, height: int = 480,
) -> go.Figure:
    """Live scores of several groups: overlaid lines, or one small panel per group.

    ``series`` is ``scoring.score_series_by`` output (long: ``by``, period, score).
    """
    groups = list(dict.fromkeys(series[by].astype(str)))
    # plotly reads <b>, <a>: show as text. Not quotes: plotly leaves &quot; as it is.
    shown = [html.escape(group, quote=False) for group in groups]
    y_range = score_y_range(series["score"])
    palette = [
        "#1c1c1c", "#00b67a", "#5b8def", "#c2185b", "#ef6c00", "#6a1b9a", "#00838f",
        "#9e9d24", "#795548", "#ff3722", "#455a64", "#ad1457",
    ]
    if small_multiples:
        columns = 3 if len(groups) > 4 else 2
        rows = -(-len(groups) // columns)
        fig = make_subplots(rows=rows, cols=columns, shared_xaxes=True, shared_yaxes=True,
                            subplot_titles=shown, vertical_spacing=0.08, horizontal_spacing=0.03)
        for i, group in enumerate(groups):
            part = series[series[by].astype(str) == group]
            fig.add_trace(
                go.Scatter(x=part["period"], y=part["score"], name=shown[i], mode="lines",
                           line={"color": palette[i % len(palette)], "width": 2},
                           showlegend=False,
                           hovertemplate="%{fullData.name} %{y:.2f}<extra></extra>"),
                row=i // columns + 1, col=i % columns + 1,
            )
        fig.update_yaxes(range=list(y_range))
        fig.update_yaxes(title_text="TrustScore", col=1)
        height = max(height, 230 * rows)
    else:
        fig = go.Figure()
        _shade_label_bands(fig, y_range, bands)
        for i, group in enumerate(groups):
            part = series[series[by].astype(str) == group]
            fig.add_trace(
                go.Scatter(x=part["period"], y=part["score"], name=shown[i], mode="lines",
                           line={"color": palette[i % len(palette)], "width": 2},
                           hovertemplate="%{fullData.name} %{y:.2f}<extra></extra>")
            )
        fig.update_yaxes(title_text="TrustScore (1-5 stars)", range=list(y_range))
        fig.update_xaxes(title_text="Date")
    fig.update_layout(
        height=height, template="plotly_white", margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0},
        hovermode="x unified" if not small_multiples else "closest",
    )
    return fig


def waterfall_figure(attribution: object, height: int = 420) -> go.Figure:
    """Start score, ageing, the effect of new reviews by stars, end score.

    ``attribution`` is a ``scoring.attribution.Attribution``. Under the "trustpilot"
    model ageing alone moves nothing, so it has no bar.
    """
    steps = [] if attribution.model == "trustpilot" else [
        ("Ageing of older reviews", attribution.ageing)
    ]
    steps += [(f"New {k}★ reviews ({attribution.new_reviews[k]:,})", attribution.by_stars[k])
              for k in (1, 2, 3, 4, 5)]
    fig = go.Figure(
        go.Waterfall(
            x=[f"Score on {attribution.start:%d %b %Y}", *[name for name, _ in steps],
               f"Score on {attribution.end:%d %b %Y}"],
            measure=["absolute", *["relative"] * len(steps), "total"],
            y=[attribution.start_score, *[value for _, value in steps], 0],
            base=0,
            text=[f"{attribution.start_score:.3f}", *[f"{v:+.3f}" for _, v in steps],
                  f"{attribution.end_score:.3f}"],
            textposition="outside",
            increasing={"marker": {"color": "#00b67a"}},
            decreasing={"marker": {"color": "#ff3722"}},
            totals={"marker": {"color": "#1c1c1c"}},
            connector={"line": {"color": "#bbbbbb"}},
        )
    )
    values = [attribution.start_score, attribution.end_score]
    running = attribution.start_score
    for _, value in steps:
        running += value
        values.append(running)
    low, high = min(values), max(values)
    pad = max(0.05, (high - low) * 0.25)
    fig.update_yaxes(title_text="TrustScore (1-5 stars)", range=[low - pad, high + pad])
    fig.update_layout(height=height, template="plotly_white", showlegend=False,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


def kpi_figure(index: pd.Series, bands: object, height: int = 420) -> go.Figure:
    """The 0-100 KPI index over time with its bands and reference lines.

    ``bands`` is a ``scoring.KpiBands`` (band edges and named reference lines).
    """
    fig = go.Figure()
    low = max(0.0, min(float(index.min()) - 10, bands.good_from - 10)) if len(index) else 0.0
    for lower, upper, colour, name in (
        (bands.excellent_above, 100, "#00b67a", "Excellent"),
        (bands.good_from, bands.excellent_above, "#ffce00", "Good"),
        (low, bands.good_from, "#ff3722", "Poor: act now"),
    ):
        fig.add_hrect(y0=lower, y1=upper, fillcolor=colour, opacity=0.10, line_width=0,
                      layer="below", annotation_text=name, annotation_position="top right",
                      annotation_font={"size": 11, "color": "#444"})
    fig.add_trace(go.Scatter(x=index.index, y=index, name="KPI index", mode="lines",
                             line={"color": "#1c1c1c", "width": 2.4},
                             hovertemplate="KPI index %{y:.1f}<extra></extra>"))
    # Reference lines are named in the legend: a label on the plot would cover the curve.
    span = [index.index[0], index.index[-1]] if len(index) else []
    dashes = ("dash", "dot", "dashdot")
    for i, (name, value) in enumerate(bands.references):
        fig.add_trace(go.Scatter(x=span, y=[value] * len(span), name=f"{name}: {value:g}",
                                 mode="lines",
                                 line={"color": "#555", "width": 1.2, "dash": dashes[i % 3]},
                                 hoverinfo="skip"))
    fig.update_yaxes(title_text="KPI index (0-100)", range=[low, 100])
    fig.update_xaxes(title_text="Date")
    fig.update_layout(height=height, template="plotly_white", hovermode="x unified",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig
