"""The headline figures of a business at one instant: what a manager reads first."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scoring.display import (
    DEFAULT_KPI_BANDS,
    DEFAULT_LABEL_BANDS,
    Gaps,
    KpiBands,
    LabelBands,
    display_score,
    five_stars_needed,
    gaps,
    kpi_band,
    kpi_index,
    label,
    label_threshold,
    star_rating,
    star_threshold,
)
from scoring.model import (
    DEFAULT_MODEL,
    ScoreModel,
    ScoreParams,
    counted_reviews,
    resolve_params,
    score_state,
    times_ns,
)
from scoring.periods import (
    to_utc_timestamp,
)


@dataclass(frozen=True)
class Snapshot:
    """The score and its context at ``as_of``, under ``model``.

    ``change_30d``/``change_90d``: the score now minus 30/90 days earlier.
    ``weighted_mean``: the decay-weighted mean of the reviews (NaN without reviews).
    ``five_stars_to_next_half_star``/``..._label``: how many 5-star reviews today
    would lift the score to the next half star / label (None at the top).
    """

    as_of: pd.Timestamp
    has_reviews: bool
    score: float
    display_score: float
    stars: float
    label: str
    kpi_index: float
    kpi_band: str
    reviews: int
    reviews_last_28d: int
    effective_reviews: float
    change_30d: float
    change_90d: float
    gaps: Gaps
    five_stars_to_next_half_star: int | None
    five_stars_to_next_label: int | None
    weighted_mean: float = float("nan")
    model: ScoreModel = DEFAULT_MODEL


def snapshot(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    bands: LabelBands = DEFAULT_LABEL_BANDS,
    kpi_bands: KpiBands = DEFAULT_KPI_BANDS,
    model: ScoreModel | None = None,
) -> Snapshot:
    """Compute the :class:`Snapshot` at ``as_of`` (default: the newest counted review)."""
    params = resolve_params(params, half_life_days, prior_count, prior_mean, model)
    counted = counted_reviews(reviews)
    times = times_ns(counted)
    if as_of is None:
        instant = (
            pd.Timestamp(int(times.max()), tz="UTC") if len(times) else pd.Timestamp.now("UTC")
        )
    else:
        instant = to_utc_timestamp(as_of)

    def score_at(when: pd.Timestamp) -> float:
        return score_state(counted, as_of=when, half_life_days=params.half_life_days).score(params)

    state = score_state(counted, as_of=instant, half_life_days=params.half_life_days)
    score = state.score(params)
    month_ago, quarter_ago = (score_at(instant - pd.Timedelta(days=d)) for d in (30, 90))
    since = (instant - pd.Timedelta(days=28)).as_unit("ns").value
    recent = int(((times > since) & (times <= instant.as_unit("ns").value)).sum())
    found = gaps(score, bands)

    def needed(threshold: float | None) -> int | None:
        if threshold is None:
            return None
        return five_stars_needed(
            threshold, decayed_stars=state.decayed_stars, decayed_count=state.effective_reviews,
            prior_count=params.prior_count, prior_mean=params.prior_mean,
            reviews=state.reviews, model=params.model,
        )

    next_label_lower = dict(bands.thresholds()).get(found.next_label or "")
    index = kpi_index(score)
    return Snapshot(
        as_of=instant,
        has_reviews=state.reviews > 0,
        score=score,
        display_score=display_score(score),
        stars=star_rating(score),
        label=label(score, bands),
        kpi_index=index,
        kpi_band=kpi_band(index, kpi_bands),
        reviews=state.reviews,
        reviews_last_28d=recent,
        effective_reviews=state.effective_reviews,
        change_30d=score - month_ago,
        change_90d=score - quarter_ago,
        gaps=found,
        five_stars_to_next_half_star=needed(
            star_threshold(found.next_stars) if found.next_stars is not None else None
        ),
        five_stars_to_next_label=needed(
            label_threshold(next_label_lower) if next_label_lower is not None else None
        ),
        weighted_mean=state.weighted_mean,
        model=params.model,
    )
