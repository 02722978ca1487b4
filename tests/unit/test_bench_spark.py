"""benchmarks/bench_spark.py on a tiny size: every engine runs and agrees with pandas.

Skipped like tests/unit/test_spark.py when Spark cannot run (required in CI).
"""

from __future__ import annotations

import pytest

from tests.unit.test_spark import REQUIRED, spark_missing


def test_bench_spark_run_measures_every_engine(tmp_path: object) -> None:
    reason = spark_missing()
    if reason is not None:
        if REQUIRED:
            pytest.fail(f"TRUSTLENS_REQUIRE_SPARK=1 but {reason}")
        pytest.skip(f"Spark benchmark test skipped: {reason}")
    from benchmarks.bench_spark import ENGINES, run

    result = run(rows=(5_000,), repeats=1, workdir=str(tmp_path))
    [size] = result["sizes"]  # type: ignore[misc]
    assert size["rows"] == 5_000 and size["companies"] == 50
    engines = size["engines"]
    assert set(engines) == set(ENGINES)
    for name, data in engines.items():
        assert data["groups"] == 50, name
        assert data["rows_per_s"] > 0 and len(data["times_s"]) == 1
        assert data["python_peak_mb"] > 0
        if name != "pandas":
            assert data["max_abs_diff_vs_pandas"] <= 1e-9, name
    assert engines["spark"]["jvm_peak_mb"] > 0  # the JVM's own peak is counted
    assert engines["spark"]["shuffle_write_bytes_per_run"] > 0
    assert engines["pandas"]["jvm_peak_mb"] == 0
