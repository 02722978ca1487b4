"""The command-line benchmark runs, tiny (one repeat), and reports what it measured."""

from __future__ import annotations

from benchmarks import bench_cli


def test_bench_cli_times_trustlens_score_on_the_demo_data() -> None:
    result = bench_cli.run(repeats=1)
    process, inside = result["new_process"], result["in_process"]
    assert isinstance(process, dict) and isinstance(inside, dict)
    assert process["runs"] == 1 and inside["runs"] == 1
    assert inside["median_s"] > 0 and process["median_s"] > 0
    # Every demo review counts and is scored once, in its location's row.
    assert result["reviews"] == 14_891 and result["groups"] == 3
    assert result["within_target"] == (process["median_s"] <= bench_cli.TARGET_S)
    load = result["load_average_1min"]
    assert isinstance(load, dict) and set(load) == {"before", "after"}
