"""Recent review volume and star mix, by source: the defaults of a projection.

Trustpilot's own forecast assumes the last 28 (or 90) days of volume and average
rating continue: :func:`recent_rates` reads them off the data, invited and organic
reviews apart (a review is invited when the ``invited`` column is True).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring import validation
from scoring.errors import ParameterError, ReviewDataError
from scoring.model import counted_reviews, times_ns
from scoring.periods import NS_PER_DAY, to_utc_timestamp
from scoring.projection.inputs import MAX_HORIZON_DAYS, mix_mean
from scoring.validation import StarMix

DEFAULT_WINDOW_DAYS = 90
UNIFORM_MIX: StarMix = (0.2, 0.2, 0.2, 0.2, 0.2)


@dataclass(frozen=True)
class RecentRates:
    """Review volume and star mix of the last ``window_days`` days, by source.

    ``*_per_day`` is the count in the window divided by ``window_days``. A review is
    invited when the ``invited`` column is True; False, NA, or no such column count
    as organic. ``*_mix_source`` says where a mix came from: ``"window"`` (the
    group's own reviews in the window), ``"window, all sources"`` (the group had
    none, so the window's overall mix), ``"all time"`` (the window was empty, so the
    mix of all counted reviews up to ``as_of``) or ``"uniform"`` (no reviews at all).
    """

    organic_per_day: float
    organic_mix: StarMix
    invited_per_day: float
    invited_mix: StarMix
    organic_reviews: int
    invited_reviews: int
    window_days: float
    as_of: pd.Timestamp | None
    has_invited_column: bool
    organic_mix_source: str
    invited_mix_source: str

    @property
    def organic_mean_stars(self) -> float:
        """The organic reviews' mean stars in the window."""
        return mix_mean(self.organic_mix)

    @property
    def invited_mean_stars(self) -> float:
        """The invited reviews' mean stars in the window."""
        return mix_mean(self.invited_mix)

    @property
    def reviews_per_day(self) -> float:
        return self.organic_per_day + self.invited_per_day


def invited_flags(reviews: pd.DataFrame) -> np.ndarray:
    """Which reviews were invited: the ``invited`` column's True values (False, NA or no
    such column: organic)."""
    if "invited" not in reviews.columns:
        return np.zeros(len(reviews), dtype=bool)
    try:
        flags = reviews["invited"].astype("boolean")
    except (TypeError, ValueError):
        raise ReviewDataError(
            "Column 'invited' must hold True, False or empty values "
            f"(found dtype {reviews['invited'].dtype})."
        ) from None
    return flags.fillna(False).to_numpy(dtype=bool)


def _mix_of(counts: np.ndarray) -> StarMix:
    shares = counts / counts.sum()
    return (
        float(shares[0]),
        float(shares[1]),
        float(shares[2]),
        float(shares[3]),
        float(shares[4]),
    )


def recent_rates(
    reviews: pd.DataFrame, *, as_of: object = None, window_days: float = DEFAULT_WINDOW_DAYS
) -> RecentRates:
    """Organic and invited reviews per day and their star mixes over the last ``window_days``.

    The window is ``(as_of - window_days, as_of]``; ``as_of`` defaults to the newest
    counted review. Only counted reviews are used. The defaults of the projection
    inputs: Trustpilot's own forecast assumes recent volume and mix continue.
    """
    window = validation.number("window_days", window_days)
    if not (math.isfinite(window) and 0 < window <= MAX_HORIZON_DAYS):
        raise ParameterError(
            f"window_days must be a number of days above 0 and at most {MAX_HORIZON_DAYS}, "
            f"got {window_days!r}."
        )
    counted = counted_reviews(reviews)
    times = times_ns(counted)
    has_column = "invited" in counted.columns
    if as_of is not None:
        stamp: pd.Timestamp | None = to_utc_timestamp(as_of)
    elif len(times):
        stamp = to_utc_timestamp(int(times.max()))
    else:
        stamp = None
    if stamp is None:
        return RecentRates(
            0.0,
            UNIFORM_MIX,
            0.0,
            UNIFORM_MIX,
            0,
            0,
            window,
            None,
            has_column,
            "uniform",
            "uniform",
        )
    end = stamp.as_unit("ns").value
    start = end - window * NS_PER_DAY
    stars = counted["rating"].to_numpy(dtype="int64")
    invited = invited_flags(counted)
    upto = times <= end
    inside = upto & (times > start)

    def counts(mask: np.ndarray) -> np.ndarray:
        return np.bincount(stars[mask] - 1, minlength=5)[:5].astype("float64")

    overall_window, overall_all = counts(inside), counts(upto)

    def mix(group: np.ndarray) -> tuple[StarMix, str]:
        for source, candidate in (
            ("window", group),
            ("window, all sources", overall_window),
            ("all time", overall_all),
        ):
            if candidate.sum() > 0:
                return _mix_of(candidate), source
        return UNIFORM_MIX, "uniform"

    invited_counts = counts(inside & invited)
    organic_counts = counts(inside & ~invited)
    organic_mix, organic_source = mix(organic_counts)
    invited_mix, invited_source = mix(invited_counts)
    return RecentRates(
        organic_per_day=float(organic_counts.sum()) / window,
        organic_mix=organic_mix,
        invited_per_day=float(invited_counts.sum()) / window,
        invited_mix=invited_mix,
        organic_reviews=int(organic_counts.sum()),
        invited_reviews=int(invited_counts.sum()),
        window_days=window,
        as_of=stamp,
        has_invited_column=has_column,
        organic_mix_source=organic_source,
        invited_mix_source=invited_source,
    )


# --------------------------------------------------------------------------- inputs
