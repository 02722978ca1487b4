"""The presentation in a real browser: every slide of the demo at a projector's, a
laptop's and a phone's size, without sidebar, without horizontal scrolling, with its
chart; next/previous, the plan's live control and leaving back to the same view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import screenshot, wait_idle
from tests.e2e.viewports import (
    VIEWPORTS,
    Viewport,
    assert_no_horizontal_overflow,
    new_context,
    viewport_screenshot,
)
from ui import slides

pytestmark = pytest.mark.e2e

KEYS = slides.KEYS  # the demo has replies and text: every slide applies
AXIS_TITLES = {
    "trend": "TrustScore (1-5 stars)",
    "why": "Change in score (points)",
    "replies": "Reviews answered (%)",
    "themes": "Share of reviews (%)",
    "plan": "TrustScore (1-5 stars)",
    "kpi": "Trust index (0-100)",
}


def open_slide(page: Page, app_url: str, number: int) -> None:
    page.goto(f"{app_url}/present?slide={number}")
    wait_idle(page, timeout=90_000)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=[v.label for v in VIEWPORTS])
def test_every_slide_fits_the_screen(browser: Browser, app_url: str, viewport: Viewport
                                     ) -> None:
    """Each slide at a phone's, a laptop's and a projector's size: no sidebar, no
    sideways scrolling, the chart on screen with its axis title, the slide number."""
    context = new_context(browser, viewport)
    page = context.new_page()
    try:
        for number, key in enumerate(KEYS, start=1):
            open_slide(page, app_url, number)
            expect(page.get_by_text(f"{number} / {len(KEYS)}", exact=True)).to_be_visible()
            expect(page.get_by_test_id("stSidebar")).to_be_hidden()
            if key in AXIS_TITLES:
                chart = page.locator(".js-plotly-plot").first
                expect(chart).to_be_visible()
                expect(chart.get_by_text(AXIS_TITLES[key]).first).to_be_visible()
                box = chart.bounding_box()
                assert box is not None and box["height"] >= 250, (key, box)
                assert box["x"] >= 0, (key, box)
                assert box["x"] + box["width"] <= viewport.width + 1, (key, box)
                for title in (".xtitle", ".ytitle"):  # axis titles inside the chart
                    inner = chart.locator(title).first.bounding_box()
                    assert inner is not None, (key, title)
                    assert inner["y"] >= box["y"] - 1, (key, title, inner, box)
                    assert inner["y"] + inner["height"] <= box["y"] + box["height"] + 1, (
                        key, title, inner, box)
                    assert inner["x"] >= box["x"] - 1, (key, title, inner, box)
            else:
                expect(page.locator(".st-key-present-figure")).to_have_text(
                    re.compile(r"^[1-5]\.\d$"))
            assert_no_horizontal_overflow(page)
            assert page.locator("[data-testid=stException]").count() == 0
            viewport_screenshot(page, f"present-{key}", viewport)
    finally:
        context.close()


def test_the_frame_fills_a_projector(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_slide(page, app_url, KEYS.index("trend") + 1)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    frame = page.locator(".st-key-present-frame")
    page.wait_for_function(  # the layout settles once the style sheet and chart are in
        "() => document.querySelector('.st-key-present-frame')"
        ".getBoundingClientRect().width >= 1800", timeout=30_000)
    box = frame.bounding_box()
    assert box is not None
    assert box["width"] >= 1800, box  # fills the width ...
    assert box["height"] >= 0.9 * 1080 - 40, box  # ... and most of the height
    chart = page.locator(".js-plotly-plot").first.bounding_box()
    assert chart is not None and chart["height"] >= 500, chart  # from the viewport


def test_next_previous_and_the_address(page: Page, app_url: str) -> None:
    open_slide(page, app_url, 1)
    page.get_by_role("button", name="Next").click()
    wait_idle(page, timeout=90_000)
    expect(page.get_by_role("heading", name="Score over time")).to_be_visible()
    expect(page).to_have_url(re.compile(r"slide=2"))
    page.get_by_role("button", name="Previous").click()
    wait_idle(page, timeout=90_000)
    expect(page.get_by_role("heading", name="Bramblegate Home Insurance")).to_be_visible()
    page.keyboard.press("PageDown")  # what a presenter's clicker sends
    wait_idle(page, timeout=90_000)
    expect(page.get_by_role("heading", name="Score over time")).to_be_visible()
    page.keyboard.press("PageUp")
    wait_idle(page, timeout=90_000)
    expect(page.get_by_role("heading", name="Bramblegate Home Insurance")).to_be_visible()


def test_the_room_doubles_the_requests(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    open_slide(page, app_url, KEYS.index("plan") + 1)
    field = page.get_by_role("spinbutton", name="Review requests a month")
    expect(field).to_be_visible()
    before = int(field.input_value())
    sentence = page.get_by_text(re.compile(r"review requests a month \("))
    expect(sentence).to_contain_text(f"With {before:,} review requests")
    field.fill(str(2 * before))
    field.press("Enter")
    wait_idle(page, timeout=90_000)
    expect(sentence).to_contain_text(f"With {2 * before:,} review requests")
    screenshot(page, "present-plan-doubled-1440x900")


def test_leave_returns_to_the_same_view(page: Page, app_url: str) -> None:
    """A setting picked in the sidebar stays on the slides and on the way back."""
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app_url}/kpi")
    wait_idle(page, timeout=90_000)
    page.get_by_test_id("stSidebar").get_by_text("Decayed prior", exact=True).click()
    wait_idle(page, timeout=90_000)
    expect(page.get_by_text(re.compile("decayed-prior model")).first).to_be_visible()
    page.get_by_role("link", name="Present", exact=True).click()
    wait_idle(page, timeout=90_000)
    expect(page.get_by_text(f"1 / {len(KEYS)}", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("Sources: .*decayed-prior model"))).to_be_visible()
    page.get_by_role("button", name="Leave").click()
    wait_idle(page, timeout=90_000)
    expect(page.get_by_role("heading", name="KPI view")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/kpi"))
    expect(page.get_by_text(re.compile("decayed-prior model")).first).to_be_visible()
    assert page.locator("[data-testid=stException]").count() == 0
