"""Review dates from Trustpilot review ids, where an export has ids but no usable date.

A Trustpilot review id is 24 hexadecimal digits (a MongoDB ObjectId) whose first 8
are the review's creation time in Unix seconds::

    created_at = 1970-01-01 UTC + int(id[0:8], 16) seconds

The creation time is within about two hours of the published date (on the ten pet
insurance exports in ``../shared/data/real``: 88% within 2 hours, 99.996% within a
day, all within 4 days), close enough for a score that counts days and halves over
months, not for the exact minute.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.ingest.dates import (
    MISSING,
    NAT,
    OK,
    UNREADABLE,
    DateParseResult,
    _plausible,
)

#: 24 hexadecimal digits, nothing else.
TRUSTPILOT_ID = r"[0-9a-fA-F]{24}"
#: Share of the filled values that must be ids for a column to count as one.
MIN_SHARE = 0.9


def _textual(values: pd.Series) -> bool:
    """Text columns only: numbers, datetimes and booleans are not ids."""
    return pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(
        values.dtype
    )


def _text(values: pd.Series) -> pd.Series:
    return values.astype("str").str.strip()


def looks_like_review_ids(values: pd.Series, sample: int = 10_000) -> bool:
    """Whether a column holds Trustpilot review ids (at least 90% of its filled
    values, judged on the first ``sample`` rows) that decode to plausible dates."""
    if not _textual(values):
        return False
    head = _text(values.iloc[:sample])
    head = head[head.notna() & (head != "")]
    if len(head) == 0:
        return False
    if float(head.str.fullmatch(TRUSTPILOT_ID).mean()) < MIN_SHARE:
        return False
    return float((dates_from_review_ids(head).status == OK).mean()) >= MIN_SHARE


def dates_from_review_ids(values: pd.Series) -> DateParseResult:
    """The creation time in each Trustpilot review id, as UTC (see the module).

    ``status`` is ``MISSING`` for an empty value, ``UNREADABLE`` for a value that is
    not 24 hex digits and ``IMPLAUSIBLE`` for a time before 1990 or after 2100.
    """
    if not _textual(values):
        status = np.where(values.isna().to_numpy(), MISSING, UNREADABLE)
        return DateParseResult(np.full(len(values), NAT, dtype=np.int64), status)
    text = _text(values)
    filled = (text.notna() & (text != "")).to_numpy()
    is_id = text.str.fullmatch(TRUSTPILOT_ID).fillna(False).to_numpy(dtype=bool) & filled
    micros = np.full(len(text), NAT, dtype=np.int64)
    seconds = text[is_id].str.slice(0, 8).map(lambda digits: int(digits, 16))
    micros[is_id] = seconds.to_numpy(dtype=np.int64) * 1_000_000
    status = np.where(is_id, OK, np.where(filled, UNREADABLE, MISSING))
    micros, status = _plausible(micros, status)
    return DateParseResult(micros, status)
