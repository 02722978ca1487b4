"""How a score is shown: one decimal, half stars, labels, the 0-100 KPI index.

Rounding is "standard mathematical rounding" (halves up), never Python's ``round``
(banker's rounding on binary floats): 4.25 shows as 4.3 and 4.5 stars. A tolerance
of 1e-9 absorbs float noise such as 4.2499999999999.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import pandas as pd

from scoring import validation
from scoring.errors import ParameterError

ScoreLike = TypeVar("ScoreLike", float, np.ndarray, pd.Series)

SCORE_TOLERANCE = 1e-9
"""A score within this of a boundary counts as reaching it (float noise like 4.2499999)."""


def _round_half_up(x: float, step: float) -> float:
    units = math.floor(x / step + 0.5 + SCORE_TOLERANCE)
    return round(units * step, 10)


def display_score(x: float) -> float:
    """The TrustScore as shown: one decimal, halves up (4.25 -> 4.3)."""
    return _round_half_up(float(x), 0.1)


def star_rating(x: float) -> float:
    """The star rating: the nearest half star, halves up (4.25 -> 4.5, 4.24 -> 4.0)."""
    return _round_half_up(float(x), 0.5)


@dataclass(frozen=True)
class LabelBands:
    """Lower bounds of the labels, on the displayed score (Trustpilot's published chart).

    Excellent >= 4.3, Great >= 3.8, Average >= 2.8, Poor >= 1.8, Bad below.
    """

    excellent: float = 4.3
    great: float = 3.8
    average: float = 2.8
    poor: float = 1.8

    def __post_init__(self) -> None:
        if not (self.poor < self.average < self.great < self.excellent):
            raise ValueError("Label bands must increase: poor < average < great < excellent.")

    def thresholds(self) -> list[tuple[str, float]]:
        """(label, lower bound) from the best label down; "Bad" has no lower bound."""
        return [
            ("Excellent", self.excellent),
            ("Great", self.great),
            ("Average", self.average),
            ("Poor", self.poor),
        ]


DEFAULT_LABEL_BANDS = LabelBands()
LABELS: tuple[str, ...] = ("Excellent", "Great", "Average", "Poor", "Bad")
"""Every label, best first: the one list of them."""
TARGET_LABELS: tuple[str, ...] = LABELS[:-1]
"""The labels a target can name ("Bad" is reached by every score)."""
TargetKind = Literal["score", "stars", "label"]


def label(x: float, bands: LabelBands = DEFAULT_LABEL_BANDS) -> str:
    """The label of a score, judged on its displayed value (4.25 shows 4.3: Excellent)."""
    shown = display_score(x)
    for name, lower in bands.thresholds():
        if shown >= lower - SCORE_TOLERANCE:
            return name
    return "Bad"


def kpi_index(x: ScoreLike) -> ScoreLike:
    """The 0-100 KPI index: ``(S - 1) / 4 * 100`` (1 star = 0, 5 stars = 100).

    A score gives a float; an array or a Series gives the same, element-wise.
    """
    if isinstance(x, int | float):
        return (float(x) - 1.0) / 4.0 * 100.0
    return (x - 1.0) / 4.0 * 100.0


def kpi_points(change: ScoreLike) -> ScoreLike:
    """A change of the score in KPI points: ``change / 4 * 100`` (0.1 stars = 2.5 points)."""
    if isinstance(change, int | float):
        return float(change) / 4.0 * 100.0
    return change / 4.0 * 100.0


@dataclass(frozen=True)
class KpiBands:
    """Bands and reference lines of the 0-100 KPI view.

    Above 80 excellent, 70-80 good, below 70 poor; reference lines at 75 (tech
    average, Forrester) and 85 (top-quartile e-commerce, Gartner).
    """

    excellent_above: float = 80.0
    good_from: float = 70.0
    references: tuple[tuple[str, float], ...] = (
        ("Tech average (Forrester)", 75.0),
        ("Top-quartile e-commerce (Gartner)", 85.0),
    )

    def __post_init__(self) -> None:
        if not self.good_from < self.excellent_above:
            raise ValueError("KPI bands: good_from must be below excellent_above.")


DEFAULT_KPI_BANDS = KpiBands()


def kpi_band(index: float, bands: KpiBands = DEFAULT_KPI_BANDS) -> str:
    """"Excellent" above 80, "Good" from 70 to 80, "Poor" below 70 (defaults)."""
    if index > bands.excellent_above:
        return "Excellent"
    if index >= bands.good_from:
        return "Good"
    return "Poor"


def star_threshold(stars: float) -> float:
    """The lowest raw score shown as ``stars`` (a multiple of 0.5): ``stars - 0.25``."""
    return stars - 0.25


def label_threshold(lower_bound: float) -> float:
    """The lowest raw score whose displayed value reaches ``lower_bound``: minus 0.05."""
    return lower_bound - 0.05


@dataclass(frozen=True)
class Gaps:
    """Distances from a raw score to the neighbouring half-star and label boundaries.

    ``*_up`` is how much the raw score must rise to reach the next boundary (None at
    the top); ``*_down`` how far it may fall before dropping below the current one
    (None at the bottom). ``next_*`` / ``current_*`` name the boundaries.
    """

    star_up: float | None
    next_stars: float | None
    star_down: float | None
    label_up: float | None
    next_label: str | None
    label_down: float | None


def gaps(x: float, bands: LabelBands = DEFAULT_LABEL_BANDS) -> Gaps:
    """The :class:`Gaps` of score ``x`` (boundaries as in :func:`star_rating`, :func:`label`)."""
    stars = star_rating(x)
    next_stars = stars + 0.5 if stars < 5 else None
    star_up = star_threshold(next_stars) - x if next_stars is not None else None
    star_down = x - star_threshold(stars) if stars > 1 else None
    current = label(x, bands)
    ordered = bands.thresholds()
    names = [name for name, _ in ordered]
    position = names.index(current) if current in names else len(names)
    if position > 0:
        next_label, next_lower = ordered[position - 1]
        label_up: float | None = label_threshold(next_lower) - x
    else:
        next_label, label_up = None, None
    label_down = x - label_threshold(ordered[position][1]) if position < len(ordered) else None
    return Gaps(
        star_up=star_up,
        next_stars=next_stars,
        star_down=star_down,
        label_up=label_up,
        next_label=next_label,
        label_down=label_down,
    )


def five_stars_needed(
    target: float,
    *,
    decayed_stars: float,
    decayed_count: float,
    prior_count: float,
    prior_mean: float,
    reviews: int | None = None,
    model: str = "trustpilot",
) -> int | None:
    """How many 5-star reviews today lift the score to ``target`` (None if never).

    ``decayed_stars`` ``A`` and ``decayed_count`` ``B`` are the decayed sums now,
    ``reviews`` ``n`` the count (needed for ``model="trustpilot"``). The smallest
    whole k with

    - "decayed-prior": ``(m mu + A + 5k) / (m + B + k) >= target``, i.e.
      ``k >= (target * (m + B) - (m mu + A)) / (5 - target)``;
    - "trustpilot": ``(m mu + (n + k) (A + 5k) / (B + k)) / (m + n + k) >= target``;
      multiplied out, ``f(k) = (5 - t) k^2 + (A + 5n + P - t (m + n + B)) k
      + n A + (P - t (m + n)) B >= 0`` with ``P = m mu``, whose larger root is the
      answer (the score rises with every 5-star review, since ``B <= n``).
    """
    if target >= 5:
        return None
    m, mu, a, b = prior_count, prior_mean, decayed_stars, decayed_count
    if model == "decayed-prior":
        k = (target * (m + b) - (m * mu + a)) / (5.0 - target)
        return max(0, math.ceil(k - SCORE_TOLERANCE))
    if model != "trustpilot":
        raise ValueError(f"model must be 'trustpilot' or 'decayed-prior', got {model!r}.")
    if reviews is None:
        raise ValueError("five_stars_needed needs the review count under model='trustpilot'.")
    n, prior = float(reviews), m * mu

    def score_after(k: int) -> float:
        if n + k == 0:
            return mu
        mean = (a + 5.0 * k) / (b + k) if b + k > 0 else 5.0
        return (prior + (n + k) * mean) / (m + n + k)

    if score_after(0) >= target - SCORE_TOLERANCE:
        return 0
    quadratic = 5.0 - target
    linear = a + 5.0 * n + prior - target * (m + n + b)
    constant = n * a + (prior - target * (m + n)) * b
    root = (-linear + math.sqrt(max(linear * linear - 4 * quadratic * constant, 0.0))) / (
        2 * quadratic
    )
    k = max(1, math.ceil(root - SCORE_TOLERANCE))
    while k > 1 and score_after(k - 1) >= target - SCORE_TOLERANCE:
        k -= 1
    while score_after(k) < target - SCORE_TOLERANCE:
        k += 1
    return k


def target_threshold(
    target: float | str,
    *,
    kind: TargetKind = "score",
    bands: LabelBands = DEFAULT_LABEL_BANDS,
) -> float:
    """The lowest raw score that meets ``target``.

    - ``kind="score"``: ``target`` is a raw score, returned as is (4.2 -> 4.2);
    - ``kind="stars"``: a half-star rating 1, 1.5, ..., 5; the score shows as that many
      stars from ``stars - 0.25`` (4.5 stars -> 4.25, :func:`star_threshold`);
    - ``kind="label"``: "Excellent", "Great", "Average" or "Poor" (any case); the
      displayed score must reach the band's lower bound, so the raw score must reach
      ``bound - 0.05`` ("Excellent" -> 4.3 - 0.05 = 4.25, :func:`label_threshold`).

    Raises :class:`~scoring.errors.ParameterError` for anything else.
    """
    names = [name.lower() for name in TARGET_LABELS]
    listed = ", ".join(TARGET_LABELS)
    if kind == "label":
        if not isinstance(target, str):
            raise ParameterError(f"A label target must be one of {listed}; got {target!r}.")
        name = target.strip().lower()
        if name == LABELS[-1].lower():
            raise ParameterError(f"'{LABELS[-1]}' is the lowest label: every score reaches it.")
        if name not in names:
            raise ParameterError(f"A label target must be one of {listed}; got {target!r}.")
        return label_threshold(dict(bands.thresholds())[TARGET_LABELS[names.index(name)]])
    if kind not in ("score", "stars"):
        raise ParameterError(f"kind must be 'score', 'stars' or 'label', got {kind!r}.")
    if isinstance(target, str):
        text = target.strip()
        if text.lower() in (*names, LABELS[-1].lower()):
            raise ParameterError(f"{target!r} is a label; pass kind='label'.")
        try:
            value = float(text)
        except ValueError:
            raise ParameterError(f"target must be a number, got {target!r}.") from None
    else:
        value = validation.number("target", target)
    if not math.isfinite(value):
        raise ParameterError(f"target must be a finite number, got {target!r}.")
    if kind == "stars":
        if not (1.0 <= value <= 5.0 and (2.0 * value).is_integer()):
            raise ParameterError(
                f"A star target must be a half star from 1 to 5 (1, 1.5, ..., 5); got {target!r}."
            )
        return star_threshold(value)
    return value
