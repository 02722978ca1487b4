"""Time and the calendar: UTC instants, periods (day, week, month, quarter, year).

One place for the units the project counts time in: nanoseconds per day, the mean
month (``DAYS_PER_MONTH = 365.25 / 12``, for requests a month and half-lives in
months), the approximate length of each period, and the period grid every series is
drawn on (periods start at 00:00 UTC; weeks on Mondays).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scoring.errors import ParameterError, ReviewDataError

NS_PER_DAY = 86_400 * 10**9
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
"""The mean calendar month in days (30.44): the one month length of the project."""

_FREQ_ALIASES: dict[str, str] = {
    "D": "D",
    "W": "W",
    "W-MON": "W",
    "M": "M",
    "MS": "M",
    "ME": "M",
    "Q": "Q",
    "QS": "Q",
    "QE": "Q",
    "Y": "Y",
    "YS": "Y",
    "YE": "Y",
}


PERIOD_DAYS: dict[str, float] = {
    "D": 1.0,
    "W": 7.0,
    "M": DAYS_PER_MONTH,
    "Q": 3 * DAYS_PER_MONTH,
    "Y": DAYS_PER_YEAR,
}
"""The mean length of each period in days."""


def period_days(freq: str) -> float:
    """The mean length in days of a period ("D", "W", "M", "Q", "Y" or a pandas alias)."""
    return PERIOD_DAYS[normalise_freq(freq)]


def periods_in(days: float, freq: str) -> int:
    """How many whole periods of ``freq`` make about ``days`` days (at least 1)."""
    return max(1, round(days / period_days(freq)))


def to_utc_timestamp(value: Any, what: str = "as_of") -> pd.Timestamp:
    """Read ``value`` (anything ``pd.Timestamp`` reads) as a UTC timestamp; a naive value
    is taken to be UTC."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ReviewDataError(f"{what} {value!r} is not a date or time: {error}") from None
    if stamp is pd.NaT:
        raise ReviewDataError(f"{what} is empty (NaT); give a date as YYYY-MM-DD.")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def normalise_freq(freq: str) -> str:
    """Map a period name ("D", "W", "M", "Q", "Y" and pandas spellings) to one letter."""
    key = str(freq).upper()
    if key not in _FREQ_ALIASES:
        raise ParameterError(f"freq must be one of D, W, M, Q, Y; got {freq!r}.")
    return _FREQ_ALIASES[key]


def period_start(stamp: pd.Timestamp, freq: str) -> pd.Timestamp:
    """The start (00:00 UTC) of the day, week (Monday), month, quarter or year holding ``stamp``."""
    letter = normalise_freq(freq)
    day = to_utc_timestamp(stamp).floor("D")
    if letter == "D":
        return day
    if letter == "W":
        return day - pd.Timedelta(days=day.day_of_week)
    if letter == "M":
        return day.replace(day=1)
    if letter == "Q":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def period_starts(start: pd.Timestamp, end: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    """Period starts from the period of ``start`` to that of ``end``, plus the next one.

    The extra last element is the exclusive end of the last period.
    """
    letter = normalise_freq(freq)
    offset = {
        "D": pd.offsets.Day(1),
        "W": pd.offsets.Week(1, weekday=0),
        "M": pd.offsets.MonthBegin(1),
        "Q": pd.offsets.QuarterBegin(1, startingMonth=1),
        "Y": pd.offsets.YearBegin(1),
    }[letter]
    first, last = period_start(start, letter), period_start(end, letter)
    if last < first:
        raise ParameterError(f"end {end} is before start {start}.")
    starts = pd.date_range(first, last + offset, freq=offset)
    return pd.DatetimeIndex(starts).as_unit("ns")


def series_edges(times: np.ndarray, start: object, end: object, freq: str) -> pd.DatetimeIndex:
    """Period starts for a series over sorted ``times`` (ns), plus the exclusive end.

    ``start``/``end`` default to the first and last review's periods.
    """
    if (start is None or end is None) and len(times) == 0:
        raise ReviewDataError(
            "There are no counted reviews to draw a series from; give start and end."
        )
    first = to_utc_timestamp(start if start is not None else int(times[0]), "start")
    last = to_utc_timestamp(end if end is not None else int(times[-1]), "end")
    return period_starts(first, last, freq)


