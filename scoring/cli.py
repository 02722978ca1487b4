"""The command line: ``trustlens score`` and ``trustlens series`` (also ``python -m scoring``).

Batch scoring for a scheduler: read review exports (through the importer, every row
kept, dropped as a duplicate or rejected, with the counts on stderr) and/or canonical
Parquet files and folders, score every group with :func:`scoring.groups.score_table`
(or :func:`scoring.sql.score_table_sql` with ``--engine duckdb``), and write one
Parquet or CSV file. ``series`` writes :func:`scoring.groups.score_series_by`'s long
table. The scores are the engine's own, so every formula is in those functions'
docstrings; this module only reads, dispatches and writes.

Exit codes (what a scheduler can act on)::

    0  success: the output file was written (atomically: a temporary file renamed)
    1  unexpected error (a bug or the environment: disk full, out of memory, ...)
    2  usage error: unknown option, malformed number, bad output extension (click's)
    3  bad input data: a file missing, unreadable or without the columns needed,
       or no reviews at all; the message names the file (and column / row)
    4  bad parameters: a value out of range (half-life <= 0, negative prior count,
       an unreadable date, end before start)
    5  engine unavailable: ``--engine spark`` without pyspark / scoring.spark

Errors are one line on stderr starting with ``Error``, never a traceback (unless
``--traceback`` is given, for a bug report).

Inputs: a ``.parquet`` file whose ``created_at`` is a timestamp and ``rating`` an
integer is taken as the canonical review table and read as it is (with ``--engine
duckdb``, by DuckDB's SQL directly); a folder stands for the ``.parquet`` files under
it; anything else is a review export and goes through :func:`scoring.load_many`.

The Spark engine lives in ``scoring.spark`` (optional; it needs pyspark and Java).
This module calls ``score_table_spark`` and ``score_series_by_spark`` with the running
Spark session (:func:`scoring.spark.spark_session`: spark-submit's, else a local one) and
the Parquet files (exports are imported and written to Parquet first).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
import numpy as np
import pandas as pd

from scoring.errors import ParameterError, ReviewDataError
from scoring.groups import DEFAULT_CHANGE_DAYS, group_keys, score_series_by, score_table
from scoring.model import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_MODEL,
    DEFAULT_PRIOR_COUNT,
    DEFAULT_PRIOR_MEAN,
    SCORE_MODELS,
    Clock,
    ScoreParams,
)
from scoring.reviews import validate_reviews

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_PARAMETER = 4
EXIT_ENGINE = 5

ENGINES: tuple[str, ...] = ("pandas", "duckdb", "spark")
FREQS: tuple[str, ...] = ("D", "W", "M", "Q", "Y")
OUTPUT_SUFFIXES: tuple[str, ...] = (".parquet", ".csv")
METADATA_KEY = b"trustlens"
"""The Parquet schema metadata key holding the run's parameters (JSON)."""

EXIT_CODES_HELP = """\b
Exit codes:
  0  ok, output written
  1  unexpected error (a bug, disk full, out of memory)
  2  usage error (unknown option, malformed value, bad output extension)
  3  bad input data (file missing or unreadable, column missing, no reviews);
     the message names the file
  4  bad parameter value (half-life <= 0, prior count < 0, unreadable date)
  5  engine unavailable (--engine spark without pyspark / scoring.spark)
"""

F = TypeVar("F", bound=Callable[..., Any])


# ---------------------------------------------------------------------------
# Errors and exit codes
# ---------------------------------------------------------------------------


class Failure(click.ClickException):
    """An error the command reports in one line and exits with ``exit_code``."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        # click declares exit_code on the class; click's main reads it off the instance.
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        kind = {
            EXIT_DATA: "bad input data",
            EXIT_PARAMETER: "bad parameter",
            EXIT_ENGINE: "engine unavailable",
            EXIT_UNEXPECTED: "unexpected",
        }.get(self.exit_code, "error")
        click.echo(f"Error ({kind}): {self.format_message()}", err=True)


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot run here (its package or runtime is missing)."""


