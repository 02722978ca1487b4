"""Trends in a real browser: change the half-life and see the headline move; download CSV."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e


def headline(page: Page) -> str:
    return page.get_by_test_id("headline-score").inner_text()


def test_half_life_change_moves_the_headline(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_idle(page)
    before = page.get_by_text(re.compile(r"unrounded \d\.\d{3}")).inner_text()
    slider = page.get_by_role("slider", name="Half-life")
    slider.focus()
    for _ in range(5):
        slider.press("ArrowLeft")  # 182.5 -> 30 days
    wait_idle(page)
    expect(page.get_by_text("half-life 30 days").first).to_be_visible()
    after = page.get_by_text(re.compile(r"unrounded \d\.\d{3}")).inner_text()
    assert after != before
    assert "half_life=30+days" in page.url
    screenshot(page, "home-half-life-30")


def test_trends_page_and_csv_download(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/trends")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Trends")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    screenshot(page, "trends")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the trend data (CSV)").click()
    download = download_info.value
    text = download.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("period,score")
    assert len(text.splitlines()) > 50


def test_a_pasted_link_reproduces_the_view(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/trends?half_life=30+days&period=Month&trend_half_lives=365+days")
    wait_idle(page)
    expect(page.get_by_text("half-life 30 days, prior 7 reviews").first).to_be_visible()
    expect(page.get_by_text("period: month").first).to_be_visible()
    screenshot(page, "trends-from-link")
    expect(page.get_by_text("Score, half-life 365 days").first).to_be_visible()


def test_the_model_choice_is_in_the_link(page: Page, app_url: str) -> None:
    """Switching to the decayed-prior model moves the headline and lands in the address;
    the address opens on that model, and the clock becomes available."""
    page.goto(app_url)
    wait_idle(page)
    fitted = page.get_by_text(re.compile(r"unrounded \d\.\d{3}")).inner_text()
    expect(page.get_by_text("One clock under the Trustpilot model")).to_be_visible()
    page.get_by_role("radio", name="Decayed prior").click()
    wait_idle(page)
    decayed = page.get_by_text(re.compile(r"unrounded \d\.\d{3}")).inner_text()
    assert decayed != fitted
    assert "model=Decayed+prior" in page.url
    expect(page.get_by_text("One clock under the Trustpilot model")).to_have_count(0)
    screenshot(page, "home-decayed-prior")
    page.goto(f"{app_url}/kpi?{page.url.split('?', 1)[1]}")
    wait_idle(page)
    expect(page.get_by_text("decayed-prior model, half-life 182.5 days").first).to_be_visible()
