"""The per-group score table as SQL, run by DuckDB over Parquet files of any size.

The same numbers as :func:`scoring.groups.score_table` (to float rounding), for
review tables too large for memory (tens of millions of reviews): DuckDB streams
the files and keeps one row of running sums per group. For group g at ``T``, over
its counted reviews with ``t_i <= T`` and ``r_g`` its newest one::

    w'_i   = pow(2, -((r_g - t_i) / 86400e9) / H)     weights from the group's newest review
    A'_g   = sum w'_i * rating_i     B'_g = sum w'_i  (>= 1)     n_g = count
    A_g    = A'_g * 2 ** (-(T - r_g) / H)              B_g likewise (the sums at T)
    "trustpilot":     S_g(T) = (m * mu + n_g * A'_g / B'_g) / (m + n_g)
    "decayed-prior":  S_g(T) = (m * mu + A_g) / (m + B_g)
    (mu when the denominator is 0)

Measuring ages from the group's newest review keeps the weighted mean exact for any
half-life and quiet spell (nothing underflows to 0/0); it costs one more pass to
find each group's newest review. The same at ``T - change_days`` gives
``score_change``. A review counts unless its ``counts`` column is false (a missing
column or NULL counts).

The Parquet layout is the canonical review table: ``created_at`` (TIMESTAMP WITH
TIME ZONE, or TIMESTAMP holding UTC), ``rating`` (integer 1..5), the grouping
column(s) (e.g. ``company``, ``location``), optionally ``counts`` (bool). Files may
differ in which optional columns they have (they are read with
``union_by_name``). Rows are not validated here (that would cost a scan of its
own): validate at ingest. A NULL ``created_at`` never counts.

Every value reaches DuckDB as a query parameter (``$1``, ``$2``, ...), the file
path or glob included; the grouping column names, which cannot be parameters, are
checked against a strict identifier pattern and double-quoted.

Scoring a folder of Parquet files from Python::

    import duckdb
    from scoring.sql import score_table_sql

    table = score_table_sql("data/reviews/*.parquet", by="company", as_of="2025-06-30")
    table.head(20)          # best 20 companies: score, display_score, stars, label, ...

    # Bound DuckDB's memory and let it spill to disk on a very large folder:
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'")
    con.execute("SET temp_directory = '/tmp/duckdb_spill'")
    table = score_table_sql("data/reviews/*.parquet", by=["company", "location"],
                            as_of="2025-06-30", con=con)

    # Or take the SQL and its parameters to run elsewhere:
    sql, params = score_table_query("data/reviews/*.parquet", as_of="2025-06-30")
    con.execute(sql, params).df()
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import duckdb
import pandas as pd

from scoring.display import DEFAULT_LABEL_BANDS, LabelBands
from scoring.errors import ReviewDataError
from scoring.groups import (
    DEFAULT_CHANGE_DAYS,
    add_presentation,
    change_offset_ns,
    group_keys,
)
from scoring.model import (
    ScoreModel,
    ScoreParams,
    resolve_params,
)
from scoring.periods import (
    NS_PER_DAY,
    to_utc_timestamp,
)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")

Files = str | Sequence[str]


def quote_identifier(name: object) -> str:
    """``name`` double-quoted for SQL, if it is a plain identifier (letters, digits, _).

    Raises ValueError for anything else (spaces, quotes, semicolons, ...), so a
    column name can never inject SQL.
    """
    if not isinstance(name, str) or _IDENTIFIER.fullmatch(name) is None:
        raise ValueError(
            f"Column name {name!r} is not a plain identifier (letters, digits and _, "
            "not starting with a digit); it cannot be used in SQL."
        )
    return f'"{name}"'


def _files_parameter(parquet_glob: Files) -> str | list[str]:
    if isinstance(parquet_glob, str):
        if not parquet_glob:
            raise ValueError("parquet_glob is empty; give a file, a glob or a list of files.")
        return parquet_glob
    files = [str(path) for path in parquet_glob]
    if not files:
        raise ValueError("parquet_glob is an empty list; give at least one file.")
    return files


def score_table_query(
    parquet_glob: Files,
    *,
    by: str | Sequence[str] = "company",
    as_of: object,
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    change_days: float = DEFAULT_CHANGE_DAYS,
    has_counts: bool = True,
    model: ScoreModel | None = None,
) -> tuple[str, list[object]]:
    """The DuckDB SQL of the score table and its parameters, for ``con.execute(sql, params)``.

    Parameters (numbered, each used wherever needed): ``$1`` the Parquet file, glob
    or list of files; ``$2`` ``as_of`` and ``$3`` ``as_of - change_days`` as
    nanoseconds since the epoch (UTC); ``$4`` H (days, may be ``inf``); ``$5`` m;
    ``$6`` mu; ``$7`` true for the "trustpilot" form, false for "decayed-prior".
    ``has_counts=False`` when no file has a ``counts`` column (every review then
    counts).

    The result has the ``by`` column(s), ``score``, ``reviews``,
    ``effective_reviews``, ``score_change`` and ``last_review_at`` (TIMESTAMP_NS,
    UTC), ordered by score descending then the group value(s).
    """
    params = resolve_params(params, half_life_days, prior_count, prior_mean, model)
    keys = group_keys(by)
    quoted = [quote_identifier(key) for key in keys]
    if as_of is None:
        raise ValueError("score_table_query needs an as_of instant (e.g. '2025-06-30').")
    as_of_ns = int(to_utc_timestamp(as_of).as_unit("ns").value)
    then_ns = as_of_ns - change_offset_ns(change_days)

    aliases = [f"key_{j}" for j in range(len(keys))]
    select_keys = ",\n        ".join(
        f"{column} AS {alias}" for column, alias in zip(quoted, aliases, strict=True)
    )
    group_list = ", ".join(aliases)
    out_keys = ",\n    ".join(
        f"{alias} AS {column}" for column, alias in zip(quoted, aliases, strict=True)
    )
    order_keys = ", ".join(f"{alias} ASC NULLS LAST" for alias in aliases)
    join_keys = " AND ".join(
        f"source.{alias} IS NOT DISTINCT FROM newest.{alias}" for alias in aliases
    )
    source_keys = ", ".join(f"source.{alias}" for alias in aliases)
    counted = "counts IS DISTINCT FROM FALSE" if has_counts else "TRUE"
    day_ns = f"{float(NS_PER_DAY)!r}"

    def weight(reference: str) -> str:
        return f"pow(2.0, -(CAST({reference} - t AS DOUBLE) / {day_ns}) / $4::DOUBLE)"

    def scale(instant: str, reference: str) -> str:
        return f"pow(2.0, -(CAST({instant} - {reference} AS DOUBLE) / {day_ns}) / $4::DOUBLE)"

    def score(suffix: str) -> str:
        return f"""CASE WHEN $7::BOOLEAN THEN
                 CASE WHEN $5::DOUBLE + n_{suffix} > 0
                      THEN ($5::DOUBLE * $6::DOUBLE
                            + CASE WHEN n_{suffix} > 0
                                   THEN n_{suffix} * a_{suffix} / b_{suffix} ELSE 0 END)
                           / ($5::DOUBLE + n_{suffix})
                      ELSE $6::DOUBLE END
             ELSE
                 CASE WHEN $5::DOUBLE + b_{suffix} * scale_{suffix} > 0
                      THEN ($5::DOUBLE * $6::DOUBLE + a_{suffix} * scale_{suffix})
                           / ($5::DOUBLE + b_{suffix} * scale_{suffix})
                      ELSE $6::DOUBLE END
             END"""

    sql = f"""\
