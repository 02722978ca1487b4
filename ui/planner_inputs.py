"""The projection planner's input widgets, scenario I/O and cached engine calls.

Transitional: the pure state (keys, defaults, plan, mixes, scenario checks) now lives
in :mod:`ui.planner`; its names are re-exported here until the page reads them there.

- :func:`plan_inputs` draws the planner's widgets and returns a :class:`Plan`.
- ``cached_*``: the engine calls behind the page, cached on the dataset's content
  hash, the view (model, dates, filters) and the plain inputs; review tables go in
  as underscore arguments, never hashed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

import scoring
from scoring import periods
from scoring.projection import CrossingTimes, GoalSeek, ProjectionInputs
from ui import cache
from ui.planner.defaults import (
    DEFAULT_HORIZON_MONTHS as DEFAULT_HORIZON_MONTHS,
)
from ui.planner.defaults import (
    DEFAULT_RESPONSE_RATE_PCT as DEFAULT_RESPONSE_RATE_PCT,
)
from ui.planner.defaults import MAX_HORIZON_MONTHS as MAX_HORIZON_MONTHS
from ui.planner.defaults import Defaults as Defaults
from ui.planner.keys import BIND as BOUND
from ui.planner.keys import COMPARE as COMPARE
from ui.planner.keys import FLASH as FLASH
from ui.planner.keys import HORIZON as HORIZON
from ui.planner.keys import INVITED_MIX as INVITED_MIX
from ui.planner.keys import ORGANIC as ORGANIC
from ui.planner.keys import ORGANIC_MIX as ORGANIC_MIX
from ui.planner.keys import REQUESTS as REQUESTS
from ui.planner.keys import RESPONSE as RESPONSE
from ui.planner.keys import SCENARIO_NAME as SCENARIO_NAME
from ui.planner.keys import SCENARIO_PICK as SCENARIO_PICK
from ui.planner.keys import TARGET_DATE as TARGET_DATE
from ui.planner.keys import TARGET_KIND as TARGET_KIND
from ui.planner.keys import TARGET_LABEL as TARGET_LABEL
from ui.planner.keys import TARGET_SCORE as TARGET_SCORE
from ui.planner.keys import TARGET_STARS as TARGET_STARS
from ui.planner.mix import normalise_mix as normalise_mix
from ui.planner.mix import percent_mix as percent_mix
from ui.planner.plan import PATHS as PATHS
from ui.planner.plan import STAR_TARGETS, TARGET_KINDS, TARGET_LABELS
from ui.planner.plan import Plan as Plan
from ui.planner.scenario import scenario_state as scenario_state
from ui.planner.text import day_text as day_text
from ui.settings import ModelSettings

DAYS_PER_MONTH = periods.DAYS_PER_MONTH
PROBABILITY_GOAL = 0.8
MAX_COMPARED = 6
HISTORY_DAYS = 365
DATE_SEARCH_DAYS = 3650
"""How far ahead "date reached" looks (ten years)."""


def _mix_inputs(keys: Sequence[str], defaults: Sequence[int], what: str) -> tuple[int, ...]:
    st.caption(f"Star mix of {what}, % (should add up to 100)")
    cols = st.columns(5, gap="xsmall")
    values = []
    for star, (col, key, value) in enumerate(zip(cols, keys, defaults, strict=True), start=1):
        values.append(
            col.number_input(
                f"{star}★", min_value=0, max_value=100, value=int(value), step=1, key=key,
                **BOUND,
            )
        )
    return tuple(int(v) for v in values)


def plan_inputs(defaults: Defaults, on_reset: Callable[[], None]) -> Plan:
    """Draw the planner's inputs (three bordered columns) and return the :class:`Plan`."""
    invited_col, organic_col, target_col = st.columns([1.15, 1, 1], gap="medium")
    with invited_col.container(border=True):
        st.markdown("**Invited reviews**")
        requests = st.slider(
            "Review requests per month", min_value=0, max_value=defaults.requests_max,
            value=defaults.requests_per_month, step=defaults.requests_step, format="%,d",
            key=REQUESTS, **BOUND,
            help="Invitations sent a month. The default keeps invited reviews at the last "
            f"90 days' pace at a {DEFAULT_RESPONSE_RATE_PCT}% response rate.",
        )
        response = st.slider(
            "Response rate", min_value=1, max_value=100, value=defaults.response_pct,
            step=1, format="%d%%", key=RESPONSE, **BOUND,
            help="Share of requests that turn into a review.",
        )
        invited = _mix_inputs(INVITED_MIX, defaults.invited_pct, "invited reviews")
    with organic_col.container(border=True):
        st.markdown("**Organic reviews**")
        organic = st.number_input(
            "Organic reviews per month", min_value=0, max_value=defaults.organic_max,
            value=defaults.organic_per_month, step=1, key=ORGANIC, **BOUND,
            help="Reviews written without an invitation.",
        )
        organic_mix = _mix_inputs(ORGANIC_MIX, defaults.organic_pct, "organic reviews")
    with target_col.container(border=True):
        st.markdown("**Target and horizon**")
        kind = st.segmented_control(
            "Target as", options=list(TARGET_KINDS), format_func=TARGET_KINDS.get,
            default=defaults.target_kind, required=True, key=TARGET_KIND, **BOUND,
        ) or defaults.target_kind
        label, stars, score = defaults.target_label, 4.5, defaults.target_score
        if kind == "label":
            label = st.selectbox("Target label", TARGET_LABELS, key=TARGET_LABEL, **BOUND,
                                 index=TARGET_LABELS.index(defaults.target_label),
                                 help="The displayed score must reach the label's lower bound.")
        elif kind == "stars":
            stars = st.select_slider("Target stars", STAR_TARGETS, value=4.5, key=TARGET_STARS,
                                     format_func=lambda x: f"{x:g}★", **BOUND)
        else:
            score = st.number_input("Target score", min_value=1.0, max_value=5.0,
                                    value=defaults.target_score, step=0.05, format="%.2f",
                                    key=TARGET_SCORE, **BOUND,
                                    help="A raw TrustScore; it shows rounded to one decimal.")
        chosen = st.session_state.get(TARGET_DATE)
        if isinstance(chosen, dt.date) and not defaults.first_date <= chosen <= defaults.last_date:
            # Another dataset or date window moved the start: keep the date in range.
            st.session_state[TARGET_DATE] = min(max(chosen, defaults.first_date),
                                                defaults.last_date)
        date = st.date_input(
            "Target date", value=defaults.target_date, min_value=defaults.first_date,
            max_value=defaults.last_date, format="YYYY-MM-DD", key=TARGET_DATE, **BOUND,
        )
        horizon = st.slider(
            "Horizon", min_value=1, max_value=MAX_HORIZON_MONTHS,
            value=DEFAULT_HORIZON_MONTHS, step=1, format="%d months", key=HORIZON, **BOUND,
            help="How far ahead the chart and the expected score look.",
        )
        st.button(
            "Reset to the last 90 days", key="plan_reset", on_click=on_reset,
            icon=":material/restart_alt:", width="stretch",
            help="Set every planner input back to what the last 90 days of the data say.",
        )
    if not isinstance(date, dt.date):
        date = defaults.target_date
    return Plan(
        horizon_months=int(horizon),
        requests_per_month=float(requests),
        response_pct=float(response),
        invited_pct=invited,
        organic_per_month=float(organic),
        organic_pct=organic_mix,
        target_kind=kind,
        target_label=str(label),
        target_stars=float(stars),
        target_score=float(score),
        target_date=date,
    )


