"""The goal seek: the requests a month it takes to reach the target by the date, and when
the volume set reaches it."""

from __future__ import annotations

import streamlit as st

import scoring
from ui.planner import keys, text
from ui.planner.defaults import Defaults
from ui.planner.engine import Engine, Outlook
from ui.planner.plan import PATHS, Plan, requests_a_month

PROBABILITY_GOAL = 0.8
"""The "likely" goal seek: this share of the simulations reach the target."""


def _use_volume(per_month: int) -> None:
    st.session_state[keys.REQUESTS] = per_month


def _volume_card(goal: scoring.GoalSeek, title: str, button_key: str, plan: Plan,
                 defaults: Defaults) -> None:
    """The fewest requests a month for one goal, in words, with a button that plans with
    them."""
    needed = requests_a_month(goal)
    st.metric(title, "Out of reach" if needed is None else f"{needed:,}",
              help="The fewest requests a month (at the response rate and star mix set "
              "above) that reach the target by the target date"
              + (" in expectation." if goal.probability is None else
                 f" in at least {goal.probability:.0%} of {PATHS:,} simulations."))
    st.caption(text.monthly_goal_sentence(goal, needed, plan))
    if needed is not None and needed > 0:
        rounded = defaults.on_slider(needed)
        st.button(
            f"Plan with {rounded:,} a month", key=button_key, on_click=_use_volume,
            args=(rounded,), disabled=rounded > defaults.requests_max,
            help=f"Set the requests slider to {rounded:,} (its steps are "
            f"{defaults.requests_step:,})." if rounded <= defaults.requests_max else
            f"Beyond the slider's range (up to {defaults.requests_max:,} a month).",
        )


def _date_card(engine: Engine, plan: Plan, outlook: Outlook, days: int) -> None:
    """When the expected path at the volume set first reaches the target."""
    threshold, date_text = plan.threshold, text.day_text(plan.target_date)
    reached_on = engine.date_reached(plan, days)
    already = outlook.crossing.already_met and reached_on == outlook.expected.index[0]
    st.metric(
        f"Reaches {plan.target_name} at {plan.requests_per_month:,.0f} a month",
        "Not within 10 years" if reached_on is None
        else "Already there" if already else text.day_text(reached_on),
        help="The first date the expected path is at or above the target, at the volume set "
        "above.",
    )
    if reached_on is None:
        st.caption(
            f"At this volume the score settles at {outlook.long_run_score:.2f}, "
            f"{'below' if outlook.long_run_score < threshold else 'around'} the target of "
            f"{threshold:.2f}."
        )
    else:
        on_time = reached_on <= plan.target_timestamp
        st.caption(
            f"{'In time' if on_time else 'Too late'} for {date_text}: the expected score "
            f"reaches {threshold:.2f} "
            f"{'on' if on_time else 'only on'} {text.day_text(reached_on)}."
        )


def render(engine: Engine, plan: Plan, defaults: Defaults, outlook: Outlook) -> None:
    """The requests a month needed on average and with 80% probability (each with a
    button that plans with them), and the date the volume set reaches the target."""
    st.subheader(f"What it takes to reach {plan.target_name} by "
                 f"{text.day_text(plan.target_date)}", anchor=False)
    with st.spinner("Searching for the smallest volume…"):
        expected_goal = engine.goal_seek(plan)
        likely_goal = engine.goal_seek(plan, PROBABILITY_GOAL)
    cols = st.columns(3)
    for col, goal, title, button_key in (
        (cols[0], expected_goal, "Requests a month, on average", "plan_use_expected"),
        (cols[1], likely_goal, f"Requests a month, {PROBABILITY_GOAL:.0%} chance",
         "plan_use_likely"),
    ):
        with col.container(border=True):
            _volume_card(goal, title, button_key, plan, defaults)
    with cols[2].container(border=True):
        _date_card(engine, plan, outlook, plan.simulated_days(defaults.as_of))
