"""Page layout for every screen size: constant CSS the entry point adds once per run.

Streamlit lays pages out for a desktop; on a phone (about 390 px wide) its wide-layout
padding, the headline's large type and the charts' mode bar push content sideways. The
rules here only narrow paddings and type below given widths and keep wide content
(charts, tables, code) inside the screen: no data ever goes into this CSS.
"""

from __future__ import annotations

import streamlit as st

NARROW_PX = 640
"""At or below this width (Streamlit's own breakpoint for stacking columns) the
layout is the phone one."""

_CSS = f"""
<style>
/* Long words and numbers wrap instead of widening the page. */
[data-testid="stMainBlockContainer"] {{ max-width: 100%; }}
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"] {{
  overflow-wrap: anywhere;
}}
.stPlotlyChart, [data-testid="stPlotlyChart"] {{ max-width: 100%; overflow: hidden; }}
@media (max-width: {NARROW_PX}px) {{
  [data-testid="stMainBlockContainer"] {{
    padding-left: 0.75rem; padding-right: 0.75rem; padding-top: 3rem;
  }}
  h1 {{ font-size: 1.75rem !important; }}
  [data-testid="headline-score"] {{ font-size: 2.8rem !important; }}
  [data-testid="stMetricValue"] {{ font-size: 1.6rem; }}
  /* A phone has no hover: the chart's tool bar would only sit on its legend. */
  .js-plotly-plot .modebar-container {{ display: none; }}
}}
</style>
"""


def responsive_css() -> str:
    """The constant style sheet (a ``<style>`` element) that keeps pages readable from
    390 px phones to 1920 px projectors."""
    return _CSS


def apply_responsive_css() -> None:
    """Add :func:`responsive_css` to the page (a style element takes no space)."""
    st.html(responsive_css())