# --------------------------------------------------------------------------- scenarios


def current_plan(defaults: Defaults) -> Plan:
    """The plan the inputs hold right now (in a callback: including the latest change)."""
    state = defaults.state()
    state.update({key: st.session_state[key] for key in state if key in st.session_state})
    return Plan.from_state(state)


def share_link() -> str | None:
    """This page's address with every bound input (None outside a browser)."""
    base = st.context.url
    if not base:
        return None
    pairs = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    return f"{base}?{urlencode(pairs)}" if pairs else base


# --------------------------------------------------------------------------- cached calls


@dataclass(frozen=True)
class Outlook:
    """What the page shows of one Monte Carlo projection (small enough to cache)."""

    as_of: pd.Timestamp
    start_score: float
    long_run_score: float
    expected: pd.Series
    bands: pd.DataFrame
    probability: float
    crossing: CrossingTimes


@cache.by_key(max_entries=32)
def cached_outlook(
    reviews: pd.DataFrame, as_of: pd.Timestamp | None, inputs: ProjectionInputs,
    target: float | str, target_kind: str, target_date: dt.date,
) -> Outlook:
    """Project with ``inputs`` and read off the target; the key identifies the reviews
    (the dataset's content hash and the view: dates, filters)."""
    projection = scoring.project(reviews, inputs, as_of=as_of)
    probability = projection.probability_at_or_above(
        target, pd.Timestamp(target_date, tz="UTC"), kind=target_kind,  # type: ignore[arg-type]
    )
    return Outlook(
        as_of=projection.as_of,
        start_score=projection.start_score,
        long_run_score=projection.long_run_score,
        expected=projection.expected["score"],
        bands=projection.bands,
        probability=probability,
        crossing=projection.first_crossing(target, kind=target_kind),  # type: ignore[arg-type]
    )


@cache.by_key(max_entries=32)
def cached_goal_seek(
    reviews: pd.DataFrame, as_of: pd.Timestamp | None, inputs: ProjectionInputs,
    target: float | str, target_kind: str, by: dt.date, probability: float | None,
) -> GoalSeek:
    """``scoring.requests_needed`` (in expectation, or with ``probability``)."""
    return scoring.requests_needed(
        reviews, inputs, target=target, target_kind=target_kind,  # type: ignore[arg-type]
        by=pd.Timestamp(by, tz="UTC"), probability=probability, as_of=as_of,
    )


@cache.by_key(max_entries=32)
def cached_context(
    reviews: pd.DataFrame, as_of: pd.Timestamp | None, horizon_days: int, model: ModelSettings,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The score over the last year, the status-quo path and the stop-collecting path."""
    end = as_of if as_of is not None else scoring.recent_rates(reviews).as_of
    history = scoring.score_series(
        reviews, freq="D", start=end - pd.Timedelta(days=HISTORY_DAYS), end=end,
        clock="live", **model.score_kwargs(),
    )["score"]
    baseline = scoring.status_quo(reviews, horizon_days=horizon_days, as_of=as_of,
                                  params=model.params)
    stop = scoring.stop_collecting(reviews, horizon_days=horizon_days, as_of=as_of,
                                   params=model.params)
    return history, baseline["score"], stop["score"]


@cache.by_key(max_entries=32)
def cached_sensitivity(
    reviews: pd.DataFrame, as_of: pd.Timestamp | None, inputs: ProjectionInputs,
) -> pd.DataFrame:
    """``scoring.half_life_sensitivity`` for half-lives of 1 to 12 months."""
    return scoring.half_life_sensitivity(reviews, inputs, as_of=as_of)
