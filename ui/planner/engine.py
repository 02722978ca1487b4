"""The engine calls behind the planner, cached.

Each cache (:func:`ui.cache.by_key`, bounded) is keyed on the view's reviews key
(:func:`ui.views.reviews_key`: the dataset's content hash, the window's end and the
filters) and the plain inputs (engine inputs, model settings, target); the review
table itself is never hashed. :class:`Engine` holds what every call shares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

import scoring
from scoring.projection import CrossingTimes, GoalSeek, ProjectionInputs
from ui import cache, views
from ui.controls import View
from ui.planner.defaults import Defaults
from ui.planner.plan import Plan
from ui.settings import ModelSettings

HISTORY_DAYS = 365
"""How much history the charts show before the projection."""
DATE_SEARCH_DAYS = 3650
"""How far ahead "date reached" looks (ten years)."""
CACHE_ENTRIES = 32


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

    def day(self, days: int) -> pd.Timestamp:
        """The date ``days`` days ahead (day 1 is the first projected day)."""
        return self.expected.index[days - 1]

    def expected_on(self, days: int) -> float:
        """The expected score ``days`` days ahead."""
        return float(self.expected.iloc[days - 1])


@dataclass(frozen=True)
class Context:
    """The lines around a projection: the score so far and two expected paths."""

    history: pd.Series
    status_quo: pd.Series
    stop_collecting: pd.Series


@cache.by_key(max_entries=CACHE_ENTRIES)
def _outlook(
    reviews: pd.DataFrame, as_of: pd.Timestamp | None, inputs: ProjectionInputs,
    target: float | str, target_kind: str, target_date: dt.date,
) -> Outlook:
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


@cache.by_key(max_entries=CACHE_ENTRIES)
def _context(
    reviews: pd.DataFrame, as_of: pd.Timestamp | None, horizon_days: int, model: ModelSettings,
) -> Context:
    end = as_of if as_of is not None else scoring.recent_rates(reviews).as_of
    history = scoring.score_series(
        reviews, freq="D", start=end - pd.Timedelta(days=HISTORY_DAYS), end=end,
        clock="live", params=model.params,
    )["score"]
    status_quo = scoring.status_quo(reviews, horizon_days=horizon_days, as_of=as_of,
                                    params=model.params)
    stop = scoring.stop_collecting(reviews, horizon_days=horizon_days, as_of=as_of,
                                   params=model.params)
    return Context(history, status_quo["score"], stop["score"])


@cache.by_key(max_entries=CACHE_ENTRIES)
def _goal_seek(
    reviews: pd.DataFrame, as_of: pd.Timestamp | None, inputs: ProjectionInputs,
    target: float | str, target_kind: str, by: dt.date, probability: float | None,
) -> GoalSeek:
    return scoring.requests_needed(
        reviews, inputs, target=target, target_kind=target_kind,  # type: ignore[arg-type]
        by=pd.Timestamp(by, tz="UTC"), probability=probability, as_of=as_of,
    )


@cache.by_key(max_entries=CACHE_ENTRIES)
def _date_reached(
    reviews: pd.DataFrame, as_of: pd.Timestamp | None, inputs: ProjectionInputs,
    target: float | str, target_kind: str,
) -> pd.Timestamp | None:
    return scoring.date_reached(
        reviews, inputs, target=target, target_kind=target_kind,  # type: ignore[arg-type]
        as_of=as_of, horizon_days=DATE_SEARCH_DAYS,
    )


@cache.by_key(max_entries=CACHE_ENTRIES)
def _sensitivity(
    reviews: pd.DataFrame, as_of: pd.Timestamp | None, inputs: ProjectionInputs,
) -> pd.DataFrame:
    return scoring.half_life_sensitivity(reviews, inputs, as_of=as_of)


@cache.by_key(max_entries=CACHE_ENTRIES)
def _uncertainty(reviews: pd.DataFrame, as_of: pd.Timestamp | None) -> scoring.Uncertainty:
    return scoring.fit_uncertainty(reviews, as_of=as_of)


@cache.by_key(max_entries=CACHE_ENTRIES)
def _groupings(reviews: pd.DataFrame, as_of: pd.Timestamp | None) -> tuple[str, ...]:
    return scoring.channel_groupings(reviews, as_of=as_of)


@cache.by_key(max_entries=CACHE_ENTRIES)
def _channel_history(reviews: pd.DataFrame, as_of: pd.Timestamp | None, by: str
                     ) -> pd.DataFrame:
    return scoring.channel_history(reviews, by=by, as_of=as_of)


@dataclass(frozen=True, eq=False)
class Engine:
    """The engine calls for one view: its reviews (named by ``key`` in the caches), the
    as-of date (None: from the newest counted review) and the model settings."""

    key: str
    reviews: pd.DataFrame
    as_of: pd.Timestamp | None
    model: ModelSettings

    @classmethod
    def of(cls, view: View) -> Engine:
        """The engine calls for the sidebar's view."""
        return cls(views.reviews_key(view), view.reviews, view.end, view.model)

    def uncertainty(self) -> scoring.Uncertainty:
        """How much more than Poisson arrivals the simulated futures vary, fitted to the
        view's reviews before its end (``scoring.fit_uncertainty``): overdispersed days,
        an uncertain volume level and star mix."""
        return _uncertainty(self.key, self.reviews, self.as_of)

    def groupings(self) -> tuple[str, ...]:
        """The columns that tell request channels apart in the view's reviews
        (``scoring.channel_groupings``)."""
        return _groupings(self.key, self.reviews, self.as_of)

    def defaults(self, grouping: str = "none") -> Defaults:
        """Where the inputs start: the last 90 days of the view's reviews, with one
        channel per value of ``grouping`` (a column of :meth:`groupings`; "none": one
        invited channel)."""
        rates = scoring.recent_rates(self.reviews, as_of=self.as_of)
        now = scoring.trust_score(self.reviews, as_of=self.as_of, params=self.model.params)
        history = (_channel_history(self.key, self.reviews, self.as_of, grouping)
                   if grouping in self.groupings() else None)
        return Defaults.from_rates(rates, now, history, grouping)

    def outlook(self, plan: Plan, days: int, target: Plan | None = None) -> Outlook:
        """``plan`` projected ``days`` days ahead (Monte Carlo), read off at the target
        of ``target`` (by default the plan's own)."""
        target = target or plan
        return _outlook(self.key, self.reviews, self.as_of,
                        plan.inputs(self.model, days, self.uncertainty()),
                        target.target, target.target_kind, target.target_date)

    def context(self, days: int) -> Context:
        """The score over the last year, then the status-quo and stop-collecting paths
        ``days`` days ahead."""
        return _context(self.key, self.reviews, self.as_of, days, self.model)

    def goal_seek(self, plan: Plan, channel: int, probability: float | None = None
                  ) -> GoalSeek:
        """The fewest requests through channel ``channel`` (an index; the others as set)
        that reach the plan's target by its date, in expectation or (``probability``) in
        that share of the simulations."""
        key, as_of, inputs, target, kind, by, chance = self.goal_signature(plan, channel,
                                                                           probability)
        return _goal_seek(key, self.reviews, as_of, inputs, target, kind, by, chance)

    def goal_signature(self, plan: Plan, channel: int, probability: float | None = None
                       ) -> tuple:
        """What :meth:`goal_seek` is cached on: equal for two plans it answers alike."""
        return (self.key, self.as_of, plan.goal_inputs(self.model, channel, self.uncertainty()),
                plan.target, plan.target_kind, plan.target_date, probability)

    def date_reached(self, plan: Plan, days: int) -> pd.Timestamp | None:
        """The first date the expected path of ``plan`` reaches its target (None: not in
        ten years)."""
        return _date_reached(self.key, self.reviews, self.as_of, plan.inputs(self.model, days),
                             plan.target, plan.target_kind)

    def sensitivity(self, plan: Plan) -> pd.DataFrame:
        """``scoring.half_life_sensitivity`` of the plan: half-lives of 1 to 12 months."""
        return _sensitivity(self.key, self.reviews, self.as_of, plan.inputs(self.model))

    def reachability(self, plan: Plan, start_score: float) -> scoring.Reachability:
        """Whether any volume reaches the plan's target in the long run (closed form,
        not cached)."""
        return scoring.reachability(plan.inputs(self.model), plan.threshold,
                                    start_score=start_score)
