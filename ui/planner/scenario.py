"""A saved scenario back into the planner's inputs: every value checked and clamped, with
notes on what changed (no streamlit).

A scenario is :meth:`ui.planner.plan.Plan.params` as saved in the workspace (JSON). It
may be old, edited by hand or saved against other data: whatever it holds opens, a
missing or malformed value keeps the default, an out-of-range one is moved into the
inputs' range, and the notes say so. A version-2 scenario holds a list of channels; an
older one (version 1, or no ``channels``) held one invited channel as
``requests_per_month``, ``response_rate_pct`` and ``invited_mix_pct``: it opens as one
"Invited" channel.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ui.planner import keys
from ui.planner.channels import MAX_CHANNELS, MAX_REQUESTS_PER_MONTH, ChannelPlan
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

    def checked(found: Mapping[str, Any], name: str, default: float, low: float, high: float,
                whole: bool = True, label: str = "") -> float:
        label = label or name
        if name not in found:
            notes.append(f"{label} missing: default used")
            return default
        try:
            value = _clamped(found[name], low, high, whole=whole)
        except ValueError:
            notes.append(f"{label} unreadable: default used")
            return default
        if value != found[name]:
            notes.append(f"{label} {found[name]!r} set to {value:g}, the nearest the inputs "
                         "allow")
        return value

    def number(key: str, name: str, low: float, high: float, whole: bool = True) -> None:
        state[key] = checked(params, name, state[key], low, high, whole)

    def mix(values: object, name: str, default: Sequence[float]) -> tuple[float, ...]:
        if not isinstance(values, list) or len(values) != 5:
            notes.append(f"{name} unreadable: default used")
            return tuple(default)
        try:
            return tuple(_clamped(v, 0, 100) for v in values)  # all or nothing
        except ValueError:
            notes.append(f"{name} unreadable: default used")
            return tuple(default)

    def channel(found: Mapping[str, Any], name: str, label: str, mix_name: str
                ) -> ChannelPlan:
        base = defaults.one_channel
        return ChannelPlan(
            name,
            checked(found, "requests_per_month", base.requests_per_month, 0,
                    MAX_REQUESTS_PER_MONTH, label=f"{label}requests_per_month"),
            checked(found, "response_rate_pct", base.response_pct, 0, 100,
                    label=f"{label}response_rate_pct"),
            mix(found.get(mix_name), f"{label}{mix_name}", base.mix_pct),
        )

    listed = params.get("channels")
    if isinstance(listed, list):
        channels: list[ChannelPlan] = []
        for position, found in enumerate(listed, start=1):
            raw = found.get("name") if isinstance(found, Mapping) else None
            name = raw.strip()[:80] if isinstance(raw, str) else ""
            if not isinstance(found, Mapping) or not name:
                notes.append(f"channel {position} unreadable: left out")
            elif name.casefold() in {c.name.casefold() for c in channels}:
                notes.append(f"channel {name!r} appears twice: the second is left out")
            elif len(channels) == MAX_CHANNELS:
                notes.append(f"more than {MAX_CHANNELS} channels: {name!r} and later ones "
                             "left out")
                break
            else:
                channels.append(channel(found, name, f"{name}: ", "mix_pct"))
        state[keys.CHANNELS] = tuple(channels)
    elif "channels" in params:
        notes.append("channels unreadable: the data's channels used")
    else:  # version 1: one invited channel
        one = channel(params, defaults.one_channel.name, "", "invited_mix_pct")
        state[keys.CHANNELS] = (one,)
    number(keys.HORIZON, "horizon_months", 1, MAX_HORIZON_MONTHS)
    number(keys.ORGANIC, "organic_per_month", 0, defaults.organic_max)
    number(keys.TARGET_SCORE, "target_score", 1.0, 5.0, whole=False)
    state.update(zip(keys.ORGANIC_MIX, mix(params.get("organic_mix_pct"), "organic_mix_pct",
                                           defaults.organic_pct), strict=True))
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
