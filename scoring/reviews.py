"""The canonical review table: the only shape the engine accepts.

Columns: ``created_at`` (timezone-aware UTC datetime) and ``rating`` (integer
1..5) are required; ``review_id``, ``title``, ``text``, ``source``, ``invited``
(bool), ``location``, ``tags``, ``company``, ``language``, ``counts`` (bool: counts towards the
score) and ``reviewer`` (who wrote the review: a user id, profile address or name)
are optional, and so are the company's replies:

- ``replied`` (nullable bool): whether the company replied. Present when the data
  says anything about replies; False where it says there is none, NA where it
  cannot tell for that row;
- ``reply_at`` (UTC datetime): when it replied (NaT: no reply, or a reply whose time
  the data does not give: a scrape with a reply text and no date). A reply dated
  before its review is kept as it is; the importer reports it;
- ``reply_text`` (string): the reply as plain text;
- ``updated_at`` (UTC datetime): when the reviewer last updated the review, where
  the data gives it (NaT otherwise).

``tags`` (string) holds the labels the business put on a review (Trustpilot's
``Tags``): several joined with ``", "`` (:data:`TAG_SEPARATOR`) in the order given,
NA when it has none.
"""

from __future__ import annotations

import pandas as pd

from scoring.errors import ReviewDataError

REQUIRED_COLUMNS: tuple[str, ...] = ("created_at", "rating")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "review_id",
    "title",
    "text",
    "source",
    "invited",
    "location",
    "tags",
    "company",
    "language",
    "reply_at",
    "counts",
    "reviewer",
    "replied",
    "reply_text",
    "updated_at",
)
CANONICAL_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
TAG_SEPARATOR = ", "
"""Joins a review's tags in the ``tags`` column; no tag holds a comma."""


def validate_reviews(reviews: pd.DataFrame) -> pd.DataFrame:
    """Check that ``reviews`` is a canonical review table and return it.

    Raises :class:`ReviewDataError` naming the column and the first offending
    row when a required column is missing, ``created_at`` is not a timezone-aware
    datetime, or a rating is not a whole number from 1 to 5.
    """
    if not isinstance(reviews, pd.DataFrame):
        raise ReviewDataError(
            f"Expected a pandas DataFrame of reviews, got {type(reviews).__name__}."
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in reviews.columns]
    if missing:
        raise ReviewDataError(
            f"The review table has no {', '.join(repr(c) for c in missing)} column "
            f"(columns present: {', '.join(map(str, reviews.columns)) or 'none'}). "
            "Load files with scoring.load_reviews, which maps export columns for you."
        )
    created = reviews["created_at"]
    if not pd.api.types.is_datetime64_any_dtype(created):
        raise ReviewDataError(
            "Column 'created_at' must hold datetimes "
            f"(found dtype {created.dtype}); parse it with pd.to_datetime(..., utc=True)."
        )
    if getattr(created.dt, "tz", None) is None:
        raise ReviewDataError(
            "Column 'created_at' holds naive datetimes; localise them to UTC "
            "(e.g. pd.to_datetime(..., utc=True)) so that times are unambiguous."
        )
    if created.isna().any():
        row = reviews.index[created.isna().to_numpy()][0]
        raise ReviewDataError(f"Column 'created_at' is empty at row {row!r}.")
    rating = reviews["rating"]
    if not pd.api.types.is_numeric_dtype(rating) or pd.api.types.is_bool_dtype(rating):
        raise ReviewDataError(
            f"Column 'rating' must be numeric stars 1..5 (found dtype {rating.dtype})."
        )
    values = rating.to_numpy(dtype="float64", na_value=float("nan"))
    bad = ~((values >= 1) & (values <= 5) & (values == values.round()))
    if bad.any():
        row = reviews.index[bad][0]
        raise ReviewDataError(
            f"Column 'rating' must hold whole stars from 1 to 5; row {row!r} has "
            f"{rating.loc[row]!r}."
        )
    return reviews
