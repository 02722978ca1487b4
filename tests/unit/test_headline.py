"""The Overview's distance sentences agree with the snapshot."""

from __future__ import annotations

import pandas as pd

import scoring
from ui.headline import distance_lines

T = pd.Timestamp("2025-01-01", tz="UTC")


def snap_of(stars: list[int]) -> scoring.Snapshot:
    reviews = pd.DataFrame(
        {"created_at": pd.to_datetime([T] * len(stars), utc=True), "rating": stars}
    )
    return scoring.snapshot(reviews)


def test_lines_for_a_great_score() -> None:
    snap = snap_of([5, 5, 5, 4, 4])  # (24.5 + 23) / 12 = 3.958: shows 4.0, 4 stars, Great
    stars, label = distance_lines(snap)
    assert "4.5 stars is **+0.29** away" in stars
    assert "3.5 stars is **0.21** below" in stars
    assert f"({snap.five_stars_to_next_half_star} five-star reviews today)" in stars
    assert "Excellent is **+0.29** away" in label
    assert "Average is **0.21** below" in label


def test_lines_at_the_top_label() -> None:
    snap = snap_of([5] * 7)
    _, label = distance_lines(snap)
    assert "Excellent is the top label" in label
    assert "Great is **0.00** below" in label
