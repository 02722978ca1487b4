"""The workspace on PostgreSQL: one workspace shared by several app servers.

A DuckDB file can be written by one process only, so two TrustLens servers behind a
load balancer cannot share one. Pointing them at one PostgreSQL database instead
(``TRUSTLENS_WORKSPACE_URL=postgresql://user:password@host:5432/trustlens``) gives
them one workspace: a dataset saved through one server is listed by the other.

:class:`PostgresWorkspace` is a :class:`scoring.store.Workspace` (``Workspace(url)``
or :func:`scoring.store.open_workspace` makes one) with the same tables (layout 2;
column types mapped: ``TINYINT`` → ``SMALLINT``, ``DOUBLE`` → ``DOUBLE PRECISION``),
the same team scoping and audit trail, and the same guarantees:

* every change, with its audit row, is one transaction; a server or client that dies
  mid-save leaves the dataset complete or absent (PostgreSQL rolls back what was not
  committed);
* writes are serialised across every server by a transaction-scoped advisory lock
  (``pg_advisory_xact_lock``), as DuckDB serialises writers of one file, so "the same
  table saved twice in one team is one dataset" holds across servers too; loading a
  dataset reads in one ``REPEATABLE READ`` snapshot;
* values only reach SQL as bound parameters (``?`` of the shared SQL become
  psycopg's ``%s``); review rows go in with ``COPY ... (FORMAT csv)``, the CSV written
  by Arrow with every value quoted;
* errors are :class:`~scoring.errors.WorkspaceError` naming the server (never the
  password) and what to do.

Threads: each operation borrows a connection from a small pool (autocommit mode, in
which this module issues ``BEGIN``/``COMMIT`` itself; session time zone UTC) and
gives it back; broken connections are dropped and replaced on the next call.

PostgreSQL cannot store the NUL character in text: a review table holding one is
refused with a message naming the column (DuckDB stores it).
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from psycopg import pq

from scoring.errors import WorkspaceError
from scoring.store import (
    _ARROW_TYPES,
    _SQL_TYPES,
    SCHEMA_VERSION,
    WORKSPACE_URL_ENV_VAR,
    Workspace,
    _first_line,
    _schema_ddl,
)

_PG_TYPES = {
    column: {"TINYINT": "SMALLINT"}.get(sql_type, sql_type)
    for column, sql_type in _SQL_TYPES.items()
}
_PG_DDL: tuple[str, ...] = (
    *_schema_ddl(_PG_TYPES, "DOUBLE PRECISION"),
    "CREATE INDEX IF NOT EXISTS reviews_dataset ON reviews (dataset_id, row_no)",
    "CREATE INDEX IF NOT EXISTS readings_dataset ON readings (dataset_id)",
    'CREATE INDEX IF NOT EXISTS audit_at ON audit ("at")',
)
_LOCK_KEY = 0x7472757374  # "trust": the one advisory lock every writer takes
_COPY_BATCH_ROWS = 50_000
POOL_SIZE = 8
"""Idle connections kept per workspace object (more are opened when busy)."""


def redact_url(url: str) -> str:
    """The URL without its password (for messages and ``repr``)."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{parts.username or ''}:***@{host}"
        if parts.port is not None:
            netloc += f":{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    except ValueError:
        return "the configured PostgreSQL URL"


class _PgCursor:
    """A psycopg cursor speaking the shared SQL of :mod:`scoring.store` (``?``
    placeholders; ``execute`` returns the cursor so ``.fetchall()`` chains)."""

    def __init__(self, conn: psycopg.Connection[Any], release: Any = None):
        self.connection = conn
        self._cur = conn.cursor()
        self._release = release

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> _PgCursor:
        self._cur.execute(_pg_sql(sql), params)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> _PgCursor:
        self._cur.executemany(_pg_sql(sql), rows)
        return self

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cur.fetchall() if self._cur.description is not None else []

    def copy(self, sql: str) -> Any:
        return self._cur.copy(sql)

    def close(self) -> None:
        self._cur.close()
        release, self._release = self._release, None
        if release is not None:
            release(self.connection)

    def __enter__(self) -> _PgCursor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _pg_sql(sql: str) -> str:
    """The shared SQL with psycopg placeholders. The shared SQL holds no literal ``?``
    or ``%`` (values are always parameters), so this is a plain replacement."""
    return sql.replace("?", "%s")


