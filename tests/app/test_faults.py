"""Faults around the workspace, seen through the app (AppTest): a workspace file that
is corrupt, locked by another process, read-only, a directory, or left behind by a
process killed in the middle of a save. Each gives a clear message, and the app still
works on uploads.

The database-level guarantees (a save is one transaction; a crash at any moment
leaves a dataset complete or absent; every failure is a WorkspaceError) are tested in
``tests/unit/test_store.py`` (``test_crash_mid_save_leaves_the_dataset_absent``,
``test_crash_at_any_moment_leaves_complete_or_absent``,
``test_corrupt_file_gives_a_clear_error``, ``test_file_locked_by_another_process``,
``test_read_only_file_refuses_writes_but_reads``); these tests add the app on top.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scoring.store import Workspace
from tests.app.conftest import open_app
from tests.helpers import plain
from tests.unit.test_store import (  # noqa: F401  (unwritable is a fixture)
    LOCK_HOLDER,
    REPO,
    full_frame,
    run_and_kill,
    unwritable,
)

GOOD = b"Date,Stars,Comment\n2024-01-05,5,Great\n2024-02-10,4,Fine\n2024-03-01,1,Bad\n"



def sidebar_warnings(at) -> str:
    return " ".join(plain(w.value) for w in at.sidebar.warning)


def uploads_still_work(at) -> None:
    """Import a file, open it in the dashboard, see it on the Overview; saving it
    answers with a message instead of a traceback."""
    at.switch_page("app_pages/importer.py").run()
    assert not at.exception
    at.file_uploader(key="import_files").set_value([("shop.csv", GOOD, "text/csv")])
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Kept"] == "3"
    next(b for b in at.button if b.label == "Save to workspace").click().run()
    assert not at.exception
    assert at.error, "saving to a broken workspace must say why it failed"
    message = plain(at.error[-1].value)
    assert "unavailable" in message or "read-only" in message, message
    next(b for b in at.button if b.label == "Open in the dashboard").click().run()
    assert not at.exception
    at.switch_page("app_pages/home.py").run()
    at.run()  # under AppTest the page switch shows the URL's dataset first
    assert not at.exception
    assert at.title[0].value == "shop"
    assert {m.label: m.value for m in at.metric}["Reviews"] == "3"


def test_corrupt_workspace_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "workspace.duckdb"
    path.write_bytes(b"this is not a database \x00\xff" * 500)
    monkeypatch.setenv("TRUSTLENS_WORKSPACE", str(path))
    at = open_app()
    assert not at.exception
    assert at.title[0].value == "Bramblegate Home Insurance"  # the demo still shows
    warning = sidebar_warnings(at)
    assert "workspace is unavailable" in warning and "damaged" in warning
    assert str(path) in warning and "Uploads still work" in warning
    uploads_still_work(at)
    assert path.read_bytes().startswith(b"this is not a database")  # left as it was


def test_workspace_locked_by_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "workspace.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER.format(repo=str(REPO), path=str(path))],
        stdout=subprocess.PIPE, text=True, cwd=tmp_path,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv("TRUSTLENS_WORKSPACE", str(path))
        at = open_app()
        assert not at.exception
        assert "in use by another program" in sidebar_warnings(at)
        uploads_still_work(at)
    finally:
        holder.kill()
        holder.wait(timeout=10)
        holder.stdout.close()


def test_read_only_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unwritable) -> None:  # noqa: F811
    path = tmp_path / "workspace.duckdb"
    with Workspace(path) as ws:
        saved = ws.save_dataset("Kept safe", full_frame())
    unwritable(path)
    monkeypatch.setenv("TRUSTLENS_WORKSPACE", str(path))
    at = open_app()
    assert not at.exception
    at.selectbox(key="dataset").set_value(f"ws{saved.id}").run()
    assert not at.exception
    at.run()
    assert at.title[0].value == "ACME"  # the saved data (company ACME) opens
    uploads_still_work(at)


def test_workspace_path_is_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTLENS_WORKSPACE", str(tmp_path))
    at = open_app()
    assert not at.exception
    assert "is a directory" in sidebar_warnings(at)
    uploads_still_work(at)


def test_app_after_a_process_was_killed_mid_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: a process saving 300,000 rows is SIGKILLed after inserting them but
    before committing; the app then opens the same workspace, lists only the complete
    dataset, opens it, and saves new data."""
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        earlier = ws.save_dataset("Earlier", full_frame())
    run_and_kill(tmp_path, "pause", 300_000, wait_for="inserted", delay=0.2)
    monkeypatch.setenv("TRUSTLENS_WORKSPACE", str(path))
    at = open_app()
    assert not at.exception
    assert not at.sidebar.warning
    box = at.selectbox(key="dataset")
    assert "Saved: Earlier" in box.options and not any("Big" in o for o in box.options)
    box.set_value(f"ws{earlier.id}").run()
    assert not at.exception
    at.switch_page("app_pages/importer.py").run()
    at.file_uploader(key="import_files").set_value([("shop.csv", GOOD, "text/csv")])
    at.run()
    next(b for b in at.button if b.label == "Save to workspace").click().run()
    assert not at.exception
    assert "Saved as" in plain(at.success[-1].value)
