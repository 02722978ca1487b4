"""Replies: how many reviews the company answered, how fast, and which still wait.

Replies do not enter the TrustScore formula (:mod:`scoring.model`): these figures say
how a business engages with its reviewers, which is what Trustpilot shows beside the
score on a profile ("Replied to 80% of negative reviews", "Typically replies within
24 hours").

**What a review's reply status is.** From the canonical columns (:mod:`scoring.reviews`):
``replied`` when present (True, False, or NA: the data cannot tell for that row), else a
reply date in ``reply_at``. A reply counts at ``as_of`` only if it came by then: a reply
after ``as_of`` is "not yet" at ``as_of``. Rows whose status is unknown are left out of
every rate.

**Time to reply, honestly.** For each review created by ``as_of`` whose status is known::

    answered with a known time:  d_i = reply_at_i - created_at_i      (an event)
    not answered yet:            d_i = as_of - created_at_i            (censored: it may
                                                                        still be answered)

and the Kaplan-Meier estimate of the share answered within t::

    F(t) = 1 - prod_{d_j <= t, events} (1 - 1 / n_j)        n_j = reviews still waiting at d_j

(ties: events before censored reviews; one factor per event equals the usual
``1 - d / n`` per distinct time). Dropping the unanswered reviews instead would make a
team that answers half its reviews within an hour look as fast as one that answers all
of them. The median and the 90th percentile of the time to reply are the first times F
reaches 0.5 and 0.9 (None when it never does within the data). Answered reviews whose
reply time is unknown (a scrape with a reply text and no date) or negative (a reply
dated before its review) count as answered in the rates and are left out of the times
(if many are, the times look slower than they were); with none timed, there are no times.

**The two profile figures.** The share of *negative* (1-2 star) reviews of the last 12
months (created in ``(as_of - 365 days, as_of]``) answered by ``as_of``, and the typical
reply time: the median time to reply of those negative reviews, as Kaplan-Meier gives it
(Trustpilot does not publish its own definition).

Everything is vectorised: one sort of the reviews by time to reply, O(N log N).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.periods import NS_PER_DAY, period_start, period_starts, to_utc_timestamp
from scoring.reviews import validate_reviews

NEGATIVE_STARS = (1, 2)
"""The stars Trustpilot calls negative when it counts replies."""
PROFILE_WINDOW_DAYS = 365
"""The window of the profile figures: the last 12 months."""
HOURS_PER_DAY = 24.0
NS_PER_HOUR = NS_PER_DAY // 24
WITHIN_HOURS: tuple[float, ...] = (24.0, 24.0 * 7)
"""The answered-within marks the tables report: a day and a week."""


def has_replies(reviews: pd.DataFrame) -> bool:
    """Whether the table says anything about replies (a ``replied`` or ``reply_at`` column)."""
    return "replied" in reviews.columns or "reply_at" in reviews.columns


@dataclass(frozen=True)
class _State:
    """Per counted review up to ``as_of`` (``positions`` in the table): created (ns),
    stars, whether its reply status is known, whether it was answered by ``as_of``, the
    time it has waited until ``as_of`` (hours), and its Kaplan-Meier input: ``durations``
    (time to reply for an event, time waited for a censored review, NaN for a review
    left out of the times) with ``events``."""

    positions: np.ndarray
    created: np.ndarray
    stars: np.ndarray
    known: np.ndarray
    answered: np.ndarray
    waited_hours: np.ndarray
    durations: np.ndarray
    events: np.ndarray
    suspicious: int


def _column(reviews: pd.DataFrame, name: str, positions: np.ndarray) -> pd.Series:
    return reviews[name].iloc[positions]


def _state(reviews: pd.DataFrame, as_of: pd.Timestamp) -> _State:
    validate_reviews(reviews)
    created_all = pd.DatetimeIndex(reviews["created_at"]).as_unit("ns").asi8
    end = as_of.as_unit("ns").value
    keep = created_all <= end
    if "counts" in reviews.columns:
        keep &= reviews["counts"].fillna(True).astype(bool).to_numpy()
    positions = np.flatnonzero(keep)
    created = created_all[positions]
    stars = reviews["rating"].to_numpy(dtype="int64")[positions]
    n = len(positions)
    if "reply_at" in reviews.columns:
        reply = pd.DatetimeIndex(_column(reviews, "reply_at", positions)).as_unit("ns")
        has_time = np.asarray(reply.notna())
        reply_ns = np.where(has_time, reply.asi8, 0)
        by_now = has_time & (reply_ns <= end)
    else:
        has_time = by_now = np.zeros(n, dtype=bool)
        reply_ns = np.zeros(n, dtype="int64")
    if "replied" in reviews.columns:
        flag = _column(reviews, "replied", positions).astype("boolean")
        said = flag.fillna(False).to_numpy(dtype=bool)
        # A reply with a date after as_of had not happened yet at as_of.
        answered = (said & ~has_time) | by_now
        known = flag.notna().to_numpy(dtype=bool) | has_time
    else:
        # Without a replied column an empty reply date means no reply; without any
        # reply column nothing is known.
        known = np.full(n, "reply_at" in reviews.columns, dtype=bool)
        answered = by_now
    answered &= known
    delay = np.where(by_now, (reply_ns - created) / NS_PER_HOUR, np.nan)
    suspicious = int(np.count_nonzero(by_now & (delay < 0)))
    waited = (end - created) / NS_PER_HOUR
    events = answered & (delay >= 0)
    censored = known & ~answered
    durations = np.where(events, delay, np.where(censored, waited, np.nan))
    return _State(positions, created, stars, known, answered, waited, durations, events,
                  suspicious)


@dataclass(frozen=True)
class AnsweredWithin:
    """A Kaplan-Meier curve of the share answered within t (see the module docstring):
    ``hours`` (ascending event times) and ``share`` (after each), with ``reviews`` the
    number of reviews it rests on."""

    hours: np.ndarray
    share: np.ndarray
    reviews: int

    @property
    def timed(self) -> bool:
        """Whether any answered review has a known time: without one there is no curve
        (a file that only says whether a review was answered tells no times)."""
        return len(self.hours) > 0

    def at(self, hours: float) -> float:
        """The share answered within ``hours`` (0 before the first reply)."""
        k = int(np.searchsorted(self.hours, hours, side="right"))
        return float(self.share[k - 1]) if k else 0.0

    def quantile(self, q: float) -> float | None:
        """The first time the share answered reaches ``q`` (None if it never does)."""
        k = int(np.searchsorted(self.share, q - 1e-12, side="left"))
        return float(self.hours[k]) if k < len(self.hours) else None


def _kaplan_meier(durations: np.ndarray, events: np.ndarray) -> AnsweredWithin:
    """The curve of ``durations`` (hours) with ``events`` True for answered reviews
    (NaN durations are left out)."""
    timed = ~np.isnan(durations)
    durations, events = durations[timed], events[timed]
    order = np.lexsort((~events, durations))
    return _sorted_curve(durations[order], events[order])


def _sorted_curve(durations: np.ndarray, events: np.ndarray) -> AnsweredWithin:
    """The curve of durations sorted ascending, events before censored at ties: the
    survival after row i is the product over events j <= i of ``1 - 1 / n_j``, with
    ``n_j`` the reviews at risk."""
    at_risk = len(durations) - np.arange(len(durations))
    survival = np.cumprod(np.where(events, 1.0 - 1.0 / at_risk, 1.0))
    # One point per distinct event time: its last event (ties sort events first).
    tied_event_next = np.r_[(durations[1:] == durations[:-1]) & events[1:], False]
    keep = events & ~tied_event_next
    return AnsweredWithin(durations[keep], 1.0 - survival[keep], len(durations))


def _curves(state: _State, codes: np.ndarray, groups: int) -> list[AnsweredWithin]:
    """One curve per group code 0..groups-1 (other codes are left out): one sort of all
    the reviews by (group, duration), then each group's run."""
    use = ~np.isnan(state.durations) & (codes >= 0) & (codes < groups)
    durations, events, codes = state.durations[use], state.events[use], codes[use]
    order = np.lexsort((~events, durations, codes))
    durations, events, codes = durations[order], events[order], codes[order]
    bounds = np.searchsorted(codes, np.arange(groups + 1))
    return [_sorted_curve(durations[lo:hi], events[lo:hi])
            for lo, hi in itertools.pairwise(bounds)]


