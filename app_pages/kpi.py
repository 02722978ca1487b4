"""KPI view: the 0-100 trust index over time and by quarter, as a management deck wants it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import scoring
from ui import charts, controls, downloads, views

view = controls.sidebar(period=False)
model = view.model
st.title("KPI view", anchor=False)
st.caption(view.caption())
if scoring.star_counts(view.reviews).sum() == 0:
    st.info("No counted reviews match these filters: widen the filters or the dates.")
    st.stop()

with st.expander("Bands and reference lines (0-100)"):
    cols = st.columns(4)
    excellent = cols[0].number_input("Excellent above", 0.0, 100.0, 80.0, 1.0, key="kpi_exc",
                                     bind="query-params", persist_state="session")
    good = cols[1].number_input("Good from", 0.0, 100.0, 70.0, 1.0, key="kpi_good",
                                bind="query-params", persist_state="session")
    ref_a = cols[2].number_input("Reference: tech average (Forrester)", 0.0, 100.0, 75.0, 1.0,
                                 key="kpi_ref_a", bind="query-params", persist_state="session")
    ref_b = cols[3].number_input("Reference: top-quartile e-commerce (Gartner)", 0.0, 100.0,
                                 85.0, 1.0, key="kpi_ref_b", bind="query-params",
                                 persist_state="session")
if good >= excellent:
    st.warning("'Good from' must be below 'Excellent above'; using the defaults 70 and 80.")
    good, excellent = 70.0, 80.0
bands = scoring.KpiBands(
    excellent_above=excellent, good_from=good,
    references=(("Tech average (Forrester)", ref_a), ("Top-quartile e-commerce (Gartner)", ref_b)),
)

series, freq = views.trend(view.reviews, model, start=view.start, end=view.end)
index = scoring.kpi_index(series["score"])
snap = scoring.snapshot(view.reviews, as_of=view.end, params=model.params)
band = scoring.kpi_band(snap.kpi_index, bands)
cols = st.columns(3)
cols[0].metric("Trust index now", f"{snap.kpi_index:.1f}", delta=band, delta_color="off",
               delta_arrow="off", border=True,
               help="(TrustScore - 1) / 4 x 100: 1 star = 0, 5 stars = 100.")
cols[1].metric("Change in 90 days", f"{scoring.kpi_points(snap.change_90d):+.1f} points",
               border=True)
gap = ref_b - snap.kpi_index
cols[2].metric(f"Distance to {ref_b:g}", f"{gap:+.1f} points" if gap > 0 else "reached",
               border=True)
kpi_chart = charts.kpi_figure(index, bands)
st.plotly_chart(kpi_chart, width="stretch", theme=None, config={"displaylogo": False})
st.caption(f"Index at the end of each {charts.FREQ_NAMES[freq]}; bands and reference lines "
           "as set above (defaults from common KPI libraries).")

st.subheader("By quarter", anchor=False)
quarters = scoring.score_series(
    view.reviews, freq="Q", start=index.index[0], end=index.index[-1], clock=model.clock,
    params=model.params,
)
table = pd.DataFrame({
    "Quarter": [f"{p.year} Q{p.quarter}" for p in quarters.index],
    "Index at quarter end": scoring.kpi_index(quarters["score"]),
    "TrustScore": quarters["score"],
    "New reviews": quarters["new_reviews"],
})
table["Change"] = table["Index at quarter end"].diff()
table["Band"] = [scoring.kpi_band(v, bands) for v in table["Index at quarter end"]]
st.dataframe(
    table, width="stretch", hide_index=True,
    column_config={
        "Index at quarter end": st.column_config.NumberColumn(format="%.1f"),
        "TrustScore": st.column_config.NumberColumn(format="%.2f"),
        "Change": st.column_config.NumberColumn(format="%+.1f"),
    },
)
st.caption("The last quarter may still be running: its value is the index on the last date.")
downloads.export_row(
    "Download the quarterly table (CSV)", table, "trustlens-kpi-quarters.csv", "KPI view",
    view, [kpi_chart], slug="kpi",
)
