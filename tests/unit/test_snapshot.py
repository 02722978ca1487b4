"""The Overview's figures against direct engine calls."""

from __future__ import annotations

import pandas as pd
import pytest

import scoring

T = pd.Timestamp("2025-06-30 12:00", tz="UTC")


def table(rows: list[tuple[float, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "created_at": pd.to_datetime([T - pd.Timedelta(days=a) for a, _ in rows], utc=True),
            "rating": [s for _, s in rows],
        }
    )


def test_snapshot_matches_the_engine() -> None:
    reviews = table([(0, 5), (10, 4), (40, 1), (100, 5), (200, 3), (20, 5)])
    snap = scoring.snapshot(reviews)
    assert snap.as_of == T
    assert snap.score == pytest.approx(scoring.trust_score(reviews, as_of=T))
    assert snap.change_30d == pytest.approx(
        snap.score - scoring.trust_score(reviews, as_of=T - pd.Timedelta(days=30))
    )
    assert snap.change_90d == pytest.approx(
        snap.score - scoring.trust_score(reviews, as_of=T - pd.Timedelta(days=90))
    )
    assert snap.reviews == 6
    assert snap.reviews_last_28d == 3
    _, b, _ = scoring.decayed_sums(reviews, as_of=T)
    assert snap.effective_reviews == pytest.approx(b)
    assert snap.display_score == scoring.display_score(snap.score)
    assert snap.label == scoring.label(snap.score)
    assert snap.kpi_index == pytest.approx(scoring.kpi_index(snap.score))


def test_five_stars_needed_really_reach_the_next_half_star() -> None:
    reviews = table([(0, 3), (5, 4), (30, 2)])
    snap = scoring.snapshot(reviews)
    k = snap.five_stars_to_next_half_star
    assert k is not None and k > 0
    more = pd.concat([reviews, table([(0, 5)] * k)], ignore_index=True)
    fewer = pd.concat([reviews, table([(0, 5)] * (k - 1))], ignore_index=True)
    assert scoring.star_rating(scoring.trust_score(more, as_of=T)) == snap.gaps.next_stars
    assert scoring.star_rating(scoring.trust_score(fewer, as_of=T)) < snap.gaps.next_stars


def test_snapshot_without_reviews() -> None:
    empty = table([])
    snap = scoring.snapshot(empty, as_of=T)
    assert not snap.has_reviews
    assert snap.score == 3.5
