"""The workspace: an embedded DuckDB database of saved datasets and scenarios.

One workspace is one DuckDB file (see :func:`default_workspace_path`). It holds

``meta``
    ``key``/``value`` pairs; ``schema_version`` says which layout the file has.
``datasets``
    one row per saved review table: ``id``, ``name``, ``rows``, ``date_min``,
    ``date_max``, ``saved_at``, ``content_hash`` (unique), ``columns`` (JSON list of
    the canonical columns the table had) and ``report`` (JSON text).
``reviews``
    the rows of every saved table, keyed by ``dataset_id`` and ordered by
    ``row_no``, in the canonical schema: ``created_at TIMESTAMPTZ``,
    ``rating TINYINT``, the optional text columns (``reviewer`` and ``reply_text``
    among them) as ``VARCHAR``, ``invited``, ``counts`` and ``replied`` as ``BOOLEAN``,
    ``reply_at`` and ``updated_at`` as ``TIMESTAMPTZ``. Opening a workspace written
    before an optional column existed adds that column (empty for the datasets already
    saved); one written while ``replied`` and ``updated_at`` were still stored as text
    gets their proper types (values converted, unreadable ones empty).
``scenarios``
    saved projection-planner scenarios: ``id``, ``name``, ``params`` (JSON text),
    ``created_at``, ``updated_at``.
``readings``
    the TrustScores a dataset's profile published (:class:`~scoring.readings.PublishedReading`),
    keyed by ``dataset_id`` and ordered by ``position``: ``at TIMESTAMPTZ``,
    ``score DOUBLE``, ``review_count BIGINT`` (NULL: unknown), ``source VARCHAR``.
    Deleted with their dataset. Added to layout version 1 in place: opening an older
    file read-write creates the table; a read-only older file simply has no readings.

Threads and sessions
--------------------
A :class:`Workspace` owns one DuckDB connection and every method runs on a
short-lived cursor of its own (``connection.cursor()``, about 0.3 ms), so one
``Workspace`` can be shared by every thread of a process, e.g. cached once with
``st.cache_resource`` and used by all Streamlit sessions. Writes are serialised
by a lock inside the object (DuckDB allows a single writing process per file
anyway); reads run concurrently. :meth:`Workspace.cursor` hands out a cursor for
callers who want to run their own read queries.

Guarantees
----------
* Saving is one transaction: after a crash a dataset is either fully saved or
  absent. Saving the same table twice (same sha256 content hash) returns the
  dataset already saved, with ``created=False``.
* Values only ever reach SQL as bound parameters or a registered Arrow table;
  table and column names in SQL text are constants of this module.
* Every failure is a :class:`WorkspaceError` (a ``ValueError``) saying what went
  wrong, with which file, and what to do; never a raw DuckDB exception.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring.errors import ReviewDataError, WorkspaceError
from scoring.readings import PublishedReading
from scoring.reviews import CANONICAL_COLUMNS, REQUIRED_COLUMNS, validate_reviews

SCHEMA_VERSION = 1
"""Layout version written to ``meta.schema_version``; bump with a migration."""

NAME_MAX_LENGTH = 80
WORKSPACE_ENV_VAR = "TRUSTLENS_WORKSPACE"

_HASH_TAG = b"trustlens-reviews-v1\x00"
_TIMESTAMP_COLUMNS = frozenset({"created_at", "reply_at", "updated_at"})
_BOOL_COLUMNS = frozenset({"invited", "counts", "replied"})
_ARROW_TYPES: dict[str, pa.DataType] = {
    column: (
        pa.timestamp("us", tz="UTC")
        if column in _TIMESTAMP_COLUMNS
        else pa.int8()
        if column == "rating"
        else pa.bool_()
        if column in _BOOL_COLUMNS
        else pa.large_string()
    )
    for column in CANONICAL_COLUMNS
}
_SQL_TYPES: dict[str, str] = {
    column: (
        "TIMESTAMPTZ"
        if column in _TIMESTAMP_COLUMNS
        else "TINYINT"
        if column == "rating"
        else "BOOLEAN"
        if column in _BOOL_COLUMNS
        else "VARCHAR"
    )
    for column in CANONICAL_COLUMNS
}

# Schema. Every identifier here is a constant; no value is ever formatted into SQL.
_REVIEW_COLUMNS_DDL = ",\n    ".join(
    f'"{column}" {_SQL_TYPES[column]}' + (" NOT NULL" if column in ("created_at", "rating") else "")
    for column in CANONICAL_COLUMNS
)
_SCHEMA_DDL: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    "CREATE SEQUENCE IF NOT EXISTS dataset_id_seq START 1",
    "CREATE SEQUENCE IF NOT EXISTS scenario_id_seq START 1",
    """CREATE TABLE IF NOT EXISTS datasets (
    id BIGINT PRIMARY KEY,
    name VARCHAR NOT NULL,
    "rows" BIGINT NOT NULL,
    date_min TIMESTAMPTZ,
    date_max TIMESTAMPTZ,
    saved_at TIMESTAMPTZ NOT NULL,
    content_hash VARCHAR NOT NULL UNIQUE,
    "columns" VARCHAR NOT NULL,
    report VARCHAR
)""",
    f"""CREATE TABLE IF NOT EXISTS reviews (
    dataset_id BIGINT NOT NULL,
    row_no BIGINT NOT NULL,
    {_REVIEW_COLUMNS_DDL}
)""",
    """CREATE TABLE IF NOT EXISTS scenarios (
    id BIGINT PRIMARY KEY,
    name VARCHAR NOT NULL,
    params VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS readings (
    dataset_id BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    score DOUBLE NOT NULL,
    review_count BIGINT,
    source VARCHAR NOT NULL
)""",
)
_REQUIRED_TABLES = ("meta", "datasets", "reviews", "scenarios")
"""Tables every workspace has; ``readings`` came later and may be absent from an older
file opened read-only."""
_DATASET_FIELDS = (
    'SELECT id, name, "rows", date_min, date_max, saved_at, content_hash, "columns" FROM datasets'
)


@dataclass(frozen=True)
class DatasetInfo:
    """A saved dataset as listed in the workspace.

    ``date_min``/``date_max`` are the first and last ``created_at`` (UTC; ``None``
    for an empty table); ``columns`` are the canonical columns the table has, in
    canonical order. ``created`` is only meaningful on the value returned by
    :meth:`Workspace.save_dataset`: ``False`` means the same content was already
    saved and that existing dataset is returned (its name and report unchanged).
    """

    id: int
    name: str
    rows: int
    date_min: pd.Timestamp | None
    date_max: pd.Timestamp | None
    saved_at: pd.Timestamp
    content_hash: str
    columns: tuple[str, ...]
    created: bool = False


@dataclass(frozen=True)
class ScenarioInfo:
    """A saved projection scenario as listed in the workspace (without params)."""

    id: int
    name: str
    created_at: pd.Timestamp
    updated_at: pd.Timestamp


def default_workspace_path() -> Path:
    """Where the workspace lives unless told otherwise.

    ``$TRUSTLENS_WORKSPACE`` when set (and not empty); otherwise
    ``$XDG_DATA_HOME/trustlens/workspace.duckdb`` when ``XDG_DATA_HOME`` is an
    absolute path, else ``~/.local/share/trustlens/workspace.duckdb``. The user's
    data directory, never the repository. Nothing is created here; opening a
    :class:`Workspace` creates the parent directories.
    """
    configured = os.environ.get(WORKSPACE_ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "trustlens" / "workspace.duckdb"


def validate_name(name: object, kind: str = "name") -> str:
    """Return ``name`` stripped of surrounding spaces, or raise :class:`WorkspaceError`.

    A name has 1 to 80 characters after stripping, no control characters (tabs,
    line breaks, ...) and no path separators (``/`` or ``\\``). Anything else,
    quotes and SQL-looking text included, is allowed and stored verbatim.
    ``kind`` (e.g. ``"dataset name"``) is only used in messages.
    """
    if not isinstance(name, str):
        raise WorkspaceError(f"The {kind} must be text, not {type(name).__name__}.")
    stripped = name.strip()
    if not stripped:
        raise WorkspaceError(f"The {kind} is empty; type at least one visible character.")
    if len(stripped) > NAME_MAX_LENGTH:
        raise WorkspaceError(
            f"The {kind} is {len(stripped)} characters long; shorten it to at most "
            f"{NAME_MAX_LENGTH} characters."
        )
    for position, char in enumerate(stripped, start=1):
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            raise WorkspaceError(
                f"The {kind} contains a control character (U+{ord(char):04X}) at "
                f"position {position}; type the name on one line, without tabs or "
                "line breaks."
            )
        if char in "/\\":
            raise WorkspaceError(
                f"The {kind} contains a path separator ({char!r}) at position "
                f"{position}; use another character such as '-' instead."
            )
    return stripped


class Workspace:
    """The embedded database of saved datasets and scenarios.

    ``Workspace(path)`` opens (creating it and its parent directories if needed)
    the DuckDB file at ``path``, :func:`default_workspace_path` when ``path`` is
    ``None``. Use it as a context manager or call :meth:`close`.

    A file that exists but cannot be written (permissions, read-only file
    system) is opened read-only: reads work, writes raise
    :class:`WorkspaceError`; :attr:`read_only` says which mode is in use.
    ``read_only=True`` asks for read-only mode explicitly.

    All methods are thread-safe (see the module docstring).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = Path(path).expanduser() if path is not None else default_workspace_path()
        self.read_only = read_only
        self._read_only_reason = "it was opened with read_only=True" if read_only else ""
        self._write_lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = self._connect()
        try:
            self._prepare_schema()
        except BaseException:
            self._con.close()
            raise

    # -- opening ---------------------------------------------------------------

    def _connect(self) -> duckdb.DuckDBPyConnection:
        path = self.path
        if path.is_dir():
            raise WorkspaceError(
                f"The workspace path {path} is a directory; give the path of a file "
                f"(e.g. {path / 'workspace.duckdb'})."
            )
        if self.read_only:
            if not path.exists():
                raise WorkspaceError(
                    f"The workspace file {path} does not exist, so it cannot be opened "
                    "read-only; open it without read_only=True to create it."
                )
            return self._open(read_only=True)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(
                f"Cannot create the folder {path.parent} for the workspace file: "
                f"{exc.strerror or exc}. Choose another location with the "
                f"{WORKSPACE_ENV_VAR} environment variable."
            ) from exc
        with suppress(OSError):  # On failure DuckDB reports the problem below.
            if path.is_file() and path.stat().st_size == 0:
                # An empty file holds no data (e.g. created by `touch`): start afresh.
                path.unlink()
        try:
            return self._open(read_only=False)
        except _ReadOnlyFile as exc:
            if not path.exists():
                raise WorkspaceError(
                    f"Cannot create the workspace file {path}: {exc.detail}. Make the "
                    f"folder writable or choose another location with the "
                    f"{WORKSPACE_ENV_VAR} environment variable."
                ) from None
            self.read_only = True
            self._read_only_reason = f"the file cannot be written ({exc.detail})"
            try:
                return self._open(read_only=True)
            except _ReadOnlyFile as again:
                raise WorkspaceError(
                    f"Cannot open the workspace file {path}: {again.detail}. Check "
                    "the file's permissions."
                ) from None

    def _open(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        path = self.path
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            detail = _first_line(exc)
            lowered = detail.replace(str(path), "").lower()  # match DuckDB's words only
            if "could not set lock" in lowered or "conflicting lock" in lowered:
                raise WorkspaceError(
                    f"The workspace file {path} is in use by another program ({detail}). "
                    "Close the other TrustLens window or process using it and try again, "
                    f"or use another file via the {WORKSPACE_ENV_VAR} environment variable."
                ) from None
            if "not a valid duckdb database" in lowered:
                raise WorkspaceError(
                    f"The workspace file {path} is damaged or is not a TrustLens workspace "
                    "(it is not a DuckDB database file). Move it aside or delete it to "
                    f"start a new workspace, or use another file via the "
                    f"{WORKSPACE_ENV_VAR} environment variable."
                ) from None
            if any(
                marker in lowered
                for marker in ("permission denied", "operation not permitted", "read-only")
            ):
                raise _ReadOnlyFile(detail) from None
            if "different configuration" in lowered:
                raise WorkspaceError(
                    f"The workspace file {path} is already open in this program in "
                    "another mode (read-only vs. read-write). Close the other Workspace "
                    "first."
                ) from None
            raise WorkspaceError(
                f"Cannot open the workspace file {path}: {detail}. If the file was "
                "written by a newer TrustLens, upgrade; otherwise move it aside to start "
                "a new workspace."
            ) from None

    def _prepare_schema(self) -> None:
        with self._cursor("open the workspace") as cur:
            if self.read_only:
                found = {
                    row[0]
                    for row in cur.execute(
                        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
                    ).fetchall()
                }
                missing = [table for table in _REQUIRED_TABLES if table not in found]
                if missing:
                    raise WorkspaceError(
                        f"The workspace file {self.path} is read-only "
                        f"({self._read_only_reason}) and is not a TrustLens workspace "
                        f"(no {', '.join(missing)} table). Make it writable or use "
                        f"another file via the {WORKSPACE_ENV_VAR} environment variable."
                    )
            else:
                with self._write_lock, _transaction(cur):
                    for statement in _SCHEMA_DDL:
                        cur.execute(statement)
                    _add_missing_review_columns(cur)
                    cur.execute(
                        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                        "ON CONFLICT (key) DO NOTHING",
                        [str(SCHEMA_VERSION)],
                    )
            row = _first(cur.execute("SELECT value FROM meta WHERE key = 'schema_version'"))
        version = int(row[0]) if row and str(row[0]).isdigit() else None
        if version != SCHEMA_VERSION:
            raise WorkspaceError(
                f"The workspace file {self.path} has schema version {row[0] if row else None!r}"
                f" but this TrustLens reads version {SCHEMA_VERSION}. Upgrade TrustLens, "
                f"or use another file via the {WORKSPACE_ENV_VAR} environment variable."
            )

    # -- lifecycle -------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (idempotent); the object is unusable afterwards."""
        con, self._con = self._con, None
        if con is not None:
            con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"Workspace({str(self.path)!r}, {mode})"

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new DuckDB cursor on this workspace, for one thread's own read queries.

        Close it when done (it is a context manager). Prefer the methods of this
        class, which translate errors and keep writes transactional.
        """
        if self._con is None:
            raise WorkspaceError(f"The workspace {self.path} is closed; open it again.")
        return self._con.cursor()

    @contextmanager
    def _cursor(self, action: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived cursor; DuckDB errors become :class:`WorkspaceError`."""
        cur = self.cursor()
        try:
            yield cur
        except duckdb.Error as exc:
            raise WorkspaceError(
                f"Could not {action} in the workspace file {self.path}: {_first_line(exc)}. "
                "If this persists the file may be damaged: move it aside to start a new "
                "workspace."
            ) from None
        finally:
            cur.close()

    @contextmanager
    def _writing(self, action: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction, holding the write lock."""
        if self.read_only:
            raise WorkspaceError(
                f"Cannot {action}: the workspace file {self.path} is open read-only "
                f"because {self._read_only_reason}. Make the file writable (or free the "
                f"disk), or use another file via the {WORKSPACE_ENV_VAR} environment "
                "variable."
            )
        with self._cursor(action) as cur, self._write_lock, _transaction(cur):
            yield cur

    # -- datasets --------------------------------------------------------------

    def save_dataset(
        self, name: str, reviews: pd.DataFrame, report: Mapping[str, Any] | None = None
    ) -> DatasetInfo:
        """Save a canonical review table under ``name``, with its ingest ``report``.

        ``reviews`` must pass :func:`scoring.reviews.validate_reviews` and have only
        canonical columns. Timestamps are stored in UTC to the microsecond; text
        columns as text; the row order is kept (the index is not stored).
        When a table with the same content (sha256 over the canonical columns,
        their types and values, in row order) is already saved, nothing is
        written and that dataset is returned with ``created=False``.
        Runs as one transaction: a crash leaves the dataset complete or absent.
        """
        name = validate_name(name, "dataset name")
        validate_reviews(reviews)
        table = _to_arrow(reviews)
        content_hash = _content_hash(table)
        report_json = _to_json(dict(report) if report is not None else {}, "report")
        created_at = table.column("created_at")
        date_min = pc.min(created_at).as_py() if table.num_rows else None
        date_max = pc.max(created_at).as_py() if table.num_rows else None
        columns = tuple(table.column_names)
        saved_at = dt.datetime.now(dt.UTC)
        table = table.append_column("row_no", pa.array(np.arange(table.num_rows, dtype=np.int64)))
        column_list = ", ".join(f'"{column}"' for column in columns)

        with self._writing(f"save the dataset {name!r}") as cur:
            existing = _first(
                cur.execute("SELECT id FROM datasets WHERE content_hash = ?", [content_hash])
            )
            if existing is not None:  # Nothing written: the transaction commits empty.
                return replace(self._dataset_info(cur, existing[0]), created=False)
            dataset_id = _one(cur.execute("SELECT nextval('dataset_id_seq')"))[0]
            cur.execute(
                'INSERT INTO datasets (id, name, "rows", date_min, date_max, saved_at, '
                'content_hash, "columns", report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
                [
                    dataset_id,
                    name,
                    table.num_rows,
                    date_min,
                    date_max,
                    saved_at,
                    content_hash,
                    json.dumps(list(columns)),
                    report_json,
                ],
            )
            self._insert_reviews(cur, dataset_id, table, column_list)
            info = self._dataset_info(cur, dataset_id)
        return replace(info, created=True)

    @staticmethod
    def _insert_reviews(
        cur: duckdb.DuckDBPyConnection, dataset_id: int, table: pa.Table, column_list: str
    ) -> None:
        """Bulk insert through a registered Arrow table (no row-by-row inserts)."""
        cur.register("incoming", table)
        try:
            cur.execute(
                f"INSERT INTO reviews (dataset_id, row_no, {column_list}) "
                f"SELECT ?, row_no, {column_list} FROM incoming",
                [dataset_id],
            )
        finally:
            cur.unregister("incoming")

    def list_datasets(self) -> list[DatasetInfo]:
        """Every saved dataset, most recently saved first."""
        with self._cursor("list the datasets") as cur:
            rows = cur.execute(_DATASET_FIELDS + " ORDER BY saved_at DESC, id DESC").fetchall()
        return [_dataset_from_row(row) for row in rows]

    def dataset_info(self, dataset_id: int) -> DatasetInfo:
        """The listing entry of one dataset; :class:`WorkspaceError` if there is none."""
        with self._cursor("read a dataset") as cur:
            return self._dataset_info(cur, dataset_id)

    def _dataset_info(self, cur: duckdb.DuckDBPyConnection, dataset_id: int) -> DatasetInfo:
        row = _first(cur.execute(_DATASET_FIELDS + " WHERE id = ?", [_as_id(dataset_id)]))
        if row is None:
            raise self._no_such("dataset", dataset_id)
        return _dataset_from_row(row)

    def load_dataset(self, dataset_id: int) -> tuple[pd.DataFrame, dict[str, Any]]:
        """The saved table and its report, exactly as saved.

        ``created_at``/``reply_at``/``updated_at`` are ``datetime64[us, UTC]``,
        ``rating`` is ``int64``, ``invited``/``counts``/``replied`` are ``bool``
        (``boolean`` when they hold missing values), text columns are pandas strings;
        columns in canonical order, a fresh ``RangeIndex``. Nothing is re-parsed.
        """
        dataset_id = _as_id(dataset_id)
        # One read transaction: a concurrent delete cannot slip between the two reads.
        with self._cursor(f"load dataset {dataset_id}") as cur, _transaction(cur):
            row = _first(
                cur.execute('SELECT "columns", report FROM datasets WHERE id = ?', [dataset_id])
            )
            if row is None:
                raise self._no_such("dataset", dataset_id)
            columns = json.loads(row[0])
            report = json.loads(row[1]) if row[1] else {}
            column_list = ", ".join(f'"{column}"' for column in columns)
            table = cur.sql(
                f"SELECT {column_list} FROM reviews WHERE dataset_id = ? ORDER BY row_no",
                params=[dataset_id],
            ).to_arrow_table()
        return _from_arrow(table, columns), report

    def rename_dataset(self, dataset_id: int, new_name: str) -> DatasetInfo:
        """Give a dataset a new name; returns its updated listing entry."""
        new_name = validate_name(new_name, "dataset name")
        dataset_id = _as_id(dataset_id)
        with self._writing(f"rename dataset {dataset_id}") as cur:
            self._dataset_info(cur, dataset_id)  # raises if absent
            cur.execute("UPDATE datasets SET name = ? WHERE id = ?", [new_name, dataset_id])
            return self._dataset_info(cur, dataset_id)

    def delete_dataset(self, dataset_id: int) -> None:
        """Delete a dataset and its rows (one transaction)."""
        dataset_id = _as_id(dataset_id)
        with self._writing(f"delete dataset {dataset_id}") as cur:
            self._dataset_info(cur, dataset_id)  # raises if absent
            cur.execute("DELETE FROM reviews WHERE dataset_id = ?", [dataset_id])
            if self._has_table(cur, "readings"):
                cur.execute("DELETE FROM readings WHERE dataset_id = ?", [dataset_id])
            cur.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])

    # -- published readings ----------------------------------------------------

    def save_readings(self, dataset_id: int, readings: Sequence[PublishedReading]) -> int:
        """Replace the published readings kept with a dataset (one transaction);
        returns how many were saved. An empty sequence removes them all."""
        dataset_id = _as_id(dataset_id)
        rows = []
        for position, reading in enumerate(readings):
            if not isinstance(reading, PublishedReading):
                raise WorkspaceError(
                    f"Reading {position + 1} is a {type(reading).__name__}, not a "
                    "PublishedReading; nothing was saved."
                )
            rows.append([dataset_id, position, reading.at.to_pydatetime(), reading.score,
                         reading.review_count, reading.source])
        with self._writing(f"save the readings of dataset {dataset_id}") as cur:
            self._dataset_info(cur, dataset_id)  # raises if absent
            cur.execute("DELETE FROM readings WHERE dataset_id = ?", [dataset_id])
            if rows:
                cur.executemany(
                    'INSERT INTO readings (dataset_id, "position", "at", score, review_count, '
                    "source) VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
        return len(rows)

    def load_readings(self, dataset_id: int) -> list[PublishedReading]:
        """The published readings kept with a dataset, in the order saved (empty when
        there are none, or the file predates readings and is open read-only)."""
        dataset_id = _as_id(dataset_id)
        with self._cursor(f"load the readings of dataset {dataset_id}") as cur:
            self._dataset_info(cur, dataset_id)  # raises if absent
            if not self._has_table(cur, "readings"):
                return []
            rows = cur.execute(
                'SELECT "at", score, review_count, source FROM readings WHERE dataset_id = ? '
                'ORDER BY "position"',
                [dataset_id],
            ).fetchall()
        found = []
        for at, score, review_count, source in rows:
            try:
                found.append(PublishedReading(
                    _utc_stamp(at), float(score),
                    None if review_count is None else int(review_count),
                    source,
                ))
            except ReviewDataError as exc:
                raise WorkspaceError(
                    f"A reading saved with dataset {dataset_id} in {self.path} is not valid "
                    f"({exc}); save the readings again to replace them."
                ) from None
        return found

    @staticmethod
    def _has_table(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
        return _one(cur.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?",
            [name],
        ))[0] > 0

    # -- scenarios -------------------------------------------------------------

    def save_scenario(self, name: str, params: Mapping[str, Any]) -> int:
        """Save projection-planner parameters (JSON-serialisable) and return the new id."""
        name = validate_name(name, "scenario name")
        params_json = _to_json(params, "scenario parameters")
        now = dt.datetime.now(dt.UTC)
        with self._writing(f"save the scenario {name!r}") as cur:
            scenario_id = _one(cur.execute("SELECT nextval('scenario_id_seq')"))[0]
            cur.execute(
                "INSERT INTO scenarios (id, name, params, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [scenario_id, name, params_json, now, now],
            )
        return int(scenario_id)

    def list_scenarios(self) -> list[ScenarioInfo]:
        """Every saved scenario, most recently updated first."""
        with self._cursor("list the scenarios") as cur:
            rows = cur.execute(
                "SELECT id, name, created_at, updated_at FROM scenarios "
                "ORDER BY updated_at DESC, id DESC"
            ).fetchall()
        return [ScenarioInfo(int(row[0]), row[1], _utc_stamp(row[2]), _utc_stamp(row[3]))
                for row in rows]

    def load_scenario(self, scenario_id: int) -> dict[str, Any]:
        """The parameters of a scenario (as JSON gives them back: tuples become lists)."""
        scenario_id = _as_id(scenario_id)
        with self._cursor(f"load scenario {scenario_id}") as cur:
            row = _first(cur.execute("SELECT params FROM scenarios WHERE id = ?", [scenario_id]))
        if row is None:
            raise self._no_such("scenario", scenario_id)
        return json.loads(row[0])

    def update_scenario(self, scenario_id: int, name: str, params: Mapping[str, Any]) -> None:
        """Replace a scenario's name and parameters."""
        name = validate_name(name, "scenario name")
        params_json = _to_json(params, "scenario parameters")
        scenario_id = _as_id(scenario_id)
        with self._writing(f"update scenario {scenario_id}") as cur:
            found = cur.execute(
                "UPDATE scenarios SET name = ?, params = ?, updated_at = ? WHERE id = ? "
                "RETURNING id",
                [name, params_json, dt.datetime.now(dt.UTC), scenario_id],
            ).fetchall()
            if not found:
                raise self._no_such("scenario", scenario_id)

    def delete_scenario(self, scenario_id: int) -> None:
        """Delete a scenario."""
        scenario_id = _as_id(scenario_id)
        with self._writing(f"delete scenario {scenario_id}") as cur:
            found = cur.execute(
                "DELETE FROM scenarios WHERE id = ? RETURNING id", [scenario_id]
            ).fetchall()
            if not found:
                raise self._no_such("scenario", scenario_id)

    def _no_such(self, kind: str, item_id: object) -> WorkspaceError:
        return WorkspaceError(
            f"There is no {kind} with id {item_id!r} in the workspace {self.path}; it may "
            f"have been deleted. Pick one from the list of saved {kind}s."
        )


# -- helpers -------------------------------------------------------------------


class _ReadOnlyFile(Exception):
    """Internal: DuckDB could not open the file for writing."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def _add_missing_review_columns(cur: duckdb.DuckDBPyConnection) -> None:
    """Give a workspace written before an optional canonical column existed (e.g.
    ``reviewer``) that column, empty for the datasets already saved. Additive, so the
    schema version stays: older datasets list their own columns and load as before.

    A column stored as text that should not be (``replied`` and ``updated_at`` were
    added as VARCHAR by the TrustLens that declared them before this module knew their
    types) is converted to its type; a value that does not convert becomes NULL."""
    present = {
        row[0]: row[1]
        for row in cur.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND table_name = 'reviews'"
        ).fetchall()
    }
    for column in CANONICAL_COLUMNS:
        # Names and types are this module's constants, never user input.
        if column not in present and column not in REQUIRED_COLUMNS:
            cur.execute(f'ALTER TABLE reviews ADD COLUMN "{column}" {_SQL_TYPES[column]}')
        elif present.get(column) == "VARCHAR" and _SQL_TYPES[column] != "VARCHAR":
            cur.execute(
                f'ALTER TABLE reviews ALTER COLUMN "{column}" SET DATA TYPE '
                f'{_SQL_TYPES[column]} USING TRY_CAST("{column}" AS {_SQL_TYPES[column]})'
            )


@contextmanager
def _transaction(cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
    cur.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):  # Already gone? The original error matters.
            cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")


def _first(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """The first row of a result, reading it to the end.

    DuckDB 2.0 keeps a result open after ``fetchone()`` and refuses other work on
    the cursor until it is exhausted, so always fetch everything.
    """
    rows = result.fetchall()
    return rows[0] if rows else None


def _one(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row of a query that always returns one (a sequence, a count)."""
    row = _first(result)
    if row is None:
        raise WorkspaceError("The workspace returned no row where one was expected.")
    return row


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _as_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise WorkspaceError(f"An id must be a whole number, not {value!r}.")
    return int(value)


def _utc(value: Any) -> pd.Timestamp | None:
    if value is None:
        return None
    return _utc_stamp(value)


def _utc_stamp(value: Any) -> pd.Timestamp:
    """A timestamp of a NOT NULL column, in UTC."""
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _dataset_from_row(row: tuple[Any, ...]) -> DatasetInfo:
    return DatasetInfo(
        id=int(row[0]),
        name=row[1],
        rows=int(row[2]),
        date_min=_utc(row[3]),
        date_max=_utc(row[4]),
        saved_at=_utc_stamp(row[5]),
        content_hash=row[6],
        columns=tuple(json.loads(row[7])),
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (dt.datetime, dt.date, dt.time, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _to_json(value: Mapping[str, Any], what: str) -> str:
    if not isinstance(value, Mapping):
        raise WorkspaceError(f"The {what} must be a dict, not {type(value).__name__}.")
    try:
        return json.dumps(dict(value), default=_json_default, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise WorkspaceError(
            f"The {what} cannot be stored as JSON ({exc}); use plain numbers, text, "
            "lists and dicts."
        ) from None


def _to_arrow(reviews: pd.DataFrame) -> pa.Table:
    """The canonical columns of ``reviews`` as an Arrow table of the stored types."""
    extra = [str(column) for column in reviews.columns if column not in CANONICAL_COLUMNS]
    if extra:
        raise WorkspaceError(
            f"The review table has columns that are not part of the canonical table: "
            f"{', '.join(extra)}. Drop them before saving (canonical columns: "
            f"{', '.join(CANONICAL_COLUMNS)})."
        )
    if reviews.columns.duplicated().any():
        raise WorkspaceError("The review table has duplicate column names; keep one of each.")
    arrays: dict[str, pa.Array] = {}
    for column in CANONICAL_COLUMNS:
        if column in reviews.columns:
            arrays[column] = _column_to_arrow(column, reviews[column])
    return pa.table(arrays)


def _column_to_arrow(column: str, series: pd.Series) -> pa.Array:
    try:
        return _convert_column(column, series)
    except (pa.ArrowException, UnicodeError, TypeError, ValueError) as exc:
        if isinstance(exc, WorkspaceError):
            raise
        raise WorkspaceError(
            f"Column {column!r} cannot be stored as {_SQL_TYPES[column]} "
            f"({type(exc).__name__}: {_first_line(exc)}); clean the column before saving."
        ) from None


def _convert_column(column: str, series: pd.Series) -> pa.Array:
    target = _ARROW_TYPES[column]
    length = len(series)
    if column == "rating":
        return pa.array(series.to_numpy(dtype=np.int8), type=target)
    if series.isna().all():
        return pa.nulls(length, type=target)
    if column in _TIMESTAMP_COLUMNS:
        if not pd.api.types.is_datetime64_any_dtype(series) or series.dt.tz is None:
            raise WorkspaceError(
                f"Column {column!r} must hold timezone-aware datetimes (found dtype "
                f"{series.dtype}); convert it with pd.to_datetime(..., utc=True) first."
            )
        values = series.dt.tz_convert("UTC").dt.as_unit("us")
        return pa.array(values, type=target)
    if column in _BOOL_COLUMNS:
        try:
            values = series if series.dtype == bool else series.astype("boolean")
        except (TypeError, ValueError) as exc:
            raise WorkspaceError(
                f"Column {column!r} must hold True/False values (found dtype "
                f"{series.dtype}: {exc}); map it to booleans before saving."
            ) from None
        return pa.array(values, type=target)
    if not isinstance(series.dtype, pd.StringDtype):
        series = series.astype("string")
    return pa.array(series, type=target)


def _content_hash(table: pa.Table) -> str:
    """sha256 over column names, stored types, null masks and values, in row order.

    Independent of how the data is chunked and of library versions (no file
    format metadata goes in), so the same table always gives the same hash.
    """
    digest = hashlib.sha256(_HASH_TAG)
    digest.update(np.int64(table.num_rows).tobytes())
    for name in table.column_names:
        array = table.column(name).combine_chunks()
        digest.update(f"{name}\x00{array.type}\x00".encode())
        digest.update(np.packbits(array.is_null().to_numpy(zero_copy_only=False)).tobytes())
        if pa.types.is_large_string(array.type):
            array = pc.fill_null(array, "")
            offsets = np.frombuffer(
                array.buffers()[1], dtype=np.int64, count=len(array) + 1, offset=array.offset * 8
            )
            digest.update(np.diff(offsets).tobytes())
            data = array.buffers()[2]
            if data is not None and len(array):
                digest.update(memoryview(data)[offsets[0] : offsets[-1]])
        else:
            if pa.types.is_timestamp(array.type):
                array = array.cast(pa.int64())
            elif pa.types.is_boolean(array.type):
                array = array.cast(pa.int8())
            values = pc.fill_null(array, 0) if array.null_count else array
            digest.update(values.to_numpy(zero_copy_only=False).tobytes())
    return digest.hexdigest()


def _from_arrow(table: pa.Table, columns: list[str]) -> pd.DataFrame:
    """The stored Arrow table as the canonical pandas table."""
    data: dict[str, Any] = {}
    for column in columns:
        array = table.column(column)
        if column in _TIMESTAMP_COLUMNS:
            series = array.cast(pa.timestamp("us", tz="UTC")).to_pandas()
        elif column == "rating":
            series = pd.Series(array.to_numpy().astype(np.int64))
        elif column in _BOOL_COLUMNS:
            if array.null_count:
                series = array.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
            else:
                series = pd.Series(array.to_numpy(), dtype=bool)
        else:
            series = array.to_pandas()
        data[column] = series.reset_index(drop=True)
    frame = pd.DataFrame(data, columns=columns)
    frame.index = pd.RangeIndex(len(frame))
    return frame
