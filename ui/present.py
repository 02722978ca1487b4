"""The presentation mode's rendering: one :class:`ui.slide.Slide` in a 16:9 frame with
large type, the slide number, previous/next and leave.

The frame and the chart take their size from the viewport (CSS ``aspect-ratio`` and
``vh``), so one slide fills a 1920x1080 projector and still reads on a laptop or a
phone. Everything from data (names, themes) reaches the page as escaped markdown or as
HTML-escaped chart labels: the only raw HTML here is the constant style sheet.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from ui import format as fmt
from ui.slide import ChartSeries, Slide, SlideChart

SLIDE_PARAM = "slide"
"""The URL's slide number (1-based): ``/present?slide=3`` opens on the third slide."""
REQUESTS_KEY = "present_requests"
"""The plan slide's live control: review requests a month."""
REQUESTS_FOR_KEY = "present_requests_for"
RETURN_KEY = "present_return"
"""The last page shown before presenting (a ``st.Page``): where "Leave" goes."""
PRESENT_PATH = "present"
MAIN_COLOUR = "#1c1c1c"
BAND_COLOUR = "#5b8def"
REFERENCE_COLOURS = ("#00b67a", "#ff8622", "#7b1fa2", "#888888")
BAR_COLOURS = ("#1f6fb2", "#ff8622", "#00b67a", "#7b1fa2")
POSITIVE_COLOUR = "#00b67a"
NEGATIVE_COLOUR = "#ff3722"
FONT_SIZE = 18

STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {
  display: none !important;
}
[data-testid="stMainBlockContainer"] {
  padding: 0.75rem 1.5rem 0.75rem 1.5rem; max-width: 100%;
}
.st-key-present-frame {
  aspect-ratio: 16 / 9; width: min(100%, calc((100vh - 1.5rem) * 16 / 9));
  margin: 0 auto; box-sizing: border-box;
}
.st-key-present-frame h1 { font-size: clamp(1.6rem, 2.8vw, 3.6rem); padding: 0; }
.st-key-present-frame [data-testid="stMarkdownContainer"] p,
.st-key-present-frame [data-testid="stMarkdownContainer"] li {
  font-size: clamp(1.05rem, 1.45vw, 2.1rem); line-height: 1.35;
}
.st-key-present-text [data-testid="stMarkdownContainer"] p,
.st-key-present-text [data-testid="stMarkdownContainer"] li {
  font-size: clamp(1.1rem, 1.9vw, 2.8rem);
}
.st-key-present-nav button p { font-size: clamp(1rem, 1.2vw, 1.6rem); }
.st-key-present-frame .st-key-present-figure [data-testid="stMarkdownContainer"] p {
  font-size: clamp(4rem, 9vw, 11rem); font-weight: 700; line-height: 1;
}
.st-key-present-frame [data-testid="stCaptionContainer"] {
  font-size: clamp(0.8rem, 0.85vw, 1.2rem);
}
.st-key-present-chart {
  height: max(300px, calc(100vh - 27rem)) !important; flex: 0 0 auto !important;
}
.st-key-present-live .st-key-present-chart {
  height: max(300px, calc(100vh - 33rem)) !important;
}
.st-key-present-chart [data-testid="stElementContainer"],
.st-key-present-chart [data-testid="stFullScreenFrame"],
.st-key-present-chart [data-testid="stPlotlyChart"],
.st-key-present-chart .js-plotly-plot { height: 100% !important; }
.st-key-present-live input { font-size: clamp(1rem, 1.3vw, 1.8rem); }
@media (max-width: 760px) {
  .st-key-present-frame { aspect-ratio: auto; width: 100%; }
  .st-key-present-chart { height: 460px !important; }
  /* Laid out for the projector's type; smaller text on a phone keeps titles inside. */
  .st-key-present-chart .js-plotly-plot .main-svg text { font-size: 14px !important; }
}
</style>"""


def style() -> None:
    """The constant style sheet: no sidebar, no header, the 16:9 frame, large type."""
    st.html(STYLE)


def remember(page: Any) -> None:
    """Record ``page`` (the page ``st.navigation`` is about to run) as where "Leave"
    returns, unless it is the presentation itself. Called from app.py."""
    if getattr(page, "url_path", None) != PRESENT_PATH:
        st.session_state[RETURN_KEY] = page


def leave() -> None:
    """Back to the page the user came from (the Overview when none), same settings."""
    target = st.session_state.get(RETURN_KEY)
    # An empty mapping, not None: switch_page(None) clears the address, which Streamlit
    # refuses while sidebar widgets are bound to it; the widgets keep their session
    # values and write them back on the page they return to.
    st.switch_page(target if target is not None else "app_pages/home.py", query_params={})


def slide_number(count: int, query: Mapping[str, Any] | None = None) -> int:
    """The 1-based slide number from the URL (``?slide=3``), kept within 1..count;
    anything that is not a whole number opens the first slide."""
    values = st.query_params if query is None else query
    raw = values.get(SLIDE_PARAM)
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), max(count, 1))


def _go(number: int) -> None:
    st.query_params[SLIDE_PARAM] = str(number)


def requests_per_month() -> float | None:
    """The plan slide's live value (review requests a month), None until it is set; the
    deck uses it so that the file shows what the room last saw."""
    value = st.session_state.get(REQUESTS_KEY)
    return None if value is None else float(value)


def requests_start(default: int, dataset_key: str) -> float:
    """The live value of the plan slide's control, set to the Planner's ``default`` on
    first use and again when the dataset changes; call it before drawing the slide."""
    if (st.session_state.get(REQUESTS_FOR_KEY) != dataset_key
            or st.session_state.get(REQUESTS_KEY) is None):
        st.session_state[REQUESTS_KEY] = int(default)
        st.session_state[REQUESTS_FOR_KEY] = dataset_key
    return float(st.session_state[REQUESTS_KEY])


def requests_control(default: int) -> None:
    """The one live control of the plan slide: review requests a month (its value is
    read by :func:`requests_start` on the next run, so the bands follow it)."""
    step = max(1, int(round(default / 20, -1))) if default >= 100 else 1
    st.number_input(
        "Review requests a month", min_value=0, max_value=max(10 * int(default), 1000),
        step=step, key=REQUESTS_KEY, width=320,
        help="Try the room's question: what if we doubled it? The bands move with it.",
    )


def _label(text: object) -> str:
    """Text for a plotly label: plotly reads tags such as <a> in labels, so escape."""
    return html.escape(str(text), quote=False)


def _line_trace(series: ChartSeries, chart: SlideChart, reference: int) -> go.Scatter:
    if series.role == "band":
        line = {"color": BAND_COLOUR, "width": 2, "dash": "dash"}
    elif series.role == "reference":
        line = {"color": REFERENCE_COLOURS[reference % len(REFERENCE_COLOURS)], "width": 2,
                "dash": "dot"}
    else:
        line = {"color": MAIN_COLOUR, "width": 4}
    return go.Scatter(x=list(chart.categories), y=list(series.values),
                      name=_label(series.name), mode="lines", line=line)


def figure(chart: SlideChart) -> go.Figure:
    """The slide's chart as a plotly figure: large type, axis titles with units, no
    fixed height (the frame sets it from the viewport)."""
    fig = go.Figure()
    if chart.kind == "line":
        references = 0
        for series in chart.series:
            fig.add_trace(_line_trace(series, chart, references))
            references += series.role == "reference"
        x_values = list(chart.categories)
    else:
        x_values = [_label(c) for c in chart.categories]
        signed = len(chart.series) == 1 and any((v or 0.0) < 0 for v in chart.series[0].values)
        for position, series in enumerate(chart.series):
            colour: str | list[str] = BAR_COLOURS[position % len(BAR_COLOURS)]
            if signed:  # a split of a change: gains green, losses red
                colour = [NEGATIVE_COLOUR if (v or 0.0) < 0 else POSITIVE_COLOUR
                          for v in series.values]
            fig.add_trace(go.Bar(x=x_values, y=list(series.values), name=_label(series.name),
                                 marker_color=colour))
        fig.update_layout(barmode="stack" if chart.stacked else "group")
    fig.update_xaxes(title_text=_label(chart.x_title), automargin=True)
    fig.update_yaxes(title_text=_label(chart.y_title), automargin=True,
                     range=list(chart.y_range) if chart.y_range else None)
    fig.update_layout(
        template="plotly_white", font={"size": FONT_SIZE},
        margin={"l": 10, "r": 10, "t": 10, "b": 10}, autosize=True,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        showlegend=len(chart.series) > 1, hovermode="x unified",
    )
    return fig


def _lines(one: Slide) -> None:
    if one.lines:
        st.markdown("\n".join(f"- {fmt.escape_markdown(line)}" for line in one.lines))


def _figure_block(one: Slide) -> None:
    with st.container(key="present-figure"):
        st.markdown(fmt.escape_markdown(one.figure or ""))
    st.markdown(fmt.escape_markdown(one.figure_caption or ""))


def _navigation(number: int, count: int) -> None:
    """Previous, the slide number, next and leave in one row (it wraps on a phone); a
    presenter's clicker (Page Up / Page Down) and Esc work too."""
    nav = st.container(horizontal=True, vertical_alignment="center", key="present-nav")
    with nav:
        st.button("Previous", icon=":material/chevron_left:", disabled=number <= 1,
                  on_click=_go, args=(number - 1,), key="present_previous",
                  shortcut="PageUp")
        st.markdown(f"{number} / {count}", width="content")
        st.button("Next", icon=":material/chevron_right:", disabled=number >= count,
                  on_click=_go, args=(number + 1,), key="present_next", shortcut="PageDown")
        if st.button("Leave", icon=":material/close:", key="present_leave", shortcut="Esc"):
            leave()


def render(one: Slide, number: int, count: int, *, live: Callable[[], None] | None = None
           ) -> None:
    """Draw ``one`` (slide ``number`` of ``count``) in the 16:9 frame, with previous,
    next, the slide number and leave at its foot; ``live`` draws the slide's live
    control above the chart."""
    with st.container(key="present-frame", border=True):
        st.title(fmt.escape_markdown(one.title), anchor=False)
        with st.container(key="present-text" if one.chart is None else "present-lines"):
            if one.figure is not None:
                left, right = st.columns([1, 2], vertical_alignment="center")
                with left:
                    _figure_block(one)
                with right:
                    _lines(one)
            else:
                _lines(one)
        with st.container(key="present-live" if live is not None else "present-body"):
            if live is not None:
                live()
            if one.chart is not None:
                with st.container(key="present-chart"):
                    st.plotly_chart(figure(one.chart), width="stretch", height="stretch",
                                    theme=None, config={"displaylogo": False,
                                                        "displayModeBar": False,
                                                        "responsive": True})
        st.caption(fmt.escape_markdown(one.sources))
        _navigation(number, count)
