"""Check against Trustpilot: the published TrustScore beside both models, and a fit."""

from __future__ import annotations

import streamlit as st

import scoring
from ui import calibration, controls
from ui import format as fmt

view = controls.sidebar(period=False, dates=False)
st.title("Check against Trustpilot", anchor=False)
st.caption(view.caption())
if scoring.star_counts(view.reviews).sum() == 0:
    st.info("No counted reviews match these filters: widen the filters to compare.")
    st.stop()
calibration.company_hint(view)

left, right = st.columns([3, 2], gap="medium")
with right:
    calibration.instructions()
with left:
    parsed = calibration.readings_editor(view.dataset)
    for problem in parsed.problems:
        st.error(fmt.escape_markdown(problem), icon=":material/error:")
    calibration.save_row(view.dataset, parsed)
if not parsed.readings:
    st.info("Type the TrustScore shown on the profile in the first row to compare.")
    st.stop()

table = calibration.compare(view, parsed.readings)
calibration.latest_metrics(table)
st.markdown(calibration.text.summary_sentence(table))
calibration.incompleteness_note(view, parsed.readings)
calibration.draw_chart(view, table)
calibration.draw_table(table)
calibration.fit_section(view, parsed.readings)
