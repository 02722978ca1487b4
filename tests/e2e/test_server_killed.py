"""The real server is killed (SIGKILL) while it saves a 400,000-review upload to the
workspace; on restart the app opens the workspace without a warning, and the dataset
is either there in full or absent. Which of the two happened is written to
``artifacts/server-killed.json`` (figures in RELIABILITY.md).

The database-level guarantee (one transaction per save) is tested at every moment
of a save in ``tests/unit/test_store.py``; this test adds the real server and browser.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect

from scoring.store import Workspace
from tests.e2e.conftest import ROOT, start_server, stop_server, wait_idle
from tests.unit.test_store import minimal_frame

pytestmark = pytest.mark.e2e

ROWS = 400_000
NAME = "Big save"
RESULTS = ROOT / "artifacts" / "server-killed.json"
RUNNING = "[data-testid=stApp][data-test-script-state=running]"


def big_csv(path: Path) -> Path:
    rng = np.random.default_rng(7)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, ROWS), unit="D")
    pd.DataFrame({
        "Date": days.strftime("%Y-%m-%d"),
        "Stars": rng.integers(1, 6, ROWS),
        "Comment": [f"Review number {i}, written for the crash test." for i in range(ROWS)],
    }).to_csv(path, index=False)
    return path


def dataset_options(page: Page) -> list[str]:
    box = page.get_by_role("combobox", name="Dataset")
    box.click()
    options = [o.strip() for o in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    return options


@pytest.mark.timeout(300)
@pytest.mark.parametrize("delay", [0.1, 0.4, 3.0])
def test_server_killed_mid_save(browser: Browser, tmp_path: Path, delay: float) -> None:
    workspace, log = tmp_path / "workspace.duckdb", tmp_path / "server.log"
    csv = big_csv(tmp_path / "big.csv")
    process, url = start_server(workspace, log)
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{url}/import")
        wait_idle(page)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(csv))
        expect(page.get_by_text(f"{ROWS:,} rows read, {ROWS:,} kept")).to_be_visible(
            timeout=60_000
        )
        wait_idle(page)
        page.locator(".st-key-save_name input").fill(NAME)
        page.keyboard.press("Tab")
        wait_idle(page)
        page.get_by_role("button", name="Save to workspace").click()
        page.wait_for_selector(RUNNING, timeout=10_000)  # the save has begun
        time.sleep(delay)
        killed_after = time.perf_counter()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        killed_after = round(delay + time.perf_counter() - killed_after, 2)
    finally:
        page.close()
        if process.poll() is None:
            stop_server(process)

    process, url = start_server(workspace, log)  # the restart
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(url)
        wait_idle(page)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("workspace is unavailable")).to_have_count(0)
        options = dataset_options(page)
        saved = f"Saved: {NAME}" in options
        if saved:  # then in full, and it opens
            page.get_by_role("combobox", name="Dataset").click()
            page.get_by_role("option", name=f"Saved: {NAME}").click()
            wait_idle(page)
            reviews = page.get_by_test_id("stMetric").filter(has_text="Reviews").first
            expect(reviews).to_contain_text(f"{ROWS:,}")
        assert not [o for o in options if o.startswith("Saved: ") and o != f"Saved: {NAME}"]
    finally:
        page.close()
        stop_server(process)

    with Workspace(workspace) as ws:
        found = [d for d in ws.list_datasets() if d.name == NAME]
        assert len(found) == int(saved)
        with ws.cursor() as cur:
            stored = cur.execute("SELECT count(*) FROM reviews").fetchall()[0][0]
        assert stored == (ROWS if saved else 0)  # no orphaned rows of a half save
        if saved:
            assert found[0].rows == ROWS == len(ws.load_dataset(found[0].id)[0])
        assert ws.save_dataset("After the crash", minimal_frame()).created  # still writable

    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    runs[f"kill {delay} s after the save began"] = {
        "rows": ROWS, "killed_after_seconds": killed_after,
        "outcome": "saved in full" if saved else "absent", "restart_opened": True,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(runs, indent=2) + "\n")

