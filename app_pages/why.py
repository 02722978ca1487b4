"""Why did it move: the change over a period, split into new reviews and ageing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import scoring
from scoring import replies
from scoring.attribution import explain_change, heaviest_reviews
from ui import charts, controls, downloads, why_story
from ui import format as fmt
from ui.replies import sections as reply_sections

PRESETS = {30: "Last 30 days", 90: "Last 90 days", 182: "Last 6 months", 365: "Last year",
           0: "Custom dates"}

view = controls.sidebar(period=False)
model = view.model
st.title("Why did it move?", anchor=False)
st.caption(view.caption())
counted = scoring.model.counted_reviews(view.reviews)
if counted.empty:
    st.info("No counted reviews match these filters: widen the filters or the dates.")
    st.stop()

last = view.end if view.end is not None else counted["created_at"].max()
days = st.segmented_control(
    "Period", options=list(PRESETS), format_func=PRESETS.get, default=90, required=True,
    key="why_days", bind="query-params", persist_state="session",
    help="Presets end on the last review (or the end of the sidebar's date window).",
)
days = 90 if days is None else days
start = last - pd.Timedelta(days=days or 90)
if days == 0:
    first_day = counted["created_at"].min().date()
    picked = st.date_input(
        "From – to", value=(start.date(), last.date()), min_value=first_day,
        max_value=last.date(), key="why_dates", format="YYYY-MM-DD",
    )
    if isinstance(picked, tuple | list) and len(picked) == 2:
        start = pd.Timestamp(picked[0], tz="UTC")
        last = min(last, pd.Timestamp(picked[1], tz="UTC") + pd.Timedelta(days=1))
result = explain_change(counted, start=start, end=last, params=model.params)
new_total = sum(result.by_stars.values())
new_count = sum(result.new_reviews.values())
moved = (
    f"From **{result.start:%d %b %Y}** to **{result.end:%d %b %Y}** the "
    f"{'score' if model.is_trustpilot else 'live score'} went from "
    f"**{result.start_score:.3f}** to **{result.end_score:.3f}** "
    f"(**{fmt.signed(result.change, 3)}**). "
)
if model.is_trustpilot:
    moved += (
        f"All of it came from the {new_count:,} new reviews: under the Trustpilot model the "
        "score moves only when a review arrives."
    )
else:
    moved += (
        f"The {new_count:,} new reviews moved it {fmt.signed(new_total, 3)}; older reviews "
        f"losing weight moved it {fmt.signed(result.ageing, 3)}."
    )
st.markdown(moved)
waterfall = charts.waterfall_figure(result)
if model.is_trustpilot:
    how = (
        "Each bar is what one star group's new reviews did, averaged over every order in which "
        "the groups could have arrived (their Shapley value), so no group is favoured by coming "
        "first. Ageing alone does not move the score; it makes the new reviews weigh more "
        "against the old ones. The parts add up exactly to the change."
    )
else:
    how = (
        "A new review lifts the score when its stars are above the score it meets and lowers "
        "it when below; ageing pulls older reviews' weight down, so the score drifts towards "
        f"the prior of {model.prior_mean:g} stars. The parts add up exactly to the change."
    )
# The chart and how to read it; beside it, what the period's low-star reviews said and,
# when the data has replies, those still unanswered.
chart_col, side_col = st.columns([3, 2], gap="medium")
chart_col.plotly_chart(waterfall, width="stretch", theme=None, config={"displaylogo": False})
chart_col.caption(how)
with side_col:
    why_story.low_star_section(view, result.start, result.end)
    if replies.has_replies(counted):
        st.divider()
        reply_sections.period_backlog(view, result.start, result.end)

st.subheader("The reviews that weigh most today", anchor=False)
top = heaviest_reviews(counted, as_of=last, n=25, half_life_days=model.half_life_days)
columns = ["created_at", "rating", "weight", "share"] + [
    c for c in ("title", "text", "location", "source") if c in top.columns
]
table = top[columns].rename(columns={
    "created_at": "Date", "rating": "Stars", "weight": "Weight", "share": "Share of weight",
    "title": "Title", "text": "Text", "location": "Location", "source": "Source",
})
st.dataframe(
    table, width="stretch", hide_index=True,
    column_config={
        "Date": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        "Weight": st.column_config.NumberColumn(format="%.3f",
                                                help="2^(-age / half-life); 1 for today"),
        "Share of weight": st.column_config.NumberColumn(format="percent"),
        "Text": st.column_config.TextColumn(width="large"),
    },
)
st.caption("Titles and texts are shown exactly as written, as plain text.")
downloads.export_row(
    "Download these reviews (CSV)", table, "trustlens-heaviest-reviews.csv",
    "why the score moved", view, [waterfall], slug="why",
)
