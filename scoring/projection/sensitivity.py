"""How much a projection depends on the half-life, which Trustpilot does not publish exactly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import pandas as pd

from scoring import validation
from scoring.errors import ParameterError
from scoring.periods import DAYS_PER_MONTH
from scoring.projection.closed_form import expected_frame, long_run_score
from scoring.projection.inputs import ProjectionInputs
from scoring.projection.start import start_state

DEFAULT_HALF_LIVES_DAYS: tuple[float, ...] = (
    30.4, 61, 91, 122, 152, 182.5, 213, 243, 274, 304, 335, 365,
)
"""Half-lives of about 1 to 12 months, in round days (182.5 is the published one)."""


def half_life_sensitivity(
    reviews: pd.DataFrame,
    inputs: ProjectionInputs,
    *,
    half_lives_days: Sequence[float] = DEFAULT_HALF_LIVES_DAYS,
    as_of: object = None,
) -> pd.DataFrame:
    """The current score and the expected score at the horizon, for each half-life.

    Everything else as in ``inputs`` (volumes, mixes, prior, model form). One row per
    half-life, columns ``half_life_days``, ``half_life_months`` (days / the mean month),
    ``current_score``, ``current_effective_reviews``, ``projected_score`` (the
    expected score on the horizon's last day), ``change`` and ``long_run_score``.
    """
    if isinstance(half_lives_days, str | bytes) or not isinstance(half_lives_days, Iterable):
        raise ParameterError(
            f"half_lives_days must be a sequence of days, got {half_lives_days!r}."
        )
    lives = [validation.half_life(h) for h in half_lives_days]
    if not lives:
        raise ParameterError("half_lives_days must hold at least one half-life.")
    rate, mean_new = inputs.arrivals_per_day, inputs.mean_new_stars or 0.0
    rows = []
    for half_life in lives:
        params = replace(inputs.params, half_life_days=half_life)
        start = start_state(reviews, as_of, params)
        projected = float(expected_frame(start, params, rate, mean_new,
                                         inputs.horizon_days)["score"].iloc[-1])
        rows.append({
            "half_life_days": params.half_life_days,
            "half_life_months": params.half_life_days / DAYS_PER_MONTH,
            "current_score": start.score,
            "current_effective_reviews": start.effective_reviews,
            "projected_score": projected,
            "change": projected - start.score,
            "long_run_score": long_run_score(params, rate, mean_new, start.score),
        })
    return pd.DataFrame(rows)
