"""The workspace: a database of saved datasets and scenarios, scoped by team.

One workspace is one DuckDB file (see :func:`default_workspace_path`), or, for several
app servers sharing one workspace, one PostgreSQL database (a ``postgresql://`` URL;
see :mod:`scoring.store_pg` and :func:`open_workspace`). Both hold the same tables
(layout version 2):

``meta``
    ``key``/``value`` pairs; ``schema_version`` says which layout the file has.
``datasets``
    one row per saved review table: ``id``, ``name``, ``rows``, ``date_min``,
    ``date_max``, ``saved_at``, ``content_hash`` (unique within a team), ``columns``
    (JSON list of the canonical columns the table had), ``report`` (JSON text),
    ``team`` (who it belongs to) and ``created_by`` (the user who saved it).
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
    ``created_at``, ``updated_at``, ``team``, ``created_by``.
``readings``
    the TrustScores a dataset's profile published (:class:`~scoring.readings.PublishedReading`),
    keyed by ``dataset_id`` and ordered by ``position``: ``at TIMESTAMPTZ``,
    ``score DOUBLE``, ``review_count BIGINT`` (NULL: unknown), ``source VARCHAR``,
    ``team`` (their dataset's). Deleted with their dataset. Added to layout version 1
    in place: opening an older file read-write creates the table; a read-only older
    file simply has no readings.
``audit``
    append-only: ``id``, ``at``, ``user``, ``team``, ``action`` (save, rename, update,
    delete, open, export), ``kind`` (dataset, scenario, readings, ...), ``item_id``,
    ``item_name``, ``detail``. Written in the same transaction as the change it
    records; nothing in this module updates or deletes its rows.

Teams and the audit trail
-------------------------
:meth:`Workspace.scoped` gives a :class:`ScopedWorkspace` for one
:class:`~scoring.access.Scope` (user, team, role), with every data method of the
workspace: reads see the scope's team only (an admin's: every team), writes need the
analyst or admin role, and an id of another team's item raises
:class:`~scoring.access.AccessDenied` without reading its data. The team always
reaches SQL as a bound parameter (``(? OR team = ?)``: "admin, or this team").
The methods on :class:`Workspace` itself act as :data:`~scoring.access.LOCAL_SCOPE`
(local mode: the admin of the ``default`` team), as before teams existed.

Opening a layout-1 file read-write upgrades it in one transaction: its rows join the
``default`` team (``created_by`` ``'local'``), the ``audit`` table is created. A
layout-1 file open read-only is refused with a message saying to open it read-write
once.

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
  absent, with its audit row or without it. Saving the same table twice in one team
  (same sha256 content hash) returns the dataset already saved, with
  ``created=False``; another team saving the same table gets its own copy.
* Values only ever reach SQL as bound parameters or a registered Arrow table;
  table and column names in SQL text are constants of this module.
* Every failure is a :class:`WorkspaceError` (a ``ValueError``) saying what went
  wrong, with which file, and what to do; never a raw DuckDB (or psycopg) exception.
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

from scoring.access import DEFAULT_TEAM, LOCAL_SCOPE, AccessDenied, Scope
from scoring.errors import ReviewDataError, WorkspaceError
from scoring.readings import PublishedReading
from scoring.reviews import CANONICAL_COLUMNS, REQUIRED_COLUMNS, validate_reviews

SCHEMA_VERSION = 2
"""Layout version written to ``meta.schema_version``; bump with a migration.
Version 2 added teams (``team``, ``created_by``) and the ``audit`` table."""

NAME_MAX_LENGTH = 80
WORKSPACE_ENV_VAR = "TRUSTLENS_WORKSPACE"
WORKSPACE_URL_ENV_VAR = "TRUSTLENS_WORKSPACE_URL"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
AUDIT_COLUMNS = ("at", "user", "team", "action", "kind", "item_id", "item_name", "detail")
"""The columns of :meth:`ScopedWorkspace.audit_log`, in order."""

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
def _schema_ddl(sql_types: Mapping[str, str], double: str) -> tuple[str, ...]:
    """The layout's DDL for one SQL dialect (column types differ, names do not)."""
    review_columns = ",\n    ".join(
        f'"{column}" {sql_types[column]}'
        + (" NOT NULL" if column in ("created_at", "rating") else "")
        for column in CANONICAL_COLUMNS
    )
    return (
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
        "CREATE SEQUENCE IF NOT EXISTS dataset_id_seq START 1",
        "CREATE SEQUENCE IF NOT EXISTS scenario_id_seq START 1",
        "CREATE SEQUENCE IF NOT EXISTS audit_id_seq START 1",
        _DATASETS_DDL.replace("{name}", "datasets"),
        f"""CREATE TABLE IF NOT EXISTS reviews (
    dataset_id BIGINT NOT NULL,
    row_no BIGINT NOT NULL,
    {review_columns}
)""",
        """CREATE TABLE IF NOT EXISTS scenarios (
    id BIGINT PRIMARY KEY,
    name VARCHAR NOT NULL,
    params VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    team VARCHAR NOT NULL DEFAULT 'default',
    created_by VARCHAR NOT NULL DEFAULT 'local'
)""",
        f"""CREATE TABLE IF NOT EXISTS readings (
    dataset_id BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    score {double} NOT NULL,
    review_count BIGINT,
    source VARCHAR NOT NULL,
    team VARCHAR NOT NULL DEFAULT 'default'
)""",
        """CREATE TABLE IF NOT EXISTS audit (
    id BIGINT PRIMARY KEY,
    "at" TIMESTAMPTZ NOT NULL,
    "user" VARCHAR NOT NULL,
    team VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    item_id BIGINT,
    item_name VARCHAR NOT NULL,
    detail VARCHAR NOT NULL
)""",
    )


