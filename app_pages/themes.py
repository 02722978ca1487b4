"""Themes: what customers write about, in low and high reviews, over time and lately."""

from __future__ import annotations

import streamlit as st

from ui import controls
from ui.themes import sections
from ui.themes import text as words

view = controls.sidebar()
st.title("Themes", anchor=False)
st.caption(view.caption())
if not sections.has_text(view):
    st.info(words.NO_TEXT)
    st.stop()
if view.reviews.empty:
    st.info(words.NO_REVIEWS)
    st.stop()

excluded = sections.exclusions(view)
terms = sections.term_matrix(view, excluded)
if terms is None:
    st.stop()
shown = sections.Shown()
sections.low_vs_high(view, terms, excluded, shown)
sections.themes(view, terms, excluded, shown)
sections.rising(view, terms, excluded, shown)
sections.term_reviews(view, terms, shown)
sections.snapshot(view, shown)
