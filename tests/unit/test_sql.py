"""The score table as SQL (DuckDB over Parquet) against the pandas path, and its safety."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring.groups import score_table
from scoring.sql import quote_identifier, score_table_query, score_table_sql
from tests.unit.test_groups import AS_OF, CHANGE_DAYS, MODELS, TOL, random_reviews


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return random_reviews()


def write_parquet_parts(reviews: pd.DataFrame, folder: Path, *, naive: bool = False) -> str:
    """Write ``reviews`` as three Parquet files; the last one without a counts column.

    Returns the glob. The rows of the last file must count (their ``counts`` is True).
    """
    folder.mkdir(parents=True, exist_ok=True)
    frame = reviews.copy()
    if naive:
        frame["created_at"] = frame["created_at"].dt.tz_convert(None)
    parts = np.array_split(np.arange(len(frame)), 3)
    for number, rows in enumerate(parts):
        part = frame.iloc[rows]
        if number == 2:
            part = part.drop(columns="counts")
        part.to_parquet(folder / f"part-{number}.parquet", index=False)
    return str(folder / "*.parquet")


def sql_ready(reviews: pd.DataFrame) -> pd.DataFrame:
    """``reviews`` with the rows of the counts-less third file marked as counting."""
    frame = reviews.copy()
    last = np.array_split(np.arange(len(frame)), 3)[2]
    frame.loc[frame.index[last], "counts"] = True
    return frame


def assert_same_tables(sql: pd.DataFrame, pandas: pd.DataFrame) -> None:
    assert list(sql.columns) == list(pandas.columns)
    assert (np.diff(sql["score"].to_numpy()) <= 0).all()
    pd.testing.assert_frame_equal(
        sql.sort_index(),
        pandas.sort_index(),
        check_exact=False,
        rtol=0,
        atol=TOL,
        check_index_type=False,
    )


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("half_life_days", [182.5, 3.0, 0.01, math.inf])
@pytest.mark.parametrize("by", ["company", ["company", "location"]])
def test_sql_equals_pandas(
    reviews: pd.DataFrame, tmp_path: Path, half_life_days: float, by: str | list[str],
    model: str,
) -> None:
    frame = sql_ready(reviews)
    glob = write_parquet_parts(reviews, tmp_path)
    sql = score_table_sql(glob, by=by, as_of=AS_OF, half_life_days=half_life_days, model=model)
    pandas = score_table(frame, by, as_of=AS_OF, half_life_days=half_life_days, model=model)
    assert_same_tables(sql, pandas)


def test_sql_default_as_of_naive_timestamps_and_file_list(
    reviews: pd.DataFrame, tmp_path: Path
) -> None:
    frame = sql_ready(reviews)
    glob = write_parquet_parts(reviews, tmp_path, naive=True)
    pandas = score_table(frame, prior_count=2.0, prior_mean=4.0, change_days=45)
    sql = score_table_sql(glob, prior_count=2.0, prior_mean=4.0, change_days=45)
    assert_same_tables(sql, pandas)
    files = sorted(str(path) for path in tmp_path.glob("*.parquet"))
    listed = score_table_sql(files, prior_count=2.0, prior_mean=4.0, change_days=45)
    assert_same_tables(listed, pandas)


def test_sql_without_any_counts_column(reviews: pd.DataFrame, tmp_path: Path) -> None:
    frame = reviews.drop(columns="counts")
    frame.iloc[:700].to_parquet(tmp_path / "a.parquet")
    frame.iloc[700:].to_parquet(tmp_path / "b.parquet")
    sql = score_table_sql(str(tmp_path / "*.parquet"), as_of=AS_OF)
    assert_same_tables(sql, score_table(frame, as_of=AS_OF))


def test_sql_with_a_callers_connection(reviews: pd.DataFrame, tmp_path: Path) -> None:
    import duckdb

    glob = write_parquet_parts(reviews, tmp_path)
    con = duckdb.connect(str(tmp_path / "scores.duckdb"))
    try:
        con.execute("SET threads = 1")
        sql = score_table_sql(glob, as_of=AS_OF, con=con)
        assert con.execute("SELECT 1").fetchone() == (1,)  # still open
    finally:
        con.close()
    assert_same_tables(sql, score_table(sql_ready(reviews), as_of=AS_OF))


def test_query_passes_every_value_as_a_parameter(tmp_path: Path) -> None:
    glob = str(tmp_path / "x'); DROP TABLE t; --" / "*.parquet")
    sql, params = score_table_query(glob, as_of=AS_OF, half_life_days=123.25,
                                    prior_count=6.5, prior_mean=3.75)
    assert params[0] == glob
    assert glob not in sql and "DROP" not in sql
    assert params[1:] == [
        AS_OF.value,
        AS_OF.value - pd.Timedelta(days=CHANGE_DAYS).value,
        123.25,
        6.5,
        3.75,
        True,
    ]
    for value in ("123.25", "6.5", "3.75", str(AS_OF.value), "2024"):
        assert value not in sql
    assert "read_parquet($1" in sql


@pytest.mark.parametrize(
    "bad",
    [
        "company; DROP TABLE x",
        'company" , 1 AS "x',
        "company name",
        "1company",
        "",
        "compañía",
        "company--",
        ["company", "location; SELECT 1"],
    ],
)
def test_sql_refuses_bad_identifiers(bad: str | list[str], tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        score_table_query("reviews/*.parquet", by=bad, as_of=AS_OF)
    with pytest.raises(ValueError):
        score_table_sql(str(tmp_path / "none-*.parquet"), by=bad, as_of=AS_OF)


def test_quote_identifier() -> None:
    assert quote_identifier("company") == '"company"'
    assert quote_identifier("_loc_2") == '"_loc_2"'
    with pytest.raises(ValueError):
        quote_identifier('a"b')


def test_sql_reports_a_missing_column(reviews: pd.DataFrame, tmp_path: Path) -> None:
    glob = write_parquet_parts(reviews, tmp_path)
    with pytest.raises(scoring.ReviewDataError, match="brand"):
        score_table_sql(glob, by="brand", as_of=AS_OF)


