"""The inputs of a projection, validated once: volumes, response rate, star mixes, model.

New reviews arrive at a constant expected rate per day, from two sources:

- invited: ``requests_per_day * response_rate`` a day, stars drawn from ``invited_mix``;
- organic: ``organic_per_day`` a day, stars drawn from ``organic_mix``.

A star mix is five shares for 1..5 stars that sum to 1 (:func:`scoring.validation.star_mix`).
The score model (half-life, prior, form) travels as one :class:`~scoring.model.ScoreParams`,
and how much more than Poisson arrivals the paths vary as one
:class:`~scoring.projection.uncertainty.Uncertainty` (default: plain Poisson, known mixes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scoring import validation
from scoring.errors import ParameterError
from scoring.model import ScoreParams
from scoring.projection.uncertainty import Uncertainty
from scoring.validation import MixLike, StarMix

MAX_HORIZON_DAYS = 3660
"""The longest projection: ten years (the UI offers 1..24 months)."""
MAX_RATE_PER_DAY = 1_000_000.0
"""The largest request or organic volume accepted, per day."""
MAX_SIMULATED_CELLS = 10_000_000
"""paths x horizon_days may not exceed this (the score paths are kept: 80 MB)."""
DEFAULT_PATHS = 2000
DEFAULT_PERCENTILES: tuple[float, ...] = (10, 25, 50, 75, 90)
STARS = np.arange(1.0, 6.0)
"""The star values 1..5, for means of mixes."""


def mix_mean(mix: MixLike) -> float:
    """The mean stars of a star mix: ``sum_k k * mix[k]``."""
    return float(STARS @ np.asarray(validation.star_mix(mix)))


@dataclass(frozen=True)
class ProjectionInputs:
    """What a projection assumes, validated and normalised once.

    Rates are per day; ``response_rate`` is a share (0..1); mixes are five shares for
    1..5 stars; ``params`` the score model; ``uncertainty`` the day-to-day overdispersion
    and star-mix uncertainty of the simulated paths. With ``r = invited_per_day +
    organic_per_day`` and ``mu_new`` the rate-weighted mean stars of a new review.
    """

    horizon_days: int
    requests_per_day: float
    response_rate: float
    invited_mix: StarMix
    organic_per_day: float
    organic_mix: StarMix
    params: ScoreParams = field(default_factory=ScoreParams)
    paths: int = DEFAULT_PATHS
    seed: int = 0
    percentiles: tuple[float, ...] = DEFAULT_PERCENTILES
    uncertainty: Uncertainty = field(default_factory=Uncertainty)

    def __post_init__(self) -> None:
        horizon = validation.whole("horizon_days", self.horizon_days, 1, MAX_HORIZON_DAYS)
        paths = validation.whole("paths", self.paths, 1, MAX_SIMULATED_CELLS)
        if paths * horizon > MAX_SIMULATED_CELLS:
            raise ParameterError(
                f"paths x horizon_days must be at most {MAX_SIMULATED_CELLS:,}; "
                f"{paths:,} paths x {horizon:,} days is {paths * horizon:,}."
            )
        if not isinstance(self.params, ScoreParams):
            raise ParameterError(f"params must be a ScoreParams, got {self.params!r}.")
        if not isinstance(self.uncertainty, Uncertainty):
            raise ParameterError(
                f"uncertainty must be an Uncertainty (scoring.Uncertainty(), or "
                f"scoring.fit_uncertainty(reviews)), got {self.uncertainty!r}."
            )
        values = {
            "horizon_days": horizon,
            "requests_per_day": validation.rate("requests_per_day", self.requests_per_day,
                                                MAX_RATE_PER_DAY),
            "response_rate": validation.share("response_rate", self.response_rate),
            "invited_mix": validation.star_mix(self.invited_mix, "invited_mix"),
            "organic_per_day": validation.rate("organic_per_day", self.organic_per_day,
                                               MAX_RATE_PER_DAY),
            "organic_mix": validation.star_mix(self.organic_mix, "organic_mix"),
            "paths": paths,
            "seed": validation.whole("seed", self.seed, 0, 2**63 - 1),
            "percentiles": validation.percentiles(self.percentiles),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

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
        """``mu_inv``, the invited mix's mean stars."""
        return mix_mean(self.invited_mix)

    @property
    def organic_mean_stars(self) -> float:
        """``mu_org``, the organic mix's mean stars."""
        return mix_mean(self.organic_mix)

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
