"""The workspace store: round trips, de-duplication, names, bad files, crashes, scenarios."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from scoring.readings import PublishedReading
from scoring.store import (
    NAME_MAX_LENGTH,
    SCHEMA_VERSION,
    DatasetInfo,
    Workspace,
    WorkspaceError,
    default_workspace_path,
    validate_name,
)

REPO = Path(__file__).resolve().parents[2]
SQLISH = "Robert'); DROP TABLE datasets;--"


def full_frame() -> pd.DataFrame:
    """Every canonical column, with microseconds, missing values and unicode."""
    return pd.DataFrame(
        {
            "created_at": pd.to_datetime(
                [
                    "2024-01-01T00:00:00.000001Z",
                    "2024-02-29T23:59:59.999999Z",
                    "2024-03-31T01:30:00.123456+02:00",
                    "1999-12-31T23:59:59Z",
                ],
                utc=True,
                format="ISO8601",
            ),
            "rating": pd.Series([1, 5, 3, 4], dtype="int64"),
            "review_id": pd.Series(["a1", "b2", "c3", "d4"], dtype="str"),
            "title": pd.Series(["Great 😀", None, "Très bien", 'He said "no"'], dtype="str"),
            "text": pd.Series(
                ["naïve café ☕\nsecond line", "", "日本語のレビュー 👨‍👩‍👧", SQLISH], dtype="str"
            ),
            "source": pd.Series(["invited", "organic", None, "nul\x00byte"], dtype="str"),
            "invited": pd.Series([True, False, False, True], dtype="bool"),
            "location": pd.Series([None, "DE", "FR", None], dtype="str"),
            "company": pd.Series(["ACME"] * 4, dtype="str"),
            "language": pd.Series(["en", "en", "fr", "ja"], dtype="str"),
            "reply_at": pd.to_datetime(
                ["2024-01-02T10:00:00.5Z", None, None, "2000-01-01T00:00:00Z"],
                utc=True,
                format="ISO8601",
            ),
            "counts": pd.array([True, None, False, True], dtype="boolean"),
            "reviewer": pd.Series(["5f00aa", None, "Zoë <b>", "https://x.example/u/1"],
                                  dtype="str"),
            "replied": pd.array([True, False, None, True], dtype="boolean"),
            "reply_text": pd.Series(
                ["Thanks 🙏\nsecond line", None, None, "  <b>kept</b> as written "], dtype="str"
            ),
            "updated_at": pd.to_datetime(
                [None, "2024-03-01T08:00:00.000002Z", None, "2001-01-01T00:00:00Z"],
                utc=True,
                format="ISO8601",
            ),
        }
    )


def minimal_frame(n: int = 5, start: str = "2024-05-01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "created_at": pd.date_range(start, periods=n, freq="h", tz="UTC"),
            "rating": pd.Series(np.arange(n) % 5 + 1, dtype="int64"),
        }
    )


@pytest.fixture
def workspace(tmp_path: Path):
    with Workspace(tmp_path / "ws.duckdb") as ws:
        yield ws


def count_review_rows(ws: Workspace) -> int:
    with ws.cursor() as cur:
        return cur.execute("SELECT count(*) FROM reviews").fetchall()[0][0]


# -- round trip ------------------------------------------------------------------


def test_round_trip_keeps_values_and_dtypes(workspace: Workspace) -> None:
    frame = full_frame()
    report = {"rows_read": np.int64(4), "when": pd.Timestamp("2024-06-01", tz="UTC"), "x": [1]}

    info = workspace.save_dataset("Full", frame, report)
    loaded, loaded_report = workspace.load_dataset(info.id)

    pd.testing.assert_frame_equal(loaded, frame)  # values, dtypes, column order
    assert str(loaded["created_at"].dtype) == "datetime64[us, UTC]"
    assert loaded["created_at"][0].microsecond == 1
    assert loaded["rating"].dtype == "int64"
    assert loaded["invited"].dtype == bool
    assert loaded["counts"].dtype == "boolean" and loaded["counts"].isna().sum() == 1
    assert loaded["replied"].dtype == "boolean" and loaded["replied"].isna().sum() == 1
    assert loaded["reply_text"][3] == "  <b>kept</b> as written "
    assert str(loaded["updated_at"].dtype) == "datetime64[us, UTC]"
    assert loaded["updated_at"][1].microsecond == 2
    assert loaded["text"][2] == "日本語のレビュー 👨‍👩‍👧"
    assert loaded_report == {"rows_read": 4, "when": "2024-06-01T00:00:00+00:00", "x": [1]}
    assert info.created is True
    assert info.rows == 4
    assert info.columns == tuple(frame.columns)
    assert info.date_min == pd.Timestamp("1999-12-31T23:59:59Z")
    assert info.date_max == pd.Timestamp("2024-03-30T23:30:00.123456Z")
    assert str(info.saved_at.tz) == "UTC"


def test_round_trip_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        dataset_id = ws.save_dataset("Full", full_frame()).id
    with Workspace(path) as ws:
        loaded, report = ws.load_dataset(dataset_id)
    pd.testing.assert_frame_equal(loaded, full_frame())
    assert report == {}


def test_workspace_written_before_the_reviewer_column_gains_it(tmp_path: Path) -> None:
    """A workspace file from before ``reviewer`` existed opens, keeps its datasets, and
    stores the new column from then on."""
    path = tmp_path / "old.duckdb"
    with Workspace(path) as ws:
        old_id = ws.save_dataset("Old", minimal_frame()).id
        with ws.cursor() as cur:
            cur.execute('ALTER TABLE reviews DROP COLUMN "reviewer"')
    with Workspace(path) as ws:
        old, _ = ws.load_dataset(old_id)
        pd.testing.assert_frame_equal(old, minimal_frame())
        new_id = ws.save_dataset("New", full_frame()).id
        loaded, _ = ws.load_dataset(new_id)
    pd.testing.assert_frame_equal(loaded, full_frame())
    assert loaded["reviewer"].tolist()[2] == "Zoë <b>"
    with Workspace(path, read_only=True) as ws:  # opening again changes nothing
        pd.testing.assert_frame_equal(ws.load_dataset(old_id)[0], minimal_frame())


REPLY_COLUMNS = ("replied", "reply_text", "updated_at")


def test_workspace_written_before_the_reply_columns_gains_them(tmp_path: Path) -> None:
    """A workspace file from before ``replied``, ``reply_text`` and ``updated_at``
    existed opens, keeps its datasets, and stores the new columns from then on."""
    path = tmp_path / "old.duckdb"
    old_frame = full_frame().drop(columns=list(REPLY_COLUMNS))
    with Workspace(path) as ws:
        old_id = ws.save_dataset("Old", old_frame).id
        with ws.cursor() as cur:
            for column in REPLY_COLUMNS:
                cur.execute(f'ALTER TABLE reviews DROP COLUMN "{column}"')
    with Workspace(path) as ws:
        pd.testing.assert_frame_equal(ws.load_dataset(old_id)[0], old_frame)
        new_id = ws.save_dataset("New", full_frame()).id
        pd.testing.assert_frame_equal(ws.load_dataset(new_id)[0], full_frame())
    with Workspace(path, read_only=True) as ws:
        pd.testing.assert_frame_equal(ws.load_dataset(old_id)[0], old_frame)
        pd.testing.assert_frame_equal(ws.load_dataset(new_id)[0], full_frame())


def test_reply_columns_stored_as_text_get_their_types(tmp_path: Path) -> None:
    """A workspace opened by the TrustLens that declared ``replied`` and ``updated_at``
    but stored them as VARCHAR: reopened, they become BOOLEAN and TIMESTAMPTZ (values
    converted), and a table with replies round-trips."""
    path = tmp_path / "interim.duckdb"
    with Workspace(path) as ws:
        old_id = ws.save_dataset("Old", minimal_frame(2)).id
        with ws.cursor() as cur:
            for column in ("replied", "updated_at"):
                cur.execute(f'ALTER TABLE reviews DROP COLUMN "{column}"')
                cur.execute(f'ALTER TABLE reviews ADD COLUMN "{column}" VARCHAR')
            cur.execute("UPDATE reviews SET replied = 'True', "
                        "updated_at = '2024-05-02 00:00:00+00:00' WHERE row_no = 0")
    with Workspace(path) as ws:
        with ws.cursor() as cur:
            types = dict(cur.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE table_name = 'reviews' AND column_name IN ('replied', 'updated_at')"
            ).fetchall())
            assert types == {"replied": "BOOLEAN", "updated_at": "TIMESTAMP WITH TIME ZONE"}
            assert cur.execute(
                "SELECT replied, updated_at FROM reviews ORDER BY row_no"
            ).fetchall()[0][0] is True
        pd.testing.assert_frame_equal(ws.load_dataset(old_id)[0], minimal_frame(2))
        new_id = ws.save_dataset("New", full_frame()).id
        pd.testing.assert_frame_equal(ws.load_dataset(new_id)[0], full_frame())


def test_minimal_and_coerced_inputs(workspace: Workspace) -> None:
    frame = pd.DataFrame(
        {
            # Another zone is stored as the same instant in UTC.
            "created_at": pd.to_datetime(["2024-03-31 03:30:00.000007"]).tz_localize(
                "Europe/Paris"
            ),
            "rating": [5.0],  # whole-valued floats are stars
            "invited": pd.Series([None], dtype=object),  # all missing
        }
    )
    loaded, _ = workspace.load_dataset(workspace.save_dataset("Coerced", frame).id)
    assert list(loaded.columns) == ["created_at", "rating", "invited"]
    assert loaded["created_at"][0] == pd.Timestamp("2024-03-31 01:30:00.000007", tz="UTC")
    assert str(loaded["created_at"].dtype) == "datetime64[us, UTC]"
    assert loaded["rating"].dtype == "int64" and loaded["rating"][0] == 5
    assert loaded["invited"].dtype == "boolean" and loaded["invited"].isna().all()


def test_empty_table_round_trips(workspace: Workspace) -> None:
    frame = minimal_frame(0)
    info = workspace.save_dataset("Empty", frame)
    loaded, _ = workspace.load_dataset(info.id)
    assert info.rows == 0 and info.date_min is None and info.date_max is None
    pd.testing.assert_frame_equal(loaded, frame)


def test_row_order_and_index_are_normalised(workspace: Workspace) -> None:
    frame = minimal_frame(50).sample(frac=1, random_state=1)  # shuffled, odd index
    loaded, _ = workspace.load_dataset(workspace.save_dataset("Shuffled", frame).id)
    pd.testing.assert_frame_equal(loaded, frame.reset_index(drop=True))


def test_non_canonical_tables_are_refused(workspace: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="not part of the canonical table: stars"):
        workspace.save_dataset("Extra", minimal_frame().assign(stars=1))
    with pytest.raises(ValueError, match="rating"):  # ReviewDataError from validate_reviews
        workspace.save_dataset("Bad", minimal_frame().assign(rating=7))
    with pytest.raises(WorkspaceError, match="'invited' must hold True/False"):
        workspace.save_dataset("Bad bools", minimal_frame(2).assign(invited=["yes", "no"]))
    with pytest.raises(WorkspaceError, match="'text' cannot be stored as VARCHAR"):
        workspace.save_dataset(
            "Surrogate", minimal_frame(1).assign(text=pd.Series(["bad \ud800"], dtype=object))
        )
    with pytest.raises(WorkspaceError, match="report cannot be stored as JSON"):
        workspace.save_dataset("Bad report", minimal_frame(), {"x": object()})
    assert workspace.list_datasets() == []


# -- de-duplication, rename, delete ----------------------------------------------


def test_saving_the_same_data_twice_keeps_one_dataset(workspace: Workspace) -> None:
    first = workspace.save_dataset("First", full_frame(), {"a": 1})
    # Same content, other column order and other index: the same dataset.
    shuffled_columns = full_frame()[list(reversed(full_frame().columns))]
    shuffled_columns.index = shuffled_columns.index + 100
    second = workspace.save_dataset("Second", shuffled_columns, {"a": 2})

    assert first.created is True and second.created is False
    assert second.id == first.id and second.content_hash == first.content_hash
    assert second.name == "First"  # the existing dataset, unchanged
    assert [d.id for d in workspace.list_datasets()] == [first.id]
    assert workspace.load_dataset(first.id)[1] == {"a": 1}
    assert count_review_rows(workspace) == 4

    other = workspace.save_dataset("Other", full_frame().assign(rating=5))
    assert other.created is True and other.content_hash != first.content_hash
    assert len(workspace.list_datasets()) == 2


def test_hash_sees_every_difference(workspace: Workspace) -> None:
    base = full_frame()
    variants = [
        base.assign(text=base["text"].str.replace("☕", "🍵")),
        base.assign(created_at=base["created_at"] + pd.Timedelta(microseconds=1)),
        base.iloc[::-1],
        base.drop(columns="title"),
        base.assign(title=pd.Series([None, "Great 😀", "Très bien", 'He said "no"'])),
    ]
    hashes = {workspace.save_dataset("Base", base).content_hash}
    for number, variant in enumerate(variants):
        info = workspace.save_dataset(f"Variant {number}", variant)
        assert info.created, number
        hashes.add(info.content_hash)
    assert len(hashes) == len(variants) + 1


def test_rename_and_delete(workspace: Workspace) -> None:
    keep = workspace.save_dataset("Keep", minimal_frame(3))
    drop = workspace.save_dataset("Drop", minimal_frame(4, start="2023-01-01"))

    renamed = workspace.rename_dataset(keep.id, f"  {SQLISH}  ")
    assert renamed.name == SQLISH and renamed.id == keep.id
    assert {d.name for d in workspace.list_datasets()} == {SQLISH, "Drop"}

    workspace.delete_dataset(drop.id)
    assert [d.id for d in workspace.list_datasets()] == [keep.id]
    assert count_review_rows(workspace) == 3
    with pytest.raises(WorkspaceError, match=f"no dataset with id {drop.id}"):
        workspace.load_dataset(drop.id)
    with pytest.raises(WorkspaceError, match="no dataset"):
        workspace.rename_dataset(drop.id, "Again")
    with pytest.raises(WorkspaceError, match="no dataset"):
        workspace.delete_dataset(drop.id)
    with pytest.raises(WorkspaceError, match="whole number"):
        workspace.load_dataset("1")  # type: ignore[arg-type]

    # Deleted content can be saved again, as a new dataset.
    again = workspace.save_dataset("Drop again", minimal_frame(4, start="2023-01-01"))
    assert again.created and again.id not in (keep.id, drop.id)


def test_list_datasets_newest_first(workspace: Workspace) -> None:
    ids = [workspace.save_dataset(f"D{i}", minimal_frame(i + 1)).id for i in range(3)]
    listed = workspace.list_datasets()
    assert [d.id for d in listed] == ids[::-1]
    assert all(isinstance(d, DatasetInfo) for d in listed)
    assert [d.rows for d in listed] == [3, 2, 1]
    assert workspace.dataset_info(ids[0]).name == "D0"


# -- names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "empty"),
        ("   \u00a0 ", "empty"),
        ("x" * (NAME_MAX_LENGTH + 1), "at most 80"),
        ("tab\there", "control character"),
        ("line\nbreak", "control character"),
        ("nul\x00byte", "control character"),
        ("del\x7f", "control character"),
        ("para\u2029graph", "control character"),
        ("a/b", "path separator"),
        ("..\\windows", "path separator"),
        (None, "must be text"),
    ],
)
def test_bad_names_are_refused(workspace: Workspace, name: object, message: str) -> None:
    with pytest.raises(WorkspaceError, match=message):
        validate_name(name)
    with pytest.raises(WorkspaceError, match=message):
        workspace.save_dataset(name, minimal_frame())  # type: ignore[arg-type]
    with pytest.raises(WorkspaceError, match=message):
        workspace.save_scenario(name, {})  # type: ignore[arg-type]
    assert workspace.list_datasets() == [] and workspace.list_scenarios() == []


@pytest.mark.parametrize(
    "name",
    [
        SQLISH,
        "x'; DELETE FROM reviews; SELECT '",
        'He said "hi" -- ok?',
        "? $1 %s {name} :name",
        "Café ☕ 👨‍👩‍👧 Ünïcødé",
        "x" * NAME_MAX_LENGTH,
    ],
)
def test_quotes_and_sql_looking_names_are_stored_verbatim(workspace: Workspace, name: str) -> None:
    assert validate_name(f"  {name} ") == name
    info = workspace.save_dataset(name, minimal_frame())
    scenario_id = workspace.save_scenario(name, {"note": name})
    assert [d.name for d in workspace.list_datasets()] == [name]
    assert [s.name for s in workspace.list_scenarios()] == [name]
    assert workspace.load_scenario(scenario_id) == {"note": name}
    assert workspace.load_dataset(info.id)[0].shape == (5, 2)  # tables intact
    assert count_review_rows(workspace) == 5


# -- scenarios ---------------------------------------------------------------------


def test_scenarios_crud(workspace: Workspace) -> None:
    params = {"target": 4.2, "monthly_reviews": 120, "mix": [0.1, 0.0, 0.1, 0.2, 0.6]}
    first = workspace.save_scenario("Base case", params)
    second = workspace.save_scenario("Stretch", {"target": np.float64(4.5), "nested": {"a": 1}})
    assert isinstance(first, int) and first != second

    assert workspace.load_scenario(first) == params
    assert workspace.load_scenario(second) == {"target": 4.5, "nested": {"a": 1}}
    assert [s.name for s in workspace.list_scenarios()] == ["Stretch", "Base case"]

    before = {s.id: s for s in workspace.list_scenarios()}[first]
    workspace.update_scenario(first, "Base case v2", {"target": 4.3})
    after = {s.id: s for s in workspace.list_scenarios()}[first]
    assert workspace.load_scenario(first) == {"target": 4.3}
    assert after.name == "Base case v2"
    assert after.created_at == before.created_at and after.updated_at >= before.updated_at

    workspace.delete_scenario(second)
    assert [s.id for s in workspace.list_scenarios()] == [first]
    for call in (
        lambda: workspace.load_scenario(second),
        lambda: workspace.update_scenario(second, "x", {}),
        lambda: workspace.delete_scenario(second),
    ):
        with pytest.raises(WorkspaceError, match=f"no scenario with id {second}"):
            call()
    with pytest.raises(WorkspaceError, match="cannot be stored as JSON"):
        workspace.save_scenario("Bad", {"f": lambda: 1})
    with pytest.raises(WorkspaceError, match="must be a dict"):
        workspace.save_scenario("Bad", [1, 2])  # type: ignore[arg-type]


# -- published readings ------------------------------------------------------------


READINGS = [
    PublishedReading("2026-06-25T10:35:31.123456Z", 4.3, 1_204, "typed"),
    PublishedReading("2025-01-02", 3.9, None, "saved page acme.html"),
    PublishedReading("2026-01-01T00:00:00+02:00", 1.0, 0, SQLISH),
]


def test_readings_round_trip_in_the_order_saved(workspace: Workspace) -> None:
    dataset_id = workspace.save_dataset("Profile", minimal_frame()).id
    assert workspace.load_readings(dataset_id) == []
    assert workspace.save_readings(dataset_id, READINGS) == 3
    loaded = workspace.load_readings(dataset_id)
    assert loaded == READINGS  # microseconds, UTC, a missing count, quotes in the source
    assert str(loaded[2].at) == "2025-12-31 22:00:00+00:00"
    assert workspace.load_dataset(dataset_id)[0].shape == (5, 2)  # tables intact


def test_saving_readings_replaces_the_set(workspace: Workspace) -> None:
    first = workspace.save_dataset("One", minimal_frame()).id
    second = workspace.save_dataset("Two", minimal_frame(start="2024-06-01")).id
    workspace.save_readings(first, READINGS)
    workspace.save_readings(second, READINGS[:1])
    workspace.save_readings(first, READINGS[1:2])
    assert workspace.load_readings(first) == READINGS[1:2]
    assert workspace.load_readings(second) == READINGS[:1]  # another dataset's untouched
    assert workspace.save_readings(first, []) == 0
    assert workspace.load_readings(first) == []


def test_readings_are_deleted_with_their_dataset(workspace: Workspace) -> None:
    dataset_id = workspace.save_dataset("Gone", minimal_frame()).id
    workspace.save_readings(dataset_id, READINGS)
    workspace.delete_dataset(dataset_id)
    with workspace.cursor() as cur:
        left = cur.execute("SELECT count(*) FROM readings WHERE dataset_id = ?",
                           [dataset_id]).fetchall()
    assert left == [(0,)]
    for call in (lambda: workspace.load_readings(dataset_id),
                 lambda: workspace.save_readings(dataset_id, READINGS)):
        with pytest.raises(WorkspaceError, match=f"no dataset with id {dataset_id}"):
            call()


def test_bad_readings_are_refused_and_nothing_is_written(workspace: Workspace) -> None:
    dataset_id = workspace.save_dataset("Profile", minimal_frame()).id
    workspace.save_readings(dataset_id, READINGS[:1])
    with pytest.raises(WorkspaceError, match="Reading 2 is a tuple"):
        workspace.save_readings(dataset_id, [READINGS[1], ("2025-01-01", 4.0)])
    assert workspace.load_readings(dataset_id) == READINGS[:1]


def test_a_workspace_from_before_readings_gains_the_table(tmp_path: Path) -> None:
    """A file written before readings existed opens read-write with the table created,
    and read-only with no readings (not an error)."""
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        dataset_id = ws.save_dataset("Old", minimal_frame()).id
        with ws.cursor() as cur:
            cur.execute("DROP TABLE readings")
    with Workspace(path, read_only=True) as ws:
        assert ws.load_readings(dataset_id) == []
        assert [d.name for d in ws.list_datasets()] == ["Old"]
    with Workspace(path) as ws:
        ws.save_readings(dataset_id, READINGS)
        ws.delete_dataset(ws.save_dataset("Other", minimal_frame(start="2020-01-01")).id)
        assert ws.load_readings(dataset_id) == READINGS


def test_readings_in_a_read_only_workspace(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        dataset_id = ws.save_dataset("Saved", minimal_frame()).id
        ws.save_readings(dataset_id, READINGS)
    with Workspace(path, read_only=True) as ws:
        assert ws.load_readings(dataset_id) == READINGS
        with pytest.raises(WorkspaceError, match="open read-only"):
            ws.save_readings(dataset_id, [])


# -- paths -------------------------------------------------------------------------


def test_env_var_sets_the_path_and_parents_are_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "deep" / "er" / "mine.duckdb"
    monkeypatch.setenv("TRUSTLENS_WORKSPACE", str(target))
    assert default_workspace_path() == target
    with Workspace() as ws:
        assert ws.path == target
        ws.save_scenario("Saved", {})
    assert target.is_file()


def test_default_path_is_the_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTLENS_WORKSPACE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_workspace_path() == tmp_path / "xdg" / "trustlens" / "workspace.duckdb"

    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # the XDG spec says ignore
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "trustlens" / "workspace.duckdb"
    assert default_workspace_path() == expected
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_workspace_path() == expected
    assert not default_workspace_path().exists()  # nothing created until opened

    monkeypatch.setenv("TRUSTLENS_WORKSPACE", "")  # empty counts as unset
    assert default_workspace_path() == expected


def test_default_path_is_never_inside_the_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTLENS_WORKSPACE", raising=False)
    assert not default_workspace_path().resolve().is_relative_to(REPO)


# -- bad files ---------------------------------------------------------------------


def test_corrupt_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    path.write_bytes(b"PK\x03\x04 definitely not a database " * 200)
    with pytest.raises(WorkspaceError) as caught:
        Workspace(path)
    message = str(caught.value)
    assert str(path) in message and "not a DuckDB database" in message
    assert "Move it aside" in message
    assert not isinstance(caught.value, duckdb.Error)
    assert path.read_bytes().startswith(b"PK")  # left untouched


def test_empty_file_becomes_a_new_workspace(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    path.touch()
    with Workspace(path) as ws:
        assert ws.list_datasets() == []


def test_directory_and_foreign_paths(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="is a directory"):
        Workspace(tmp_path)
    with pytest.raises(WorkspaceError, match="does not exist"):
        Workspace(tmp_path / "missing.duckdb", read_only=True)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WorkspaceError, match="Cannot create the folder"):
        Workspace(blocker / "sub" / "ws.duckdb")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws, ws.cursor() as cur:
        cur.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)]
        )
    with pytest.raises(WorkspaceError, match="Upgrade TrustLens"):
        Workspace(path)


def test_closed_workspace_raises_workspace_error(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.close()
    ws.close()  # idempotent
    with pytest.raises(WorkspaceError, match="closed"):
        ws.list_datasets()


def test_explicit_read_only_mode(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        dataset_id = ws.save_dataset("Saved", full_frame()).id
    with Workspace(path, read_only=True) as ws:
        assert ws.read_only
        pd.testing.assert_frame_equal(ws.load_dataset(dataset_id)[0], full_frame())
        for write in (
            lambda: ws.save_dataset("New", minimal_frame()),
            lambda: ws.rename_dataset(dataset_id, "New"),
            lambda: ws.delete_dataset(dataset_id),
            lambda: ws.save_scenario("New", {}),
        ):
            with pytest.raises(WorkspaceError, match="open read-only"):
                write()
        # The same file cannot also be open read-write in this process.
        with pytest.raises(WorkspaceError, match="already open in this program"):
            Workspace(path)


@pytest.fixture
def unwritable():
    """Make a file unwritable even for root (chmod, plus chattr +i when root)."""
    made: list[Path] = []

    def make(path: Path) -> None:
        path.chmod(0o444)
        made.append(path)
        try:
            with path.open("r+b"):
                pass
        except PermissionError:
            return
        result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if result.returncode != 0:
            pytest.skip("cannot make a file read-only here (root without chattr)")

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
        path.chmod(0o644)


def test_read_only_file_refuses_writes_but_reads(tmp_path: Path, unwritable) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        dataset_id = ws.save_dataset("Saved", full_frame(), {"k": "v"}).id
        ws.save_scenario("Plan", {"target": 4.0})
    unwritable(path)

    with Workspace(path) as ws:
        assert ws.read_only
        assert [d.name for d in ws.list_datasets()] == ["Saved"]
        loaded, report = ws.load_dataset(dataset_id)
        pd.testing.assert_frame_equal(loaded, full_frame())
        assert report == {"k": "v"}
        assert [s.name for s in ws.list_scenarios()] == ["Plan"]
        with pytest.raises(WorkspaceError) as caught:
            ws.save_dataset("New", minimal_frame())
    message = str(caught.value)
    assert "read-only" in message and str(path) in message and "writable" in message


LOCK_HOLDER = """
import sys, time
sys.path.insert(0, {repo!r})
from scoring.store import Workspace
ws = Workspace({path!r})
print("ready", flush=True)
time.sleep(60)
"""


def test_file_locked_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    code = LOCK_HOLDER.format(repo=str(REPO), path=str(path))
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(WorkspaceError) as caught:
            Workspace(path)
        message = str(caught.value)
        assert "in use by another program" in message and str(path) in message
        assert str(holder.pid) in message
    finally:
        holder.kill()
        holder.wait(timeout=10)
        holder.stdout.close()
    with Workspace(path) as ws:  # the lock goes with the process
        assert ws.list_datasets() == []


# -- crash safety ------------------------------------------------------------------

def big_frame(rows: int) -> pd.DataFrame:
    """The table the crashing child saves (the child builds the same one)."""
    return pd.DataFrame({
        "created_at": pd.Timestamp("2020-01-01", tz="UTC")
        + pd.to_timedelta(np.arange(rows) * 7_919_000, unit="us"),
        "rating": np.arange(rows) % 5 + 1,
        "text": pd.Series(["A long enough review text, repeated. " * 4] * rows, dtype="str"),
    })


CRASHING_SAVER = """
import sys, time
sys.path.insert(0, {repo!r})
from scoring import store
from tests.unit.test_store import big_frame

