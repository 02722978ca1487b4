"""Star ratings from the many ways exports write them.

Accepted forms (case-insensitive, surrounding spaces ignored): ``5``, ``5.0``,
``"5 stars"``, ``" 1 star "``, ``"5 Sterne"``, ``"4/5"``, ``"Rated 4 out of 5"``,
``"Bewertet mit 1 von 5 Sternen"``, ``"Noté 4 sur 5"``, ``"★★★★☆"``, ``"FIVE"``
(Google), number words in English, German, French, Dutch and Spanish. Anything
else (``"1 Bewertung"``, a reviewer's review count) is *not* a rating: that is how
a decoy column is told apart from the real one.

A 0-10 or 1-10 scale is detected and reported; it is converted to stars only when
the caller passes ``rating_scale=10``: 0-2 -> 1, 3-4 -> 2, 5-6 -> 3, 7-8 -> 4,
9-10 -> 5 (``ceil(v / 2)``, at least 1).

Values are parsed once per distinct value, so a million rows of five distinct
ratings cost five parses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.errors import ReviewDataError

_STAR_WORDS = (
    r"(?:stars?|sterne?n?|étoiles?|etoiles?|estrellas?|sterren|ster|stelle|stella|punkte?|"
    r"points?|pts?)"
)
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_PLAIN = re.compile(rf"^\+?{_NUMBER}\s*(?:{_STAR_WORDS}|[★⭐*])?\.?$")
_OUT_OF = re.compile(
    rf"^(?:[^\W\d_][^\d]{{0,40}}?)?{_NUMBER}\s*"
    r"(?:/|out\s+of|of|von|sur|van\s+de|van|de|su|uit|sobre)\s*"
    r"(\d+)(?:\s*[^\W\d_][^\d]{0,30})?\.?$"
)
_WORD = re.compile(rf"^([^\W\d_]+)(?:\s+{_STAR_WORDS})?\.?$")
_FILLED = "★⭐✭✮✯✪✫✬"
_EMPTY = "☆✩✰"
_GLYPHS = re.compile(rf"^[{_FILLED}{_EMPTY}\s]+$")
NUMBER_WORDS: dict[str, int] = {
    # English (Google Business Profile: ONE .. FIVE)
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    # German
    "eins": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "funf": 5,
    # French
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    # Dutch
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vijf": 5,
    # Spanish
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
}  # fmt: skip

VALID_SCALES = (None, 5, 10)


def parse_rating_text(text: str) -> tuple[float | None, int | None]:
    """Read one rating. Returns ``(value, scale)``: ``scale`` is the scale the text
    states (``5`` in ``"4/5"``, ``10`` in ``"7 out of 10"``) or ``None`` when it states
    none. ``(None, None)`` when the text is not a rating.
    """
    s = text.strip().casefold()
    if not s:
        return None, None
    match = _PLAIN.match(s)
    if match:
        return _number(match.group(1)), None
    match = _OUT_OF.match(s)
    if match:
        value, scale = _number(match.group(1)), int(match.group(2))
        return (value, scale) if 1 <= scale <= 100 else (None, None)
    if _GLYPHS.match(s):
        filled = sum(s.count(ch) for ch in _FILLED)
        empty = sum(s.count(ch) for ch in _EMPTY)
        return float(filled), (filled + empty) if empty else None
    match = _WORD.match(s)
    if match and match.group(1) in NUMBER_WORDS:
        return float(NUMBER_WORDS[match.group(1)]), None
    return None, None


def _number(text: str) -> float:
    return float(text.replace(",", "."))


@dataclass(frozen=True)
class RatingParseResult:
    """Parsed ratings, aligned with the input.

    ``stars`` holds whole stars 1..5 as floats, NaN where the value is missing or
    not a usable rating; ``empty`` marks missing input. ``scale`` is the scale read
    (5, or 10 when converted); ``notes`` are sentences for the import report.
    """

    stars: np.ndarray
    empty: np.ndarray
    scale: int = 5
    notes: list[str] = field(default_factory=list)


def parse_ratings(
    values: pd.Series, *, rating_scale: int | None = None, column: str = "rating"
) -> RatingParseResult:
    """Parse a column of ratings.

    Args:
        values: the column (strings or numbers).
        rating_scale: ``None`` (expect stars 1..5 and stop at a 0-10 scale), ``5``
            (values above 5 are errors) or ``10`` (convert 0-10 / 1-10 to stars).
        column: the column's name, for messages.

    Raises:
        ReviewDataError: a 0-10 scale is found and ``rating_scale`` is not 10, or
            ``rating_scale`` is not one of None, 5, 10.
    """
    if rating_scale not in VALID_SCALES:
        raise ReviewDataError(f"rating_scale must be None, 5 or 10 (got {rating_scale!r}).")
    raw, stated, empty = _raw_values(values)
    notes: list[str] = []
    implicit = stated == 0
    usable = ~np.isnan(raw)
    tenish = usable & (raw > 5) & (raw <= 10) & ((stated == 0) | (stated == 10))
    tenish |= usable & (stated == 10)
    parsed_count = int(usable.sum())
    looks_ten = bool((stated == 10).any()) or int(tenish.sum()) >= max(3, 0.005 * parsed_count)
    label = "0-10" if bool((usable & (raw == 0)).any()) else "1-10"
    if looks_ten and rating_scale is None:
        top = raw[usable].max() if parsed_count else 10
        raise ReviewDataError(
            f"the rating column {column!r} looks like a {label} scale (values up to "
            f"{_fmt(top)}), not 1-5 stars. Pass rating_scale=10 to convert it to stars "
            "(0-2 -> 1, 3-4 -> 2, 5-6 -> 3, 7-8 -> 4, 9-10 -> 5), rating_scale=5 to treat "
            "values above 5 as errors, or map another column with mapping={'rating': ...}.",
            option="rating_scale",
        )
    value = raw.copy()
    scale = 5
    if rating_scale == 10:
        convert = usable & (implicit | (stated == 10)) & (raw >= 0) & (raw <= 10)
        value[convert] = np.maximum(np.ceil(raw[convert] / 2.0), 1.0)
        if convert.any():
            scale = 10
            notes.append(
                f"ratings in {column!r} were read on a {label} scale and converted to stars "
                "(0-2 -> 1, 3-4 -> 2, 5-6 -> 3, 7-8 -> 4, 9-10 -> 5)."
            )
    wrong_scale = usable & ~implicit & (stated != 5) & ~((stated == 10) & (scale == 10))
    value[wrong_scale] = np.nan
    good = (value >= 1) & (value <= 5) & (value == np.floor(value))
    stars = np.where(good, value, np.nan)
    return RatingParseResult(stars=stars, empty=empty, scale=scale, notes=notes)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _raw_values(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: parsed value (NaN if none), stated scale (0 if none), missing flag."""
    n = len(values)
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        empty = values.isna().to_numpy()
        return np.full(n, np.nan), np.zeros(n, dtype=np.int64), empty
    if pd.api.types.is_numeric_dtype(values.dtype):
        raw = values.to_numpy(dtype="float64", na_value=np.nan)
        return raw, np.zeros(n, dtype=np.int64), np.isnan(raw)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    unique_value = np.full(len(uniques) + 1, np.nan)
    unique_scale = np.zeros(len(uniques) + 1, dtype=np.int64)
    unique_empty = np.zeros(len(uniques) + 1, dtype=bool)
    unique_empty[-1] = True  # code -1 (missing) indexes the last slot
    for i, text in enumerate(uniques):
        text = str(text)
        if not text.strip():
            unique_empty[i] = True
            continue
        number, scale = parse_rating_text(text)
        if number is not None and math.isfinite(number):
            unique_value[i] = number
            unique_scale[i] = scale or 0
    return unique_value[codes], unique_scale[codes], unique_empty[codes]


