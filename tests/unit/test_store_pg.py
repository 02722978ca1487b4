"""The PostgreSQL workspace against a real server (tests/pg.py starts it).

The backend-neutral tests of tests/unit/test_store.py run again here on PostgreSQL
(imported below, with this module's ``workspace`` fixture); the tests after them are
PostgreSQL's own: the URL, connections, two app servers, crash safety, NUL text.
Skipped with a message where no server binaries exist, unless
TRUSTLENS_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from scoring.access import Scope
from scoring.store import (
    SCHEMA_VERSION,
    DatasetInfo,
    Workspace,
    WorkspaceError,
    default_workspace_location,
    default_workspace_path,
    is_postgres_url,
    open_workspace,
)
from tests.pg import fresh_database_url
from tests.unit import test_store as base
from tests.unit.test_store import (  # noqa: F401 - rerun on PostgreSQL
    count_review_rows,
    full_frame,
    minimal_frame,
    test_bad_names_are_refused,
    test_bad_readings_are_refused_and_nothing_is_written,
    test_empty_table_round_trips,
    test_list_datasets_newest_first,
    test_minimal_and_coerced_inputs,
    test_non_canonical_tables_are_refused,
    test_one_workspace_shared_by_threads,
    test_quotes_and_sql_looking_names_are_stored_verbatim,
    test_readings_are_deleted_with_their_dataset,
    test_readings_round_trip_in_the_order_saved,
    test_rename_and_delete,
    test_row_order_and_index_are_normalised,
    test_saving_readings_replaces_the_set,
    test_scenarios_crud,
)

REPO = Path(__file__).resolve().parents[2]
NORTH = Scope(user="ann@north.example", team="north", role="analyst")


@pytest.fixture
def url(request: pytest.FixtureRequest) -> str:
    return fresh_database_url(request)


@pytest.fixture
def workspace(url: str) -> Iterator[Workspace]:
    with Workspace(url) as ws:
        yield ws


def pg_full_frame() -> pd.DataFrame:
    """test_store's every-column frame without the NUL character PostgreSQL refuses."""
    frame = full_frame()
    frame["source"] = frame["source"].str.replace("\x00", " ", regex=False)
    return frame


# -- the same guarantees as the DuckDB file ----------------------------------------


def test_round_trip_keeps_values_and_dtypes(workspace: Workspace) -> None:
    frame = pg_full_frame()
    info = workspace.save_dataset("Full", frame, {"x": [1]})
    loaded, report = workspace.load_dataset(info.id)
    pd.testing.assert_frame_equal(loaded, frame)  # values, dtypes, column order
    assert str(loaded["created_at"].dtype) == "datetime64[us, UTC]"
    assert loaded["created_at"][0].microsecond == 1
    assert loaded["counts"].dtype == "boolean" and loaded["counts"].isna().sum() == 1
    assert loaded["text"][2] == "日本語のレビュー 👨‍👩‍👧"
    assert report == {"x": [1]}
    assert info.date_min == pd.Timestamp("1999-12-31T23:59:59Z")
    assert info.date_max == pd.Timestamp("2024-03-30T23:30:00.123456Z")
    assert str(info.saved_at.tz) == "UTC"


def test_the_content_hash_is_the_backends_own_business(workspace: Workspace,
                                                       tmp_path: Path) -> None:
    """Same table, same hash on either backend; saved twice, one dataset."""
    first = workspace.save_dataset("First", pg_full_frame())
    again = workspace.save_dataset("Again", pg_full_frame().iloc[:, ::-1])
    assert not again.created and again.id == first.id and again.name == "First"
    with Workspace(tmp_path / "ws.duckdb") as duck:
        assert duck.save_dataset("First", pg_full_frame()).content_hash == first.content_hash
    assert count_review_rows(workspace) == 4


AWKWARD_TEXTS = ["a\n\\.\nb", "\\.", "\\N", "back\\slash", "", "\r\n", '"', ",", "x\n\\.",
                 "NULL", " "]


def test_copy_keeps_text_that_means_something_to_copy(workspace: Workspace) -> None:
    """The rows go in as CSV through COPY: text that looks like COPY's end marker, a
    NULL, an escape or a separator comes back as written; empty text stays empty and
    only a missing value is missing."""
    frame = minimal_frame(len(AWKWARD_TEXTS) + 1).assign(
        text=pd.Series([*AWKWARD_TEXTS, None], dtype="str"))
    loaded, _ = workspace.load_dataset(workspace.save_dataset("Awkward", frame).id)
    pd.testing.assert_frame_equal(loaded, frame)
    assert loaded["text"].tolist()[:-1] == AWKWARD_TEXTS and pd.isna(loaded["text"].iloc[-1])


