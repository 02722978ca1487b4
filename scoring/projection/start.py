"""Where a projection starts, and its day grid.

Everything starts from the decayed sums and the count at ``as_of``
(:func:`scoring.model.score_state`)::

    A_0 = sum w_i s_i        B_0 = sum w_i        n_0 = the number of reviews
    "trustpilot" (default):  S_0 = (m mu + n_0 A_0 / B_0) / (m + n_0)
    "decayed-prior":         S_0 = (m mu + A_0) / (m + B_0)

**Time grid.** Day ``h`` (``h = 1 .. horizon_days``) is the 24 hours ending exactly
``h`` days after ``as_of``; its row is labelled with that instant's calendar date (UTC
midnight) and holds the score at the instant ``as_of + h days``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scoring.errors import ParameterError, ReviewDataError
from scoring.model import ScoreParams, counted_reviews, score_state, times_ns
from scoring.periods import to_utc_timestamp
from scoring.projection.inputs import MAX_HORIZON_DAYS


@dataclass(frozen=True)
class StartState:
    """The score and its sums at the projection's start (``weighted_mean`` is the prior
    mean when there are no reviews yet)."""

    as_of: pd.Timestamp
    decayed_stars: float
    effective_reviews: float
    reviews: int
    score: float
    weighted_mean: float


def start_state(reviews: pd.DataFrame, as_of: object, params: ScoreParams) -> StartState:
    """The :class:`StartState` at ``as_of`` (default: the newest counted review's time)."""
    if as_of is None:
        times = times_ns(counted_reviews(reviews))
        if len(times) == 0:
            raise ReviewDataError(
                "There are no counted reviews to project from; give as_of, the date the "
                "projection starts."
            )
        stamp = to_utc_timestamp(int(times.max()))
    else:
        stamp = to_utc_timestamp(as_of)
    state = score_state(reviews, as_of=stamp, half_life_days=params.half_life_days)
    mean = state.weighted_mean if state.reviews else params.prior_mean
    return StartState(as_of=stamp, decayed_stars=state.decayed_stars,
                      effective_reviews=state.effective_reviews, reviews=state.reviews,
                      score=state.score(params), weighted_mean=mean)


def day_grid(as_of: pd.Timestamp, days: int) -> pd.DatetimeIndex:
    """Day h = 1..days, labelled by the date of ``as_of + h days`` (UTC midnight)."""
    first = as_of.floor("D") + pd.Timedelta(days=1)
    return pd.date_range(first, periods=days, freq="D", name="date", unit="ns")


def days_until(by: object, as_of: pd.Timestamp, what: str = "by") -> tuple[int, pd.Timestamp]:
    """The day number h of date ``by`` on the grid of :func:`day_grid`, and that date."""
    day = to_utc_timestamp(by, what).floor("D")
    h = int((day - as_of.floor("D")) // pd.Timedelta(days=1))
    if not 1 <= h <= MAX_HORIZON_DAYS:
        raise ParameterError(
            f"{what} ({day.date()}) must fall 1 to {MAX_HORIZON_DAYS:,} days after the "
            f"projection starts ({as_of.floor('D').date()})."
        )
    return h, day
