"""Check against Trustpilot in a real browser: type readings into the table, fit the
half-life, apply it, and see the sidebar follow; a screenshot to look at."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect

import scoring
from tests.e2e.conftest import screenshot, wait_idle
from ui.data import DEMO_PATH

pytestmark = pytest.mark.e2e

ROW = 35  # the data editor's row height (and its header's), in CSS pixels
TRUE_HALF_LIFE = 90.0
EARLIER = ["2025-03-31", "2025-09-30", "2026-03-31"]


def shown(day: pd.Timestamp) -> float:
    """What the demo profile would have shown at ``day`` with a 90-day half-life."""
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    return scoring.display_score(scoring.trust_score(reviews, as_of=day,
                                                     half_life_days=TRUE_HALF_LIFE))


def end_of(day: str) -> pd.Timestamp:
    return pd.Timestamp(day, tz="UTC") + pd.Timedelta(hours=23, minutes=59, seconds=59)


class ReadingsTable:
    """The readings editor (a canvas grid): a cell is reached by clicking its row's date
    cell and moving with the keyboard, as a user would; what it holds is read from the
    grid's accessible table (``glide-cell-<column>-<row>``, column 0 the row marker)."""

    def __init__(self, page: Page):
        self.page = page
        self.grid = page.get_by_test_id("stDataFrame").first

    def cell(self, row: int, column: int) -> Locator:
        return self.grid.get_by_test_id(f"glide-cell-{column + 1}-{row}")

    def editing(self) -> bool:
        """Whether a cell's editor is open (clicking a selected cell opens it)."""
        return self.page.locator(".gdg-input").count() > 0

    def select(self, row: int) -> None:
        """Select the row's date cell, its editor closed (a click on a selected cell
        opens its editor; a click while the grid redraws can be lost: try again)."""
        for _ in range(5):
            box = self.grid.bounding_box()
            assert box is not None
            self.page.mouse.click(box["x"] + 60, box["y"] + ROW * (row + 1) + ROW / 2)
            self.page.wait_for_timeout(500)
            if self.editing():
                self.page.keyboard.press("Escape")
                self.page.wait_for_timeout(300)
            if self.cell(row, 0).get_attribute("aria-selected") == "true":
                return
        raise AssertionError(f"could not select row {row} of the readings table")

    def type_into(self, row: int, column: int, text: str) -> None:
        """Type ``text`` into a cell (column 0: the date), commit it and wait until the
        grid holds it (a try whose keys were lost while the grid redrew is repeated)."""
        for _ in range(3):
            self.select(row)
            for _ in range(column):
                self.page.keyboard.press("ArrowRight")
            self.page.keyboard.press("Enter")
            self.page.wait_for_timeout(500)
            if not self.editing():
                continue
            self.page.keyboard.press("Control+a")
            self.page.keyboard.type(text)
            self.page.wait_for_timeout(400)  # the cell's editor takes the keys first
            self.page.keyboard.press("Enter")
            self.page.wait_for_timeout(1500)
            wait_idle(self.page)
            try:
                expect(self.cell(row, column)).to_have_text(text, timeout=8_000)
            except AssertionError:
                continue
            return
        raise AssertionError(f"could not type {text!r} into row {row}, column {column}")

    def paste(self, row: int, rows: list[tuple[str, float]]) -> None:
        """Paste (date, score) rows from the clipboard from ``row`` down, as a user pastes
        a block copied from a spreadsheet: the grid adds rows as needed."""
        text = "\n".join(f"{date}\t{score:.1f}" for date, score in rows)
        self.page.evaluate("(text) => navigator.clipboard.writeText(text)", text)
        self.select(row)
        self.page.keyboard.press("Control+v")
        self.page.wait_for_timeout(1500)
        wait_idle(self.page)
        for offset, (date, _) in enumerate(rows):
            expect(self.cell(row + offset, 0)).to_have_text(date)


def sidebar_half_life(page: Page) -> str:
    slider = page.get_by_test_id("stSidebar").get_by_test_id("stSlider").filter(
        has_text="Half-life")
    return slider.get_by_test_id("stSliderThumbValue").inner_text()


def test_type_readings_fit_and_apply(page: Page, app_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page.goto(f"{app_url}/check")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Check against Trustpilot")).to_be_visible()
    expect(page.get_by_test_id("stAlertContentInfo").filter(
        has_text="Type the TrustScore shown on the profile")).to_be_visible()
    assert sidebar_half_life(page) == "182.5 days"

    # Type the score the profile shows today: both models' values and errors appear.
    today = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d")
    now_shown = shown(end_of(today))
    table = ReadingsTable(page)
    table.type_into(0, 1, f"{now_shown:.1f}")
    models = page.get_by_test_id("stMetric")
    expect(models.filter(has_text="Trustpilot model")).to_be_visible()
    expect(models.filter(has_text="Decayed prior model")).to_be_visible()
    expect(models.filter(has_text=f"Published on {pd.Timestamp(today):%d %b %Y}")
           ).to_contain_text(f"{now_shown:.1f}")

    # Earlier readings pasted from a spreadsheet (with today's on top).
    table.paste(0, [(today, now_shown)] + [(day, shown(end_of(day))) for day in EARLIER])
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    comparison = page.get_by_test_id("stDataFrame").last
    expect(comparison.get_by_test_id(f"glide-cell-1-{len(EARLIER)}")).to_have_count(1)
    expect(page.locator(".js-plotly-plot")).to_have_count(1)

    page.get_by_role("button", name="Fit the half-life").click()
    wait_idle(page)
    best = page.get_by_test_id("stMetric").filter(has_text="Best half-life")
    expect(best).to_be_visible()
    expect(page.get_by_text("The readings pin the half-life")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    apply = page.get_by_role("button", name="to the sidebar")
    label = apply.inner_text()
    found = re.search(r"Apply ([0-9.]+) days to the sidebar", label)
    assert found is not None, label
    applied = found.group(1)
    assert 45 < float(applied) < 180, label

    apply.click()
    wait_idle(page)
    expect(page.get_by_text("The sidebar now uses a half-life of")).to_be_visible()
    assert sidebar_half_life(page) == f"{applied} days"
    assert f"half_life={applied}" in page.url.replace("+", " ")

    # A tall window shows the whole page at once in the screenshot.
    page.set_viewport_size({"width": 1440, "height": 2600})
    page.wait_for_timeout(1500)
    screenshot(page, "calibration")
    page.set_viewport_size({"width": 1440, "height": 1000})

    # Another page uses the applied half-life.
    page.get_by_role("link", name="Overview").click()
    wait_idle(page)
    assert sidebar_half_life(page) == f"{applied} days"
    expect(page.get_by_role("link", name="Does this match your Trustpilot profile? Check it")
           ).to_be_visible()
