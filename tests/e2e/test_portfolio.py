"""The Portfolio page in a real browser: the demo's locations sorted by a header click,
a row selected and opened in the Overview with the sidebar's filter set (and in the URL)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import screenshot, wait_idle
from ui.portfolio import NAME_WIDTH

pytestmark = pytest.mark.e2e

ROW = 35  # the grid's row (and header) height, in CSS pixels
MARKER = 33  # the row-marker column (the selection checkbox), in CSS pixels


def column(grid: Locator, index: int, rows: int) -> list[str]:
    """The texts of a column from the grid's accessible table (0: the row marker)."""
    return [grid.get_by_test_id(f"glide-cell-{index}-{row}").inner_text() for row in range(rows)]


def test_sort_select_and_open_a_location(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/portfolio")
    wait_idle(page, timeout=60_000)
    expect(page.get_by_role("heading", name="Every location")).to_be_visible()
    expect(page.get_by_role("heading", name="At risk")).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").last
    expect(grid.get_by_test_id("glide-cell-1-2")).to_have_count(1)
    # Ranked best first: the shown score never rises down the table.
    assert column(grid, 1, 3) == ["Bristol", "Leeds", "Online"]
    grid.scroll_into_view_if_needed()  # mouse clicks need the grid on screen, drawn
    page.wait_for_timeout(1500)
    box = grid.bounding_box()
    assert box is not None
    score_header = (box["x"] + MARKER + NAME_WIDTH + 25, box["y"] + ROW / 2)
    page.mouse.click(*score_header)  # the column's menu opens: sort by the shown score
    menu = page.get_by_test_id("stDataFrameColumnMenu")
    menu.get_by_role("menuitem", name="Sort ascending").click()
    page.wait_for_timeout(800)
    expect(grid.get_by_test_id("glide-cell-1-0")).to_have_text("Online")
    scores = [float(text) for text in column(grid, 2, 3)]
    assert scores == sorted(scores) and scores[0] < scores[-1]
    screenshot(page, "portfolio")
    # Select the first row (now Online) by its row marker; the open buttons appear.
    page.mouse.click(box["x"] + MARKER / 2, box["y"] + ROW * 1.5)
    wait_idle(page)
    expect(page.get_by_text("Online: open it on its own")).to_be_visible()
    page.get_by_role("button", name="Overview").click()
    wait_idle(page, timeout=60_000)
    expect(page).to_have_url(re.compile(r"/\?(.*&)?filter_location=Online(&|$)"))
    expect(page.get_by_text("location: Online").first).to_be_visible()
    screenshot(page, "portfolio-opened-overview")
