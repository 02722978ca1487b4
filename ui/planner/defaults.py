"""What the planner's inputs start from: the last 90 days of the data continue (no
streamlit).

Channels come from the data where it tells them apart (``scoring.channel_groupings``:
a column such as the collection method ``source``, the ``location`` or the review
``tags`` with 2 to 12 values, none a web address, each bringing at least 1% of the
invited reviews; a review with several tags counts under its first): one channel per value,
each keeping its recent pace at the default response rate. Otherwise one "Invited"
channel does, as before channels.
"""

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
from ui.planner.channels import DEFAULT_CHANNEL, ChannelPlan
from ui.planner.mix import percent_mix
from ui.planner.plan import TARGET_LABELS

MAX_HORIZON_MONTHS = 24
DEFAULT_HORIZON_MONTHS = 12
DEFAULT_RESPONSE_RATE_PCT = 20
DEFAULT_TARGET_MONTHS = 9
DEFAULT_TARGET_STARS = 4.5
DEFAULT_TARGET_SCORE = 4.3
GROUPING_NAMES = {"source": "Collection method", "location": "Location", "tags": "Tag",
                  "none": "One invited channel"}
"""The "Channels from" choices: the columns of ``scoring.projection.channels``, or none."""


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
    ``requests_per_month``, ``response_pct`` and ``invited_pct`` describe all invited
    reviews as one channel (what an older link or scenario falls back to);
    ``channels`` are the plan's channels (one per value of ``grouping`` in ``history``,
    the table of ``scoring.channel_history``, or that one channel).
    """

    rates: RecentRates
    as_of: pd.Timestamp
    requests_per_month: int
    response_pct: int
    invited_pct: tuple[int, int, int, int, int]
    channels: tuple[ChannelPlan, ...]
    organic_per_month: int
    organic_pct: tuple[int, int, int, int, int]
    target_date: dt.date
    target_kind: str = "label"
    target_label: str = "Excellent"
    target_score: float = DEFAULT_TARGET_SCORE
    grouping: str = "none"
    history: pd.DataFrame | None = None

    @classmethod
    def from_rates(cls, rates: RecentRates, current_score: float,
                   history: pd.DataFrame | None = None, grouping: str = "none") -> Defaults:
        """Defaults from the last 90 days; the target is the next label above
        ``current_score``, or (already Excellent) the next tenth above it. With
        ``history`` (``scoring.channel_history`` by ``grouping``) one channel per invited
        row, else one "Invited" channel."""
        as_of = rates.as_of if rates.as_of is not None else pd.Timestamp.now(tz="UTC")
        share = DEFAULT_RESPONSE_RATE_PCT / 100
        requests = round(rates.invited_per_day * DAYS_PER_MONTH / share)
        invited_pct = percent_mix(rates.invited_mix)
        channels = (ChannelPlan(DEFAULT_CHANNEL, float(requests),
                                float(DEFAULT_RESPONSE_RATE_PCT), invited_pct),)
        if history is not None and history["invited"].any():
            invited = history[history["invited"].astype(bool)]
            mixes = invited[[f"share_{k}" for k in range(1, 6)]].to_numpy()
            channels = tuple(
                ChannelPlan(str(name), float(round(per_month / share)),
                            float(DEFAULT_RESPONSE_RATE_PCT), percent_mix(mix))
                for name, per_month, mix in zip(invited["channel"],
                                                invited["reviews_per_month"], mixes,
                                                strict=True)
            )
        else:
            history, grouping = None, "none"
        target = (as_of + pd.DateOffset(months=DEFAULT_TARGET_MONTHS)).date()
        now = scoring.label(current_score)
        ladder = (*TARGET_LABELS, "Bad")
        above = ladder[ladder.index(now) - 1] if now != "Excellent" else None
        next_tenth = min(5.0, math.ceil(round((current_score + 0.05) * 10, 9)) / 10)
        return cls(
            rates=rates,
            as_of=as_of,
            requests_per_month=requests,
            response_pct=DEFAULT_RESPONSE_RATE_PCT,
            invited_pct=invited_pct,
            channels=channels,
            organic_per_month=round(rates.organic_per_day * DAYS_PER_MONTH),
            organic_pct=percent_mix(rates.organic_mix),
            target_date=target,
            target_kind="label" if above else "score",
            target_label=above or "Excellent",
            target_score=DEFAULT_TARGET_SCORE if above else next_tenth,
            grouping=grouping,
            history=history,
        )

    @property
    def one_channel(self) -> ChannelPlan:
        """All invited reviews as one channel at the default response rate."""
        return ChannelPlan(DEFAULT_CHANNEL, float(self.requests_per_month),
                           float(self.response_pct), tuple(map(float, self.invited_pct)))

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

    def state(self) -> dict[str, Any]:
        """Session-state values for every planner input (what "Reset" writes)."""
        values: dict[str, Any] = {
            keys.HORIZON: DEFAULT_HORIZON_MONTHS,
            keys.CHANNELS: self.channels,
            keys.ORGANIC: self.organic_per_month,
            keys.TARGET_KIND: self.target_kind,
            keys.TARGET_LABEL: self.target_label,
            keys.TARGET_STARS: DEFAULT_TARGET_STARS,
            keys.TARGET_SCORE: self.target_score,
            keys.TARGET_DATE: self.target_date,
        }
        values.update(zip(keys.ORGANIC_MIX, self.organic_pct, strict=True))
        return values

    def clamp_date(self, day: dt.date) -> dt.date:
        """``day`` moved into the range of target dates."""
        return min(max(day, self.first_date), self.last_date)
