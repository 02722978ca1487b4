"""The Overview's sentences: where the score stands and how far the next boundaries are."""

from __future__ import annotations

import scoring
from scoring.display import LABELS
from ui import format as fmt

MAX_REVIEWS_WORTH_SAYING = 5000


def _reviews_today(count: int | None) -> str:
    if count is None or count > MAX_REVIEWS_WORTH_SAYING:
        return ""
    return f" ({fmt.count_text(count)} five-star review{'s' if count != 1 else ''} today)"


def distance_lines(snap: scoring.Snapshot) -> list[str]:
    """Markdown lines: the next half star and label up and down, with the 5-star reviews
    that would reach the next ones. Built from numbers and fixed labels only."""
    gaps = snap.gaps
    if gaps.next_stars is not None and gaps.star_up is not None:
        up = (f"{fmt.stars_text(gaps.next_stars)} is **+{gaps.star_up:.2f}** away"
              f"{_reviews_today(snap.five_stars_to_next_half_star)}")
    else:
        up = "5 stars is the top"
    down = (f"{fmt.stars_text(snap.stars - 0.5)} is **{gaps.star_down:.2f}** below"
            if gaps.star_down is not None else "1 star is the bottom")
    lines = [f"**Stars**: {up}; {down}."]
    if gaps.next_label is not None and gaps.label_up is not None:
        up = (f"{gaps.next_label} is **+{gaps.label_up:.2f}** away"
              f"{_reviews_today(snap.five_stars_to_next_label)}")
    else:
        up = f"{snap.label} is the top label"
    position = LABELS.index(snap.label)
    if gaps.label_down is not None and position + 1 < len(LABELS):
        down = f"{LABELS[position + 1]} is **{gaps.label_down:.2f}** below"
    else:
        down = "Bad is the bottom label"
    lines.append(f"**Label**: {up}; {down}.")
    return lines
