"""The Overview's briefing in a real browser: its sentences on the demo, a tooltip per
sentence, and a link to "Why did it move?" that keeps an uploaded dataset."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e

# The briefing's slow sentences (themes, an 80% goal seek) fill in at the end of the run.
SLOW = 90_000


def _csv() -> str:
    rows = ["Date,Stars,Comment"]
    for month in range(1, 13):
        for day, stars in ((3, 5), (10, 4), (17, 5), (24, 2 if month % 3 else 1)):
            rows.append(f"2025-{month:02d}-{day:02d},{stars},Visit {month}-{day}: **bold** [x](y)")
    return "\n".join(rows) + "\n"


def test_the_demo_briefing_reads_on_top_of_the_overview(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_idle(page, timeout=SLOW)
    block = page.locator(".st-key-briefing")
    expect(block).to_be_visible()
    expect(block.get_by_text(re.compile(r"^The TrustScore is \d\.\d, \w+, shown as"))
           ).to_be_visible()
    expect(block.get_by_text(re.compile(r"^It (rose|fell|held)"))).to_be_visible()
    expect(block.get_by_text(re.compile(r"^The team replied to \d+%"))).to_be_visible()
    # The slow sentences follow without any click: the page waits for them at its end.
    expect(block.get_by_text(re.compile(r"out of reach at this pace|review requests a month|"
                                        r"likely without review requests"))
           ).to_be_visible(timeout=SLOW)
    expect(block.get_by_text(re.compile(r"^People wrote most about "))).to_be_visible()
    expect(block.get_by_text("follow in a moment", exact=False)).to_have_count(0)
    wait_idle(page, timeout=SLOW)
    assert block.get_by_test_id("stTooltipIcon").count() >= 4
    # The briefing comes before the headline score on the page.
    top = block.bounding_box()
    score = page.get_by_test_id("headline-score").bounding_box()
    assert top is not None and score is not None and top["y"] < score["y"]
    block.get_by_test_id("stTooltipIcon").first.hover()
    expect(page.get_by_text(re.compile(r"The score as Trustpilot shows it"))).to_be_visible()
    screenshot(page, "home-briefing")
    assert page.locator("[data-testid=stException]").count() == 0


def test_a_briefing_link_opens_why_with_the_same_dataset(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "corner shop reviews.csv"
    path.write_text(_csv(), encoding="utf-8")
    page.goto(f"{app_url}/import")
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    page.get_by_role("button", name="Open in the dashboard").click()
    wait_idle(page)
    page.get_by_role("link", name="Go to the Overview").click()
    wait_idle(page, timeout=SLOW)
    dataset = page.get_by_role("combobox", name="Dataset")
    expect(dataset).to_have_value("Upload: corner shop reviews")
    block = page.locator(".st-key-briefing")
    expect(block.get_by_text(re.compile(r"^The TrustScore is .* from 48 reviews\."))
           ).to_be_visible()
    expect(block.get_by_text("follow in a moment", exact=False)).to_have_count(0, timeout=SLOW)
    wait_idle(page, timeout=SLOW)
    # This data says nothing about replies: no replies sentence.
    expect(block.get_by_text("The team replied")).to_have_count(0)
    screenshot(page, "home-briefing-upload")
    block.get_by_role("link", name="Why did it move?").click()
    wait_idle(page, timeout=SLOW)
    expect(page).to_have_url(re.compile(r"/why"))
    expect(page.get_by_role("heading", name="Why did it move?")).to_be_visible()
    expect(page.get_by_role("combobox", name="Dataset")).to_have_value(
        "Upload: corner shop reviews")
    assert page.locator("[data-testid=stException]").count() == 0
