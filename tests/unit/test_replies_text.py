"""The Replies page's words for its figures (ui/replies/text.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.replies import ReplySummary
from ui.replies import text


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(0.2, "12 minutes"), (1, "1 hour"), (5.4, "5 hours"), (36, "1.5 days"), (400, "2 weeks"),
     (None, "not reached"), (float("nan"), "not reached")],
)
def test_durations(hours: float | None, expected: str) -> None:
    assert text.duration_text(hours) == expected


def test_changes_over_90_days() -> None:
    assert text.change_text(0.8, 0.7, points=True) == "+10 pts in 90 days"
    assert text.change_text(5.0, 29.0, points=False) == "-24 hours in 90 days"
    assert text.change_text(None, 0.7, points=True) is None


def summary(**changes: object) -> ReplySummary:
    base = dict(as_of=pd.Timestamp("2026-01-01", tz="UTC"), reviews=100, known=100, replied=40,
                reply_rate=0.4, negative_reviews=20, negative_replied=15,
                negative_reply_rate=0.75, typical_reply_hours=30.0, p90_reply_hours=None,
                within_day=0.4, within_week=0.7, waiting=5, oldest_waiting_days=40.0,
                suspicious=0)
    return ReplySummary(**{**base, **changes})  # type: ignore[arg-type]


def test_the_overview_sentence() -> None:
    assert text.profile_sentence(summary()) == (
        "Replied to 75% of the 20 negative reviews of the last 12 months, typically within "
        "30 hours; 5 still waiting.")
    assert "fewer than half" in text.profile_sentence(summary(typical_reply_hours=None))
    assert "the data gives no reply times" in text.profile_sentence(
        summary(typical_reply_hours=None, within_day=None))
    assert text.profile_sentence(summary(negative_reply_rate=None)).startswith("No negative")
    assert text.backlog_caption(0, None).startswith("Every review")
