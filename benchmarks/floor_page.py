"""The floor of the page-open benchmark: the least a Streamlit page with one plotly
chart costs to open (``streamlit run benchmarks/floor_page.py``).

One title and one small line chart (a year of daily values), drawn the way the app
draws its charts (``st.plotly_chart``, ``theme=None``, wide layout): no data loading,
no sidebar, no other element. :mod:`benchmarks.bench_pages` opens it side by side with
the app's pages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
st.title("One chart", anchor=False)
days = pd.date_range("2026-01-01", periods=365, freq="D")
values = 4 + 0.3 * np.sin(np.arange(days.size) / 30)
figure = go.Figure(go.Scatter(x=days, y=values, mode="lines", name="Score"))
figure.update_layout(xaxis_title="Date", yaxis_title="Score (1-5 stars)", height=400)
st.plotly_chart(figure, width="stretch", theme=None, config={"displaylogo": False})
