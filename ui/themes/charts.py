"""The Themes page's figures (plotly, no streamlit): labelled axes with units, few points.

Terms, theme names and group labels come from the data: plotly reads ``<b>`` or
``<a>`` in labels as markup, so every label is HTML-escaped before it is drawn.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.themes import text

LOW_COLOUR = "#c62828"
HIGH_COLOUR = "#00875a"
THIS_COLOUR = "#5b8def"
BEFORE_COLOUR = "#9e9e9e"
THEME_COLOUR = "#37474f"
ROW_HEIGHT = 22
PLOTLY_FONT = {"family": "system-ui, sans-serif", "size": 12}


def _escape(value: object) -> str:
    # Not quotes: plotly leaves &quot; as it is.
    return html.escape(str(value), quote=False)


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height, template="plotly_white", font=PLOTLY_FONT,
        margin={"l": 10, "r": 10, "t": 60, "b": 10}, bargap=0.25, bargroupgap=0.05,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.06, "x": 0},
    )
    return fig


def _hover(rows: pd.DataFrame, label_a: str, label_b: str) -> list[str]:
    return [_escape(f"{term}: {text.contrast_sentence(row, label_a, label_b)}")
            for term, (_, row) in zip(rows["term"], rows.iterrows(), strict=True)]


def low_high_figure(low: pd.DataFrame, high: pd.DataFrame, label_a: str, label_b: str,
                    ) -> go.Figure:
    """Two panels side by side: the terms most typical of group a (left) and of group b
    (right), most typical at the top, each with the share of both groups' reviews using
    it (a comparison's ``typical_of_a`` / ``typical_of_b`` rows)."""
    names = (f"Typical of {text.group_name(label_a)}", f"Typical of {text.group_name(label_b)}")
    fig = make_subplots(rows=1, cols=2, subplot_titles=[_escape(n) for n in names],
                        horizontal_spacing=0.16)
    for col, rows in ((1, low), (2, high)):
        labels = [_escape(t) for t in rows["term"]][::-1]
        hover = _hover(rows, label_a, label_b)[::-1]
        for share, label, colour in (("share_a", label_a, LOW_COLOUR),
                                     ("share_b", label_b, HIGH_COLOUR)):
            fig.add_trace(go.Bar(
                y=labels, x=(rows[share].to_numpy() * 100)[::-1], orientation="h",
                name=_escape(f"Share of {text.group_name(label)}"), marker_color=colour,
                legendgroup=share, showlegend=col == 1, customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            ), row=1, col=col)
        fig.update_xaxes(title_text="Reviews using the term (%)", ticksuffix="%",
                         rangemode="tozero", row=1, col=col)
    shown = max(len(low), len(high), 1)
    fig.update_yaxes(automargin=True, tickfont={"size": 12})
    return _layout(fig, height=max(320, int(1.6 * ROW_HEIGHT * shown) + 130))


def theme_panels(shares: pd.DataFrame, order: list[str], freq_name: str) -> go.Figure:
    """Small multiples: one panel per theme (in ``order``), the theme's share of each
    period's reviews in % (``Themes.share_over_time`` rows: period, theme, reviews,
    share), every panel on the same y scale."""
    columns = 3 if len(order) > 4 else 2
    rows = max(-(-len(order) // columns), 1)
    fig = make_subplots(rows=rows, cols=columns, shared_xaxes=True, shared_yaxes=True,
                        subplot_titles=[_escape(n) for n in order], vertical_spacing=0.14,
                        horizontal_spacing=0.04)
    top = float(shares["share"].max()) * 100 if len(shares) else 100.0
    for i, name in enumerate(order):
        part = shares[shares["theme"] == name].sort_values("period")
        fig.add_trace(go.Scatter(
            x=part["period"], y=part["share"].to_numpy() * 100, mode="lines+markers",
            name=_escape(name), line={"color": THEME_COLOUR, "width": 2},
            marker={"size": 4}, fill="tozeroy", fillcolor="rgba(55,71,79,0.12)",
            showlegend=False, customdata=part["reviews"].to_numpy(),
            hovertemplate=f"%{{x|%b %Y}}: %{{y:.0f}}% of the {freq_name}'s reviews "
                          "(%{customdata:,} reviews)<extra></extra>",
        ), row=i // columns + 1, col=i % columns + 1)
    fig.update_yaxes(range=[0, max(top * 1.1, 5)], ticksuffix="%", showgrid=True)
    fig.update_yaxes(title_text="Share of reviews (%)", col=1)
    fig.update_xaxes(title_text=freq_name.capitalize(), row=rows)
    fig.update_annotations(font={"size": 12})
    height = 70 + 210 * rows
    fig.update_layout(height=height, template="plotly_white", font=PLOTLY_FONT,
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, hovermode="closest")
    return fig


def rising_figure(rows: pd.DataFrame, label_a: str, label_b: str) -> go.Figure:
    """The terms more used in group a than in b (a period against the one before, or a
    group against the rest), each with both shares: a dumbbell of % of reviews."""
    terms = [_escape(t) for t in rows["term"]][::-1]
    hover = _hover(rows, label_a, label_b)[::-1]
    fig = go.Figure()
    for term, a, b in zip(terms, rows["share_a"][::-1], rows["share_b"][::-1], strict=True):
        fig.add_shape(type="line", x0=b * 100, x1=a * 100, y0=term, y1=term, layer="below",
                      line={"color": "#cfd8dc", "width": 3})
    for share, label, colour, symbol in (("share_b", label_b, BEFORE_COLOUR, "circle-open"),
                                         ("share_a", label_a, THIS_COLOUR, "circle")):
        fig.add_trace(go.Scatter(
            y=terms, x=(rows[share].to_numpy() * 100)[::-1], mode="markers",
            name=_escape(f"Share of {text.group_name(label)}"),
            marker={"color": colour, "size": 11, "symbol": symbol, "line": {"width": 2}},
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        ))
    fig.update_xaxes(title_text="Reviews using the term (%)", ticksuffix="%", rangemode="tozero")
    fig.update_yaxes(automargin=True)
    return _layout(fig, height=max(260, ROW_HEIGHT * len(rows) + 130))
