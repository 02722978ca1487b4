"""A saved scenario back into the planner's inputs: every value checked and clamped, with
notes on what changed (no streamlit).

A scenario is :meth:`ui.planner.plan.Plan.params` as saved in the workspace (JSON). It
may be old, edited by hand or saved against other data: whatever it holds opens, a
missing or malformed value keeps the default, an out-of-range one is moved into the
inputs' range, and the notes say so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ui.planner import keys
from ui.planner.defaults import MAX_HORIZON_MONTHS, Defaults
from ui.planner.plan import STAR_TARGETS, TARGET_KINDS, TARGET_LABELS


def _clamped(value: object, low: float, high: float, *, whole: bool = True) -> float | int:
    """``value`` within ``[low, high]`` (rounded when ``whole``); ValueError when it is not
    a finite number (booleans and text are not numbers here)."""
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

    def mix(mix_keys: Sequence[str], name: str) -> None:
        values = params.get(name)
        if not isinstance(values, list) or len(values) != 5:
            notes.append(f"{name} unreadable: default used")
            return
        try:
            clamped = [_clamped(v, 0, 100) for v in values]  # all or nothing
        except ValueError:
            notes.append(f"{name} unreadable: default used")
            return
        state.update(zip(mix_keys, clamped, strict=True))

    number(keys.HORIZON, "horizon_months", 1, MAX_HORIZON_MONTHS)
    number(keys.REQUESTS, "requests_per_month", 0, defaults.requests_max)
    number(keys.RESPONSE, "response_rate_pct", 1, 100)
    number(keys.ORGANIC, "organic_per_month", 0, defaults.organic_max)
    number(keys.TARGET_SCORE, "target_score", 1.0, 5.0, whole=False)
    mix(keys.INVITED_MIX, "invited_mix_pct")
    mix(keys.ORGANIC_MIX, "organic_mix_pct")
    if params.get("target_kind") in tuple(TARGET_KINDS):  # a list in the JSON is not hashable
        state[keys.TARGET_KIND] = params["target_kind"]
    if params.get("target_label") in TARGET_LABELS:
        state[keys.TARGET_LABEL] = params["target_label"]
    if params.get("target_stars") in STAR_TARGETS:
        state[keys.TARGET_STARS] = float(params["target_stars"])
    try:
        day = dt.date.fromisoformat(str(params.get("target_date")))
    except ValueError:
        notes.append("target_date unreadable: default used")
    else:
        moved = defaults.clamp_date(day)
        if moved != day:
            notes.append(f"target date {day} moved to {moved}, within the next "
                         f"{MAX_HORIZON_MONTHS} months")
        state[keys.TARGET_DATE] = moved
    return state, notes