_DATASETS_DDL = """CREATE TABLE IF NOT EXISTS {name} (
    id BIGINT PRIMARY KEY,
    name VARCHAR NOT NULL,
    "rows" BIGINT NOT NULL,
    date_min TIMESTAMPTZ,
    date_max TIMESTAMPTZ,
    saved_at TIMESTAMPTZ NOT NULL,
    content_hash VARCHAR NOT NULL,
    "columns" VARCHAR NOT NULL,
    report VARCHAR,
    team VARCHAR NOT NULL DEFAULT 'default',
    created_by VARCHAR NOT NULL DEFAULT 'local',
    UNIQUE (team, content_hash)
)"""
"""``{name}`` is ``datasets``, or ``datasets_v2`` while a layout-1 file is upgraded."""

_SCHEMA_DDL = _schema_ddl(_SQL_TYPES, "DOUBLE")
_REQUIRED_TABLES = ("meta", "datasets", "reviews", "scenarios")
"""Tables every workspace has; ``readings`` came later and may be absent from an older
file opened read-only."""
_DATASET_FIELDS = (
    'SELECT id, name, "rows", date_min, date_max, saved_at, content_hash, "columns", team '
    "FROM datasets"
)
_IN_SCOPE = "(? OR team = ?)"
"""Every scoped query's filter, bound to ``(scope.sees_all_teams(), scope.team)``."""


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
    team: str = DEFAULT_TEAM


@dataclass(frozen=True)
class ScenarioInfo:
    """A saved projection scenario as listed in the workspace (without params)."""

    id: int
    name: str
    created_at: pd.Timestamp
    updated_at: pd.Timestamp
    team: str = DEFAULT_TEAM


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


def default_workspace_location() -> str:
    """The workspace the app opens: ``$TRUSTLENS_WORKSPACE_URL`` when set (a
    ``postgresql://`` URL for several app servers sharing one workspace, or a file
    path), else :func:`default_workspace_path` (the DuckDB file)."""
    configured = os.environ.get(WORKSPACE_URL_ENV_VAR, "").strip()
    return configured or str(default_workspace_path())


