"""Planner: where will the score be with this many review requests, how sure are we, and
what does it take to reach a target by a date?"""

from __future__ import annotations

import streamlit as st

from ui import controls, views
from ui.planner import backtest, goal, outlook, scenarios, sensitivity, widgets
from ui.planner.engine import Engine

view = controls.sidebar(period=False)
st.title("Projection planner", anchor=False)
st.markdown("If we send this many review requests, where will the score be, how sure are we, "
            "and what does it take to reach the target by the date?")
st.caption(
    f"{view.caption()} · "
    + ("projections are of the score as Trustpilot shows it" if view.model.is_trustpilot
       else "projections are of the live score (decayed-prior model)")
)
if views.star_counts(view).sum() == 0:
    st.info("No counted reviews match these filters: widen the filters or the dates.")
    st.stop()

engine = Engine.of(view)
plan, defaults = widgets.render(engine)
projected = outlook.render(engine, plan, defaults)
goal.render(engine, plan, defaults, projected)
sensitivity.render(engine, plan)
scenarios.render(engine, plan, defaults, projected)
backtest.render(engine)
