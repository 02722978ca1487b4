"""The planner's inputs as the user set them, and the engine's inputs they make (no
streamlit).

Users think in months and percentages; the engine works per day and in shares.
Requests and reviews a month are converted with ``scoring.periods.DAYS_PER_MONTH``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

import scoring
from scoring.periods import DAYS_PER_MONTH
from scoring.projection import (
    GoalSeek,
    ProjectionInputs,
    Uncertainty,
    channel_inputs,
    mix_mean,
)
from ui.planner import keys
from ui.planner.channels import ChannelPlan
from ui.planner.mix import normalise_mix
from ui.settings import ModelSettings

PATHS = 2000
"""Simulated futures per projection."""
SEED = 20240601
"""Fixed, so the same inputs always give the same bands and probabilities."""
NO_UNCERTAINTY = Uncertainty()
"""Plain Poisson arrivals with known mixes (what a plan means without data to fit on)."""
SCENARIO_VERSION = 2
"""The layout of :meth:`Plan.params` (what saved scenarios hold): 2 holds a list of
channels; 1 held one invited channel (``requests_per_month``, ``response_rate_pct``,
``invited_mix_pct``), still read by :mod:`ui.planner.scenario`."""

TARGET_KINDS = {"label": "Label", "stars": "Stars", "score": "Score"}
TARGET_LABELS = ("Excellent", "Great", "Average", "Poor")
STAR_TARGETS = tuple(x / 2 for x in range(2, 11))


@dataclass(frozen=True)
class Plan:
    """The planner's inputs as the user set them (per month, percentages)."""

    horizon_months: int
    channels: tuple[ChannelPlan, ...]
    organic_per_month: float
    organic_pct: tuple[float, ...]
    target_kind: str
    target_label: str
    target_stars: float
    target_score: float
    target_date: dt.date

    @property
    def horizon_days(self) -> int:
        """The horizon in whole days."""
        return round(self.horizon_months * DAYS_PER_MONTH)

    @property
    def requests_per_month(self) -> float:
        """Review requests a month, every channel together."""
        return sum(c.requests_per_month for c in self.channels)

    @property
    def invited_per_month(self) -> float:
        """Invited reviews a month: each channel's requests times its response rate."""
        return sum(c.reviews_per_month for c in self.channels)

    @property
    def channel_names(self) -> tuple[str, ...]:
        """The channels' names, in order."""
        return tuple(c.name for c in self.channels)

    def mean_new_stars(self) -> float | None:
        """The rate-weighted mean stars of new reviews, invited and organic (None: no
        new reviews)."""
        total = self.invited_per_month + self.organic_per_month
        if total <= 0:
            return None
        weighted = sum(c.reviews_per_month * mix_mean(c.mix) for c in self.channels)
        return (weighted + self.organic_per_month * mix_mean(self.organic_mix)) / total

    @property
    def organic_per_day(self) -> float:
        """Organic reviews a day."""
        return self.organic_per_month / DAYS_PER_MONTH

    @property
    def organic_mix(self) -> tuple[float, ...]:
        """The organic star mix as shares that sum to 1."""
        return normalise_mix(self.organic_pct, "organic star mix")[0]

    @property
    def mix_messages(self) -> list[str]:
        """What had to be done to the star mixes (empty when both add up to 100)."""
        messages = [
            *(c.mix_message for c in self.channels),
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
        """The raw score the target takes."""
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
    def target_legend(self) -> str:
        """The target line's name in a chart legend."""
        if self.target_kind == "score":
            return f"Target: {self.threshold:.2f}"
        return f"Target: {self.target_name} ({self.threshold:.2f})"

    @property
    def target_timestamp(self) -> pd.Timestamp:
        """The target date as a UTC timestamp (midnight)."""
        return pd.Timestamp(self.target_date, tz="UTC")

    def days_to_target(self, as_of: pd.Timestamp) -> int:
        """Whole days from the day of ``as_of`` to the target date."""
        return int((self.target_timestamp - as_of.floor("D")) // pd.Timedelta(days=1))

    def simulated_days(self, as_of: pd.Timestamp) -> int:
        """How far to simulate: the horizon, or to the target date when that is later."""
        return max(self.horizon_days, self.days_to_target(as_of))

    def inputs(self, model: ModelSettings, horizon_days: int | None = None,
               uncertainty: Uncertainty = NO_UNCERTAINTY) -> ProjectionInputs:
        """The engine's inputs (per day, shares) under the model settings: every channel
        folded into the invited source (:func:`scoring.channel_inputs`, exact), the paths
        spread by ``uncertainty`` (the planner passes the one fitted to the data)."""
        return channel_inputs(
            [c.channel() for c in self.channels], self.organic_per_day, self.organic_mix,
            horizon_days=horizon_days or self.horizon_days, params=model.params, paths=PATHS,
            seed=SEED, uncertainty=uncertainty,
        )

    def goal_inputs(self, model: ModelSettings, channel: int,
                    uncertainty: Uncertainty = NO_UNCERTAINTY) -> ProjectionInputs:
        """The inputs of a goal seek for channel ``channel`` (an index), the others and the
        organic reviews as set. Its own volume does not enter (it is what the seek finds),
        so the same answer serves every volume of it."""
        inputs = channel_inputs(
            [c.channel() for c in self.channels], self.organic_per_day, self.organic_mix,
            vary=channel, horizon_days=1, params=model.params, paths=PATHS, seed=SEED,
            uncertainty=uncertainty,
        )
        return replace(inputs, requests_per_day=0.0)

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Plan:
        """A plan from session-state values (as ``Defaults.state`` lays them out); the
        target date may be a date or its ISO text."""
        date = state[keys.TARGET_DATE]
        return cls(
            horizon_months=int(state[keys.HORIZON]),
            channels=tuple(state[keys.CHANNELS]),
            organic_per_month=float(state[keys.ORGANIC]),
            organic_pct=tuple(float(state[key]) for key in keys.ORGANIC_MIX),
            target_kind=str(state[keys.TARGET_KIND]),
            target_label=str(state[keys.TARGET_LABEL]),
            target_stars=float(state[keys.TARGET_STARS]),
            target_score=float(state[keys.TARGET_SCORE]),
            target_date=date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date)),
        )

    def params(self) -> dict[str, Any]:
        """The plan as plain JSON values (what a saved scenario holds; read back by
        ``ui.planner.scenario.scenario_state``)."""
        return {
            "version": SCENARIO_VERSION,
            "horizon_months": self.horizon_months,
            "channels": [c.params() for c in self.channels],
            "organic_per_month": self.organic_per_month,
            "organic_mix_pct": list(self.organic_pct),
            "target_kind": self.target_kind,
            "target_label": self.target_label,
            "target_stars": self.target_stars,
            "target_score": self.target_score,
            "target_date": self.target_date.isoformat(),
        }


def requests_a_month(goal: GoalSeek) -> int | None:
    """The goal seek's volume as whole requests a month (rounded up; None: out of reach)."""
    if goal.requests_per_day is None:
        return None
    return math.ceil(round(goal.requests_per_day * DAYS_PER_MONTH, 6))
