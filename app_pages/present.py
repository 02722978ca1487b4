"""Present: the current dataset and settings as slides, for a meeting room.

No sidebar and no controls on screen (the shared sidebar still runs, hidden, so the view
is the one the other pages show); one live control on the plan slide.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from ui import controls, downloads, present, slides

present.style()  # first, so the sidebar never shows
view = controls.sidebar(period=False)
keys = slides.available(view)
if not keys:
    st.info("No counted reviews match these filters: nothing to present yet.")
    if st.button("Leave", key="present_leave_empty"):
        present.leave()
    st.stop()

number = present.slide_number(len(keys))
key = keys[number - 1]
live = None
requests = None
if key == "plan":
    default = slides.default_requests(view)
    requests = present.requests_start(default, view.dataset.key)
    live = partial(present.requests_control, default)
lines = None
if key == "headline":
    with st.spinner("Writing the briefing (once per view)..."):
        lines = slides.briefing_lines(view)
shown = slides.slide(key, view, requests_per_month=requests, briefing=lines)
present.render(shown, number, len(keys), live=live)
downloads.deck_button(view, slug="present", requests_per_month=present.requests_per_month)