-- TrustLens score table. $1 files, $2 as_of (ns), $3 as_of - change_days (ns),
-- $4 half-life (days), $5 prior count, $6 prior mean, $7 trustpilot form (else decayed-prior).
WITH source AS (
    SELECT
        {select_keys},
        epoch_ns(created_at) AS t,
        CAST(rating AS DOUBLE) AS stars,
        {counted} AS counted
    FROM read_parquet($1, union_by_name = true)
),
newest AS (
    SELECT
        {group_list},
        max(t) FILTER (WHERE counted AND t <= $2::BIGINT) AS ref_now,
        max(t) FILTER (WHERE counted AND t <= $3::BIGINT) AS ref_then
    FROM source
    GROUP BY {group_list}
),
weighted AS (
    SELECT
        {source_keys},
        t,
        stars,
        ref_now,
        ref_then,
        counted AND t <= $2::BIGINT AS in_now,
        counted AND t <= $3::BIGINT AS in_then,
        CASE WHEN counted AND t <= $2::BIGINT THEN {weight("ref_now")} END AS w_now,
        CASE WHEN counted AND t <= $3::BIGINT THEN {weight("ref_then")} END AS w_then
    FROM source JOIN newest ON {join_keys}
),
sums AS (
    SELECT
        {group_list},
        coalesce(sum(w_now * stars), 0.0) AS a_now,
        coalesce(sum(w_now), 0.0) AS b_now,
        coalesce(sum(w_then * stars), 0.0) AS a_then,
        coalesce(sum(w_then), 0.0) AS b_then,
        count(*) FILTER (WHERE in_now) AS n_now,
        count(*) FILTER (WHERE in_then) AS n_then,
        coalesce({scale("$2::BIGINT", "any_value(ref_now)")}, 0.0) AS scale_now,
        coalesce({scale("$3::BIGINT", "any_value(ref_then)")}, 0.0) AS scale_then,
        any_value(ref_now) AS last_ns
    FROM weighted
    GROUP BY {group_list}
),
scored AS (
    SELECT
        *,
        {score("now")} AS score,
        {score("then")} AS score_then
    FROM sums
)
SELECT
    {out_keys},
    score,
    n_now AS reviews,
    b_now * scale_now AS effective_reviews,
    score - score_then AS score_change,
    make_timestamp_ns(last_ns) AS last_review_at
