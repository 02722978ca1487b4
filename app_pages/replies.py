"""Replies: how many reviews the company answered, how fast, and which still wait."""

from __future__ import annotations

import streamlit as st

from scoring import replies
from ui import controls
from ui.replies import sections

view = controls.sidebar()
st.title("Replies", anchor=False)
st.caption(view.caption())
if not replies.has_replies(view.reviews):
    st.info(
        "This dataset does not say which reviews were answered: it has no reply date, reply "
        "text or replied column. A Trustpilot business export has `Company Reply Date (UTC)`; "
        "a Google Takeout has the replies; import one on the Import page."
    )
    st.stop()
if view.reviews.empty:
    st.info("No reviews match these filters: widen the filters or the dates.")
    st.stop()

sections.headline(view)
figures = sections.trends(view)
figures += sections.stars_and_curve(view)
st.subheader("Reviews still waiting for a reply", anchor=False)
sections.backlog(view, figures)
sections.latest_replies(view)
sections.updates_note(view)
