"""Projections of the TrustScore: expected path, Monte Carlo bands, goal seek.

Everything starts from the decayed sums and the count at ``as_of``
(``scoring.model.score_state``)::

    A_0 = sum w_i s_i        B_0 = sum w_i        n_0 = the number of reviews
    "trustpilot" (default):  S_0 = (m mu + n_0 A_0 / B_0) / (m + n_0)
    "decayed-prior":         S_0 = (m mu + A_0) / (m + B_0)

New reviews arrive at a constant expected rate per day, from two sources:

- invited: ``requests_per_day * response_rate`` a day, stars drawn from ``invited_mix``;
- organic: ``organic_per_day`` a day, stars drawn from ``organic_mix``.

A star mix is five shares for 1..5 stars that sum to 1. With
``r = requests_per_day * response_rate + organic_per_day`` and ``mu_new`` the mean
stars of a new review (the two mixes' means weighted by their rates), and
``q = 2 ** (-1 / H)`` the decay per day (``q = 1`` when ``H = inf``):

**Time grid and arrival convention.** Day ``h`` (``h = 1 .. horizon_days``) is the
24 hours ending exactly ``h`` days after ``as_of``; the row for day ``h`` is labelled
with that instant's calendar date (UTC midnight) and holds the score at the
instant ``as_of + h days``. The reviews of day ``h`` arrive *at the end of the
day*, counted at full weight there, so the running sums follow::

    A_h = q * A_{h-1} + (stars arriving on day h)
    B_h = q * B_{h-1} + (reviews arriving on day h)

and, taking expectations (the model page's closed form, which is exactly this
convention)::

    E[A_h] = q**h * A_0 + r * mu_new * (1 - q**h) / (1 - q)     (H = inf: A_0 + r mu_new h)
    E[B_h] = q**h * B_0 + r * (1 - q**h) / (1 - q)              (H = inf: B_0 + r h)

Counting a day's reviews at its end rather than spread over it overstates their
weight by at most a factor ``q**-1`` (0.38% with H = 182.5 days, 0.19% on average).

and ``E[n_h] = n_0 + r h``.

**Expected path.** The score of the expected sums: "decayed-prior"
``S_h = (m mu + E[A_h]) / (m + E[B_h])``; "trustpilot"
``S_h = (m mu + E[n_h] M_h) / (m + E[n_h])`` with ``M_h = E[A_h] / E[B_h]`` (the
start's weighted mean when ``r = 0``: the score does not move without reviews).
A *ratio of expectations*, not the expectation of the score ratio; the two differ
by a Jensen term that shrinks as the number of effective reviews grows. The Monte
Carlo bands show the distribution itself.

**Long run.** As ``h -> inf`` with ``r > 0``: "trustpilot" ``mu_new`` (the new
reviews' mean; the prior fades against the growing count); "decayed-prior"
``(m mu + r mu_new / (1 - q)) / (m + r / (1 - q))``, and ``mu_new`` without decay.
With ``r = 0`` the "trustpilot" score stays where it is; the "decayed-prior" one
drifts to the prior mean ``mu`` (or stays where it is when there is no decay, or no
prior).

**Monte Carlo.** Per path and per day, the number of new ``k``-star reviews is an
independent Poisson count with rate
``lambda_k = invited_per_day * invited_mix[k] + organic_per_day * organic_mix[k]``.
This is exactly "Poisson arrivals per source, multinomial stars": a Poisson total
split multinomially gives independent Poisson counts per star, and the counts of
the two sources add up to a Poisson count with the summed rate. Counts are drawn by
inverting the Poisson distribution function at uniforms from
``numpy.random.default_rng(seed)``, laid out day by day: the same seed gives the
same paths, the first ``h`` days do not depend on the horizon, and a higher rate
never draws fewer reviews on any path and day (common random numbers: this is
what makes the probability-mode goal seek stable).

**Unreachable targets.** As the request volume grows the score tends to the invited
mix's mean ``mu_inv``, both in the long run and at any date. Under "decayed-prior"
the expected score on a date is monotone in the volume, so a target above
``max(mu_inv, score without requests)`` is out of reach at any volume. Under
"trustpilot" it is a ratio of quadratics in the volume, so the smallest volume that
reaches a target is the smallest root of a quadratic (see ``_AtDate``), and the
highest reachable score can lie between the two ends.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import Literal

import numpy as np
import pandas as pd

from scoring.display import DEFAULT_LABEL_BANDS, LabelBands, label_threshold, star_threshold
from scoring.errors import ReviewDataError
from scoring.model import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_MODEL,
    DEFAULT_PRIOR_COUNT,
    DEFAULT_PRIOR_MEAN,
    ScoreModel,
    ScoreParams,
    counted_reviews,
    score_from_sums,
    score_state,
    times_ns,
)
from scoring.periods import (
    NS_PER_DAY,
    to_utc_timestamp,
)

TargetKind = Literal["score", "stars", "label"]
StarMix = tuple[float, float, float, float, float]
MixLike = Sequence[float] | Mapping[int, float] | np.ndarray

MAX_HORIZON_DAYS = 3660
"""The longest projection: ten years (the UI offers 1..24 months)."""
MAX_RATE_PER_DAY = 1_000_000.0
"""The largest request or organic volume accepted, per day."""
MAX_SIMULATED_CELLS = 10_000_000
"""paths x horizon_days may not exceed this (the score paths are kept: 80 MB)."""
DEFAULT_PATHS = 2000
DEFAULT_PERCENTILES: tuple[float, ...] = (10, 25, 50, 75, 90)
DEFAULT_WINDOW_DAYS = 90
DEFAULT_MAX_REQUESTS_PER_DAY = 10_000.0
DEFAULT_HALF_LIVES_DAYS: tuple[float, ...] = (
    30.4,
    61,
    91,
    122,
    152,
    182.5,
    213,
    243,
    274,
    304,
    335,
    365,
)
"""Half-lives of 1 to 12 months, for :func:`half_life_sensitivity`."""
DAYS_PER_MONTH = 365.0 / 12.0
UNIFORM_MIX: StarMix = (0.2, 0.2, 0.2, 0.2, 0.2)

_STARS = np.arange(1.0, 6.0)
_TOLERANCE = 1e-9
"""A score within this of a threshold counts as reaching it (as in scoring.display)."""
_MIX_TOLERANCE = 1e-6
_CHUNK_DAYS = 64
_GRID_STEPS = 1000
"""How far past an exact root the 0.01 grid is searched for a volume that reaches it."""
_LN2 = math.log(2.0)
_LABEL_NAMES = ("excellent", "great", "average", "poor")


# --------------------------------------------------------------------------- validation


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    return float(value)


def _rate(name: str, value: object, upper: float = MAX_RATE_PER_DAY) -> float:
    x = _number(name, value)
    if not (math.isfinite(x) and 0.0 <= x <= upper):
        raise ValueError(f"{name} must be a number from 0 to {upper:,.0f} a day, got {value!r}.")
    return x


def _share(name: str, value: object) -> float:
    x = _number(name, value)
    if not (math.isfinite(x) and 0.0 <= x <= 1.0):
        raise ValueError(f"{name} must be a share from 0 to 1 (e.g. 0.25 for 25%), got {value!r}.")
    return x


def _whole(name: str, value: object, low: int, high: int) -> int:
    ok = not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating)
    if ok and float(value).is_integer() and low <= int(value) <= high:  # type: ignore[arg-type]
        return int(value)  # type: ignore[arg-type]
    raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {value!r}.")


def _params(half_life_days: float, prior_count: float, prior_mean: float,
            model: ScoreModel = DEFAULT_MODEL) -> ScoreParams:
    return ScoreParams(
        half_life_days=_number("half_life_days", half_life_days),
        prior_count=_number("prior_count", prior_count),
        prior_mean=_number("prior_mean", prior_mean),
        model=model,
    )


def validate_mix(mix: MixLike, name: str = "mix") -> StarMix:
    """Check a star mix and return it as five floats for 1..5 stars.

    ``mix`` is a sequence of five shares (1 star first) or a mapping from stars
    1..5 to shares (missing stars get 0). The shares must be finite, non-negative
    and sum to 1 within 1e-6; they are returned rescaled to sum to exactly 1.
    Raises ``ValueError`` naming ``name`` otherwise.
    """
    lead = f"{name} must be five shares for 1..5 stars that sum to 1"
    if isinstance(mix, Mapping):
        unknown = [key for key in mix if key not in (1, 2, 3, 4, 5)]
        if unknown:
            raise ValueError(f"{lead}; its keys must be the stars 1..5, got {unknown!r}.")
        values: list[object] = [mix.get(star, 0.0) for star in (1, 2, 3, 4, 5)]
    elif isinstance(mix, str | bytes) or not isinstance(mix, Iterable):
        raise ValueError(f"{lead}; got {mix!r}.")
    else:
        values = list(mix)
    if len(values) != 5:
        raise ValueError(f"{lead}; got {len(values)} value(s).")
    try:
        shares = np.array(
            [_number(name, v) for v in values],  # rejects bools and strings
            dtype="float64",
        )
    except ValueError:
        raise ValueError(f"{lead}; got {values!r}.") from None
    if not (np.all(np.isfinite(shares)) and np.all(shares >= 0)):
        raise ValueError(f"{lead}; each share must be a finite number >= 0, got {values!r}.")
    total = float(shares.sum())
    if abs(total - 1.0) > _MIX_TOLERANCE:
        raise ValueError(f"{lead}; these sum to {total:.10g}.")
    shares = shares / total
    return (
        float(shares[0]),
        float(shares[1]),
        float(shares[2]),
        float(shares[3]),
        float(shares[4]),
    )


def mix_mean(mix: MixLike) -> float:
    """The mean stars of a star mix: ``sum_k k * mix[k]``."""
    return float(_STARS @ np.asarray(validate_mix(mix)))


def _percentiles(values: object) -> tuple[float, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError(
            f"percentiles must be a sequence of numbers from 0 to 100, got {values!r}."
        )
    out = tuple(_number("percentiles", v) for v in values)
    if not out or any(not (0.0 <= p <= 100.0) for p in out) or len(set(out)) != len(out):
        raise ValueError(
            f"percentiles must be distinct numbers from 0 to 100 (at least one), got {values!r}."
        )
    return out


def _probability(value: object) -> float | None:
    if value is None:
        return None
    p = _number("probability", value)
    if not (0.0 < p <= 1.0):
        raise ValueError(f"probability must be above 0 and at most 1 (e.g. 0.8), got {value!r}.")
    return p


# --------------------------------------------------------------------------- targets


def target_threshold(
    target: float | str,
    *,
    kind: TargetKind = "score",
    bands: LabelBands = DEFAULT_LABEL_BANDS,
) -> float:
    """The lowest raw score that meets ``target``.

    - ``kind="score"``: ``target`` is a raw score, returned as is (4.2 -> 4.2);
    - ``kind="stars"``: a half-star rating 1, 1.5, ..., 5; the score shows as that many
      stars from ``stars - 0.25`` (4.5 stars -> 4.25, see ``display.star_threshold``);
    - ``kind="label"``: "Excellent", "Great", "Average" or "Poor" (any case); the
      displayed score must reach the band's lower bound, so the raw score must reach
      ``bound - 0.05`` ("Excellent" -> 4.3 - 0.05 = 4.25, ``display.label_threshold``).
    """
    if kind == "label":
        if not isinstance(target, str):
            raise ValueError(
                f"A label target must be one of Excellent, Great, Average, Poor; got {target!r}."
            )
        name = target.strip().lower()
        if name == "bad":
            raise ValueError("'Bad' is the lowest label: every score reaches it.")
        if name not in _LABEL_NAMES:
            raise ValueError(
                f"A label target must be one of Excellent, Great, Average, Poor; got {target!r}."
            )
        return label_threshold(float(getattr(bands, name)))
    if kind not in ("score", "stars"):
        raise ValueError(f"kind must be 'score', 'stars' or 'label', got {kind!r}.")
    if isinstance(target, str):
        text = target.strip()
        if text.lower() in (*_LABEL_NAMES, "bad"):
            raise ValueError(f"{target!r} is a label; pass kind='label'.")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"target must be a number, got {target!r}.") from None
    else:
        value = _number("target", target)
    if not math.isfinite(value):
        raise ValueError(f"target must be a finite number, got {target!r}.")
    if kind == "stars":
        if not (1.0 <= value <= 5.0 and (2.0 * value).is_integer()):
            raise ValueError(
                f"A star target must be a half star from 1 to 5 (1, 1.5, ..., 5); got {target!r}."
            )
        return star_threshold(value)
    return value


def _target_name(target: float | str, kind: TargetKind) -> str:
    """How a message names a target: 'Excellent', '4.5 stars', or a plain score."""
    if kind == "label":
        return f"'{str(target).strip().capitalize()}'"
    if kind == "stars":
        return f"'{float(target):g} stars'"
    return ""


def _fmt(x: float, other: float | None = None) -> str:
    """``x`` with 2 decimals, or more (up to 4) when needed to tell it from ``other``."""
    for places in (2, 3, 4):
        text = f"{x:.{places}f}"
        if other is None or x == other or text != f"{other:.{places}f}":
            return text
    return f"{x:.4f}"


def _needs(name: str, threshold: float, versus: float) -> str:
    if name:
        return f"{name} needs {_fmt(threshold, versus)}"
    return f"the target needs {_fmt(threshold, versus)}"


def _date_text(stamp: pd.Timestamp) -> str:
    return f"{stamp.day} {stamp:%b %Y}"


# --------------------------------------------------------------------------- closed forms


def _decay_and_growth(
    h: np.ndarray | float, half_life_days: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(q**h, (1 - q**h) / (1 - q))`` with ``q = 2 ** (-1/H)``; ``(1, h)`` when H = inf.

    Uses ``expm1`` so that long half-lives keep their precision.
    """
    days = np.asarray(h, dtype="float64")
    if math.isinf(half_life_days):
        return np.ones_like(days), days.copy()
    k = _LN2 / half_life_days
    return np.exp(-k * days), np.expm1(-k * days) / math.expm1(-k)


