"""Calibration: the model against the TrustScore a profile published, and a fit of it.

A :class:`~scoring.readings.PublishedReading` says what a profile displayed at an
instant ``T_r``: the score ``p_r`` (one decimal) and, optionally, the review count.
With the reviews of the file up to ``T_r`` (ages measured from the newest of them,
``t*_r``, so nothing underflows)::

    A'_r(H) = sum_i s_i 2 ** (-(t*_r - t_i) / H)      B'_r(H) = sum_i 2 ** (-(t*_r - t_i) / H)
    n_r     = the number of counted reviews created at or before T_r

    "trustpilot":     S_r(H, m) = (m * mu + n_r * A'_r / B'_r) / (m + n_r)
    "decayed-prior":  S_r(H, m) = (m * mu + f A'_r) / (m + f B'_r),   f = 2 ** (-(T_r - t*_r) / H)

(``mu`` where the denominator is 0). :func:`fit` minimises the sum of squared errors

    SSE(H, m) = sum_r (S_r(H, m) - p_r) ** 2

over the half-life ``H`` in [1, 3650] days (a log grid of 241 points, then a
golden-section search between the best point's neighbours) and, when asked, the prior
count ``m`` in [0, 50] (for each H, a grid of 201 values then golden section). No scipy.

How well the readings determine the parameters is returned as data: the ranges of
values whose every reading is *reproduced*, i.e. ``|S_r - p_r| <= 0.05`` (the rounding
floor of a one-decimal score: the displayed score equals the published one, up to the
half-up tie), possibly reaching the ends of the search range ("any half-life above 90
days fits"); and :class:`FitIssue` codes with their numbers (too few readings for the
parameters, a flat objective and why, a best value at a bound, an unbounded range, no
value reproducing every reading). The interface turns codes into sentences.

:func:`incompleteness` says how far a file holding fewer reviews than the profile
counted could be off: the missing reviews all 1-star or all 5-star, at the weight of
the newest review in the file (the extreme cases).

Large files: the fit groups a reading's reviews by (hour of age, stars) when it has
more than 20,000, each group at its mean age. A group's weight is then exact to first
order; the relative error is at most ``(ln 2 * d / H) ** 2 / 2`` with ``d`` <= 1/24 day
(4e-4 at H = 1 day, 5e-7 at H = 30). Residuals and :func:`compare_readings` are always
computed exactly.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from scoring.display import display_score
from scoring.errors import ReviewDataError
from scoring.model import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_MODEL,
    DEFAULT_PRIOR_COUNT,
    DEFAULT_PRIOR_MEAN,
    SCORE_MODELS,
    ScoreModel,
    ScoreParams,
    _counted_times_stars,
    score_state,
)
from scoring.periods import (
    NS_PER_DAY,
)
from scoring.readings import PublishedReading

MIN_HALF_LIFE_DAYS = 1.0
MAX_HALF_LIFE_DAYS = 3650.0
MIN_PRIOR_COUNT = 0.0
MAX_PRIOR_COUNT = 50.0
REPRODUCE_TOLERANCE = 0.05
"""A model value within this of the published score reproduces it: the rounding floor
of a one-decimal score (the displayed score equals the published one)."""
FLAT_TOLERANCE = 1e-3
"""When no reading's model score moves by more than this across a parameter's range,
the objective is flat in that parameter: the readings cannot tell its values apart."""
INCOMPLETE_MIN_MISSING = 3
INCOMPLETE_MIN_SHARE = 0.05
"""A file is *markedly* incomplete (:attr:`Incompleteness.warn`) when it lacks more than
2 of the reviews the profile counted and at least 5% of them: one or two missing
reviews (a removed review, a scrape racing a new one) are usual and move a score by
hundredths; beyond that the file is missing a part of the history."""
EXACT_REVIEW_LIMIT = 20_000
"""Above this many reviews before a reading, the fit groups them by (hour, stars)."""

HALF_LIFE_GRID_POINTS = 241
PRIOR_GRID_POINTS = 201
PRIOR_FINE_GRID_POINTS = 501
_GOLDEN_ITERATIONS = 60
_EDGE_ITERATIONS = 30

MODEL_COLUMNS: dict[str, str] = {"trustpilot": "trustpilot", "decayed-prior": "decayed_prior"}
"""Column prefix of each model form in :func:`compare_readings`."""

IssueCode = Literal[
    "too_few_readings",
    "no_reviews_before_readings",
    "reviews_same_age",
    "reviews_same_stars",
    "flat_objective",
    "best_at_bound",
    "range_unbounded",
    "several_ranges",
    "no_exact_fit",
]


@dataclass(frozen=True)
class FitIssue:
    """Why a parameter is not (well) determined, as data for the interface to word.

    ``code`` (see :data:`IssueCode`), the ``parameter`` it concerns
    (``"half_life_days"``, ``"prior_count"``, or None for both), and ``values``:
    the numbers the sentence needs.

    - ``too_few_readings``: ``readings`` (informative ones: distinct review sets),
      ``parameters``; e.g. one reading cannot pin a half-life and a prior count.
    - ``no_reviews_before_readings``: every reading predates the file's first review;
      the model says ``prior_mean`` whatever the parameters.
    - ``reviews_same_age``: under "trustpilot", each reading's reviews were all
      created at one instant (or there is one), so their weighted mean does not
      depend on H.
    - ``reviews_same_stars``: under "trustpilot", each reading's reviews all have the
      same stars: their weighted mean is those stars whatever H.
    - ``flat_objective``: no reading's model value moves by more than ``tolerance``
      across the range; ``spread`` is the largest move.
    - ``best_at_bound``: the best ``value`` is the search range's ``bound``.
    - ``range_unbounded``: the values reproducing every reading run from ``low`` to
      ``high`` and reach the end of the search range (``open_below``/``open_above``
      1.0 or 0.0), e.g. any half-life above 90 days fits.
    - ``several_ranges``: ``count`` separate ranges reproduce every reading.
    - ``no_exact_fit``: no value reproduces every reading; the best misses by
      ``max_abs_error`` (> ``tolerance``).
    """

    code: IssueCode
    parameter: str | None = None
    values: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Interval:
    """A closed range ``[low, high]`` of parameter values.

    ``open_below``/``open_above``: it reaches the search range's end, so the readings
    do not bound it on that side ("any half-life above ``low`` fits").
    """

    low: float
    high: float
    open_below: bool = False
    open_above: bool = False

    def __contains__(self, value: object) -> bool:
        return (isinstance(value, numbers.Real) and not isinstance(value, bool)
                and self.low <= float(value) <= self.high)

    @property
    def bounded(self) -> bool:
        """Whether the readings bound it on both sides."""
        return not (self.open_below or self.open_above)


@dataclass(frozen=True)
class Fit:
    """The best parameters for a set of readings, and how well the readings pin them.

    - ``half_life_days``, ``prior_count`` (fitted when ``fitted_prior``, else the one
      given), ``prior_mean``, ``model``: the best parameters;
    - ``residuals``: model minus published score per reading, in the order given
      (computed exactly); ``rmse`` ``sqrt(mean residual ** 2)``; ``max_abs_error``;
    - ``half_life_ranges``: the half-lives whose every reading is reproduced
      (``|S_r - p_r| <= tolerance``; with ``fitted_prior``, for some prior count in
      its range); ``prior_count_ranges`` likewise (empty unless ``fitted_prior``);
    - ``half_life_identifiable``, ``prior_count_identifiable`` (None unless fitted):
      whether the readings determine the value (enough readings, a non-flat
      objective, a best value inside the search range whose reproducing range is
      bounded on both sides); ``issues`` say why not, with numbers;
    - ``profile``: per half-life of the search grid, the best ``prior_count`` there,
      ``rmse`` and ``max_abs_error`` (for a chart of how sharply the readings pick H).
    """

    model: ScoreModel
    half_life_days: float
    prior_count: float
    prior_mean: float
    fitted_prior: bool
    readings: int
    residuals: tuple[float, ...]
    rmse: float
    max_abs_error: float
    tolerance: float
    half_life_ranges: tuple[Interval, ...]
    prior_count_ranges: tuple[Interval, ...]
    half_life_identifiable: bool
    prior_count_identifiable: bool | None
    issues: tuple[FitIssue, ...]
    half_life_bounds: tuple[float, float]
    prior_count_bounds: tuple[float, float]
    profile: pd.DataFrame = field(repr=False, compare=False)

    @property
    def identifiable(self) -> bool:
        """Whether every fitted parameter is determined by the readings."""
        return self.half_life_identifiable and self.prior_count_identifiable is not False

    @property
    def reproduces_every_reading(self) -> bool:
        """Whether the best parameters reproduce every reading (within the tolerance)."""
        return self.max_abs_error <= self.tolerance + 1e-9

    def has_issue(self, code: str, parameter: str | None = None) -> bool:
        """Whether an issue with ``code`` (about ``parameter``, if given) was found."""
        return any(
            issue.code == code and (parameter is None or issue.parameter == parameter)
            for issue in self.issues
        )

    @property
    def params(self) -> ScoreParams:
        """The fitted parameters as :class:`~scoring.model.ScoreParams`."""
        return ScoreParams(self.half_life_days, self.prior_count, self.prior_mean, self.model)


@dataclass(frozen=True)
class Incompleteness:
    """How a file holding fewer reviews than the profile counted could be off.

    At the reading's instant ``at``: ``reviews_in_file`` counted reviews against the
    ``published_count``; ``missing`` and ``share_missing`` (of the published count);
    ``score`` the model's value on the file; ``lowest``/``highest`` its value had the
    missing reviews all been 1-star / 5-star, created at the newest review's instant
    in the file (the reading's instant when the file has none before it), i.e. at the
    largest weight a review of the file has. ``warn``: markedly incomplete (more than
    2 missing and at least 5%; see :data:`INCOMPLETE_MIN_SHARE`).
    """

    at: pd.Timestamp
    reviews_in_file: int
    published_count: int
    missing: int
    share_missing: float
    score: float
    lowest: float
    highest: float
    warn: bool


# -- comparing ---------------------------------------------------------------------


def _check_readings(readings: Sequence[PublishedReading]) -> list[PublishedReading]:
    found = list(readings)
    for position, reading in enumerate(found, start=1):
        if not isinstance(reading, PublishedReading):
            raise ValueError(
                f"Reading {position} is a {type(reading).__name__}, not a PublishedReading; "
                "build readings with scoring.PublishedReading(at, score, review_count)."
            )
    return found


def compare_readings(
    reviews: pd.DataFrame,
    readings: Sequence[PublishedReading],
    *,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
) -> pd.DataFrame:
    """Each reading beside both model forms' values at its instant.

    One row per reading, in the order given. Columns: ``at``, ``published_score``,
    ``published_count`` (nullable), ``source``, ``reviews_in_file`` (counted reviews
    created at or before ``at``), ``missing_reviews`` (``published_count -
    reviews_in_file``, nullable), and for each form (prefix ``trustpilot_`` and
    ``decayed_prior_``, see :data:`MODEL_COLUMNS`): ``score`` (the raw model value
    ``S(at)``: the live value for "decayed-prior"), ``display`` (one decimal, halves
    up), ``error`` (``score - published_score``) and ``matches`` (``display`` equals
    the published score).
    """
    found = _check_readings(readings)
    base = ScoreParams(half_life_days, prior_count, prior_mean)
    forms = {model: ScoreParams(half_life_days, prior_count, prior_mean, model)
             for model in SCORE_MODELS}
    rows = []
    for reading in found:
        state = score_state(reviews, as_of=reading.at, half_life_days=base.half_life_days)
        row: dict[str, object] = {
            "at": reading.at,
            "published_score": reading.score,
            "published_count": reading.review_count,
            "source": reading.source,
            "reviews_in_file": state.reviews,
            "missing_reviews": (None if reading.review_count is None
                                else reading.review_count - state.reviews),
        }
        for model, params in forms.items():
            prefix = MODEL_COLUMNS[model]
            score = state.score(params)
            shown = display_score(score)
            row[f"{prefix}_score"] = score
            row[f"{prefix}_display"] = shown
            row[f"{prefix}_error"] = score - reading.score
            row[f"{prefix}_matches"] = abs(shown - reading.score) < 1e-9
        rows.append(row)
    columns = ["at", "published_score", "published_count", "source", "reviews_in_file",
               "missing_reviews"]
    for model in SCORE_MODELS:
        prefix = MODEL_COLUMNS[model]
        columns += [f"{prefix}_{name}" for name in ("score", "display", "error", "matches")]
    table = pd.DataFrame(rows, columns=columns)
    table["at"] = pd.to_datetime(table["at"], utc=True)
    for column in ("published_count", "missing_reviews"):
        table[column] = table[column].astype("Int64")
    table["reviews_in_file"] = table["reviews_in_file"].astype("int64")
    table["source"] = table["source"].astype("string")
    for model in SCORE_MODELS:
        table[f"{MODEL_COLUMNS[model]}_matches"] = table[f"{MODEL_COLUMNS[model]}_matches"].astype(
            bool
        )
    return table


# -- incompleteness ----------------------------------------------------------------


def incompleteness(
    reviews: pd.DataFrame,
    reading: PublishedReading,
    *,
    params: ScoreParams | None = None,
) -> Incompleteness | None:
    """How far off the score can be when the file lacks reviews the profile counted.

    None unless ``reading.review_count`` exceeds the counted reviews created at or
    before ``reading.at``. With ``k`` missing reviews of ``s`` stars each, created at
    the newest review's instant ``t*`` (weight 1 relative to it; ``A'``, ``B'`` as in
    the module docstring)::

        A'' = A' + k s     B'' = B' + k     n'' = n + k
        "trustpilot":     S = (m mu + n'' A''/B'') / (m + n'')
        "decayed-prior":  S = (m mu + f A'') / (m + f B''),   f = 2 ** (-(T - t*) / H)

    ``lowest`` takes ``s = 1``, ``highest`` ``s = 5``.
    """
    if not isinstance(reading, PublishedReading):
        raise ValueError(f"Expected a PublishedReading, got {type(reading).__name__}.")
    params = params if params is not None else ScoreParams()
    if not isinstance(params, ScoreParams):
        raise ValueError(f"params must be a ScoreParams, got {type(params).__name__}.")
    if reading.review_count is None:
        return None
    state = score_state(reviews, as_of=reading.at, half_life_days=params.half_life_days)
    missing = reading.review_count - state.reviews
    if missing <= 0:
        return None
    sum_a, sum_b, gap = _relative_sums(reviews, reading.at, params.half_life_days)

    def with_missing(stars: float) -> float:
        a, b, n = sum_a + missing * stars, sum_b + missing, state.reviews + missing
        return _form_score(a, b, n, gap, params)

    share = missing / reading.review_count
    return Incompleteness(
        at=reading.at,
        reviews_in_file=state.reviews,
        published_count=reading.review_count,
        missing=missing,
        share_missing=share,
        score=state.score(params),
        lowest=with_missing(1.0),
        highest=with_missing(5.0),
        warn=missing >= INCOMPLETE_MIN_MISSING and share >= INCOMPLETE_MIN_SHARE,
    )


def _decay(age_days: float, half_life_days: float) -> float:
    return 1.0 if math.isinf(half_life_days) else float(2.0 ** (-age_days / half_life_days))


def _relative_sums(reviews: pd.DataFrame, at: pd.Timestamp, half_life_days: float
                   ) -> tuple[float, float, float]:
    """``A'``, ``B'`` (weights relative to the newest counted review at or before ``at``)
    and ``f = 2 ** (-(at - t*) / H)``; zeros and ``f = 1`` when there is no review."""
    times, stars = _counted_times_stars(reviews)
    at_ns = at.as_unit("ns").value
    kept = times <= at_ns
    times, stars = times[kept], stars[kept]
    if len(times) == 0:
        return 0.0, 0.0, 1.0
    newest = int(times.max())
    ages = (newest - times) / NS_PER_DAY
    weights = np.ones(len(ages)) if math.isinf(half_life_days) else np.exp2(
        -ages / half_life_days)
    gap = _decay((at_ns - newest) / NS_PER_DAY, half_life_days)
    return float(weights @ stars), float(weights.sum()), gap


def _form_score(sum_a: float, sum_b: float, n: float, gap: float, params: ScoreParams) -> float:
    """The score from sums relative to the newest review (see the module docstring)."""
    m, mu = params.prior_count, params.prior_mean
    if params.is_trustpilot:
        if m + n == 0:
            return mu
        mean = sum_a / sum_b if n > 0 else 0.0
        return (m * mu + n * mean) / (m + n)
    a, b = gap * sum_a, gap * sum_b
    return mu if m + b == 0 else (m * mu + a) / (m + b)


# -- fitting -----------------------------------------------------------------------


@dataclass
class _Readings:
    """Every reading's reviews, prepared for evaluating the model at many H.

    Flat arrays over (reading, group): ``ages`` (days from the reading's newest
    review), ``weight_counts`` (reviews in the group), ``star_sums``, ``segment``
    (the reading's index); per reading ``published``, ``counts`` (n_r), ``gaps``
    (T_r - t*_r in days, 0 when n_r = 0).
    """

    published: np.ndarray
    counts: np.ndarray
    gaps: np.ndarray
    ages: np.ndarray
    weight_counts: np.ndarray
    star_sums: np.ndarray
    segment: np.ndarray
    same_age: np.ndarray
    same_stars: np.ndarray
    keys: list[tuple[int, int, int]]

    def sums(self, half_life_days: float) -> tuple[np.ndarray, np.ndarray]:
        """``A'_r(H)``, ``B'_r(H)`` per reading."""
        weights = np.exp2(-self.ages / half_life_days)
        size = len(self.published)
        sum_a = np.bincount(self.segment, weights=weights * self.star_sums, minlength=size)
        sum_b = np.bincount(self.segment, weights=weights * self.weight_counts, minlength=size)
        return sum_a, sum_b

    def scores(self, sums: tuple[np.ndarray, np.ndarray], half_life_days: float,
               prior_count: np.ndarray | float, prior_mean: float, model: str) -> np.ndarray:
        """``S_r`` for every reading (axis 0) and prior count (axis 1 when an array)."""
        sum_a, sum_b = sums
        m = np.asarray(prior_count, dtype="float64")
        if m.ndim:
            m = m[None, :]
            sum_a, sum_b = sum_a[:, None], sum_b[:, None]
            n, gaps = self.counts[:, None], self.gaps[:, None]
        else:
            n, gaps = self.counts, self.gaps
        with np.errstate(invalid="ignore", divide="ignore"):
            if model == "trustpilot":
                mean = np.where(n > 0, sum_a / np.where(sum_b > 0, sum_b, 1.0), 0.0)
                score = (m * prior_mean + n * mean) / (m + n)
                return np.where(m + n > 0, score, prior_mean)
            scale = np.exp2(-gaps / half_life_days)
            a, b = sum_a * scale, sum_b * scale
            score = (m * prior_mean + a) / (m + b)
            return np.where(m + b > 0, score, prior_mean)


    def scores_over_h(self, sum_a: np.ndarray, sum_b: np.ndarray, half_lives: np.ndarray,
                      prior_count: float, prior_mean: float, model: str) -> np.ndarray:
        """``S_r`` at many half-lives (axis 0; ``sum_a``, ``sum_b`` are (half-life,
        reading)) and one prior count."""
        m, n = float(prior_count), self.counts[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            if model == "trustpilot":
                mean = np.where(n > 0, sum_a / np.where(sum_b > 0, sum_b, 1.0), 0.0)
                score = (m * prior_mean + n * mean) / (m + n)
                return np.where(m + n > 0, score, prior_mean)
            scale = np.exp2(-self.gaps[None, :] / half_lives[:, None])
            a, b = sum_a * scale, sum_b * scale
            score = (m * prior_mean + a) / (m + b)
            return np.where(m + b > 0, score, prior_mean)


def _prepare(profiles: Sequence[tuple[pd.DataFrame, Sequence[PublishedReading]]]) -> _Readings:
    published, counts, gaps, keys = [], [], [], []
    ages, weight_counts, star_sums, segments = [], [], [], []
    same_age, same_stars = [], []
    index = 0
    for profile, (reviews, readings) in enumerate(profiles):
        times, stars = _counted_times_stars(reviews)
        order = np.argsort(times, kind="stable")
        times, stars = times[order], stars[order]
        for reading in _check_readings(readings):
            at_ns = reading.at.as_unit("ns").value
            end = int(np.searchsorted(times, at_ns, side="right"))
            published.append(reading.score)
            counts.append(end)
            if end == 0:
                gaps.append(0.0)
                same_age.append(True)
                same_stars.append(True)
                keys.append((profile, 0, 0))
                index += 1
                continue
            newest = int(times[end - 1])
            gaps.append((at_ns - newest) / NS_PER_DAY)
            keys.append((profile, end, newest))
            age = (newest - times[:end]) / NS_PER_DAY
            star = stars[:end]
            same_age.append(bool(age.max() == 0.0))
            same_stars.append(bool((star == star[0]).all()))
            if end > EXACT_REVIEW_LIMIT:
                age, count, star_sum = _group_by_hour(age, star)
            else:
                count, star_sum = np.ones(end), star
            ages.append(age)
            weight_counts.append(count)
            star_sums.append(star_sum)
            segments.append(np.full(len(age), index, dtype="int64"))
            index += 1
    if not published:
        raise ReviewDataError(
            "There is no published reading to fit: type at least one TrustScore the profile "
            "showed, with its date."
        )

    def flat(parts: list[np.ndarray], dtype: str) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    return _Readings(
        published=np.array(published, dtype="float64"),
        counts=np.array(counts, dtype="float64"),
        gaps=np.array(gaps, dtype="float64"),
        ages=flat(ages, "float64"),
        weight_counts=flat(weight_counts, "float64"),
        star_sums=flat(star_sums, "float64"),
        segment=flat(segments, "int64"),
        same_age=np.array(same_age),
        same_stars=np.array(same_stars),
        keys=keys,
    )


def _group_by_hour(ages: np.ndarray, stars: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group reviews by (whole hours of age, stars): mean age, count, star sum."""
    hours = np.floor(ages * 24).astype("int64")
    keys = hours * 8 + stars.astype("int64")
    unique, inverse = np.unique(keys, return_inverse=True)
    count = np.bincount(inverse, minlength=len(unique)).astype("float64")
    mean_age = np.bincount(inverse, weights=ages, minlength=len(unique)) / count
    star_sum = np.bincount(inverse, weights=stars, minlength=len(unique))
    return mean_age, count, star_sum


def _golden(function: Callable[[float], float], low: float, high: float) -> float:
    """The minimiser of a unimodal ``function`` on [low, high] (golden-section search)."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = function(c), function(d)
    for _ in range(_GOLDEN_ITERATIONS):
        if b - a < 1e-10 * max(1.0, abs(a) + abs(b)):
            break
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = function(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = function(d)
    candidates = [(fc, c), (fd, d), (function(low), low), (function(high), high)]
    return min(candidates)[1]


def _best_index(values: np.ndarray, grid: np.ndarray, preferred: float, *, log: bool
                ) -> tuple[int, bool]:
    """The grid index of the smallest value; among (numerically) tied minima the one
    nearest ``preferred``. Also whether the minimum was tied (a flat bottom)."""
    lowest = float(np.min(values))
    tied = np.flatnonzero(values <= lowest + 1e-12 + 1e-9 * abs(lowest))
    if len(tied) == 1:
        return int(tied[0]), False
    distance = np.abs(np.log(grid[tied] / preferred)) if log else np.abs(grid[tied] - preferred)
    return int(tied[np.argmin(distance)]), True


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of every run of True in ``mask``."""
    runs, start = [], None
    for i, flag in enumerate(mask.tolist()):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(mask) - 1))
    return runs


