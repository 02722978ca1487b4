"""The projection planner's inputs, scenarios and cached engine calls.

- :class:`Defaults`: what the inputs start from, read off the last 90 days of the
  data (``scoring.recent_rates``), and the session-state values that "Reset" writes.
- :func:`plan_inputs` draws the planner's widgets and returns a :class:`Plan`.
  Every widget has a key, keeps its value across page switches and is bound to the
  URL (plain numbers, dates and names; nothing from the URL is evaluated), so the
  address bar is the share link.
- :func:`scenario_state`: the widget values of a saved scenario, checked and clamped.
- ``cached_*``: the engine calls behind the page, cached on the dataset's content
  hash, the view (model, dates, filters) and the plain inputs; review tables go in
  as underscore arguments, never hashed.

Requests and reviews are entered per month and converted with
``scoring.periods.DAYS_PER_MONTH`` (the engine works per day).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

import scoring
from scoring import periods
from scoring.projection import CrossingTimes, GoalSeek, ProjectionInputs, RecentRates
from ui import cache
from ui.settings import ModelSettings

DAYS_PER_MONTH = periods.DAYS_PER_MONTH
PATHS = 2000
SEED = 20240601
"""Fixed, so the same inputs always give the same bands and probabilities."""
PROBABILITY_GOAL = 0.8
MAX_HORIZON_MONTHS = 24
DEFAULT_HORIZON_MONTHS = 12
DEFAULT_RESPONSE_RATE_PCT = 20
DEFAULT_TARGET_MONTHS = 9
MAX_COMPARED = 6
HISTORY_DAYS = 365
DATE_SEARCH_DAYS = 3650
"""How far ahead "date reached" looks (ten years)."""

TARGET_KINDS = {"label": "Label", "stars": "Stars", "score": "Score"}
TARGET_LABELS = ("Excellent", "Great", "Average", "Poor")
STAR_TARGETS = tuple(x / 2 for x in range(2, 11))

# Session-state keys (also the query-parameter names).
HORIZON = "plan_horizon"
REQUESTS = "plan_requests"
RESPONSE = "plan_response"
INVITED_MIX = tuple(f"plan_inv_{k}" for k in range(1, 6))
ORGANIC = "plan_organic"
ORGANIC_MIX = tuple(f"plan_org_{k}" for k in range(1, 6))
TARGET_KIND = "plan_target_kind"
TARGET_LABEL = "plan_target_label"
TARGET_STARS = "plan_target_stars"
TARGET_SCORE = "plan_target_score"
TARGET_DATE = "plan_target_date"
SCENARIO_NAME = "plan_scenario_name"
SCENARIO_PICK = "plan_scenario"
COMPARE = "plan_compare"
FLASH = "plan_flash"

STEP_LADDER = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000)
BOUND = {"bind": "query-params", "persist_state": "session"}


# --------------------------------------------------------------------------- defaults


def day_text(day: dt.date | pd.Timestamp) -> str:
    """A date as a manager reads it: "30 Apr 2027"."""
    return f"{day.day} {day:%b %Y}"


def percent_mix(mix: Sequence[float]) -> tuple[int, int, int, int, int]:
    """Shares as whole percentages that add up to exactly 100 (largest remainder)."""
    raw = [max(0.0, float(x)) * 100.0 for x in mix]
    total = sum(raw)
    if total <= 0:
        return (20, 20, 20, 20, 20)
    raw = [x * 100.0 / total for x in raw]
    floors = [math.floor(x) for x in raw]
    order = sorted(range(5), key=lambda k: raw[k] - floors[k], reverse=True)
    for k in order[: 100 - sum(floors)]:
        floors[k] += 1
    return (floors[0], floors[1], floors[2], floors[3], floors[4])


def nice_ceiling(x: float) -> int:
    """The smallest of 1, 2, 2.5, 5 x 10**k that is at least ``x`` (at least 10)."""
    x = max(float(x), 10.0)
    power = 10 ** math.floor(math.log10(x))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= x - 1e-9:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover


@dataclass(frozen=True)
class Defaults:
    """The planner's starting point: the last 90 days of the data continue.

    The data holds invited *reviews*, not requests: requests default to the number
    that, at the default response rate, keeps invited reviews at their recent pace.
    """

    rates: RecentRates
    as_of: pd.Timestamp
    requests_per_month: int
    requests_max: int
    requests_step: int
    response_pct: int
    invited_pct: tuple[int, int, int, int, int]
    organic_per_month: int
    organic_pct: tuple[int, int, int, int, int]
    target_date: dt.date
    target_kind: str = "label"
    target_label: str = "Excellent"
    target_score: float = 4.3

    @classmethod
    def from_rates(cls, rates: RecentRates, current_score: float) -> Defaults:
        """Defaults from the last 90 days; the target is the next label above
        ``current_score``, or (already Excellent) the next tenth above it."""
        as_of = rates.as_of if rates.as_of is not None else pd.Timestamp.now(tz="UTC")
        invited_month = rates.invited_per_day * DAYS_PER_MONTH
        requests = invited_month / (DEFAULT_RESPONSE_RATE_PCT / 100)
        top = nice_ceiling(max(4 * requests, 1000))
        step = next((s for s in STEP_LADDER if top / s <= 400), STEP_LADDER[-1])
        target = (as_of + pd.DateOffset(months=DEFAULT_TARGET_MONTHS)).date()
        now = scoring.label(current_score)
        ladder = (*TARGET_LABELS, "Bad")
        above = ladder[ladder.index(now) - 1] if now != "Excellent" else None
        next_tenth = min(5.0, math.ceil(round((current_score + 0.05) * 10, 9)) / 10)
        return cls(
            rates=rates,
            as_of=as_of,
            requests_per_month=int(min(top, round(requests / step) * step)),
            requests_max=top,
            requests_step=step,
            response_pct=DEFAULT_RESPONSE_RATE_PCT,
            invited_pct=percent_mix(rates.invited_mix),
            organic_per_month=round(rates.organic_per_day * DAYS_PER_MONTH),
            organic_pct=percent_mix(rates.organic_mix),
            target_date=target,
            target_kind="label" if above else "score",
            target_label=above or "Excellent",
            target_score=4.3 if above else next_tenth,
        )

    @property
    def first_date(self) -> dt.date:
        return (self.as_of.floor("D") + pd.Timedelta(days=1)).date()

    @property
    def last_date(self) -> dt.date:
        return (self.as_of + pd.DateOffset(months=MAX_HORIZON_MONTHS)).date()

    @property
    def organic_max(self) -> int:
        return nice_ceiling(max(10 * self.organic_per_month, 100))

    def state(self) -> dict[str, Any]:
        """Session-state values for every planner input (what "Reset" writes)."""
        values: dict[str, Any] = {
            HORIZON: DEFAULT_HORIZON_MONTHS,
            REQUESTS: self.requests_per_month,
            RESPONSE: self.response_pct,
            ORGANIC: self.organic_per_month,
            TARGET_KIND: self.target_kind,
            TARGET_LABEL: self.target_label,
            TARGET_STARS: 4.5,
            TARGET_SCORE: self.target_score,
            TARGET_DATE: self.target_date,
        }
        values.update(zip(INVITED_MIX, self.invited_pct, strict=True))
        values.update(zip(ORGANIC_MIX, self.organic_pct, strict=True))
        return values


# --------------------------------------------------------------------------- the plan


def normalise_mix(percentages: Sequence[float], what: str) -> tuple[tuple[float, ...], str]:
    """Five percentages as shares that sum to 1, and a message when they had to be
    rescaled ("" when they already sum to 100). All zero: an even mix, said so."""
    total = float(sum(percentages))
    if total <= 0:
        return (0.2,) * 5, f"The {what} is all zero: an even mix (20% each) is used instead."
    shares = tuple(float(p) / total for p in percentages)
    if abs(total - 100.0) < 1e-9:
        return shares, ""
    scaled = ", ".join(f"{k}★ {100 * s:.1f}%" for k, s in enumerate(shares, start=1))
    return shares, (
        f"The {what} adds up to {total:g}%, not 100%: it has been scaled to 100% "
        f"({scaled})."
    )


@dataclass(frozen=True)
class Plan:
    """The planner's inputs as the user set them (per month, percentages)."""

    horizon_months: int
    requests_per_month: float
    response_pct: float
    invited_pct: tuple[float, ...]
    organic_per_month: float
    organic_pct: tuple[float, ...]
    target_kind: str
    target_label: str
    target_stars: float
    target_score: float
    target_date: dt.date

    @property
    def horizon_days(self) -> int:
        return round(self.horizon_months * DAYS_PER_MONTH)

    @property
    def requests_per_day(self) -> float:
        return self.requests_per_month / DAYS_PER_MONTH

    @property
    def response_rate(self) -> float:
        return self.response_pct / 100.0

    @property
    def organic_per_day(self) -> float:
        return self.organic_per_month / DAYS_PER_MONTH

    @property
    def invited_mix(self) -> tuple[float, ...]:
        return normalise_mix(self.invited_pct, "invited star mix")[0]

    @property
    def organic_mix(self) -> tuple[float, ...]:
        return normalise_mix(self.organic_pct, "organic star mix")[0]

    @property
    def mix_messages(self) -> list[str]:
        messages = [
            normalise_mix(self.invited_pct, "invited star mix")[1],
            normalise_mix(self.organic_pct, "organic star mix")[1],
        ]
        return [m for m in messages if m]

    @property
    def target(self) -> float | str:
        """The target as ``scoring.target_threshold`` reads it with :attr:`target_kind`."""
        if self.target_kind == "label":
            return self.target_label
        if self.target_kind == "stars":
            return self.target_stars
        return self.target_score

    @property
    def threshold(self) -> float:
        return scoring.target_threshold(self.target, kind=self.target_kind)  # type: ignore[arg-type]

    @property
    def target_name(self) -> str:
        """'Excellent', '4.5 stars' or 'a score of 4.30'."""
        if self.target_kind == "label":
            return self.target_label
        if self.target_kind == "stars":
            return f"{self.target_stars:g} stars"
        return f"a score of {self.target_score:.2f}"

    @property
    def target_description(self) -> str:
        """The target in words, with the raw score it takes."""
        if self.target_kind == "score":
            return f"a score of at least {self.threshold:.2f}"
        if self.target_kind == "label":
            return (f"{self.target_name} (a score of at least {self.threshold:.2f}, "
                    f"which shows as {self.threshold + 0.05:.1f})")
        return f"{self.target_name} (a score of at least {self.threshold:.2f})"

    @property
    def target_timestamp(self) -> pd.Timestamp:
        return pd.Timestamp(self.target_date, tz="UTC")

    def inputs(self, model: ModelSettings, horizon_days: int | None = None) -> ProjectionInputs:
        """The engine's inputs (per day, shares) under the model settings."""
        return ProjectionInputs(
            horizon_days=horizon_days or self.horizon_days,
            requests_per_day=self.requests_per_day,
            response_rate=self.response_rate,
            invited_mix=self.invited_mix,  # type: ignore[arg-type]
            organic_per_day=self.organic_per_day,
            organic_mix=self.organic_mix,  # type: ignore[arg-type]
            params=model.params,
            paths=PATHS,
            seed=SEED,
        )

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Plan:
        """A plan from session-state values (as :meth:`Defaults.state` lays them out)."""
        date = state[TARGET_DATE]
        return cls(
            horizon_months=int(state[HORIZON]),
            requests_per_month=float(state[REQUESTS]),
            response_pct=float(state[RESPONSE]),
            invited_pct=tuple(float(state[key]) for key in INVITED_MIX),
            organic_per_month=float(state[ORGANIC]),
            organic_pct=tuple(float(state[key]) for key in ORGANIC_MIX),
            target_kind=str(state[TARGET_KIND]),
            target_label=str(state[TARGET_LABEL]),
            target_stars=float(state[TARGET_STARS]),
            target_score=float(state[TARGET_SCORE]),
            target_date=date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date)),
        )

    def params(self) -> dict[str, Any]:
        """The plan as plain JSON values (what a saved scenario holds)."""
        return {
            "version": 1,
            "horizon_months": self.horizon_months,
            "requests_per_month": self.requests_per_month,
            "response_rate_pct": self.response_pct,
            "invited_mix_pct": list(self.invited_pct),
            "organic_per_month": self.organic_per_month,
            "organic_mix_pct": list(self.organic_pct),
            "target_kind": self.target_kind,
            "target_label": self.target_label,
            "target_stars": self.target_stars,
            "target_score": self.target_score,
            "target_date": self.target_date.isoformat(),
        }


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