def is_postgres_url(location: object) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a DuckDB file."""
    return isinstance(location, str) and location.strip().lower().startswith(POSTGRES_SCHEMES)


def open_workspace(
    location: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> Workspace:
    """Open the workspace at ``location`` (:func:`default_workspace_location` when
    ``None``): a :class:`Workspace` on a DuckDB file, or on PostgreSQL for a
    ``postgresql://`` / ``postgres://`` URL (same interface)."""
    return Workspace(default_workspace_location() if location is None else location,
                     read_only=read_only)


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
    """The database of saved datasets and scenarios.

    ``Workspace(path)`` opens (creating it and its parent directories if needed)
    the DuckDB file at ``path``, :func:`default_workspace_path` when ``path`` is
    ``None``. A ``postgresql://`` (or ``postgres://``) URL instead of a path opens
    the PostgreSQL backend (:class:`scoring.store_pg.PostgresWorkspace`, a subclass
    with the same interface). Use it as a context manager or call :meth:`close`.

    A file that exists but cannot be written (permissions, read-only file
    system) is opened read-only: reads work, writes raise
    :class:`WorkspaceError`; :attr:`read_only` says which mode is in use.
    ``read_only=True`` asks for read-only mode explicitly.

    The data methods here act as :data:`~scoring.access.LOCAL_SCOPE`; :meth:`scoped`
    gives the same methods for one user, team and role. All methods are thread-safe
    (see the module docstring).
    """

    path: Path
    location: str
    """Where the workspace is, for messages: the file path, or the URL without its
    password."""

    def __new__(
        cls, path: str | os.PathLike[str] | None = None, *, read_only: bool = False
    ) -> Workspace:
        if cls is Workspace and is_postgres_url(path):
            from scoring.store_pg import PostgresWorkspace

            return super().__new__(PostgresWorkspace)
        return super().__new__(cls)

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = Path(path).expanduser() if path is not None else default_workspace_path()
        self.location = str(self.path)
        self.read_only = read_only
        self._read_only_reason = "it was opened with read_only=True" if read_only else ""
        self._write_lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = self._connect()
        try:
            self._prepare_schema()
        except BaseException:
            self._con.close()
            raise

    def scoped(self, scope: Scope) -> ScopedWorkspace:
        """This workspace as seen by ``scope`` (see :class:`ScopedWorkspace`)."""
        if not isinstance(scope, Scope):
            raise WorkspaceError(f"scoped() needs a Scope, not {type(scope).__name__}.")
        return ScopedWorkspace(self, scope)

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
                version = self._schema_version(cur)
            else:
                with self._write_lock, _transaction(cur):
                    version = self._upgrade(cur, _SCHEMA_DDL)
                    if version == SCHEMA_VERSION:
                        _add_missing_review_columns(cur)
        self._check_version(version)

    def _schema_version(self, cur: Any) -> int | None:
        """``meta.schema_version`` (None when there is no meta table or no valid value)."""
        if not self._has_table(cur, "meta"):
            return None
        row = _first(cur.execute("SELECT value FROM meta WHERE key = 'schema_version'"))
        return int(row[0]) if row and str(row[0]).isdigit() else None

    def _upgrade(self, cur: Any, ddl: Sequence[str]) -> int | None:
        """Inside the opening transaction: create what is missing, upgrade a layout-1
        workspace to the current layout, and return the version now recorded. A newer
        layout is left untouched (the caller refuses it)."""
        version = self._schema_version(cur)
        if version is not None and version > SCHEMA_VERSION:
            return version
        fresh = not self._has_table(cur, "datasets")
        if not fresh and "team" not in self._columns(cur, "datasets"):
            # Layout 1: datasets' content hash was unique across the whole workspace; it
            # is unique within a team now, which needs the table rebuilt (DuckDB cannot
            # drop a constraint). Same ids, same rows, all in the default team.
            cur.execute(_DATASETS_DDL.replace("{name}", "datasets_v2"))
            cur.execute(
                'INSERT INTO datasets_v2 (id, name, "rows", date_min, date_max, saved_at, '
                'content_hash, "columns", report, team, created_by) '
                'SELECT id, name, "rows", date_min, date_max, saved_at, content_hash, '
                '"columns", report, ?, ? FROM datasets',
                [DEFAULT_TEAM, LOCAL_SCOPE.user],
            )
            cur.execute("DROP TABLE datasets")
            cur.execute("ALTER TABLE datasets_v2 RENAME TO datasets")
        for table, column in (
            ("scenarios", "team"), ("scenarios", "created_by"), ("readings", "team")
        ):
            if self._has_table(cur, table) and column not in self._columns(cur, table):
                # Constants only; existing rows take the default (the default team).
                default = LOCAL_SCOPE.user if column == "created_by" else DEFAULT_TEAM
                cur.execute(
                    f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR DEFAULT '{default}'"
                )
        for statement in ddl:
            cur.execute(statement)
        cur.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT (key) DO NOTHING",
            [str(SCHEMA_VERSION)],
        )
        if version is not None and version < SCHEMA_VERSION:
            cur.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
            )
        return self._schema_version(cur)

    def _check_version(self, version: int | None) -> None:
        if version == SCHEMA_VERSION:
            return
        if version is not None and version < SCHEMA_VERSION and self.read_only:
            raise WorkspaceError(
                f"The workspace {self.location} has layout version {version}, written by an "
                f"older TrustLens; this one reads version {SCHEMA_VERSION} and upgrades it "
                f"when it opens the workspace read-write, which it cannot now "
                f"({self._read_only_reason}). Open it once with write access to upgrade it."
            )
        raise WorkspaceError(
            f"The workspace {self.location} has schema version {version!r}"
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
        return f"{type(self).__name__}({self.location!r}, {mode})"

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new DuckDB cursor on this workspace, for one thread's own read queries.

        Close it when done (it is a context manager). Prefer the methods of this
        class, which translate errors and keep writes transactional. Unscoped: it
        sees every team's rows.
        """
        if self._con is None:
            raise WorkspaceError(f"The workspace {self.path} is closed; open it again.")
        return self._con.cursor()

    @contextmanager
    def _cursor(self, action: str) -> Iterator[Any]:
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
    def _writing(self, action: str) -> Iterator[Any]:
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

    @contextmanager
    def _reading(self, action: str) -> Iterator[Any]:
        """A cursor inside one read transaction (one consistent snapshot)."""
        with self._cursor(action) as cur, _transaction(cur):
            yield cur

    # -- backend specifics (overridden by the PostgreSQL backend) --------------

    @staticmethod
    def _has_table(cur: Any, name: str) -> bool:
        return _one(cur.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?",
            [name],
        ))[0] > 0

    @staticmethod
    def _columns(cur: Any, table: str) -> set[str]:
        return {
            row[0]
            for row in cur.execute(
                "SELECT column_name FROM duckdb_columns() "
                "WHERE schema_name = 'main' AND table_name = ?",
                [table],
            ).fetchall()
        }

    @staticmethod
    def _insert_reviews(cur: Any, dataset_id: int, table: pa.Table, column_list: str) -> None:
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

    @staticmethod
    def _select_reviews(cur: Any, columns: list[str], dataset_id: int) -> pa.Table:
        """The stored rows of one dataset, in row order, as Arrow."""
        column_list = ", ".join(f'"{column}"' for column in columns)
        return cur.sql(
            f"SELECT {column_list} FROM reviews WHERE dataset_id = ? ORDER BY row_no",
            params=[dataset_id],
        ).to_arrow_table()

    # -- the unscoped methods (local mode) ---------------------------------------

    def save_dataset(
        self, name: str, reviews: pd.DataFrame, report: Mapping[str, Any] | None = None
    ) -> DatasetInfo:
        """:meth:`ScopedWorkspace.save_dataset` as :data:`~scoring.access.LOCAL_SCOPE`."""
        return self._save_dataset(LOCAL_SCOPE, name, reviews, report)

    def list_datasets(self) -> list[DatasetInfo]:
        """Every saved dataset (of every team), most recently saved first."""
        return self._list_datasets(LOCAL_SCOPE)

    def dataset_info(self, dataset_id: int) -> DatasetInfo:
        """The listing entry of one dataset; :class:`WorkspaceError` if there is none."""
        return self._dataset_info_of(LOCAL_SCOPE, dataset_id)

    def load_dataset(self, dataset_id: int) -> tuple[pd.DataFrame, dict[str, Any]]:
        """:meth:`ScopedWorkspace.load_dataset` as :data:`~scoring.access.LOCAL_SCOPE`."""
        return self._load_dataset(LOCAL_SCOPE, dataset_id)

    def rename_dataset(self, dataset_id: int, new_name: str) -> DatasetInfo:
        """Give a dataset a new name; returns its updated listing entry."""
        return self._rename_dataset(LOCAL_SCOPE, dataset_id, new_name)

    def delete_dataset(self, dataset_id: int) -> None:
        """Delete a dataset and its rows (one transaction)."""
        self._delete_dataset(LOCAL_SCOPE, dataset_id)

    def save_readings(self, dataset_id: int, readings: Sequence[PublishedReading]) -> int:
        """:meth:`ScopedWorkspace.save_readings` as :data:`~scoring.access.LOCAL_SCOPE`."""
        return self._save_readings(LOCAL_SCOPE, dataset_id, readings)

    def load_readings(self, dataset_id: int) -> list[PublishedReading]:
        """:meth:`ScopedWorkspace.load_readings` as :data:`~scoring.access.LOCAL_SCOPE`."""
        return self._load_readings(LOCAL_SCOPE, dataset_id)

    def save_scenario(self, name: str, params: Mapping[str, Any]) -> int:
        """Save projection-planner parameters (JSON-serialisable) and return the new id."""
        return self._save_scenario(LOCAL_SCOPE, name, params)

    def list_scenarios(self) -> list[ScenarioInfo]:
        """Every saved scenario (of every team), most recently updated first."""
        return self._list_scenarios(LOCAL_SCOPE)

    def load_scenario(self, scenario_id: int) -> dict[str, Any]:
        """The parameters of a scenario (as JSON gives them back: tuples become lists)."""
        return self._load_scenario(LOCAL_SCOPE, scenario_id)

    def update_scenario(self, scenario_id: int, name: str, params: Mapping[str, Any]) -> None:
        """Replace a scenario's name and parameters."""
        self._update_scenario(LOCAL_SCOPE, scenario_id, name, params)

    def delete_scenario(self, scenario_id: int) -> None:
        """Delete a scenario."""
        self._delete_scenario(LOCAL_SCOPE, scenario_id)

    # -- datasets --------------------------------------------------------------

    def _save_dataset(
        self,
        scope: Scope,
        name: str,
        reviews: pd.DataFrame,
        report: Mapping[str, Any] | None = None,
    ) -> DatasetInfo:
        name = validate_name(name, "dataset name")
        scope.require_write(f"save the dataset {name!r}")
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
            existing = _first(cur.execute(
                "SELECT id FROM datasets WHERE content_hash = ? AND team = ?",
                [content_hash, scope.team],
            ))
            if existing is not None:  # Nothing written: the transaction commits empty.
                return replace(self._dataset_info(cur, scope, existing[0]), created=False)
            dataset_id = int(_one(cur.execute("SELECT nextval('dataset_id_seq')"))[0])
            cur.execute(
                'INSERT INTO datasets (id, name, "rows", date_min, date_max, saved_at, '
                'content_hash, "columns", report, team, created_by) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    scope.team,
                    scope.user,
                ],
            )
            self._insert_reviews(cur, dataset_id, table, column_list)
            self._audit(cur, scope, "save", "dataset", dataset_id, name, scope.team,
                        f"{table.num_rows} rows")
            info = self._dataset_info(cur, scope, dataset_id)
        return replace(info, created=True)

    def _list_datasets(self, scope: Scope) -> list[DatasetInfo]:
        with self._cursor("list the datasets") as cur:
            rows = cur.execute(
                _DATASET_FIELDS + f" WHERE {_IN_SCOPE} ORDER BY saved_at DESC, id DESC",
                _scope_params(scope),
            ).fetchall()
        return [_dataset_from_row(row) for row in rows]

    def _dataset_info_of(self, scope: Scope, dataset_id: int) -> DatasetInfo:
        with self._cursor("read a dataset") as cur:
            return self._dataset_info(cur, scope, dataset_id)

    def _dataset_info(self, cur: Any, scope: Scope, dataset_id: int) -> DatasetInfo:
        dataset_id = _as_id(dataset_id)
        row = _first(cur.execute(
            _DATASET_FIELDS + f" WHERE id = ? AND {_IN_SCOPE}",
            [dataset_id, *_scope_params(scope)],
        ))
        if row is None:
            raise self._refused_or_missing(cur, scope, "dataset", dataset_id)
        return _dataset_from_row(row)

    def _load_dataset(
        self, scope: Scope, dataset_id: int
    ) -> tuple[pd.DataFrame, dict[str, Any]]:
        dataset_id = _as_id(dataset_id)
        # One read transaction: a concurrent delete cannot slip between the two reads.
        with self._reading(f"load dataset {dataset_id}") as cur:
            row = _first(cur.execute(
                f'SELECT "columns", report FROM datasets WHERE id = ? AND {_IN_SCOPE}',
                [dataset_id, *_scope_params(scope)],
            ))
            if row is None:
                raise self._refused_or_missing(cur, scope, "dataset", dataset_id)
            columns = json.loads(row[0])
            report = json.loads(row[1]) if row[1] else {}
            table = self._select_reviews(cur, columns, dataset_id)
        return _from_arrow(table, columns), report

    def _rename_dataset(self, scope: Scope, dataset_id: int, new_name: str) -> DatasetInfo:
        new_name = validate_name(new_name, "dataset name")
        dataset_id = _as_id(dataset_id)
        scope.require_write(f"rename dataset {dataset_id}")
        with self._writing(f"rename dataset {dataset_id}") as cur:
            old = self._dataset_info(cur, scope, dataset_id)  # raises if absent or refused
            cur.execute("UPDATE datasets SET name = ? WHERE id = ? AND team = ?",
                        [new_name, dataset_id, old.team])
            self._audit(cur, scope, "rename", "dataset", dataset_id, new_name, old.team,
                        f"was {old.name!r}")
            return self._dataset_info(cur, scope, dataset_id)

    def _delete_dataset(self, scope: Scope, dataset_id: int) -> None:
        dataset_id = _as_id(dataset_id)
        scope.require_write(f"delete dataset {dataset_id}")
        with self._writing(f"delete dataset {dataset_id}") as cur:
            old = self._dataset_info(cur, scope, dataset_id)  # raises if absent or refused
            cur.execute("DELETE FROM reviews WHERE dataset_id = ?", [dataset_id])
            if self._has_table(cur, "readings"):
                cur.execute("DELETE FROM readings WHERE dataset_id = ?", [dataset_id])
            cur.execute("DELETE FROM datasets WHERE id = ? AND team = ?", [dataset_id, old.team])
            self._audit(cur, scope, "delete", "dataset", dataset_id, old.name, old.team,
                        f"{old.rows} rows")

    # -- published readings ----------------------------------------------------

    def _save_readings(
        self, scope: Scope, dataset_id: int, readings: Sequence[PublishedReading]
    ) -> int:
        dataset_id = _as_id(dataset_id)
        scope.require_write(f"save the readings of dataset {dataset_id}")
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
            info = self._dataset_info(cur, scope, dataset_id)  # raises if absent or refused
            cur.execute("DELETE FROM readings WHERE dataset_id = ?", [dataset_id])
            if rows:
                cur.executemany(
                    'INSERT INTO readings (dataset_id, "position", "at", score, review_count, '
                    "source, team) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [[*row, info.team] for row in rows],
                )
            self._audit(cur, scope, "save", "readings", dataset_id, info.name, info.team,
                        f"{len(rows)} readings")
        return len(rows)

    def _load_readings(self, scope: Scope, dataset_id: int) -> list[PublishedReading]:
        dataset_id = _as_id(dataset_id)
        with self._reading(f"load the readings of dataset {dataset_id}") as cur:
            info = self._dataset_info(cur, scope, dataset_id)  # raises if absent or refused
            if not self._has_table(cur, "readings"):
                return []
            rows = cur.execute(
                'SELECT "at", score, review_count, source FROM readings '
                'WHERE dataset_id = ? AND team = ? ORDER BY "position"',
                [dataset_id, info.team],
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
                    f"A reading saved with dataset {dataset_id} in {self.location} is not "
                    f"valid ({exc}); save the readings again to replace them."
                ) from None
        return found

    # -- scenarios -------------------------------------------------------------

    def _save_scenario(self, scope: Scope, name: str, params: Mapping[str, Any]) -> int:
        name = validate_name(name, "scenario name")
        scope.require_write(f"save the scenario {name!r}")
        params_json = _to_json(params, "scenario parameters")
        now = dt.datetime.now(dt.UTC)
        with self._writing(f"save the scenario {name!r}") as cur:
            scenario_id = int(_one(cur.execute("SELECT nextval('scenario_id_seq')"))[0])
            cur.execute(
                "INSERT INTO scenarios (id, name, params, created_at, updated_at, team, "
                "created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [scenario_id, name, params_json, now, now, scope.team, scope.user],
            )
            self._audit(cur, scope, "save", "scenario", scenario_id, name, scope.team)
        return scenario_id

    def _list_scenarios(self, scope: Scope) -> list[ScenarioInfo]:
        with self._cursor("list the scenarios") as cur:
            rows = cur.execute(
                f"SELECT id, name, created_at, updated_at, team FROM scenarios "
                f"WHERE {_IN_SCOPE} ORDER BY updated_at DESC, id DESC",
                _scope_params(scope),
            ).fetchall()
        return [ScenarioInfo(int(row[0]), row[1], _utc_stamp(row[2]), _utc_stamp(row[3]),
                             row[4]) for row in rows]

    def _scenario(self, cur: Any, scope: Scope, scenario_id: int) -> tuple[str, str, str]:
        """``(name, params JSON, team)`` of a scenario the scope sees, or raise."""
        row = _first(cur.execute(
            f"SELECT name, params, team FROM scenarios WHERE id = ? AND {_IN_SCOPE}",
            [scenario_id, *_scope_params(scope)],
        ))
        if row is None:
            raise self._refused_or_missing(cur, scope, "scenario", scenario_id)
        return row[0], row[1], row[2]

    def _load_scenario(self, scope: Scope, scenario_id: int) -> dict[str, Any]:
        scenario_id = _as_id(scenario_id)
        with self._cursor(f"load scenario {scenario_id}") as cur:
            _, params, _ = self._scenario(cur, scope, scenario_id)
        return json.loads(params)

    def _update_scenario(
        self, scope: Scope, scenario_id: int, name: str, params: Mapping[str, Any]
    ) -> None:
        name = validate_name(name, "scenario name")
        params_json = _to_json(params, "scenario parameters")
        scenario_id = _as_id(scenario_id)
        scope.require_write(f"update scenario {scenario_id}")
        with self._writing(f"update scenario {scenario_id}") as cur:
            old_name, _, team = self._scenario(cur, scope, scenario_id)
            cur.execute(
                "UPDATE scenarios SET name = ?, params = ?, updated_at = ? "
                "WHERE id = ? AND team = ?",
                [name, params_json, dt.datetime.now(dt.UTC), scenario_id, team],
            )
            self._audit(cur, scope, "update", "scenario", scenario_id, name, team,
                        "" if old_name == name else f"was {old_name!r}")

    def _delete_scenario(self, scope: Scope, scenario_id: int) -> None:
        scenario_id = _as_id(scenario_id)
        scope.require_write(f"delete scenario {scenario_id}")
        with self._writing(f"delete scenario {scenario_id}") as cur:
            old_name, _, team = self._scenario(cur, scope, scenario_id)
            cur.execute("DELETE FROM scenarios WHERE id = ? AND team = ?", [scenario_id, team])
            self._audit(cur, scope, "delete", "scenario", scenario_id, old_name, team)

    # -- audit trail -----------------------------------------------------------

    @staticmethod
    def _audit(
        cur: Any,
        scope: Scope,
        action: str,
        kind: str,
        item_id: int | None,
        item_name: str,
        team: str,
        detail: str = "",
    ) -> None:
        """Append one audit row, inside the caller's transaction."""
        audit_id = int(_one(cur.execute("SELECT nextval('audit_id_seq')"))[0])
        cur.execute(
            'INSERT INTO audit (id, "at", "user", team, action, kind, item_id, item_name, '
            "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [audit_id, dt.datetime.now(dt.UTC), scope.user, team, action, kind, item_id,
             item_name, detail],
        )

    def _record(
        self,
        scope: Scope,
        action: str,
        kind: str,
        item_id: int | None,
        item_name: str,
        detail: str = "",
    ) -> bool:
        action = _audit_word(action, "action")
        kind = _audit_word(kind, "kind")
        if not isinstance(item_name, str) or not isinstance(detail, str):
            raise WorkspaceError("An audit record's item name and detail must be text.")
        item = None if item_id is None else _as_id(item_id)
        if self.read_only:
            return False
        with self._writing(f"record {action} of {kind} {item_name!r}") as cur:
            team = scope.team
            if item is not None and kind == "dataset":
                team = self._dataset_info(cur, scope, item).team
            elif item is not None and kind == "scenario":
                team = self._scenario(cur, scope, item)[2]
            self._audit(cur, scope, action, kind, item, item_name[:_AUDIT_TEXT_MAX], team,
                        detail[:_AUDIT_TEXT_MAX])
        return True

    def _audit_log(self, scope: Scope, limit: int | None = None) -> pd.DataFrame:
        scope.require_admin("read the audit trail")
        sql = (
            'SELECT "at", "user", team, action, kind, item_id, item_name, detail FROM audit '
            f'WHERE {_IN_SCOPE} ORDER BY "at" DESC, id DESC'
        )
        params: list[Any] = _scope_params(scope)
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise WorkspaceError(f"The audit limit must be a whole number ≥ 0, not {limit!r}.")
            sql += " LIMIT ?"
            params.append(limit)
        with self._cursor("read the audit trail") as cur:
            rows = cur.execute(sql, params).fetchall() if self._has_table(cur, "audit") else []
        frame = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
        frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.as_unit("us")
        frame["item_id"] = frame["item_id"].astype("Int64")
        for column in ("user", "team", "action", "kind", "item_name", "detail"):
            frame[column] = frame[column].astype("str")
        return frame

    def _refused_or_missing(
        self, cur: Any, scope: Scope, kind: str, item_id: int
    ) -> WorkspaceError:
        """The error for an id the scope does not see: :class:`AccessDenied` when it
        belongs to another team (nothing of it is read but that fact), else "no such"."""
        table = {"dataset": "datasets", "scenario": "scenarios"}[kind]  # constants only
        other = _first(cur.execute(f"SELECT team <> ? FROM {table} WHERE id = ?",
                                   [scope.team, item_id]))
        if other is not None and other[0]:
            return AccessDenied(
                f"{kind.capitalize()} {item_id} belongs to another team; {scope.user} "
                f"(team {scope.team!r}) may not open or change it. Pick one from the list "
                f"of your team's saved {kind}s, or ask an admin."
            )
        return self._no_such(kind, item_id)

    def _no_such(self, kind: str, item_id: object) -> WorkspaceError:
        return WorkspaceError(
            f"There is no {kind} with id {item_id!r} in the workspace {self.location}; it may "
            f"have been deleted. Pick one from the list of saved {kind}s."
        )


