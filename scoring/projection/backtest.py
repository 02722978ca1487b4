"""How good are these forecasts? The status-quo projection replayed over the history.

:func:`backtest` goes back to the first day of every month that has at least
``min_history_days`` of reviews before it (an *origin*), projects the status quo of the
``window_days`` before it (:func:`~scoring.projection.rates.recent_rates`: the invited
reviews as requests at response rate 1, plus the organic ones, with their star
mixes; the :class:`~scoring.projection.uncertainty.Uncertainty` fitted on data before
the origin only) ``horizons`` days ahead, and compares the forecast with the score
the history actually reached on ``origin + h`` days (same model), wherever the data
reaches that date. One simulation per origin, to the longest horizon.

The summary per horizon: the share of actual scores inside the P10-P90 band
(``coverage_80``, nominal 80%) and the P25-P75 band (``coverage_50``, nominal 50%),
and the mean absolute error and the mean (bias) of ``expected - actual``, with
``expected`` the closed-form expected path.

:func:`date_precision` tells exact dates from coarse ones (Google's "a year ago"
resolved against a reference date): a backtest on dates that are only as precise
as "a year" would compare forecasts with an artefact, so it is refused
(``reason="coarse_dates"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from scoring import validation
from scoring.errors import ParameterError
from scoring.model import ScoreParams, counted_reviews, score_series, times_ns
from scoring.periods import NS_PER_DAY, to_utc_timestamp
from scoring.projection.closed_form import expected_frame
from scoring.projection.inputs import MAX_HORIZON_DAYS, MAX_SIMULATED_CELLS
from scoring.projection.rates import recent_rates
from scoring.projection.simulation import Arrivals, simulate, sorted_percentiles
from scoring.projection.start import start_state
from scoring.projection.uncertainty import Uncertainty, fit_uncertainty

BacktestReason = Literal["coarse_dates", "too_short", "no_reviews"]
BAND_PERCENTILES: tuple[float, ...] = (10, 25, 50, 75, 90)
BAND_COLUMNS = ("expected", "p10", "p25", "p50", "p75", "p90")
FORECAST_COLUMNS = (
    "origin", "horizon", "date", "start_score", "expected", "p10", "p25", "p50", "p75", "p90",
    "actual", "inside_80", "inside_50", "error",
)
SUMMARY_COLUMNS = ("horizon", "origins", "coverage_80", "coverage_50", "mae", "bias")

CROWDED_DAY_MIN_REVIEWS = 5
"""A crowded day holds at least this many reviews ..."""
CROWDED_DAY_MIN_SHARE = 0.01
"""... and at least this share of all reviews."""
COARSE_CROWDED_SHARE = 0.5
"""Dates are coarse when at least this share of the reviews sits on crowded days ..."""
COARSE_TYPICAL_GAP_DAYS = 7.0
"""... and distinct review days are typically (median) at least this many days apart."""


@dataclass(frozen=True)
class DatePrecision:
    """How precise a history's dates are, and the numbers a sentence needs.

    ``reviews`` counted reviews on ``distinct_days`` distinct UTC days;
    ``crowded_share`` the share of them on crowded days (days holding at least
    :data:`CROWDED_DAY_MIN_REVIEWS` reviews and :data:`CROWDED_DAY_MIN_SHARE` of all);
    ``typical_gap_days`` the median gap between consecutive distinct review days
    (NaN with fewer than two). ``coarse``: ``crowded_share >= 0.5`` and (a typical
    gap of at least 7 days, or a single day).
    """

    coarse: bool
    reviews: int
    distinct_days: int
    crowded_share: float
    typical_gap_days: float


def date_precision(reviews: pd.DataFrame) -> DatePrecision:
    """Whether the counted reviews' dates are exact or coarse (see :class:`DatePrecision`).

    Relative dates such as Google's "a year ago", "3 months ago" resolve to a few
    days weeks or months apart, each holding many reviews: on the seven Google
    Amsterdam exports over 90% of the reviews sit on crowded days a month apart
    (median), against at most about 20% a day apart on Trustpilot exports. A small
    business with exact dates has no crowded day at all (a crowded day needs 5
    reviews).
    """
    times = times_ns(counted_reviews(reviews))
    if len(times) == 0:
        return DatePrecision(False, 0, 0, 0.0, math.nan)
    days, counts = np.unique(times // NS_PER_DAY, return_counts=True)
    total = len(times)
    crowded = counts >= max(CROWDED_DAY_MIN_REVIEWS, CROWDED_DAY_MIN_SHARE * total)
    share = float(counts[crowded].sum() / total)
    gap = float(np.median(np.diff(days))) if len(days) > 1 else math.nan
    coarse = share >= COARSE_CROWDED_SHARE and (
        len(days) == 1 or gap >= COARSE_TYPICAL_GAP_DAYS
    )
    return DatePrecision(bool(coarse), total, len(days), share, gap)


@dataclass(frozen=True, eq=False)
class Backtest:
    """The status-quo forecast replayed from monthly origins (see :func:`backtest`).

    - ``forecasts``: one row per origin and horizon the data reaches: ``origin`` (UTC
      midnight), ``horizon`` (days), ``date`` (origin + horizon), ``start_score``,
      ``expected`` (closed form), ``p10`` .. ``p90`` (simulated), ``actual``,
      ``inside_80`` (``p10 <= actual <= p90``), ``inside_50`` (``p25 .. p75``), ``error``
      (``expected - actual``);
    - ``summary``: one row per horizon: ``horizon``, ``origins`` (rows compared),
      ``coverage_80``, ``coverage_50``, ``mae`` (mean ``|error|``), ``bias`` (mean
      ``error``); NaN where no origin reaches the horizon;
    - ``reason``: None when it ran, else ``"coarse_dates"`` (see ``precision``),
      ``"too_short"`` (no month start with ``min_history_days`` before it and the
      shortest horizon after it) or ``"no_reviews"``; the frames are then empty.
    """

    params: ScoreParams
    horizons: tuple[int, ...]
    reason: BacktestReason | None
    precision: DatePrecision
    forecasts: pd.DataFrame
    summary: pd.DataFrame
    _origins: pd.DatetimeIndex = field(repr=False)
    _bands: np.ndarray = field(repr=False)  # (origins, longest horizon, 6), float32
    _actual: pd.Series = field(repr=False)  # the score at each UTC midnight the data reaches

    @property
    def origins(self) -> pd.DatetimeIndex:
        """The origins that were projected from."""
        return self._origins

    def path(self, origin: object) -> pd.DataFrame:
        """The daily forecast from ``origin`` and what happened.

        Index ``date`` (origin + 1 .. origin + the longest horizon, UTC midnight);
        columns ``expected``, ``p10``, ``p25``, ``p50``, ``p75``, ``p90`` and ``actual``
        (NaN after the last day the data reaches).
        """
        stamp = to_utc_timestamp(origin, "origin").floor("D")
        matches = np.flatnonzero(self._origins == stamp)
        if len(matches) == 0:
            raise ParameterError(
                f"{stamp.date()} is not an origin of this backtest; use one of "
                "Backtest.origins (the first day of a month)."
            )
        days = self._bands.shape[1]
        index = pd.date_range(stamp + pd.Timedelta(days=1), periods=days, freq="D",
                              name="date", unit="ns")
        frame = pd.DataFrame(self._bands[matches[0]].astype("float64"), index=index,
                             columns=list(BAND_COLUMNS))
        frame["actual"] = self._actual.reindex(index).to_numpy()
        return frame


def _horizons(values: Sequence[int]) -> tuple[int, ...]:
    if isinstance(values, int | str) or not isinstance(values, Sequence) or not values:
        raise ParameterError(
            f"horizons must be a non-empty sequence of days, e.g. (30, 90, 180); got {values!r}."
        )
    days = sorted({validation.whole("horizons", v, 1, MAX_HORIZON_DAYS) for v in values})
    return tuple(days)


def _empty(params: ScoreParams, horizons: tuple[int, ...], reason: BacktestReason | None,
           precision: DatePrecision) -> Backtest:
    forecasts = pd.DataFrame({name: pd.Series(dtype="float64") for name in FORECAST_COLUMNS})
    forecasts["origin"] = pd.Series(dtype="datetime64[ns, UTC]")
    forecasts["date"] = pd.Series(dtype="datetime64[ns, UTC]")
    forecasts["horizon"] = pd.Series(dtype="int64")
    forecasts[["inside_80", "inside_50"]] = forecasts[["inside_80", "inside_50"]].astype(bool)
    return Backtest(params, horizons, reason, precision, forecasts, _summary(forecasts, horizons),
                    pd.DatetimeIndex([], tz="UTC"), np.empty((0, max(horizons), 6), "float32"),
                    pd.Series(dtype="float64"))


def _summary(forecasts: pd.DataFrame, horizons: tuple[int, ...]) -> pd.DataFrame:
    rows = []
    for h in horizons:
        part = forecasts[forecasts["horizon"] == h]
        n = len(part)
        rows.append({
            "horizon": h,
            "origins": n,
            "coverage_80": float(part["inside_80"].mean()) if n else math.nan,
            "coverage_50": float(part["inside_50"].mean()) if n else math.nan,
            "mae": float(part["error"].abs().mean()) if n else math.nan,
            "bias": float(part["error"].mean()) if n else math.nan,
        })
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def month_origins(first_ns: int, last_ns: int, min_history_days: int, shortest: int
                  ) -> pd.DatetimeIndex:
    """The first days of months (UTC) with ``min_history_days`` of history before them
    and ``shortest`` days of data after them (``origin + shortest <= last``)."""
    earliest = first_ns + min_history_days * NS_PER_DAY
    latest = last_ns - shortest * NS_PER_DAY
    if latest < earliest:
        return pd.DatetimeIndex([], tz="UTC")
    begin = to_utc_timestamp(earliest).ceil("D")
    months = pd.date_range(begin.replace(day=1), to_utc_timestamp(latest), freq="MS",
                           unit="ns")
    return months[(months.asi8 >= earliest) & (months.asi8 <= latest)]


def backtest(
    reviews: pd.DataFrame,
    *,
    params: ScoreParams | None = None,
    horizons: Sequence[int] = (30, 90, 180),
    window_days: int = 90,
    min_history_days: int = 90,
    paths: int = 500,
    seed: int = 0,
    uncertainty: bool = True,
    progress: Callable[[float], None] | None = None,
) -> Backtest:
    """Replay the status-quo forecast from every month start and compare it with what happened.

    Origins: the first day (UTC midnight) of each month with at least
    ``min_history_days`` days of reviews before it and data reaching the shortest
    horizon after it. At each origin ``t``: the start state at ``t``, the volume and
    star mix of the ``window_days`` before it by source, and (``uncertainty=True``)
    :func:`~scoring.projection.uncertainty.fit_uncertainty` at ``t`` (False: plain
    Poisson arrivals with known mixes); ``paths`` paths seeded with ``seed`` to the
    longest horizon. ``actual`` is the score (same ``params``, live clock) at the
    instant ``t + h days``, for dates up to the newest counted review.
    ``progress(fraction)`` is called after each origin.

    Dates too coarse to replay (:func:`date_precision`) give ``reason="coarse_dates"``
    and no forecasts. A 3-year history of 15,000 reviews (about 33 origins, 500
    paths, 30/90/180 days) takes a few seconds (benchmarks/RESULTS.md).
    """
    params = params if params is not None else ScoreParams()
    if not isinstance(params, ScoreParams):
        raise ParameterError(f"params must be a ScoreParams, got {params!r}.")
    days = _horizons(horizons)
    window = validation.whole("window_days", window_days, 1, MAX_HORIZON_DAYS)
    history = validation.whole("min_history_days", min_history_days, 1, MAX_HORIZON_DAYS)
    paths = validation.whole("paths", paths, 1, MAX_SIMULATED_CELLS // days[-1])
    seed = validation.whole("seed", seed, 0, 2**63 - 1)
    if not isinstance(uncertainty, bool):
        raise ParameterError(f"uncertainty must be True or False, got {uncertainty!r}.")
    if progress is not None and not callable(progress):
        raise ParameterError("progress must be a function of the share done, or None.")

    counted = counted_reviews(reviews)
    times = times_ns(counted)
    precision = date_precision(counted)
    if len(times) == 0:
        return _empty(params, days, "no_reviews", precision)
    if precision.coarse:
        return _empty(params, days, "coarse_dates", precision)
    first, last = int(times.min()), int(times.max())
    origins = month_origins(first, last, history, days[0])
    if len(origins) == 0:
        return _empty(params, days, "too_short", precision)

    longest = days[-1]
    end = min(origins[-1] + pd.Timedelta(days=longest), to_utc_timestamp(last).floor("D"))
    # the score at each UTC midnight D: the daily series' row for the day before D
    series = score_series(counted, freq="D", start=origins[0], end=end, params=params)["score"]
    instants = pd.DatetimeIndex(series.index) + pd.Timedelta(days=1)
    reached = instants.asi8 <= last
    actual = pd.Series(series.to_numpy()[reached], index=instants[reached])

    bands = np.full((len(origins), longest, len(BAND_COLUMNS)), np.nan, dtype="float32")
    rows: list[dict[str, object]] = []
    offsets = np.asarray(days) - 1
    for i, origin in enumerate(origins):
        start = start_state(counted, origin, params)
        rates = recent_rates(counted, as_of=origin, window_days=window)
        arrivals = Arrivals(rates.invited_per_day, rates.invited_mix, rates.organic_per_day,
                            rates.organic_mix)
        spread = (fit_uncertainty(counted, as_of=origin, window_days=window) if uncertainty
                  else Uncertainty())
        rate = arrivals.invited_per_day + arrivals.organic_per_day
        mean_new = (
            (arrivals.invited_per_day * rates.invited_mean_stars
             + arrivals.organic_per_day * rates.organic_mean_stars) / rate
            if rate > 0 else 0.0
        )
        expected = expected_frame(start, params, rate, mean_new, longest)["score"].to_numpy()
        simulation = simulate(start, params, arrivals, days=longest, paths=paths, seed=seed,
                              record=True, uncertainty=spread)
        quantiles = sorted_percentiles(np.sort(simulation.scores, axis=1), BAND_PERCENTILES)
        bands[i, :, 0] = expected
        bands[i, :, 1:] = quantiles
        for h, row in zip(days, offsets, strict=True):
            date = origin + pd.Timedelta(days=h)
            if date.value > last:
                continue
            score = float(actual.get(date, math.nan))
            q10, q25, q50, q75, q90 = (float(v) for v in quantiles[row])
            rows.append({
                "origin": origin, "horizon": h, "date": date, "start_score": start.score,
                "expected": float(expected[row]), "p10": q10, "p25": q25, "p50": q50,
                "p75": q75, "p90": q90, "actual": score,
                "inside_80": q10 <= score <= q90, "inside_50": q25 <= score <= q75,
                "error": float(expected[row]) - score,
            })
        if progress is not None:
            progress((i + 1) / len(origins))
    forecasts = pd.DataFrame(rows, columns=list(FORECAST_COLUMNS))
    forecasts["horizon"] = forecasts["horizon"].astype("int64")
    return Backtest(params, days, None, precision, forecasts, _summary(forecasts, days),
                    pd.DatetimeIndex(origins), bands, actual)
