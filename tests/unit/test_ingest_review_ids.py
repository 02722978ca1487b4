"""Dates from Trustpilot review ids, where an export has ids but no usable date."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.errors import ReviewDataError
from scoring.ingest import load_many, load_reviews
from scoring.ingest.dates import MISSING, OK, UNREADABLE
from scoring.ingest.review_ids import dates_from_review_ids, looks_like_review_ids
from tests.helpers import named

# 0x65ea88b6 = 1,709,869,238 s after the epoch.
KNOWN_ID, KNOWN_TIME = "65ea88b6c6fd585168bf8ffc", pd.Timestamp("2024-03-08 03:40:38", tz="UTC")


def tp_id(when: str, tail: int = 0) -> str:
    return f"{int(pd.Timestamp(when, tz='UTC').timestamp()):08x}{tail:016x}"


def test_a_known_id() -> None:
    result = dates_from_review_ids(pd.Series([KNOWN_ID, KNOWN_ID.upper(), "", None, "xyz"]))
    assert result.as_series().iloc[0] == KNOWN_TIME == result.as_series().iloc[1]
    assert result.status.tolist() == [OK, OK, MISSING, MISSING, UNREADABLE]


@given(st.integers(min_value=631_152_000, max_value=4_102_444_799),
       st.integers(min_value=0, max_value=2**64 - 1))
def test_the_first_eight_hex_digits_are_the_creation_second(seconds: int, tail: int) -> None:
    result = dates_from_review_ids(pd.Series([f"{seconds:08x}{tail:016x}"]))
    assert result.status[0] == OK
    assert result.micros[0] == seconds * 1_000_000


def test_what_is_not_an_id_column() -> None:
    assert looks_like_review_ids(pd.Series([KNOWN_ID] * 9 + ["other"]))
    assert not looks_like_review_ids(pd.Series([KNOWN_ID] * 8 + ["a", "b"]))  # 80%
    assert not looks_like_review_ids(pd.Series(["0" * 24] * 10))  # 1970: not plausible
    assert not looks_like_review_ids(pd.Series(np.arange(10) + 10**17))  # numbers
    assert not looks_like_review_ids(pd.Series(["3f2504e0-4f89-11d3-9a0c-0305e82c3301"] * 5))
    assert not looks_like_review_ids(pd.Series(["", None], dtype="object"))


def test_a_file_with_ids_and_no_dates() -> None:
    rows = [(tp_id("2024-01-05 10:00", 1), 5), (tp_id("2024-02-10 23:30", 2), 1),
            (tp_id("2023-12-31 08:00", 3), 4)]
    text = "Review ID,Review Stars\n" + "".join(f"{i},{s}\n" for i, s in rows)
    result = load_reviews(named(text, "reviews.csv"))
    assert result.report.kept == 3
    assert result.reviews["created_at"].tolist() == [
        pd.Timestamp("2023-12-31 08:00", tz="UTC"), pd.Timestamp("2024-01-05 10:00", tz="UTC"),
        pd.Timestamp("2024-02-10 23:30", tz="UTC"),
    ]
    assert result.report.mapping["created_at"] == "Review ID"
    assert any("taken from the Trustpilot review ids in 'Review ID'" in w
               for w in result.report.warnings)


def test_rows_without_a_readable_date_take_their_ids_time() -> None:
    text = (
        "Review ID,Review Created (UTC),Review Stars\n"
        f"{tp_id('2024-01-05 10:00')},2024-01-05T10:00:00Z,5\n"
        f"{tp_id('2024-01-06 11:00', 1)},,4\n"
        f"{tp_id('2024-01-07 12:00', 2)},not a date,3\n"
        ",,2\n"
    )
    result = load_reviews(named(text, "reviews.csv"))
    report = result.report
    assert (report.kept, report.rejected) == (3, 1)
    assert result.reviews["created_at"].dt.day.tolist() == [5, 6, 7]
    assert result.rejected["reason"].tolist() == ["date is missing"]
    assert any("2 rows with no readable date in 'Review Created (UTC)' were dated by their "
               "Trustpilot review id in 'Review ID'" in w for w in report.warnings)


def test_ids_that_are_not_trustpilot_ids_leave_the_dates_alone() -> None:
    text = "Review ID,Date,Stars\nabc-1,2024-01-05,5\nabc-2,,4\n"
    result = load_reviews(named(text, "reviews.csv"))
    assert (result.report.kept, result.report.rejected) == (1, 1)
    with pytest.raises(ReviewDataError, match="no column holds the review dates"):
        load_reviews(named("Review ID,Stars\nabc-1,5\nabc-2,4\n", "reviews.csv"))


def test_the_id_column_can_be_mapped_as_the_date() -> None:
    text = f"Ref,When,Stars\n{tp_id('2024-03-01')},yesterday,5\n{tp_id('2024-03-02', 1)},,4\n"
    result = load_reviews(named(text, "reviews.csv"), mapping={"created_at": "Ref"})
    assert result.reviews["created_at"].dt.day.tolist() == [1, 2]


@pytest.mark.real_data
def test_pet_insurance_without_its_dates(real_data: Path) -> None:
    """All ten real exports with their date columns removed: every review is kept and
    dated by its id within 4 days of its published date, 99.9% within a day."""
    files = sorted((real_data / "trustpilot-pet-insurance").glob("*.csv"))
    original = load_many(files)
    stripped = []
    for path in files:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        stripped.append(named(frame.drop(columns=["published", "experienced"]).to_csv(index=False),
                              path.name))
    result = load_many(stripped)
    assert result.report.kept == original.report.kept == 26_878
    published = original.reviews.set_index("review_id")["created_at"]
    from_ids = result.reviews.set_index("review_id")["created_at"]
    hours = ((from_ids - published.reindex(from_ids.index)).dt.total_seconds() / 3600).abs()
    assert hours.max() < 4 * 24
    assert (hours <= 24).mean() >= 0.999


def test_an_id_column_of_timestamps_out_of_range_is_not_read_as_ids() -> None:
    stamps = pd.Series(pd.array([2**62, 1_704_067_200_000_000], dtype="int64")).astype(
        "datetime64[us]"
    )
    assert not looks_like_review_ids(stamps)
    assert dates_from_review_ids(stamps).status.tolist() == [UNREADABLE, UNREADABLE]
    assert dates_from_review_ids(pd.Series([1.0, np.nan])).status.tolist() == [
        UNREADABLE, MISSING]
