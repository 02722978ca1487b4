"""Compare: companies, locations or sources side by side, with a ranking table."""

from __future__ import annotations

import streamlit as st

from ui import charts, controls, downloads, views

MAX_LINES = 12
DIMENSIONS = {**controls.FILTER_COLUMNS, "invited": "Invited or organic"}

view = controls.sidebar()
model = view.model
st.title("Compare", anchor=False)
st.caption(view.caption())

reviews = view.reviews
present = [c for c in DIMENSIONS if c in reviews.columns and reviews[c].nunique() >= 2]
if not present:
    st.info(
        "This dataset has one company, location and source only, so there is nothing to "
        "compare. Import several files at once (one per company) on the Import page, or "
        "pick a dataset with a location or source column."
    )
    st.stop()

left, right = st.columns([2, 1])
by = left.segmented_control(
    "Compare by", options=present, format_func=DIMENSIONS.get, default=present[0],
    required=True, key="compare_by", bind="query-params", persist_state="session",
) or present[0]
layout = right.segmented_control(
    "Layout", options=["overlay", "panels"], default="overlay", required=True,
    format_func={"overlay": "Overlaid lines", "panels": "Small multiples"}.get,
    key="compare_layout", bind="query-params", persist_state="session",
) or "overlay"

compared = views.comparison(view, by, max_lines=MAX_LINES)
ranking, series, freq = compared.ranking, compared.series, compared.freq
if len(ranking) > MAX_LINES:
    st.caption(f"Chart: the {MAX_LINES} groups with most reviews; the table ranks all "
               f"{len(ranking)}.")
figure = charts.comparison_figure(series, by, small_multiples=layout == "panels")
st.plotly_chart(figure, width="stretch", theme=None, config={"displaylogo": False})
st.caption(f"{views.score_name(model)} at the end of each {charts.FREQ_NAMES[freq]}, every "
           "group with the same model and the same as-of date.")

st.subheader("Ranking", anchor=False)
table = ranking.reset_index().rename(columns={
    by: DIMENSIONS[by], "score": "Score", "display_score": "Shown", "stars": "Stars",
    "label": "Label", "reviews": "Reviews", "effective_reviews": "Effective reviews",
    "score_change": "Change in 90 days", "last_review_at": "Last review",
})
table.insert(0, "Rank", range(1, len(table) + 1))
st.dataframe(
    table, width="stretch", hide_index=True,
    column_config={
        "Score": st.column_config.NumberColumn(format="%.3f"),
        "Shown": st.column_config.NumberColumn(format="%.1f"),
        "Stars": st.column_config.NumberColumn(format="%.1f ★"),
        "Effective reviews": st.column_config.NumberColumn(format="%.0f"),
        "Change in 90 days": st.column_config.NumberColumn(format="%+.3f"),
        "Last review": st.column_config.DatetimeColumn(format="YYYY-MM-DD"),
    },
)
st.caption(f"Ranked by the {'score' if model.is_trustpilot else 'live score'} at the as-of "
           "date (the end of the date window).")
downloads.export_row(
    "Download the ranking (CSV)", table, "trustlens-ranking.csv",
    f"comparison by {DIMENSIONS[by].lower()}", view, [figure], slug="compare",
)
