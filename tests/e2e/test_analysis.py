"""Compare, Why and KPI pages in a real browser, with screenshots to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e


def test_compare_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/compare")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Ranking")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    screenshot(page, "compare")


def test_why_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/why")
    wait_idle(page)
    expect(page.get_by_role("heading", name="The reviews that weigh most today")).to_be_visible()
    expect(page.get_by_text("(their Shapley value)").first).to_be_visible()
    expect(page.get_by_text("Ageing of older reviews")).to_have_count(0)  # no bar: moves nothing
    screenshot(page, "why")
    page.goto(f"{app_url}/why?model=Decayed+prior")
    wait_idle(page)
    expect(page.get_by_text("Ageing of older reviews").first).to_be_visible()
    screenshot(page, "why-decayed-prior")


def test_why_page_tells_the_incidents_low_star_story(page: Page, app_url: str) -> None:
    """With the window ending inside the incident, the last 90 days' low-star reviews
    are about the portal: said in words under the waterfall, beside the backlog."""
    page.goto(f"{app_url}/why?dates=2023-11-01&dates=2025-09-30")
    wait_idle(page, timeout=60_000)
    expect(page.get_by_text("dates 2023-11-01 to 2025-09-30").first).to_be_visible()
    expect(page.get_by_text("What this period's low-star reviews say")).to_be_visible()
    story = page.get_by_text("one- and two-star reviews in this period")
    expect(story).to_contain_text("Most are about portal, migration and log")
    expect(story).to_contain_text("On the rise, the theme portal · migration · log")
    expect(page.get_by_text("negative reviews of this period are still unanswered")
           ).to_be_visible()
    story.scroll_into_view_if_needed()
    screenshot(page, "why-incident-story")
    page.goto(f"{app_url}/why")
    wait_idle(page, timeout=60_000)
    quiet = page.get_by_text("Nothing in what they say clearly rose against the 90 days before")
    expect(quiet).to_be_visible()
    quiet.scroll_into_view_if_needed()
    screenshot(page, "why-quiet-story")


def test_kpi_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/kpi")
    wait_idle(page)
    expect(page.get_by_role("heading", name="By quarter")).to_be_visible()
    expect(page.get_by_text("Tech average (Forrester): 75").first).to_be_visible()
    screenshot(page, "kpi")
