"""Formatting of numbers and stars for display (pure functions, no streamlit)."""

from __future__ import annotations

import math

import pandas as pd

import scoring
from scoring.periods import DAYS_PER_MONTH, DAYS_PER_YEAR
from scoring.readings import PublishedReading

STAR_GREEN = "#00b67a"
STAR_EMPTY = "#dcdce6"
LABEL_COLOURS: dict[str, str] = {
    "Excellent": "#00b67a",
    "Great": "#73cf11",
    "Average": "#ffce00",
    "Poor": "#ff8622",
    "Bad": "#ff3722",
}


def score_text(score: float) -> str:
    """The TrustScore as Trustpilot shows it: one decimal, halves up ("4.3")."""
    return f"{scoring.display_score(score):.1f}"


def stars_text(stars: float) -> str:
    """A half-star rating as text, e.g. "4.5 stars"."""
    return f"{stars:g} star" + ("" if stars == 1 else "s")


def count_text(n: float) -> str:
    """A count with thousands separators; fractional counts keep one decimal below 100."""
    if isinstance(n, float) and not n.is_integer() and abs(n) < 100:
        return f"{n:,.1f}"
    return f"{round(n):,}"


def signed(x: float, decimals: int = 2) -> str:
    """A change with its sign ("+0.12", "-0.05", "±0.00")."""
    if math.isnan(x):
        return "n/a"
    if round(x, decimals) == 0:
        return f"±{0:.{decimals}f}"
    return f"{x:+.{decimals}f}"


def stars_html(stars: float, size: int = 30) -> str:
    """Five Trustpilot-style star tiles, ``stars`` (a multiple of 0.5) of them filled.

    Plain HTML with inline styles (``st.html`` strips SVG); built only from numbers,
    never from user text.
    """
    tiles = []
    for position in range(5):
        fill = min(max(stars - position, 0.0), 1.0) * 100
        tiles.append(
            f'<span style="display:inline-block;width:{size}px;height:{size}px;'
            f"margin-right:3px;text-align:center;line-height:{size}px;color:white;"
            f"font-size:{int(size * 0.8)}px;background:linear-gradient(90deg,{STAR_GREEN} "
            f'{fill:.0f}%,{STAR_EMPTY} {fill:.0f}%)">★</span>'
        )
    return (
        f'<div data-testid="headline-stars" title="{stars:g} out of 5 stars">'
        f'{"".join(tiles)}</div>'
    )


_MARKDOWN_PUNCTUATION = set("\\`*_{}[]()<>#+-.!|~:$=\"'&")


def escape_markdown(text: object) -> str:
    """User text made inert for Streamlit markdown: every ASCII punctuation character
    that markdown or Streamlit directives could read is backslash-escaped, so a
    company called ``**Evil** [x](javascript:...)`` shows exactly as typed."""
    return "".join("\\" + ch if ch in _MARKDOWN_PUNCTUATION else ch for ch in str(text))


def time_span(span: pd.Timedelta) -> str:
    """A duration as people say it: '12 days', '5 months', '3.2 years'."""
    days = span / pd.Timedelta(days=1)
    if days < 61:
        whole = round(days)
        return f"{whole} day" if whole == 1 else f"{whole} days"
    if days < 730:
        return f"{round(days / DAYS_PER_MONTH)} months"
    return f"{days / DAYS_PER_YEAR:.1f} years"


def reading_text(reading: PublishedReading) -> str:
    """A published reading in words: "The saved Trustpilot page acme.html showed
    TrustScore 4.3 with 1,234 reviews on 2 Dec 2026, 10:15 UTC." (plain text: escape
    it for markdown, the source names a file)."""
    score = reading.score
    shown = f"{score:.1f}" if round(score * 10) == score * 10 else f"{score:g}"
    count = "" if reading.review_count is None else f" with {reading.review_count:,} reviews"
    when = f"{reading.at.day} {reading.at:%b %Y, %H:%M} UTC"
    what = f"TrustScore {shown}{count} on {when}."
    if reading.source.startswith("saved "):
        return f"The {reading.source} showed {what}"
    return f"{reading.source[:1].upper()}{reading.source[1:]}: {what}"