def _clamped(value: object, low: float, high: float, *, whole: bool = True) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError
    x = min(max(float(value), low), high)
    return round(x) if whole else x


def scenario_state(
    params: Mapping[str, Any], defaults: Defaults
) -> tuple[dict[str, Any], list[str]]:
    """The session-state values of a saved scenario, and notes on what had to change.

    Values are checked one by one: a missing or malformed one keeps the default, an
    out-of-range one is clamped to the widget's range; either way a note says so.
    """
    state = defaults.state()
    notes: list[str] = []

    def number(key: str, name: str, low: float, high: float, whole: bool = True) -> None:
        if name not in params:
            notes.append(f"{name} missing: default used")
            return
        try:
            value = _clamped(params[name], low, high, whole=whole)
        except ValueError:
            notes.append(f"{name} unreadable: default used")
            return
        if value != params[name]:
            notes.append(f"{name} {params[name]!r} set to {value:g}, the nearest the inputs allow")
        state[key] = value

    def mix(keys: Sequence[str], name: str) -> None:
        values = params.get(name)
        if not isinstance(values, list) or len(values) != 5:
            notes.append(f"{name} unreadable: default used")
            return
        try:
            state.update(zip(keys, (_clamped(v, 0, 100) for v in values), strict=True))
        except ValueError:
            notes.append(f"{name} unreadable: default used")

    number(HORIZON, "horizon_months", 1, MAX_HORIZON_MONTHS)
    number(REQUESTS, "requests_per_month", 0, defaults.requests_max)
    number(RESPONSE, "response_rate_pct", 1, 100)
    number(ORGANIC, "organic_per_month", 0, defaults.organic_max)
    number(TARGET_SCORE, "target_score", 1.0, 5.0, whole=False)
    mix(INVITED_MIX, "invited_mix_pct")
    mix(ORGANIC_MIX, "organic_mix_pct")
    if params.get("target_kind") in TARGET_KINDS:
        state[TARGET_KIND] = params["target_kind"]
    if params.get("target_label") in TARGET_LABELS:
        state[TARGET_LABEL] = params["target_label"]
    if params.get("target_stars") in STAR_TARGETS:
        state[TARGET_STARS] = float(params["target_stars"])
    try:
        day = dt.date.fromisoformat(str(params.get("target_date")))
    except ValueError:
        notes.append("target_date unreadable: default used")
    else:
        clamped = min(max(day, defaults.first_date), defaults.last_date)
        if clamped != day:
            notes.append(f"target date {day} moved to {clamped}, within the next 24 months")
        state[TARGET_DATE] = clamped
    return state, notes


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
