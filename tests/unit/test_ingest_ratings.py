"""Star ratings in every form exports write them (scoring.ingest.ratings)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.errors import ReviewDataError
from scoring.ingest import load_reviews
from scoring.ingest.ratings import parse_rating_text, parse_ratings, rating_shares


@pytest.mark.parametrize(
    ("text", "stars"),
    [
        ("5", 5),
        ("1", 1),
        ("5.0", 5),
        ("4,0", 4),
        ("5 stars", 5),
        (" 1 star ", 1),
        (" 5 stars ", 5),
        ("3 Sterne", 3),
        ("4/5", 4),
        ("4 / 5", 4),
        ("Rated 4 out of 5", 4),
        ("Rated 2 out of 5 stars", 2),
        ("Bewertet mit 1 von 5 Sternen", 1),
        ("Noté 3 sur 5 étoiles", 3),
        ("★★★★☆", 4),
        ("★☆☆☆☆", 1),
        ("⭐⭐⭐", 3),
        ("FIVE", 5),
        ("ONE", 1),
        ("three", 3),
        ("five stars", 5),
        ("vier", 4),
        ("cinq", 5),
    ],
)
def test_rating_forms(text: str, stars: int) -> None:
    result = parse_ratings(pd.Series([text], dtype="str"))
    assert result.stars.tolist() == [stars]


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "0",
        "6",
        "4.5",
        "1 Bewertung",
        "16 Bewertungen",
        "STAR_RATING_UNSPECIFIED",
        "-1",
        "5 likes",
    ],
)
def test_not_ratings(text: str) -> None:
    result = parse_ratings(pd.Series([text, "5", "4", "3", "2", "1"], dtype="str"))
    assert np.isnan(result.stars[0])
    assert not result.empty[0]


def test_empty_values_are_marked_empty() -> None:
    result = parse_ratings(pd.Series(["", None, "  ", "5"], dtype="str"))
    assert result.empty.tolist() == [True, True, True, False]


def test_numeric_columns() -> None:
    result = parse_ratings(pd.Series([1.0, 5.0, np.nan, 4.5, 3]))
    assert result.stars[[0, 1, 4]].tolist() == [1, 5, 3]
    assert np.isnan(result.stars[3])
    assert result.empty.tolist() == [False, False, True, False, False]


def test_stated_scale() -> None:
    assert parse_rating_text("7/10") == (7.0, 10)
    assert parse_rating_text("Rated 4 out of 5") == (4.0, 5)
    assert parse_rating_text("nonsense") == (None, None)
    assert parse_rating_text("1/17000000001700000000") == (None, None)  # found by fuzzing


def test_ten_point_scale_is_detected_and_needs_confirmation() -> None:
    values = pd.Series(["0", "3", "7", "8", "10", "9", "6"], dtype="str")
    with pytest.raises(ReviewDataError, match="rating_scale=10") as info:
        parse_ratings(values, column="score")
    assert "0-10" in str(info.value)
    converted = parse_ratings(values, rating_scale=10)
    assert converted.stars.tolist() == [1, 2, 4, 4, 5, 5, 3]
    assert converted.scale == 10
    as_five = parse_ratings(values, rating_scale=5)
    assert np.isnan(as_five.stars[2]) and as_five.stars[1] == 3


def test_one_to_ten_scale_via_load() -> None:
    data = b"date,score\n" + b"".join(
        f"2024-01-{d:02d},{s}\n".encode() for d, s in zip(range(1, 11), range(1, 11), strict=True)
    )
    with pytest.raises(ReviewDataError, match="1-10 scale"):
        load_reviews(data)
    result = load_reviews(data, rating_scale=10)
    assert result.reviews["rating"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert result.report.rating_scale == 10
    assert any("converted to stars" in w for w in result.report.warnings)


def test_stray_value_above_five_is_rejected_not_a_scale() -> None:
    values = pd.Series(["5"] * 2000 + ["7"], dtype="str")
    result = parse_ratings(values)
    assert np.isnan(result.stars[-1])


def test_invalid_rating_scale_argument() -> None:
    with pytest.raises(ReviewDataError, match="rating_scale"):
        parse_ratings(pd.Series(["5"]), rating_scale=7)


def test_rating_shares_tells_a_review_count_from_a_rating() -> None:
    count = pd.Series(["1 Bewertung", "16 Bewertungen", "2 Bewertungen"], dtype="str")
    stars = pd.Series(["Bewertet mit 1 von 5 Sternen", "Bewertet mit 4 von 5 Sternen"])
    assert rating_shares(count)[0] == 0.0
    assert rating_shares(stars)[0] == 1.0


def test_unique_values_are_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import scoring.ingest.ratings as ratings

    calls: list[str] = []
    original = ratings.parse_rating_text

    def counting(text: str):
        calls.append(text)
        return original(text)

    monkeypatch.setattr(ratings, "parse_rating_text", counting)
    ratings.parse_ratings(pd.Series(["5 stars", "1 star"] * 5000, dtype="str"))
    assert len(calls) == 2
