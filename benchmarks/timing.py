"""Wall-clock timing for the benchmarks: repeated runs, medians, a time cap."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """The wall times of the repeated runs of one measurement, in seconds."""

    times_s: tuple[float, ...]

    @property
    def runs(self) -> int:
        return len(self.times_s)

    @property
    def median_s(self) -> float:
        return statistics.median(self.times_s)

    @property
    def min_s(self) -> float:
        return min(self.times_s)

    @property
    def max_s(self) -> float:
        return max(self.times_s)

    def as_dict(self) -> dict[str, object]:
        return {
            "median_s": self.median_s,
            "min_s": self.min_s,
            "max_s": self.max_s,
            "runs": self.runs,
            "times_s": list(self.times_s),
        }


def measure(
    call: Callable[[], object],
    repeats: int,
    *,
    warmup: int = 1,
    cap_s: float | None = None,
) -> Timing:
    """Time ``call`` ``repeats`` times after ``warmup`` untimed calls.

    A garbage collection runs (untimed) before each call. With ``cap_s``, runs stop
    once their total passes it (at least one run is always made), so the slowest
    items can report fewer runs: :attr:`Timing.runs` says how many there were.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats!r}.")
    for _ in range(warmup):
        call()
    times: list[float] = []
    for _ in range(repeats):
        gc.collect()
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
        if cap_s is not None and sum(times) > cap_s:
            break
    return Timing(tuple(times))


def seconds_text(seconds: float) -> str:
    """A duration as people read it: ``412 ms``, ``3.6 ms``, ``1.24 s``, ``95 s``."""
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    return f"{seconds:.0f} s"