def _handled(func: F) -> F:
    """Turn the package's exceptions into one-line messages and the documented exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except ReviewDataError as exc:
            raise Failure(str(exc), EXIT_DATA) from None
        except ValueError as exc:  # ParameterError and the engines' checks of arguments
            raise Failure(str(exc), EXIT_PARAMETER) from None
        except EngineUnavailable as exc:
            raise Failure(str(exc), EXIT_ENGINE) from None
        except Exception as exc:
            if click.get_current_context().find_root().params.get("traceback"):
                raise
            raise Failure(
                f"{type(exc).__name__}: {exc} (run with --traceback for details)",
                EXIT_UNEXPECTED,
            ) from None

    return wrapper  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# Messages and progress on stderr
# ---------------------------------------------------------------------------


@dataclass
class Console:
    """Progress and counts on stderr (nothing with ``quiet``); stdout stays empty."""

    quiet: bool = False
    started: float = field(default_factory=time.perf_counter)

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)

    def step(self, message: str) -> None:
        """A step of the run, with the seconds elapsed since the start."""
        self.info(f"[{time.perf_counter() - self.started:6.1f} s] {message}")

    @contextlib.contextmanager
    def progress(self, items: Sequence[Path], label: str) -> Iterator[Iterable[Path]]:
        """A progress bar over ``items`` (only for more than one, and never when quiet)."""
        if self.quiet or len(items) < 2:
            yield items
            return
        with click.progressbar(items, label=label, file=sys.stderr,
                               item_show_func=lambda p: p.name if p else None) as bar:
            yield bar


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


def parse_by(value: str) -> list[str]:
    """``company,location`` -> ``["company", "location"]`` (a usage error if empty)."""
    keys = [part.strip() for part in value.split(",") if part.strip()]
    try:
        return group_keys(keys)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--by'") from None


def parse_instant(value: str | None, what: str) -> pd.Timestamp | None:
    """A date or time from the command line as a UTC timestamp (naive: UTC)."""
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"{what} {value!r} is not a date or time ({exc}); give e.g. 2025-06-30 or "
            "2025-06-30T12:00:00Z."
        ) from None
    if stamp is pd.NaT:
        raise ParameterError(f"{what} is empty; give a date such as 2025-06-30.")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _output_path(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    path = Path(value)
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise click.BadParameter(
            f"{value!r} must end in .parquet or .csv (the format follows the extension)."
        )
    if not path.parent.is_dir():
        raise click.BadParameter(f"the folder {str(path.parent)!r} does not exist.")
    return path


def _csv_path(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if not path.parent.is_dir():
        raise click.BadParameter(f"the folder {str(path.parent)!r} does not exist.")
    return path


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """The files of a run: canonical Parquet read as it is, and exports to import."""

    parquet: tuple[Path, ...]
    exports: tuple[Path, ...]


def is_canonical_parquet(path: Path) -> bool:
    """Whether ``path`` is a Parquet file in the canonical layout (``created_at`` a
    timestamp, ``rating`` an integer): read as it is, not through the importer."""
    if path.suffix.lower() != ".parquet":
        return False
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception:  # not readable as Parquet: the importer will say why
        return False
    names = set(schema.names)
    if not {"created_at", "rating"} <= names:
        return False
    return bool(pa.types.is_timestamp(schema.field("created_at").type)
                and pa.types.is_integer(schema.field("rating").type))


def collect_inputs(paths: Sequence[str]) -> Inputs:
    """Sort the command's PATHS into canonical Parquet files and exports.

    A folder stands for the ``.parquet`` files under it (recursively, sorted). Raises
    :class:`ReviewDataError` naming a path that does not exist or a folder without
    Parquet files.
    """
    parquet: list[Path] = []
    exports: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.parquet") if p.is_file())
            if not files:
                raise ReviewDataError(f"{given}: the folder holds no .parquet files.")
        elif path.is_file():
            files = [path]
        else:
            raise ReviewDataError(f"{given}: no such file or folder.")
        for file in files:
            (parquet if is_canonical_parquet(file) else exports).append(file)
    return Inputs(tuple(parquet), tuple(exports))


@dataclass(frozen=True)
class ImportOptions:
    """The importer's options for review exports (see :func:`scoring.load_reviews`)."""

    reference_date: pd.Timestamp | None = None
    dayfirst: bool | None = None
    rating_scale: int | None = None
    company: str | None = None
    honour_flags: bool = True


_OPTION_FLAGS = {
    "reference_date": "--reference-date",
    "dayfirst": "--dayfirst / --monthfirst",
    "rating_scale": "--rating-scale",
}