def _score(params: ScoreParams, a: np.ndarray, b: np.ndarray, n: np.ndarray | float,
           fallback_mean: float) -> np.ndarray:
    """The score of decayed sums ``a``, ``b`` and counts ``n`` under ``params``
    (:func:`scoring.model.score_from_sums`); under "trustpilot" the weighted mean is
    ``a / b``, or ``fallback_mean`` (the start's) where ``b`` is 0: no review weighs
    anything yet, or the old ones underflowed without a new one arriving."""
    if not params.is_trustpilot:
        return score_from_sums(a, b, n, params)
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(b > 0, a / b, fallback_mean)
    return score_from_sums(a, b, n, params, weighted_mean=mean)


def _long_run(params: ScoreParams, rate: float, mean_new: float, start_score: float) -> float:
    """The limit of the expected score as ``h -> inf`` (see the module docstring)."""
    m, mu, h = params.prior_count, params.prior_mean, params.half_life_days
    if params.is_trustpilot:
        return float(mean_new) if rate > 0 else float(start_score)
    if rate > 0:
        if math.isinf(h):
            return float(mean_new)
        weight = rate / -math.expm1(-_LN2 / h)  # r / (1 - q)
        return float((m * mu + weight * mean_new) / (m + weight))
    if m > 0 and not math.isinf(h):
        return float(mu)
    return float(start_score)


@dataclass(frozen=True)
class _Start:
    as_of: pd.Timestamp
    decayed_stars: float
    effective_reviews: float
    reviews: int
    score: float
    weighted_mean: float


def _start(reviews: pd.DataFrame, as_of: object, params: ScoreParams) -> _Start:
    """The decayed sums at ``as_of`` (default: the newest counted review's time)."""
    if as_of is None:
        times = times_ns(counted_reviews(reviews))
        if len(times) == 0:
            raise ReviewDataError(
                "There are no counted reviews to project from; give as_of, the date the "
                "projection starts."
            )
        stamp = to_utc_timestamp(int(times.max()))
    else:
        stamp = to_utc_timestamp(as_of)
    state = score_state(reviews, as_of=stamp, half_life_days=params.half_life_days)
    mean = state.weighted_mean if state.reviews else params.prior_mean
    return _Start(as_of=stamp, decayed_stars=state.decayed_stars,
                  effective_reviews=state.effective_reviews, reviews=state.reviews,
                  score=state.score(params), weighted_mean=mean)


