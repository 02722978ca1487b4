"""How much the half-life matters: the plan's end under half-lives of 1 to 12 months."""

from __future__ import annotations

import streamlit as st

from ui.planner import charts
from ui.planner.engine import Engine
from ui.planner.outlook import CHART_CONFIG
from ui.planner.plan import Plan


def render(engine: Engine, plan: Plan) -> None:
    """The score now and at the horizon for each half-life (a chart), and the range the
    plan ends in (words)."""
    st.subheader("How much the half-life matters", anchor=False)
    table = engine.sensitivity(plan)
    chart_col, text_col = st.columns([2, 1], gap="medium")
    chart_col.plotly_chart(
        charts.sensitivity_figure(table, current_half_life_days=engine.model.half_life_days,
                                  threshold=plan.threshold, target_text=plan.target_legend),
        width="stretch", theme=None, config=CHART_CONFIG,
    )
    low, high = table["projected_score"].min(), table["projected_score"].max()
    text_col.markdown(
        "Trustpilot says only that reviews count less as they age (about six months). "
        f"With half-lives from 1 to 12 months, this plan ends the horizon between "
        f"**{low:.2f}** and **{high:.2f}**."
    )
    text_col.caption("Shorter half-lives react faster: the score moves sooner towards the new "
                     "reviews' average. The prior stays as set in the sidebar.")
