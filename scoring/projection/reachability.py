"""Can any number of review requests lift the long-run score to a target?

With x requests a day the long-run score is, under "trustpilot", the new reviews'
mean ``(x rr mu_inv + o mu_org) / (x rr + o)``, and under "decayed-prior"
``(m mu + (x rr mu_inv + o mu_org) / (1 - q)) / (m + (x rr + o) / (1 - q))``: either
way a ratio monotone in x running from its value at x = 0 to ``mu_inv`` as
x -> inf (``rr`` the response rate, ``o`` organic reviews a day, ``mu_inv`` and
``mu_org`` the two mixes' mean stars). So the target is reachable iff it is at most
the value at x = 0, or below ``mu_inv`` (and ``rr > 0``).

The answer is data: a :class:`Reachability` with a reason code and the numbers a
sentence needs (the interface writes the sentence).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from scoring import validation
from scoring.display import SCORE_TOLERANCE
from scoring.errors import ParameterError
from scoring.projection.closed_form import long_run_score
from scoring.projection.inputs import ProjectionInputs

ReachReason = Literal[
    "met_without_requests", "reachable", "no_responses", "invited_too_low",
    "invited_pull_down",
]
"""Why a target is (un)reachable in the long run:

- ``met_without_requests``: organic reviews alone settle at or above it;
- ``reachable``: enough requests lift the score above it (``threshold < mu_inv``);
- ``no_responses``: a response rate of 0: requests bring no reviews;
- ``invited_too_low``: invited reviews average at most the target and no more than
  the score without requests: no volume lifts it far enough;
- ``invited_pull_down``: invited reviews average below the score without requests:
  more requests move it down, towards ``mu_inv``.
"""


@dataclass(frozen=True)
class Reachability:
    """Whether a threshold can be reached in the long run at some request volume.

    ``ceiling`` is the supremum of the long-run score over all volumes:
    ``max(invited_mean_stars, without_requests)`` (the invited mean is approached,
    never attained). ``without_requests`` is the long-run score with organic reviews
    only; ``reason`` says why (:data:`ReachReason`).
    """

    reachable: bool
    reason: ReachReason
    threshold: float
    ceiling: float
    invited_mean_stars: float
    without_requests: float
    response_rate: float


def reachability(
    inputs: ProjectionInputs, threshold: float, *, start_score: float | None = None
) -> Reachability:
    """Can any number of requests (at ``inputs``' response rate and mixes) lift the
    long-run score to ``threshold``? ``inputs.requests_per_day`` is not used.

    ``start_score`` matters where the score never moves without reviews (no organic
    reviews, and the "trustpilot" form or no decay; default: the prior mean).
    """
    value = validation.number("threshold", threshold)
    if not math.isfinite(value):
        raise ParameterError(f"threshold must be a finite number, got {threshold!r}.")
    params = inputs.params
    start = params.prior_mean if start_score is None else validation.number(
        "start_score", start_score)
    rr, mu_inv = inputs.response_rate, inputs.invited_mean_stars
    base = long_run_score(params, inputs.organic_per_day, inputs.organic_mean_stars, start)
    lifts = rr > 0 and value < mu_inv
    reason: ReachReason
    if value <= base + SCORE_TOLERANCE:
        reason = "met_without_requests"
    elif lifts:
        reason = "reachable"
    elif rr == 0:
        reason = "no_responses"
    elif mu_inv >= base:
        reason = "invited_too_low"
    else:
        reason = "invited_pull_down"
    return Reachability(
        reachable=reason in ("met_without_requests", "reachable"),
        reason=reason,
        threshold=value,
        ceiling=max(base, mu_inv) if rr > 0 else base,
        invited_mean_stars=mu_inv,
        without_requests=base,
        response_rate=rr,
    )
