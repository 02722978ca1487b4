"""Team scoping and the audit trail of the workspace, on every backend.

Each test runs on the DuckDB file and on a real PostgreSQL server (``backend``
fixture, tests/pg.py); the PostgreSQL runs are skipped with a message where no
server binaries exist, unless TRUSTLENS_REQUIRE_POSTGRES=1 (CI), where they fail.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from scoring.access import LOCAL_SCOPE, AccessDenied, Scope
from scoring.readings import PublishedReading
from scoring.store import (
    AUDIT_COLUMNS,
    SCHEMA_VERSION,
    ScopedWorkspace,
    Workspace,
    WorkspaceError,
)

REPO = Path(__file__).resolve().parents[2]

NORTH_ANALYST = Scope(user="ann@north.example", team="north", role="analyst")
NORTH_VIEWER = Scope(user="vic@north.example", team="north", role="viewer")
SOUTH_ANALYST = Scope(user="sam@south.example", team="south", role="analyst")
ADMIN = Scope(user="ada@agency.example", team="agency", role="admin")
SQLISH_TEAM = "north' OR '1'='1"
READINGS = [
    PublishedReading(pd.Timestamp("2025-01-01", tz="UTC"), 4.1, 120, "site"),
    PublishedReading(pd.Timestamp("2025-02-01", tz="UTC"), 4.2, None, "site"),
]


def frame(n: int = 5, start: str = "2024-05-01", text: str = "fine") -> pd.DataFrame:
    return pd.DataFrame({
        "created_at": pd.date_range(start, periods=n, freq="h", tz="UTC"),
        "rating": pd.Series(np.arange(n) % 5 + 1, dtype="int64"),
        "text": pd.Series([f"{text} {i}" for i in range(n)], dtype="str"),
    })


@pytest.fixture(params=["duckdb", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Workspace]]:
    """A factory of Workspace objects on one fresh workspace of the given backend
    (several calls: several "app servers" on the same workspace)."""
    opened: list[Workspace] = []
    if request.param == "duckdb":
        location = str(tmp_path / "ws.duckdb")
    else:
        from tests.pg import fresh_database_url

        location = fresh_database_url(request)

    def make() -> Workspace:
        opened.append(Workspace(location))
        return opened[-1]

    yield make
    for workspace in opened:
        workspace.close()


@pytest.fixture
def ws(backend: Callable[[], Workspace]) -> Workspace:
    return backend()


def audit_rows(ws: Workspace) -> list[tuple]:
    log = ws.scoped(ADMIN).audit_log()
    return list(log[["user", "team", "action", "kind", "item_name"]].itertuples(index=False,
                                                                              name=None))


# -- visibility ------------------------------------------------------------------


def test_two_teams_never_see_each_others_items(ws: Workspace) -> None:
    north, south = ws.scoped(NORTH_ANALYST), ws.scoped(SOUTH_ANALYST)
    n_data = north.save_dataset("North reviews", frame(text="north secret"))
    s_data = south.save_dataset("South reviews", frame(7, text="south secret"))
    north.save_readings(n_data.id, READINGS)
    south.save_readings(s_data.id, READINGS[:1])
    n_plan = north.save_scenario("North plan", {"target": 4.5})
    s_plan = south.save_scenario("South plan", {"target": 3.9})

    assert [d.name for d in north.list_datasets()] == ["North reviews"]
    assert [d.name for d in south.list_datasets()] == ["South reviews"]
    assert [(d.team, d.name) for d in north.list_datasets()] == [("north", "North reviews")]
    assert [s.name for s in north.list_scenarios()] == ["North plan"]
    assert [(s.team, s.name) for s in south.list_scenarios()] == [("south", "South plan")]
    assert north.load_readings(n_data.id) == READINGS
    assert south.load_readings(s_data.id) == READINGS[:1]
    assert north.load_scenario(n_plan) == {"target": 4.5}
    assert south.load_scenario(s_plan) == {"target": 3.9}
    loaded, _ = south.load_dataset(s_data.id)
    assert loaded["text"].str.startswith("south").all()
    # A viewer of north sees north's items, and only those.
    viewer = ws.scoped(NORTH_VIEWER)
    assert [d.id for d in viewer.list_datasets()] == [n_data.id]
    assert [s.id for s in viewer.list_scenarios()] == [n_plan]


def test_another_teams_id_is_refused_without_its_name_or_rows(ws: Workspace) -> None:
    south = ws.scoped(SOUTH_ANALYST)
    secret = south.save_dataset("Acme churn list", frame(text="confidential words"))
    south.save_readings(secret.id, READINGS)
    plan = south.save_scenario("Acme secret plan", {"target": 4.9})
    north = ws.scoped(NORTH_ANALYST)
    attempts: list[Callable[[], object]] = [
        lambda: north.dataset_info(secret.id),
        lambda: north.load_dataset(secret.id),
        lambda: north.rename_dataset(secret.id, "Mine now"),
        lambda: north.delete_dataset(secret.id),
        lambda: north.load_readings(secret.id),
        lambda: north.save_readings(secret.id, []),
        lambda: north.load_scenario(plan),
        lambda: north.update_scenario(plan, "Mine now", {}),
        lambda: north.delete_scenario(plan),
        lambda: north.record("open", "dataset", secret.id, "guess"),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied) as caught:
            attempt()
        message = str(caught.value)
        assert "another team" in message
        for leaked in ("Acme", "confidential", "south", "4.9"):
            assert leaked not in message
    # Nothing changed, and the refusals wrote no audit row.
    assert [d.name for d in south.list_datasets()] == ["Acme churn list"]
    assert south.load_readings(secret.id) == READINGS
    assert south.load_scenario(plan) == {"target": 4.9}
    assert [row[2] for row in audit_rows(ws)] == ["save", "save", "save"]
    # An id nobody has is "no such", not a refusal.
    with pytest.raises(WorkspaceError, match="no dataset with id 999") as missing:
        north.load_dataset(999)
    assert not isinstance(missing.value, AccessDenied)


def test_a_viewer_cannot_save_rename_or_delete(ws: Workspace) -> None:
    analyst = ws.scoped(NORTH_ANALYST)
    data = analyst.save_dataset("June", frame())
    plan = analyst.save_scenario("Plan", {"a": 1})
    viewer = ws.scoped(NORTH_VIEWER)
    writes: list[Callable[[], object]] = [
        lambda: viewer.save_dataset("Mine", frame(3, "2020-01-01")),
        lambda: viewer.rename_dataset(data.id, "Renamed"),
        lambda: viewer.delete_dataset(data.id),
        lambda: viewer.save_readings(data.id, READINGS),
        lambda: viewer.save_scenario("Mine", {}),
        lambda: viewer.update_scenario(plan, "Renamed", {}),
        lambda: viewer.delete_scenario(plan),
    ]
    for write in writes:
        with pytest.raises(AccessDenied, match=r"vic@north.example may not .*'viewer'"):
            write()
    assert [d.name for d in viewer.list_datasets()] == ["June"]
    assert [s.name for s in viewer.list_scenarios()] == ["Plan"]
    assert viewer.load_readings(data.id) == []
    # ... but may open, export and record that.
    pd.testing.assert_frame_equal(viewer.load_dataset(data.id)[0], frame())
    assert viewer.record("export", "dataset", data.id, "June", "CSV") is True
    assert audit_rows(ws)[0] == ("vic@north.example", "north", "export", "dataset", "June")
    with pytest.raises(AccessDenied, match="admin role"):
        viewer.audit_log()
    with pytest.raises(AccessDenied, match="admin role"):
        analyst.audit_log()


def test_admin_sees_and_manages_every_team(ws: Workspace) -> None:
    north = ws.scoped(NORTH_ANALYST)
    south = ws.scoped(SOUTH_ANALYST)
    n_data = north.save_dataset("North", frame())
    s_data = south.save_dataset("South", frame(4, "2021-01-01"))
    s_plan = south.save_scenario("South plan", {})
    admin = ws.scoped(ADMIN)
    assert {(d.team, d.name) for d in admin.list_datasets()} == {
        ("north", "North"), ("south", "South")}
    assert [s.team for s in admin.list_scenarios()] == ["south"]
    pd.testing.assert_frame_equal(admin.load_dataset(s_data.id)[0], frame(4, "2021-01-01"))
    renamed = admin.rename_dataset(s_data.id, "South (checked)")
    assert (renamed.team, renamed.name) == ("south", "South (checked)")
    admin.update_scenario(s_plan, "South plan v2", {"b": 2})
    admin.delete_dataset(n_data.id)
    own = admin.save_dataset("Agency", frame(2, "2019-01-01"))
    assert own.team == "agency"
    assert [d.name for d in south.list_datasets()] == ["South (checked)"]
    assert north.list_datasets() == []
    # The audit names the team the item belongs to, and the admin who acted.
    assert audit_rows(ws)[:4] == [
        ("ada@agency.example", "agency", "save", "dataset", "Agency"),
        ("ada@agency.example", "north", "delete", "dataset", "North"),
        ("ada@agency.example", "south", "update", "scenario", "South plan v2"),
        ("ada@agency.example", "south", "rename", "dataset", "South (checked)"),
    ]


def test_the_same_table_in_two_teams_is_two_datasets(ws: Workspace) -> None:
    north, south = ws.scoped(NORTH_ANALYST), ws.scoped(SOUTH_ANALYST)
    first = north.save_dataset("Shared file", frame())
    again = north.save_dataset("Shared file again", frame())
    other = south.save_dataset("Their copy", frame())
    assert first.created and not again.created and again.id == first.id
    assert other.created and other.id != first.id and other.team == "south"
    assert other.content_hash == first.content_hash
    south.delete_dataset(other.id)
    pd.testing.assert_frame_equal(north.load_dataset(first.id)[0], frame())


def test_sql_looking_team_names_stay_values(ws: Workspace) -> None:
    ws.scoped(NORTH_ANALYST).save_dataset("North", frame())
    ws.scoped(NORTH_ANALYST).save_scenario("North plan", {})
    tricky = ws.scoped(Scope(user="x'); DROP TABLE audit;--", team=SQLISH_TEAM,
                             role="analyst"))
    assert tricky.list_datasets() == []
    assert tricky.list_scenarios() == []
    saved = tricky.save_dataset("Tricky", frame(2, "2018-01-01"))
    assert saved.team == SQLISH_TEAM
    assert [d.name for d in tricky.list_datasets()] == ["Tricky"]
    assert [d.name for d in ws.scoped(NORTH_ANALYST).list_datasets()] == ["North"]
    assert audit_rows(ws)[0] == ("x'); DROP TABLE audit;--", SQLISH_TEAM, "save", "dataset",
                                 "Tricky")


# -- the audit trail ---------------------------------------------------------------


def test_every_change_is_audited_newest_first(ws: Workspace) -> None:
    north = ws.scoped(NORTH_ANALYST)
    data = north.save_dataset("June", frame())
    north.save_readings(data.id, READINGS)
    north.rename_dataset(data.id, "June (final)")
    north.record("open", "dataset", data.id, "June (final)")
    north.record("export", "dataset", data.id, "June (final)", "Excel")
    plan = north.save_scenario("Plan", {"target": 4})
    north.update_scenario(plan, "Plan B", {"target": 4.2})
    north.delete_scenario(plan)
    north.delete_dataset(data.id)
    log = ws.scoped(ADMIN).audit_log()
    assert list(log.columns) == list(AUDIT_COLUMNS)
    assert list(zip(log["action"], log["kind"], log["item_name"], strict=True)) == [
        ("delete", "dataset", "June (final)"),
        ("delete", "scenario", "Plan B"),
        ("update", "scenario", "Plan B"),
        ("save", "scenario", "Plan"),
        ("export", "dataset", "June (final)"),
        ("open", "dataset", "June (final)"),
        ("rename", "dataset", "June (final)"),
        ("save", "readings", "June"),
        ("save", "dataset", "June"),
    ]
    assert set(log["user"]) == {"ann@north.example"} and set(log["team"]) == {"north"}
    assert log["item_id"].tolist() == [data.id, plan, plan, plan, data.id, data.id, data.id,
                                       data.id, data.id]
    assert log.loc[log["action"] == "rename", "detail"].item() == "was 'June'"
    assert log.loc[log["action"] == "export", "detail"].item() == "Excel"
    assert str(log["at"].dtype) == "datetime64[us, UTC]"
    assert str(log["item_id"].dtype) == "Int64"
    assert log["at"].is_monotonic_decreasing
    assert (pd.Timestamp.now(tz="UTC") - log["at"]).max() < pd.Timedelta(minutes=5)
    assert len(ws.scoped(ADMIN).audit_log(limit=2)) == 2
    assert ws.scoped(ADMIN).audit_log(limit=0).empty


def test_the_local_methods_act_as_local_mode(ws: Workspace) -> None:
    data = ws.save_dataset("Local", frame())
    ws.rename_dataset(data.id, "Local 2")
    assert data.team == "default"
    assert ws.scoped(LOCAL_SCOPE).list_datasets() == ws.list_datasets()
    assert audit_rows(ws)[:2] == [("local", "default", "rename", "dataset", "Local 2"),
                                  ("local", "default", "save", "dataset", "Local")]
    assert ws.scoped(NORTH_ANALYST).list_datasets() == []


def test_a_failed_change_leaves_neither_the_change_nor_its_audit_row(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit row is written in the change's own transaction: when writing it fails,
    the dataset is not saved either (and the other way round)."""
    north = ws.scoped(NORTH_ANALYST)
    kept = north.save_dataset("Kept", frame())

    def broken_audit(*args: object, **kwargs: object) -> None:
        raise WorkspaceError("audit disk full")

    monkeypatch.setattr(type(ws), "_audit", staticmethod(broken_audit))
    with pytest.raises(WorkspaceError, match="audit disk full"):
        north.save_dataset("Lost", frame(9, "2022-01-01"))
    with pytest.raises(WorkspaceError, match="audit disk full"):
        north.delete_dataset(kept.id)
    with pytest.raises(WorkspaceError, match="audit disk full"):
        north.save_scenario("Lost plan", {})
    monkeypatch.undo()
    assert [d.name for d in north.list_datasets()] == ["Kept"]
    assert north.list_scenarios() == []
    pd.testing.assert_frame_equal(north.load_dataset(kept.id)[0], frame())
    assert [row[4] for row in audit_rows(ws)] == ["Kept"]
    # The next save works and reuses nothing of the failed one.
    again = north.save_dataset("Lost", frame(9, "2022-01-01"))
    assert again.created and north.load_dataset(again.id)[0].shape == (9, 3)


