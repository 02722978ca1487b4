"""The Planner in a real browser: move the requests slider, save a scenario, share the URL."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e

REQUESTS = "Review requests per month"


def chance(page: Page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Chance on the target date")
    return metric.get_by_test_id("stMetricValue").inner_text()


def requests_value(page: Page) -> int:
    slider = page.get_by_test_id("stSlider").filter(has_text=REQUESTS)
    return int(slider.get_by_test_id("stSliderThumbValue").inner_text().replace(",", ""))


def test_slider_scenario_and_shared_url(page: Page, context: BrowserContext, app_url: str
                                        ) -> None:
    page.goto(f"{app_url}/planner")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Projection planner")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    before_chance, before_requests = chance(page), requests_value(page)

    slider = page.get_by_role("slider", name=REQUESTS)
    slider.focus()
    for _ in range(30):
        slider.press("ArrowRight")  # +30 steps of 50 requests a month
    wait_idle(page)
    after_requests = requests_value(page)
    assert after_requests == before_requests + 30 * 50
    expect(page.get_by_test_id("stMetric").filter(has_text="Chance on the target date")
           .get_by_test_id("stMetricValue")).not_to_have_text(before_chance)
    after_chance = chance(page)
    assert f"plan_requests={after_requests}" in page.url

    page.get_by_label("Scenario name").fill("Q1 push: more invitations")
    page.get_by_label("Scenario name").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Save as a new scenario").click()
    wait_idle(page)
    expect(page.get_by_text("Saved the scenario 'Q1 push: more invitations'.")).to_be_visible()
    share = page.get_by_test_id("stCode").filter(has_text="plan_requests=")
    expect(share).to_contain_text(f"plan_requests={after_requests}")

    # Compare the saved plan with a smaller one: a chart of both and a table.
    page.get_by_test_id("stMultiSelect").filter(has_text="Compare with").click()
    page.get_by_role("option", name="Q1 push: more invitations").click()
    page.keyboard.press("Escape")
    wait_idle(page)
    slider = page.get_by_role("slider", name=REQUESTS)
    slider.focus()
    for _ in range(20):
        slider.press("ArrowLeft")
    wait_idle(page)
    after_requests = requests_value(page)
    assert after_requests == before_requests + 10 * 50
    after_chance = chance(page)
    expect(page.locator(".js-plotly-plot")).to_have_count(3)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    # Streamlit scrolls inside the app, so a tall window shows the whole page at once.
    page.set_viewport_size({"width": 1440, "height": 3800})
    page.wait_for_timeout(1500)
    screenshot(page, "planner")
    page.set_viewport_size({"width": 1440, "height": 1000})

    # A fresh page opened on the copied address reproduces the inputs and the answer.
    shared = context.new_page()
    shared.goto(page.url)
    wait_idle(shared)
    assert requests_value(shared) == after_requests
    assert chance(shared) == after_chance
    shared.close()