def test_text_with_nul_is_refused_and_nothing_is_written(workspace: Workspace) -> None:
    with pytest.raises(WorkspaceError, match=r"Column 'source' holds a NUL character"):
        workspace.save_dataset("With NUL", full_frame())
    assert workspace.list_datasets() == [] and count_review_rows(workspace) == 0
    with workspace.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM audit").fetchall() == [(0,)]


def test_reopening_keeps_everything_and_changes_nothing(url: str) -> None:
    with Workspace(url) as ws:
        dataset_id = ws.save_dataset("Kept", pg_full_frame()).id
        ws.save_scenario("Plan", {"t": 4})
    with Workspace(url) as ws, ws.cursor() as cur:
        pd.testing.assert_frame_equal(ws.load_dataset(dataset_id)[0], pg_full_frame())
        assert [s.name for s in ws.list_scenarios()] == ["Plan"]
        assert cur.execute("SELECT value FROM meta").fetchall() == [(str(SCHEMA_VERSION),)]
    with Workspace(url, read_only=True) as ws:
        assert [d.name for d in ws.list_datasets()] == ["Kept"]
        with pytest.raises(WorkspaceError, match="open read-only"):
            ws.delete_dataset(dataset_id)
        assert ws.scoped(NORTH).record("open", "upload", None, "x") is False


def test_newer_layout_and_empty_database_read_only_are_refused(url: str) -> None:
    with pytest.raises(WorkspaceError, match="no TrustLens workspace"):
        Workspace(url, read_only=True)
    with Workspace(url) as ws, ws.cursor() as cur:
        cur.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                    [str(SCHEMA_VERSION + 1)])
    with pytest.raises(WorkspaceError, match="Upgrade TrustLens"):
        Workspace(url)


# -- the URL and the connection ----------------------------------------------------


