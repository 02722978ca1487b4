"""Benchmarks: scoring many businesses at once, in pandas/numpy and in DuckDB over Parquet.

- :func:`bench_groups`: :func:`scoring.groups.score_table` and a monthly
  :func:`scoring.groups.score_series_by` on 10,000 companies x 100 reviews
  (1,000,000 reviews over five years), for each model form. Target: each under 5 s.
- :func:`bench_sql`: :func:`scoring.sql.score_table_sql` over Parquet files written
  in chunks (memory stays small whatever ``rows``), 100 reviews per company, for each
  model form on the same files; and, to see what keeping the weighted mean exact
  costs, its query alone against :data:`FORMER_QUERY`, the one-aggregation query it
  replaced (weights from ``as_of``), on the same files, with their agreement.

Plain Python; each returns a dict of medians in seconds. Run both with
``python -m benchmarks.bench_groups`` (prints JSON).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scoring.groups import score_series_by, score_table
from scoring.model import (
    SCORE_MODELS,
)
from scoring.periods import (
    NS_PER_DAY,
)
from scoring.sql import score_table_query, score_table_sql

START = pd.Timestamp("2020-01-01", tz="UTC")
SPAN_DAYS = 5 * 365
REVIEWS_PER_COMPANY = 100
STAR_MIX = (0.12, 0.06, 0.1, 0.22, 0.5)
COUNTED_SHARE = 0.95


FORMER_QUERY = f"""\
-- score_table_sql's query before the fitted model (commit baeb515), "decayed-prior" only,
-- grouped by company: one aggregation, every weight measured from as_of. Kept as a
-- baseline: $1 files, $2 as_of (ns), $3 as_of - change_days (ns), $4 H, $5 m, $6 mu.
WITH source AS (
    SELECT
        "company" AS key_0,
        epoch_ns(created_at) AS t,
        CAST(rating AS DOUBLE) AS stars,
        counts IS DISTINCT FROM FALSE AS counted
    FROM read_parquet($1, union_by_name = true)
),
weighted AS (
    SELECT
        key_0,
        t,
        stars,
        counted AND t <= $2::BIGINT AS in_now,
        CASE WHEN counted AND t <= $2::BIGINT
             THEN pow(2.0, -(CAST($2::BIGINT - t AS DOUBLE) / {float(NS_PER_DAY)!r}) / $4::DOUBLE)
        END AS w_now,
        CASE WHEN counted AND t <= $3::BIGINT
             THEN pow(2.0, -(CAST($3::BIGINT - t AS DOUBLE) / {float(NS_PER_DAY)!r}) / $4::DOUBLE)
        END AS w_then
    FROM source
),
sums AS (
    SELECT
        key_0,
        coalesce(sum(w_now * stars), 0.0) AS a_now,
        coalesce(sum(w_now), 0.0) AS b_now,
        coalesce(sum(w_then * stars), 0.0) AS a_then,
        coalesce(sum(w_then), 0.0) AS b_then,
        count(*) FILTER (WHERE in_now) AS reviews,
        max(t) FILTER (WHERE in_now) AS last_ns
    FROM weighted
    GROUP BY key_0
),
scored AS (
    SELECT
        *,
        CASE WHEN $5::DOUBLE + b_now > 0
             THEN ($5::DOUBLE * $6::DOUBLE + a_now) / ($5::DOUBLE + b_now)
             ELSE $6::DOUBLE END AS score,
        CASE WHEN $5::DOUBLE + b_then > 0
             THEN ($5::DOUBLE * $6::DOUBLE + a_then) / ($5::DOUBLE + b_then)
             ELSE $6::DOUBLE END AS score_then
    FROM sums
)
SELECT
    key_0 AS "company",
    score,
    reviews,
    b_now AS effective_reviews,
    score - score_then AS score_change,
    make_timestamp_ns(last_ns) AS last_review_at
