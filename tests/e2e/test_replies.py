"""The Replies page in a real browser, with a screenshot to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle

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
