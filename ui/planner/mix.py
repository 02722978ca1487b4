"""Star mixes two ways: the whole percentages a user types, the shares the engine takes
(no streamlit)."""

from __future__ import annotations

import math
from collections.abc import Sequence

EVEN_PERCENT = (20, 20, 20, 20, 20)


def percent_mix(mix: Sequence[float]) -> tuple[int, int, int, int, int]:
    """Shares as whole percentages that add up to exactly 100 (largest remainder);
    an empty or all-zero mix gives 20% each."""
    raw = [max(0.0, float(x)) * 100.0 for x in mix]
    total = sum(raw)
    if total <= 0:
        return EVEN_PERCENT
    raw = [x * 100.0 / total for x in raw]
    floors = [math.floor(x) for x in raw]
    order = sorted(range(5), key=lambda k: raw[k] - floors[k], reverse=True)
    for k in order[: 100 - sum(floors)]:
        floors[k] += 1
    return (floors[0], floors[1], floors[2], floors[3], floors[4])


def normalise_mix(percentages: Sequence[float], what: str) -> tuple[tuple[float, ...], str]:
    """Five percentages as shares that sum to 1, and a message when they had to be
    rescaled ("" when they already sum to 100). All zero: an even mix, said so.

    ``what`` names the mix in the message ("invited star mix").
    """
    total = float(sum(percentages))
    if total <= 0:
        return (0.2,) * 5, f"The {what} is all zero: an even mix (20% each) is used instead."
    shares = tuple(float(p) / total for p in percentages)
    if abs(total - 100.0) < 1e-9:
        return shares, ""
    scaled = ", ".join(f"{k}★ {100 * s:.1f}%" for k, s in enumerate(shares, start=1))
    return shares, (
        f"The {what} adds up to {total:g}%, not 100%: it has been scaled to 100% "
        f"({scaled})."
    )