def test_record_checks_its_words_and_the_item(ws: Workspace) -> None:
    north = ws.scoped(NORTH_ANALYST)
    for action in ("", "open it", "x" * 41, "drop;"):
        with pytest.raises(WorkspaceError, match="short word"):
            north.record(action, "dataset", None, "x")
    with pytest.raises(WorkspaceError, match="no dataset with id 5"):
        north.record("open", "dataset", 5, "x")
    assert north.record("export", "upload", None, "pasted.csv", "CSV") is True
    assert audit_rows(ws)[0] == ("ann@north.example", "north", "export", "upload",
                                 "pasted.csv")


def test_two_workspace_objects_on_one_workspace(backend: Callable[[], Workspace]) -> None:
    """Two objects on one workspace (two app servers on PostgreSQL; on DuckDB, the
    same process opening the file twice): what one saves, the other lists."""
    first = backend()
    saved = first.scoped(NORTH_ANALYST).save_dataset("From server A", frame())
    second = backend()
    north_b = second.scoped(NORTH_ANALYST)
    assert [d.name for d in north_b.list_datasets()] == ["From server A"]
    pd.testing.assert_frame_equal(north_b.load_dataset(saved.id)[0], frame())
    north_b.rename_dataset(saved.id, "Renamed on B")
    assert [d.name for d in first.scoped(NORTH_ANALYST).list_datasets()] == ["Renamed on B"]
    assert second.scoped(SOUTH_ANALYST).list_datasets() == []