def answered_within(
    reviews: pd.DataFrame, *, as_of: object = None, stars: tuple[int, ...] | None = None,
    since: object = None,
) -> AnsweredWithin:
    """The Kaplan-Meier share of reviews answered within t, for reviews created after
    ``since`` (default: all) up to ``as_of`` (default: the newest review), with ``stars``
    (default: all)."""
    instant = _as_of(reviews, as_of)
    state = _state(reviews, instant)
    mask = _mask(state, stars, since)
    return _kaplan_meier(state.durations[mask], state.events[mask])


def _as_of(reviews: pd.DataFrame, as_of: object) -> pd.Timestamp:
    if as_of is not None:
        return to_utc_timestamp(as_of)
    if len(reviews) == 0:
        return pd.Timestamp.now("UTC")
    return to_utc_timestamp(reviews["created_at"].max())


def _mask(state: _State, stars: tuple[int, ...] | None, since: object) -> np.ndarray:
    mask = np.ones(len(state.created), dtype=bool)
    if stars is not None:
        mask &= np.isin(state.stars, stars)
    if since is not None:
        mask &= state.created > to_utc_timestamp(since, "since").as_unit("ns").value
    return mask


@dataclass(frozen=True)
class ReplySummary:
    """The reply figures at ``as_of`` (see the module docstring).

    ``negative_reply_rate`` and ``typical_reply_hours`` are the profile figures (1-2
    star reviews of the last 12 months); ``reply_rate`` is over every review with a
    known status; ``within_day``/``within_week`` the Kaplan-Meier shares of negative
    reviews of the last 12 months answered within 24 hours / 7 days; ``waiting`` the
    negative reviews of the last 12 months not answered, ``oldest_waiting_days`` the
    age of the oldest of them. ``suspicious`` counts replies dated before their review
    (kept as answered, left out of the times). None where there is nothing to say.
    """

    as_of: pd.Timestamp
    reviews: int
    known: int
    replied: int
    reply_rate: float | None
    negative_reviews: int
    negative_replied: int
    negative_reply_rate: float | None
    typical_reply_hours: float | None
    p90_reply_hours: float | None
    within_day: float | None
    within_week: float | None
    waiting: int
    oldest_waiting_days: float | None
    suspicious: int