mode, rows = sys.argv[1], int(sys.argv[2])
frame = big_frame(rows)
ws = store.Workspace({path!r})
if mode == "pause":
    real_insert = store.Workspace._insert_reviews

    def insert_then_hang(*args):
        real_insert(*args)
        print("inserted", flush=True)
        time.sleep(600)

    store.Workspace._insert_reviews = staticmethod(insert_then_hang)
print("saving", flush=True)
ws.save_dataset("Big", frame)
print("saved", flush=True)
time.sleep(600)
"""


def run_and_kill(tmp_path: Path, mode: str, rows: int, wait_for: str, delay: float) -> None:
    code = CRASHING_SAVER.format(repo=str(REPO), path=str(tmp_path / "ws.duckdb"))
    child = subprocess.Popen(
        [sys.executable, "-c", code, mode, str(rows)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert child.stdout is not None
        deadline = time.monotonic() + 60
        while (line := child.stdout.readline().strip()) != wait_for:
            assert line and time.monotonic() < deadline, f"child said {line!r}"
        time.sleep(delay)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def assert_complete_or_absent(ws: Workspace, rows: int) -> bool:
    """True when the big dataset is there in full, False when it is absent."""
    big = [d for d in ws.list_datasets() if d.name == "Big"]
    with ws.cursor() as cur:
        orphans = cur.execute(
            "SELECT count(*) FROM reviews WHERE dataset_id NOT IN (SELECT id FROM datasets)"
        ).fetchall()[0][0]
    assert orphans == 0
    if not big:
        return False
    frame, _ = ws.load_dataset(big[0].id)
    assert big[0].rows == rows == len(frame)
    assert frame["rating"].tolist()[:6] == [1, 2, 3, 4, 5, 1]
    return True


def test_crash_mid_save_leaves_the_dataset_absent(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        earlier = ws.save_dataset("Earlier", full_frame())

    # Killed after all rows went in but before the commit.
    run_and_kill(tmp_path, "pause", 300_000, wait_for="inserted", delay=0.2)

    with Workspace(path) as ws:
        assert assert_complete_or_absent(ws, 300_000) is False
        assert [d.id for d in ws.list_datasets()] == [earlier.id]
        pd.testing.assert_frame_equal(ws.load_dataset(earlier.id)[0], full_frame())
        assert ws.save_dataset("Big", minimal_frame()).created  # still writable


@pytest.mark.parametrize("delay", [0.05, 0.4, 1.5])
def test_crash_at_any_moment_leaves_complete_or_absent(tmp_path: Path, delay: float) -> None:
    """Whenever the kill lands, the dataset is whole or absent; saving it again then
    finds the whole one by its content, or saves it in full."""
    run_and_kill(tmp_path, "plain", 400_000, wait_for="saving", delay=delay)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        was_saved = assert_complete_or_absent(ws, 400_000)
        again = ws.save_dataset("Big", big_frame(400_000))
        assert again.created is not was_saved
        assert assert_complete_or_absent(ws, 400_000) is True
        assert len(ws.list_datasets()) == 1


# -- threads -----------------------------------------------------------------------


def test_one_workspace_shared_by_threads(workspace: Workspace) -> None:
    shared = minimal_frame(100)
    barrier = threading.Barrier(8)

    def work(number: int) -> tuple[DatasetInfo, DatasetInfo, int]:
        barrier.wait()
        own = workspace.save_dataset(f"Own {number}", minimal_frame(number + 1, "2021-01-01"))
        same = workspace.save_dataset(f"Shared {number}", shared)
        listed = len(workspace.list_datasets())
        workspace.load_dataset(same.id)
        return own, same, listed

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))

    shared_ids = {same.id for _, same, _ in results}
    assert len(shared_ids) == 1
    assert sum(same.created for _, same, _ in results) == 1
    assert len(workspace.list_datasets()) == 9
    assert count_review_rows(workspace) == 100 + sum(range(1, 9))
