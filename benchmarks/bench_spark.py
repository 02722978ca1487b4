"""Benchmark: the score table by pandas, DuckDB and Spark (local mode) on the same Parquet files.

For each size (reviews, 100 per company, from
:func:`benchmarks.bench_groups.write_synthetic_parquet`), every engine runs in a fresh
Python process of its own, so each peak memory belongs to that engine alone:

- ``pandas``: ``pd.read_parquet`` of the files, then :func:`scoring.groups.score_table`
  (the read is counted: the engine needs the table in memory);
- ``duckdb``: :func:`scoring.sql.score_table_sql` over the files, with
  ``memory_limit`` set (:data:`DUCKDB_MEMORY_LIMIT`) and a spill folder;
- ``spark``: :func:`scoring.spark.score_table_spark` in ``local[N]`` mode (the result
  collected to a pandas frame, as the others return it). The session start is timed
  on its own and not counted in the runs.

Each engine does one untimed run, then ``repeats`` timed ones (medians reported).
Peak memory is the kernel's high-water mark (``VmHWM``) of the engine's process;
for Spark, that of the Python driver plus that of its JVM (two processes; their sum
bounds the joint peak from above). For Spark, ``shuffle_write_bytes_per_run`` is
what its stages wrote to shuffle files (compressed), per run, from the Spark UI's
REST API. Every engine's scores are compared with pandas'
where pandas ran (``max_abs_diff_vs_pandas``), or with DuckDB's.

``run()`` returns a dict; ``python -m benchmarks.bench_spark`` prints it as JSON
(``--rows 1000000 10000000`` for the sizes).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("pandas", "duckdb", "spark")
DEFAULT_ROWS = (1_000_000, 10_000_000)
PANDAS_MAX_ROWS = 10_000_000
"""pandas holds the whole table in memory: above this the benchmark skips it."""
DUCKDB_MEMORY_LIMIT = "1GB"
SPARK_MASTER = "local[2]"
SPARK_DRIVER_MEMORY = "2g"


def _vm_hwm_mb(pid: int | str = "self") -> float:
    """The peak resident set of process ``pid``, in MB (10**6 bytes); 0 if unknown."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    return 0.0