def test_scoped_needs_a_scope(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="needs a Scope"):
        ws.scoped("admin")  # type: ignore[arg-type]
    scoped = ws.scoped(NORTH_VIEWER)
    assert isinstance(scoped, ScopedWorkspace)
    assert scoped.scope is NORTH_VIEWER and scoped.read_only is False


# -- the layout upgrade (DuckDB files written before teams) --------------------------

V1_DDL = (
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    "CREATE SEQUENCE dataset_id_seq START 1",
    "CREATE SEQUENCE scenario_id_seq START 1",
    """CREATE TABLE datasets (id BIGINT PRIMARY KEY, name VARCHAR NOT NULL,
        "rows" BIGINT NOT NULL, date_min TIMESTAMPTZ, date_max TIMESTAMPTZ,
        saved_at TIMESTAMPTZ NOT NULL, content_hash VARCHAR NOT NULL UNIQUE,
        "columns" VARCHAR NOT NULL, report VARCHAR)""",
    """CREATE TABLE reviews (dataset_id BIGINT NOT NULL, row_no BIGINT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL, rating TINYINT NOT NULL, "text" VARCHAR)""",
    """CREATE TABLE scenarios (id BIGINT PRIMARY KEY, name VARCHAR NOT NULL,
        params VARCHAR NOT NULL, created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL)""",
    """CREATE TABLE readings (dataset_id BIGINT NOT NULL, "position" INTEGER NOT NULL,
        "at" TIMESTAMPTZ NOT NULL, score DOUBLE NOT NULL, review_count BIGINT,
        source VARCHAR NOT NULL)""",
    "INSERT INTO meta VALUES ('schema_version', '1')",
)


