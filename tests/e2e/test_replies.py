"""The Replies page in a real browser, with screenshots to look at; hostile reply texts
stay text."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle
from tests.e2e.test_hostile_text import assert_nothing_injected, go, grid_texts
from tests.fuzz import builders

pytestmark = pytest.mark.e2e


def test_replies_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/replies")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Reviews still waiting for a reply")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(4)
    expect(page.get_by_text("Replies do not enter the TrustScore formula").first).to_be_visible()
    screenshot(page, "replies")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the reviews waiting (CSV)").click()
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Written,Stars,Waiting (days)")


def hostile_reply_export(path: Path) -> list[str]:
    """A Trustpilot business export whose reply texts and titles are hostile strings:
    1-2 star reviews, every other one answered. Returns the one-line reply texts."""
    header = ["Review ID", "Review Created (UTC)", "Review Title", "Review Content",
              "Review Stars", "Company Reply Date (UTC)", "Company Response"]
    rows, replies_shown = [], []
    for i, text in enumerate(builders.HOSTILE_STRINGS):
        created = pd.Timestamp("2026-03-01", tz="UTC") + pd.Timedelta(days=i)
        answered = i % 2 == 0
        reply = text if answered else ""
        if answered and "\n" not in text:
            replies_shown.append(text)
        rows.append([f"{i:024x}", f"{created:%Y-%m-%d %H:%M:%S}", text, f"review {i}",
                     str(1 + i % 2),
                     f"{created + pd.Timedelta(hours=5):%Y-%m-%d %H:%M:%S}" if answered else "",
                     reply])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return replies_shown


def test_hostile_reply_texts_stay_text(page: Page, app_url: str, tmp_path: Path) -> None:
    path = tmp_path / "replies.csv"
    shown = hostile_reply_export(path)
    page.goto(f"{app_url}/import")
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    n = len(builders.HOSTILE_STRINGS)
    expect(page.get_by_text(f"{n} rows read, {n} kept")).to_be_visible()
    page.get_by_role("button", name="Open in the dashboard").click()
    wait_idle(page)
    go(page, "Replies")
    expect(page.get_by_role("heading", name="Latest replies to negative reviews")).to_be_visible()
    page.wait_for_timeout(500)
    texts = grid_texts(page)
    assert {t for t in texts if t in shown} == set(shown)  # exactly as written
    assert_nothing_injected(page, "replies")
    screenshot(page, "hostile-replies")
