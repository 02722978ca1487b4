"""A portfolio of locations (or companies): every group's standing, and those at risk.

One pass over the reviews scores every group at the same instant ``T`` (the rules of
:func:`scoring.groups.score_table`) and reads what a projection of each group needs:

- the start sums ``A_0 = sum w_i s_i``, ``B_0 = sum w_i``, the count ``n_0`` and the
  scale-free weighted mean ``M_0`` (:func:`scoring.model.score_state`);
- the recent pace over the window ``(T - W, T]`` (``W`` = 90 days by default), as
  :func:`scoring.projection.recent_rates` reads it: ``r = k / W`` reviews a day and
  ``mu_new`` = their mean stars (``k`` the counted reviews in the window);
- the score ``c`` days ago for the 30- and 90-day changes.

**Expected path** (:func:`expected_paths`), all groups at once, exactly
:func:`scoring.projection.status_quo` per group::

    E[A_h] = q**h A_0 + r mu_new (1 - q**h) / (1 - q)      q = 2 ** (-1 / H)
    E[B_h] = q**h B_0 + r (1 - q**h) / (1 - q)             E[n_h] = n_0 + r h
    "decayed-prior": S_h = (m mu + E[A_h]) / (m + E[B_h])
    "trustpilot":    S_h = (m mu + E[n_h] E[A_h] / E[B_h]) / (m + E[n_h])

for h = 1..N days: a (G, N) array, O(G N) with no Python loop over groups.

**At risk** (:func:`at_risk`): a group whose star rating (nearest half star) or label
(judged on the displayed score) on the expected path falls below today's within N
days, or, given a ``threshold`` on the displayed score (e.g. 4.0), whose displayed
score falls below it; the first such day is reported. **Just crossed**: the same
boundaries crossed downwards between ``T - c`` and ``T`` (c = 30 days by default).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from scoring.display import DEFAULT_LABEL_BANDS, LABELS, SCORE_TOLERANCE, LabelBands
from scoring.errors import ParameterError, ReviewDataError
from scoring.groups import (
    _check_columns,
    _counted_mask,
    _group_codes,
    _sums_at,
    change_offset_ns,
    displayed_scores,
    group_keys,
    labels,
    star_ratings,
)
from scoring.model import ScoreParams, score_from_sums, times_ns
from scoring.periods import NS_PER_DAY, to_utc_timestamp
from scoring.projection.closed_form import decay_and_growth, score_of_sums
from scoring.projection.inputs import MAX_HORIZON_DAYS
from scoring.projection.rates import DEFAULT_WINDOW_DAYS
from scoring.replies import NEGATIVE_STARS, PROFILE_WINDOW_DAYS, _mask, _state, has_replies

CHANGE_DAYS: tuple[int, int] = (30, 90)
"""The two changes the table shows: over the last 30 and the last 90 days."""
JUST_CROSSED_DAYS = 30
DEFAULT_HORIZON_DAYS = 90
SPARKLINE_MONTHS = 12

PORTFOLIO_COLUMNS: tuple[str, ...] = (
    "score", "display_score", "stars", "label", "reviews", "effective_reviews",
    "change_30", "change_90", "reviews_30_days_ago", "last_review_at",
    "decayed_stars", "weighted_mean", "reviews_per_day", "mean_new_stars",
)
"""The columns of :func:`portfolio_table`."""

RISK_COLUMNS: tuple[str, ...] = (
    "status", "boundary", "before", "after", "days", "score", "score_then",
    "reviews_per_day", "mean_new_stars",
)
"""The columns of :func:`at_risk` after the group column(s)."""

Boundary = Literal["stars", "label", "threshold"]


def portfolio_table(
    reviews: pd.DataFrame,
    by: str | Sequence[str],
    *,
    params: ScoreParams | None = None,
    as_of: object = None,
    window_days: float = DEFAULT_WINDOW_DAYS,
    bands: LabelBands = DEFAULT_LABEL_BANDS,
) -> pd.DataFrame:
    """Every group at ``T = as_of`` (default: the newest counted review), one row each.

    Indexed by the group value(s) (every value present, as in
    :func:`scoring.groups.score_table`), in the order of the group values. Columns
    :data:`PORTFOLIO_COLUMNS`: ``score`` ``S_g(T)``, ``display_score``, ``stars``,
    ``label``, ``reviews`` ``n_0``, ``effective_reviews`` ``B_0``, ``change_30`` and
    ``change_90`` (``S_g(T) - S_g(T - c)``), ``reviews_30_days_ago`` (``n`` at
    ``T - 30 days``), ``last_review_at``, ``decayed_stars``
    ``A_0``, ``weighted_mean`` ``M_0`` (the prior mean for a group without reviews),
    ``reviews_per_day`` ``r`` and ``mean_new_stars`` ``mu_new`` (NaN when ``r = 0``)
    over the window ``(T - window_days, T]``.
    """
    params = params if params is not None else ScoreParams()
    window = float(window_days)
    if not (math.isfinite(window) and 0 < window <= MAX_HORIZON_DAYS):
        raise ParameterError(
            f"window_days must be a number of days above 0 and at most {MAX_HORIZON_DAYS}, "
            f"got {window_days!r}."
        )
    keys = group_keys(by)
    _check_columns(reviews, keys)
    codes, index = _group_codes(reviews, keys)
    groups = len(index)
    counted = _counted_mask(reviews)
    all_times = times_ns(reviews)
    times, codes = all_times[counted], codes[counted]
    stars = reviews["rating"].to_numpy(dtype="float64")[counted]
    if as_of is not None:
        as_of_ns = int(to_utc_timestamp(as_of).as_unit("ns").value)
    elif len(times):
        as_of_ns = int(times.max())
    elif len(all_times):
        as_of_ns = int(all_times.max())
    else:
        raise ReviewDataError("There are no reviews to score.")
    half_life = params.half_life_days

    a, b, n, mean, newest = _sums_at(codes, times, stars, as_of_ns, groups, half_life)
    score = score_from_sums(a, b, n, params, weighted_mean=mean)
    changes: dict[str, np.ndarray] = {}
    for days in CHANGE_DAYS:
        a0, b0, n0, mean0, _ = _sums_at(codes, times, stars, as_of_ns - change_offset_ns(days),
                                        groups, half_life)
        changes[f"change_{days}"] = score - score_from_sums(a0, b0, n0, params,
                                                            weighted_mean=mean0)
        if days == JUST_CROSSED_DAYS:
            changes["reviews_30_days_ago"] = n0.astype("int64")
    start = as_of_ns - window * NS_PER_DAY  # as recent_rates bounds its window
    inside = (times <= as_of_ns) & (times > start)
    count = np.bincount(codes[inside], minlength=groups).astype("float64")
    star_sum = np.bincount(codes[inside], weights=stars[inside], minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_new = np.where(count > 0, star_sum / count, np.nan)
    last = pd.DatetimeIndex(
        np.where(n > 0, newest, np.datetime64("NaT", "ns").astype("int64")).astype(
            "datetime64[ns]")
    ).tz_localize("UTC")
    return pd.DataFrame(
        {
            "score": score,
            "display_score": displayed_scores(score),
            "stars": star_ratings(score),
            "label": pd.array(labels(score, bands), dtype="str"),
            "reviews": n.astype("int64"),
            "effective_reviews": b,
            **changes,
            "last_review_at": last,
            "decayed_stars": a,
            "weighted_mean": np.where(n > 0, mean, params.prior_mean),
            "reviews_per_day": count / window,
            "mean_new_stars": mean_new,
        },
        index=index,
    ).loc[:, list(PORTFOLIO_COLUMNS)]


def _horizon(horizon_days: int) -> int:
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int | np.integer):
        raise ParameterError(f"horizon_days must be a whole number, got {horizon_days!r}.")
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise ParameterError(
            f"horizon_days must be 1 to {MAX_HORIZON_DAYS}, got {horizon_days!r}.")
    return int(horizon_days)


def expected_paths(table: pd.DataFrame, params: ScoreParams, horizon_days: int) -> np.ndarray:
    """The expected score of every group of ``table`` (from :func:`portfolio_table`) on
    days h = 1..horizon_days at its recent pace: shape (groups, horizon_days).

    Row g is :func:`scoring.projection.status_quo`'s ``score`` column for group g
    (the module docstring's closed form); a group with no review in the window keeps
    ``r = 0`` (flat under "trustpilot", drifting to the prior under "decayed-prior").
    """
    days = _horizon(horizon_days)
    h = np.arange(1, days + 1, dtype="float64")[None, :]
    decay, growth = decay_and_growth(h, params.half_life_days)
    rate = table["reviews_per_day"].to_numpy(dtype="float64")[:, None]
    mean_new = table["mean_new_stars"].to_numpy(dtype="float64")[:, None]
    a0 = table["decayed_stars"].to_numpy(dtype="float64")[:, None]
    b0 = table["effective_reviews"].to_numpy(dtype="float64")[:, None]
    n0 = table["reviews"].to_numpy(dtype="float64")[:, None]
    start_mean = table["weighted_mean"].to_numpy(dtype="float64")[:, None]
    moving = rate > 0
    new_stars = np.where(moving, rate * np.where(moving, mean_new, 0.0), 0.0)
    a = decay * a0 + new_stars * growth
    b = decay * b0 + rate * growth
    n = n0 + rate * h
    with_reviews = score_of_sums(params, a, b, n, start_mean)  # type: ignore[arg-type]
    without = score_from_sums(a, b, n, params, weighted_mean=np.broadcast_to(start_mean, a.shape))
    return np.where(moving, with_reviews, without)


def _label_rank(scores: np.ndarray, bands: LabelBands) -> np.ndarray:
    """The label of each score as a rank, 0 for "Excellent" .. 4 for "Bad" (a larger rank
    is a worse label): the number of band lower bounds its displayed score misses, the
    rule of :func:`scoring.groups.labels` without building strings."""
    shown = displayed_scores(scores)
    rank = np.zeros(shown.shape, dtype="int64")
    for _, lower in bands.thresholds():
        rank += shown < lower - SCORE_TOLERANCE
    return rank


def _first_true(mask: np.ndarray) -> np.ndarray:
    """Per row, the first column index where ``mask`` holds (-1 where it never does)."""
    first = mask.argmax(axis=1)
    return np.where(mask.any(axis=1), first, -1)


def at_risk(
    table: pd.DataFrame,
    params: ScoreParams,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    threshold: float | None = None,
    bands: LabelBands = DEFAULT_LABEL_BANDS,
) -> pd.DataFrame:
    """The groups of ``table`` (from :func:`portfolio_table`) at risk or just fallen.

    ``status="ahead"``: on the expected path (:func:`expected_paths`) the group's
    boundary is crossed downwards on day ``days`` (the first day h <= horizon_days):

    - without ``threshold``: ``boundary="stars"`` when the star rating falls below
      today's (``before``/``after``: the half stars), else ``"label"`` when the label
      falls below today's (``before``/``after``: the labels); the stars are checked
      first and the earlier crossing is reported;
    - with ``threshold`` (a displayed score such as 4.0): ``boundary="threshold"`` when
      the displayed score, at or above it today, falls below it.

    ``status="crossed"``: the same boundaries crossed downwards between
    ``T - 30 days`` (``score_then``) and ``T`` (``days`` = 30: within the last 30 days),
    for groups that had reviews then (a new group did not fall from the prior).

    Columns: the group column(s), then :data:`RISK_COLUMNS`; ``after`` is where the
    path first lands below (a half star lower, the next label down, or the threshold's
    side). Sorted: crossings ahead soonest first, then recent crossings.
    """
    if threshold is not None:
        threshold = float(threshold)
        if not (math.isfinite(threshold) and 1.0 <= threshold <= 5.0):
            raise ParameterError(f"threshold must be a score from 1 to 5, got {threshold!r}.")
    paths = expected_paths(table, params, horizon_days)
    score = table["score"].to_numpy(dtype="float64")
    then = score - table[f"change_{JUST_CROSSED_DAYS}"].to_numpy(dtype="float64")
    frames = [
        _crossings(table, "ahead", score, paths, threshold, bands),
        _crossings(table, "crossed", then, score[:, None], threshold, bands),
    ]
    found = pd.concat(frames)
    order = np.lexsort((found["days"].to_numpy(), (found["status"] != "ahead").to_numpy()))
    return found.iloc[order].reset_index(drop=True)


def _crossings(
    table: pd.DataFrame, status: str, start: np.ndarray, later: np.ndarray,
    threshold: float | None, bands: LabelBands,
) -> pd.DataFrame:
    """Downward crossings from ``start`` (per group) along ``later`` (groups, days)."""
    candidates: list[tuple[Boundary, np.ndarray, np.ndarray, np.ndarray]] = []
    if threshold is None:
        stars_now = star_ratings(start)
        stars_later = star_ratings(later)
        star_first = _first_true(stars_later < stars_now[:, None] - SCORE_TOLERANCE)
        rank_now = _label_rank(start, bands)
        rank_later = _label_rank(later, bands)
        label_first = _first_true(rank_later > rank_now[:, None])
        candidates.append(("stars", star_first, stars_now.astype(object),
                           _pick(stars_later, star_first).astype(object)))
        names = np.asarray(LABELS, dtype=object)
        candidates.append(("label", label_first, names[rank_now],
                           names[np.clip(_pick(rank_later, label_first), 0, len(LABELS) - 1)]))
    else:
        shown_now = displayed_scores(start)
        shown_later = displayed_scores(later)
        above = shown_now >= threshold - SCORE_TOLERANCE
        first = _first_true(above[:, None] & (shown_later < threshold - SCORE_TOLERANCE))
        candidates.append(("threshold", first, shown_now.astype(object),
                           _pick(shown_later, first).astype(object)))
    groups = len(table)
    best = np.full(groups, -1)
    boundary = np.full(groups, "", dtype=object)
    before = np.full(groups, None, dtype=object)
    after = np.full(groups, None, dtype=object)
    for name, first, now, landed in candidates:
        better = (first >= 0) & ((best < 0) | (first < best))
        best = np.where(better, first, best)
        boundary = np.where(better, name, boundary)
        before = np.where(better, now, before)
        after = np.where(better, landed, after)
    hit = best >= 0
    if status == "crossed":
        hit &= table["reviews_30_days_ago"].to_numpy() > 0
    days = best + 1 if status == "ahead" else np.full(groups, JUST_CROSSED_DAYS)
    keys = table.index.to_frame(index=False)
    score = table["score"].to_numpy(dtype="float64")
    then = score - table[f"change_{JUST_CROSSED_DAYS}"].to_numpy(dtype="float64")
    return keys.assign(
        status=status,
        boundary=boundary,
        before=before,
        after=after,
        days=days.astype("int64"),
        score=score,
        score_then=then,
        reviews_per_day=table["reviews_per_day"].to_numpy(),
        mean_new_stars=table["mean_new_stars"].to_numpy(),
    ).loc[hit]


def _pick(values: np.ndarray, column: np.ndarray) -> np.ndarray:
    """``values[g, column[g]]`` per row (column -1: the row's first value, unused)."""
    return values[np.arange(len(values)), np.maximum(column, 0)]


def monthly_sparklines(
    reviews: pd.DataFrame,
    by: str | Sequence[str],
    *,
    params: ScoreParams | None = None,
    as_of: object = None,
    months: int = SPARKLINE_MONTHS,
) -> pd.Series:
    """Per group, its live score at the end of each of the last ``months`` months up to
    ``as_of`` (a list of floats, oldest first; the last month ends after ``as_of`` and
    holds the score at its end), from :func:`scoring.groups.score_series_by` with
    ``freq="M"``. Indexed like :func:`portfolio_table`."""
    from scoring.groups import score_series_by

    params = params if params is not None else ScoreParams()
    keys = group_keys(by)
    _check_columns(reviews, keys)
    if as_of is None:
        counted = times_ns(reviews)[_counted_mask(reviews)]
        if len(counted) == 0:
            raise ReviewDataError("There are no counted reviews to draw.")
        end = pd.Timestamp(int(counted.max()), tz="UTC")
    else:
        end = to_utc_timestamp(as_of)
    first = (end - pd.DateOffset(months=months - 1)).replace(day=1)
    upto = reviews.loc[pd.DatetimeIndex(reviews["created_at"]) <= end]
    _, index = _group_codes(reviews, keys)
    if upto.empty:
        return pd.Series([[] for _ in range(len(index))], index=index, dtype=object)
    series = score_series_by(upto, keys, freq="M", start=first, end=end, params=params)
    periods = series["period"].nunique()
    _, present = _group_codes(upto, keys)
    values = series["score"].to_numpy().reshape(len(present), periods).round(4)
    lines = pd.Series(list(values), index=present, dtype=object)
    return lines.reindex(index).map(lambda v: v if isinstance(v, np.ndarray) else [])


def reply_figures(
    reviews: pd.DataFrame, by: str | Sequence[str], *, as_of: object = None
) -> pd.DataFrame | None:
    """Per group, the profile's reply figures at ``as_of`` (None without reply data):
    ``negative_reviews`` (1-2 stars in the last 12 months, reply status known),
    ``negative_answered`` (of those, answered by ``as_of``), ``negative_reply_rate``
    (their ratio, NaN without such reviews), as :func:`scoring.replies.reply_summary`
    counts them for one business. Indexed like :func:`portfolio_table`."""
    if not has_replies(reviews):
        return None
    keys = group_keys(by)
    _check_columns(reviews, keys)
    codes, index = _group_codes(reviews, keys)
    if as_of is None:
        stamp = pd.Timestamp(int(times_ns(reviews).max()), tz="UTC")
    else:
        stamp = to_utc_timestamp(as_of)
    state = _state(reviews, stamp)
    negative = _mask(state, NEGATIVE_STARS, stamp - pd.Timedelta(days=PROFILE_WINDOW_DAYS))
    negative &= state.known
    at = codes[state.positions]
    groups = len(index)
    total = np.bincount(at[negative], minlength=groups)
    answered = np.bincount(at[negative & state.answered], minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(total > 0, answered / np.maximum(total, 1), np.nan)
    return pd.DataFrame(
        {"negative_reviews": total, "negative_answered": answered, "negative_reply_rate": rate},
        index=index,
    )


SCORE_FILE_COLUMNS: tuple[str, ...] = ("score", "display_score", "stars", "label", "reviews")
"""The columns a scores file (``trustlens score --out scores.parquet``) must hold."""


def read_scores(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """A scores table written by ``trustlens score`` (the columns of
    :func:`scoring.groups.score_table` after the group column(s), then ``as_of`` and
    the parameters): the table with the group columns first, and their names.

    The group columns are the ones before ``score``. Raises
    :class:`~scoring.errors.ReviewDataError` when a needed column is missing or a
    number column holds something else.
    """
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    columns = [str(c) for c in frame.columns]
    missing = [c for c in SCORE_FILE_COLUMNS if c not in columns]
    if missing:
        raise ReviewDataError(
            f"This is not a scores file from `trustlens score`: no {', '.join(missing)} "
            f"column (columns present: {', '.join(columns[:12])})."
        )
    keys = columns[: columns.index("score")]
    if not keys:
        raise ReviewDataError("This scores file has no group column before 'score'.")
    for column in ("score", "display_score", "stars", "reviews"):
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise ReviewDataError(f"Column {column!r} of the scores file must hold numbers.")
    return frame, keys