FROM scored
ORDER BY score DESC, key_0 ASC NULLS LAST
"""


def _company_names(companies: int) -> np.ndarray:
    return np.array([f"company-{number:06d}" for number in range(companies)], dtype=object)


def _times_us(rng: np.random.Generator, rows: int) -> np.ndarray:
    span_us = SPAN_DAYS * 86_400 * 10**6
    return START.value // 1_000 + rng.integers(0, span_us, rows, dtype="int64")


def synthetic_reviews(
    companies: int = 10_000, per_company: int = REVIEWS_PER_COMPANY, seed: int = 0
) -> pd.DataFrame:
    """A canonical review table: ``companies`` x ``per_company`` reviews over five years."""
    rng = np.random.default_rng(seed)
    rows = companies * per_company
    names = pd.array(_company_names(companies), dtype="str")
    return pd.DataFrame(
        {
            "created_at": pd.to_datetime(_times_us(rng, rows), unit="us", utc=True),
            "rating": rng.choice(np.arange(1, 6), rows, p=STAR_MIX).astype("int64"),
            "company": names[rng.integers(0, companies, rows)],
            "counts": rng.random(rows) < COUNTED_SHARE,
        }
    )


def _median_seconds(run: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings), timings


def bench_groups(
    repeats: int = 5, companies: int = 10_000, models: tuple[str, ...] = SCORE_MODELS
) -> dict[str, object]:
    """Median wall time of ``score_table`` and monthly ``score_series_by``, per model.

    On ``companies`` x 100 reviews (default 10,000 x 100 = 1,000,000 reviews, five
    years, 5% not counting). Data generation is not timed; each function is called
    once untimed per model first. Keys ``score_table_<model>_s`` (median) and
    ``..._runs_s`` (every run), likewise ``score_series_by_monthly_<model>_...``.
    """
    reviews = synthetic_reviews(companies)
    result: dict[str, object] = {
        "companies": companies,
        "reviews": len(reviews),
        "repeats": repeats,
        "models": list(models),
    }
    for model in models:
        score_table(reviews, model=model)
        table_s, table_runs = _median_seconds(
            lambda m=model: score_table(reviews, model=m), repeats)
        series = score_series_by(reviews, freq="M", model=model)
        series_s, series_runs = _median_seconds(
            lambda m=model: score_series_by(reviews, freq="M", model=m), repeats
        )
        result.update({
            f"score_table_{model}_s": table_s,
            f"score_table_{model}_runs_s": table_runs,
            f"score_series_by_monthly_{model}_s": series_s,
            f"score_series_by_monthly_{model}_runs_s": series_runs,
            "score_series_by_monthly_rows": len(series),
        })
    return result


def write_synthetic_parquet(
    folder: Path, rows: int, *, chunk_rows: int = 1_000_000, seed: int = 0
) -> list[Path]:
    """Write ``rows`` synthetic reviews (100 per company) as Parquet files of ``chunk_rows``.

    Each chunk is generated, written and dropped, so memory stays at one chunk.
    Companies are dictionary-encoded strings.
    """
    rng = np.random.default_rng(seed)
    companies = max(1, rows // REVIEWS_PER_COMPANY)
    names = pa.array(_company_names(companies), type=pa.string())
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    written = 0
    while written < rows:
        size = min(chunk_rows, rows - written)
        table = pa.table(
            {
                "created_at": pa.array(_times_us(rng, size), type=pa.int64()).cast(
                    pa.timestamp("us", tz="UTC")
                ),
                "rating": pa.array(rng.choice(np.arange(1, 6), size, p=STAR_MIX), pa.int64()),
                "company": pa.DictionaryArray.from_arrays(
                    pa.array(rng.integers(0, companies, size), pa.int32()), names
                ),
                "counts": pa.array(rng.random(size) < COUNTED_SHARE),
            }
        )
        path = folder / f"reviews-{len(paths):04d}.parquet"
        pq.write_table(table, path)
        paths.append(path)
        written += size
    return paths


def bench_sql(
    rows: int = 5_000_000,
    repeats: int = 3,
    workdir: str | Path | None = None,
    models: tuple[str, ...] = SCORE_MODELS,
) -> dict[str, object]:
    """Median wall time of ``score_table_sql`` over ``rows`` reviews in Parquet files.

    The files go to ``workdir`` (a temporary folder, removed afterwards, when None)
    and are written once; each model is then timed on them (one untimed run first).
    ``as_of`` is given (the end of the generated span), so no scan is spent finding
    it. Keys ``score_table_sql_<model>_s`` (median), ``..._runs_s`` and
    ``rows_per_s_<model>``; ``query_current_s`` / ``query_former_s`` (medians, and
    ``..._runs_s``): the current "decayed-prior" query alone (``score_table_query``)
    and :data:`FORMER_QUERY`, run alternately after one untimed run each, with
    ``query_max_abs_diff`` the largest gap between their scores.
    """
    result: dict[str, object] = {"rows": rows, "repeats": repeats, "models": list(models)}
    with tempfile.TemporaryDirectory(prefix="trustlens-bench-") as scratch:
        folder = Path(workdir) if workdir is not None else Path(scratch)
        folder = folder / "bench_sql_parquet"
        began = time.perf_counter()
        paths = write_synthetic_parquet(folder, rows)
        result["generate_s"] = time.perf_counter() - began
        glob = str(folder / "reviews-*.parquet")
        as_of = START + pd.Timedelta(days=SPAN_DAYS)
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")  # no progress bar in the output
        for model in models:
            table = score_table_sql(glob, as_of=as_of, con=con, model=model)
            sql_s, sql_runs = _median_seconds(
                lambda m=model: score_table_sql(glob, as_of=as_of, con=con, model=m), repeats
            )
            result.update({
                f"score_table_sql_{model}_s": sql_s,
                f"score_table_sql_{model}_runs_s": sql_runs,
                f"rows_per_s_{model}": rows / sql_s,
                "groups": len(table),
            })
        # The query alone, current against former, on the same files ("decayed-prior":
        # the only form the former query had); runs interleaved so load drifts hit both.
        sql, params = score_table_query(glob, as_of=as_of, model="decayed-prior")
        queries = {"current": (sql, params), "former": (FORMER_QUERY, params[:6])}
        frames = {name: con.execute(q, v).df() for name, (q, v) in queries.items()}
        runs: dict[str, list[float]] = {name: [] for name in queries}
        for _ in range(repeats):
            for name, (q, v) in queries.items():
                began = time.perf_counter()
                con.execute(q, v).df()
                runs[name].append(time.perf_counter() - began)
        for name in queries:
            result[f"query_{name}_s"] = statistics.median(runs[name])
            result[f"query_{name}_runs_s"] = runs[name]
        current, former = (frames[n].set_index("company")["score"] for n in ("current", "former"))
        result["query_max_abs_diff"] = float((current - former.loc[current.index]).abs().max())
        con.close()
        result["files"] = len(paths)
        result["parquet_mb"] = round(sum(path.stat().st_size for path in paths) / 1e6, 1)
        if workdir is not None:
            for path in paths:
                path.unlink()
            folder.rmdir()
    return result


if __name__ == "__main__":
    print(json.dumps({"groups": bench_groups(), "sql": bench_sql()}, indent=2))
