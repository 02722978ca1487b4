"""Review dates in every form exports write them (scoring.ingest.dates)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from scoring.errors import ReviewDataError
from scoring.ingest import load_reviews
from scoring.ingest.dates import (
    IMPLAUSIBLE,
    MISSING,
    OK,
    UNREADABLE,
    date_share,
    parse_dates,
)
from tests.helpers import named


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def parsed(values: list[str], **options) -> list[pd.Timestamp]:
    return parse_dates(pd.Series(values, dtype="str"), **options).as_series().tolist()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-02 07:48:02.236313", "2025-10-02 07:48:02.236313"),
        ("2024-04-03T23:37:30.000Z", "2024-04-03 23:37:30"),
        ("2024-04-03T23:37:30+02:00", "2024-04-03 21:37:30"),
        ("2024-04-03T23:37:30-0500", "2024-04-04 04:37:30"),
        ("2024-04-03 23:37:30 UTC", "2024-04-03 23:37:30"),
        ("2024-04-03", "2024-04-03"),
        ("2024/04/03", "2024-04-03"),
        ("20240403", "2024-04-03"),
        ("1700000000", "2023-11-14 22:13:20"),
        ("1700000000123", "2023-11-14 22:13:20.123"),
        ("1700000000.5", "2023-11-14 22:13:20.5"),
    ],
)
def test_iso_and_epoch(text: str, expected: str) -> None:
    assert parsed([text]) == [utc(expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Datum der Erfahrung: 02. Oktober 2023", "2023-10-02"),
        ("Date of experience: March 5, 2024", "2024-03-05"),
        ("October 2, 2023", "2023-10-02"),
        ("Oct 2, 2023", "2023-10-02"),
        ("2 Oct 2023", "2023-10-02"),
        ("Updated Sep 30, 2023", "2023-09-30"),
        ("Updated: 2023-09-30", "2023-09-30"),
        ("12 März 2022 10:15", "2022-03-12 10:15"),
        ("1er janvier 2024", "2024-01-01"),
        ("15 février 2024", "2024-02-15"),
        ("2 oktober 2023", "2023-10-02"),
        ("3 mei 2022", "2022-05-03"),
        ("2 de octubre de 2023", "2023-10-02"),
        ("lunes, 5 de febrero de 2024", "2024-02-05"),
        ("Tuesday, July 4, 2023 3:15 PM", "2023-07-04 15:15"),
    ],
)
def test_month_names_and_prefixes(text: str, expected: str) -> None:
    assert parsed([text]) == [utc(expected)]


def test_epoch_numbers_column() -> None:
    values = pd.Series([1_700_000_000, 1_700_000_000_000, np.nan])
    result = parse_dates(values)
    assert result.as_series().iloc[:2].tolist() == [utc("2023-11-14 22:13:20")] * 2
    assert result.status.tolist() == [OK, OK, MISSING]


def test_day_first_detected_from_values() -> None:
    result = parse_dates(pd.Series(["31/01/2020", "01/02/2020"], dtype="str"))
    assert result.dayfirst is True
    assert result.as_series().tolist() == [utc("2020-01-31"), utc("2020-02-01")]
    assert any("day-first" in note for note in result.notes)


def test_month_first_detected_from_values() -> None:
    result = parse_dates(pd.Series(["01/31/2020", "01/02/2020 3:04 PM"], dtype="str"))
    assert result.dayfirst is False
    assert result.as_series().tolist() == [utc("2020-01-31"), utc("2020-01-02 15:04")]


def test_ambiguous_day_month_order_raises() -> None:
    with pytest.raises(ReviewDataError, match=r"dayfirst=True.*dayfirst=False"):
        parse_dates(pd.Series(["01/02/2025", "03/04/2025"], dtype="str"), column="Date")


def test_ambiguous_order_resolved_by_caller() -> None:
    values = ["01/02/25", "03/04/25"]
    assert parsed(values, dayfirst=True) == [utc("2025-02-01"), utc("2025-04-03")]
    assert parsed(values, dayfirst=False) == [utc("2025-01-02"), utc("2025-03-04")]


def test_mixed_orders_raise_unless_told() -> None:
    values = pd.Series(["31/01/2020", "01/31/2020"], dtype="str")
    with pytest.raises(ReviewDataError, match="mix day-first"):
        parse_dates(values)
    result = parse_dates(values, dayfirst=True)
    assert result.status.tolist() == [OK, UNREADABLE]


def test_same_day_and_month_is_not_ambiguous() -> None:
    assert parsed(["05/05/2020", "12.12.2021"]) == [utc("2020-05-05"), utc("2021-12-12")]


def test_impossible_dates_are_unreadable() -> None:
    result = parse_dates(pd.Series(["31/31/2020", "2023-02-30", "05/05/2020"], dtype="str"))
    assert result.status.tolist() == [UNREADABLE, UNREADABLE, OK]


def test_implausible_dates() -> None:
    result = parse_dates(pd.Series(["1970-01-01", "2150-01-01", "2020-01-01"], dtype="str"))
    assert result.status.tolist() == [IMPLAUSIBLE, IMPLAUSIBLE, OK]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 years ago", "2020-02-07"),
        ("a year ago", "2022-02-07"),
        ("a month ago", "2023-01-07"),
        ("2 weeks ago", "2023-01-24"),
        ("5 days ago", "2023-02-02"),
        ("5 hours ago", "2023-02-06 19:00"),
        ("Updated 2 days ago", "2023-02-05"),
        ("yesterday", "2023-02-06"),
        ("vor 3 Tagen", "2023-02-04"),
        ("vor einem Monat", "2023-01-07"),
        ("il y a 2 mois", "2022-12-07"),
        ("2 jaar geleden", "2021-02-07"),
        ("hace un año", "2022-02-07"),
    ],
)
def test_relative_dates(text: str, expected: str) -> None:
    assert parsed([text], reference_date="2023-02-07") == [utc(expected)]


def test_reference_date_forms() -> None:
    for reference in (
        "2023-02-07",
        dt.date(2023, 2, 7),
        dt.datetime(2023, 2, 7),
        pd.Timestamp("2023-02-07", tz="UTC"),
    ):
        assert parsed(["a day ago"], reference_date=reference) == [utc("2023-02-06")]


def test_relative_dates_need_a_reference_date() -> None:
    with pytest.raises(ReviewDataError, match="reference_date"):
        parse_dates(pd.Series(["a year ago", "2 months ago"], dtype="str"))


def test_naive_times_are_taken_as_utc_and_reported() -> None:
    result = parse_dates(pd.Series(["2024-01-01 10:00:00"], dtype="str"), column="Date")
    assert result.as_series().tolist() == [utc("2024-01-01 10:00")]
    assert any("taken as UTC" in note for note in result.notes)


def test_missing_and_unreadable() -> None:
    result = parse_dates(pd.Series(["", None, "not a date", "2024-01-01"], dtype="str"))
    assert result.status.tolist() == [MISSING, MISSING, UNREADABLE, OK]


def test_datetime_columns_pass_through() -> None:
    aware = pd.Series(pd.to_datetime(["2024-01-01 10:00"]).tz_localize("Europe/Berlin"))
    assert parse_dates(aware).as_series().tolist() == [utc("2024-01-01 09:00")]
    naive = pd.Series(pd.to_datetime(["2024-01-01 10:00"]))
    result = parse_dates(naive)
    assert result.as_series().tolist() == [utc("2024-01-01 10:00")]
    assert result.notes


def test_only_unique_values_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    import scoring.ingest.dates as dates

    seen: list[int] = []
    original = dates._month_name_date

    def counting(value: str):
        seen.append(1)
        return original(value)

    monkeypatch.setattr(dates, "_month_name_date", counting)
    values = pd.Series(["02. Oktober 2023", "03. Oktober 2023"] * 10_000, dtype="str")
    result = parse_dates(values)
    assert len(seen) == 2
    assert (result.status == OK).all()


def test_date_share_probe_never_raises() -> None:
    assert date_share(pd.Series(["01/02/2020", "03/04/2020"]))[0] == 1.0
    assert date_share(pd.Series(["a year ago"]))[0] == 1.0
    assert date_share(pd.Series(["1 Bewertung", "hello"]))[0] == 0.0


def test_dates_via_load_with_reference_date() -> None:
    data = b"when,stars\n3 years ago,5\na month ago,4\n"
    with pytest.raises(ReviewDataError, match=r"upload.csv.*reference_date"):
        load_reviews(named(data, "upload.csv"))
    result = load_reviews(data, reference_date="2023-02-07")
    assert result.reviews["created_at"].tolist() == [utc("2020-02-07"), utc("2023-01-07")]


def test_out_of_range_values_found_by_fuzzing_do_not_crash() -> None:
    values = pd.Series(["1212Oct1", "3000000 years ago", "99999999 days ago"], dtype="str")
    result = parse_dates(values, reference_date="2023-02-07", strict=False)
    assert (result.status != OK).all()
