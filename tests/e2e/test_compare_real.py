"""The ten pet insurers of ../shared/data/real, uploaded at once and compared in a browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]


def test_compare_the_pet_insurers(page: Page, app_url: str, real_data: Path) -> None:
    files = sorted((real_data / "trustpilot-pet-insurance").glob("*.csv"))
    assert len(files) == 10
    page.goto(f"{app_url}/import")
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(f) for f in files])
    wait_idle(page, timeout=120_000)
    expect(page.get_by_text("26,878 rows read, 26,878 kept")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Open in the dashboard").click()
    wait_idle(page)
    page.get_by_role("link", name="Compare").click()
    wait_idle(page, timeout=60_000)
    expect(page.get_by_role("heading", name="Ranking")).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").last
    expect(grid).to_be_visible()
    # Every insurer is ranked; names come from the file names.
    for name in ("lemonade_reviews", "embrace_reviews", "spot_reviews"):
        expect(page.get_by_text(name).first).to_be_visible()
    page.get_by_text("Small multiples", exact=True).click()
    wait_idle(page)
    screenshot(page, "compare-pet-insurers")
