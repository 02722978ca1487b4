"""The planner's input widgets: request channels, organic reviews, target and horizon.

Every widget has a key from :mod:`ui.planner.keys`, keeps its value across page
switches and is bound to the URL (plain numbers, dates and names; nothing from the
URL is evaluated); the channels are one more parameter
(:mod:`ui.planner.channel_editor`), so the address bar is the share link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from scoring.periods import DAYS_PER_MONTH
from ui import format as fmt
from ui.planner import channel_editor, flash, keys
from ui.planner.defaults import (
    DEFAULT_HORIZON_MONTHS,
    DEFAULT_RESPONSE_RATE_PCT,
    DEFAULT_TARGET_STARS,
    GROUPING_NAMES,
    MAX_HORIZON_MONTHS,
    Defaults,
)
from ui.planner.engine import Engine
from ui.planner.plan import STAR_TARGETS, TARGET_KINDS, TARGET_LABELS, Plan
from ui.planner.text import day_text


def current_plan(defaults: Defaults) -> Plan:
    """The plan the inputs hold right now (in a callback: including the latest change)."""
    state = defaults.state()
    state.update({key: st.session_state[key] for key in state if key in st.session_state})
    return Plan.from_state(state)


def _reset(defaults: Defaults) -> None:
    channel_editor.apply_state(defaults.state())
    flash.leave("info", "Inputs set back to the last 90 days of the data.")


def _mix_inputs(mix_keys: Sequence[str], defaults: Sequence[int], what: str) -> tuple[int, ...]:
    """Five whole percentages, 1★ to 5★, side by side."""
    st.caption(f"Star mix of {what}, % (should add up to 100)")
    cols = st.columns(5, gap="xsmall")
    values = []
    for star, (col, key, value) in enumerate(zip(cols, mix_keys, defaults, strict=True),
                                             start=1):
        values.append(
            col.number_input(
                f"{star}★", min_value=0, max_value=100, value=int(value), step=1, key=key,
                **keys.BIND,
            )
        )
    return tuple(int(v) for v in values)


def _target_inputs(defaults: Defaults) -> tuple[str, str, float, float, dt.date, int]:
    """The target (kind and value), its date and the horizon; a button back to the
    defaults."""
    kind = st.segmented_control(
        "Target as", options=list(TARGET_KINDS), format_func=TARGET_KINDS.get,
        default=defaults.target_kind, required=True, key=keys.TARGET_KIND, **keys.BIND,
    ) or defaults.target_kind
    label, stars, score = defaults.target_label, DEFAULT_TARGET_STARS, defaults.target_score
    if kind == "label":
        label = st.selectbox("Target label", TARGET_LABELS, key=keys.TARGET_LABEL, **keys.BIND,
                             index=TARGET_LABELS.index(defaults.target_label),
                             help="The displayed score must reach the label's lower bound.")
    elif kind == "stars":
        stars = st.select_slider("Target stars", STAR_TARGETS, value=DEFAULT_TARGET_STARS,
                                 key=keys.TARGET_STARS, format_func=lambda x: f"{x:g}★",
                                 **keys.BIND)
    else:
        score = st.number_input("Target score", min_value=1.0, max_value=5.0,
                                value=defaults.target_score, step=0.05, format="%.2f",
                                key=keys.TARGET_SCORE, **keys.BIND,
                                help="A raw TrustScore; it shows rounded to one decimal.")
    chosen = st.session_state.get(keys.TARGET_DATE)
    if isinstance(chosen, dt.date) and chosen != defaults.clamp_date(chosen):
        # Another dataset or date window moved the start: keep the date in range.
        st.session_state[keys.TARGET_DATE] = defaults.clamp_date(chosen)
    date = st.date_input(
        "Target date", value=defaults.target_date, min_value=defaults.first_date,
        max_value=defaults.last_date, format="YYYY-MM-DD", key=keys.TARGET_DATE, **keys.BIND,
    )
    horizon = st.slider(
        "Horizon", min_value=1, max_value=MAX_HORIZON_MONTHS,
        value=DEFAULT_HORIZON_MONTHS, step=1, format="%d months", key=keys.HORIZON,
        **keys.BIND, help="How far ahead the chart and the expected score look.",
    )
    st.button(
        "Reset to the last 90 days", key="plan_reset", on_click=_reset, args=(defaults,),
        icon=":material/restart_alt:", width="stretch",
        help="Set every planner input back to what the last 90 days of the data say.",
    )
    if not isinstance(date, dt.date):
        date = defaults.target_date
    return kind, str(label), float(stars), float(score), date, int(horizon)


CHANNEL_RULE = (
    "Channels come from a column of the data (collection method, location or tag; a "
    "review with several tags counts under its first) with 2 to 12 values, each bringing "
    "at least 1% of the invited reviews and none a web address (a scraped page's address "
    "says where a review was read, not how it was asked for); "
    "otherwise one invited channel keeps the pace."
)


def _defaults_caption(defaults: Defaults) -> str:
    """Where the defaults come from, in words."""
    rates = defaults.rates
    if not rates.has_invited_column:
        invited = ("no invited reviews (the data does not say which reviews were invited, so "
                   "all count as organic and requests default to 0)")
    elif defaults.history is not None:
        invited = (f"{rates.invited_per_day * DAYS_PER_MONTH:,.0f} invited reviews a month "
                   f"(average {rates.invited_mean_stars:.2f}★) through "
                   f"{len(defaults.channels)} channels by "
                   f"{GROUPING_NAMES[defaults.grouping].lower()}")
    else:
        invited = (f"{rates.invited_per_day * DAYS_PER_MONTH:,.0f} invited reviews a month "
                   f"(average {rates.invited_mean_stars:.2f}★)")
    return (
        f"Defaults: the 90 days to {day_text(defaults.as_of)} brought {invited} and "
        f"{rates.organic_per_day * DAYS_PER_MONTH:,.0f} organic ones "
        f"(average {rates.organic_mean_stars:.2f}★). The data holds reviews, not requests: "
        f"the default volumes assume a {DEFAULT_RESPONSE_RATE_PCT}% response rate. "
        f"{CHANNEL_RULE} Half-life and prior come from the sidebar."
    )


def render(engine: Engine) -> tuple[Plan, Defaults]:
    """Draw the planner's inputs (the channels card, then organic reviews and the target
    side by side), what they start from and what had to be done to them; return the
    :class:`Plan` they hold and the defaults they start from."""
    with st.container(border=True):
        st.markdown("**Review requests, by channel**")
        grouping = channel_editor.grouping(engine)
        defaults = engine.defaults(grouping)
        channels = channel_editor.render(defaults)
    organic_col, target_col = st.columns(2, gap="medium")
    with organic_col.container(border=True):
        st.markdown("**Organic reviews**")
        organic = st.number_input(
            "Organic reviews per month", min_value=0, max_value=defaults.organic_max,
            value=defaults.organic_per_month, step=1, key=keys.ORGANIC, **keys.BIND,
            help="Reviews written without an invitation.",
        )
        organic_mix = _mix_inputs(keys.ORGANIC_MIX, defaults.organic_pct, "organic reviews")
    with target_col.container(border=True):
        st.markdown("**Target and horizon**")
        kind, label, stars, score, date, horizon = _target_inputs(defaults)
    plan = Plan(
        horizon_months=horizon,
        channels=channels,
        organic_per_month=float(organic),
        organic_pct=organic_mix,
        target_kind=kind,
        target_label=label,
        target_stars=stars,
        target_score=score,
        target_date=date,
    )
    for message in plan.mix_messages:
        st.warning(fmt.escape_markdown(message), icon=":material/balance:")
    st.caption(_defaults_caption(defaults))
    flash.show("inputs")
    return plan, defaults
