"""Readings as table rows, both ways (no streamlit, unit tested): the editor's table
from readings and the readings (or a message per bad row) from what was typed, and
the comparison as the page's table shows it.

Everything the user typed stays text: the tables are shown in data grids.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

import scoring
from scoring import calibration
from scoring.readings import MAX_SCORE, MIN_SCORE, PublishedReading
from ui.settings import MODEL_NAMES

DATE, SCORE, COUNT, SOURCE = "Date (UTC)", "TrustScore shown", "Reviews shown", "Source"
"""The editor's columns."""
END_OF_DAY = dt.time(23, 59, 59)
"""The instant a date alone stands for."""
_NUMERIC_DATE = re.compile(r"^\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}")


def reading_time_text(at: pd.Timestamp) -> str:
    """A reading's instant as typed: the date alone for the end of a day (what a date
    alone means), else date and time to the minute (UTC)."""
    if at.time() == END_OF_DAY:
        return f"{at:%Y-%m-%d}"
    return f"{at:%Y-%m-%d %H:%M}"


def parse_reading_date(text: object) -> pd.Timestamp:
    """A typed date (UTC): "2026-06-25" (the end of that day), "2026-06-25 14:30",
    ISO 8601, or with a month name ("25 Jun 2026"). All-numeric forms such as 01/02/2026
    are refused: day and month could be read either way. Raises ValueError saying so."""
    if isinstance(text, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(text)
    elif isinstance(text, dt.date):
        stamp = pd.Timestamp(dt.datetime.combine(text, END_OF_DAY))
    else:
        value = str(text).strip()
        if _NUMERIC_DATE.match(value):
            raise ValueError(f"“{value}” could be read day-first or month-first; type it as "
                             "year-month-day, e.g. 2026-06-25")
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"“{value}” is not a date; type it as 2026-06-25 (or "
                             "2026-06-25 14:30 for a time of day, in UTC)") from None
        if stamp is pd.NaT:
            raise ValueError("the date is empty")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) or (
            stamp.time() == dt.time(0) and not re.search(r"\d:\d", value)
        ):
            stamp = pd.Timestamp(dt.datetime.combine(stamp.date(), END_OF_DAY))
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def readings_table(readings: Sequence[PublishedReading], today: dt.date) -> pd.DataFrame:
    """The editor's table: a row for today waiting for its score, then ``readings``."""
    rows = [{DATE: today.isoformat(), SCORE: math.nan, COUNT: pd.NA, SOURCE: "typed"}]
    if any(reading.at.date() == today and reading_time_text(reading.at) == today.isoformat()
           for reading in readings):
        rows = []
    rows += [{DATE: reading_time_text(r.at), SCORE: r.score,
              COUNT: pd.NA if r.review_count is None else r.review_count, SOURCE: r.source}
             for r in readings]
    table = pd.DataFrame(rows, columns=[DATE, SCORE, COUNT, SOURCE])
    return table.astype({DATE: "string", SCORE: "float64", COUNT: "Int64", SOURCE: "string"})


@dataclass(frozen=True)
class ParsedReadings:
    """The readings of the editor's rows that hold a score, the (1-based) row each came
    from, and one message per row that could not be read (naming the row)."""

    readings: tuple[PublishedReading, ...]
    rows: tuple[int, ...]
    problems: tuple[str, ...]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return bool(missing) if not hasattr(missing, "__len__") else False


def parse_readings(table: pd.DataFrame, now: pd.Timestamp | None = None) -> ParsedReadings:
    """Read the editor's rows. A row without a score is skipped (e.g. today's row until
    the score is typed) unless it holds a review count; every problem names its row."""
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    readings, rows, problems = [], [], []
    for position, row in enumerate(table.to_dict("records"), start=1):
        date_value, score, count = row.get(DATE), row.get(SCORE), row.get(COUNT)
        source = row.get(SOURCE)
        source = "typed" if _blank(source) or not str(source).strip() else str(source)
        date_blank = _blank(date_value) or not str(date_value).strip()
        if _blank(score):
            if not _blank(count):
                problems.append(f"Row {position}: type the TrustScore the profile showed "
                                "with that review count, or delete the row.")
            continue
        label = f"Row {position}" + ("" if date_blank else f" ({str(date_value).strip()})")
        if date_blank:
            problems.append(f"Row {position}: add the date the profile showed {score:g}, "
                            "e.g. 2026-06-25.")
            continue
        try:
            at = parse_reading_date(date_value)
        except ValueError as error:
            problems.append(f"Row {position}: {error}.")
            continue
        if at > now + pd.Timedelta(days=1):
            problems.append(f"{label}: the date is in the future; type the day the profile "
                            "showed the score.")
            continue
        try:
            stars = float(score)
        except (TypeError, ValueError):
            problems.append(f"{label}: the TrustScore must be a number such as 4.3.")
            continue
        if not (math.isfinite(stars) and MIN_SCORE <= stars <= MAX_SCORE):
            problems.append(f"{label}: a TrustScore runs from 1.0 to 5.0, and {stars:g} is "
                            "not one; type the number the profile shows, e.g. 4.3.")
            continue
        review_count = None
        if not _blank(count):
            number = float(count)
            if not (math.isfinite(number) and number >= 0 and number.is_integer()):
                problems.append(f"{label}: the review count must be a whole number such as "
                                "1204, or left empty.")
                continue
            review_count = int(number)
        try:
            reading = PublishedReading(at, stars, review_count, source)
        except scoring.ReviewDataError as error:
            problems.append(f"{label}: {error}")
            continue
        readings.append(reading)
        rows.append(position)
    return ParsedReadings(tuple(readings), tuple(rows), tuple(problems))


def reading_key(readings: Sequence[PublishedReading]) -> tuple[tuple[Any, ...], ...]:
    """The readings as plain values (a cache key; :func:`from_key` turns it back)."""
    return tuple((r.at.isoformat(), r.score, r.review_count, r.source) for r in readings)


def from_key(key: tuple[tuple[Any, ...], ...]) -> list[PublishedReading]:
    """The readings :func:`reading_key` made ``key`` of."""
    return [PublishedReading(pd.Timestamp(at), score, count, source)
            for at, score, count, source in key]


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison (:func:`scoring.calibration.compare_readings` output) as the page
    shows it (the user's source kept as plain text)."""
    shown = pd.DataFrame({
        "Date (UTC)": [reading_time_text(at) for at in table["at"]],
        "Published": table["published_score"],
        "Reviews shown": table["published_count"],
        "Reviews in file": table["reviews_in_file"],
    })
    for model in scoring.SCORE_MODELS:
        prefix, name = calibration.MODEL_COLUMNS[model], MODEL_NAMES[model]
        shown[name] = table[f"{prefix}_score"]
        shown[f"{name} error"] = table[f"{prefix}_error"]
    shown["Source"] = table["source"]
    return shown
