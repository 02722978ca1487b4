"""The Overview on a phone, a laptop and a projector, in a real browser.

At 390 x 844 the sidebar starts closed (it would cover the page), the headline score,
its label and the trend chart are there, and nothing makes the page scroll sideways;
at 1440 x 900 and 1920 x 1080 the sidebar starts open. Screenshots:
``artifacts/screenshots/overview-<width>x<height>.png``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.viewports import (
    PHONE,
    VIEWPORTS,
    Viewport,
    assert_no_horizontal_overflow,
    new_context,
    open_at,
    sidebar_expanded,
    viewport_screenshot,
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=[v.label for v in VIEWPORTS])
def test_overview_reads_at_every_size(browser: Browser, app_url: str,
                                      viewport: Viewport) -> None:
    context = new_context(browser, viewport)
    try:
        page = context.new_page()
        open_at(page, app_url)
        expect(page.get_by_role("heading", name="Bramblegate Home Insurance")).to_be_visible()
        score = page.get_by_test_id("headline-score")
        expect(score).to_have_text(re.compile(r"^[1-5]\.\d$"))
        expect(page.get_by_text("Excellent").first).to_be_visible()
        chart = page.locator(".js-plotly-plot .main-svg").first
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        expect(page.get_by_text("TrustScore (1-5 stars)")).to_be_visible()
        # The headline and the chart lie within the window's width.
        for element in (score, chart):
            box = element.bounding_box()
            assert box is not None and box["x"] >= 0, box
            assert box["x"] + box["width"] <= viewport.width + 0.5, (viewport, box)
        assert sidebar_expanded(page) is (viewport != PHONE)
        assert_no_horizontal_overflow(page)
        assert page.locator("[data-testid=stException]").count() == 0
        viewport_screenshot(page, "overview", viewport)
    finally:
        context.close()


def test_phone_sidebar_opens_on_request(browser: Browser, app_url: str) -> None:
    """Closed at first on a phone, the sidebar's controls are one tap away."""
    context = new_context(browser, PHONE)
    try:
        page = context.new_page()
        open_at(page, app_url)
        assert not sidebar_expanded(page)
        page.get_by_test_id("stExpandSidebarButton").click()
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        expect(sidebar).to_be_in_viewport()  # after its slide-in
        assert sidebar_expanded(page)
    finally:
        context.close()
