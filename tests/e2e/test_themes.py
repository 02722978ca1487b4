"""The Themes page in a real browser, with screenshots to look at: the term tables and
the themes' small multiples on the demo, a left-out word carried by the URL, and a
term's reviews."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle
from tests.e2e.test_hostile_text import assert_nothing_injected, go, grid_texts
from tests.fuzz import builders

pytestmark = pytest.mark.e2e


def main(page: Page):
    return page.get_by_test_id("stMain")


def cell(page: Page, value: str):
    """The data grid cells showing exactly ``value``."""
    return page.locator("[data-testid=stDataFrame] td").filter(
        has_text=re.compile(f"^{re.escape(value)}$"))


def pick(page: Page, label: str, option_name: str) -> None:
    """Choose ``option_name`` in the select box ``label`` of the main area (typing it
    first narrows the list; a late rerun can redraw the box and close it: try again)."""
    box = main(page).get_by_role("combobox", name=label)
    option = page.get_by_role("option", name=option_name, exact=True)
    for _attempt in range(3):
        wait_idle(page)
        box.click()
        box.fill(option_name)
        try:
            expect(option).to_be_visible(timeout=5_000)
        except AssertionError:
            page.keyboard.press("Escape")
            continue
        option.click()
        wait_idle(page)
        return
    raise AssertionError(f"no option {option_name!r} in {label!r}")


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
    for term in ("portal", "migration"):  # the grids draw after the script ends
        expect(cell(page, term).first).to_be_attached()
    captions = " ".join(body.get_by_test_id("stCaptionContainer").all_inner_texts())
    assert "reviews with 1-2 stars against" in captions
    screenshot(page, "themes")
    page.locator(".js-plotly-plot").nth(1).scroll_into_view_if_needed()
    screenshot(page, "themes-panels")
    body.get_by_role("heading", name="Rising in this period").scroll_into_view_if_needed()
    screenshot(page, "themes-rising")

    # Leave out a word: it goes from the lists, and the link carries it.
    box = body.get_by_role("textbox", name="Leave out words")
    box.fill("portal, migration")
    box.press("Enter")
    wait_idle(page, timeout=60_000)
    expect(page).to_have_url(re.compile(r"themes_exclude=portal"))
    expect(cell(page, "hold").first).to_be_attached()  # the rest of the list is still there
    cells = grid_texts(page)
    assert "portal" not in cells and "migration" not in cells

    # Select a row of the low-star table: its term's reviews open below.
    low_table = body.get_by_test_id("stDataFrame").first
    low_table.scroll_into_view_if_needed()
    box = low_table.bounding_box()
    assert box is not None
    # The second row's check box ("hold", the first, is the picker's default).
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 35 + 17)
    wait_idle(page)
    expect(body.get_by_role("combobox", name="Term")).to_have_value("hours")
    expect(page).to_have_url(re.compile(r"themes_term=hours"))

    # Pick a term: its reviews, each using it, exactly as written.
    pick(page, "Term", "overcharged")
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


def hostile_export(path: Path) -> list[str]:
    """A review table whose titles, texts, locations and company are hostile strings
    around plain complaints and praise, enough of them for terms and themes. Returns
    the one-line hostile strings used as titles."""
    rng = np.random.default_rng(3)
    one_line = [s for s in builders.HOSTILE_STRINGS if "\n" not in s and len(s) < 100]
    low = ["The portal kept failing and the parcel arrived late.",
           "Portal broken again, refund refused.", "Parcel never came, portal down."]
    high = ["Quick friendly service, parcel arrived early.", "Friendly staff, quick delivery.",
            "Great value, quick and friendly staff."]
    locations = ('<img src=x onerror="window.__pwned=6">', ":red[Zürich] **bold**")
    rows = []
    for i in range(240):
        bad = i % 3 == 0
        title = one_line[i % len(one_line)] if i % 4 == 0 else ("Awful" if bad else "Lovely")
        text = (low if bad else high)[i % 3]
        if i % 4 == 0:
            text = f"{one_line[(i + 1) % len(one_line)]} {text}"
        created = pd.Timestamp("2025-01-01", tz="UTC") + pd.Timedelta(hours=60 * i)
        rows.append([f"{created:%Y-%m-%d %H:%M:%S}", int(rng.choice([1, 2]) if bad else
                                                      rng.choice([4, 5])),
                     title, text, locations[i % 2], "<b>Acme</b> **Corp**"])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["date", "rating", "title", "text", "location",
                                       "company"], *rows])
    return one_line


def test_hostile_text_stays_text_on_the_themes_page(page: Page, app_url: str,
                                                    tmp_path: Path) -> None:
    path = tmp_path / "hostile themes.csv"
    hostile = hostile_export(path)
    page.goto(f"{app_url}/import")
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    expect(page.get_by_text("240 rows read, 240 kept")).to_be_visible()
    page.get_by_role("button", name="Open in the dashboard").click()
    wait_idle(page)
    go(page, "Themes")
    wait_idle(page, timeout=60_000)
    body = main(page)
    expect(body.get_by_role("heading", name="What low and high reviews say")).to_be_visible()
    expect(body.get_by_text("Leave out the company's own name (acme, corp)")).to_be_visible()
    assert_nothing_injected(page, "themes")

    pick(page, "Term", "portal")
    reviews = body.get_by_test_id("stDataFrame").last
    reviews.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    texts = grid_texts(page)
    assert {t for t in texts if t in hostile}, texts  # titles exactly as written
    assert_nothing_injected(page, "themes, a term's reviews")
    with page.expect_download() as download_info:
        body.get_by_role("button", name="Download these reviews (CSV)").click()
    table = download_info.value.path().read_text(encoding="utf-8-sig")
    lines = table.splitlines()
    assert lines[0].startswith("Date,Stars,Title,Text")
    assert not any(cell.startswith(("=", "+", "-", "@"))
                   for row in csv.reader(lines[1:]) for cell in row[2:])
    assert "'=HYPERLINK(" in table or "'+cmd|" in table or "'@SUM(" in table

    # One location against the rest: the location's name is a column header and a sentence.
    body.get_by_test_id("stButtonGroup").filter(has_text="Against").get_by_text(
        "Other locations", exact=True).click()
    wait_idle(page)
    page.wait_for_timeout(500)
    assert_nothing_injected(page, "themes, by location")
    screenshot(page, "hostile-themes")
