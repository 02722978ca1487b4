"""The goal seek: the requests a month through one channel (the others as set) it takes to
reach the target by the date, and when the volumes set reach it."""

from __future__ import annotations

import streamlit as st

import scoring
from ui import format as fmt
from ui.planner import channel_editor, keys, text
from ui.planner.channels import MAX_REQUESTS_PER_MONTH
from ui.planner.defaults import Defaults
from ui.planner.engine import Engine, Outlook
from ui.planner.plan import PATHS, Plan, requests_a_month

PROBABILITY_GOAL = 0.8
"""The "likely" goal seek: this share of the simulations reach the target."""
ASKED = "plan_likely_asked"
"""Session-state set of the goal seeks (their cache keys) the user asked for: the 80%
search simulates thousands of futures a dozen times over (seconds), so it runs when
asked, and a rerun with inputs it has already answered shows the answer at once."""


def _ask(signature: tuple) -> None:
    st.session_state.setdefault(ASKED, set()).add(signature)


def _likely_card(engine: Engine, plan: Plan, channel: int) -> None:
    """The 80% goal seek: its answer when asked for these inputs, else a button."""
    title = f"Requests a month, {PROBABILITY_GOAL:.0%} chance"
    signature = engine.goal_signature(plan, channel, PROBABILITY_GOAL)
    if signature in st.session_state.get(ASKED, set()):
        with st.spinner(f"Simulating {PATHS:,} futures at several volumes…"):
            goal = engine.goal_seek(plan, channel, PROBABILITY_GOAL)
        _volume_card(goal, title, "plan_use_likely", plan, channel)
        return
    st.markdown(f"**{title}**")
    st.caption(
        f"The fewest requests with which at least {PROBABILITY_GOAL:.0%} of {PATHS:,} "
        "simulated futures reach the target: a search over many simulations, so it runs "
        "when asked (a few seconds)."
    )
    st.button(f"Find the {PROBABILITY_GOAL:.0%} volume", key="plan_find_likely",
              on_click=_ask, args=(signature,), icon=":material/search:")


def _volume_card(goal: scoring.GoalSeek, title: str, button_key: str, plan: Plan,
                 channel: int) -> None:
    """The fewest requests a month through one channel for one goal, in words, with a
    button that plans with them."""
    needed = requests_a_month(goal)
    name = plan.channels[channel].name
    st.metric(title, "Out of reach" if needed is None else f"{needed:,}",
              help="The fewest requests a month through the chosen channel (at its response "
              "rate and star mix, the other channels and organic reviews as set) that reach "
              "the target by the target date"
              + (" in expectation." if goal.probability is None else
                 f" in at least {goal.probability:.0%} of {PATHS:,} simulations."))
    st.caption(fmt.escape_markdown(f"Requests a month through {name}, others as set. ")
               + text.monthly_goal_sentence(goal, needed, plan))
    if needed is not None and needed > 0:
        st.button(
            f"Plan with {needed:,} a month", key=button_key,
            on_click=channel_editor.with_requests, args=(channel, needed),
            disabled=needed > MAX_REQUESTS_PER_MONTH,
            help=f"Set this channel's requests to {needed:,} a month."
            if needed <= MAX_REQUESTS_PER_MONTH
            else f"More than a channel takes ({MAX_REQUESTS_PER_MONTH:,} a month).",
        )


def _solve_for(plan: Plan) -> int:
    """The "Solve for" choice of channel; its index in the plan."""
    names = list(plan.channel_names)
    if st.session_state.get(keys.SOLVE_FOR) not in names:
        st.session_state[keys.SOLVE_FOR] = names[0]
    chosen = st.selectbox(
        "Solve for", names, key=keys.SOLVE_FOR,
        help="The channel whose volume the goal seek finds; the other channels and the "
        "organic reviews stay as set.",
    )
    return names.index(chosen)


def _date_card(engine: Engine, plan: Plan, outlook: Outlook, days: int) -> None:
    """When the expected path at the volume set first reaches the target."""
    threshold, date_text = plan.threshold, text.day_text(plan.target_date)
    reached_on = engine.date_reached(plan, days)
    already = outlook.crossing.already_met and reached_on == outlook.expected.index[0]
    st.metric(
        f"Reaches {plan.target_name} at {plan.requests_per_month:,.0f} a month",
        "Not within 10 years" if reached_on is None
        else "Already there" if already else text.day_text(reached_on),
        help="The first date the expected path is at or above the target, at the volumes set "
        "above (every channel together).",
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
    """The requests a month through the chosen channel needed on average and with 80%
    probability (each with a button that plans with them), and the date the volumes set
    reach the target."""
    st.subheader(f"What it takes to reach {plan.target_name} by "
                 f"{text.day_text(plan.target_date)}", anchor=False)
    cols = st.columns(3)
    if plan.channels:
        with cols[0]:
            channel = _solve_for(plan)
        expected_goal = engine.goal_seek(plan, channel)
        cols = st.columns(3)
        with cols[0].container(border=True):
            _volume_card(expected_goal, "Requests a month, on average", "plan_use_expected",
                         plan, channel)
        with cols[1].container(border=True):
            _likely_card(engine, plan, channel)
    else:
        cols[0].info("Add a request channel above to find the volume it takes.")
    with cols[2].container(border=True):
        _date_card(engine, plan, outlook, plan.simulated_days(defaults.as_of))
