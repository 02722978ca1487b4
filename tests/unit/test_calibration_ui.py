"""The Check page's pure parts (ui/calibration: readings, text, charts, keys): reading typed
rows, the comparison as shown, the sentences and the figures; none loads streamlit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import typing
from pathlib import Path

import pandas as pd
import pytest

from scoring import calibration
from scoring.calibration import FitIssue, Interval
from scoring.readings import PublishedReading
from ui.calibration import charts, text
from ui.calibration.readings import (
    COUNT,
    DATE,
    SCORE,
    SOURCE,
    display_table,
    from_key,
    parse_reading_date,
    parse_readings,
    reading_key,
    readings_table,
)

ROOT = Path(__file__).resolve().parents[2]
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


def test_the_comparison_as_shown() -> None:
    compared = pd.DataFrame({
        "at": [pd.Timestamp("2026-06-25T23:59:59Z"), pd.Timestamp("2026-01-10T08:15:00Z")],
        "published_score": [4.3, 4.1], "published_count": [1204, None],
        "reviews_in_file": [1190, 800], "trustpilot_score": [4.31, 4.08],
        "trustpilot_error": [0.01, -0.02], "decayed_prior_score": [4.29, 4.07],
        "decayed_prior_error": [-0.01, -0.03], "source": ["**typed**", "typed"],
    })
    shown = display_table(compared)
    assert list(shown.columns) == [
        "Date (UTC)", "Published", "Reviews shown", "Reviews in file", "Trustpilot",
        "Trustpilot error", "Decayed prior", "Decayed prior error", "Source"]
    assert list(shown["Date (UTC)"]) == ["2026-06-25", "2026-01-10 08:15"]
    assert list(shown["Source"]) == ["**typed**", "typed"]


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
    assert text.range_sentence(a_fit()) == (
        "Half-lives from 182 days to 211 days reproduce every reading (each shows the "
        "published score to the decimal).")
    opened = a_fit(half_life_ranges=(Interval(90.0, 3650.0, open_above=True),))
    assert text.range_sentence(opened).startswith(
        "Any half-life above 90.0 days (up to 3,650 days, the end of the search range) "
        "reproduces every reading")
    several = a_fit(half_life_ranges=(Interval(55.0, 97.0), Interval(182.0, 300.0)))
    assert " or half-lives from 182 days to 300 days" in text.range_sentence(several)
    assert text.range_sentence(a_fit(half_life_ranges=())) == (
        "No half-life reproduces every reading to the decimal.")
    priors = a_fit(fitted_prior=True, prior_count_ranges=(Interval(7.0, 7.6),))
    assert "with prior counts from 7.0 reviews to 7.6 reviews" in text.range_sentence(priors)


def test_every_issue_code_has_a_sentence() -> None:
    values = {"readings": 1.0, "parameters": 2.0, "given": 1.0, "spread": 0.0002,
              "tolerance": 0.05, "low": 90.0, "high": 3650.0, "value": 3650.0,
              "bound": 3650.0, "open_below": 0.0, "open_above": 1.0, "count": 2.0,
              "max_abs_error": 0.31}
    for code in typing.get_args(calibration.IssueCode):
        for parameter in ("half_life_days", "prior_count"):
            issue = FitIssue(code, parameter, values)
            sentences = text.issue_sentences(a_fit(issues=(issue,)))
            assert len(sentences) == 1 and sentences[0].endswith("."), (code, sentences)
    one = text.issue_sentences(a_fit(issues=(FitIssue("too_few_readings", None, values),)))
    assert one[0].startswith("1 reading with different reviews behind it cannot pin 2 "
                             "parameters")


def test_half_lives_in_words_and_as_applied() -> None:
    assert [text.days_text(d) for d in (191.2, 47.3, 3650.0)] == [
        "191 days", "47.3 days", "3,650 days"]
    assert text.rounded_half_life(92.94) == 92.9 and text.rounded_half_life(7.456) == 7.46
    assert text.apply_label(92.9, None) == "Apply 92.9 days to the sidebar"
    assert text.apply_label(92.9, 7.3) == "Apply 92.9 days and a prior of 7.3 to the sidebar"
    assert text.applied_sentence(92.9, None, "trustpilot") == (
        "The sidebar now uses a half-life of 92.9 days (Trustpilot model); every page "
        "follows it.")
    assert text.applied_sentence(30.0, 4.5, "decayed-prior") == (
        "The sidebar now uses a half-life of 30 days and a prior of 4.5 reviews (Decayed "
        "prior model); every page follows it.")


def test_summary_sentence() -> None:
    table = pd.DataFrame({
        "trustpilot_matches": [True, True], "trustpilot_error": [0.021, -0.004],
        "decayed_prior_matches": [True, False], "decayed_prior_error": [0.01, -0.062],
    })
    assert text.summary_sentence(table) == (
        "The Trustpilot model shows every published score to the decimal (largest error "
        "0.021); the Decayed prior model shows 1 of 2 to the decimal (largest error 0.062).")


def test_incompleteness_sentence() -> None:
    found = calibration.Incompleteness(
        at=pd.Timestamp("2026-06-05T23:59:59Z"), reviews_in_file=1190, published_count=1204,
        missing=14, share_missing=14 / 1204, score=4.312, lowest=4.04, highest=4.36,
        warn=False)
    assert text.incompleteness_sentence(found) == (
        "The file holds 1,190 of the 1,204 reviews the profile counted on 05 Jun 2026 (14 "
        "missing, 1%). The missing ones could move the score anywhere from 4.0 (all 1-star) "
        "to 4.4 (all 5-star), against 4.31 on the file. A review or two is usual (removed or "
        "very new reviews).")
    warned = text.incompleteness_sentence(dataclasses.replace(found, warn=True))
    assert warned.endswith("The file is incomplete: export every review (all dates, all "
                           "stars) before trusting the comparison or the fit.")


def test_the_figures_show_the_readings_and_the_fit() -> None:
    days = pd.date_range("2026-01-01", periods=5, freq="D", tz="UTC")
    lines = {"trustpilot": ("Trustpilot", pd.Series([4.1, 4.2, 4.2, 4.3, 4.3], index=days)),
             "decayed-prior": ("Decayed prior", pd.Series([4.0, 4.1, 4.2, 4.2, 4.3],
                                                          index=days))}
    compared = pd.DataFrame({"at": days[[1, 4]], "published_score": [4.2, 4.3],
                             "trustpilot_score": [4.21, 4.29],
                             "decayed_prior_score": [4.12, 4.28]})
    figure = charts.readings_figure(lines, compared)
    assert [trace.name for trace in figure.data if trace.showlegend is not False] == [
        "Trustpilot model", "Decayed prior model",
        "Published TrustScore (±0.05: what shows as that decimal)"]
    published = figure.data[-1]
    assert list(published.y) == [4.2, 4.3] and published.error_y.value == 0.05
    profile = pd.DataFrame({"half_life_days": [1.0, 90.0, 3650.0],
                            "max_abs_error": [0.6, 0.02, 0.5], "rmse": [0.4, 0.01, 0.3]})
    fitted = charts.fit_figure(a_fit(profile=profile))
    assert [trace.name for trace in fitted.data] == [
        "Largest miss", "RMSE", "Rounding floor (0.05)", "Best fit"]
    assert [(shape.x0, shape.x1) for shape in fitted.layout.shapes] == [(182.3, 210.6)]


def test_the_pure_modules_load_no_streamlit() -> None:
    code = ("import sys; import ui.calibration.keys, ui.calibration.readings, "
            "ui.calibration.text, ui.calibration.charts; print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
