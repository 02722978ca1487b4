"""The Themes page in a real browser, with screenshots to look at: the term tables and
the themes' small multiples on the demo, a left-out word carried by the URL, and a
term's reviews."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle
from tests.e2e.test_hostile_text import grid_texts

pytestmark = pytest.mark.e2e


def main(page: Page):
    return page.get_by_test_id("stMain")


def test_themes_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/themes")
    wait_idle(page, timeout=90_000)  # the first visit reads every review's words
    body = main(page)
    expect(body.get_by_role("heading", name="What low and high reviews say")).to_be_visible()
    expect(body.get_by_role("heading", name="Themes over time")).to_be_visible()
    expect(body.get_by_role("heading", name="Rising in this period")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(3)
    # The small multiples: one panel title per theme (six by default).
    panels = page.locator(".js-plotly-plot").nth(1).locator(".annotation-text")
    expect(panels).to_have_count(6)
    page.wait_for_timeout(500)
    cells = grid_texts(page)
    assert "portal" in cells and "migration" in cells, cells
    captions = " ".join(body.get_by_test_id("stCaptionContainer").all_inner_texts())
    assert "reviews with 1-2 stars against" in captions
    screenshot(page, "themes")

    # Leave out a word: it goes from the lists, and the link carries it.
    box = body.get_by_role("textbox", name="Leave out words")
    box.fill("portal, migration")
    box.press("Enter")
    wait_idle(page, timeout=60_000)
    expect(page).to_have_url(re.compile(r"themes_exclude=portal"))
    page.wait_for_timeout(500)
    cells = grid_texts(page)
    assert "portal" not in cells and "migration" not in cells
    assert "hold" in cells  # the rest of the list is still there

    # Pick a term: its reviews, each using it, exactly as written.
    picker = body.get_by_role("combobox", name="Term")
    picker.click()
    page.get_by_role("option", name="overcharged", exact=True).click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"themes_term=overcharged"))
    reviews = body.get_by_test_id("stDataFrame").last
    reviews.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    texts = reviews.locator("td").all_text_contents()
    written = [t for t in texts if len(t) > 25]
    assert written and all("overcharged" in t.lower() for t in written), written
    screenshot(page, "themes-term")

    # A fresh visit of the link shows the same page.
    page.goto(page.url)
    wait_idle(page, timeout=60_000)
    expect(body.get_by_role("textbox", name="Leave out words")).to_have_value("portal, migration")
    expect(body.get_by_role("combobox", name="Term")).to_have_value("overcharged")