def _edge(inside: Callable[[float], bool], good: float, bad: float, *, log: bool) -> float:
    """Bisect between a value that reproduces every reading and one that does not."""
    for _ in range(_EDGE_ITERATIONS):
        middle = math.sqrt(good * bad) if log else (good + bad) / 2.0
        if inside(middle):
            good = middle
        else:
            bad = middle
    return good


def _ranges(grid: np.ndarray, worst: np.ndarray, tolerance: float,
            worst_at: Callable[[float], float], *, log: bool) -> tuple[Interval, ...]:
    """The ranges of a parameter whose worst error (``worst`` on the grid,
    ``worst_at`` anywhere) is within ``tolerance``.

    Runs of grid points within it, their edges refined by bisection between grid
    points; and ranges narrower than the grid's step, found by a golden-section search
    for the smallest worst error around every local minimum of the grid that comes
    close."""
    limit = tolerance + 1e-12

    def inside(value: float) -> bool:
        return worst_at(value) <= limit

    found = []
    last = len(grid) - 1
    for first, end in _runs(worst <= limit):
        low = grid[first] if first == 0 else _edge(inside, grid[first], grid[first - 1], log=log)
        high = grid[end] if end == last else _edge(inside, grid[end], grid[end + 1], log=log)
        found.append(Interval(float(low), float(high), open_below=first == 0,
                              open_above=end == last))
    margin = max(2 * tolerance, 0.02)
    for i in range(len(grid)):
        if worst[i] <= limit or worst[i] > limit + margin:
            continue
        if (i > 0 and worst[i - 1] < worst[i]) or (i < last and worst[i + 1] < worst[i]):
            continue  # not a local minimum
        left, right = grid[max(i - 1, 0)], grid[min(i + 1, last)]
        if log:
            best = math.exp(_golden(lambda x: worst_at(math.exp(x)), math.log(left),
                                    math.log(right)))
        else:
            best = _golden(worst_at, float(left), float(right))
        if not inside(best):
            continue
        low = best if left == best else _edge(inside, best, float(left), log=log)
        high = best if right == best else _edge(inside, best, float(right), log=log)
        found.append(Interval(float(low), float(high)))
    return tuple(sorted(found, key=lambda interval: interval.low))