def write_layout_1(path: Path) -> str:
    """A workspace file exactly as layout 1 wrote it, with one dataset (three rows),
    its readings and one scenario; returns the dataset's content hash."""
    reference = Workspace(path.with_name("reference.duckdb"))
    info = reference.save_dataset("Old", frame(3))
    reference.close()
    con = duckdb.connect(str(path))
    for statement in V1_DDL:
        con.execute(statement)
    con.execute("SELECT nextval('dataset_id_seq')")
    con.execute("INSERT INTO datasets VALUES (1, 'Old', 3, ?, ?, ?, ?, ?, '{}')",
                [info.date_min, info.date_max, info.saved_at, info.content_hash,
                 '["created_at", "rating", "text"]'])
    for row_no, row in frame(3).iterrows():
        con.execute("INSERT INTO reviews VALUES (1, ?, ?, ?, ?)",
                    [row_no, row["created_at"].to_pydatetime(), int(row["rating"]), row["text"]])
    con.execute("INSERT INTO readings VALUES (1, 0, ?, 4.1, 120, 'site')",
                [READINGS[0].at.to_pydatetime()])
    con.execute("SELECT nextval('scenario_id_seq')")
    con.execute("INSERT INTO scenarios VALUES (1, 'Old plan', '{\"t\": 4}', now(), now())")
    con.close()
    return info.content_hash