def _descendants(pid: int) -> list[int]:
    """The live descendants of ``pid`` (from /proc; empty where it is missing)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def _engine(engine: str, folder: Path, workdir: Path) -> tuple[Any, Any, float]:
    """A function scoring the files with ``engine``, a cleanup, and the setup time (s)."""
    import pandas as pd

    from scoring.groups import score_table

    glob = str(folder / "*.parquet")
    if engine == "pandas":
        return (lambda: score_table(pd.read_parquet(folder), "company")), None, 0.0
    if engine == "duckdb":
        import duckdb

        from scoring.sql import score_table_sql

        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        con.execute("SET temp_directory = $1", [str(workdir / "duckdb-spill")])
        return (lambda: score_table_sql(glob, by="company", con=con)), con.close, 0.0
    from pyspark.sql import SparkSession

    from scoring.spark import score_table_spark

    began = time.perf_counter()
    spark = (
        SparkSession.builder.master(SPARK_MASTER)
        .appName("trustlens-bench")
        .config("spark.ui.enabled", "true")  # its REST API reports the shuffle bytes
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", SPARK_DRIVER_MEMORY)
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.local.dir", str(workdir / "spark-local"))
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    setup = time.perf_counter() - began
    _SPARK.append(spark)
    return (lambda: score_table_spark(spark, glob, "company")), spark.stop, setup


_SPARK: list[Any] = []


def _shuffle_write_bytes() -> int:
    """The bytes written to shuffle files by every stage of this process's Spark
    application so far (from its UI's REST API; 0 without Spark)."""
    if not _SPARK:
        return 0
    import urllib.request

    context = _SPARK[0].sparkContext
    url = f"{context.uiWebUrl}/api/v1/applications/{context.applicationId}/stages"
    with urllib.request.urlopen(url, timeout=30) as response:
        stages = json.load(response)
    return sum(int(stage.get("shuffleWriteBytes", 0)) for stage in stages)


def _child(engine: str, folder: Path, repeats: int, scores: Path) -> dict[str, object]:
    """Run ``engine`` once untimed and ``repeats`` times timed, in this process."""
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as work:
        score, close, setup = _engine(engine, folder, Path(work))
        try:
            table = score()  # untimed: caches, JIT, file metadata
            times = []
            for _ in range(repeats):
                began = time.perf_counter()
                table = score()
                times.append(time.perf_counter() - began)
            jvm_mb = sum(_vm_hwm_mb(pid) for pid in _descendants(os.getpid()))
            python_mb = _vm_hwm_mb()
            shuffle = _shuffle_write_bytes() / (1 + repeats)  # per run
        finally:
            if close is not None:
                close()
    table[["score"]].to_parquet(scores)
    return {"times_s": times, "setup_s": setup, "groups": len(table),
            "python_peak_mb": python_mb, "jvm_peak_mb": jvm_mb,
            "peak_mb": python_mb + jvm_mb, "shuffle_write_bytes_per_run": shuffle}


def _measure(engine: str, folder: Path, repeats: int, scores: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_spark", "--child", engine,
         "--folder", str(folder), "--repeats", str(repeats), "--scores", str(scores)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{engine} failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _max_gap(a: Path, b: Path) -> float:
    import pandas as pd

    left, right = pd.read_parquet(a)["score"], pd.read_parquet(b)["score"]
    joined = left.to_frame("a").join(right.to_frame("b"), how="outer")
    return float((joined["a"] - joined["b"]).abs().max())


def run(
    rows: tuple[int, ...] = DEFAULT_ROWS,
    repeats: int = 3,
    engines: tuple[str, ...] = ENGINES,
    workdir: str | Path | None = None,
    pandas_max_rows: int = PANDAS_MAX_ROWS,
) -> dict[str, object]:
    """Median seconds, rows/second and peak memory per engine and size (see the module).

    Keys: ``sizes``, a list of ``{"rows", "companies", "engines": {engine: {...}}}``
    where each engine has ``median_s``, ``times_s``, ``rows_per_s``, ``peak_mb``
    (``python_peak_mb``, ``jvm_peak_mb``), ``setup_s`` and ``max_abs_diff_vs_pandas``
    (or ``..._vs_duckdb``); pandas is skipped above ``pandas_max_rows``. An engine
    whose process fails (out of memory, say) gets ``failed`` with the end of its
    message instead of figures, and the others still run. Progress goes to stderr.
    """
    from benchmarks.bench_groups import REVIEWS_PER_COMPANY, write_synthetic_parquet

    result: dict[str, object] = {
        "repeats": repeats, "spark_master": SPARK_MASTER,
        "duckdb_memory_limit": DUCKDB_MEMORY_LIMIT, "cpus": os.cpu_count(), "sizes": [],
    }
    sizes: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-spark-", dir=workdir) as work:
        for size in rows:
            folder = Path(work) / f"reviews-{size}"
            _say(f"writing {size:,} reviews")
            write_synthetic_parquet(folder, size)
            measured: dict[str, dict[str, object]] = {}
            failed: dict[str, dict[str, object]] = {}
            for engine in engines:
                if engine == "pandas" and size > pandas_max_rows:
                    continue
                scores = Path(work) / f"scores-{engine}-{size}.parquet"
                _say(f"{engine} on {size:,} reviews")
                try:
                    data = _measure(engine, folder, repeats, scores)
                except RuntimeError as error:
                    failed[engine] = {"failed": str(error)[-500:]}
                    _say(f"{engine} failed")
                    continue
                median = statistics.median(data["times_s"])  # type: ignore[arg-type]
                data.update(median_s=median, rows_per_s=size / median, scores=str(scores))
                measured[engine] = data
            reference = "pandas" if "pandas" in measured else "duckdb"
            for engine, data in measured.items():
                if engine != reference and reference in measured:
                    data[f"max_abs_diff_vs_{reference}"] = _max_gap(
                        Path(str(data["scores"])), Path(str(measured[reference]["scores"])))
            for data in measured.values():
                del data["scores"]
            sizes.append({"rows": size, "companies": max(1, size // REVIEWS_PER_COMPANY),
                          "engines": {**measured, **failed}})
    result["sizes"] = sizes
    return result


def _say(text: str) -> None:
    print(f"[bench_spark {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=list(DEFAULT_ROWS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--child", choices=ENGINES)
    parser.add_argument("--folder")
    parser.add_argument("--scores")
    parser.add_argument("--pandas-max-rows", type=int, default=PANDAS_MAX_ROWS,
                        help="skip pandas above this many reviews (it holds them all)")
    parser.add_argument("--workdir", help="where the Parquet files and spill go")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, Path(args.folder), args.repeats,
                                Path(args.scores))))
        return
    print(json.dumps(run(tuple(args.rows), args.repeats, tuple(args.engines), args.workdir,
                         args.pandas_max_rows), indent=2))


if __name__ == "__main__":
    main()