def _validate_bounds(bounds: tuple[float, float], what: str, *, positive: bool) -> tuple[float,
                                                                                         float]:
    try:
        low, high = (float(x) for x in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"{what} bounds must be two numbers, got {bounds!r}.") from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"{what} bounds must be finite with low < high, got {bounds!r}.")
    if positive and low <= 0:
        raise ValueError(f"{what} bounds must be positive, got {bounds!r}.")
    if not positive and low < 0:
        raise ValueError(f"{what} bounds must be >= 0, got {bounds!r}.")
    return low, high


def fit(
    reviews: pd.DataFrame,
    readings: Sequence[PublishedReading],
    *,
    fit_prior: bool = False,
    model: ScoreModel = DEFAULT_MODEL,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    half_life_bounds: tuple[float, float] = (MIN_HALF_LIFE_DAYS, MAX_HALF_LIFE_DAYS),
    prior_count_bounds: tuple[float, float] = (MIN_PRIOR_COUNT, MAX_PRIOR_COUNT),
    tolerance: float = REPRODUCE_TOLERANCE,
) -> Fit:
    """The half-life (and, with ``fit_prior``, the prior count) that minimises
    ``SSE = sum_r (S_r - p_r) ** 2`` over the readings of one profile.

    ``half_life_days`` and ``prior_count`` are the values kept where the readings
    cannot tell (a flat objective, tied minima: the one nearest them is taken);
    ``prior_count`` is the fixed prior when ``fit_prior`` is False. See
    :func:`fit_profiles` (the same over several profiles) and the module docstring.
    """
    return fit_profiles(
        [(reviews, readings)], fit_prior=fit_prior, model=model, half_life_days=half_life_days,
        prior_count=prior_count, prior_mean=prior_mean, half_life_bounds=half_life_bounds,
        prior_count_bounds=prior_count_bounds, tolerance=tolerance,
    )


