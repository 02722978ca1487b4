"""A published reading: the TrustScore Trustpilot displayed at an instant.

Readings are what a model is checked against (:mod:`scoring.calibration`): a user
types the score the profile shows now (and, optionally, the review count and earlier
readings), or the importer finds them in a saved Trustpilot page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring.errors import ReviewDataError

MIN_SCORE = 1.0
MAX_SCORE = 5.0


@dataclass(frozen=True)
class PublishedReading:
    """The score (and optionally the review count) a profile displayed at ``at``.

    ``at`` is a timezone-aware UTC timestamp (a naive value is read as UTC);
    ``score`` the TrustScore as shown (1.0..5.0, usually one decimal);
    ``review_count`` the number of reviews the profile said it had (None: unknown);
    ``source`` where the reading came from, in words ("typed", "saved page
    acme.html").
    """

    at: pd.Timestamp
    score: float
    review_count: int | None = None
    source: str = "typed"

    def __post_init__(self) -> None:
        try:
            stamp = pd.Timestamp(self.at)
        except (TypeError, ValueError):
            raise ReviewDataError(f"A reading's date {self.at!r} is not a date.") from None
        if stamp is pd.NaT:
            raise ReviewDataError("A reading needs a date (e.g. today's).")
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        object.__setattr__(self, "at", stamp)
        if isinstance(self.score, bool) or not isinstance(self.score, int | float):
            raise ReviewDataError(f"A published TrustScore must be a number, got {self.score!r}.")
        score = float(self.score)
        if not (math.isfinite(score) and MIN_SCORE <= score <= MAX_SCORE):
            raise ReviewDataError(
                f"A published TrustScore runs from 1.0 to 5.0, got {self.score!r}; type the "
                "number shown on the profile, e.g. 4.3."
            )
        object.__setattr__(self, "score", score)
        if self.review_count is not None:
            count = self.review_count
            if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 0:
                raise ReviewDataError(
                    f"A published review count must be a whole number >= 0, got {count!r}."
                )
            object.__setattr__(self, "review_count", int(count))
        object.__setattr__(self, "source", str(self.source))


def readings_to_dicts(readings: Iterable[PublishedReading]) -> list[dict[str, Any]]:
    """Readings as plain JSON-ready dicts (``at`` as an ISO 8601 string), e.g. for the
    report a saved dataset keeps; :func:`readings_from_dicts` reads them back."""
    return [
        {
            "at": reading.at.isoformat(),
            "score": reading.score,
            "review_count": reading.review_count,
            "source": reading.source,
        }
        for reading in readings
    ]


def readings_from_dicts(items: Any) -> tuple[PublishedReading, ...]:
    """The readings :func:`readings_to_dicts` wrote (``None`` gives none).

    Raises :class:`ReviewDataError` naming the entry that is not a reading."""
    if items is None:
        return ()
    if not isinstance(items, list | tuple):
        raise ReviewDataError(
            f"Published readings must be a list of dicts, got {type(items).__name__}."
        )
    readings = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or "at" not in item or "score" not in item:
            raise ReviewDataError(
                f"Published reading {number} is not a reading (it needs 'at' and 'score'): "
                f"{item!r:.80}."
            )
        readings.append(
            PublishedReading(
                at=item["at"],
                score=item["score"],
                review_count=item.get("review_count"),
                source=item.get("source", "typed"),
            )
        )
    return tuple(readings)
