"""Goal seek: the fewest review requests that reach a target by a date, and when a plan
reaches it.

In expectation the expected score on the date is :class:`AtDate`'s ``S(x)``, a ratio of
polynomials in the volume x; the smallest x with ``S(x) >= t`` is exact
(:meth:`AtDate.first_reaching`). With a probability the simulated share of paths is
searched on the 0.01 grid (common random numbers keep it monotone in practice).

The answer is data: a :class:`GoalSeek` with a reason code and the numbers a
sentence needs (the interface writes the sentence).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import pandas as pd

from scoring import validation
from scoring.display import (
    DEFAULT_LABEL_BANDS,
    SCORE_TOLERANCE,
    LabelBands,
    TargetKind,
    target_threshold,
)
from scoring.errors import ParameterError
from scoring.model import ScoreParams, score_from_sums
from scoring.projection.closed_form import decay_and_growth, expected_frame
from scoring.projection.inputs import (
    MAX_HORIZON_DAYS,
    MAX_RATE_PER_DAY,
    MAX_SIMULATED_CELLS,
    STARS,
    ProjectionInputs,
)
from scoring.projection.simulation import Arrivals, simulate
from scoring.projection.start import StartState, days_until, start_state
from scoring.validation import StarMix

DEFAULT_MAX_REQUESTS_PER_DAY = 10_000.0
GRID_STEPS = 1000
"""How far past an exact root the 0.01 grid is searched for a volume that reaches it."""

GoalReason = Literal[
    "already_met", "found", "no_responses", "peaks_below", "invited_too_low",
    "invited_pull_down", "touches_only", "above_limit",
]
"""What the goal seek found:

- ``already_met``: no requests needed (``base_score`` or ``share_without_requests``
  already reach the target);
- ``found``: ``requests_per_day`` reach it (``expected_score``,
  ``achieved_probability``);
- ``no_responses``: a response rate of 0: requests bring no reviews;
- ``peaks_below``: the expected score on the date peaks at ``ceiling`` between
  volumes, below the target (the fitted model: invited reviews outweigh the prior
  as they pile up);
- ``invited_too_low``: invited reviews average ``invited_mean_stars``, at most the
  target: no volume lifts the score above that;
- ``invited_pull_down``: invited reviews average below the score without requests:
  more requests pull it down;
- ``touches_only``: the expected score only touches the target at one volume, with
  no 0.01 step at or above it;
- ``above_limit``: it would take more than ``max_requests_per_day``
  (``requests_beyond_limit`` in expectation; with a probability,
  ``achieved_probability`` is the share at the limit).
