"""What the planner's inputs start from: the last 90 days of the data continue (no
streamlit)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

import scoring
from scoring.periods import DAYS_PER_MONTH
from scoring.projection import RecentRates
from ui.planner import keys
from ui.planner.mix import percent_mix
from ui.planner.plan import TARGET_LABELS

MAX_HORIZON_MONTHS = 24
DEFAULT_HORIZON_MONTHS = 12
DEFAULT_RESPONSE_RATE_PCT = 20
DEFAULT_TARGET_MONTHS = 9
DEFAULT_TARGET_STARS = 4.5
DEFAULT_TARGET_SCORE = 4.3
STEP_LADDER = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000)
"""The requests slider's possible steps; the smallest that gives at most 400 stops wins."""


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
    target_score: float = DEFAULT_TARGET_SCORE

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
            target_score=DEFAULT_TARGET_SCORE if above else next_tenth,
        )

    @property
    def first_date(self) -> dt.date:
        """The earliest target date: the day after the data ends."""
        return (self.as_of.floor("D") + pd.Timedelta(days=1)).date()

    @property
    def last_date(self) -> dt.date:
        """The latest target date: the longest horizon ahead."""
        return (self.as_of + pd.DateOffset(months=MAX_HORIZON_MONTHS)).date()

    @property
    def organic_max(self) -> int:
        """The organic input's upper bound (ten times the recent pace, at least 100)."""
        return nice_ceiling(max(10 * self.organic_per_month, 100))

    def on_slider(self, requests_per_month: int) -> int:
        """A volume rounded up to the requests slider's step."""
        return math.ceil(requests_per_month / self.requests_step) * self.requests_step

    def state(self) -> dict[str, Any]:
        """Session-state values for every planner input (what "Reset" writes)."""
        values: dict[str, Any] = {
            keys.HORIZON: DEFAULT_HORIZON_MONTHS,
            keys.REQUESTS: self.requests_per_month,
            keys.RESPONSE: self.response_pct,
            keys.ORGANIC: self.organic_per_month,
            keys.TARGET_KIND: self.target_kind,
            keys.TARGET_LABEL: self.target_label,
            keys.TARGET_STARS: DEFAULT_TARGET_STARS,
            keys.TARGET_SCORE: self.target_score,
            keys.TARGET_DATE: self.target_date,
        }
        values.update(zip(keys.INVITED_MIX, self.invited_pct, strict=True))
        values.update(zip(keys.ORGANIC_MIX, self.organic_pct, strict=True))
        return values

    def clamp_date(self, day: dt.date) -> dt.date:
        """``day`` moved into the range of target dates."""
        return min(max(day, self.first_date), self.last_date)
