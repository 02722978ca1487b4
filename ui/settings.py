"""The model settings a session views the data with (half-life, prior, clock)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import scoring


@dataclass(frozen=True)
class ModelSettings:
    """Parameters of the score as the user has set them (the model page's defaults)."""

    half_life_days: float = scoring.DEFAULT_HALF_LIFE_DAYS
    prior_count: float = scoring.DEFAULT_PRIOR_COUNT
    prior_mean: float = scoring.DEFAULT_PRIOR_MEAN
    clock: str = "live"

    def score_kwargs(self) -> dict[str, float]:
        """Keyword arguments for ``scoring`` functions."""
        params = asdict(self)
        params.pop("clock")
        return params

    def describe(self) -> str:
        """The assumptions in one line, printed under every view and export."""
        half_life = (
            "no decay" if math.isinf(self.half_life_days)
            else f"half-life {self.half_life_days:g} days"
        )
        clock = "live clock" if self.clock == "live" else "as displayed (review clock)"
        return f"{half_life}, prior {self.prior_count:g} reviews at {self.prior_mean:g}★, {clock}"
