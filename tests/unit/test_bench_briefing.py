"""The briefing benchmark runs end to end on a tiny dataset (its numbers are not
asserted: timings belong to the benchmark report, not to unit tests)."""

from __future__ import annotations

from benchmarks import bench_briefing


def test_the_briefing_benchmark_measures_both_kinds_of_rerun() -> None:
    result = bench_briefing.run(2000, 2)
    assert result["rows"] == 2000
    assert result["sentences"] >= 3  # the briefing was on the page it measured
    for kind in ("with_briefing", "without_briefing", "compute"):
        timing = result[kind]
        assert isinstance(timing, dict) and timing["runs"] == 2
        assert all(t > 0 for t in timing["times_s"])
    assert result["added_s"] == (result["with_briefing"]["median_s"]  # type: ignore[index]
                                 - result["without_briefing"]["median_s"])  # type: ignore[index]
    assert result["added_min_s"] == (result["with_briefing"]["min_s"]  # type: ignore[index]
                                     - result["without_briefing"]["min_s"])  # type: ignore[index]
    assert result["target_added_s"] == 0.3
    assert isinstance(result["met"], bool)