class ScopedWorkspace:
    """A :class:`Workspace` as one user of one team with one role sees it.

    Made by :meth:`Workspace.scoped`. It has every data method of the workspace,
    with the same signatures and return types, and:

    * reads (``list_*``, ``dataset_info``, ``load_*``) see the rows of ``scope.team``
      only; an admin's see every team's;
    * writes (``save_*``, ``rename_dataset``, ``update_scenario``, ``delete_*``) need
      ``scope.can_write()`` (analyst or admin), else :class:`~scoring.access.AccessDenied`;
      saved rows get ``team = scope.team`` and ``created_by = scope.user``;
    * an id of another team's dataset or scenario raises
      :class:`~scoring.access.AccessDenied` (for a non-admin), reading nothing of it
      but its team;
    * every change appends an ``audit`` row in its own transaction; :meth:`record`
      adds "open" and "export" rows; :meth:`audit_log` (admin only) reads them back.

    Cheap to make (no I/O), so one per request or session is fine.
    """

    def __init__(self, workspace: Workspace, scope: Scope):
        self.workspace = workspace
        self.scope = scope

    @property
    def read_only(self) -> bool:
        return self.workspace.read_only

    @property
    def location(self) -> str:
        return self.workspace.location

    def __repr__(self) -> str:
        return f"ScopedWorkspace({self.workspace!r}, {self.scope!r})"

    def save_dataset(
        self, name: str, reviews: pd.DataFrame, report: Mapping[str, Any] | None = None
    ) -> DatasetInfo:
        """Save a canonical review table under ``name``, with its ingest ``report``.

        ``reviews`` must pass :func:`scoring.reviews.validate_reviews` and have only
        canonical columns. Timestamps are stored in UTC to the microsecond; text
        columns as text; the row order is kept (the index is not stored).
        When a table with the same content (sha256 over the canonical columns,
        their types and values, in row order) is already saved in this team, nothing
        is written and that dataset is returned with ``created=False``.
        Runs as one transaction (rows, listing entry and audit row): a crash leaves
        the dataset complete or absent.
        """
        return self.workspace._save_dataset(self.scope, name, reviews, report)

    def list_datasets(self) -> list[DatasetInfo]:
        """The datasets this scope sees, most recently saved first."""
        return self.workspace._list_datasets(self.scope)

    def dataset_info(self, dataset_id: int) -> DatasetInfo:
        """The listing entry of one dataset; :class:`WorkspaceError` if there is none,
        :class:`~scoring.access.AccessDenied` if it is another team's."""
        return self.workspace._dataset_info_of(self.scope, dataset_id)

    def load_dataset(self, dataset_id: int) -> tuple[pd.DataFrame, dict[str, Any]]:
        """The saved table and its report, exactly as saved.

        ``created_at``/``reply_at``/``updated_at`` are ``datetime64[us, UTC]``,
        ``rating`` is ``int64``, ``invited``/``counts``/``replied`` are ``bool``
        (``boolean`` when they hold missing values), text columns are pandas strings;
        columns in canonical order, a fresh ``RangeIndex``. Nothing is re-parsed.
        (Not audited by itself: the UI calls :meth:`record` with "open".)
        """
        return self.workspace._load_dataset(self.scope, dataset_id)

    def rename_dataset(self, dataset_id: int, new_name: str) -> DatasetInfo:
        """Give a dataset a new name; returns its updated listing entry."""
        return self.workspace._rename_dataset(self.scope, dataset_id, new_name)

    def delete_dataset(self, dataset_id: int) -> None:
        """Delete a dataset, its rows and its readings (one transaction)."""
        self.workspace._delete_dataset(self.scope, dataset_id)

    def save_readings(self, dataset_id: int, readings: Sequence[PublishedReading]) -> int:
        """Replace the published readings kept with a dataset (one transaction);
        returns how many were saved. An empty sequence removes them all."""
        return self.workspace._save_readings(self.scope, dataset_id, readings)

    def load_readings(self, dataset_id: int) -> list[PublishedReading]:
        """The published readings kept with a dataset, in the order saved (empty when
        there are none, or the file predates readings and is open read-only)."""
        return self.workspace._load_readings(self.scope, dataset_id)

    def save_scenario(self, name: str, params: Mapping[str, Any]) -> int:
        """Save projection-planner parameters (JSON-serialisable) and return the new id."""
        return self.workspace._save_scenario(self.scope, name, params)

    def list_scenarios(self) -> list[ScenarioInfo]:
        """The scenarios this scope sees, most recently updated first."""
        return self.workspace._list_scenarios(self.scope)

    def load_scenario(self, scenario_id: int) -> dict[str, Any]:
        """The parameters of a scenario (as JSON gives them back: tuples become lists)."""
        return self.workspace._load_scenario(self.scope, scenario_id)

    def update_scenario(self, scenario_id: int, name: str, params: Mapping[str, Any]) -> None:
        """Replace a scenario's name and parameters."""
        self.workspace._update_scenario(self.scope, scenario_id, name, params)

    def delete_scenario(self, scenario_id: int) -> None:
        """Delete a scenario."""
        self.workspace._delete_scenario(self.scope, scenario_id)

    def record(
        self,
        action: str,
        kind: str,
        item_id: int | None,
        item_name: str,
        detail: str = "",
    ) -> bool:
        """Append an audit row for something that changes nothing, e.g.
        ``record("open", "dataset", 7, "June")`` or ``record("export", "dataset", 7,
        "June", "CSV")``. Any role may record. ``action`` and ``kind`` are short words
        (letters, digits, ``-``/``_``; at most 40 characters); a dataset or scenario id
        must be one this scope sees (else the usual refusal). Returns ``False`` (nothing
        recorded) when the workspace is open read-only, ``True`` otherwise."""
        return self.workspace._record(self.scope, action, kind, item_id, item_name, detail)

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """The audit trail, newest first (at most ``limit`` rows): columns ``at`` (UTC),
        ``user``, ``team``, ``action``, ``kind``, ``item_id`` (nullable), ``item_name``,
        ``detail``. Admin only (:class:`~scoring.access.AccessDenied` otherwise)."""
        return self.workspace._audit_log(self.scope, limit)


_AUDIT_TEXT_MAX = 500


def _audit_word(value: object, what: str) -> str:
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= 40
        or not all(char.isalnum() or char in "-_" for char in value)
    ):
        raise WorkspaceError(
            f"An audit {what} is a short word (letters, digits, '-', '_'), not {value!r}."
        )
    return value


def _scope_params(scope: Scope) -> list[Any]:
    """The bound values of :data:`_IN_SCOPE` for ``scope``."""
    return [scope.sees_all_teams(), scope.team]


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
        team=row[8],
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
