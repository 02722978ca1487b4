"""The per-group score table and score series as Spark DataFrame/SQL over Parquet.

The same numbers as :func:`scoring.groups.score_table` and
:func:`scoring.groups.score_series_by` (both models, the live clock; to float
rounding, tested to 1e-9), for review tables that live on a cluster. Everything
runs as Spark SQL expressions (no Python UDF), so executors need no Python
packages; only the driver imports :mod:`scoring` (numpy, pandas).

**Score table** (the port of :mod:`scoring.sql`). For group g at ``T``, over its
counted reviews with ``t_i <= T`` and ``r_g`` its newest one::

    w'_i   = 2 ** (-((r_g - t_i) / 1 day) / H)        weights from the group's newest review
    A'_g   = sum w'_i * rating_i     B'_g = sum w'_i  (>= 1)     n_g = count
    A_g    = A'_g * 2 ** (-(T - r_g) / H)              B_g likewise (the sums at T)
    "trustpilot":     S_g(T) = (m * mu + n_g * A'_g / B'_g) / (m + n_g)
    "decayed-prior":  S_g(T) = (m * mu + A_g) / (m + B_g)
    (mu when the denominator is 0)

``r_g`` is a window maximum over the group (one shuffle, on the group keys, which
the aggregation that follows reuses). The same at ``T - change_days`` gives
``score_change``.

**Score series** (live clock). With ``b_k`` the end of period k and a reference
instant ``R`` in the middle of the data's span, each review carries
``v_i = 2 ** ((t_i - R) / H)``; per (group, period) cell Spark sums ``v_i * s_i``,
``v_i`` and counts, and a running sum over the periods of each group gives::

    A_k = 2 ** (-(b_k - R) / H) * sum_{t_i < b_k} v_i * s_i   (= sum s_i 2 ** (-(b_k - t_i) / H))
    B_k = the same with 1 for s_i          n_k = the cumulative count
    M_k = A_k / B_k (the decay-weighted mean, from the two running sums directly)
    "decayed-prior":  S_k = (m * mu + A_k) / (m + B_k)
    "trustpilot":     S_k = (m * mu + n_k * M_k) / (m + n_k)

which is the recurrence of :func:`scoring.groups.score_series_by` unrolled. The
factors ``2 ** (+-x / H)`` stay within double range as long as the data's span is
at most ``MAX_SPAN_HALF_LIVES`` half-lives (900 years at the default 182.5 days);
a longer span (a half-life of hours over years) is refused with a
:class:`scoring.errors.ParameterError` rather than answered wrongly.

Input: a Parquet path, glob or list of them (read with ``mergeSchema``, so files
may differ in optional columns), or a Spark DataFrame. The layout is the canonical
review table: ``created_at`` (a timestamp; Parquet nanosecond timestamps, which
pandas writes, are read exactly as integer nanoseconds through Spark's
``spark.sql.legacy.parquet.nanosAsLong``, which these functions switch on), ``rating``,
the grouping column(s) and optionally ``counts`` (a NULL counts). A NULL
``created_at`` never counts.

From Python::

    from pyspark.sql import SparkSession
    from scoring.spark import score_table_spark, score_series_by_spark

    spark = SparkSession.builder.getOrCreate()
    table = score_table_spark(spark, "s3://bucket/reviews/*.parquet", by="company",
                              as_of="2025-06-30")          # a pandas frame, as score_table
    series = score_series_by_spark(spark, "reviews/", by=["company", "location"], freq="M")

``score_table_frame`` and ``score_series_frame`` return the Spark DataFrames
instead (nothing collected to the driver); :func:`main` is the spark-submit job::

    spark-submit --py-files scoring.zip scoring/spark.py score reviews/ \\
        --by company,location --as-of 2025-06-30 --out scores.parquet

pyspark is imported inside the functions: ``import scoring`` works without it.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from scoring.display import DEFAULT_LABEL_BANDS, SCORE_TOLERANCE, LabelBands
from scoring.errors import ParameterError, ReviewDataError
from scoring.groups import (
    DEFAULT_CHANGE_DAYS,
    SERIES_COLUMNS,
    add_presentation,
    change_offset_ns,
    group_keys,
)
from scoring.model import Clock, ScoreModel, ScoreParams, resolve_params
from scoring.periods import NS_PER_DAY, normalise_freq, series_edges, to_utc_timestamp

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

MAX_SPAN_HALF_LIVES = 1800.0
"""The longest span (first review to the series' end) in half-lives the series takes."""

NANOS_AS_LONG = "spark.sql.legacy.parquet.nanosAsLong"

# --- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reviews:
    """The reviews as Spark columns: ``key_0..``, ``t`` (int64 ns), ``stars``, ``counted``."""

    frame: DataFrame
    aliases: list[str]
    keys: list[str]


def _paths(source: Any) -> list[str]:
    single = isinstance(source, str | Path)
    paths = [str(source)] if single else [str(path) for path in source]
    if not paths or any(not path for path in paths):
        raise ValueError("Give a Parquet file, folder or glob (or a list of them).")
    return paths


def _load(spark: SparkSession, source: Any, keys: list[str]) -> _Reviews:
    """The review rows with group aliases, ns times, float stars and the counted flag."""
    from pyspark.sql import DataFrame as SparkFrame
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if isinstance(source, SparkFrame):
        frame = source
    else:
        spark.conf.set(NANOS_AS_LONG, "true")
        frame = spark.read.option("mergeSchema", "true").parquet(*_paths(source))
    columns = frame.columns
    missing = [c for c in ("created_at", "rating", *keys) if c not in columns]
    if missing:
        raise ReviewDataError(
            f"The reviews have no {', '.join(repr(c) for c in missing)} column "
            f"(columns present: {', '.join(columns)})."
        )
    kind = frame.schema["created_at"].dataType
    if isinstance(kind, T.LongType):  # Parquet TIMESTAMP(NANOS) read as ns
        t = F.col("created_at")
    elif isinstance(kind, T.TimestampType):
        t = F.unix_micros(F.col("created_at")) * F.lit(1000)
    else:
        raise ReviewDataError(
            f"created_at must be a timestamp (or int64 nanoseconds), got {kind.simpleString()}."
        )
    counted = (
        F.coalesce(F.col("counts").cast("boolean"), F.lit(True))
        if "counts" in columns
        else F.lit(True)
    )
    aliases = [f"key_{j}" for j in range(len(keys))]
    rows = frame.select(
        *[F.col("`" + key.replace("`", "``") + "`").alias(alias)
          for key, alias in zip(keys, aliases, strict=True)],
        t.cast("long").alias("t"),
        F.col("rating").cast("double").alias("stars"),
        (counted & F.col("created_at").isNotNull()).alias("counted"),
    )
    return _Reviews(rows, aliases, keys)


def _days(ns: Column) -> Column:
    from pyspark.sql import functions as F

    return ns.cast("double") / F.lit(float(NS_PER_DAY))


def _decay(age_ns: Column, half_life_days: float) -> Column:
    """``2 ** (-age / H)`` (1 when H is inf) with the age in ns; NULL for a NULL age."""
    from pyspark.sql import functions as F

    if math.isinf(half_life_days):
        return F.when(age_ns.isNotNull(), F.lit(1.0))
    return F.pow(F.lit(2.0), -_days(age_ns) / F.lit(float(half_life_days)))


def _score(a: Column, b: Column, n: Column, mean: Column, params: ScoreParams) -> Column:
    """:func:`scoring.model.score_from_sums` as a Spark column."""
    from pyspark.sql import functions as F

    m, mu = F.lit(float(params.prior_count)), F.lit(float(params.prior_mean))
    if params.is_trustpilot:
        n = n.cast("double")
        weighted = F.when(n > 0, n * mean).otherwise(F.lit(0.0))
        return F.when(m + n > 0, (m * mu + weighted) / (m + n)).otherwise(mu)
    return F.when(m + b > 0, (m * mu + a) / (m + b)).otherwise(mu)


def _presentation(score: Column, bands: LabelBands) -> list[Column]:
    """``display_score``, ``stars`` and ``label`` as :func:`scoring.groups.add_presentation`."""
    from pyspark.sql import functions as F

    tol = F.lit(SCORE_TOLERANCE)
    shown = F.floor(score / F.lit(0.1) + F.lit(0.5) + tol) / F.lit(10.0)
    stars = F.floor(score / F.lit(0.5) + F.lit(0.5) + tol) / F.lit(2.0)
    label: Any = F
    for name, lower in bands.thresholds():
        label = label.when(shown >= F.lit(lower) - tol, F.lit(name))
    return [shown.alias("display_score"), stars.alias("stars"),
            label.otherwise(F.lit("Bad")).alias("label")]


def _instant_ns(value: object, what: str) -> int:
    return int(to_utc_timestamp(value, what).as_unit("ns").value)


def _newest_ns(reviews: _Reviews) -> int | None:
    """The newest counted review (else the newest review) in ns; None when empty."""
    from pyspark.sql import functions as F

    row = reviews.frame.agg(
        F.max(F.when(F.col("counted"), F.col("t"))).alias("counted"),
        F.max("t").alias("any"),
    ).first()
    if row is None:
        return None
    value = row["counted"] if row["counted"] is not None else row["any"]
    return None if value is None else int(value)


# --- the score table ---------------------------------------------------------------------


def _table_frame(
    reviews: _Reviews, as_of_ns: int, then_ns: int, params: ScoreParams
) -> DataFrame:
    """Per group: ``key_j``, score, reviews, effective_reviews, score_change, last_ns."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    aliases = reviews.aliases
    t, stars, counted = F.col("t"), F.col("stars"), F.col("counted")
    in_now = counted & (t <= F.lit(as_of_ns))
    in_then = counted & (t <= F.lit(then_ns))
    group = Window.partitionBy(*aliases)
    weighted = reviews.frame.select(
        *aliases,
        t,
        stars,
        in_now.alias("in_now"),
        in_then.alias("in_then"),
        F.max(F.when(in_now, t)).over(group).alias("ref_now"),
        F.max(F.when(in_then, t)).over(group).alias("ref_then"),
    )
    h = params.half_life_days
    w_now = F.when(F.col("in_now"), _decay(F.col("ref_now") - t, h))
    w_then = F.when(F.col("in_then"), _decay(F.col("ref_then") - t, h))
    sums = weighted.groupBy(*aliases).agg(
        F.coalesce(F.sum(w_now * stars), F.lit(0.0)).alias("a_now"),
        F.coalesce(F.sum(w_now), F.lit(0.0)).alias("b_now"),
        F.coalesce(F.sum(w_then * stars), F.lit(0.0)).alias("a_then"),
        F.coalesce(F.sum(w_then), F.lit(0.0)).alias("b_then"),
        F.count(F.when(F.col("in_now"), 1)).alias("n_now"),
        F.count(F.when(F.col("in_then"), 1)).alias("n_then"),
        F.max("ref_now").alias("last_ns"),
        F.max("ref_then").alias("then_ns"),
    )

    def score(suffix: str, instant: int, reference: str) -> Column:
        a, b, n = F.col(f"a_{suffix}"), F.col(f"b_{suffix}"), F.col(f"n_{suffix}")
        scale = F.coalesce(_decay(F.lit(instant) - F.col(reference), h), F.lit(0.0))
        return _score(a * scale, b * scale, n, F.when(b > 0, a / b), params)

    now_scale = F.coalesce(_decay(F.lit(as_of_ns) - F.col("last_ns"), h), F.lit(0.0))
    return sums.select(
        *aliases,
        score("now", as_of_ns, "last_ns").alias("score"),
        F.col("n_now").cast("long").alias("reviews"),
        (F.col("b_now") * now_scale).alias("effective_reviews"),
        (score("now", as_of_ns, "last_ns") - score("then", then_ns, "then_ns")).alias(
            "score_change"
        ),
        F.col("last_ns"),
    )


def _table_inputs(
    spark: SparkSession, source: Any, by: str | Sequence[str], as_of: object, change_days: float
) -> tuple[_Reviews, int | None, int]:
    keys = group_keys(by)
    offset = change_offset_ns(change_days)
    reviews = _load(spark, source, keys)
    as_of_ns = _instant_ns(as_of, "as_of") if as_of is not None else _newest_ns(reviews)
    return reviews, as_of_ns, offset


def score_table_frame(
    spark: SparkSession,
    source: Any,
    by: str | Sequence[str] = "company",
    *,
    as_of: object = None,
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    change_days: float = DEFAULT_CHANGE_DAYS,
    bands: LabelBands = DEFAULT_LABEL_BANDS,
    model: ScoreModel | None = None,
) -> DataFrame:
    """:func:`score_table_spark` as a Spark DataFrame (nothing collected): the ``by``
    column(s), then the columns of :data:`scoring.groups.TABLE_COLUMNS`
    (``last_review_at`` a Spark timestamp, microseconds), ordered by score descending
    then the group value(s) (NULLs last). Raises ReviewDataError when there are no reviews
    and no ``as_of``."""
    from pyspark.sql import functions as F

    params = resolve_params(params, half_life_days, prior_count, prior_mean, model)
    reviews, as_of_ns, offset = _table_inputs(spark, source, by, as_of, change_days)
    if as_of_ns is None:
        raise ReviewDataError("The reviews are empty; there is nothing to score (give as_of).")
    table = _table_frame(reviews, as_of_ns, as_of_ns - offset, params)
    score = F.col("score")
    return table.orderBy(
        score.desc(), *[F.col(alias).asc_nulls_last() for alias in reviews.aliases]
    ).select(
        *[F.col(a).alias(k) for a, k in zip(reviews.aliases, reviews.keys, strict=True)],
        score,
        *_presentation(score, bands),
        "reviews",
        "effective_reviews",
        "score_change",
        F.timestamp_micros(F.expr("last_ns div 1000")).alias("last_review_at"),
    )


def score_table_spark(
    spark: SparkSession,
    source: Any,
    by: str | Sequence[str] = "company",
    *,
    as_of: object = None,
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    change_days: float = DEFAULT_CHANGE_DAYS,
    bands: LabelBands = DEFAULT_LABEL_BANDS,
    model: ScoreModel | None = None,
) -> pd.DataFrame:
    """:func:`scoring.groups.score_table` computed by Spark.

    ``source``: a Parquet file, folder or glob, a list of them, or a Spark DataFrame
    with the canonical columns. Returns the same frame as ``score_table`` (index named
    by ``by``; columns ``score``, ``display_score``, ``stars``, ``label``, ``reviews``,
    ``effective_reviews``, ``score_change``, ``last_review_at`` in ns; sorted by score
    descending, ties by group value) with the same numbers to float rounding. Every
    group present in the data is a row, including one with no counted review (it
    scores ``mu``). ``as_of`` defaults to the newest counted review (one extra pass).
    """
    from pyspark.sql import functions as F

    params = resolve_params(params, half_life_days, prior_count, prior_mean, model)
    keys = group_keys(by)
    reviews, as_of_ns, offset = _table_inputs(spark, source, keys, as_of, change_days)
    if as_of_ns is None:
        return _empty_table(keys, bands)
    table = _table_frame(reviews, as_of_ns, as_of_ns - offset, params)
    frame = table.withColumn(
        "last_ns", F.coalesce(F.col("last_ns"), F.lit(np.iinfo("int64").min))
    ).toPandas()
    frame = frame.rename(columns=dict(zip(reviews.aliases, keys, strict=True)))
    # last_ns is never NULL (int64 min, numpy's NaT, for a group without reviews), so
    # it arrives as exact int64 nanoseconds.
    exact = frame["last_ns"].to_numpy(dtype="int64")
    frame = frame.assign(
        score=frame["score"].astype("float64"),
        reviews=frame["reviews"].astype("int64"),
        effective_reviews=frame["effective_reviews"].astype("float64"),
        score_change=frame["score_change"].astype("float64"),
        last_review_at=pd.DatetimeIndex(exact.astype("datetime64[ns]")).tz_localize("UTC"),
    ).drop(columns="last_ns")
    frame = _sorted(frame, keys, by_score=True)
    frame = frame.set_index(keys if len(keys) > 1 else keys[0])
    return add_presentation(frame, bands)


def _sorted(frame: pd.DataFrame, keys: list[str], *, by_score: bool) -> pd.DataFrame:
    """Rows by group value(s) ascending, missing last (then stably by score descending)."""
    frame = frame.sort_values(keys, na_position="last", kind="mergesort")
    if by_score:
        order = np.argsort(-frame["score"].to_numpy(dtype="float64"), kind="stable")
        frame = frame.iloc[order]
    return frame.reset_index(drop=True)


def _empty_table(keys: list[str], bands: LabelBands) -> pd.DataFrame:
    frame = pd.DataFrame(
        {key: pd.Series(dtype="object") for key in keys}
        | {
            "score": pd.Series(dtype="float64"),
            "reviews": pd.Series(dtype="int64"),
            "effective_reviews": pd.Series(dtype="float64"),
            "score_change": pd.Series(dtype="float64"),
            "last_review_at": pd.Series(dtype="datetime64[ns, UTC]"),
        }
    )
    frame = frame.set_index(keys if len(keys) > 1 else keys[0])
    return add_presentation(frame, bands)


# --- the score series ------------------------------------------------------------------


def _period_index(t: Column, first_start_ns: int, freq: str) -> Column:
    """The period number of ns time ``t`` on the grid starting at ``first_start_ns``
    (negative before it), from the calendar: days, Monday weeks, months, quarters, years."""
    from pyspark.sql import functions as F

    day_ns = F.lit(NS_PER_DAY)
    day = ((t - F.pmod(t, day_ns)) / day_ns).cast("long")  # exact: a multiple of a day
    first = pd.Timestamp(first_start_ns, tz="UTC")
    first_day = first_start_ns // NS_PER_DAY
    letter = normalise_freq(freq)
    if letter == "D":
        return day - F.lit(first_day)
    if letter == "W":
        return F.floor((day - F.lit(first_day)) / F.lit(7.0)).cast("long")
    date = F.date_from_unix_date(day.cast("int"))
    year, month = F.year(date).cast("long"), F.month(date).cast("long")
    if letter == "M":
        return year * 12 + month - F.lit(first.year * 12 + first.month)
    if letter == "Q":
        quarter = F.floor((month - 1) / F.lit(3.0)).cast("long")
        return year * 4 + quarter - F.lit(first.year * 4 + (first.month - 1) // 3)
    return year - F.lit(first.year)


def _series_inputs(
    spark: SparkSession,
    source: Any,
    by: str | Sequence[str],
    freq: str,
    start: object,
    end: object,
    clock: Clock,
    params: ScoreParams,
) -> tuple[_Reviews, np.ndarray, int]:
    """The reviews, the period starts (ns, with the exclusive end) and the reference R."""
    from pyspark.sql import functions as F

    if clock not in ("live", "displayed"):
        raise ValueError(f"clock must be 'live' or 'displayed', got {clock!r}.")
    if clock == "displayed" and not params.is_trustpilot:
        raise ParameterError(
            "The Spark series has the live clock only; the displayed clock of the "
            "'decayed-prior' model is per group (scoring.groups.score_series_by)."
        )
    keys = group_keys(by)
    clash = [key for key in keys if key in SERIES_COLUMNS]
    if clash:
        raise ValueError(f"by column(s) {clash!r} clash with the output columns; rename them.")
    normalise_freq(freq)
    reviews = _load(spark, source, keys)
    row = reviews.frame.where(F.col("counted")).agg(
        F.min("t").alias("first"), F.max("t").alias("last")
    ).first()
    times = (
        np.array([], dtype="int64")
        if row is None or row["first"] is None
        else np.array([int(row["first"]), int(row["last"])], dtype="int64")
    )
    edges = series_edges(times, start, end, freq).asi8
    oldest = min(int(times[0]), int(edges[0])) if len(times) else int(edges[0])
    span_days = (int(edges[-1]) - oldest) / NS_PER_DAY
    if span_days / params.half_life_days > MAX_SPAN_HALF_LIVES:
        raise ParameterError(
            f"The reviews span {span_days:.0f} days, more than {MAX_SPAN_HALF_LIVES:.0f} "
            f"half-lives of {params.half_life_days:g} days: the Spark series would leave "
            "double range. Use a longer half-life or a later start, or the pandas path."
        )
    reference = oldest + (int(edges[-1]) - oldest) // 2
    return reviews, edges, reference


def score_series_frame(
    spark: SparkSession,
    source: Any,
    by: str | Sequence[str] = "company",
    *,
    freq: str = "D",
    start: object = None,
    end: object = None,
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    clock: Clock = "live",
    model: ScoreModel | None = None,
) -> DataFrame:
    """:func:`score_series_by_spark` as a Spark DataFrame (nothing collected): the ``by``
    column(s), ``period`` (its start, a Spark timestamp), then ``score``,
    ``effective_reviews``, ``reviews``, ``new_reviews``, ``mean_rating``; one row per
    group and period, ordered by group (NULLs last) then period."""
    from pyspark.sql import functions as F

    params = resolve_params(params, half_life_days, prior_count, prior_mean, model)
    keys = group_keys(by)
    reviews, edges, reference = _series_inputs(
        spark, source, keys, freq, start, end, clock, params
    )
    cells = _series_cells(spark, reviews, edges, reference, params, freq)
    starts = F.array(*[F.lit(int(s // 1000)) for s in edges[:-1]])
    return cells.orderBy(
        *[F.col(a).asc_nulls_last() for a in reviews.aliases], F.col("slot")
    ).select(
        *[F.col(a).alias(k) for a, k in zip(reviews.aliases, keys, strict=True)],
        F.timestamp_micros(F.element_at(starts, (F.col("slot") + 1).cast("int"))).alias("period"),
        *SERIES_COLUMNS[1:],
    )


def _series_cells(
    spark: SparkSession, reviews: _Reviews, edges: np.ndarray, reference: int,
    params: ScoreParams, freq: str,
) -> DataFrame:
    """Per (group, period slot): the series columns after ``period``."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    aliases = reviews.aliases
    periods = len(edges) - 1
    h = params.half_life_days
    t, stars = F.col("t"), F.col("stars")
    index = _period_index(t, int(edges[0]), freq)
    counted = reviews.frame.where(F.col("counted"))
    placed = counted.select(*aliases, t, stars, index.alias("index")).where(
        F.col("index") < F.lit(periods)
    )
    # v_i = 2 ** ((t_i - R) / H): the weight relative to the reference instant R.
    lift = _decay(F.lit(reference) - t, h)
    new = F.col("index") >= 0
    cells = placed.groupBy(*aliases, F.greatest(F.col("index"), F.lit(0)).alias("slot")).agg(
        F.sum(lift * stars).alias("sa"),
        F.sum(lift).alias("sb"),
        F.count(F.lit(1)).alias("n"),
        F.count(F.when(new, 1)).alias("new_n"),
        F.sum(F.when(new, stars)).alias("new_stars"),
    )
    groups = reviews.frame.select(*aliases).distinct()
    grid = groups.crossJoin(spark.range(periods).withColumnRenamed("id", "slot"))
    condition = [grid[a].eqNullSafe(cells[a]) for a in aliases] + [
        grid["slot"] == cells["slot"]
    ]
    joined = grid.join(cells, on=condition, how="left").select(
        *[grid[a] for a in aliases], grid["slot"], "sa", "sb", "n", "new_n", "new_stars"
    )
    running = Window.partitionBy(*aliases).orderBy("slot").rowsBetween(
        Window.unboundedPreceding, Window.currentRow
    )
    cum_a = F.sum(F.coalesce(F.col("sa"), F.lit(0.0))).over(running)
    cum_b = F.sum(F.coalesce(F.col("sb"), F.lit(0.0))).over(running)
    cum_n = F.sum(F.coalesce(F.col("n"), F.lit(0))).over(running)
    summed = joined.select(
        *aliases, "slot", cum_a.alias("ca"), cum_b.alias("cb"), cum_n.alias("cn"),
        F.coalesce(F.col("new_n"), F.lit(0)).cast("long").alias("new_reviews"),
        F.col("new_stars"),
    )
    bounds = F.array(*[F.lit(int(b)) for b in edges[1:]])
    drop = _decay(F.element_at(bounds, (F.col("slot") + 1).cast("int")) - F.lit(reference), h)
    a, b, n = F.col("ca") * drop, F.col("cb") * drop, F.col("cn")
    mean = F.when((n > 0) & (F.col("cb") > 0), F.col("ca") / F.col("cb"))
    return summed.select(
        *aliases,
        "slot",
        _score(a, b, n, mean, params).alias("score"),
        b.alias("effective_reviews"),
        n.cast("long").alias("reviews"),
        "new_reviews",
        F.when(F.col("new_reviews") > 0, F.col("new_stars") / F.col("new_reviews")).alias(
            "mean_rating"
        ),
    )


def score_series_by_spark(
    spark: SparkSession,
    source: Any,
    by: str | Sequence[str] = "company",
    *,
    freq: str = "D",
    start: object = None,
    end: object = None,
    params: ScoreParams | None = None,
    half_life_days: float | None = None,
    prior_count: float | None = None,
    prior_mean: float | None = None,
    clock: Clock = "live",
    model: ScoreModel | None = None,
) -> pd.DataFrame:
    """:func:`scoring.groups.score_series_by` (live clock) computed by Spark.

    The same long frame: the ``by`` column(s), ``period`` (its start, UTC),
    ``score``, ``effective_reviews``, ``reviews``, ``new_reviews``, ``mean_rating``;
    every group present in the data over one shared period grid (``start``/``end``
    default to the first and last counted review), rows by group (missing values
    last) then period. ``clock="displayed"`` is accepted under "trustpilot" (where
    it is the same series) and refused under "decayed-prior". The output has
    groups x periods rows, collected to the driver: aggregate to the display period
    first, or write :func:`score_series_frame` to Parquet instead.
    """
    params = resolve_params(params, half_life_days, prior_count, prior_mean, model)
    keys = group_keys(by)
    reviews, edges, reference = _series_inputs(
        spark, source, keys, freq, start, end, clock, params
    )
    frame = _series_cells(spark, reviews, edges, reference, params, freq).toPandas()
    frame = frame.rename(columns=dict(zip(reviews.aliases, keys, strict=True)))
    frame = _sorted(frame.sort_values("slot", kind="mergesort"), keys, by_score=False)
    slots = frame["slot"].to_numpy(dtype="int64")
    period = pd.DatetimeIndex(edges[:-1][slots].astype("datetime64[ns]")).tz_localize("UTC")
    out = frame[keys].assign(
        period=period,
        score=frame["score"].astype("float64"),
        effective_reviews=frame["effective_reviews"].astype("float64"),
        reviews=frame["reviews"].astype("int64"),
        new_reviews=frame["new_reviews"].astype("int64"),
        mean_rating=pd.to_numeric(frame["mean_rating"]).astype("float64"),
    )
    return out.loc[:, [*keys, *SERIES_COLUMNS]]


# --- spark-submit ----------------------------------------------------------------------


def spark_session(master: str | None = None, app_name: str = "trustlens") -> SparkSession:
    """The running Spark session, or a new one (``master`` e.g. ``"local[4]"``; by default
    spark-submit's, else ``local[*]``). A ``local`` master given here gets no web UI, and
    a local session quiet logs."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        builder = builder.config("spark.ui.enabled", "false")
    session = builder.getOrCreate()
    if str(session.sparkContext.master).startswith("local"):
        session.sparkContext.setLogLevel("ERROR")
    return session



def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scoring/spark.py",
        description=(
            "Score review Parquet files with Spark: one row per group (score) or per "
            "group and period (series), written as Parquet."
        ),
        epilog=(
            "examples:\n"
            "  spark-submit --py-files scoring.zip scoring/spark.py score reviews/ \\\n"
            "      --by company,location --as-of 2025-06-30 --out scores.parquet\n"
            "  spark-submit --py-files scoring.zip scoring/spark.py series 'reviews/*.parquet' \\\n"
            "      --by company --freq M --model decayed-prior --out series.parquet\n"
            "  python -m scoring.spark score reviews/ --master 'local[4]' --out scores.parquet\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("score", "the score table at one instant"),
                       ("series", "the live score at the end of every period")):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("paths", nargs="+", help="Parquet files, folders or globs")
        sub.add_argument("--by", default="company",
                         help="group column(s), comma-separated (default: company)")
        sub.add_argument("--out", required=True, help="the Parquet folder to write")
        sub.add_argument("--model", choices=("trustpilot", "decayed-prior"), default=None)
        sub.add_argument("--half-life", type=float, default=None, dest="half_life_days",
                         help="days ('inf' for no decay; default 182.5)")
        sub.add_argument("--prior-count", type=float, default=None)
        sub.add_argument("--prior-mean", type=float, default=None)
        sub.add_argument("--master", default=None,
                         help="Spark master (default: spark-submit's, else local[*])")
        sub.add_argument("--mode", choices=("error", "overwrite"), default="error",
                         help="when --out exists: fail (default) or overwrite")
        if name == "score":
            sub.add_argument("--as-of", default=None,
                             help="the instant (default: the newest counted review)")
            sub.add_argument("--change-days", type=float, default=DEFAULT_CHANGE_DAYS)
        else:
            sub.add_argument("--freq", default="M", help="D, W, M, Q or Y (default M)")
            sub.add_argument("--start", default=None)
            sub.add_argument("--end", default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The spark-submit job: read Parquet, score, write Parquet. Exit codes: 0 done,
    2 bad arguments or data (message on stderr)."""
    args = _parser().parse_args(argv)
    from pyspark.sql import SparkSession

    created = SparkSession.getActiveSession() is None  # else the caller's: leave it running
    spark = spark_session(args.master, f"trustlens-{args.command}")
    try:
        by = [key.strip() for key in str(args.by).split(",") if key.strip()]
        common: dict[str, Any] = {
            "half_life_days": args.half_life_days,
            "prior_count": args.prior_count,
            "prior_mean": args.prior_mean,
            "model": args.model,
        }
        if args.command == "score":
            frame = score_table_frame(spark, args.paths, by, as_of=args.as_of,
                                      change_days=args.change_days, **common)
        else:
            frame = score_series_frame(spark, args.paths, by, freq=args.freq,
                                       start=args.start, end=args.end, **common)
        # Timestamps as UTC instants (TIMESTAMP_MICROS, adjusted to UTC), not legacy INT96,
        # so pandas reads last_review_at / period back as UTC.
        spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        frame.write.mode(args.mode).parquet(args.out)
    except (ReviewDataError, ParameterError, ValueError) as error:
        print(f"trustlens spark: {error}", file=sys.stderr)
        return 2
    finally:
        if created:
            spark.stop()
    print(f"trustlens spark: wrote {args.out}", file=sys.stderr)
    return 0


__all__ = [
    "MAX_SPAN_HALF_LIVES",
    "main",
    "score_series_by_spark",
    "score_series_frame",
    "score_table_frame",
    "score_table_spark",
    "spark_session",
]

if __name__ == "__main__":
    sys.exit(main())
