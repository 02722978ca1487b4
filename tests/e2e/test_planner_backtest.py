"""The Planner's backtest in a real browser: ask for it, read the verdict, pick a past
forecast."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e


def test_past_forecasts_on_request(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/planner")
    wait_idle(page, timeout=90_000)
    heading = page.get_by_role("heading", name="How good are these forecasts?")
    heading.scroll_into_view_if_needed()
    expect(heading).to_be_visible()
    page.get_by_role("button", name="Check past forecasts").click()
    wait_idle(page, timeout=90_000)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("past forecasts:", exact=False)).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Check past forecasts")).to_have_count(0)
    chart = page.locator(".js-plotly-plot").filter(has_text="What the score did")
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    table = page.get_by_test_id("stDataFrame").filter(has_text="Inside the 80% band")
    expect(table).to_be_visible()
    caption = main.get_by_text("From this date:", exact=False)
    expect(caption).to_be_visible()
    first_caption = caption.inner_text()

    wait_idle(page)
    box = page.get_by_role("combobox", name="Past forecast made on")
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option").first.click(timeout=60_000)
    wait_idle(page)
    expect(main.get_by_text("From this date:", exact=False)).not_to_have_text(first_caption)
    download = page.get_by_role("button", name="Download the past forecasts (CSV)")
    expect(download).to_be_visible()
    page.get_by_test_id("stPlotlyChart").last.scroll_into_view_if_needed()
    page.set_viewport_size({"width": 1440, "height": 1100})
    page.wait_for_timeout(1000)
    page.get_by_role("heading", name="How good are these forecasts?").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    path = screenshot(page, "planner-backtest")
    assert path.exists()
