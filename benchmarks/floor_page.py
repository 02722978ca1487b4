"""The floor of the page-open benchmark: the least a Streamlit page with one plotly
chart costs to open (``streamlit run benchmarks/floor_page.py``).

One title and one small line chart (a year of daily values), drawn the way the app
draws its charts (``st.plotly_chart``, ``theme=None``, wide layout): no data loading,
no sidebar, no other element. :mod:`benchmarks.bench_pages` opens it side by side with
the app's pages.

``TRUSTLENS_FLOOR_PARTS`` (comma-separated) adds parts the app's pages share, with no
data behind them, so the benchmark can tell what each kind of element costs on this
stack: ``sidebar`` (the kinds of widget of the app's shared sidebar: a select box, two
segmented controls, a select slider, two number inputs in columns, two expanders, a date
input and three multiselects, before the chart) and ``table`` (a 20-row
``st.dataframe`` below the chart, as most pages have).
"""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

PARTS_VARIABLE = "TRUSTLENS_FLOOR_PARTS"
PARTS = ("sidebar", "table")


def parts() -> set[str]:
    """The parts asked for in the environment (unknown names are an error)."""
    asked = {part for part in os.environ.get(PARTS_VARIABLE, "").split(",") if part}
    unknown = asked - set(PARTS)
    if unknown:
        raise ValueError(f"{PARTS_VARIABLE}: unknown part(s) {sorted(unknown)}; use {PARTS}")
    return asked


def sidebar() -> None:
    """The kinds of widget the app's sidebar draws (``ui.controls.sidebar``)."""
    with st.sidebar:
        st.selectbox("Dataset", ["Demo"])
        with st.expander("Score model", expanded=True):
            st.segmented_control("Score model", ["Trustpilot", "Decayed prior"],
                                 default="Trustpilot")
            st.select_slider("Half-life", options=[30, 91, 182.5, 365, 730], value=182.5)
            left, right = st.columns(2)
            left.number_input("Prior reviews", value=7)
            right.number_input("Prior stars", value=3.5)
        st.segmented_control("Period", ["Day", "Week", "Month"], default="Week")
        with st.expander("Filters", expanded=False):
            st.date_input("Dates", (dt.date(2025, 1, 1), dt.date(2026, 1, 1)))
            for name in ("Company", "Location", "Source"):
                st.multiselect(name, ["one", "two"])


def table() -> None:
    """A small table below the chart (the app's pages show one per section)."""
    st.dataframe(pd.DataFrame({"Quarter": [f"{2021 + i // 4} Q{i % 4 + 1}" for i in range(20)],
                               "Index": np.linspace(60.0, 80.0, 20)}), hide_index=True)


asked = parts()
st.set_page_config(page_title="Floor", layout="wide")
if "sidebar" in asked:
    sidebar()
st.title("One chart", anchor=False)
days = pd.date_range("2026-01-01", periods=365, freq="D")
values = 4 + 0.3 * np.sin(np.arange(days.size) / 30)
figure = go.Figure(go.Scatter(x=days, y=values, mode="lines", name="Score"))
figure.update_layout(xaxis_title="Date", yaxis_title="Score (1-5 stars)", height=400)
st.plotly_chart(figure, width="stretch", theme=None, config={"displaylogo": False})
if "table" in asked:
    table()