def import_exports(
    exports: Sequence[Path], options: ImportOptions, console: Console,
    rejected_out: Path | None,
) -> pd.DataFrame:
    """The exports through :func:`scoring.load_many`, with the importer's counts on stderr
    and the rejected rows written to ``rejected_out`` (CSV) when given."""
    from scoring.ingest import load_many

    console.step(f"Importing {len(exports)} review export(s)…")
    try:
        result = load_many(
            [str(path) for path in exports],
            reference_date=options.reference_date,
            dayfirst=options.dayfirst,
            rating_scale=options.rating_scale,
            company=options.company,
            honour_flags=options.honour_flags,
        )
    except ReviewDataError as exc:
        flag = _OPTION_FLAGS.get(exc.option or "")
        hint = f" On the command line: {flag}." if flag else ""
        raise ReviewDataError(f"{exc}{hint}", option=exc.option) from None
    report = result.report
    for part in report.files or [report]:
        console.info(f"  {part.summary()}")
        for warning in part.warnings:
            console.info(f"  warning: {warning}")
    if len(report.files) > 1:
        console.info(
            f"  total: {report.rows_read:,} rows read, {report.kept:,} kept, "
            f"{report.duplicates:,} duplicates, {report.rejected:,} rejected."
        )
    if rejected_out is not None:
        _write_atomically(rejected_out, lambda tmp: result.rejected.to_csv(tmp, index=False))
        console.info(f"  {len(result.rejected):,} rejected row(s) written to {rejected_out}.")
    return result.reviews


def _names(paths: Sequence[str | Path], shown: int = 3) -> str:
    """File names for a message: the first ``shown`` and how many more."""
    names = [str(path) for path in paths[:shown]]
    more = len(paths) - len(names)
    return ", ".join(names) + (f" and {more:,} more" if more > 0 else "")


def _needed_columns(keys: Sequence[str]) -> list[str]:
    return ["created_at", "rating", "counts", *keys]


def _check_parquet_columns(files: Sequence[Path], keys: Sequence[str]) -> bool:
    """Check every canonical file has the key columns; whether any has ``counts``."""
    import pyarrow.parquet as pq

    has_counts = False
    for file in files:
        names = pq.read_schema(file).names
        missing = [key for key in keys if key not in names]
        if missing:
            raise ReviewDataError(
                f"{file}: no {', '.join(repr(k) for k in missing)} column to group by "
                f"(columns present: {', '.join(names)})."
            )
        has_counts = has_counts or "counts" in names
    return has_counts