def test_a_layout_1_file_is_upgraded_into_the_default_team(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    content_hash = write_layout_1(path)
    with pytest.raises(WorkspaceError, match=r"layout version 1.*Open it once with write"):
        Workspace(path, read_only=True)
    with Workspace(path) as ws:
        [old] = ws.list_datasets()
        assert (old.id, old.name, old.team, old.content_hash) == (1, "Old", "default",
                                                                 content_hash)
        pd.testing.assert_frame_equal(ws.load_dataset(1)[0], frame(3))
        assert ws.load_readings(1) == READINGS[:1]
        assert [(s.name, s.team) for s in ws.list_scenarios()] == [("Old plan", "default")]
        assert ws.load_scenario(1) == {"t": 4}
        # Old rows are the default team's: invisible to another team, which may save the
        # same table as its own dataset now that the hash is unique per team only.
        north = ws.scoped(NORTH_ANALYST)
        assert north.list_datasets() == []
        copy = north.save_dataset("Same table", frame(3))
        assert copy.created and copy.id == 2 and copy.content_hash == content_hash
        assert not ws.save_dataset("Again", frame(3)).created
        ws.rename_dataset(1, "Old renamed")
        with ws.cursor() as cur:
            assert cur.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                               ).fetchall() == [(str(SCHEMA_VERSION),)]
            assert cur.execute("SELECT created_by FROM datasets WHERE id = 1"
                               ).fetchall() == [("local",)]
        assert audit_rows(ws)[0] == ("local", "default", "rename", "dataset", "Old renamed")
    with Workspace(path, read_only=True) as ws:  # upgraded: now opens read-only too
        assert [d.name for d in ws.list_datasets()] == ["Same table", "Old renamed"]
        assert ws.scoped(NORTH_VIEWER).record("open", "dataset", 2, "Same table") is False


# -- the SQL text ------------------------------------------------------------------

STORE_MODULES = sorted((REPO / "scoring").glob("store*.py"))
ALLOWED_IN_SQL = {"_IN_SCOPE", "_SQL_TYPES", "table", "column_list", "column", "sql_types",
                  "default", "double", "review_columns", "columns"}
"""Names an f-string holding SQL may interpolate: constants of the module, table and
column names chosen by the module itself, never a value."""


def test_no_sql_is_built_with_a_value() -> None:
    """Every f-string that holds SQL interpolates only the module's own constants (the
    scope filter, table and column names); values (teams, ids, names) are always bound
    parameters."""
    assert {path.name for path in STORE_MODULES} >= {"store.py"}
    offenders = []
    for path in STORE_MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            text = "".join(
                part.value for part in node.values
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            )
            if not any(word in text for word in ("SELECT ", "WHERE ", "INSERT INTO", "UPDATE ",
                                                 "DELETE FROM", "ALTER TABLE", "LIMIT")):
                continue
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    names = {n.id for n in ast.walk(part.value) if isinstance(n, ast.Name)}
                    if not names <= ALLOWED_IN_SQL:
                        offenders.append(f"{path.name}:{node.lineno}: {ast.unparse(part)}")
    assert offenders == []


def test_nothing_updates_or_deletes_audit_rows() -> None:
    for path in STORE_MODULES:
        text = " ".join(path.read_text(encoding="utf-8").upper().split())
        assert "UPDATE AUDIT" not in text and "DELETE FROM AUDIT" not in text
        assert "DROP TABLE AUDIT" not in text and "TRUNCATE" not in text