class _Pool:
    """A few autocommit connections to one database, reused across threads."""

    def __init__(self, url: str, label: str):
        self._url = url
        self._label = label
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._closed = False

    def get(self) -> psycopg.Connection[Any]:
        with self._lock:
            if self._closed:
                raise WorkspaceError(f"The workspace {self._label} is closed; open it again.")
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed and not conn.broken:
                    return conn
        return self._connect()

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(
                self._url, autocommit=True, connect_timeout=10,
                options="-c TimeZone=UTC", application_name="trustlens",
            )
        except psycopg.Error as exc:
            raise WorkspaceError(
                f"Cannot connect to the PostgreSQL workspace {self._label}: "
                f"{_first_line(exc).replace(self._url, self._label)}. Check that the server "
                f"runs and accepts this user, or fix the URL in {WORKSPACE_URL_ENV_VAR}."
            ) from None

    def put(self, conn: psycopg.Connection[Any]) -> None:
        healthy = (
            not conn.closed and not conn.broken
            and conn.info.transaction_status == pq.TransactionStatus.IDLE
        )
        with self._lock:
            if healthy and not self._closed and len(self._idle) < POOL_SIZE:
                self._idle.append(conn)
                return
        with suppress(psycopg.Error):
            conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            with suppress(psycopg.Error):
                conn.close()