def test_a_url_chooses_postgresql_and_the_default_stays_duckdb(
    url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert is_postgres_url(url) and is_postgres_url("postgres://h/db")
    assert not is_postgres_url(str(tmp_path / "postgresql.duckdb")) and not is_postgres_url(None)
    monkeypatch.delenv("TRUSTLENS_WORKSPACE_URL", raising=False)
    monkeypatch.setenv("TRUSTLENS_WORKSPACE", str(tmp_path / "file.duckdb"))
    assert default_workspace_location() == str(default_workspace_path())
    with open_workspace() as ws:
        assert type(ws).__name__ == "Workspace" and ws.location.endswith("file.duckdb")
    monkeypatch.setenv("TRUSTLENS_WORKSPACE_URL", url)
    assert default_workspace_location() == url
    with open_workspace() as ws:
        assert type(ws).__name__ == "PostgresWorkspace" and isinstance(ws, Workspace)
        assert repr(ws) == f"PostgresWorkspace({url!r}, read-write)"
    with open_workspace(url.replace("postgresql://", "postgres://")) as ws:
        assert ws.list_datasets() == []


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    from tests.pg import _free_port

    url = f"postgresql://trust:s3cr3t-pw@127.0.0.1:{_free_port()}/nowhere"
    with pytest.raises(WorkspaceError) as caught:
        Workspace(url)
    message = str(caught.value)
    assert "Cannot connect to the PostgreSQL workspace" in message
    assert "postgresql://trust:***@127.0.0.1" in message and "TRUSTLENS_WORKSPACE_URL" in message
    assert "s3cr3t" not in message


def test_a_closed_workspace_says_so(url: str) -> None:
    ws = Workspace(url)
    ws.close()
    ws.close()
    with pytest.raises(WorkspaceError, match="closed"):
        ws.list_datasets()


def test_a_connection_killed_by_the_server_is_replaced(workspace: Workspace) -> None:
    saved = workspace.save_dataset("Before", minimal_frame())
    with workspace.cursor() as cur:  # every other connection of this database dies
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    for _ in range(3):  # the dead idle connection fails once at most, then is replaced
        try:
            assert [d.id for d in workspace.list_datasets()] == [saved.id]
            break
        except WorkspaceError as error:
            assert "PostgreSQL workspace" in str(error)
    else:
        pytest.fail("the workspace did not recover from a terminated connection")
    assert workspace.save_dataset("After", minimal_frame(2, "2020-01-01")).created


# -- several app servers -----------------------------------------------------------


def test_two_app_servers_share_one_workspace(url: str) -> None:
    """Two Workspace objects on one database, as two app servers behind a load
    balancer: each lists, opens and deletes what the other saved."""
    with Workspace(url) as server_a, Workspace(url) as server_b:
        saved = server_a.scoped(NORTH).save_dataset("Saved on A", pg_full_frame())
        assert [d.name for d in server_b.scoped(NORTH).list_datasets()] == ["Saved on A"]
        pd.testing.assert_frame_equal(server_b.scoped(NORTH).load_dataset(saved.id)[0],
                                      pg_full_frame())
        plan = server_b.scoped(NORTH).save_scenario("Plan on B", {"t": 1})
        assert server_a.scoped(NORTH).load_scenario(plan) == {"t": 1}
        server_b.scoped(NORTH).delete_dataset(saved.id)
        assert server_a.list_datasets() == []


SERVER = """
import sys
sys.path.insert(0, {repo!r})
from scoring.access import Scope
from scoring.store import Workspace
from tests.unit.test_store import minimal_frame
north = Scope(user="proc@north.example", team="north", role="analyst")
with Workspace({url!r}) as ws:
    for number in range(5):
        ws.scoped(north).save_dataset(f"{{sys.argv[1]}} {{number}}", minimal_frame(number + 1))
        ws.scoped(north).save_dataset("Shared", minimal_frame(50, "2019-01-01"))
print("done", flush=True)
"""


def test_two_server_processes_saving_at_once(url: str) -> None:
    """Two processes save at the same time; the same table saved by both is still one
    dataset (writes are serialised across servers), the rest all arrive."""
    code = SERVER.format(repo=str(REPO), url=url)
    children = [subprocess.Popen([sys.executable, "-c", code, name], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, cwd=REPO)
                for name in ("A", "B")]
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert out.strip() == "done"
    with Workspace(url) as ws:
        names = sorted(d.name for d in ws.list_datasets())
        audit = ws.scoped(Scope(user="a", team="x", role="admin")).audit_log()
    # Each process's five own tables are the same five tables, so they de-duplicate too.
    assert len(names) == 6 and names.count("Shared") == 1
    assert len(audit) == 6 and set(audit["user"]) == {"proc@north.example"}


def test_threads_sharing_one_postgres_workspace(workspace: Workspace) -> None:
    barrier = threading.Barrier(6)

    def work(number: int) -> DatasetInfo:
        barrier.wait()
        workspace.save_dataset(f"Own {number}", minimal_frame(number + 1, "2021-01-01"))
        return workspace.save_dataset("Shared", minimal_frame(30))

    with ThreadPoolExecutor(max_workers=6) as pool:
        shared = list(pool.map(work, range(6)))
    assert len({info.id for info in shared}) == 1 and sum(i.created for i in shared) == 1
    assert len(workspace.list_datasets()) == 7


# -- crash safety ------------------------------------------------------------------

CRASHING_SAVER = """
import sys, time
sys.path.insert(0, {repo!r})
from scoring import store_pg
from scoring.store import Workspace
from tests.unit.test_store import big_frame

frame = big_frame(int(sys.argv[1]))
ws = Workspace({url!r})
real_insert = store_pg.PostgresWorkspace._insert_reviews

def insert_then_hang(*args):
    real_insert(*args)
    print("inserted", flush=True)
    time.sleep(600)

store_pg.PostgresWorkspace._insert_reviews = staticmethod(insert_then_hang)
print("saving", flush=True)
ws.save_dataset("Big", frame)
"""


def test_a_server_killed_mid_save_leaves_the_dataset_absent(url: str) -> None:
    """An app server SIGKILLed after sending every row of a save but before its
    commit: PostgreSQL rolls the transaction back, so the dataset, its rows and its
    audit row are all absent, and the workspace (and its write lock) is usable."""
    with Workspace(url) as ws:
        earlier = ws.save_dataset("Earlier", pg_full_frame())
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHING_SAVER.format(repo=str(REPO), url=url), "20000"],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )
    try:
        assert child.stdout is not None
        deadline = time.monotonic() + 90
        while (line := child.stdout.readline().strip()) != "inserted":
            assert line and time.monotonic() < deadline, f"child said {line!r}"
        time.sleep(0.2)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        assert child.stdout is not None
        child.stdout.close()
    with Workspace(url) as ws:
        assert [d.id for d in ws.list_datasets()] == [earlier.id]
        assert count_review_rows(ws) == 4
        with ws.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM audit WHERE item_name = 'Big'"
                               ).fetchall() == [(0,)]
        again = ws.save_dataset("Big", base.big_frame(20000))  # the lock was released
        assert again.created and ws.load_dataset(again.id)[0].shape[0] == 20000
