"""Google Takeout ZIPs: Business Profile reviews, and the personal Maps file."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scoring.errors import ReviewDataError
from scoring.ingest import load_reviews
from tests.fuzz import builders
from tests.helpers import assert_accounting, named

BASE = "Takeout/Google Business Profile"


def review(
    review_id: str, stars: str, created: str, comment: str | None = None, reply: str | None = None
) -> dict:
    item: dict = {
        "name": f"accounts/1/locations/9/reviews/{review_id}",
        "reviewer": {"displayName": "Someone"},
        "starRating": stars,
        "createTime": created,
        "updateTime": created,
    }
    if comment is not None:
        item["comment"] = comment
    if reply is not None:
        item["reviewReply"] = {"comment": "Thanks", "updateTime": reply}
    return item


def takeout(files: dict[str, object]) -> bytes:
    """A Takeout ZIP of JSON files: path -> content."""
    return builders.zip_bytes((path, json.dumps(content)) for path, content in files.items())


def test_business_profile_takeout() -> None:
    page1 = {
        "reviews": [
            review("r1", "FIVE", "2023-01-02T10:00:00.123456Z", "Great", "2023-01-03T08:00:00Z"),
            review("r2", "TWO", "2023-01-01T09:00:00Z"),
        ]
    }
    page2 = {
        "reviews": [
            review("r3", "STAR_RATING_UNSPECIFIED", "2023-01-04T09:00:00Z", "?"),
            review(
                "r4", "FOUR", "2023-01-05T09:00:00Z", "(Translated by Google) Good (Original) Gut"
            ),
        ]
    }
    # The same review under a second account folder.
    duplicate = {"reviews": [review("r1", "FIVE", "2023-01-02T10:00:00.123456Z", "Great")]}
    data = takeout(
        {
            f"{BASE}/account-1/location-9/reviews.json": page1,
            f"{BASE}/account-1/location-9/reviews-001.json": page2,
            f"{BASE}/account-1/location-9/additionalData.json": {"locationName": "Cafe Test"},
            f"{BASE}/account-2/location-9/reviews.json": duplicate,
        }
    )
    result = load_reviews(data)
    assert_accounting(result)
    report = result.report
    assert report.file_format == "google-takeout"
    assert report.rows_read == 5
    assert report.duplicates == 1
    assert report.rejected == 1
    assert result.rejected["reason"].iloc[0].startswith("rating 'STAR_RATING_UNSPECIFIED'")
    reviews = result.reviews
    assert reviews["review_id"].tolist() == ["r2", "r1", "r4"]
    assert reviews["rating"].tolist() == [2, 5, 4]
    assert reviews["reply_at"].notna().tolist() == [False, True, False]
    assert reviews["created_at"].iloc[1] == pd.Timestamp("2023-01-02 10:00:00.123456", tz="UTC")
    assert reviews["location"].iloc[1] == "Cafe Test"
    assert reviews["text"].iloc[0] is None or pd.isna(reviews["text"].iloc[0])


def test_personal_maps_reviews_are_refused() -> None:
    geojson = {"type": "FeatureCollection", "features": []}
    data = takeout({"Takeout/Maps (your places)/Reviews.json": geojson})
    with pytest.raises(ReviewDataError, match=r"^takeout-personal.zip: .*WROTE"):
        load_reviews(named(data, "takeout-personal.zip"))


def test_zip_without_reviews() -> None:
    data = builders.zip_bytes([("photo.jpg", b"\xff\xd8\xff"), ("notes.doc", b"x")])
    with pytest.raises(ReviewDataError, match="no review file"):
        load_reviews(data)
