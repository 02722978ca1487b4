"""The Portfolio benchmark runs end to end on a tiny portfolio (its timings are not
asserted: they belong to the benchmark report, not to unit tests)."""

from __future__ import annotations

from benchmarks import bench_portfolio


def test_the_portfolio_benchmark_times_reruns_after_the_first_load() -> None:
    reviews = bench_portfolio.portfolio_reviews(30, 5)
    assert len(reviews) == 150
    assert (reviews["location"].value_counts() == 5).all()
    result = bench_portfolio.run(40, 10, reruns=3, engine_repeats=1)
    assert result["groups"] == 40 and result["rows"] == 400
    times = result["rerun_times_s"]
    assert isinstance(times, list) and len(times) == 3 and all(t > 0 for t in times)
    assert result["changes"] == ["search='Location 00'", "horizon=60", "labels=[]"]
    assert result["rerun_max_s"] == max(times)
    assert result["target_s"] == 2.0 and isinstance(result["met"], bool)
    engine = result["engine"]
    assert isinstance(engine, dict) and set(engine) == {
        "portfolio_table", "sparklines", "reply_figures", "at_risk_90_days"}