def rating_shares(values: pd.Series, sample: int = 1000) -> tuple[float, float, int]:
    """How rating-like a column is, from its first ``sample`` non-empty values.

    Returns ``(share_stars, share_ten, n)``: the share of sampled values that read
    as whole stars 1..5, the share that read as a value on a 0..10 scale, and how
    many values were sampled.
    """
    head = _non_empty_head(values, sample)
    if len(head) == 0:
        return 0.0, 0.0, 0
    raw, stated, _ = _raw_values(head)
    usable = ~np.isnan(raw)
    whole = usable & (raw == np.floor(raw))
    stars = whole & (raw >= 1) & (raw <= 5) & ((stated == 0) | (stated == 5))
    ten = usable & (raw >= 0) & (raw <= 10) & ((stated == 0) | (stated == 10) | (stated == 5))
    n = len(head)
    return float(stars.sum()) / n, float(ten.sum()) / n, n


def _non_empty_head(values: pd.Series, sample: int) -> pd.Series:
    head = values.iloc[: sample * 5]
    if pd.api.types.is_string_dtype(head.dtype) or head.dtype == object:
        text = head.astype("str")
        head = head[text.notna() & (text.str.strip() != "")]
    else:
        head = head[head.notna()]
    return head.iloc[:sample].reset_index(drop=True)
