"""The Spark engine (scoring.spark) against the pandas path, in Spark's local mode.

Skipped when pyspark or a Java runtime is missing, unless TRUSTLENS_REQUIRE_SPARK=1
(set by .ci/run), where a missing Spark fails the run instead. One local[1] session
serves the whole module and is stopped at its end.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scoring.errors import ParameterError, ReviewDataError
from scoring.groups import score_series_by, score_table
from tests.unit.test_groups import AS_OF, MODELS, TOL, random_reviews
from tests.unit.test_sql import assert_same_tables, sql_ready, write_parquet_parts

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("TRUSTLENS_REQUIRE_SPARK") == "1"


def spark_missing() -> str | None:
    """Why Spark cannot run here (None when it can)."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -r requirements-spark.txt)"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    reason = spark_missing()
    if reason is not None:
        if REQUIRED:
            pytest.fail(f"TRUSTLENS_REQUIRE_SPARK=1 but {reason}")
        pytest.skip(f"Spark tests skipped: {reason}")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("trustlens-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return random_reviews()


@pytest.fixture(scope="module")
def whole(reviews: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One Parquet file with every column (``ghost``'s reviews do not count)."""
    path = tmp_path_factory.mktemp("spark-whole") / "reviews.parquet"
    reviews.to_parquet(path, index=False)
    return str(path)


@pytest.fixture(scope="module")
def parquet(reviews: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Three Parquet files (the last without ``counts``); see ``sql_ready``."""
    return write_parquet_parts(reviews, tmp_path_factory.mktemp("spark-parquet"))


def assert_same_series(spark_series: pd.DataFrame, pandas_series: pd.DataFrame) -> None:
    assert list(spark_series.columns) == list(pandas_series.columns)
    assert len(spark_series) == len(pandas_series)
    pd.testing.assert_frame_equal(
        spark_series.reset_index(drop=True),
        pandas_series.reset_index(drop=True),
        check_exact=False,
        rtol=0,
        atol=TOL,
        check_dtype=False,
    )
    for column in ("reviews", "new_reviews"):
        assert spark_series[column].dtype == "int64"


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("half_life_days", [182.5, 0.01, math.inf])
def test_table_equals_pandas(
    spark: Any, reviews: pd.DataFrame, parquet: str, half_life_days: float, model: str
) -> None:
    from scoring.spark import score_table_spark

    got = score_table_spark(spark, parquet, "company", as_of=AS_OF,
                            half_life_days=half_life_days, model=model)
    want = score_table(sql_ready(reviews), "company", as_of=AS_OF,
                       half_life_days=half_life_days, model=model)
    assert_same_tables(got, want)


@pytest.mark.parametrize("model", MODELS)
def test_table_by_two_columns_from_a_dataframe(
    spark: Any, reviews: pd.DataFrame, whole: str, model: str
) -> None:
    from scoring.spark import score_table_spark

    frame = spark.read.parquet(whole)  # micro-second timestamps, a Spark DataFrame
    by = ["company", "location"]
    got = score_table_spark(spark, frame, by, as_of=AS_OF, model=model, prior_count=2.0,
                            prior_mean=4.0, change_days=45)
    want = score_table(reviews, by, as_of=AS_OF, model=model, prior_count=2.0,
                       prior_mean=4.0, change_days=45)
    assert_same_tables(got, want)
    # A group whose reviews do not count is still a row, scoring the prior mean;
    # one with reviews only after as_of too.
    for name in ("ghost", "future"):
        row = got.xs(name, level="company").iloc[0]
        assert row["reviews"] == 0 and row["score"] == pytest.approx(4.0)
        assert pd.isna(row["last_review_at"])


def test_table_default_as_of_and_nanosecond_times(
    spark: Any, reviews: pd.DataFrame, tmp_path: Path
) -> None:
    from scoring.spark import score_table_spark

    frame = reviews.drop(columns="counts")
    frame["created_at"] = frame["created_at"].dt.as_unit("ns") + pd.to_timedelta(
        np.arange(len(frame)) % 997, unit="ns"
    )
    frame.to_parquet(tmp_path / "ns.parquet", index=False)
    got = score_table_spark(spark, [tmp_path / "ns.parquet"], "company")
    want = score_table(frame, "company")
    assert_same_tables(got, want)
    newest = frame["created_at"].max()
    assert got["last_review_at"].max() == newest  # ns digits survive


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("half_life_days", [182.5, math.inf])
def test_series_equals_pandas(
    spark: Any, reviews: pd.DataFrame, parquet: str, half_life_days: float, model: str
) -> None:
    from scoring.spark import score_series_by_spark

    got = score_series_by_spark(spark, parquet, "company", freq="M",
                                half_life_days=half_life_days, model=model)
    want = score_series_by(sql_ready(reviews), "company", freq="M",
                           half_life_days=half_life_days, model=model)
    assert_same_series(got, want)


@pytest.mark.parametrize("model", MODELS)
def test_series_weekly_window_two_columns_short_half_life(
    spark: Any, reviews: pd.DataFrame, parquet: str, model: str
) -> None:
    """A start after the first review (older reviews enter the first period's sums),
    an end before the last, Monday weeks, a 3-day half-life, two group columns."""
    from scoring.spark import score_series_by_spark

    by = ["company", "location"]
    options: dict[str, Any] = {"freq": "W", "start": "2023-11-15", "end": "2024-06-30",
                               "half_life_days": 3.0, "prior_count": 0.0, "model": model}
    got = score_series_by_spark(spark, parquet, by, **options)
    want = score_series_by(sql_ready(reviews), by, **options)
    assert_same_series(got, want)


def test_series_quarters_years_and_a_group_that_never_counts(
    spark: Any, reviews: pd.DataFrame, whole: str
) -> None:
    from scoring.spark import score_series_by_spark

    for freq in ("Q", "Y"):
        got = score_series_by_spark(spark, whole, "company", freq=freq)
        want = score_series_by(reviews, "company", freq=freq)
        assert_same_series(got, want)
        ghost = got[got["company"] == "ghost"]
        assert len(ghost) > 0 and (ghost["reviews"] == 0).all()
        assert np.allclose(ghost["score"], 3.5)


def test_refusals(spark: Any, parquet: str, tmp_path: Path) -> None:
    from scoring.spark import score_series_by_spark, score_table_spark

    with pytest.raises(ReviewDataError, match="no 'shop' column"):
        score_table_spark(spark, parquet, "shop", as_of=AS_OF)
    with pytest.raises(ParameterError, match="half-lives"):
        score_series_by_spark(spark, parquet, "company", freq="M", half_life_days=0.5)
    with pytest.raises(ParameterError, match="live clock"):
        score_series_by_spark(spark, parquet, "company", freq="M", model="decayed-prior",
                              clock="displayed")
    empty = pd.DataFrame({"created_at": pd.Series(dtype="datetime64[us, UTC]"),
                          "rating": pd.Series(dtype="int64"),
                          "company": pd.Series(dtype="str")})
    empty.to_parquet(tmp_path / "empty.parquet", index=False)
    table = score_table_spark(spark, str(tmp_path / "empty.parquet"))
    assert table.empty and table.index.name == "company"
    with pytest.raises(ReviewDataError, match="no counted reviews"):
        score_series_by_spark(spark, str(tmp_path / "empty.parquet"), freq="M")


def test_main_writes_parquet_for_spark_submit(
    spark: Any, reviews: pd.DataFrame, parquet: str, tmp_path: Path
) -> None:
    from scoring.spark import main

    out = tmp_path / "scores.parquet"
    code = main(["score", parquet, "--by", "company,location", "--as-of", str(AS_OF),
                 "--model", "decayed-prior", "--half-life", "90", "--out", str(out)])
    assert code == 0
    written = pd.read_parquet(out)
    assert (np.diff(written["score"].to_numpy()) <= 0).all()  # ordered by score
    keys = ["company", "location"]
    want = score_table(sql_ready(reviews), keys, as_of=AS_OF, model="decayed-prior",
                       half_life_days=90.0).reset_index()
    got, want = (frame.sort_values(keys, na_position="last").reset_index(drop=True)
                 for frame in (written, want))
    assert got[keys].astype(str).equals(want[keys].astype(str))
    for column in ("score", "display_score", "stars", "reviews", "effective_reviews",
                   "score_change"):
        np.testing.assert_allclose(got[column].to_numpy(dtype="float64"),
                                   want[column].to_numpy(dtype="float64"), rtol=0, atol=TOL)
    assert (got["label"].to_numpy() == want["label"].to_numpy()).all()
    assert str(got["last_review_at"].dt.tz) == "UTC"
    counted = want["reviews"] > 0
    assert (got.loc[counted, "last_review_at"] == want.loc[counted, "last_review_at"]).all()
    assert got.loc[~counted, "last_review_at"].isna().all()
    assert main(["score", parquet, "--by", "shop", "--out", str(tmp_path / "x")]) == 2


def test_help_and_import_need_no_spark() -> None:
    """``scoring`` imports without pyspark; ``--help`` shows the spark-submit example."""
    code = ("import sys, scoring, scoring.spark; "
            "sys.exit(1 if 'pyspark' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
    shown = subprocess.run([sys.executable, "-m", "scoring.spark", "score", "--help"],
                           cwd=ROOT, capture_output=True, text=True, check=True)
    assert "--as-of" in shown.stdout and "--out" in shown.stdout
    top = subprocess.run([sys.executable, "-m", "scoring.spark", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert "spark-submit" in top.stdout


def test_the_command_line_scores_with_spark(spark: Any, tmp_path: Path) -> None:
    """`trustlens score --engine spark` on the demo export (imported, written to Parquet,
    scored in the running session) equals the pandas path to 1e-9; so does `series`."""
    import scoring
    from tests.unit.test_cli import DEMO, assert_same_table, invoke

    demo = scoring.load_reviews(DEMO).reviews
    out = tmp_path / "scores.parquet"
    result = invoke("score", str(DEMO), "--by", "location", "--engine", "spark",
                    "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert_same_table(pd.read_parquet(out), score_table(demo, "location"), ["location"])
    series_out = tmp_path / "series.parquet"
    result = invoke("series", str(DEMO), "--by", "location", "--freq", "M", "--engine",
                    "spark", "--out", str(series_out), "--quiet")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    got = pd.read_parquet(series_out)
    want = score_series_by(demo, "location", freq="M")
    assert len(got) == len(want)
    merged = got.merge(want, on=["location", "period"], suffixes=("", "_pandas"))
    assert len(merged) == len(want)
    assert np.allclose(merged["score"], merged["score_pandas"], rtol=0, atol=TOL)
