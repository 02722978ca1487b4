"""What pages compute from a dataset and the settings: engine calls at display resolution."""

from __future__ import annotations

import pandas as pd

import scoring
from scoring.model import counted_reviews
from ui.charts import display_freq
from ui.settings import ModelSettings

COARSER = {"D": "W", "W": "M", "M": "Q", "Q": "Y", "Y": "Y"}


def volume_freq(score_freq: str) -> str:
    """Volume bars one period coarser than the score line, so bars stay readable."""
    return COARSER[score_freq]


def window(reviews: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None
           ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The chart window: the chosen dates, else the counted reviews' span."""
    counted = counted_reviews(reviews)
    first = start if start is not None else counted["created_at"].min()
    last = end if end is not None else counted["created_at"].max()
    return first, last


def trend(
    reviews: pd.DataFrame, settings: ModelSettings, *, start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None, freq: str | None = None, clock: str | None = None,
) -> tuple[pd.DataFrame, str]:
    """The score series over the window at ``freq``, coarsened if needed to keep the
    chart under its point budget; returns the series and the period used."""
    first, last = window(reviews, start, end)
    finest = display_freq(first, last)
    order = ["D", "W", "M", "Q", "Y"]
    chosen = freq if freq is not None and order.index(freq) >= order.index(finest) else finest
    series = scoring.score_series(
        reviews, freq=chosen, start=first, end=last, clock=clock or settings.clock,
        **settings.score_kwargs(),
    )
    return series, chosen