"""


@dataclass(frozen=True)
class GoalSeek:
    """The smallest request volume that reaches a target by a date.

    ``requests_per_day`` is in steps of 0.01 (None when unreachable);
    ``expected_score`` the expected score on ``by`` at that volume (None when
    unreachable); ``ceiling`` the highest expected score on ``by`` any volume can
    approach; ``base_score`` the expected score on ``by`` without requests;
    ``probability`` the chance asked for (None: in expectation) and
    ``achieved_probability`` the simulated share of paths at or above the target on
    ``by`` at the volume found (or at the limit); ``share_without_requests`` that
    share at 0 requests (probability mode). ``reason`` says what happened
    (:data:`GoalReason`).
    """

    requests_per_day: float | None
    reachable: bool
    reason: GoalReason
    expected_score: float | None
    threshold: float
    by: pd.Timestamp
    ceiling: float
    base_score: float
    invited_mean_stars: float
    response_rate: float
    paths: int
    max_requests_per_day: float
    already_met: bool = False
    probability: float | None = None
    achieved_probability: float | None = None
    share_without_requests: float | None = None
    requests_beyond_limit: float | None = None


@dataclass(frozen=True)
class AtDate:
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
        if self.score(0.0) >= t - SCORE_TOLERANCE:
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
        for root in positive_roots(*coefficients):
            # f turns non-negative at a root where S rises through t (or touches it).
            if self.score(root * (1 + 1e-9) + 1e-12) >= t - SCORE_TOLERANCE:
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


def positive_roots(a: float, b: float, c: float) -> list[float]:
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


def at_date(
    start: StartState,
    params: ScoreParams,
    h: int,
    rr: float,
    mu_inv: float,
    organic: float,
    mu_org: float,
) -> AtDate:
    decay, growth = (float(v) for v in decay_and_growth(float(h), params.half_life_days))
    return AtDate(
        stars=decay * start.decayed_stars + organic * mu_org * growth,
        weights=decay * start.effective_reviews + organic * growth,
        slope=rr * growth,
        mu_inv=mu_inv,
        params=params,
        count=start.reviews + organic * h,
        count_slope=rr * h,
        start_mean=start.weighted_mean,
    )


def normal_guess(
    at: AtDate,
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
    _, w2 = decay_and_growth(float(h), params.half_life_days / 2.0)
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
        variance = squares * float((x * per_request + base_rates) @ (STARS - centre) ** 2)
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
    inputs: ProjectionInputs,
    *,
    target: float | str,
    by: object,
    target_kind: TargetKind = "score",
    bands: LabelBands = DEFAULT_LABEL_BANDS,
    probability: float | None = None,
    as_of: object = None,
    max_requests_per_day: float = DEFAULT_MAX_REQUESTS_PER_DAY,
) -> GoalSeek:
    """The fewest requests a day (steps of 0.01) that reach ``target`` on date ``by``, at
    ``inputs``' response rate, star mixes, organic volume, model, paths and seed
    (``inputs.requests_per_day`` and ``horizon_days`` are not used).

    ``target`` is read as in :func:`scoring.display.target_threshold` with
    ``kind=target_kind``.

    In expectation (``probability=None``) the expected score on day h is ``S(x)`` of
    :class:`AtDate`: under "decayed-prior" ``(m mu + P + c mu_inv x) / (m + Q + c x)``,
    monotone in x (rising towards ``mu_inv`` when ``mu_inv > S(0)``, falling towards
    it otherwise), solved exactly as ``x = (t (m + Q) - m mu - P) / (c (mu_inv - t))``;
    under "trustpilot" a ratio of quadratics, solved as the smallest positive root of
    a quadratic (:meth:`AtDate.first_reaching`). Rounded up to 0.01. If ``S(0)``
    already reaches ``t`` the answer is 0; if no volume does, the reason says why.

    With a ``probability`` p: the smallest volume whose simulated share of paths at
    or above ``t`` on ``by`` is at least p, searched on the 0.01 grid with the same
    seed at every volume (common random numbers, so the share is monotone in
    practice): a normal approximation of the score gives a first guess, which is
    bracketed and then narrowed by interpolation and bisection, keeping
    share(low) < p <= share(high) until they are 0.01 apart. So the answer always
    satisfies share(x) >= p > share(x - 0.01), in about 6-12 simulations. The
    share at the answer equals ``project(...).probability_at_or_above(t, by)`` with
    the same inputs. A target the expected score cannot reach by ``by`` at any volume
    is reported unreachable in this mode too: a plan should not bet on luck.

    Volumes above ``max_requests_per_day`` count as unreachable (``above_limit``).
    """
    threshold = target_threshold(target, kind=target_kind, bands=bands)
    chance = validation.probability(probability)
    cap = validation.rate("max_requests_per_day", max_requests_per_day, MAX_RATE_PER_DAY)
    if cap <= 0:
        raise ParameterError("max_requests_per_day must be above 0.")
    params, paths, seed = inputs.params, inputs.paths, inputs.seed
    rr, invited, organic = inputs.response_rate, inputs.invited_mix, inputs.organic_mix
    organic_rate = inputs.organic_per_day
    start = start_state(reviews, as_of, params)
    h, day = days_until(by, start.as_of)
    if chance is not None and paths * h > MAX_SIMULATED_CELLS:
        raise ParameterError(
            f"paths x days until by must be at most {MAX_SIMULATED_CELLS:,}; got {paths * h:,}."
        )
    mu_inv = inputs.invited_mean_stars
    at = at_date(start, params, h, rr, mu_inv, organic_rate, inputs.organic_mean_stars)
    base = at.score(0.0)
    ceiling = at.ceiling(cap)

    def result(reason: GoalReason, x: float | None = None, **extra: object) -> GoalSeek:
        return GoalSeek(
            requests_per_day=x, reachable=x is not None, reason=reason,
            expected_score=None if x is None else at.score(x), threshold=threshold, by=day,
            ceiling=ceiling, base_score=base, invited_mean_stars=mu_inv, response_rate=rr,
            paths=paths, max_requests_per_day=cap, probability=chance,
            **extra,  # type: ignore[arg-type]
        )

    def share_at(x: float) -> float:
        arrivals = Arrivals(x * rr, invited, organic_rate, organic)
        final = simulate(start, params, arrivals, days=h, paths=paths, seed=seed, record=False,
                         uncertainty=inputs.uncertainty)
        return float(np.mean(final.scores[0] >= threshold - SCORE_TOLERANCE))

    share0: float | None = None
    if chance is not None:
        share0 = share_at(0.0)
        if share0 >= chance:
            return result("already_met", 0.0, already_met=True, achieved_probability=share0,
                          share_without_requests=share0)
    elif base >= threshold - SCORE_TOLERANCE:
        return result("already_met", 0.0, already_met=True)

    exact = at.first_reaching(threshold) if at.slope > 0 else None
    if exact is None:
        if at.slope == 0:
            reason: GoalReason = "no_responses"
        elif ceiling > max(base, mu_inv) + SCORE_TOLERANCE:
            reason = "peaks_below"
        elif mu_inv >= base:
            reason = "invited_too_low"
        else:
            reason = "invited_pull_down"
        return result(reason, share_without_requests=share0)

    cents = _grid_volume(at, exact, threshold)
    if cents is None:
        return result("touches_only", share_without_requests=share0)
    cap_cents = math.floor(cap * 100.0)
    if chance is None:
        if cents > cap_cents:
            return result("above_limit", requests_beyond_limit=cents / 100.0)
        return result("found", cents / 100.0)
    found = _search_probability(at, share_at, chance, share0 or 0.0, cap_cents, paths, h,
                                params, inputs, threshold, cap)
    if found is None:
        return result("above_limit", share_without_requests=share0,
                      achieved_probability=share_at(cap_cents / 100.0))
    volume, share = found
    return result("found", volume, achieved_probability=share, share_without_requests=share0)


def _grid_volume(at: AtDate, exact: float, threshold: float) -> int | None:
    """The exact root rounded up to the 0.01 grid, in cents (None when the expected
    score only touches the target and no grid step is at or above it)."""
    cents = math.ceil(exact * 100.0)
    for _ in range(GRID_STEPS):
        if at.score(cents / 100.0) >= threshold - SCORE_TOLERANCE:
            break
        cents += 1
    else:
        return None
    while cents and at.score((cents - 1) / 100.0) >= threshold - SCORE_TOLERANCE:
        cents -= 1
    return cents


def _search_probability(
    at: AtDate, share: Callable[[float], float], chance: float, share0: float, cap_cents: int,
    paths: int,
    h: int, params: ScoreParams, inputs: ProjectionInputs, threshold: float, cap: float,
) -> tuple[float, float] | None:
    """The smallest volume (and its share) on the 0.01 grid whose simulated share of
    paths reaches ``chance``, keeping share(low) < chance <= share(high); None when
    even the cap falls short. Starts from a normal approximation, brackets it, then
    narrows the bracket by interpolation (bisection when that stalls)."""
    guess = min(
        max(
            normal_guess(
                at, chance, paths, h, params, inputs.response_rate, inputs.invited_mix,
                inputs.organic_per_day, inputs.organic_mix, threshold, cap,
            ),
            1,
        ),
        cap_cents,
    )
    step = max(1, round(0.02 * guess))
    low, share_low = 0, share0
    share_guess = share(guess / 100.0)
    if share_guess >= chance:
        high, share_high = guess, share_guess
        while high - step > low:
            probe = high - step
            share_probe = share(probe / 100.0)
            if share_probe < chance:
                low, share_low = probe, share_probe
                break
            high, share_high = probe, share_probe
            step *= 2
    else:
        low, share_low = guess, share_guess
        while True:
            if low >= cap_cents:
                return None
            probe = min(low + step, cap_cents)
            share_probe = share(probe / 100.0)
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
        share_middle = share(middle / 100.0)
        if share_middle >= chance:
            high, share_high = middle, share_middle
        else:
            low, share_low = middle, share_middle
        interpolate = (high - low) <= width / 2
    return high / 100.0, share_high


def date_reached(
    reviews: pd.DataFrame,
    inputs: ProjectionInputs,
    *,
    target: float | str,
    target_kind: TargetKind = "score",
    bands: LabelBands = DEFAULT_LABEL_BANDS,
    as_of: object = None,
    horizon_days: int = 730,
) -> pd.Timestamp | None:
    """The first date on which the expected score is at or above the target (None if none),
    at ``inputs``' volumes and mixes.

    Looks at days 1..horizon_days of the expected path
    (:func:`~scoring.projection.closed_form.expected_path`); ``target`` is read as in
    :func:`scoring.display.target_threshold` with ``kind=target_kind``.
    """
    threshold = target_threshold(target, kind=target_kind, bands=bands)
    days = validation.whole("horizon_days", horizon_days, 1, MAX_HORIZON_DAYS)
    start = start_state(reviews, as_of, inputs.params)
    path = expected_frame(start, inputs.params, inputs.arrivals_per_day,
                          inputs.mean_new_stars or 0.0, days)["score"]
    hits = np.flatnonzero(path.to_numpy() >= threshold - SCORE_TOLERANCE)
    return None if len(hits) == 0 else pd.Timestamp(path.index[hits[0]])
