"""The first screen in a real browser: the demo's score, stars, label and trend."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e


def test_first_screen_shows_the_demo_score(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_idle(page)
    screenshot(page, "home")
    expect(page.get_by_role("heading", name="Bramblegate Home Insurance")).to_be_visible()
    score = page.get_by_test_id("headline-score")
    expect(score).to_have_text(re.compile(r"^[1-5]\.\d$"))
    expect(page.get_by_test_id("headline-stars")).to_have_attribute(
        "title", re.compile(r"^[1-5](\.5)? out of 5 stars$")
    )
    expect(page.get_by_text("KPI index (0-100)")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    # The chart carries the labelled score axis.
    expect(page.get_by_text("TrustScore (1-5 stars)")).to_be_visible()
    assert page.locator("[data-testid=stException]").count() == 0


def test_overview_links_to_why(page: Page, app_url: str) -> None:
    """Beside the score's change, a link opens "Why did it move?" with its story."""
    page.goto(app_url)
    wait_idle(page)
    link = page.get_by_role("link", name=re.compile(r"What moved it [+-]\d\.\d\d in 90 days"))
    expect(link).to_be_visible()
    screenshot(page, "home-why-link")
    link.click()
    wait_idle(page, timeout=60_000)
    expect(page).to_have_url(re.compile(r"/why"))
    expect(page.get_by_role("heading", name="Why did it move?")).to_be_visible()
    expect(page.get_by_text("What this period's low-star reviews say")).to_be_visible()
