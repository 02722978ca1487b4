"""The deck benchmark runs, tiny (one repeat), and reports what it measured."""

from __future__ import annotations

from benchmarks import bench_deck


def test_bench_deck_runs_and_reports_the_demo_deck() -> None:
    result = bench_deck.run(repeats=1)
    build, write_only = result["build"], result["write_only"]
    assert isinstance(build, dict) and isinstance(write_only, dict)
    assert build["runs"] == 1 and write_only["runs"] == 1
    assert write_only["median_s"] > 0
    assert isinstance(result["slides"], int) and result["slides"] == 8
    assert isinstance(result["charts"], int) and result["charts"] == 6
    assert isinstance(result["bytes"], int) and result["bytes"] > 10_000
    cold = result["cold_s"]
    assert isinstance(cold, float) and cold > 0
    after = result["after_overview_s"]
    assert isinstance(after, float) and after > 0
    assert result["within_target"] == (max(after, build["median_s"]) <= bench_deck.TARGET_S)
    load = result["load_average_1min"]
    assert isinstance(load, dict) and set(load) == {"before", "after"}