def reply_summary(reviews: pd.DataFrame, *, as_of: object = None) -> ReplySummary:
    """The :class:`ReplySummary` at ``as_of`` (default: the newest review)."""
    instant = _as_of(reviews, as_of)
    state = _state(reviews, instant)
    since = instant - pd.Timedelta(days=PROFILE_WINDOW_DAYS)
    negative = _mask(state, NEGATIVE_STARS, since) & state.known
    curve = _kaplan_meier(state.durations[negative], state.events[negative])
    waiting = negative & ~state.answered
    known = int(state.known.sum())
    replied = int(state.answered.sum())
    negative_count, negative_replied = int(negative.sum()), int((negative & state.answered).sum())

    def rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    timed = curve.timed
    return ReplySummary(
        as_of=instant,
        reviews=len(state.created),
        known=known,
        replied=replied,
        reply_rate=rate(replied, known),
        negative_reviews=negative_count,
        negative_replied=negative_replied,
        negative_reply_rate=rate(negative_replied, negative_count),
        typical_reply_hours=curve.quantile(0.5),
        p90_reply_hours=curve.quantile(0.9),
        within_day=curve.at(WITHIN_HOURS[0]) if timed else None,
        within_week=curve.at(WITHIN_HOURS[1]) if timed else None,
        waiting=int(waiting.sum()),
        oldest_waiting_days=(float(state.waited_hours[waiting].max() / HOURS_PER_DAY)
                             if waiting.any() else None),
        suspicious=state.suspicious,
    )


REPLY_TABLE_COLUMNS: tuple[str, ...] = (
    "reviews", "known", "replied", "reply_rate", "median_hours", "p90_hours",
    "within_day", "within_week",
)


