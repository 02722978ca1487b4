"""The model settings a session views the data with (model form, half-life, prior, clock)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import scoring

MODEL_NAMES = {"trustpilot": "Trustpilot", "decayed-prior": "Decayed prior"}
"""How the two model forms are named in the interface."""


@dataclass(frozen=True)
class ModelSettings:
    """Parameters of the score as the user has set them (the model page's defaults).

    ``clock`` matters under the "decayed-prior" form only: under "trustpilot" the
    live and displayed scores are the same numbers.
    """

    half_life_days: float = scoring.DEFAULT_HALF_LIFE_DAYS
    prior_count: float = scoring.DEFAULT_PRIOR_COUNT
    prior_mean: float = scoring.DEFAULT_PRIOR_MEAN
    clock: str = "live"
    model: str = scoring.DEFAULT_MODEL

    @property
    def params(self) -> scoring.ScoreParams:
        """The engine's parameter object for these settings."""
        return scoring.ScoreParams(self.half_life_days, self.prior_count, self.prior_mean,
                                   self.model)  # type: ignore[arg-type]

    @property
    def is_trustpilot(self) -> bool:
        """Whether the fitted form is in use (one clock)."""
        return self.model == "trustpilot"

    @property
    def shown_clock(self) -> str:
        """The clock the numbers are on: "live" or "displayed" (always "displayed"
        under the fitted form, where the two coincide)."""
        return "displayed" if self.is_trustpilot else self.clock

    def other_model(self) -> ModelSettings:
        """The same settings under the other model form (for a comparison line)."""
        other = "decayed-prior" if self.is_trustpilot else "trustpilot"
        return replace(self, model=other)

    def describe(self) -> str:
        """The assumptions in one line, printed under every view and export."""
        half_life = (
            "no decay" if math.isinf(self.half_life_days)
            else f"half-life {self.half_life_days:g} days"
        )
        parts = ["Trustpilot model" if self.is_trustpilot else "decayed-prior model", half_life,
                 f"prior {self.prior_count:g} reviews at {self.prior_mean:g}★"]
        if not self.is_trustpilot:
            parts.append("live clock" if self.clock == "live" else "as displayed (review clock)")
        return ", ".join(parts)
