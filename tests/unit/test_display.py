"""Display rounding, labels, the KPI index and the distances to the next boundary."""

from __future__ import annotations

import pytest

import scoring
from scoring.display import LabelBands


@pytest.mark.parametrize(
    ("raw", "shown", "stars", "label"),
    [
        (4.25, 4.3, 4.5, "Excellent"),
        (4.2499999999999, 4.3, 4.5, "Excellent"),
        (4.249, 4.2, 4.0, "Great"),
        (3.25, 3.3, 3.5, "Average"),
        (3.75, 3.8, 4.0, "Great"),
        (3.749, 3.7, 3.5, "Average"),
        (2.75, 2.8, 3.0, "Average"),
        (1.75, 1.8, 2.0, "Poor"),
        (1.74, 1.7, 1.5, "Bad"),
        (1.0, 1.0, 1.0, "Bad"),
        (5.0, 5.0, 5.0, "Excellent"),
        (0.05, 0.1, 0.0, "Bad"),
    ],
)
def test_rounding_halves_up_and_labels(raw: float, shown: float, stars: float, label: str) -> None:
    assert scoring.display_score(raw) == shown
    assert scoring.star_rating(raw) == stars
    assert scoring.label(raw) == label


def test_python_round_would_be_wrong_here() -> None:
    assert round(4.25, 1) == 4.2  # banker's rounding; ours must not do this
    assert round(2.5) == 2
    assert scoring.display_score(4.25) == 4.3


def test_label_bands_are_parameters() -> None:
    strict = LabelBands(excellent=4.5, great=4.0, average=3.0, poor=2.0)
    assert scoring.label(4.3, strict) == "Great"
    with pytest.raises(ValueError, match="increase"):
        LabelBands(excellent=3.0, great=4.0)


def test_kpi_index_and_bands() -> None:
    assert scoring.kpi_index(1) == 0
    assert scoring.kpi_index(5) == 100
    assert scoring.kpi_index(4.25) == pytest.approx(81.25)
    assert scoring.kpi_band(81.25) == "Excellent"
    assert scoring.kpi_band(80) == "Good"
    assert scoring.kpi_band(70) == "Good"
    assert scoring.kpi_band(69.9) == "Poor"


def test_gaps_to_the_next_boundaries() -> None:
    g = scoring.gaps(4.1)  # shows 4.1, 4.0 stars, Great
    assert g.next_stars == 4.5
    assert g.star_up == pytest.approx(0.15)
    assert g.star_down == pytest.approx(0.35)
    assert g.next_label == "Excellent"
    assert g.label_up == pytest.approx(0.15)
    assert g.label_down == pytest.approx(0.35)
    top = scoring.gaps(5.0)
    assert top.next_stars is None and top.next_label is None and top.star_up is None


def test_five_stars_needed_matches_a_direct_check() -> None:
    # Nothing yet: prior only (3.5). To reach 4.25 (shown 4.3 / 4.5 stars): 7 five-stars.
    k = scoring.five_stars_needed(
        4.25, decayed_stars=0.0, decayed_count=0.0, prior_count=7, prior_mean=3.5
    )
    assert k == 7
    assert scoring.five_stars_needed(
        3.0, decayed_stars=0.0, decayed_count=0.0, prior_count=7, prior_mean=3.5
    ) == 0
    assert scoring.five_stars_needed(
        5.0, decayed_stars=0.0, decayed_count=0.0, prior_count=7, prior_mean=3.5
    ) is None
