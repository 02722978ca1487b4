"""How the Replies page words its figures (no streamlit, unit tested)."""

from __future__ import annotations

import math

from scoring import briefing
from scoring.replies import ReplySummary

NOT_IN_SCORE = (
    "Replies do not enter the TrustScore formula: the score is the reviews' stars only. "
    "They are what a visitor reads beside it, what Trustpilot shows on the profile (the "
    "share of negative reviews answered, and how fast), and the one thing a business can do "
    "about a review already written."
)


def duration_text(hours: float | None) -> str:
    """A time to reply as people say it: '40 minutes', '6 hours', '1.5 days', '3 weeks';
    'not reached' for None."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return "not reached"
    return briefing.duration_text(hours)


def share_text(share: float | None) -> str:
    """A share as a whole percentage ('n/a' for None)."""
    return "n/a" if share is None else f"{share:.0%}"


def change_text(now: float | None, then: float | None, *, points: bool) -> str | None:
    """The change between two shares in percentage points (``points``) or two durations
    in hours, for a metric's delta; None when either is unknown."""
    if now is None or then is None:
        return None
    if points:
        return f"{(now - then) * 100:+.0f} pts in 90 days"
    return f"{'+' if now >= then else '-'}{duration_text(abs(now - then))} in 90 days"


def profile_sentence(summary: ReplySummary) -> str:
    """The profile figures in one sentence (the Overview's line)."""
    if summary.negative_reply_rate is None:
        return "No negative reviews in the last 12 months to reply to."
    typical = summary.typical_reply_hours
    if summary.within_day is None:
        speed = "the data gives no reply times"
    elif typical is not None:
        speed = f"typically within {duration_text(typical)}"
    else:
        speed = "fewer than half of them answered so far"
    return (f"Replied to {share_text(summary.negative_reply_rate)} of the "
            f"{summary.negative_reviews:,} negative reviews of the "
            f"last 12 months, {speed}; {summary.waiting:,} still waiting.")


def backlog_caption(count: int, oldest_days: float | None) -> str:
    """What the backlog table holds."""
    if count == 0:
        return "Every review with a known reply status has been answered."
    oldest = f" The oldest has waited {oldest_days:,.0f} days." if oldest_days else ""
    return (f"{count:,} reviews without a reply, lowest stars first and, within a star, "
            f"oldest first.{oldest}")
