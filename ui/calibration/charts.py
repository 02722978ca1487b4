"""The Check page's plotly figures (no streamlit): pure functions from engine output to figures.

``readings_figure``: the score over time under both model forms with the published
readings as markers (their one-decimal rounding as error bars). ``fit_figure``: how the
error against the readings varies with the half-life, the reproducing ranges shaded.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from scoring.calibration import REPRODUCE_TOLERANCE, Fit
from ui.charts import label_band_ranges, score_y_range
from ui.format import LABEL_COLOURS

MODEL_STYLES = {
    "trustpilot": {"color": "#1c1c1c", "width": 2.4, "dash": "solid"},
    "decayed-prior": {"color": "#5b8def", "width": 1.8, "dash": "dash"},
}
PUBLISHED_COLOUR = "#00b67a"


def readings_figure(lines: dict[str, tuple[str, pd.Series]], readings: pd.DataFrame,
                    height: int = 420) -> go.Figure:
    """Score lines (model form -> (name, values by date)) and the readings.

    ``readings`` is :func:`scoring.calibration.compare_readings` output: each reading
    is a marker at its published score with a +-0.05 bar (the range of raw scores that
    show as that one-decimal value), and each form's value at that instant a small ring.
    """
    fig = go.Figure()
    values = [series for _, series in lines.values()]
    values.append(readings["published_score"] - REPRODUCE_TOLERANCE)
    values.append(readings["published_score"] + REPRODUCE_TOLERANCE)
    y_range = score_y_range(*values)
    for name, lower, upper in label_band_ranges():
        if upper <= y_range[0] or lower >= y_range[1]:
            continue
        fig.add_hrect(
            y0=max(lower, y_range[0]), y1=min(upper, y_range[1]), fillcolor=LABEL_COLOURS[name],
            opacity=0.10, line_width=0, layer="below", annotation_text=name,
            annotation_position="top right", annotation_font={"size": 11, "color": "#444"},
        )
    for model, (name, series) in lines.items():
        style = MODEL_STYLES.get(model, MODEL_STYLES["trustpilot"])
        fig.add_trace(go.Scatter(
            x=series.index, y=series, name=f"{name} model", mode="lines", line=style,
            hovertemplate=f"{name} model" + " %{y:.3f}<extra></extra>",
        ))
        column = "trustpilot_score" if model == "trustpilot" else "decayed_prior_score"
        fig.add_trace(go.Scatter(
            x=readings["at"], y=readings[column], mode="markers", showlegend=False,
            marker={"symbol": "circle-open", "size": 9, "color": style["color"],
                    "line": {"width": 2}},
            hovertemplate=f"{name} model at the reading" + " %{y:.3f}<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        x=readings["at"], y=readings["published_score"], mode="markers",
        name="Published TrustScore (±0.05: what shows as that decimal)",
        marker={"symbol": "diamond", "size": 12, "color": PUBLISHED_COLOUR,
                "line": {"width": 1, "color": "#0b5d3f"}},
        error_y={"type": "constant", "value": REPRODUCE_TOLERANCE, "color": PUBLISHED_COLOUR,
                 "thickness": 2, "width": 6},
        hovertemplate="Published %{y:.1f} on %{x|%d %b %Y}<extra></extra>",
    ))
    fig.update_yaxes(title_text="TrustScore (1-5 stars)", range=list(y_range))
    fig.update_xaxes(title_text="Date")
    fig.update_layout(
        height=height, template="plotly_white", hovermode="closest",
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0},
    )
    return fig


def fit_figure(result: Fit, height: int = 320) -> go.Figure:
    """The error against the readings per half-life (log axis): the largest miss and
    the RMSE, the 0.05 rounding floor, the ranges reproducing every reading shaded and
    the best half-life marked."""
    profile = result.profile
    fig = go.Figure()
    for found in result.half_life_ranges:
        fig.add_vrect(x0=found.low, x1=max(found.high, found.low * 1.005),
                      fillcolor=PUBLISHED_COLOUR, opacity=0.15, line_width=0, layer="below")
    fig.add_trace(go.Scatter(
        x=profile["half_life_days"], y=profile["max_abs_error"], name="Largest miss",
        mode="lines", line={"color": "#1c1c1c", "width": 2.2},
        hovertemplate="%{x:.0f} days: largest miss %{y:.3f}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=profile["half_life_days"], y=profile["rmse"], name="RMSE", mode="lines",
        line={"color": "#5b8def", "width": 1.6, "dash": "dash"},
        hovertemplate="%{x:.0f} days: RMSE %{y:.3f}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=[profile["half_life_days"].iloc[0], profile["half_life_days"].iloc[-1]],
        y=[result.tolerance] * 2, name=f"Rounding floor ({result.tolerance:g})", mode="lines",
        line={"color": PUBLISHED_COLOUR, "width": 1.2, "dash": "dot"}, hoverinfo="skip",
    ))
    fig.add_trace(go.Scatter(
        x=[result.half_life_days], y=[result.max_abs_error], name="Best fit", mode="markers",
        marker={"symbol": "x", "size": 11, "color": "#c2185b"},
        hovertemplate="Best fit: %{x:.1f} days<extra></extra>",
    ))
    top = float(min(max(profile["max_abs_error"].quantile(0.9), 3 * result.tolerance), 4.0))
    fig.update_xaxes(title_text="Half-life (days, log scale)", type="log")
    fig.update_yaxes(title_text="Error against the readings (stars)", range=[0, top * 1.05])
    fig.update_layout(
        height=height, template="plotly_white", hovermode="closest",
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0},
    )
    return fig
