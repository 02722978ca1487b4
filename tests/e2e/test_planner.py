"""The Planner in a real browser: edit and add request channels, save and compare a
scenario, share the URL (a fresh browser context sees the same view), open an older link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import screenshot, wait_idle
from ui.planner.channels import decode_channels

pytestmark = pytest.mark.e2e

ROW_HEIGHT = 35
"""The data editor's header and row height (pixels)."""
NAME_X, REQUESTS_X = 100, 300
"""Where the name and requests columns are, from the editor's left edge (pixels)."""


def chance(page: Page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Chance on the target date")
    return metric.get_by_test_id("stMetricValue").inner_text()


def channels_in(url: str) -> list[tuple[str, float]]:
    """The channels a page's address holds: (name, requests a month)."""
    text = parse_qs(urlparse(url).query)["plan_channels"][0]
    return [(c.name, c.requests_per_month) for c in decode_channels(text)]


def editor(page: Page) -> Locator:
    return page.get_by_test_id("stDataFrame").first


def type_into(page: Page, row: int, column_x: int, text: str) -> None:
    """Open the cell of ``row`` at ``column_x`` pixels in the channels editor (a double
    click), type ``text`` over its value and commit it."""
    grid = editor(page)
    grid.dblclick(position={"x": column_x, "y": ROW_HEIGHT * (row + 1) + ROW_HEIGHT // 2})
    cell = page.locator("input.gdg-input, textarea.gdg-input").first
    expect(cell).to_be_visible()
    cell.fill(text)
    page.keyboard.press("Enter")
    wait_idle(page)


def test_channels_scenario_and_shared_url(page: Page, browser: Browser, app_url: str) -> None:
    # Streamlit scrolls inside the app, and the editor's grid places clicks by where it was
    # before a scroll: a tall window shows the whole page at once, so nothing scrolls.
    page.set_viewport_size({"width": 1440, "height": 4200})
    page.goto(f"{app_url}/planner")
    wait_idle(page, timeout=90_000)  # the first run loads the data and simulates
    expect(page.get_by_role("heading", name="Projection planner")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.get_by_text("Review requests, by channel")).to_be_visible()
    before = channels_in(page.url)
    assert [name for name, _ in before] == ["InvitationApi", "BasicLink",
                                           "BusinessGeneratedLink", "InvitationLinkApi"]
    before_chance = chance(page)

    # Type a new volume for the first channel.
    type_into(page, 0, REQUESTS_X, "6000")
    expect(page.get_by_test_id("stMetric").filter(has_text="Chance on the target date")
           .get_by_test_id("stMetricValue")).not_to_have_text(before_chance)
    assert channels_in(page.url)[0] == ("InvitationApi", 6000)

    # Add a channel: a new row, named, with its volume.
    editor(page).hover()
    page.get_by_role("button", name="Add row").click()
    wait_idle(page)
    type_into(page, 4, NAME_X, "After a claim")
    type_into(page, 4, REQUESTS_X, "800")
    assert channels_in(page.url)[4] == ("After a claim", 800)
    after_chance = chance(page)

    # What each channel brought in the last 90 days, under the editor.
    page.get_by_text("What each channel brought in the 90 days").click()
    wait_idle(page)

    page.get_by_label("Scenario name").fill("Q1 push: more invitations")
    page.get_by_label("Scenario name").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Save as a new scenario").click()
    wait_idle(page)
    expect(page.get_by_text("Saved the scenario 'Q1 push: more invitations'.")).to_be_visible()
    share = page.get_by_test_id("stCode").filter(has_text="plan_channels=")
    expect(share).to_contain_text("After%2520a%2520claim%2C800")

    # Compare the saved plan with one of fewer organic reviews: a chart of both and a table.
    page.get_by_role("spinbutton", name="Organic reviews per month").fill("40")
    page.get_by_role("spinbutton", name="Organic reviews per month").press("Enter")
    wait_idle(page)
    assert "plan_organic=40" in page.url
    after_chance = chance(page)
    page.get_by_test_id("stMultiSelect").filter(has_text="Compare with").click()
    page.get_by_role("option", name="Q1 push: more invitations").click()
    page.keyboard.press("Escape")
    wait_idle(page)
    expect(page.locator(".js-plotly-plot")).to_have_count(3)
    # Solve for the new channel: the cards say so.
    page.get_by_test_id("stSelectbox").filter(has_text="Solve for").click()
    page.get_by_role("option", name="After a claim").click()
    wait_idle(page)
    expect(page.get_by_text("Requests a month through After a claim, others as set").first
           ).to_be_visible()
    screenshot(page, "planner")

    # A fresh browser context (another person) opened on the copied address sees the same
    # channels and the same answer.
    address = page.url
    other = browser.new_context(viewport={"width": 1440, "height": 1000})
    shared = other.new_page()
    shared.goto(address)
    wait_idle(shared)
    assert channels_in(shared.url) == channels_in(address)
    assert chance(shared) == after_chance
    assert "plan_organic=40" in shared.url

    # An older link (one invited channel in separate parameters) still opens.
    shared.goto(f"{app_url}/planner?plan_requests=5000&plan_response=30&plan_inv_1=0"
                "&plan_inv_2=0&plan_inv_3=0&plan_inv_4=20&plan_inv_5=80")
    wait_idle(shared)
    expect(shared.get_by_role("heading", name="Projection planner")).to_be_visible()
    assert channels_in(shared.url) == [("Invited", 5000)]
    assert "plan_requests" not in shared.url
    other.close()