def fit_profiles(
    profiles: Sequence[tuple[pd.DataFrame, Sequence[PublishedReading]]],
    *,
    fit_prior: bool = False,
    model: ScoreModel = DEFAULT_MODEL,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    half_life_bounds: tuple[float, float] = (MIN_HALF_LIFE_DAYS, MAX_HALF_LIFE_DAYS),
    prior_count_bounds: tuple[float, float] = (MIN_PRIOR_COUNT, MAX_PRIOR_COUNT),
    tolerance: float = REPRODUCE_TOLERANCE,
) -> Fit:
    """:func:`fit` with the parameters shared by several profiles: ``profiles`` is a
    sequence of (reviews, readings); the sum of squared errors runs over every
    reading of every profile (e.g. the 14 companies of the fidelity benchmark)."""
    if model not in SCORE_MODELS:
        raise ValueError(f"model must be one of {', '.join(map(repr, SCORE_MODELS))}; "
                         f"got {model!r}.")
    ScoreParams(half_life_days, prior_count, prior_mean, model)
    h_low, h_high = _validate_bounds(half_life_bounds, "Half-life", positive=True)
    m_low, m_high = _validate_bounds(prior_count_bounds, "Prior count", positive=False)
    if not (math.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"tolerance must be a number >= 0, got {tolerance!r}.")
    start_h = min(max(float(half_life_days), h_low), h_high) if math.isfinite(
        half_life_days) else h_high
    start_m = min(max(float(prior_count), m_low), m_high) if fit_prior else float(prior_count)
    prepared = _prepare(profiles)
    size = len(prepared.published)
    published = prepared.published
    limit = tolerance + 1e-12

    h_grid = np.geomspace(h_low, h_high, HALF_LIFE_GRID_POINTS)
    m_grid = np.linspace(m_low, m_high, PRIOR_GRID_POINTS)
    m_fine = np.linspace(m_low, m_high, PRIOR_FINE_GRID_POINTS)
    grid_sums = [prepared.sums(h) for h in h_grid]

    def scores_at(h: float, m: np.ndarray | float,
                  sums: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """``S_r`` (axis 0) at one half-life, per prior count (axis 1 when an array)."""
        return prepared.scores(sums if sums is not None else prepared.sums(h), h, m,
                               prior_mean, model)

    def errors(values: np.ndarray) -> np.ndarray:
        return values - (published[:, None] if values.ndim == 2 else published)

    def sse(values: np.ndarray) -> np.ndarray:
        return np.sum(errors(values) ** 2, axis=0)

    def worst(values: np.ndarray) -> np.ndarray:
        return np.max(np.abs(errors(values)), axis=0)

    def best_prior_at(h: float, sums: tuple[np.ndarray, np.ndarray] | None = None
                      ) -> tuple[float, float]:
        """The prior count minimising the SSE at one half-life, and that SSE."""
        sums = sums if sums is not None else prepared.sums(h)
        on_grid = sse(scores_at(h, m_grid, sums))
        i, tied = _best_index(on_grid, m_grid, start_m, log=False)
        if tied:
            return float(m_grid[i]), float(on_grid[i])

        def objective(m: float) -> float:
            return float(sse(scores_at(h, m, sums)))

        best = _golden(objective, float(m_grid[max(i - 1, 0)]),
                       float(m_grid[min(i + 1, len(m_grid) - 1)]))
        return best, objective(best)

    # 1. The objective over the half-life grid (with the best prior at each, if fitted).
    if fit_prior:
        per_h = [best_prior_at(float(h), sums) for h, sums in zip(h_grid, grid_sums, strict=True)]
        profile_m = np.array([m for m, _ in per_h])
    else:
        profile_m = np.full(len(h_grid), start_m)
    grid_scores = np.stack(
        [scores_at(float(h), float(m), sums)
         for h, m, sums in zip(h_grid, profile_m, grid_sums, strict=True)], axis=1,
    )
    profile_sse = sse(grid_scores)

    # 2. Flat in H: no reading's model value moves across the range.
    h_spread = float(np.max(np.ptp(grid_scores, axis=1)))
    flat_h = h_spread < FLAT_TOLERANCE

    # 3. Least squares.
    def objective_h(h: float) -> float:
        return best_prior_at(h)[1] if fit_prior else float(sse(scores_at(h, start_m)))

    if flat_h:
        best_h = start_h
    else:
        best_i, tied = _best_index(profile_sse, h_grid, start_h, log=True)
        best_h = float(h_grid[best_i])
        if not tied:
            low = math.log(h_grid[max(best_i - 1, 0)])
            high = math.log(h_grid[min(best_i + 1, len(h_grid) - 1)])
            best_h = math.exp(_golden(lambda x: objective_h(math.exp(x)), low, high))
        best_h = min(max(best_h, h_low), h_high)
    best_m = best_prior_at(best_h)[0] if fit_prior else start_m
    m_spread = 0.0
    flat_m = False
    if fit_prior:
        m_spread = float(np.max(np.ptp(scores_at(best_h, m_grid), axis=1)))
        flat_m = m_spread < FLAT_TOLERANCE
        if flat_m:
            best_m = start_m

    # 4. The ranges reproducing every reading.
    if fit_prior:
        grid_worst = np.stack(
            [worst(scores_at(float(h), m_fine, sums)) for h, sums in zip(h_grid, grid_sums,
                                                                          strict=True)]
        )  # (half-life, prior count)

        def worst_at_h(h: float) -> float:
            return float(np.min(worst(scores_at(h, m_fine))))

        worst_h = grid_worst.min(axis=1)
        h_ranges = _ranges(h_grid, worst_h, tolerance, worst_at_h, log=True)
        # The region in (H, m) can be a sliver narrower than the grid's step in H: the
        # prior counts are projected over the grid plus 101 half-lives across (and just
        # beyond) each range of H found.
        around = [np.geomspace(max(h_low, found.low / 1.05), min(h_high, found.high * 1.05),
                               101) for found in h_ranges]
        local_h = np.concatenate([np.array([best_h]), *around])
        local_sums = [prepared.sums(float(h)) for h in local_h]
        all_h = np.concatenate([h_grid, local_h])
        all_sums = grid_sums + local_sums
        worst_m = np.minimum(
            grid_worst.min(axis=0),
            np.stack([worst(scores_at(float(h), m_fine, sums))
                      for h, sums in zip(local_h, local_sums, strict=True)]).min(axis=0),
        )

        all_a = np.stack([a for a, _ in all_sums])
        all_b = np.stack([b for _, b in all_sums])

        def worst_at_m(m: float) -> float:
            values = prepared.scores_over_h(all_a, all_b, all_h, m, prior_mean, model)
            return float(np.min(np.max(np.abs(values - published[None, :]), axis=1)))

        prior_ranges = _ranges(m_fine, worst_m, tolerance, worst_at_m, log=False)
    else:
        worst_h = worst(grid_scores)

        def worst_at_h(h: float) -> float:
            return float(worst(scores_at(h, start_m)))

        h_ranges = _ranges(h_grid, worst_h, tolerance, worst_at_h, log=True)
        prior_ranges = ()

    # 5. When least squares misses a reading that other values reproduce: the least
    #    squares among the values that reproduce every reading.
    if h_ranges and float(worst(scores_at(best_h, best_m))) > limit:
        best_h, best_m = _best_reproducing(
            h_ranges, scores_at, sse, worst, limit, m_fine if fit_prior else None, start_m,
        )

    # 6. Exact residuals at the best parameters.
    best_params = ScoreParams(best_h, best_m, prior_mean, model)
    residuals = []
    for reviews, readings in profiles:
        for reading in readings:
            state = score_state(reviews, as_of=reading.at, half_life_days=best_h)
            residuals.append(state.score(best_params) - reading.score)
    res = np.array(residuals)
    rmse = float(np.sqrt(np.mean(res**2)))
    max_abs = float(np.max(np.abs(res)))
    if max_abs <= limit:
        h_ranges = _keep_best(h_ranges, best_h)
        if fit_prior:
            prior_ranges = _keep_best(prior_ranges, best_m)

    # 7. How well the readings determine the values.
    issues: list[FitIssue] = []
    informative = len({key for key in prepared.keys if key[1] > 0})
    parameters = 2 if fit_prior else 1
    too_few = informative < parameters
    if too_few:
        issues.append(FitIssue("too_few_readings", None,
                               {"readings": float(informative), "parameters": float(parameters),
                                "given": float(size)}))
    counted = prepared.counts > 0
    if not counted.any():
        issues.append(FitIssue("no_reviews_before_readings", None, {"readings": float(size)}))
    elif model == "trustpilot" and prepared.same_age[counted].all():
        issues.append(FitIssue("reviews_same_age", "half_life_days", {}))
    elif model == "trustpilot" and prepared.same_stars[counted].all():
        issues.append(FitIssue("reviews_same_stars", "half_life_days", {}))
    if flat_h:
        issues.append(FitIssue("flat_objective", "half_life_days",
                               {"spread": h_spread, "tolerance": FLAT_TOLERANCE,
                                "low": h_low, "high": h_high}))
    if flat_m:
        issues.append(FitIssue("flat_objective", "prior_count",
                               {"spread": m_spread, "tolerance": FLAT_TOLERANCE,
                                "low": m_low, "high": m_high}))
    at_bound_h = not flat_h and _at_bound(best_h, h_low, h_high, log=True)
    if at_bound_h:
        issues.append(FitIssue("best_at_bound", "half_life_days",
                               {"value": best_h, "bound": _nearest(best_h, h_low, h_high)}))
    at_bound_m = fit_prior and not flat_m and _at_bound(best_m, m_low, m_high, log=False)
    if at_bound_m:
        issues.append(FitIssue("best_at_bound", "prior_count",
                               {"value": best_m, "bound": _nearest(best_m, m_low, m_high)}))
    open_h = not flat_h and _unbounded(h_ranges, "half_life_days", issues)
    open_m = fit_prior and not flat_m and _unbounded(prior_ranges, "prior_count", issues)
    for parameter, found in (("half_life_days", h_ranges), ("prior_count", prior_ranges)):
        if len(found) > 1:
            issues.append(FitIssue("several_ranges", parameter, {"count": float(len(found))}))
    if not h_ranges:
        issues.append(FitIssue("no_exact_fit", None,
                               {"max_abs_error": max_abs, "tolerance": tolerance}))
    h_identifiable = not (too_few or flat_h or at_bound_h or open_h)
    m_identifiable = not (too_few or flat_m or at_bound_m or open_m) if fit_prior else None

    profile = pd.DataFrame({
        "half_life_days": h_grid,
        "prior_count": profile_m,
        "rmse": np.sqrt(profile_sse / size),
        "max_abs_error": worst(grid_scores),
    })
    return Fit(
        model=model,
        half_life_days=float(best_h),
        prior_count=float(best_m),
        prior_mean=float(prior_mean),
        fitted_prior=bool(fit_prior),
        readings=size,
        residuals=tuple(float(x) for x in res),
        rmse=rmse,
        max_abs_error=max_abs,
        tolerance=float(tolerance),
        half_life_ranges=h_ranges,
        prior_count_ranges=prior_ranges,
        half_life_identifiable=h_identifiable,
        prior_count_identifiable=m_identifiable,
        issues=tuple(issues),
        half_life_bounds=(h_low, h_high),
        prior_count_bounds=(m_low, m_high),
        profile=profile,
    )


def _best_reproducing(
    ranges: tuple[Interval, ...],
    scores_at: Callable[[float, np.ndarray | float], np.ndarray],
    sse: Callable[[np.ndarray], np.ndarray],
    worst: Callable[[np.ndarray], np.ndarray],
    limit: float,
    prior_grid: np.ndarray | None,
    prior_count: float,
) -> tuple[float, float]:
    """The least-squares (half-life, prior count) among those reproducing every reading:
    41 half-lives across each range, with the prior count on ``prior_grid`` (fixed at
    ``prior_count`` when None), then a golden-section search between the best one's
    neighbours with the values that miss a reading penalised."""

    def at(h: float) -> tuple[float, float]:
        if prior_grid is None:
            values = scores_at(h, prior_count)
            if float(worst(values)) > limit:
                return math.inf, prior_count
            return float(sse(values)), prior_count
        values = scores_at(h, prior_grid)
        feasible = worst(values) <= limit
        if not feasible.any():
            return math.inf, prior_count
        errors = np.where(feasible, sse(values), np.inf)
        i = int(np.argmin(errors))
        return float(errors[i]), float(prior_grid[i])

    candidates = []
    for found in ranges:
        points = np.geomspace(found.low, found.high, 41) if found.high > found.low else np.array(
            [found.low])
        values = [at(float(h)) for h in points]
        j = int(np.argmin([value for value, _ in values]))
        best = float(points[j])
        if prior_grid is None and len(points) > 1:
            def penalised(x: float) -> float:
                value = at(math.exp(x))[0]
                return value if math.isfinite(value) else 1e12

            low, high = points[max(j - 1, 0)], points[min(j + 1, len(points) - 1)]
            refined = math.exp(_golden(penalised, math.log(low), math.log(high)))
            if at(refined)[0] <= values[j][0]:
                best = refined
        candidates.append((*at(best), best))
    _, prior, half_life = min(candidates)
    return half_life, prior


def _keep_best(ranges: tuple[Interval, ...], best: float) -> tuple[Interval, ...]:
    """Make sure a best value that reproduces every reading lies in one of the ranges
    (a range narrower than the grid's step could fall between grid points)."""
    if any(best in found for found in ranges):
        return ranges
    return tuple(sorted((*ranges, Interval(best, best)), key=lambda found: found.low))


def _at_bound(value: float, low: float, high: float, *, log: bool) -> bool:
    if log:
        return abs(math.log(value / low)) < 1e-6 or abs(math.log(value / high)) < 1e-6
    span = high - low
    return abs(value - low) < 1e-6 * span or abs(value - high) < 1e-6 * span


def _nearest(value: float, low: float, high: float) -> float:
    return low if abs(value - low) <= abs(value - high) else high


def _unbounded(ranges: tuple[Interval, ...], parameter: str, issues: list[FitIssue]) -> bool:
    """Record a reproducing range that reaches the search range's end; True if one does."""
    opened = [found for found in ranges if not found.bounded]
    for found in opened:
        issues.append(FitIssue("range_unbounded", parameter, {
            "low": found.low, "high": found.high,
            "open_below": float(found.open_below), "open_above": float(found.open_above),
        }))
    return bool(opened)
