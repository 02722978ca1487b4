"""The Check page's pure parts (ui/calibration): reading typed rows, and the fit in words."""

from __future__ import annotations

import datetime as dt
import typing

import pandas as pd
import pytest

from scoring import calibration
from scoring.calibration import FitIssue, Interval
from scoring.readings import PublishedReading
from ui import calibration as ui
from ui.calibration.readings import (
    COUNT,
    DATE,
    SCORE,
    SOURCE,
    from_key,
    parse_reading_date,
    parse_readings,
    reading_key,
    readings_table,
)

NOW = pd.Timestamp("2026-06-30T12:00:00Z")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-06-25", "2026-06-25 23:59:59+00:00"),
        (" 2026-06-25 14:30 ", "2026-06-25 14:30:00+00:00"),
        ("2026-06-25T10:35:31Z", "2026-06-25 10:35:31+00:00"),
        ("2026-06-25T12:00:00+02:00", "2026-06-25 10:00:00+00:00"),
        ("25 Jun 2026", "2026-06-25 23:59:59+00:00"),
        (dt.date(2026, 6, 25), "2026-06-25 23:59:59+00:00"),
    ],
)
def test_typed_dates(typed: object, expected: str) -> None:
    assert str(parse_reading_date(typed)) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [("01/02/2026", "day-first or month-first"), ("soon", "is not a date"),
     ("2026-02-30", "is not a date")],
)
def test_dates_that_are_refused(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_reading_date(typed)


def test_a_reading_round_trips_through_the_table() -> None:
    readings = [PublishedReading("2026-06-25T23:59:59Z", 4.3, 120, "saved page a.html"),
                PublishedReading("2026-01-10T08:15:00Z", 4.1)]
    table = readings_table(readings, dt.date(2026, 6, 30))
    assert list(table[DATE]) == ["2026-06-30", "2026-06-25", "2026-01-10 08:15"]
    parsed = parse_readings(table, now=NOW)
    assert parsed.problems == () and parsed.rows == (2, 3)
    assert parsed.readings == tuple(readings)
    # No extra row for today when a reading of today is already there.
    again = readings_table([PublishedReading("2026-06-30T23:59:59Z", 4.4)],
                           dt.date(2026, 6, 30))
    assert list(again[DATE]) == ["2026-06-30"]
    # And through the plain values a cache is keyed on.
    assert from_key(reading_key(readings)) == readings


def rows(*values: tuple[object, object, object]) -> pd.DataFrame:
    return pd.DataFrame([{DATE: d, SCORE: s, COUNT: c, SOURCE: None}
                         for d, s, c in values])


def test_every_bad_row_is_named() -> None:
    parsed = parse_readings(rows(
        ("2026-06-01", 7.0, None), ("2026-06-01", 0.0, None), ("2099-01-01", 4.0, None),
        ("2026-06-01", 4.0, -2), ("", 4.0, None), ("2026-06-01", None, 30),
        ("2026-06-01", None, None), (None, None, None), ("2026-06-02", 4.2, 17),
    ), now=NOW)
    assert [p.split(":")[0].split(" (")[0] for p in parsed.problems] == [
        "Row 1", "Row 2", "Row 3", "Row 4", "Row 5", "Row 6"]
    assert "7 is not one" in parsed.problems[0] and "0 is not one" in parsed.problems[1]
    assert "future" in parsed.problems[2] and "whole number" in parsed.problems[3]
    assert "add the date" in parsed.problems[4] and "type the TrustScore" in parsed.problems[5]
    assert parsed.rows == (9,)
    assert parsed.readings == (PublishedReading("2026-06-02T23:59:59Z", 4.2, 17, "typed"),)


def a_fit(**changes: object) -> calibration.Fit:
    base = dict(
        model="trustpilot", half_life_days=190.5, prior_count=7.0, prior_mean=3.5,
        fitted_prior=False, readings=3, residuals=(0.01, -0.02, 0.0), rmse=0.013,
        max_abs_error=0.02, tolerance=0.05,
        half_life_ranges=(Interval(182.3, 210.6),), prior_count_ranges=(),
        half_life_identifiable=True, prior_count_identifiable=None, issues=(),
        half_life_bounds=(1.0, 3650.0), prior_count_bounds=(0.0, 50.0), profile=pd.DataFrame(),
    )
    base.update(changes)
    return calibration.Fit(**base)  # type: ignore[arg-type]


def test_range_sentences() -> None:
    assert ui.range_sentence(a_fit()) == (
        "Half-lives from 182 days to 211 days reproduce every reading (each shows the "
        "published score to the decimal).")
    opened = a_fit(half_life_ranges=(Interval(90.0, 3650.0, open_above=True),))
    assert ui.range_sentence(opened).startswith(
        "Any half-life above 90.0 days (up to 3,650 days, the end of the search range) "
        "reproduces every reading")
    several = a_fit(half_life_ranges=(Interval(55.0, 97.0), Interval(182.0, 300.0)))
    assert " or half-lives from 182 days to 300 days" in ui.range_sentence(several)
    assert ui.range_sentence(a_fit(half_life_ranges=())) == (
        "No half-life reproduces every reading to the decimal.")
    priors = a_fit(fitted_prior=True, prior_count_ranges=(Interval(7.0, 7.6),))
    assert "with prior counts from 7.0 reviews to 7.6 reviews" in ui.range_sentence(priors)


def test_every_issue_code_has_a_sentence() -> None:
    values = {"readings": 1.0, "parameters": 2.0, "given": 1.0, "spread": 0.0002,
              "tolerance": 0.05, "low": 90.0, "high": 3650.0, "value": 3650.0,
              "bound": 3650.0, "open_below": 0.0, "open_above": 1.0, "count": 2.0,
              "max_abs_error": 0.31}
    for code in typing.get_args(calibration.IssueCode):
        for parameter in ("half_life_days", "prior_count"):
            issue = FitIssue(code, parameter, values)
            sentences = ui.issue_sentences(a_fit(issues=(issue,)))
            assert len(sentences) == 1 and sentences[0].endswith("."), (code, sentences)
    one = ui.issue_sentences(a_fit(issues=(FitIssue("too_few_readings", None, values),)))
    assert one[0].startswith("1 reading with different reviews behind it cannot pin 2 "
                             "parameters")
