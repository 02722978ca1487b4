"""Parameters checked in one place, for the engine and the interface alike.

Each function takes a parameter's name and value and returns the value normalised
(a float, an int, a tuple), or raises :class:`~scoring.errors.ParameterError` with a
message naming the parameter, what it must be and what it got. Booleans are refused
where a number is expected (``True`` is not a rate).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np

from scoring.errors import ParameterError

StarMix = tuple[float, float, float, float, float]
MixLike = Sequence[float] | Mapping[int, float] | np.ndarray

ScoreModel = Literal["trustpilot", "decayed-prior"]
MODELS: tuple[ScoreModel, ...] = ("trustpilot", "decayed-prior")
"""The model forms, the fitted one first (see :mod:`scoring.model`)."""
MIX_TOLERANCE = 1e-6
"""How far from 1 a star mix's shares may sum (they are then rescaled to exactly 1)."""


def number(name: str, value: object) -> float:
    """``value`` as a float; a bool, a string or anything else not a number is refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ParameterError(f"{name} must be a number, got {value!r}.")
    return float(value)


def rate(name: str, value: object, upper: float) -> float:
    """A finite rate from 0 to ``upper`` a day."""
    x = number(name, value)
    if not (math.isfinite(x) and 0.0 <= x <= upper):
        raise ParameterError(
            f"{name} must be a number from 0 to {upper:,.0f} a day, got {value!r}."
        )
    return x


def share(name: str, value: object) -> float:
    """A share from 0 to 1."""
    x = number(name, value)
    if not (math.isfinite(x) and 0.0 <= x <= 1.0):
        raise ParameterError(
            f"{name} must be a share from 0 to 1 (e.g. 0.25 for 25%), got {value!r}."
        )
    return x


def whole(name: str, value: object, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (a float like 30.0 is accepted)."""
    if not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating):
        x = float(value)
        if x.is_integer() and low <= x <= high:
            return int(x)
    raise ParameterError(f"{name} must be a whole number from {low:,} to {high:,}, got {value!r}.")


def probability(value: object) -> float | None:
    """A probability above 0 and at most 1, or None (no probability asked)."""
    if value is None:
        return None
    p = number("probability", value)
    if not (0.0 < p <= 1.0):
        raise ParameterError(
            f"probability must be above 0 and at most 1 (e.g. 0.8), got {value!r}."
        )
    return p


def percentiles(values: object) -> tuple[float, ...]:
    """Distinct percentiles from 0 to 100 (at least one)."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ParameterError(
            f"percentiles must be a sequence of numbers from 0 to 100, got {values!r}."
        )
    out = tuple(number("percentiles", v) for v in values)
    if not out or any(not (0.0 <= p <= 100.0) for p in out) or len(set(out)) != len(out):
        raise ParameterError(
            f"percentiles must be distinct numbers from 0 to 100 (at least one), got {values!r}."
        )
    return out


def half_life(value: object) -> float:
    """A half-life in days: positive, or ``math.inf`` for no decay."""
    days = number("half_life_days", value)
    if not days > 0:
        raise ParameterError(f"half_life_days must be positive or math.inf, got {value!r}.")
    return days


def prior_count(value: object) -> float:
    """The prior's weight in reviews: a finite number >= 0."""
    count = number("prior_count", value)
    if not (math.isfinite(count) and count >= 0):
        raise ParameterError(f"prior_count must be a finite number >= 0, got {value!r}.")
    return count


def prior_mean(value: object) -> float:
    """The prior's stars: a finite number."""
    mean = number("prior_mean", value)
    if not math.isfinite(mean):
        raise ParameterError(f"prior_mean must be a finite number, got {value!r}.")
    return mean


def model(value: object) -> ScoreModel:
    """A model form: "trustpilot" or "decayed-prior"."""
    for known in MODELS:
        if value == known:
            return known
    raise ParameterError(f"model must be one of {', '.join(map(repr, MODELS))}; got {value!r}.")


def star_mix(mix: MixLike, name: str = "mix") -> StarMix:
    """Check a star mix and return it as five floats for 1..5 stars.

    ``mix`` is a sequence of five shares (1 star first) or a mapping from stars
    1..5 to shares (missing stars get 0). The shares must be finite, non-negative
    and sum to 1 within 1e-6; they are returned rescaled to sum to exactly 1.
    """
    lead = f"{name} must be five shares for 1..5 stars that sum to 1"
    if isinstance(mix, Mapping):
        unknown = [key for key in mix if key not in (1, 2, 3, 4, 5)]
        if unknown:
            raise ParameterError(f"{lead}; its keys must be the stars 1..5, got {unknown!r}.")
        values: list[object] = [mix.get(star, 0.0) for star in (1, 2, 3, 4, 5)]
    elif isinstance(mix, str | bytes) or not isinstance(mix, Iterable):
        raise ParameterError(f"{lead}; got {mix!r}.")
    else:
        values = list(mix)
    if len(values) != 5:
        raise ParameterError(f"{lead}; got {len(values)} value(s).")
    try:
        shares = np.array([number(name, v) for v in values], dtype="float64")
    except ParameterError:
        raise ParameterError(f"{lead}; got {values!r}.") from None
    if not (np.all(np.isfinite(shares)) and np.all(shares >= 0)):
        raise ParameterError(f"{lead}; each share must be a finite number >= 0, got {values!r}.")
    total = float(shares.sum())
    if abs(total - 1.0) > MIX_TOLERANCE:
        raise ParameterError(f"{lead}; these sum to {total:.10g}.")
    shares = shares / total
    return (float(shares[0]), float(shares[1]), float(shares[2]), float(shares[3]),
            float(shares[4]))
