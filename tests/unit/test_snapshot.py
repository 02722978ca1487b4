"""The Overview's figures against direct engine calls."""

from __future__ import annotations

from functools import partial

import pandas as pd
import pytest

import scoring
from scoring.model import decayed_sums
from tests.helpers import reviews_at

T = pd.Timestamp("2025-06-30 12:00", tz="UTC")


table = partial(reviews_at, T)
"""A review table from (age in days at T, stars) pairs."""


MODELS = ("trustpilot", "decayed-prior")


@pytest.mark.parametrize("model", MODELS)
def test_snapshot_matches_the_engine(model: str) -> None:
    reviews = table([(0, 5), (10, 4), (40, 1), (100, 5), (200, 3), (20, 5)])
    snap = scoring.snapshot(reviews, model=model)
    assert snap.as_of == T and snap.model == model
    assert snap.score == pytest.approx(scoring.trust_score(reviews, as_of=T, model=model))
    assert snap.change_30d == pytest.approx(
        snap.score - scoring.trust_score(reviews, as_of=T - pd.Timedelta(days=30), model=model)
    )
    assert snap.change_90d == pytest.approx(
        snap.score - scoring.trust_score(reviews, as_of=T - pd.Timedelta(days=90), model=model)
    )
    assert snap.reviews == 6
    assert snap.reviews_last_28d == 3
    _, b, _ = decayed_sums(reviews, as_of=T)
    assert snap.effective_reviews == pytest.approx(b)
    assert snap.display_score == scoring.display_score(snap.score)
    assert snap.label == scoring.label(snap.score)
    assert snap.kpi_index == pytest.approx(scoring.kpi_index(snap.score))


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("rows", [[(0, 3), (5, 4), (30, 2)], [(400, 2)] * 30 + [(0, 3)]])
def test_five_stars_needed_really_reach_the_next_half_star(
    model: str, rows: list[tuple[float, int]]
) -> None:
    reviews = table(rows)
    snap = scoring.snapshot(reviews, model=model)
    k = snap.five_stars_to_next_half_star
    assert k is not None and k > 0

    def stars_with(extra: int) -> float:
        more = pd.concat([reviews, table([(0, 5)] * extra)], ignore_index=True)
        return scoring.star_rating(scoring.trust_score(more, as_of=T, model=model))

    assert stars_with(k) == snap.gaps.next_stars
    assert stars_with(k - 1) < snap.gaps.next_stars


def test_the_fitted_score_is_flat_after_the_last_review() -> None:
    reviews = table([(100, 5), (120, 4), (200, 1)])
    snap = scoring.snapshot(reviews, as_of=T)  # the newest review is 100 days old
    assert snap.change_30d == 0.0 and snap.change_90d == 0.0
    drifted = scoring.snapshot(reviews, as_of=T, model="decayed-prior")
    assert drifted.change_90d != 0.0


def test_snapshot_without_reviews() -> None:
    empty = table([])
    snap = scoring.snapshot(empty, as_of=T)
    assert not snap.has_reviews
    assert snap.score == 3.5