def _dates(as_of: pd.Timestamp, days: int) -> pd.DatetimeIndex:
    """Day h = 1..days, labelled by the date of ``as_of + h days`` (UTC midnight)."""
    first = as_of.floor("D") + pd.Timedelta(days=1)
    return pd.date_range(first, periods=days, freq="D", name="date", unit="ns")


def _days_until(by: object, as_of: pd.Timestamp, what: str = "by") -> tuple[int, pd.Timestamp]:
    """The day number h of date ``by`` on the grid of :func:`_dates`, and that date."""
    day = to_utc_timestamp(by, what).floor("D")
    h = int((day - as_of.floor("D")) // pd.Timedelta(days=1))
    if not 1 <= h <= MAX_HORIZON_DAYS:
        raise ValueError(
            f"{what} ({day.date()}) must fall 1 to {MAX_HORIZON_DAYS:,} days after the "
            f"projection starts ({as_of.floor('D').date()})."
        )
    return h, day


def _expected_frame(
    start: _Start, params: ScoreParams, rate: float, mean_new: float, days: int
) -> pd.DataFrame:
    horizon = np.arange(1, days + 1)
    decay, growth = _decay_and_growth(horizon, params.half_life_days)
    new_stars = rate * mean_new if rate > 0 else 0.0
    a = decay * start.decayed_stars + new_stars * growth
    b = decay * start.effective_reviews + rate * growth
    n = start.reviews + rate * horizon.astype("float64")
    if rate > 0:
        score = _score(params, a, b, n, start.weighted_mean)
    else:  # nothing arrives: under "trustpilot" the weighted mean stays exactly
        score = score_from_sums(a, b, n, params, weighted_mean=start.weighted_mean)
    return pd.DataFrame(
        {
            "score": score,
            "decayed_stars": a,
            "effective_reviews": b,
            "reviews": n,
        },
        index=_dates(start.as_of, days),
    )


def expected_path(
    reviews: pd.DataFrame,
    *,
    horizon_days: int,
    arrivals_per_day: float,
    mean_new_stars: float,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    as_of: object = None,
    model: ScoreModel = DEFAULT_MODEL,
) -> pd.DataFrame:
    """The expected path in closed form: ``arrivals_per_day`` reviews averaging ``mean_new_stars``.

    One row per day h = 1..horizon_days (index ``date``, see the module docstring)::

        decayed_stars      E[A_h] = q**h A_0 + r mu_new (1 - q**h) / (1 - q)
        effective_reviews  E[B_h] = q**h B_0 + r (1 - q**h) / (1 - q)
        reviews            E[n_h] = n_0 + r h
        score              "decayed-prior": (m mu + E[A_h]) / (m + E[B_h]);
                           "trustpilot": (m mu + E[n_h] E[A_h] / E[B_h]) / (m + E[n_h])

    With ``H = inf`` the growth term ``(1 - q**h) / (1 - q)`` is ``h``.
    """
    days = _whole("horizon_days", horizon_days, 1, MAX_HORIZON_DAYS)
    rate = _rate("arrivals_per_day", arrivals_per_day, 2 * MAX_RATE_PER_DAY)
    mean_new = _number("mean_new_stars", mean_new_stars)
    if rate > 0 and not 1.0 <= mean_new <= 5.0:
        raise ValueError(f"mean_new_stars must be from 1 to 5, got {mean_new_stars!r}.")
    params = _params(half_life_days, prior_count, prior_mean, model)
    start = _start(reviews, as_of, params)
    return _expected_frame(start, params, rate, mean_new, days)


# --------------------------------------------------------------------------- recent rates


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
        return float(_STARS @ np.asarray(self.organic_mix))

    @property
    def invited_mean_stars(self) -> float:
        return float(_STARS @ np.asarray(self.invited_mix))

    @property
    def reviews_per_day(self) -> float:
        return self.organic_per_day + self.invited_per_day


def _invited_flags(reviews: pd.DataFrame) -> np.ndarray:
    try:
        flags = pd.array(reviews["invited"], dtype="boolean")
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
    window = _number("window_days", window_days)
    if not (math.isfinite(window) and 0 < window <= MAX_HORIZON_DAYS):
        raise ValueError(
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
    invited = _invited_flags(counted) if has_column else np.zeros(len(counted), dtype=bool)
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


@dataclass(frozen=True)
class ProjectionInputs:
    """The inputs of a projection, validated and normalised once (echoed on :class:`Projection`).

    Rates are per day; ``response_rate`` is a share (0..1); mixes are five shares for
    1..5 stars (see :func:`validate_mix`); ``as_of`` is the resolved start instant.
    """

    horizon_days: int
    requests_per_day: float
    response_rate: float
    invited_mix: StarMix
    organic_per_day: float
    organic_mix: StarMix
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    prior_count: float = DEFAULT_PRIOR_COUNT
    prior_mean: float = DEFAULT_PRIOR_MEAN
    paths: int = DEFAULT_PATHS
    seed: int = 0
    as_of: pd.Timestamp | None = None
    percentiles: tuple[float, ...] = DEFAULT_PERCENTILES
    model: ScoreModel = DEFAULT_MODEL

    def __post_init__(self) -> None:
        horizon = _whole("horizon_days", self.horizon_days, 1, MAX_HORIZON_DAYS)
        paths = _whole("paths", self.paths, 1, MAX_SIMULATED_CELLS)
        if paths * horizon > MAX_SIMULATED_CELLS:
            raise ValueError(
                f"paths x horizon_days must be at most {MAX_SIMULATED_CELLS:,}; "
                f"{paths:,} paths x {horizon:,} days is {paths * horizon:,}."
            )
        params = _params(self.half_life_days, self.prior_count, self.prior_mean, self.model)
        values = {
            "horizon_days": horizon,
            "requests_per_day": _rate("requests_per_day", self.requests_per_day),
            "response_rate": _share("response_rate", self.response_rate),
            "invited_mix": validate_mix(self.invited_mix, "invited_mix"),
            "organic_per_day": _rate("organic_per_day", self.organic_per_day),
            "organic_mix": validate_mix(self.organic_mix, "organic_mix"),
            "half_life_days": params.half_life_days,
            "prior_count": params.prior_count,
            "prior_mean": params.prior_mean,
            "paths": paths,
            "seed": _whole("seed", self.seed, 0, 2**63 - 1),
            "as_of": None if self.as_of is None else to_utc_timestamp(self.as_of),
            "percentiles": _percentiles(self.percentiles),
            "model": params.model,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def params(self) -> ScoreParams:
        return ScoreParams(self.half_life_days, self.prior_count, self.prior_mean, self.model)

    @property
    def invited_per_day(self) -> float:
        """Invited reviews a day: ``requests_per_day * response_rate``."""
        return self.requests_per_day * self.response_rate

    @property
    def arrivals_per_day(self) -> float:
        """``r = invited_per_day + organic_per_day``."""
        return self.invited_per_day + self.organic_per_day

    @property
    def invited_mean_stars(self) -> float:
        return float(_STARS @ np.asarray(self.invited_mix))

    @property
    def organic_mean_stars(self) -> float:
        return float(_STARS @ np.asarray(self.organic_mix))

    @property
    def mean_new_stars(self) -> float | None:
        """``mu_new``, the rate-weighted mean stars of new reviews (None when r = 0)."""
        rate = self.arrivals_per_day
        if rate == 0:
            return None
        return (
            self.invited_per_day * self.invited_mean_stars
            + self.organic_per_day * self.organic_mean_stars
        ) / rate

    @property
    def star_rates(self) -> np.ndarray:
        """``lambda_k``: expected new k-star reviews a day, k = 1..5."""
        return self.invited_per_day * np.asarray(self.invited_mix) + self.organic_per_day * (
            np.asarray(self.organic_mix)
        )


# --------------------------------------------------------------------------- Monte Carlo


class _PoissonSampler:
    """Poisson(rate) counts by inverting the distribution function: ``N(u) = min{n : F(n) >= u}``.

    ``F`` is tabulated for n = 0..top with ``top = rate + 12 sqrt(rate) + 12`` (the
    mass cut off is far below 1e-15) and ends at exactly 1. A guide table over
    2**16 equal slices of [0, 1) gives the answer for most ``u`` in one lookup and
    one correction step; the rest (slices holding several values of F, in the far
    tail) fall back to a binary search. The result equals
    ``numpy.searchsorted(F, u)`` exactly, and is non-decreasing in the rate for a
    fixed ``u``.
    """

    _SLICES = 1 << 16

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            self.cdf = np.ones(1)
        else:
            top = math.ceil(rate + 12.0 * math.sqrt(rate) + 12.0)
            log_pmf = np.empty(top + 1)
            log_pmf[0] = -rate
            log_pmf[1:] = -rate + np.cumsum(math.log(rate) - np.log(np.arange(1.0, top + 1.0)))
            cdf = np.cumsum(np.exp(log_pmf))
            cdf /= cdf[-1]
            cdf[-1] = 1.0
            self.cdf = cdf
        edges = np.searchsorted(self.cdf, np.arange(self._SLICES + 1) / self._SLICES)
        self.guide = edges[:-1]
        # Slices holding two or more values of F need more than one correction step.
        self.crowded = np.diff(edges) >= 2

    def counts(self, uniforms: np.ndarray) -> np.ndarray:
        """The counts for uniforms in [0, 1), same shape."""
        slices = (uniforms * self._SLICES).astype(np.intp)
        counts = self.guide[slices]
        counts += uniforms > self.cdf[counts]
        left = self.crowded[slices]
        if left.any():
            counts[left] = np.searchsorted(self.cdf, uniforms[left])
        return counts


@dataclass
class _Simulation:
    scores: np.ndarray  # (days, paths), or (1, paths) when only the last day was kept
    mean_a: np.ndarray
    se_a: np.ndarray
    mean_b: np.ndarray
    se_b: np.ndarray


def _simulate(
    start: _Start,
    params: ScoreParams,
    star_rates: np.ndarray,
    *,
    days: int,
    paths: int,
    seed: int,
    record: bool,
) -> _Simulation:
    """Simulate ``paths`` paths of the decayed sums for ``days`` days.

    Uniforms come from ``default_rng(seed)`` in blocks of shape (days, 5, paths),
    always all five stars, so the draws of day d do not depend on the horizon or on
    which rates are zero. Counts invert the Poisson distribution function
    (:class:`_PoissonSampler`), so they are monotone in the rate. With ``record=False``
    only the last day's scores are kept.

    Under "trustpilot" each path also keeps its review count ``n`` and its weighted
    mean ``M``, updated only on days with arrivals (``M <- (q B M + s) / (q B + k)``
    for k new reviews worth s stars), so a path without new reviews keeps its score
    exactly, however far its decayed sums underflow.
    """
    q = 1.0 if math.isinf(params.half_life_days) else 2.0 ** (-1.0 / params.half_life_days)
    samplers = [_PoissonSampler(float(rate)) for rate in star_rates]
    active = [k for k in range(5) if star_rates[k] > 0]
    rng = np.random.default_rng(seed)
    a = np.full(paths, start.decayed_stars)
    b = np.full(paths, start.effective_reviews)
    fitted = params.is_trustpilot
    n = np.full(paths, float(start.reviews))
    mean = np.full(paths, start.weighted_mean)
    kept = days if record else 1
    scores = np.empty((kept, paths))
    stats = np.full((4, kept), np.nan)
    buffer_a = np.empty((_CHUNK_DAYS, paths))
    buffer_b = np.empty((_CHUNK_DAYS, paths))
    buffer_n = np.empty((_CHUNK_DAYS, paths))
    buffer_mean = np.empty((_CHUNK_DAYS, paths))
    carried = np.empty(paths)

    def score(a: np.ndarray, b: np.ndarray, n: np.ndarray, mean: np.ndarray) -> np.ndarray:
        if fitted:
            return score_from_sums(a, b, n, params, weighted_mean=mean)
        return score_from_sums(a, b, n, params)

    for first in range(0, days, _CHUNK_DAYS):
        size = min(_CHUNK_DAYS, days - first)
        uniforms = rng.random((size, 5, paths))
        new_stars = np.zeros((size, paths))
        new_reviews = np.zeros((size, paths))
        for k in active:
            counts = samplers[k].counts(uniforms[:, k, :])
            new_reviews += counts
            counts *= k + 1
            new_stars += counts
        arrived = new_reviews > 0
        for j in range(size):
            a *= q
            a += new_stars[j]
            b *= q
            if fitted:
                np.multiply(b, mean, out=carried)
                carried += new_stars[j]
            b += new_reviews[j]
            buffer_a[j] = a
            buffer_b[j] = b
            if fitted:
                n += new_reviews[j]
                np.divide(carried, b, out=mean, where=arrived[j])
                buffer_n[j] = n
                buffer_mean[j] = mean
        if record:
            block_a, block_b = buffer_a[:size], buffer_b[:size]
            rows = slice(first, first + size)
            scores[rows] = score(block_a, block_b, buffer_n[:size], buffer_mean[:size])
            stats[0, rows] = block_a.mean(axis=1)
            stats[2, rows] = block_b.mean(axis=1)
            if paths > 1:
                root = math.sqrt(paths)
                stats[1, rows] = block_a.std(axis=1, ddof=1) / root
                stats[3, rows] = block_b.std(axis=1, ddof=1) / root
    if not record:
        scores[0] = score(a, b, n, mean)
        stats[0, 0], stats[2, 0] = a.mean(), b.mean()
    return _Simulation(scores, stats[0], stats[1], stats[2], stats[3])


def _sorted_percentiles(sorted_rows: np.ndarray, percentiles: Sequence[float]) -> np.ndarray:
    """Percentiles of each row of a row-sorted array (numpy's default 'linear' method)."""
    n = sorted_rows.shape[1]
    out = np.empty((sorted_rows.shape[0], len(percentiles)))
    for i, p in enumerate(percentiles):
        position = p / 100.0 * (n - 1)
        low = math.floor(position)
        high = min(low + 1, n - 1)
        frac = position - low
        out[:, i] = sorted_rows[:, low] + frac * (sorted_rows[:, high] - sorted_rows[:, low])
    return out


def _column(p: float) -> str:
    return f"p{p:g}"


def _share_of_paths(paths: int, share: float) -> int:
    """How many of ``paths`` paths make up ``share`` of them (rounded up, at least 1)."""
    return max(1, math.ceil(share * paths - 1e-9))


# --------------------------------------------------------------------------- the projection


@dataclass(frozen=True)
class CrossingTimes:
    """When simulated paths first reach a threshold (score >= threshold).

    ``p10`` is the date by which 10% of the paths have reached it, ``median`` 50%,
    ``p90`` 90%; None when fewer paths than that reach it within the horizon.
    ``share_crossed`` is the share of paths that reach it at some day of the
    horizon; ``already_met`` whether the start score is at or above it.
    """

    threshold: float
    share_crossed: float
    median: pd.Timestamp | None
    p10: pd.Timestamp | None
    p90: pd.Timestamp | None
    already_met: bool


@dataclass(frozen=True, eq=False)
class Projection:
    """A projected TrustScore: the expected path, Monte Carlo bands, start and long run.

    - ``expected``: the closed-form expected path, columns ``score``,
      ``decayed_stars``, ``effective_reviews`` (see :func:`expected_path`);
    - ``bands``: percentiles of the simulated score per day (``p10`` .. ``p90``);
    - ``mean_paths``: the Monte Carlo mean of the decayed sums per day with its
      standard error (``decayed_stars``, ``decayed_stars_se``, ``effective_reviews``,
      ``effective_reviews_se``) and of the score itself (``score``, ``score_se``);
    - ``score_paths``: the simulated scores, shape (horizon_days, paths), read-only;
    - ``long_run_score``: the limit of the expected score (see the module docstring).

    All frames share one index: day h = 1..horizon_days, labelled with the date of
    ``as_of + h days``.
    """

    inputs: ProjectionInputs
    as_of: pd.Timestamp
    start_score: float
    start_decayed_stars: float
    start_effective_reviews: float
    start_reviews: int
    long_run_score: float
    expected: pd.DataFrame
    bands: pd.DataFrame
    mean_paths: pd.DataFrame
    score_paths: np.ndarray = field(repr=False)

    @property
    def dates(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.expected.index)

    def _row(self, on_date: object) -> int:
        h, day = _days_until(on_date, self.as_of, "on_date")
        if h > self.inputs.horizon_days:
            raise ValueError(
                f"on_date ({day.date()}) is after the projection's last day "
                f"({self.dates[-1].date()})."
            )
        return h - 1

    def probability_at_or_above(
        self,
        target: float | str,
        on_date: object,
        *,
        kind: TargetKind = "score",
        bands: LabelBands = DEFAULT_LABEL_BANDS,
    ) -> float:
        """The share of simulated paths whose score on ``on_date`` is at or above the target.

        ``target`` is read as in :func:`target_threshold` (a raw score by default).
        """
        threshold = target_threshold(target, kind=kind, bands=bands)
        row = self.score_paths[self._row(on_date)]
        return float(np.mean(row >= threshold - _TOLERANCE))

    def first_crossing(
        self,
        target: float | str,
        *,
        kind: TargetKind = "score",
        bands: LabelBands = DEFAULT_LABEL_BANDS,
    ) -> CrossingTimes:
        """The first day each path's score is at or above the target, summarised.

        A path's crossing day is the first day h (1..horizon) with score >= threshold.
        The p-th percentile date is the first date by which a share p of the paths
        has crossed (None if fewer do within the horizon).
        """
        threshold = target_threshold(target, kind=kind, bands=bands)
        reached = self.score_paths >= threshold - _TOLERANCE
        crossed = reached.any(axis=0)
        first = np.where(crossed, reached.argmax(axis=0), np.iinfo("int64").max)
        ordered = np.sort(first)
        paths = len(ordered)

        def by_share(share: float) -> pd.Timestamp | None:
            day = ordered[_share_of_paths(paths, share) - 1]
            return None if day == np.iinfo("int64").max else self.dates[int(day)]

        return CrossingTimes(
            threshold=threshold,
            share_crossed=float(crossed.mean()),
            median=by_share(0.5),
            p10=by_share(0.1),
            p90=by_share(0.9),
            already_met=self.start_score >= threshold - _TOLERANCE,
        )


def project(
    reviews: pd.DataFrame,
    *,
    horizon_days: int,
    requests_per_day: float,
    response_rate: float,
    invited_mix: MixLike,
    organic_per_day: float,
    organic_mix: MixLike,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
    as_of: object = None,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    model: ScoreModel = DEFAULT_MODEL,
) -> Projection:
    """Project the score ``horizon_days`` days ahead: expected path and Monte Carlo bands.

    Starts from the decayed sums at ``as_of`` (default: the newest counted review).
    ``requests_per_day * response_rate`` invited reviews a day with stars from
    ``invited_mix``, plus ``organic_per_day`` organic ones from ``organic_mix``.
    The expected path is the closed form of the module docstring; the bands come
    from ``paths`` simulated paths seeded with ``seed`` (same inputs, same result).
    2,000 paths x 730 days take about 0.3 s (benchmarks/bench_projection.py).
    """
    inputs = ProjectionInputs(
        horizon_days=horizon_days,
        requests_per_day=requests_per_day,
        response_rate=response_rate,
        invited_mix=invited_mix,  # type: ignore[arg-type]
        organic_per_day=organic_per_day,
        organic_mix=organic_mix,  # type: ignore[arg-type]
        half_life_days=half_life_days,
        prior_count=prior_count,
        prior_mean=prior_mean,
        paths=paths,
        seed=seed,
        as_of=None,
        percentiles=tuple(percentiles),
        model=model,
    )
    params = inputs.params
    start = _start(reviews, as_of, params)
    inputs = replace(inputs, as_of=start.as_of)
    rate, mean_new = inputs.arrivals_per_day, inputs.mean_new_stars or 0.0
    expected = _expected_frame(start, params, rate, mean_new, inputs.horizon_days)
    index = expected.index
    simulation = _simulate(
        start,
        params,
        inputs.star_rates,
        days=inputs.horizon_days,
        paths=inputs.paths,
        seed=inputs.seed,
        record=True,
    )
    scores = simulation.scores
    scores.flags.writeable = False
    quantiles = _sorted_percentiles(np.sort(scores, axis=1), inputs.percentiles)
    bands = pd.DataFrame(quantiles, index=index, columns=[_column(p) for p in inputs.percentiles])
    score_se = (
        scores.std(axis=1, ddof=1) / math.sqrt(inputs.paths)
        if inputs.paths > 1
        else np.full(inputs.horizon_days, np.nan)
    )
    mean_paths = pd.DataFrame(
        {
            "decayed_stars": simulation.mean_a,
            "decayed_stars_se": simulation.se_a,
            "effective_reviews": simulation.mean_b,
            "effective_reviews_se": simulation.se_b,
            "score": scores.mean(axis=1),
            "score_se": score_se,
        },
        index=index,
    )
    return Projection(
        inputs=inputs,
        as_of=start.as_of,
        start_score=start.score,
        start_decayed_stars=start.decayed_stars,
        start_effective_reviews=start.effective_reviews,
        start_reviews=start.reviews,
        long_run_score=_long_run(params, rate, mean_new, start.score),
        expected=expected,
        bands=bands,
        mean_paths=mean_paths,
        score_paths=scores,
    )


# --------------------------------------------------------------------------- baselines


def status_quo(
    reviews: pd.DataFrame,
    *,
    horizon_days: int,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    as_of: object = None,
    window_days: float = DEFAULT_WINDOW_DAYS,
    model: ScoreModel = DEFAULT_MODEL,
) -> pd.DataFrame:
    """The expected path if the last ``window_days`` of volume and mix continue.

    Trustpilot's own forecast: ``r`` = all counted reviews in the window divided by
    ``window_days``, ``mu_new`` their mean stars (see :func:`recent_rates`).
    Columns as :func:`expected_path`.
    """
    days = _whole("horizon_days", horizon_days, 1, MAX_HORIZON_DAYS)
    params = _params(half_life_days, prior_count, prior_mean, model)
    start = _start(reviews, as_of, params)
    rates = recent_rates(reviews, as_of=start.as_of, window_days=window_days)
    rate = rates.reviews_per_day
    mean_new = (
        (
            rates.organic_per_day * rates.organic_mean_stars
            + rates.invited_per_day * rates.invited_mean_stars
        )
        / rate
        if rate > 0
        else 0.0
    )
    return _expected_frame(start, params, rate, mean_new, days)


def stop_collecting(
    reviews: pd.DataFrame,
    *,
    horizon_days: int,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    as_of: object = None,
    model: ScoreModel = DEFAULT_MODEL,
) -> pd.DataFrame:
    """The expected path if no review arrives at all (``r = 0``).

    "trustpilot": flat at the start score (the weighted mean and the count stay);
    "decayed-prior": ``S_h = (m mu + q**h A_0) / (m + q**h B_0)``, drifting to the
    prior mean ``mu``. Columns as :func:`expected_path`.
    """
    days = _whole("horizon_days", horizon_days, 1, MAX_HORIZON_DAYS)
    params = _params(half_life_days, prior_count, prior_mean, model)
    start = _start(reviews, as_of, params)
    return _expected_frame(start, params, 0.0, 0.0, days)


# --------------------------------------------------------------------------- reachability


@dataclass(frozen=True)
class Reachability:
    """Whether a threshold can be reached in the long run at some request volume.

    ``ceiling`` is the supremum of the long-run score over all volumes:
    ``max(invited_mean_stars, without_requests)`` (the invited mean is approached,
    never attained). ``without_requests`` is the long-run score with organic reviews
    only. ``message`` is a plain sentence for the UI.
    """

    reachable: bool
    threshold: float
    ceiling: float
    invited_mean_stars: float
    without_requests: float
    message: str


def reachability(
    target_threshold: float,
    *,
    invited_mix: MixLike,
    organic_per_day: float,
    organic_mix: MixLike,
    response_rate: float = 1.0,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    start_score: float | None = None,
    target_name: str = "",
    model: ScoreModel = DEFAULT_MODEL,
) -> Reachability:
    """Can any number of requests lift the long-run score to ``target_threshold``?

    With x requests a day the long-run score is, under "trustpilot", the new reviews'
    mean ``(x rr mu_inv + o mu_org) / (x rr + o)``, and under "decayed-prior"
    ``(m mu + (x rr mu_inv + o mu_org) / (1 - q)) / (m + (x rr + o) / (1 - q))``:
    either way a ratio monotone in x running from its value at x = 0 to ``mu_inv`` as
    x -> inf. So the target is reachable iff it is at most the value at x = 0, or
    below ``mu_inv`` (and ``response_rate > 0``). ``start_score`` matters where the
    score never moves without reviews (no organic reviews, and the "trustpilot" form
    or no decay; default: the prior mean). ``target_name`` (e.g. "'Excellent'") is
    used in the message.
    """
    threshold = _number("target_threshold", target_threshold)
    if not math.isfinite(threshold):
        raise ValueError(f"target_threshold must be a finite number, got {target_threshold!r}.")
    invited = validate_mix(invited_mix, "invited_mix")
    organic = validate_mix(organic_mix, "organic_mix")
    organic_rate = _rate("organic_per_day", organic_per_day)
    rr = _share("response_rate", response_rate)
    params = _params(half_life_days, prior_count, prior_mean, model)
    start = params.prior_mean if start_score is None else _number("start_score", start_score)
    mu_inv = float(_STARS @ np.asarray(invited))
    mu_org = float(_STARS @ np.asarray(organic))
    base = _long_run(params, organic_rate, mu_org, start)
    ceiling = max(base, mu_inv) if rr > 0 else base
    met = threshold <= base + _TOLERANCE
    lifts = rr > 0 and threshold < mu_inv
    needs = _needs(target_name, threshold, mu_inv)
    if met:
        message = (
            f"Reachable without requests: the score settles at {_fmt(base, threshold)} in the "
            f"long run, at or above {_fmt(threshold, base)}."
        )
    elif lifts:
        message = (
            f"Reachable: with enough requests, invited reviews averaging {_fmt(mu_inv)} stars "
            f"lift the score above {_fmt(threshold, mu_inv)}; without requests it settles at "
            f"{_fmt(base, threshold)}."
        )
    elif rr == 0:
        message = (
            f"At a 0% response rate requests bring no reviews: the score settles at "
            f"{_fmt(base, threshold)} in the long run; {_needs(target_name, threshold, base)}."
        )
    elif mu_inv >= base:
        message = (
            f"At any number of requests, invited reviews averaging {_fmt(mu_inv, threshold)} "
            f"stars cannot lift the score above {_fmt(mu_inv, threshold)}; {needs}."
        )
    else:
        message = (
            f"Invited reviews averaging {_fmt(mu_inv, threshold)} stars pull the score down: "
            f"without requests it settles at {_fmt(base, threshold)} in the long run, and more "
            f"requests move it towards {_fmt(mu_inv, threshold)}; "
            f"{_needs(target_name, threshold, base)}."
        )
    return Reachability(
        reachable=met or lifts,
        threshold=threshold,
        ceiling=ceiling,
        invited_mean_stars=mu_inv,
        without_requests=base,
        message=message,
    )


# --------------------------------------------------------------------------- goal seek


@dataclass(frozen=True)
class GoalSeek:
    """The smallest request volume that reaches a target by a date.

    ``requests_per_day`` is in steps of 0.01 (None when unreachable);
    ``expected_score`` the expected score on ``by`` at that volume (None when
    unreachable); ``ceiling`` the highest expected score on ``by`` any volume can
    approach; ``probability`` the chance asked for (None: in expectation) and
    ``achieved_probability`` the simulated share of paths at or above the target on
    ``by`` at the volume found.
    """

    requests_per_day: float | None
    reachable: bool
    message: str
    expected_score: float | None
    threshold: float
    by: pd.Timestamp
    ceiling: float
    already_met: bool = False
    probability: float | None = None
    achieved_probability: float | None = None


@dataclass(frozen=True)
class _AtDate:
    """The expected score on day h as a function of the request volume x (per day).

    With ``G = (1 - q**h) / (1 - q)``, ``c = rr G``::

        P = q**h A_0 + o mu_org G            Q = q**h B_0 + o G      (decayed sums at x = 0)
        "decayed-prior":  S(x) = (m mu + P + c mu_inv x) / (m + Q + c x)
        "trustpilot":     M(x) = (P + c mu_inv x) / (Q + c x)        (the weighted mean)
                          n(x) = n_0 + o h + rr h x                  (the expected count)
                          S(x) = (m mu + n(x) M(x)) / (m + n(x))

    ``start_mean`` stands in for M when ``Q + c x = 0``.
    """

    stars: float
    weights: float
    slope: float
    mu_inv: float
    params: ScoreParams
    count: float
    count_slope: float
    start_mean: float

    def mean(self, x: float) -> float:
        """``M(x)``, the expected decay-weighted mean of the reviews on day h."""
        den = self.weights + self.slope * x
        return (self.stars + self.slope * self.mu_inv * x) / den if den > 0 else self.start_mean

    def reviews(self, x: float) -> float:
        """``n(x)``, the expected number of reviews on day h."""
        return self.count + self.count_slope * x

    def score(self, requests_per_day: float) -> float:
        x = requests_per_day
        a, b = self.stars + self.slope * self.mu_inv * x, self.weights + self.slope * x
        return float(score_from_sums(a, b, self.reviews(x), self.params,
                                     weighted_mean=self.mean(x)))

    def first_reaching(self, threshold: float) -> float | None:
        """The smallest volume ``x >= 0`` with ``S(x) >= threshold`` (None if none).

        ``S(x) >= t`` is ``f(x) >= 0`` for a polynomial f: under "decayed-prior"
        ``f(x) = (m mu + P - t (m + Q)) + c (mu_inv - t) x`` (linear); under
        "trustpilot" (multiplying out ``m + n > 0`` and ``Q + c x > 0``)
        ``f(x) = n(x) ((P - t Q) + c (mu_inv - t) x) - m (t - mu) (Q + c x)``, a
        quadratic. The answer is 0 when ``f(0) >= 0``, else f's smallest positive
        root (where it turns non-negative), else None.
        """
        t, p = threshold, self.params
        m, mu = p.prior_count, p.prior_mean
        if self.score(0.0) >= t - _TOLERANCE:
            return 0.0
        near = self.slope * (self.mu_inv - t)
        if p.is_trustpilot:
            base = self.stars - t * self.weights
            prior_gap = m * (t - mu)
            coefficients = (
                self.count_slope * near,
                self.count * near + self.count_slope * base - prior_gap * self.slope,
                self.count * base - prior_gap * self.weights,
            )
        else:
            coefficients = (0.0, near, m * mu + self.stars - t * (m + self.weights))
        for root in _positive_roots(*coefficients):
            # f turns non-negative at a root where S rises through t (or touches it).
            if self.score(root * (1 + 1e-9) + 1e-12) >= t - _TOLERANCE:
                return root
        return None

    def ceiling(self, cap: float) -> float:
        """The highest expected score on day h at volumes 0..``cap`` (or as x -> inf).

        Under "decayed-prior" the larger of ``S(0)`` and ``mu_inv``; under "trustpilot"
        also the interior maximum, found on a geometric grid (S is a ratio of
        quadratics, with at most one interior extremum worth the search).
        """
        ends = [self.score(0.0), self.mu_inv] if self.slope > 0 else [self.score(0.0)]
        if not self.params.is_trustpilot or self.slope == 0:
            return max(ends)
        grid = np.geomspace(1e-4, max(cap, 1e-3), 600)
        return max(*ends, *(self.score(float(x)) for x in grid))


def _positive_roots(a: float, b: float, c: float) -> list[float]:
    """The positive real roots of ``a x**2 + b x + c``, ascending.

    Uses ``q = -(b + sign(b) sqrt(b**2 - 4ac)) / 2``, roots ``q / a`` and ``c / q``,
    which keeps its precision when ``a`` is tiny (the quadratic is nearly linear).
    """
    if a == 0:
        return [-c / b] if b != 0 and -c / b > 0 else []
    discriminant = b * b - 4 * a * c
    if discriminant < 0 or not math.isfinite(discriminant):
        return []
    q = -0.5 * (b + math.copysign(math.sqrt(discriminant), b))
    roots = [q / a, c / q] if q != 0 else [0.0]
    return sorted(x for x in roots if math.isfinite(x) and x > 0)


def _at_date(
    start: _Start,
    params: ScoreParams,
    h: int,
    rr: float,
    mu_inv: float,
    organic: float,
    mu_org: float,
) -> _AtDate:
    decay, growth = (float(v) for v in _decay_and_growth(float(h), params.half_life_days))
    return _AtDate(
        stars=decay * start.decayed_stars + organic * mu_org * growth,
        weights=decay * start.effective_reviews + organic * growth,
        slope=rr * growth,
        mu_inv=mu_inv,
        params=params,
        count=start.reviews + organic * h,
        count_slope=rr * h,
        start_mean=start.weighted_mean,
    )


def _normal_guess(
    at: _AtDate,
    chance: float,
    paths: int,
    h: int,
    params: ScoreParams,
    rr: float,
    invited: StarMix,
    organic_rate: float,
    organic: StarMix,
    threshold: float,
    cap: float,
) -> int:
    """A first guess (in cents) of the volume whose chance of ``score >= threshold`` is ``chance``.

    The score on day h is taken as normal, with the expected path's mean and the
    delta-method variance ``Var S ~ W2 * sum_k lambda_k (k - C)**2 / E[D]**2``, where
    ``W2 = sum_{j<h} q**(2j)``; under "decayed-prior" ``C = S`` and
    ``E[D] = m + E[B_h]``, under "trustpilot" ``C = M`` (the weighted mean) and
    ``E[D] = E[B_h] (m + n) / n`` (S moves by ``n / (m + n)`` of M's move). The guess
    is the smallest x with ``S(x) - z_chance * sd(x) >= threshold`` (scanned, then
    bisected).
    """
    z = NormalDist().inv_cdf(min(chance, 1.0 - 0.5 / paths))
    _, w2 = _decay_and_growth(float(h), params.half_life_days / 2.0)
    squares = float(w2)
    per_request = rr * np.asarray(invited)
    base_rates = organic_rate * np.asarray(organic)

    m = params.prior_count

    def margin(x: float) -> float:
        mean = at.score(x)
        weights = at.weights + at.slope * x
        if params.is_trustpilot:
            centre, count = at.mean(x), at.reviews(x)
            denominator = weights * (m + count) / count if count > 0 else 0.0
        else:
            centre, denominator = mean, m + weights
        variance = squares * float((x * per_request + base_rates) @ (_STARS - centre) ** 2)
        sd = math.sqrt(variance) / denominator if denominator > 0 else 0.0
        return mean - z * sd - threshold

    grid = np.concatenate(([0.0], np.geomspace(0.01, max(cap, 0.01), 400)))
    previous = 0.0
    for x in grid:
        if margin(float(x)) >= 0:
            low, high = previous, float(x)
            for _ in range(40):
                middle = (low + high) / 2
                low, high = (low, middle) if margin(middle) >= 0 else (middle, high)
            return math.ceil(high * 100.0)
        previous = float(x)
    return math.floor(cap * 100.0)


def requests_needed(
    reviews: pd.DataFrame,
    *,
    target: float | str,
    by: object,
    response_rate: float,
    invited_mix: MixLike,
    organic_per_day: float,
    organic_mix: MixLike,
    target_kind: TargetKind = "score",
    bands: LabelBands = DEFAULT_LABEL_BANDS,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    probability: float | None = None,
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
    as_of: object = None,
    max_requests_per_day: float = DEFAULT_MAX_REQUESTS_PER_DAY,
    model: ScoreModel = DEFAULT_MODEL,
) -> GoalSeek:
    """The fewest requests a day (steps of 0.01) that reach ``target`` on date ``by``.

    ``target`` is read as in :func:`target_threshold` with ``kind=target_kind``.

    In expectation (``probability=None``) the expected score on day h is ``S(x)`` of
    ``_AtDate``: under "decayed-prior" ``(m mu + P + c mu_inv x) / (m + Q + c x)``,
    monotone in x (rising towards ``mu_inv`` when ``mu_inv > S(0)``, falling towards
    it otherwise), solved exactly as ``x = (t (m + Q) - m mu - P) / (c (mu_inv - t))``;
    under "trustpilot" a ratio of quadratics, solved as the smallest positive root of
    a quadratic (``_AtDate.first_reaching``). Rounded up to 0.01. If ``S(0)`` already
    reaches ``t`` the answer is 0; if no volume does (``mu_inv <= t`` under
    "decayed-prior", or a response rate of 0) it is reported unreachable.

    With a ``probability`` p: the smallest volume whose simulated share of paths at
    or above ``t`` on ``by`` is at least p, searched on the 0.01 grid with the same
    seed at every volume (common random numbers, so the share is monotone in
    practice): a normal approximation of the score gives a first guess, which is
    bracketed and then narrowed by interpolation and bisection, keeping
    share(low) < p <= share(high) until they are 0.01 apart. So the answer always
    satisfies share(x) >= p > share(x - 0.01), in about 6-12 simulations. The
    share at the answer equals ``project(...).probability_at_or_above(t, by)`` with
    the same inputs, seed and paths. A target the expected score cannot reach by
    ``by`` at any volume is reported unreachable in this mode too: a plan should not
    bet on luck.

    Volumes above ``max_requests_per_day`` count as unreachable.
    """
    threshold = target_threshold(target, kind=target_kind, bands=bands)
    name = _target_name(target, target_kind)
    rr = _share("response_rate", response_rate)
    invited = validate_mix(invited_mix, "invited_mix")
    organic = validate_mix(organic_mix, "organic_mix")
    organic_rate = _rate("organic_per_day", organic_per_day)
    params = _params(half_life_days, prior_count, prior_mean, model)
    chance = _probability(probability)
    cap = _rate("max_requests_per_day", max_requests_per_day)
    if cap <= 0:
        raise ValueError("max_requests_per_day must be above 0.")
    paths = _whole("paths", paths, 1, MAX_SIMULATED_CELLS)
    seed = _whole("seed", seed, 0, 2**63 - 1)
    start = _start(reviews, as_of, params)
    h, day = _days_until(by, start.as_of)
    if chance is not None and paths * h > MAX_SIMULATED_CELLS:
        raise ValueError(
            f"paths x days until by must be at most {MAX_SIMULATED_CELLS:,}; got {paths * h:,}."
        )
    mu_inv = float(_STARS @ np.asarray(invited))
    mu_org = float(_STARS @ np.asarray(organic))
    at = _at_date(start, params, h, rr, mu_inv, organic_rate, mu_org)
    base = at.score(0.0)
    ceiling = at.ceiling(cap)
    date = _date_text(day)
    goal = f"{name} ({_fmt(threshold)})" if name else f"the target of {_fmt(threshold)}"

    def result(x: float | None, message: str, **extra: object) -> GoalSeek:
        return GoalSeek(
            requests_per_day=x,
            reachable=x is not None,
            message=message,
            expected_score=None if x is None else at.score(x),
            threshold=threshold,
            by=day,
            ceiling=ceiling,
            probability=chance,
            **extra,  # type: ignore[arg-type]
        )

    def share_at(x: float) -> float:
        rates = x * rr * np.asarray(invited) + organic_rate * np.asarray(organic)
        final = _simulate(start, params, rates, days=h, paths=paths, seed=seed, record=False)
        return float(np.mean(final.scores[0] >= threshold - _TOLERANCE))

    def volume_text(x: float) -> str:
        return (
            f"{x:,.2f} requests a day ({x * rr:,.2f} invited reviews a day with a "
            f"response rate of {rr:.0%})"
        )

    share0 = 0.0
    if chance is not None:
        share0 = share_at(0.0)
        if share0 >= chance:
            return result(
                0.0,
                f"No requests needed: without them {share0:.1%} of {paths:,} simulated paths "
                f"are at or above {_fmt(threshold)} on {date}.",
                already_met=True,
                achieved_probability=share0,
            )
    elif base >= threshold - _TOLERANCE:
        return result(
            0.0,
            f"No requests needed: without them the expected score on {date} is "
            f"{_fmt(base, threshold)}, already enough for {goal}.",
            already_met=True,
        )

    exact = at.first_reaching(threshold) if at.slope > 0 else None
    if exact is None:
        if at.slope == 0:
            why = (
                f"With a response rate of {rr:.0%} requests bring no reviews, and the expected "
                f"score on {date} is {_fmt(base, threshold)}"
            )
        elif ceiling > max(base, mu_inv) + _TOLERANCE:
            why = (
                f"At any number of requests the expected score on {date} peaks at "
                f"{_fmt(ceiling, threshold)} (invited reviews averaging {_fmt(mu_inv)} stars "
                "outweigh the prior as they pile up)"
            )
        elif mu_inv >= base:
            why = (
                f"At any number of requests, invited reviews averaging {_fmt(mu_inv, threshold)} "
                f"stars cannot lift the score above {_fmt(mu_inv, threshold)}"
            )
        else:
            why = (
                f"Invited reviews averaging {_fmt(mu_inv, threshold)} stars pull the score down: "
                f"without requests it is expected at {_fmt(base, threshold)} on {date}, and more "
                f"requests move it towards {_fmt(mu_inv, threshold)}"
            )
        message = f"{why}; {_needs(name, threshold, mu_inv)}."
        if chance is not None:
            message += (
                f" Without requests {share0:.1%} of {paths:,} simulated paths are at or above "
                f"it on {date}; {chance:.0%} was asked for."
            )
        return result(None, message)

    # Expectation: the exact root, rounded up to the 0.01 grid (a root where S only
    # touches the target may have no grid point at or above it: then it is out of reach).
    cents: int | None = math.ceil(exact * 100.0)
    for _ in range(_GRID_STEPS):
        if at.score(cents / 100.0) >= threshold - _TOLERANCE:
            break
        cents += 1
    else:
        cents = None
    while cents and at.score((cents - 1) / 100.0) >= threshold - _TOLERANCE:
        cents -= 1
    cap_cents = math.floor(cap * 100.0)

    if cents is None:
        return result(
            None,
            f"The expected score on {date} only touches {_fmt(threshold)} at one volume; "
            f"{_needs(name, threshold, ceiling)}.",
        )
    if chance is None:
        x = cents / 100.0
        if cents > cap_cents:
            return result(
                None,
                f"It would take about {x:,.0f} requests a day, more than the limit of "
                f"{cap:,.0f}, to lift the expected score to {_fmt(threshold)} by {date}.",
            )
        return result(
            x,
            f"{volume_text(x)} lift the expected score to {_fmt(at.score(x))} by {date}, "
            f"enough for {goal}.",
        )

    # Probability: search the 0.01 grid, keeping share(low) < chance <= share(high).
    # Start from a normal approximation, bracket it, then narrow the bracket by
    # interpolation (bisection when that stalls). low = 0 is known to fall short.
    def unreachable_at_cap(share: float) -> GoalSeek:
        return result(
            None,
            f"Even at {cap:,.0f} requests a day only {share:.1%} of {paths:,} simulated "
            f"paths are at or above {_fmt(threshold)} on {date}; {chance:.0%} was asked for.",
        )

    guess = min(
        max(
            _normal_guess(
                at, chance, paths, h, params, rr, invited, organic_rate, organic, threshold, cap
            ),
            1,
        ),
        cap_cents,
    )
    step = max(1, round(0.02 * guess))
    low, share_low = 0, share0
    share_guess = share_at(guess / 100.0)
    if share_guess >= chance:
        high, share_high = guess, share_guess
        while high - step > low:
            probe = high - step
            share_probe = share_at(probe / 100.0)
            if share_probe < chance:
                low, share_low = probe, share_probe
                break
            high, share_high = probe, share_probe
            step *= 2
    else:
        low, share_low = guess, share_guess
        while True:
            if low >= cap_cents:
                return unreachable_at_cap(share_low)
            probe = min(low + step, cap_cents)
            share_probe = share_at(probe / 100.0)
            if share_probe >= chance:
                high, share_high = probe, share_probe
                break
            low, share_low = probe, share_probe
            step *= 2
    interpolate = True
    while high - low > 1:
        width = high - low
        middle = (low + high) // 2
        if interpolate and share_high > share_low:
            fraction = (chance - share_low) / (share_high - share_low)
            middle = min(max(low + round(fraction * width), low + 1), high - 1)
        share_middle = share_at(middle / 100.0)
        if share_middle >= chance:
            high, share_high = middle, share_middle
        else:
            low, share_low = middle, share_middle
        interpolate = (high - low) <= width / 2
    x = high / 100.0
    return result(
        x,
        f"With {volume_text(x)}, {share_high:.1%} of {paths:,} simulated paths are at or above "
        f"{_fmt(threshold)} on {date} ({chance:.0%} asked for), enough for {goal}; the expected "
        f"score is then {_fmt(at.score(x))}.",
        achieved_probability=share_high,
    )


def date_reached(
    reviews: pd.DataFrame,
    *,
    target: float | str,
    requests_per_day: float,
    response_rate: float,
    invited_mix: MixLike,
    organic_per_day: float,
    organic_mix: MixLike,
    target_kind: TargetKind = "score",
    bands: LabelBands = DEFAULT_LABEL_BANDS,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    as_of: object = None,
    horizon_days: int = 730,
    model: ScoreModel = DEFAULT_MODEL,
) -> pd.Timestamp | None:
    """The first date on which the expected score is at or above the target (None if none).

    Looks at days 1..horizon_days of the expected path (see :func:`expected_path`);
    ``target`` is read as in :func:`target_threshold` with ``kind=target_kind``.
    """
    threshold = target_threshold(target, kind=target_kind, bands=bands)
    inputs = ProjectionInputs(
        horizon_days=horizon_days,
        requests_per_day=requests_per_day,
        response_rate=response_rate,
        invited_mix=invited_mix,  # type: ignore[arg-type]
        organic_per_day=organic_per_day,
        organic_mix=organic_mix,  # type: ignore[arg-type]
        half_life_days=half_life_days,
        prior_count=prior_count,
        prior_mean=prior_mean,
        paths=1,
        model=model,
    )
    params = inputs.params
    start = _start(reviews, as_of, params)
    path = _expected_frame(
        start,
        params,
        inputs.arrivals_per_day,
        inputs.mean_new_stars or 0.0,
        inputs.horizon_days,
    )["score"]
    hits = np.flatnonzero(path.to_numpy() >= threshold - _TOLERANCE)
    return None if len(hits) == 0 else pd.Timestamp(path.index[hits[0]])


# --------------------------------------------------------------------------- half-life


def half_life_sensitivity(
    reviews: pd.DataFrame,
    *,
    horizon_days: int,
    requests_per_day: float,
    response_rate: float,
    invited_mix: MixLike,
    organic_per_day: float,
    organic_mix: MixLike,
    half_lives_days: Sequence[float] = DEFAULT_HALF_LIVES_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
    as_of: object = None,
    model: ScoreModel = DEFAULT_MODEL,
) -> pd.DataFrame:
    """The current score and the expected score at the horizon, for each half-life.

    Trustpilot does not publish the exact decay curve; this shows how much the
    answer depends on it. One row per half-life, columns ``half_life_days``,
    ``half_life_months`` (days / (365 / 12)), ``current_score``,
    ``current_effective_reviews``, ``projected_score`` (the expected score on the
    horizon's last day), ``change`` and ``long_run_score``.
    """
    if isinstance(half_lives_days, str | bytes) or not isinstance(half_lives_days, Iterable):
        raise ValueError(f"half_lives_days must be a sequence of days, got {half_lives_days!r}.")
    lives = [_number("half_lives_days", h) for h in half_lives_days]
    if not lives:
        raise ValueError("half_lives_days must hold at least one half-life.")
    base = ProjectionInputs(
        horizon_days=horizon_days,
        requests_per_day=requests_per_day,
        response_rate=response_rate,
        invited_mix=invited_mix,  # type: ignore[arg-type]
        organic_per_day=organic_per_day,
        organic_mix=organic_mix,  # type: ignore[arg-type]
        prior_count=prior_count,
        prior_mean=prior_mean,
        paths=1,
        model=model,
    )
    all_params = [_params(h, base.prior_count, base.prior_mean, base.model) for h in lives]
    rate, mean_new = base.arrivals_per_day, base.mean_new_stars or 0.0
    rows = []
    for params in all_params:
        start = _start(reviews, as_of, params)
        path = _expected_frame(start, params, rate, mean_new, base.horizon_days)
        projected = float(path["score"].iloc[-1])
        rows.append(
            {
                "half_life_days": params.half_life_days,
                "half_life_months": params.half_life_days / DAYS_PER_MONTH,
                "current_score": start.score,
                "current_effective_reviews": start.effective_reviews,
                "projected_score": projected,
                "change": projected - start.score,
                "long_run_score": _long_run(params, rate, mean_new, start.score),
            }
        )
    return pd.DataFrame(rows)
