"""Check against Trustpilot: the published TrustScore beside both models, and a fit."""

from __future__ import annotations

import streamlit as st

import scoring
from ui import controls
from ui.calibration import comparison, editor, fit

view = controls.sidebar(period=False, dates=False)
st.title("Check against Trustpilot", anchor=False)
st.caption(view.caption())
if scoring.star_counts(view.reviews).sum() == 0:
    st.info("No counted reviews match these filters: widen the filters to compare.")
    st.stop()
comparison.company_hint(view)

parsed = editor.render(view.dataset)
if not parsed.readings:
    st.info("Type the TrustScore shown on the profile in the first row to compare.")
    st.stop()

comparison.render(view, parsed.readings)
fit.render(view, parsed.readings)
