"""Hostile text in a real browser: a file whose name, titles, texts, companies and
locations hold HTML, <script>, event handlers, markdown, Streamlit directives, very
long words, right-to-left and zero-width characters. On the Import page, the
Overview, Compare (by location, with a location filter), Why did it move? (titles and
texts) and Trends: no injected script runs, no injected element appears, and the
text shows literally where it is displayed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle
from tests.fuzz import builders

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).resolve().parents[1] / "fuzz" / "corpus"
# A file name is user text too (no '/' in a file name; Chromium sends '"' as %22).
STEM = "hostile <img src=x onerror=window.__pwned=7> **y** :red[z] [l](javascript:alert(1))"
ROWS = builders.hostile_text_rows()
LOCATIONS = sorted({str(row["location"]) for row in ROWS})
COMPANIES = sorted({str(row["company"]) for row in ROWS})
LITERALS = set(builders.HOSTILE_STRINGS) | set(LOCATIONS) | set(COMPANIES)


def assert_nothing_injected(page: Page, where: str) -> None:
    assert page.evaluate("window.__pwned") is None, where
    for selector in (
        "img[src=x]", "[onerror]", "[onload]", "a[href^='javascript:' i]", "iframe",
        "svg[onload]", "script:not([src])",
    ):
        found = page.locator(selector)
        if selector == "script:not([src])":  # Streamlit's own inline scripts are fine
            found = found.filter(has_text="__pwned")
        assert found.count() == 0, f"{where}: {selector}"
    for tag, text in (("b", "bold tag"), ("i", "italic"), ("strong", "bold"), ("em", "italic"),
                      ("code", "code"), ("del", "strike"), ("h1", "heading"), ("li", "list item"),
                      ("a", "link"), ("a", "click")):
        found = page.locator(tag).filter(has_text=text)
        assert found.count() == 0, f"{where}: <{tag}> made from the data: {found.all_inner_texts()}"


def go(page: Page, label: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=label, exact=True).click()
    wait_idle(page)


def grid_texts(page: Page) -> list[str]:
    """The cell texts of the data grids (their accessible table; rows on screen)."""
    return page.locator("[data-testid=stDataFrame] td").all_text_contents()


def test_hostile_text_stays_text(page: Page, app_url: str, tmp_path: Path) -> None:
    path = tmp_path / f"{STEM}.csv"
    path.write_bytes((CORPUS / "hostile_text.csv").read_bytes())
    page.goto(f"{app_url}/import")
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    n = len(ROWS)
    expect(page.get_by_text(f"{n} rows read, {n} kept, 0 duplicates, 0 rejected")).to_be_visible()
    expect(page.get_by_text(f"{STEM}.csv").first).to_be_visible()  # the name, literally
    assert_nothing_injected(page, "import")
    page.get_by_role("button", name="Open in the dashboard").click()
    wait_idle(page)
    screenshot(page, "hostile-import")

    go(page, "Overview")
    expect(page.locator("h1").first).to_have_text(STEM)
    expect(page.get_by_text(f"dataset: {STEM}").first).to_be_visible()
    assert_nothing_injected(page, "overview")
    screenshot(page, "hostile-overview")

    go(page, "Compare")
    compare_by = page.get_by_test_id("stButtonGroup").filter(has_text="Compare by")
    compare_by.get_by_text("Location", exact=True).click()
    wait_idle(page)
    page.wait_for_timeout(500)
    legend = sorted(page.locator(".legendtext").all_text_contents())
    assert legend == LOCATIONS  # plotly would have read <img ...> and <b> as markup
    texts = grid_texts(page)
    assert set(LOCATIONS) <= set(texts), texts
    assert_nothing_injected(page, "compare")
    screenshot(page, "hostile-compare")

    go(page, "Why did it move?")
    page.wait_for_timeout(500)
    texts = grid_texts(page)
    shown = [t for t in texts if t in LITERALS]
    assert len(set(shown)) >= 4, texts  # titles and texts, exactly as written
    odd = [t for t in texts if any(ch in t for ch in "<>*[]`") and t not in LITERALS]
    assert odd == [], odd  # nothing half-rendered
    assert_nothing_injected(page, "why")
    screenshot(page, "hostile-why")

    go(page, "Trends")
    expect(page.get_by_role("heading", name="Trends")).to_be_visible()
    assert_nothing_injected(page, "trends")
    # A filter value reaches every caption through the view's description.
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Filters", exact=True).click()
    location = ":red[Zürich] \u202eRTL"
    assert location in LOCATIONS
    box = sidebar.get_by_role("combobox", name="Location")
    option = page.get_by_role("option").filter(has_text="Zürich")
    for _attempt in range(3):  # a late rerun can redraw the sidebar and close the list
        wait_idle(page)
        box.click()
        box.fill("Zürich")  # narrows the options to that one location
        try:
            expect(option).to_have_count(1, timeout=5_000)
        except AssertionError:
            page.keyboard.press("Escape")
            continue
        break
    page.keyboard.press("Enter")  # picks the one option left (no click: it may be off-screen)
    page.keyboard.press("Escape")
    wait_idle(page)
    caption = page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first
    expect(caption).to_contain_text(f"location: {location}")
    assert_nothing_injected(page, "trends, filtered")
    screenshot(page, "hostile-trends-filtered")