def reply_table(
    reviews: pd.DataFrame, *, by: str = "period", freq: str = "M", as_of: object = None,
    start: object = None,
) -> pd.DataFrame:
    """Reply figures per group of reviews: ``by="period"`` (the period the review was
    created in, at ``freq``, from ``start``'s period or the first review's) or
    ``by="stars"`` (1..5).

    Columns :data:`REPLY_TABLE_COLUMNS`: ``reviews``, ``known`` (status known),
    ``replied`` (answered by ``as_of``), ``reply_rate`` (replied / known), and from the
    group's Kaplan-Meier curve ``median_hours``, ``p90_hours`` (None: not reached) and
    ``within_day``, ``within_week`` (shares answered within 24 h / 7 days). A recent
    period's figures are still moving: its reviews have had less time to be answered,
    which the curve accounts for and a plain rate does not.
    """
    instant = _as_of(reviews, as_of)
    state = _state(reviews, instant)
    if by == "stars":
        labels: list[object] = [1, 2, 3, 4, 5]
        codes = state.stars - 1
    elif by == "period":
        if len(state.created) == 0:
            return pd.DataFrame(columns=list(REPLY_TABLE_COLUMNS))
        first = period_start(to_utc_timestamp(start) if start is not None
                             else pd.Timestamp(int(state.created.min()), tz="UTC"), freq)
        edges = period_starts(first, instant, freq)
        codes = np.searchsorted(edges.asi8, state.created, side="right") - 1
        labels = list(edges[:-1])
    else:
        raise ValueError(f"by must be 'period' or 'stars', got {by!r}.")
    groups = len(labels)
    inside = (codes >= 0) & (codes < groups)
    reviews_n = np.bincount(codes[inside], minlength=groups)
    known_n = np.bincount(codes[inside & state.known], minlength=groups)
    replied_n = np.bincount(codes[inside & state.answered], minlength=groups)
    rows = []
    for code, curve in enumerate(_curves(state, codes, groups)):
        timed = curve.timed
        rows.append({
            "group": labels[code],
            "reviews": int(reviews_n[code]),
            "known": int(known_n[code]),
            "replied": int(replied_n[code]),
            "reply_rate": replied_n[code] / known_n[code] if known_n[code] else math.nan,
            "median_hours": curve.quantile(0.5) if timed else None,
            "p90_hours": curve.quantile(0.9) if timed else None,
            "within_day": curve.at(WITHIN_HOURS[0]) if timed else math.nan,
            "within_week": curve.at(WITHIN_HOURS[1]) if timed else math.nan,
        })
    table = pd.DataFrame(rows).set_index("group")
    table.index.name = "stars" if by == "stars" else "period"
    for column in ("median_hours", "p90_hours"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    return table.loc[:, list(REPLY_TABLE_COLUMNS)]


BACKLOG_COLUMNS: tuple[str, ...] = ("created_at", "rating", "age_days")


def backlog(reviews: pd.DataFrame, *, as_of: object = None,
            stars: tuple[int, ...] | None = None) -> pd.DataFrame:
    """The reviews not answered by ``as_of`` (status known), lowest stars first and,
    within a star, oldest first: the reviews still waiting, with ``age_days`` (their age
    at ``as_of``) added to their own columns (``created_at``, ``rating``, then
    ``age_days`` and the rest). ``stars`` keeps only those stars."""
    instant = _as_of(reviews, as_of)
    state = _state(reviews, instant)
    waiting = state.known & ~state.answered
    if stars is not None:
        waiting &= np.isin(state.stars, stars)
    order = np.lexsort((state.created[waiting], state.stars[waiting]))
    rows = reviews.iloc[state.positions[waiting][order]].copy()
    rows.insert(2, "age_days", state.waited_hours[waiting][order] / HOURS_PER_DAY)
    return rows


@dataclass(frozen=True)
class UpdatesAfterReply:
    """Where the data has review update dates: the negative reviews answered, and how
    many of them the reviewer updated after the reply. The stars before an update are
    not in any export, so the change of stars cannot be told."""

    negative_answered: int
    updated_after_reply: int


def updates_after_reply(reviews: pd.DataFrame, *, as_of: object = None
                        ) -> UpdatesAfterReply | None:
    """:class:`UpdatesAfterReply` at ``as_of``, or None when the data has no
    ``updated_at`` or no reply dates."""
    if "updated_at" not in reviews.columns or "reply_at" not in reviews.columns:
        return None
    instant = _as_of(reviews, as_of)
    state = _state(reviews, instant)
    rows = reviews.iloc[state.positions]
    negative = np.isin(state.stars, NEGATIVE_STARS) & state.answered
    updated = pd.DatetimeIndex(rows["updated_at"]).as_unit("ns")
    reply = pd.DatetimeIndex(rows["reply_at"]).as_unit("ns")
    after = np.asarray(updated.notna()) & np.asarray(reply.notna()) & (updated.asi8 > reply.asi8)
    after &= updated.asi8 <= instant.as_unit("ns").value
    return UpdatesAfterReply(int(negative.sum()), int((negative & after).sum()))
