"""What pages compute from a dataset and the settings: engine calls at display resolution.

Figures that do not depend on the model's half-life (plain means, volume by stars, the
star counts and the companion metrics) are cached, so that changing a model setting
recomputes only the score. The caches are bounded and keyed on :func:`reviews_key`: the
dataset's content hash with the window's end and the filters, which together determine
``view.reviews`` (an upload's content hash covers its files and import options, so the
key never matches another user's different data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

import scoring
from scoring.model import counted_reviews
from ui import cache
from ui.charts import MAX_POINTS, display_freq
from ui.settings import ModelSettings

if TYPE_CHECKING:
    from ui.controls import View

COARSER = {"D": "W", "W": "M", "M": "Q", "Q": "Y", "Y": "Y"}
FREQ_ORDER = ("D", "W", "M", "Q", "Y")
CACHE_ENTRIES = 64


def score_name(settings: ModelSettings) -> str:
    """What the score line is, in words: "TrustScore as Trustpilot shows it" under the
    fitted model, else the decayed-prior model's live or displayed score."""
    if settings.is_trustpilot:
        return "TrustScore as Trustpilot shows it"
    if settings.clock == "live":
        return "Live score (decayed-prior model)"
    return "Score as displayed (decayed-prior model)"


def model_fidelity(settings: ModelSettings) -> str:
    """One sentence on how well the model in use matches published TrustScores."""
    fit = scoring.PUBLISHED_FIT[settings.model]
    if settings.is_trustpilot:
        return (f"Trustpilot model: it reproduces the TrustScores Trustpilot published for "
                f"{fit.companies} real companies within {fit.mean_error:.2f} on average "
                f"({fit.within_rounding} of {fit.companies} within the 0.05 of rounding).")
    return (f"Decayed-prior model, kept for comparison: it misses the TrustScores Trustpilot "
            f"published for {fit.companies} real companies by {fit.mean_error:.2f} on average. "
            "Pick the Trustpilot model in the sidebar to see the number Trustpilot shows.")


def volume_freq(score_freq: str) -> str:
    """Volume bars one period coarser than the score line, so bars stay readable."""
    return COARSER[score_freq]


def window(reviews: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None
           ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The chart window: the chosen dates, else the counted reviews' span."""
    if start is not None and end is not None:
        return start, end
    # Only the columns the rule needs: a ``counts`` column must not copy the whole table.
    columns = [c for c in ("created_at", "rating", "counts") if c in reviews.columns]
    counted = counted_reviews(reviews[columns] if len(columns) >= 2 else reviews)
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
    chosen = chart_freq(first, last, freq)
    series = scoring.score_series(
        reviews, freq=chosen, start=first, end=last, clock=clock or settings.clock,
        params=settings.params,
    )
    return series, chosen


def chart_freq(first: pd.Timestamp, last: pd.Timestamp, wanted: str | None,
               max_points: int = MAX_POINTS) -> str:
    """``wanted``, or a coarser period when ``wanted`` would put more than ``max_points``
    points on a chart from ``first`` to ``last`` (the finest that fits when None)."""
    finest = display_freq(first, last, max_points=max_points)
    if wanted is not None and FREQ_ORDER.index(wanted) >= FREQ_ORDER.index(finest):
        return wanted
    return finest


@dataclass(frozen=True)
class Comparison:
    """Groups side by side: every group's row at the as-of date (``ranking``, groups
    with reviews only) and the score per period of the ``shown`` groups with most
    reviews (``series``, long format, from each group's first review), at ``freq``."""

    ranking: pd.DataFrame
    series: pd.DataFrame
    freq: str
    shown: int


def comparison(view: View, by: str, *, max_lines: int) -> Comparison:
    """The Compare page's numbers: :func:`scoring.score_table` of every value of ``by``
    and :func:`scoring.score_series_by` of the ``max_lines`` with most reviews, under
    the view's model; a missing value is the group "(none)"."""
    reviews = view.reviews
    model = view.model
    grouped = reviews.assign(**{by: reviews[by].astype("string").fillna("(none)")})
    ranking = scoring.score_table(grouped, by=by, as_of=view.end, params=model.params)
    ranking = ranking[ranking["reviews"] > 0]
    top = ranking.sort_values("reviews", ascending=False).index[:max_lines]
    subset = grouped[grouped[by].isin(top)]
    first = view.start if view.start is not None else subset["created_at"].min()
    last = view.end if view.end is not None else subset["created_at"].max()
    freq = chart_freq(first, last, view.freq or "M",
                      max_points=max(60, MAX_POINTS // max(len(top), 1)))
    series = scoring.score_series_by(
        subset, by=by, freq=freq, start=first, end=last, clock=model.clock,
        params=model.params,
    )
    return Comparison(ranking, series[series["reviews"] > 0], freq, len(top))


def reviews_key(view: View) -> str:
    """A key for ``view.reviews``: the dataset's content hash, the window's end, the filters."""
    filters = sorted((column, tuple(values)) for column, values in view.filters.items())
    return f"{view.dataset.content_hash}|end={view.end}|filters={filters!r}"


@cache.by_key(max_entries=CACHE_ENTRIES)
def _companion_series(
    reviews: pd.DataFrame, freq: str, start: pd.Timestamp, end: pd.Timestamp,
    windows_days: tuple[int, ...],
) -> pd.DataFrame:
    return scoring.companion_series(reviews, freq=freq, start=start, end=end,
                                    windows_days=windows_days)


def companion_series(
    view: View, *, freq: str, start: pd.Timestamp, end: pd.Timestamp,
    windows_days: tuple[int, ...] = (30, 90),
) -> pd.DataFrame:
    """:func:`scoring.companion_series` of ``view.reviews``, cached (no model setting
    enters it)."""
    return _companion_series(reviews_key(view), view.reviews, freq, start, end,
                             tuple(windows_days))


@cache.by_key(max_entries=CACHE_ENTRIES)
def _summary(reviews: pd.DataFrame, prior_count: float, prior_mean: float) -> scoring.Summary:
    return scoring.summary(reviews, prior_count=prior_count, prior_mean=prior_mean)


def summary(view: View, *, prior_count: float, prior_mean: float) -> scoring.Summary:
    """:func:`scoring.summary` of ``view.reviews``, cached (the half-life does not enter)."""
    return _summary(reviews_key(view), view.reviews, float(prior_count), float(prior_mean))


_star_counts = cache.by_key(max_entries=CACHE_ENTRIES)(scoring.star_counts)


def star_counts(view: View) -> np.ndarray:
    """:func:`scoring.star_counts` of ``view.reviews`` (counted reviews per star), cached."""
    return _star_counts(reviews_key(view), view.reviews)
