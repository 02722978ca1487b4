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


def test_kpi_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/kpi")
    wait_idle(page)
    expect(page.get_by_role("heading", name="By quarter")).to_be_visible()
    expect(page.get_by_text("Tech average (Forrester): 75").first).to_be_visible()
    screenshot(page, "kpi")
