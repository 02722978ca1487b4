"""A projection: the expected path, the Monte Carlo bands, and what they say about a target."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.display import (
    DEFAULT_LABEL_BANDS,
    SCORE_TOLERANCE,
    LabelBands,
    TargetKind,
    target_threshold,
)
from scoring.projection.closed_form import expected_frame, long_run_score
from scoring.projection.inputs import ProjectionInputs
from scoring.projection.simulation import (
    Arrivals,
    percentile_column,
    share_of_paths,
    simulate,
    sorted_percentiles,
)
from scoring.projection.start import days_until, start_state


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
      ``decayed_stars``, ``effective_reviews``, ``reviews`` (see
      :func:`~scoring.projection.closed_form.expected_path`);
    - ``bands``: percentiles of the simulated score per day (``p10`` .. ``p90``);
    - ``mean_paths``: the Monte Carlo mean of the decayed sums per day with its
      standard error (``decayed_stars``, ``decayed_stars_se``, ``effective_reviews``,
      ``effective_reviews_se``) and of the score itself (``score``, ``score_se``);
    - ``score_paths``: the simulated scores, shape (horizon_days, paths), read-only;
    - ``long_run_score``: the limit of the expected score
      (:func:`~scoring.projection.closed_form.long_run_score`).

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
        h, day = days_until(on_date, self.as_of, "on_date")
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

        ``target`` is read as in :func:`scoring.display.target_threshold` (a raw score
        by default).
        """
        threshold = target_threshold(target, kind=kind, bands=bands)
        row = self.score_paths[self._row(on_date)]
        return float(np.mean(row >= threshold - SCORE_TOLERANCE))

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
        reached = self.score_paths >= threshold - SCORE_TOLERANCE
        crossed = reached.any(axis=0)
        first = np.where(crossed, reached.argmax(axis=0), np.iinfo("int64").max)
        ordered = np.sort(first)
        paths = len(ordered)

        def by_share(share: float) -> pd.Timestamp | None:
            day = ordered[share_of_paths(paths, share) - 1]
            return None if day == np.iinfo("int64").max else self.dates[int(day)]

        return CrossingTimes(
            threshold=threshold,
            share_crossed=float(crossed.mean()),
            median=by_share(0.5),
            p10=by_share(0.1),
            p90=by_share(0.9),
            already_met=self.start_score >= threshold - SCORE_TOLERANCE,
        )


def arrivals_of(inputs: ProjectionInputs) -> Arrivals:
    """The two sources of new reviews that ``inputs`` assume."""
    return Arrivals(inputs.invited_per_day, inputs.invited_mix, inputs.organic_per_day,
                    inputs.organic_mix)


def project(reviews: pd.DataFrame, inputs: ProjectionInputs, *, as_of: object = None
            ) -> Projection:
    """Project the score ``inputs.horizon_days`` days ahead: expected path and Monte Carlo bands.

    Starts from the decayed sums at ``as_of`` (default: the newest counted review).
    ``requests_per_day * response_rate`` invited reviews a day with stars from
    ``invited_mix``, plus ``organic_per_day`` organic ones from ``organic_mix``, under
    ``inputs.params``. The expected path is the closed form of
    :mod:`scoring.projection.closed_form`; the bands come from ``inputs.paths``
    simulated paths seeded with ``inputs.seed`` (same inputs, same result), with the
    overdispersion and mix uncertainty of ``inputs.uncertainty``
    (:mod:`scoring.projection.uncertainty`; these widen the bands, the expected path
    stays the closed form). 2,000 paths x 730 days take about 0.2-0.4 s plain, see
    benchmarks/RESULTS.md for the run with uncertainty.
    """
    if not isinstance(inputs, ProjectionInputs):
        raise TypeError(f"inputs must be a ProjectionInputs, got {type(inputs).__name__}.")
    params = inputs.params
    start = start_state(reviews, as_of, params)
    rate, mean_new = inputs.arrivals_per_day, inputs.mean_new_stars or 0.0
    expected = expected_frame(start, params, rate, mean_new, inputs.horizon_days)
    index = expected.index
    simulation = simulate(
        start, params, arrivals_of(inputs), days=inputs.horizon_days, paths=inputs.paths,
        seed=inputs.seed, record=True, uncertainty=inputs.uncertainty,
    )
    scores = simulation.scores
    scores.flags.writeable = False
    quantiles = sorted_percentiles(np.sort(scores, axis=1), inputs.percentiles)
    bands = pd.DataFrame(quantiles, index=index,
                         columns=[percentile_column(p) for p in inputs.percentiles])
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
        long_run_score=long_run_score(params, rate, mean_new, start.score),
        expected=expected,
        bands=bands,
        mean_paths=mean_paths,
        score_paths=scores,
    )