FROM scored
ORDER BY score DESC, {order_keys}
"""
    values: list[object] = [
        _files_parameter(parquet_glob),
        as_of_ns,
        then_ns,
        float(params.half_life_days),
        float(params.prior_count),
        float(params.prior_mean),
        params.is_trustpilot,
    ]
    return sql, values


def parquet_columns(parquet_glob: Files, con: duckdb.DuckDBPyConnection) -> list[str]:
    """The column names of the Parquet file(s), merged by name."""
    rows = con.execute(
        "DESCRIBE SELECT * FROM read_parquet($1, union_by_name = true)",
        [_files_parameter(parquet_glob)],
    ).fetchall()
    return [str(row[0]) for row in rows]


def newest_counted_ns(
    parquet_glob: Files, con: duckdb.DuckDBPyConnection, *, has_counts: bool = True
) -> int | None:
    """The newest counted review's time in ns (else the newest review's), or None if empty."""
    counted = "counts IS DISTINCT FROM FALSE" if has_counts else "TRUE"
    row = con.execute(
        "SELECT max(epoch_ns(created_at)) FILTER (WHERE " + counted + "), "
        "max(epoch_ns(created_at)) FROM read_parquet($1, union_by_name = true)",
        [_files_parameter(parquet_glob)],
    ).fetchone()
    if row is None:
        return None
    newest = row[0] if row[0] is not None else row[1]
    return None if newest is None else int(newest)


def score_table_sql(
    parquet_glob: Files,
    *,
    by: str | Sequence[str] = "company",
    as_of: object = None,
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    change_days: float = DEFAULT_CHANGE_DAYS,
    bands: LabelBands = DEFAULT_LABEL_BANDS,
    con: duckdb.DuckDBPyConnection | None = None,
    model: ScoreModel | None = None,
) -> pd.DataFrame:
    """:func:`scoring.groups.score_table` computed by DuckDB over Parquet files.

    ``parquet_glob`` is a file, a glob (``"reviews/*.parquet"``) or a list of files.
    Returns the same frame as ``score_table`` (index named by ``by``; columns
    ``score``, ``display_score``, ``stars``, ``label``, ``reviews``,
    ``effective_reviews``, ``score_change``, ``last_review_at``; sorted by score
    descending) with the same numbers to float rounding (~1e-12). ``as_of`` defaults
    to the newest counted review in the files (one extra scan of ``created_at``).
    ``con``: a DuckDB connection to use (its settings, e.g. ``memory_limit``, apply);
    by default a fresh in-memory one.
    """
    params = resolve_params(params, half_life_days, prior_count, prior_mean, model)
    keys = group_keys(by)
    for key in keys:
        quote_identifier(key)
    own = con is None
    connection = duckdb.connect() if con is None else con
    try:
        columns = parquet_columns(parquet_glob, connection)
        missing = [c for c in ("created_at", "rating", *keys) if c not in columns]
        if missing:
            raise ReviewDataError(
                f"The Parquet files have no {', '.join(repr(c) for c in missing)} column "
                f"(columns present: {', '.join(columns)})."
            )
        has_counts = "counts" in columns
        if as_of is None:
            newest = newest_counted_ns(parquet_glob, connection, has_counts=has_counts)
            if newest is None:
                raise ReviewDataError("The Parquet files hold no reviews; give as_of.")
            as_of = pd.Timestamp(newest, tz="UTC")
        sql, values = score_table_query(
            parquet_glob,
            by=keys,
            as_of=as_of,
            params=params,
            change_days=change_days,
            has_counts=has_counts,
        )
        frame = connection.execute(sql, values).df()
    finally:
        if own:
            connection.close()

    last = pd.to_datetime(frame["last_review_at"]).astype("datetime64[ns]")
    frame = frame.assign(
        score=frame["score"].astype("float64"),
        reviews=frame["reviews"].astype("int64"),
        effective_reviews=frame["effective_reviews"].astype("float64"),
        score_change=frame["score_change"].astype("float64"),
        last_review_at=last.dt.tz_localize("UTC"),
    )
    frame = frame.set_index(keys if len(keys) > 1 else keys[0])
    return add_presentation(frame, bands)


__all__ = [
    "newest_counted_ns",
    "parquet_columns",
    "quote_identifier",
    "score_table_query",
    "score_table_sql",
]