class PostgresWorkspace(Workspace):
    """The workspace in a PostgreSQL database (see the module docstring).

    ``PostgresWorkspace(url)`` (or ``Workspace(url)``) connects, creates the tables
    when the database has none (the user needs the right to create tables in its
    schema), and checks the layout version. ``read_only=True`` creates nothing and
    refuses writes. :attr:`location` is the URL without its password.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        url = os.fspath(path) if path is not None else ""
        if not isinstance(url, str) or not url.strip():
            raise WorkspaceError(
                f"A PostgreSQL workspace needs a postgresql:// URL (e.g. in "
                f"{WORKSPACE_URL_ENV_VAR})."
            )
        self._url = url.strip()
        self.location = redact_url(self._url)
        self.read_only = read_only
        self._read_only_reason = "it was opened with read_only=True" if read_only else ""
        self._write_lock = threading.Lock()
        self._pool = _Pool(self._url, self.location)
        try:
            self._prepare_schema()
        except BaseException:
            self._pool.close()
            raise

    # -- opening and lifecycle -----------------------------------------------------

    def _prepare_schema(self) -> None:
        if self.read_only:
            with self._reading("open the workspace") as cur:
                version = self._schema_version(cur)
            if version is None:
                raise WorkspaceError(
                    f"The PostgreSQL database {self.location} has no TrustLens workspace "
                    "(no meta table); open it once without read_only=True to create one."
                )
        else:
            # The lock also keeps two servers starting at once from racing on CREATE.
            with self._writing("open the workspace") as cur:
                version = self._upgrade(cur, _PG_DDL)
        self._check_version(version)

    def close(self) -> None:
        """Close the pooled connections (idempotent); the object is unusable afterwards."""
        self._pool.close()

    def cursor(self) -> _PgCursor:  # type: ignore[override]
        """A cursor on a pooled connection (autocommit), speaking the shared SQL with
        ``?`` placeholders; closing it (it is a context manager) gives the connection
        back. Unscoped: it sees every team's rows."""
        return _PgCursor(self._pool.get(), self._pool.put)

    @contextmanager
    def _cursor(self, action: str) -> Iterator[Any]:
        """A short-lived cursor; psycopg errors become :class:`WorkspaceError`."""
        cur = self.cursor()
        try:
            yield cur
        except psycopg.Error as exc:
            raise WorkspaceError(
                f"Could not {action} in the PostgreSQL workspace {self.location}: "
                f"{_first_line(exc)}. Nothing of it was saved; try again, and check the "
                "database server if this persists."
            ) from None
        finally:
            cur.close()

    @contextmanager
    def _writing(self, action: str) -> Iterator[Any]:
        """A cursor inside one transaction holding the workspace's advisory lock."""
        if self.read_only:
            raise WorkspaceError(
                f"Cannot {action}: the PostgreSQL workspace {self.location} is open "
                f"read-only because {self._read_only_reason}."
            )
        with self._cursor(action) as cur, _pg_transaction(cur, "BEGIN"):
            cur.execute("SELECT pg_advisory_xact_lock(?)", [_LOCK_KEY])
            yield cur

    @contextmanager
    def _reading(self, action: str) -> Iterator[Any]:
        """A cursor inside one read-only transaction on one snapshot."""
        with self._cursor(action) as cur, _pg_transaction(
            cur, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        ):
            yield cur

    # -- backend specifics ---------------------------------------------------------

    @staticmethod
    def _has_table(cur: Any, name: str) -> bool:
        return int(cur.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ?",
            [name],
        ).fetchall()[0][0]) > 0

    @staticmethod
    def _columns(cur: Any, table: str) -> set[str]:
        return {
            row[0]
            for row in cur.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ?",
                [table],
            ).fetchall()
        }

    @staticmethod
    def _insert_reviews(cur: Any, dataset_id: int, table: pa.Table, column_list: str) -> None:
        """Bulk insert with ``COPY ... FROM STDIN`` in CSV written by Arrow."""
        for name in table.column_names:
            array = table.column(name)
            if pa.types.is_large_string(array.type) and pc.any(
                pc.match_substring(array, "\x00")
            ).as_py():
                raise WorkspaceError(
                    f"Column {name!r} holds a NUL character (\\x00), which a PostgreSQL "
                    "workspace cannot store; remove it from the text before saving."
                )
        # Arrow writes the CSV in C: every valid value quoted (so an empty text stays
        # empty; only a missing value is an unquoted empty field, i.e. NULL), timestamps
        # as ISO 8601 in UTC ("...Z"), booleans as true/false. "row_no" comes last.
        table = table.add_column(
            0, "dataset_id", pa.array(np.full(table.num_rows, dataset_id, dtype=np.int64))
        )
        options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
        with cur.copy(
            f"COPY reviews (dataset_id, {column_list}, row_no) FROM STDIN (FORMAT csv)"
        ) as copy:
            for batch in table.to_batches(max_chunksize=_COPY_BATCH_ROWS):
                buffer = io.BytesIO()
                pa_csv.write_csv(pa.Table.from_batches([batch]), buffer, options)
                copy.write(buffer.getvalue())

    @staticmethod
    def _select_reviews(cur: Any, columns: list[str], dataset_id: int) -> pa.Table:
        column_list = ", ".join(f'"{column}"' for column in columns)
        rows = cur.execute(
            f"SELECT {column_list} FROM reviews WHERE dataset_id = ? ORDER BY row_no",
            [dataset_id],
        ).fetchall()
        values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
        return pa.table({
            column: pa.array(list(values[index]), type=_ARROW_TYPES[column])
            for index, column in enumerate(columns)
        })


@contextmanager
def _pg_transaction(cur: _PgCursor, begin: str) -> Iterator[None]:
    cur.execute(begin)
    try:
        yield
    except BaseException:
        with suppress(psycopg.Error):  # A broken connection: the server rolls back.
            cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")


__all__ = ["SCHEMA_VERSION", "PostgresWorkspace", "redact_url"]