def canonical_frame(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """A table read from canonical Parquet made canonical in memory: ``created_at`` as
    UTC nanoseconds (naive values are UTC), then validated; errors name ``where``."""
    if "created_at" in frame.columns:
        created = frame["created_at"]
        if isinstance(created.dtype, pd.DatetimeTZDtype):
            created = created.dt.tz_convert("UTC")
        elif pd.api.types.is_datetime64_dtype(created.dtype):
            created = created.dt.tz_localize("UTC")
        frame = frame.assign(created_at=created.astype("datetime64[ns, UTC]"))
    try:
        return validate_reviews(frame)
    except ReviewDataError as exc:
        raise ReviewDataError(f"{where}: {exc}") from None


def read_canonical(path: Path, keys: Sequence[str]) -> pd.DataFrame:
    """The columns scoring needs from one canonical Parquet file."""
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
        frame = pd.read_parquet(path, columns=[c for c in _needed_columns(keys) if c in names])
    except Exception as exc:
        raise ReviewDataError(
            f"{path}: could not be read as Parquet ({type(exc).__name__}: {exc})."
        ) from None
    return canonical_frame(frame, str(path))


def load_reviews_frame(
    inputs: Inputs, keys: Sequence[str], options: ImportOptions, console: Console,
    rejected_out: Path | None, *, duckdb_reader: bool = False,
    memory_limit: str | None = None, temp_dir: str | None = None,
) -> pd.DataFrame:
    """Every input as one canonical review table in memory (the pandas path).

    Canonical Parquet is read file by file with a progress bar (by DuckDB in one query
    with ``duckdb_reader``); exports go through the importer.
    """
    frames: list[pd.DataFrame] = []
    if inputs.parquet:
        _check_parquet_columns(inputs.parquet, keys)
        if duckdb_reader:
            console.step(f"Reading {len(inputs.parquet)} Parquet file(s) with DuckDB…")
            frames.append(_read_with_duckdb(inputs.parquet, keys, memory_limit, temp_dir))
        else:
            with console.progress(inputs.parquet, "Reading Parquet") as files:
                frames.extend(read_canonical(path, keys) for path in files)
    if inputs.exports:
        frames.append(import_exports(inputs.exports, options, console, rejected_out))
    reviews = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if len(reviews) == 0:
        raise ReviewDataError(
            f"The inputs hold no reviews ({_names([*inputs.parquet, *inputs.exports])})."
        )
    console.step(f"{len(reviews):,} reviews loaded.")
    return reviews


def _read_with_duckdb(
    files: Sequence[Path], keys: Sequence[str], memory_limit: str | None = None,
    temp_dir: str | None = None,
) -> pd.DataFrame:
    import duckdb

    from scoring.sql import parquet_columns, quote_identifier

    paths = [str(path) for path in files]
    con = _duckdb_connection(memory_limit, temp_dir)
    try:
        present = parquet_columns(paths, con)
        columns = [quote_identifier(c) for c in _needed_columns(keys) if c in present]
        query = f"SELECT {', '.join(columns)} FROM read_parquet($1, union_by_name = true)"
        frame = con.sql(query, params=[paths]).to_arrow_table().to_pandas()
    except duckdb.Error as exc:
        raise ReviewDataError(
            f"{_names(paths)}: DuckDB could not read the files ({exc})."
        ) from None
    finally:
        con.close()
    return canonical_frame(frame, _names(paths))


def newest_counted(reviews: pd.DataFrame) -> pd.Timestamp:
    """The default ``as_of`` of :func:`scoring.groups.score_table`: the newest counted
    review (else the newest review)."""
    created = reviews["created_at"]
    if "counts" in reviews.columns:
        counted = created[reviews["counts"].fillna(True).astype(bool).to_numpy()]
        if len(counted):
            return pd.Timestamp(counted.max())
    return pd.Timestamp(created.max())


@contextlib.contextmanager
def parquet_for_sql(
    inputs: Inputs, keys: Sequence[str], options: ImportOptions, console: Console,
    rejected_out: Path | None,
) -> Iterator[list[str]]:
    """The Parquet files an SQL engine reads: the canonical ones as given, plus the
    imported exports written to a temporary Parquet file (removed afterwards)."""
    _check_parquet_columns(inputs.parquet, keys)
    files = [str(path) for path in inputs.parquet]
    with tempfile.TemporaryDirectory(prefix="trustlens-") as folder:
        if inputs.exports:
            reviews = import_exports(inputs.exports, options, console, rejected_out)
            missing = [key for key in keys if key not in reviews.columns]
            if missing:
                raise ReviewDataError(
                    f"{_names(inputs.exports)}: no "
                    f"{', '.join(repr(k) for k in missing)} column to group by (columns "
                    f"present: {', '.join(map(str, reviews.columns))})."
                )
            imported = Path(folder) / "imported.parquet"
            columns = [c for c in _needed_columns(keys) if c in reviews.columns]
            reviews.loc[:, columns].to_parquet(imported, index=False)
            files.append(str(imported))
        yield files


# ---------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------


def spark_engine() -> Any:
    """The ``scoring.spark`` module once pyspark imports, or :class:`EngineUnavailable`
    saying what is missing."""
    try:
        importlib.import_module("pyspark")
        return importlib.import_module("scoring.spark")
    except ImportError as exc:
        raise EngineUnavailable(
            f"the Spark engine cannot run here ({exc}). It needs pyspark "
            "(pip install -r requirements-spark.txt) and Java 17; or use --engine duckdb, "
            "which scores hundreds of millions of reviews on one machine."
        ) from None


def _spark_session(module: Any) -> Any:
    """The running Spark session or a new one; a JVM that cannot start is an engine that
    is unavailable (exit 5), not a bug."""
    try:
        return module.spark_session()
    except Exception as exc:  # pyspark raises plain exceptions when Java is missing
        raise EngineUnavailable(
            f"Spark could not start ({type(exc).__name__}: {str(exc)[:200]}). It needs "
            "Java 17 (e.g. apt-get install openjdk-17-jre-headless)."
        ) from None


def _duckdb_connection(memory_limit: str | None, temp_directory: str | None) -> Any:
    import duckdb

    con = duckdb.connect()
    try:
        if memory_limit is not None:
            con.execute("SET memory_limit = $1", [memory_limit])
        if temp_directory is not None:
            con.execute("SET temp_directory = $1", [temp_directory])
    except duckdb.Error as exc:
        con.close()
        raise ParameterError(f"DuckDB refused a setting: {exc}") from None
    return con


@contextlib.contextmanager
def _duckdb_progress(con: Any, console: Console) -> Iterator[None]:
    """DuckDB's own progress bar for a query running over 2 s, on stderr, when stderr is
    a terminal and not ``quiet``. DuckDB prints it on file descriptor 1, which is
    pointed at stderr's meanwhile, so stdout stays clean."""
    if console.quiet or not sys.stderr.isatty():
        yield
        return
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = true")
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(sys.stderr.fileno(), 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        click.echo("", err=True)


def _check_duckdb_settings(engine: str, memory_limit: str | None, temp_dir: str | None) -> None:
    """Refuse DuckDB settings it cannot take before any long import (exit 4)."""
    if engine == "duckdb" and (memory_limit is not None or temp_dir is not None):
        _duckdb_connection(memory_limit, temp_dir).close()


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """``write`` to a temporary file beside ``path``, then rename it into place, so a
    reader never sees half a file."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                    dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except ValueError as exc:  # pyarrow's conversion errors: a bug here, not bad input
        raise RuntimeError(f"{path} could not be written ({exc}).") from exc
    finally:
        tmp.unlink(missing_ok=True)


def write_frame(frame: pd.DataFrame, path: Path, metadata: dict[str, Any]) -> None:
    """``frame`` to ``.parquet`` (with ``metadata`` as JSON in the schema) or ``.csv``."""
    if path.suffix.lower() == ".csv":
        _write_atomically(path, lambda tmp: frame.to_csv(tmp, index=False))
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        merged = {**(table.schema.metadata or {}), METADATA_KEY: json.dumps(metadata).encode()}
        pq.write_table(table.replace_schema_metadata(merged), tmp)

    _write_atomically(path, write)


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The run's parameters stored in a Parquet file this command wrote ({} if none)."""
    import pyarrow.parquet as pq

    raw = (pq.read_schema(path).metadata or {}).get(METADATA_KEY)
    return {} if raw is None else dict(json.loads(raw))


def _params_columns(params: ScoreParams) -> dict[str, Any]:
    return {
        "model": params.model,
        "half_life_days": params.half_life_days,
        "prior_count": params.prior_count,
        "prior_mean": params.prior_mean,
    }


def _json_safe(value: float) -> float | str:
    return value if np.isfinite(value) else str(value)


# ---------------------------------------------------------------------------
# The commands
# ---------------------------------------------------------------------------


def _model_options(func: F) -> F:
    options = [
        click.option("--model", type=click.Choice(SCORE_MODELS), default=DEFAULT_MODEL,
                     show_default=True,
                     help="Score model: 'trustpilot' (the prior against the review count; "
                          "matches published scores) or 'decayed-prior'."),
        click.option("--half-life-days", type=float, default=DEFAULT_HALF_LIFE_DAYS,
                     show_default=True, metavar="DAYS",
                     help="Half-life of a review's weight, in days (> 0; 'inf': no decay)."),
        click.option("--prior-count", type=float, default=DEFAULT_PRIOR_COUNT,
                     show_default=True, metavar="N",
                     help="The prior's weight, in reviews (>= 0)."),
        click.option("--prior-mean", type=float, default=DEFAULT_PRIOR_MEAN,
                     show_default=True, metavar="STARS",
                     help="The prior's stars."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _input_options(func: F) -> F:
    options = [
        click.argument("paths", nargs=-1, required=True, metavar="PATHS..."),
        click.option("--by", "by", default="company", show_default=True, metavar="COLS",
                     help="Group column(s), comma-separated: company or company,location."),
        click.option("--engine", type=click.Choice(ENGINES), default="pandas",
                     show_default=True, help="Where the scoring runs."),
        click.option("--out", "out", required=True, callback=_output_path,
                     metavar="FILE", help="Output file: .parquet or .csv."),
        click.option("--rejected", "rejected", callback=_csv_path, metavar="FILE.csv",
                     help="Write the rows the importer rejected (with row and reason)."),
        click.option("--reference-date", metavar="DATE",
                     help="Day relative dates in exports ('2 days ago') count back from."),
        click.option("--dayfirst/--monthfirst", default=None,
                     help="Order of numeric dates like 01/02/2025 in exports "
                          "(default: read from the values)."),
        click.option("--rating-scale", type=click.Choice(["5", "10"]), default=None,
                     help="10: convert a 0-10 rating scale in exports to stars."),
        click.option("--company", metavar="NAME",
                     help="Company name for export rows without one (default: the file "
                          "name)."),
        click.option("--all-reviews", is_flag=True,
                     help="Ignore Trustpilot's filtered/pending flags in exports (every "
                          "review counts)."),
        click.option("--memory-limit", metavar="SIZE",
                     help="--engine duckdb: its memory limit, e.g. 4GB (it spills to disk "
                          "beyond)."),
        click.option("--temp-dir", metavar="DIR",
                     help="--engine duckdb: where it spills (default: its own)."),
        click.option("--quiet", "-q", is_flag=True,
                     help="No progress or counts on stderr (errors still print)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@dataclass(frozen=True)
class _Run:
    """What both commands share, parsed."""

    inputs: Inputs
    keys: list[str]
    params: ScoreParams
    options: ImportOptions
    console: Console


def _prepare(
    paths: Sequence[str], by: str, params: dict[str, Any], import_kwargs: dict[str, Any],
    quiet: bool,
) -> _Run:
    console = Console(quiet=quiet)
    keys = parse_by(by)
    score_params = ScoreParams(**params)
    options = ImportOptions(
        reference_date=parse_instant(import_kwargs["reference_date"], "--reference-date"),
        dayfirst=import_kwargs["dayfirst"],
        rating_scale=None if import_kwargs["rating_scale"] is None
        else int(import_kwargs["rating_scale"]),
        company=import_kwargs["company"],
        honour_flags=not import_kwargs["all_reviews"],
    )
    inputs = collect_inputs(paths)
    console.step(
        f"{len(inputs.parquet)} canonical Parquet file(s), {len(inputs.exports)} export(s)."
    )
    return _Run(inputs, keys, score_params, options, console)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES_HELP,
)
@click.option("--traceback", is_flag=True, hidden=True,
              help="Show the Python traceback of an unexpected error.")
def cli(traceback: bool) -> None:
    """TrustLens batch scoring: the TrustScore of every company or location, from review
    exports or canonical Parquet, for a nightly job.

    \b
    Examples:
      trustlens score exports/*.csv --by company --out scores.parquet
      trustlens series reviews/ --by company,location --freq M --out series.parquet
      python -m scoring score --help
    """


@cli.command(epilog=EXIT_CODES_HELP,
             short_help="Every group's score at one instant, one row per group.")
@_input_options
@click.option("--as-of", metavar="DATE",
              help="Score every group at this instant (default: the newest counted "
                   "review of all inputs).")
@click.option("--change-days", type=float, default=DEFAULT_CHANGE_DAYS, show_default=True,
              metavar="DAYS", help="The score_change column: the change over these days.")
@_model_options
@_handled
def score(
    paths: tuple[str, ...], by: str, engine: str, out: Path, rejected: Path | None,
    as_of: str | None, change_days: float, model: str, half_life_days: float,
    prior_count: float, prior_mean: float, quiet: bool, memory_limit: str | None,
    temp_dir: str | None, **import_kwargs: Any,
) -> None:
    """Score every group (company, location, ...) at one instant; write one row per group.

    PATHS are review exports (CSV, XLSX, JSON, ... read by the importer; its counts
    print to stderr) and/or canonical Parquet files or folders of them.

    Columns written: the --by column(s), score, display_score, stars, label, reviews,
    effective_reviews, score_change, last_review_at, then as_of, change_days and the
    model parameters (model, half_life_days, prior_count, prior_mean); the Parquet
    file also holds them as JSON metadata.

    \b
    Examples:
      trustlens score data/demo_reviews.csv --out scores.parquet
      trustlens score exports/ --by company,location --as-of 2025-06-30 \\
          --out scores.csv --rejected rejected.csv
      trustlens score reviews/ --engine duckdb --memory-limit 4GB --out scores.parquet
      trustlens score a.csv b.csv --model decayed-prior --half-life-days 90 \\
          --prior-count 5 --prior-mean 3.8 --out scores.parquet
    """
    run = _prepare(paths, by, {"model": model, "half_life_days": half_life_days,
                               "prior_count": prior_count, "prior_mean": prior_mean},
                   import_kwargs, quiet)
    console, keys, params = run.console, run.keys, run.params
    _check_duckdb_settings(engine, memory_limit, temp_dir)
    instant = parse_instant(as_of, "--as-of")
    if engine == "pandas":
        reviews = load_reviews_frame(run.inputs, keys, run.options, console, rejected)
        instant = instant if instant is not None else newest_counted(reviews)
        console.step(f"Scoring at {instant:%Y-%m-%d %H:%M:%S} UTC (pandas)…")
        table = score_table(reviews, keys, as_of=instant, params=params,
                            change_days=change_days)
    else:
        spark = spark_engine() if engine == "spark" else None
        with parquet_for_sql(run.inputs, keys, run.options, console, rejected) as files:
            if spark is not None:
                instant = instant if instant is not None else _newest_in_parquet(files)
                console.step(f"Scoring at {instant:%Y-%m-%d %H:%M:%S} UTC with Spark over "
                             f"{len(files)} Parquet file(s)…")
                table = spark.score_table_spark(
                    _spark_session(spark), files, by=keys, as_of=instant, params=params,
                    change_days=change_days)
            else:
                table, instant = _score_duckdb(files, keys, instant, params, change_days,
                                               memory_limit, temp_dir, console)
    if len(table) == 0:
        raise ReviewDataError("The inputs hold no reviews to score.")
    frame = table.reset_index().assign(
        as_of=instant.as_unit("ns"), change_days=float(change_days),
        **_params_columns(params),
    )
    metadata = {
        "command": "score", "engine": engine, "by": keys, "as_of": instant.isoformat(),
        "change_days": change_days, "model": params.model,
        "half_life_days": _json_safe(params.half_life_days),
        "prior_count": params.prior_count, "prior_mean": params.prior_mean,
        "inputs": [str(p) for p in (*run.inputs.parquet, *run.inputs.exports)],
    }
    write_frame(frame, out, metadata)
    console.step(f"Wrote {len(frame):,} group(s) to {out}.")


def _newest_in_parquet(files: list[str]) -> pd.Timestamp:
    """The default instant over Parquet files (newest counted review), read by DuckDB."""
    import duckdb

    from scoring.sql import newest_counted_ns, parquet_columns

    con = duckdb.connect()
    try:
        has_counts = "counts" in parquet_columns(files, con)
        newest = newest_counted_ns(files, con, has_counts=has_counts)
    except duckdb.Error as exc:
        raise ReviewDataError(f"{_names(files)}: DuckDB could not read the files "
                              f"({exc}).") from None
    finally:
        con.close()
    if newest is None:
        raise ReviewDataError("The inputs hold no reviews to score; give --as-of.")
    return pd.Timestamp(newest, tz="UTC")


def _score_duckdb(
    files: list[str], keys: list[str], instant: pd.Timestamp | None, params: ScoreParams,
    change_days: float, memory_limit: str | None, temp_dir: str | None, console: Console,
) -> tuple[pd.DataFrame, pd.Timestamp]:
    """:func:`scoring.sql.score_table_sql` over ``files`` and the instant it scored at
    (``instant``, else the newest counted review)."""
    import duckdb

    from scoring.sql import score_table_sql

    if instant is None:
        instant = _newest_in_parquet(files)
    con = _duckdb_connection(memory_limit, temp_dir)
    try:
        console.step(f"Scoring at {instant:%Y-%m-%d %H:%M:%S} UTC with DuckDB over "
                     f"{len(files)} Parquet file(s)…")
        with _duckdb_progress(con, console):
            table = score_table_sql(files, by=keys, as_of=instant, params=params,
                                    change_days=change_days, con=con)
    except duckdb.OutOfMemoryException as exc:
        raise MemoryError(f"DuckDB ran out of memory ({exc}); raise --memory-limit or give "
                          "--temp-dir on a disk with room to spill.") from None
    except duckdb.Error as exc:
        raise ReviewDataError(f"{_names(files)}: DuckDB could not score the files "
                              f"({exc}).") from None
    finally:
        con.close()
    return table, instant


@cli.command(epilog=EXIT_CODES_HELP,
             short_help="Every group's score at the end of every period (long table).")
@_input_options
@click.option("--freq", type=click.Choice(FREQS, case_sensitive=False), default="M",
              show_default=True, help="Period: day, week (from Monday), month, quarter, year.")
@click.option("--start", metavar="DATE", help="First period (default: the first review's).")
@click.option("--end", metavar="DATE", help="Last period (default: the last review's).")
@click.option("--clock", type=click.Choice(["live", "displayed"]), default="live",
              show_default=True,
              help="decayed-prior only: 'displayed' freezes the score between Trustpilot's "
                   "recalculations (slow for thousands of groups); trustpilot: the same.")
@_model_options
@_handled
def series(
    paths: tuple[str, ...], by: str, engine: str, out: Path, rejected: Path | None,
    freq: str, start: str | None, end: str | None, clock: str, model: str,
    half_life_days: float, prior_count: float, prior_mean: float, quiet: bool,
    memory_limit: str | None, temp_dir: str | None, **import_kwargs: Any,
) -> None:
    """The score of every group at the end of every period; one row per group and period.

    PATHS as for `score`. All groups share one period grid, so a group scores the
    prior mean before its first review. With --engine duckdb, DuckDB reads the
    Parquet files (the columns needed, in one query) and the series is computed by the
    same vectorised code as with pandas.

    Columns written: the --by column(s), period (its start, UTC), score,
    effective_reviews, reviews, new_reviews, mean_rating, then freq, clock and the model
    parameters.

    \b
    Examples:
      trustlens series data/demo_reviews.csv --freq M --out series.parquet
      trustlens series reviews/ --by company,location --freq W \\
          --start 2025-01-01 --end 2025-06-30 --out series.csv
      trustlens series exports/ --model decayed-prior --clock displayed --out s.parquet
    """
    run = _prepare(paths, by, {"model": model, "half_life_days": half_life_days,
                               "prior_count": prior_count, "prior_mean": prior_mean},
                   import_kwargs, quiet)
    console, keys, params = run.console, run.keys, run.params
    _check_duckdb_settings(engine, memory_limit, temp_dir)
    first, last = parse_instant(start, "--start"), parse_instant(end, "--end")
    letter = freq.upper()
    chosen_clock: Clock = "displayed" if clock == "displayed" else "live"
    if engine == "spark":
        spark = spark_engine()
        with parquet_for_sql(run.inputs, keys, run.options, console, rejected) as files:
            console.step(f"Series of {len(files)} Parquet file(s) with Spark…")
            table = spark.score_series_by_spark(
                _spark_session(spark), files, by=keys, freq=letter, start=first, end=last,
                params=params, clock=chosen_clock)
    else:
        reviews = load_reviews_frame(run.inputs, keys, run.options, console, rejected,
                                     duckdb_reader=engine == "duckdb",
                                     memory_limit=memory_limit, temp_dir=temp_dir)
        console.step(f"Series by {letter} ({engine})…")
        table = score_series_by(reviews, keys, freq=letter, start=first, end=last,
                                params=params, clock=chosen_clock)
    frame = table.reset_index(drop=True).assign(
        freq=letter, clock=chosen_clock, **_params_columns(params)
    )
    metadata = {
        "command": "series", "engine": engine, "by": keys, "freq": letter,
        "start": None if first is None else first.isoformat(),
        "end": None if last is None else last.isoformat(), "clock": chosen_clock,
        "model": params.model, "half_life_days": _json_safe(params.half_life_days),
        "prior_count": params.prior_count, "prior_mean": params.prior_mean,
        "inputs": [str(p) for p in (*run.inputs.parquet, *run.inputs.exports)],
    }
    write_frame(frame, out, metadata)
    console.step(f"Wrote {len(frame):,} row(s) to {out}.")


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """The console script ``trustlens`` (and ``python -m scoring``)."""
    cli.main(args=None if argv is None else list(argv), prog_name="trustlens")
    sys.exit(EXIT_OK)  # click's main exits itself; this is for the type checker


__all__ = [
    "EXIT_DATA",
    "EXIT_ENGINE",
    "EXIT_OK",
    "EXIT_PARAMETER",
    "EXIT_UNEXPECTED",
    "EXIT_USAGE",
    "cli",
    "collect_inputs",
    "is_canonical_parquet",
    "main",
    "read_metadata",
]
