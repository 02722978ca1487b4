"""Projections of the TrustScore: if we ask for this many reviews, where will it be?

One concept per module:

- :mod:`~scoring.projection.inputs`: :class:`ProjectionInputs` (volumes, response rate,
  star mixes, the score model), validated once; limits and defaults;
- :mod:`~scoring.projection.rates`: :func:`recent_rates`, the last 90 days by source
  (the defaults of a plan);
- :mod:`~scoring.projection.start`: where a projection starts, and its day grid;
- :mod:`~scoring.projection.closed_form`: the expected path, its long-run limit,
  :func:`status_quo` and :func:`stop_collecting`;
- :mod:`~scoring.projection.simulation`: the Monte Carlo (Poisson arrivals per star);
- :mod:`~scoring.projection.projected`: :func:`project` and its :class:`Projection`
  (bands, probability on a date, first crossing);
- :mod:`~scoring.projection.reachability`: can any volume reach a target in the long run;
- :mod:`~scoring.projection.goal_seek`: the fewest requests that reach a target by a date
  (:func:`requests_needed`), and the date a plan reaches it (:func:`date_reached`);
- :mod:`~scoring.projection.sensitivity`: the same plan under other half-lives;
- :mod:`~scoring.projection.uncertainty`: :class:`Uncertainty` beyond Poisson arrivals
  (overdispersed days, an uncertain volume level and star mix) and
  :func:`fit_uncertainty`;
- :mod:`~scoring.projection.backtest`: :func:`backtest`, the status-quo forecast
  replayed from monthly origins against what happened, and :func:`date_precision`;
- :mod:`~scoring.projection.channels`: request channels (:class:`Channel`), what each
  brought in the last 90 days (:func:`channel_history`), folded into one projection
  (:func:`channel_inputs`) and solved for one channel (:func:`channel_requests_needed`).

Answers that can fail carry a reason code and the numbers a sentence needs
(:class:`Reachability`, :class:`GoalSeek`); the interface writes the sentences. A
target (a score, a half star or a label) is read by
:func:`scoring.display.target_threshold`.

From a notebook::

    import scoring
    inputs = scoring.ProjectionInputs(
        horizon_days=365, requests_per_day=20, response_rate=0.25,
        invited_mix=(0.02, 0.02, 0.06, 0.2, 0.7), organic_per_day=1.5,
        organic_mix=(0.25, 0.1, 0.1, 0.2, 0.35),
    )
    outlook = scoring.project(reviews, inputs)
    outlook.probability_at_or_above("Excellent", "2026-06-30", kind="label")
    scoring.requests_needed(reviews, inputs, target=4.5, target_kind="stars",
                            by="2026-06-30", probability=0.8)
"""

from scoring.projection.backtest import Backtest, DatePrecision, backtest, date_precision
from scoring.projection.channels import (
    Channel,
    channel_groupings,
    channel_history,
    channel_inputs,
    channel_requests_needed,
    channels_from_history,
)
from scoring.projection.closed_form import expected_path, status_quo, stop_collecting
from scoring.projection.goal_seek import GoalReason, GoalSeek, date_reached, requests_needed
from scoring.projection.inputs import ProjectionInputs, mix_mean
from scoring.projection.projected import CrossingTimes, Projection, project
from scoring.projection.rates import RecentRates, recent_rates
from scoring.projection.reachability import Reachability, ReachReason, reachability
from scoring.projection.sensitivity import half_life_sensitivity
from scoring.projection.uncertainty import Uncertainty, fit_uncertainty

__all__ = [
    "Backtest",
    "Channel",
    "CrossingTimes",
    "DatePrecision",
    "GoalReason",
    "GoalSeek",
    "Projection",
    "ProjectionInputs",
    "ReachReason",
    "Reachability",
    "RecentRates",
    "Uncertainty",
    "backtest",
    "channel_groupings",
    "channel_history",
    "channel_inputs",
    "channel_requests_needed",
    "channels_from_history",
    "date_precision",
    "date_reached",
    "expected_path",
    "fit_uncertainty",
    "half_life_sensitivity",
    "mix_mean",
    "project",
    "reachability",
    "recent_rates",
    "requests_needed",
    "status_quo",
    "stop_collecting",
]
