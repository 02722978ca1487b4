"""Display rounding, labels, the KPI index and the distances to the next boundary."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring.display import LabelBands, five_stars_needed


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


@pytest.mark.parametrize("model", ["trustpilot", "decayed-prior"])
def test_five_stars_needed_matches_a_direct_check(model: str) -> None:
    # Nothing yet: prior only (3.5). To reach 4.25 (shown 4.3 / 4.5 stars): 7 five-stars.
    empty = {"decayed_stars": 0.0, "decayed_count": 0.0, "prior_count": 7, "prior_mean": 3.5,
             "reviews": 0, "model": model}
    assert five_stars_needed(4.25, **empty) == 7
    assert five_stars_needed(3.0, **empty) == 0
    assert five_stars_needed(5.0, **empty) is None


@settings(max_examples=300, deadline=None)
@given(
    reviews=st.integers(0, 400), weight_share=st.floats(0.001, 1), mean=st.floats(1, 5),
    target=st.sampled_from([1.75, 2.75, 3.75, 4.25, 4.75, 4.95]),
)
def test_five_stars_needed_under_the_fitted_model_is_the_smallest_count(
    reviews: int, weight_share: float, mean: float, target: float
) -> None:
    """Against a plain count-up: add 5-star reviews today one by one."""
    b = weight_share * reviews
    a = mean * b
    got = five_stars_needed(target, decayed_stars=a, decayed_count=b, prior_count=7,
                                    prior_mean=3.5, reviews=reviews)

    def score_after(k: int) -> float:
        if reviews + k == 0:
            return 3.5
        return (24.5 + (reviews + k) * (a + 5 * k) / (b + k)) / (7 + reviews + k)

    expected = next(k for k in range(100_000) if score_after(k) >= target - 1e-9)
    assert got == expected


def test_five_stars_needed_wants_the_count_under_the_fitted_model() -> None:
    with pytest.raises(ValueError, match="review count"):
        five_stars_needed(4.0, decayed_stars=1.0, decayed_count=1.0, prior_count=7,
                                  prior_mean=3.5)
