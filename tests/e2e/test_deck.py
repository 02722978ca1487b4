"""The PowerPoint deck in a real browser: "Download as PowerPoint" on the Overview,
then "Save the PowerPoint deck (.pptx)" gives a file that python-pptx reads back with
the engine's numbers, on the demo and on an upload whose name is hostile text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation
from pptx.presentation import Presentation as Deck

from tests.app.test_deck_download import demo_trend
from tests.e2e.conftest import screenshot, wait_idle
from tests.e2e.test_hostile_text import CORPUS, STEM, assert_nothing_injected
from ui import slides
from ui.data import DEMO_NAME

pytestmark = pytest.mark.e2e


def download_deck(page: Page, name: str, file_name: str = "trustlens-overview.pptx") -> Deck:
    """Click "Download as PowerPoint", then save the file it offers; the deck read back."""
    page.get_by_role("button", name="Download as PowerPoint").click()
    save = page.get_by_role("button", name="Save the PowerPoint deck (.pptx)")
    expect(save).to_be_visible(timeout=60_000)
    screenshot(page, name)
    with page.expect_download(timeout=60_000) as info:
        save.click()
    download = info.value
    assert download.suggested_filename == file_name
    return Presentation(io.BytesIO(Path(download.path()).read_bytes()))


def titles(deck: Deck) -> list[str]:
    return [slide.shapes.title.text_frame.text for slide in deck.slides]


def all_text(deck: Deck) -> list[list[str]]:
    return [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
            for slide in deck.slides]


def note(text: str, dataset: str) -> bool:
    """Whether ``text`` is a sources/assumptions note naming ``dataset`` and the model."""
    return (text.startswith("Sources") and f"dataset: {dataset};".lower() in text.lower()
            and "half-life" in text and "prior 7 reviews" in text)


def test_demo_deck_downloads_with_the_engine_numbers(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_idle(page)
    deck = download_deck(page, "deck-overview")
    assert titles(deck)[0] == "Bramblegate Home Insurance"
    assert titles(deck)[1:] == [titles(deck)[0] if key == "headline" else slides.TITLES[key]
                                for key in slides.KEYS]
    trend = list(deck.slides)[slides.KEYS.index("trend") + 1]
    (line,) = [shape.chart for shape in trend.shapes if shape.has_chart]
    assert line.plots[0].series[0].values == demo_trend()
    for texts in all_text(deck):
        assert any(note(t, DEMO_NAME) for t in texts)
    # The page is still whole after the fragment ran.
    expect(page.get_by_role("heading", name="Bramblegate Home Insurance")).to_be_visible()
    assert page.locator("[data-testid=stException]").count() == 0


def test_hostile_names_stay_plain_text_in_the_deck(page: Page, app_url: str,
                                                   tmp_path: Path) -> None:
    path = tmp_path / f"{STEM}.csv"
    path.write_bytes((CORPUS / "hostile_text.csv").read_bytes())
    page.goto(f"{app_url}/import")
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    page.get_by_role("button", name="Open in the dashboard").click()
    wait_idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview", exact=True).click()
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text(STEM)
    deck = download_deck(page, "deck-hostile")
    assert titles(deck)[0] == STEM
    assert all(any(note(t, STEM) for t in texts) for texts in all_text(deck))
    assert_nothing_injected(page, "overview after the deck")


def test_present_deck_has_the_plan_the_room_asked_for(page: Page, app_url: str) -> None:
    """On the plan slide the room doubles the requests; the deck downloaded then shows
    the plan at that value."""
    page.set_viewport_size({"width": 1440, "height": 900})
    plan_number = slides.KEYS.index("plan") + 1
    page.goto(f"{app_url}/present?slide={plan_number}")
    wait_idle(page, timeout=90_000)
    field = page.get_by_role("spinbutton", name="Review requests a month")
    expect(field).to_be_visible()
    doubled = 2 * int(field.input_value())
    field.fill(str(doubled))
    field.press("Enter")
    wait_idle(page, timeout=90_000)
    expect(page.get_by_text(f"With {doubled:,} review requests")).to_be_visible()
    deck = download_deck(page, "deck-present", "trustlens-present.pptx")
    plan = list(deck.slides)[plan_number]
    assert plan.shapes.title.text_frame.text == slides.TITLES["plan"]
    assert any(f"With {doubled:,} review requests a month" in text
               for text in all_text(deck)[plan_number])
    expect(page.get_by_role("heading", name=slides.TITLES["plan"])).to_be_visible()
