"""Reply figures: rates, the Kaplan-Meier time to reply, the profile figures, the backlog."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring import replies

T = pd.Timestamp("2026-06-30 12:00", tz="UTC")


def table(rows: list[tuple[float, int, float | None]], **extra: list[object]) -> pd.DataFrame:
    """(days before T, stars, hours to reply or None) per review; reply_at from the hours."""
    created = [T - pd.Timedelta(days=days) for days, _, _ in rows]
    reply = [c + pd.Timedelta(hours=h) if h is not None else pd.NaT
             for c, (_, _, h) in zip(created, rows, strict=True)]
    return pd.DataFrame({
        "created_at": pd.to_datetime(created, utc=True),
        "rating": [stars for _, stars, _ in rows],
        "reply_at": pd.to_datetime(reply, utc=True),
        **extra,
    })


def naive_share_within(durations: list[float], answered: list[bool], t: float) -> float:
    """Kaplan-Meier by distinct event times, written out plainly."""
    survival = 1.0
    for time in sorted({d for d, a in zip(durations, answered, strict=True) if a}):
        if time > t:
            break
        at_risk = sum(1 for d in durations if d >= time)
        events = sum(1 for d, a in zip(durations, answered, strict=True) if a and d == time)
        survival *= 1 - events / at_risk
    return 1 - survival


def test_every_review_answered_is_the_plain_share() -> None:
    reviews = table([(10, 1, 2.0), (10, 1, 5.0), (10, 2, 30.0), (10, 1, 200.0)])
    curve = replies.answered_within(reviews, as_of=T)
    assert curve.at(1) == 0.0
    assert curve.at(5) == pytest.approx(0.5)
    assert curve.at(24) == pytest.approx(0.5)
    assert curve.at(48) == pytest.approx(0.75)
    assert curve.quantile(0.5) == 5.0
    assert curve.quantile(0.9) == 200.0


def test_unanswered_reviews_are_censored_not_dropped() -> None:
    """Two answered within 2 h, two still waiting after 10 days: dropping the waiting
    ones would say 100% within 2 h; the curve says half, and no median beyond that."""
    reviews = table([(10, 1, 1.0), (10, 1, 2.0), (10, 1, None), (10, 2, None)])
    curve = replies.answered_within(reviews, as_of=T)
    assert curve.at(24) == pytest.approx(0.5)
    assert curve.quantile(0.5) == 2.0
    assert curve.quantile(0.9) is None
    # A review only a day old that is not answered yet weighs less than an old one.
    recent = table([(1, 1, None), (10, 1, 30.0), (10, 1, 40.0)])
    curve = replies.answered_within(recent, as_of=T)
    assert curve.at(48) == pytest.approx(1.0)  # the young one left the risk set at 24 h


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(1, 400), st.sampled_from([1.0, 3.0, 24.0, 100.0,
                                                                       None])),
                     min_size=1, max_size=40),
       t=st.sampled_from([0.5, 3.0, 24.0, 100.0, 5000.0]))
def test_kaplan_meier_equals_a_plain_recomputation(rows: list[tuple[int, float | None]],
                                                   t: float) -> None:
    reviews = table([(days, 1, hours) for days, hours in rows])
    # A reply later than T had not come yet at T: that review waited days * 24 hours.
    answered = [hours is not None and hours <= days * 24.0 for days, hours in rows]
    durations = [hours if done else days * 24.0
                 for (days, hours), done in zip(rows, answered, strict=True)]
    curve = replies.answered_within(reviews, as_of=T)
    assert curve.at(t) == pytest.approx(naive_share_within(durations, answered, t), abs=1e-12)
    assert np.all(np.diff(curve.share) >= -1e-15) and 0 <= curve.at(1e9) <= 1


def test_the_profile_figures() -> None:
    reviews = table([
        (400, 1, None),   # older than 12 months: not in the profile figures
        (100, 1, 10.0), (50, 2, 30.0), (20, 1, None), (5, 2, 3.0),
        (30, 5, None), (10, 4, 1.0),
    ])
    summary = replies.reply_summary(reviews, as_of=T)
    assert summary.negative_reviews == 4 and summary.negative_replied == 3
    assert summary.negative_reply_rate == pytest.approx(0.75)
    assert summary.waiting == 1 and summary.oldest_waiting_days == pytest.approx(20)
    assert summary.reviews == 7 and summary.known == 7 and summary.replied == 4
    assert summary.reply_rate == pytest.approx(4 / 7)
    assert summary.typical_reply_hours == 10.0  # KM median of 3, 10, 30 and a censored 480
    assert summary.within_day == pytest.approx(0.5)


def test_a_reply_after_as_of_had_not_happened_yet() -> None:
    reviews = table([(2, 1, 72.0)])  # answered three days after a review two days old
    assert replies.reply_summary(reviews, as_of=T).negative_replied == 0
    later = replies.reply_summary(reviews, as_of=T + pd.Timedelta(days=2))
    assert later.negative_replied == 1 and later.typical_reply_hours == 72.0


def test_unknown_times_and_early_replies_count_as_answered_not_timed() -> None:
    reviews = table([(10, 1, -5.0), (10, 1, 4.0), (10, 1, None)],
                    replied=pd.array([True, True, True], dtype="boolean"))
    summary = replies.reply_summary(reviews, as_of=T)
    assert summary.suspicious == 1  # a reply dated before its review
    assert summary.negative_replied == 3 and summary.waiting == 0
    curve = replies.answered_within(reviews, as_of=T)
    assert curve.reviews == 1 and curve.at(4) == 1.0  # only the one with a good time


def test_rows_that_cannot_tell_are_left_out_and_no_reply_data_says_nothing() -> None:
    reviews = table([(10, 1, None), (10, 1, None), (10, 1, 2.0)],
                    replied=pd.array([False, None, True], dtype="boolean"))
    summary = replies.reply_summary(reviews, as_of=T)
    assert summary.known == 2 and summary.negative_reviews == 2
    assert summary.negative_reply_rate == pytest.approx(0.5)
    bare = reviews.drop(columns=["reply_at", "replied"])
    assert not replies.has_replies(bare)
    empty = replies.reply_summary(bare, as_of=T)
    assert empty.reply_rate is None and empty.negative_reply_rate is None
    assert empty.typical_reply_hours is None and empty.waiting == 0


def test_tables_by_stars_and_period() -> None:
    reviews = table([(40, 1, 2.0), (40, 1, None), (10, 5, 1.0), (10, 5, 100.0), (10, 3, None)])
    by_stars = replies.reply_table(reviews, by="stars", as_of=T)
    assert list(by_stars.index) == [1, 2, 3, 4, 5]
    assert by_stars.loc[1, "reply_rate"] == pytest.approx(0.5)
    assert by_stars.loc[5, "median_hours"] == 1.0 and by_stars.loc[5, "within_day"] == 0.5
    assert by_stars.loc[2, "reviews"] == 0 and np.isnan(by_stars.loc[2, "reply_rate"])
    by_month = replies.reply_table(reviews, by="period", freq="M", as_of=T)
    assert by_month["reviews"].sum() == 5
    assert list(by_month.columns) == list(replies.REPLY_TABLE_COLUMNS)


def test_backlog_lowest_then_oldest() -> None:
    reviews = table([(5, 3, None), (30, 1, None), (3, 1, None), (9, 2, 1.0), (60, 5, None)],
                    title=["c", "a", "b", "x", "d"])
    waiting = replies.backlog(reviews, as_of=T)
    assert waiting["title"].tolist() == ["a", "b", "c", "d"]
    assert waiting["age_days"].tolist() == pytest.approx([30, 3, 5, 60])
    assert list(waiting.columns[:3]) == ["created_at", "rating", "age_days"]
    negative = replies.backlog(reviews, as_of=T, stars=(1, 2))
    assert negative["title"].tolist() == ["a", "b"]


def test_updates_after_a_reply() -> None:
    reviews = table([(20, 1, 5.0), (20, 2, 5.0), (20, 1, None)])
    assert replies.updates_after_reply(reviews, as_of=T) is None
    reviews["updated_at"] = pd.to_datetime(
        [T - pd.Timedelta(days=10), T - pd.Timedelta(days=25), pd.NaT], utc=True)
    found = replies.updates_after_reply(reviews, as_of=T)
    assert found == replies.UpdatesAfterReply(negative_answered=2, updated_after_reply=1)


def test_a_large_table_agrees_with_a_plain_recount() -> None:
    """200,000 reviews: the profile counts against pandas filters (speed is measured in
    benchmarks/, not here)."""
    rng = np.random.default_rng(0)
    n = 200_000
    created = T - pd.to_timedelta(rng.uniform(0, 700, n), unit="D")
    answered = rng.random(n) < 0.6
    delay = pd.to_timedelta(rng.exponential(30, n), unit="h")
    reviews = pd.DataFrame({
        "created_at": created, "rating": rng.integers(1, 6, n),
        "reply_at": pd.Series(created + delay).where(answered),
    })
    summary = replies.reply_summary(reviews, as_of=T)
    recent = (reviews["created_at"] > T - pd.Timedelta(days=365)) & reviews["rating"].isin([1, 2])
    answered_now = reviews["reply_at"].notna() & (reviews["reply_at"] <= T)
    assert summary.negative_reviews == int(recent.sum())
    assert summary.negative_replied == int((recent & answered_now).sum())


@pytest.mark.real_data
def test_a_real_profile_that_only_says_whether_it_replied(fidelity_data: Path) -> None:
    """nsave.csv (140 real reviews) has a replied true/false column and no reply dates:
    rates and the backlog, and no reply time (none can be told)."""
    reviews = scoring.load_reviews(fidelity_data / "reviews" / "nsave.csv").reviews
    raw = pd.read_csv(fidelity_data / "reviews" / "nsave.csv")
    summary = replies.reply_summary(reviews)
    assert summary.known == len(raw) and summary.replied == int(raw["replied"].sum())
    assert summary.typical_reply_hours is None and summary.within_day is None
    assert len(replies.backlog(reviews)) == int((~raw["replied"]).sum())
    by_stars = replies.reply_table(reviews, by="stars")
    assert by_stars["replied"].sum() == summary.replied
