"""The Overview's "Download as PowerPoint" under AppTest: nothing is built until it is
clicked; the click builds the deck of the view on screen and offers it for saving."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pptx import Presentation
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

import scoring
from tests.app.conftest import open_app
from ui import deck, present, slides, views
from ui.data import DEMO_PATH
from ui.downloads import PPTX_MIME
from ui.settings import ModelSettings


def saved_files(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, str, str | None]]:
    """Every file handed to the (AppTest) media storage: data, mime type, file name."""
    saved: list[tuple[bytes, str, str | None]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self: MemoryMediaFileStorage, path_or_data: str | bytes, mimetype: str,
               kind: Any, filename: str | None = None) -> str:
        if isinstance(path_or_data, bytes):
            saved.append((path_or_data, mimetype, filename))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return saved


def test_deck_is_built_on_click_and_offered_as_pptx(monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[int] = []
    real = deck.view_deck

    def counted(*args: Any, **kwargs: Any) -> bytes:
        builds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(deck, "view_deck", counted)
    saved = saved_files(monkeypatch)
    at = open_app()
    assert not at.exception
    assert builds == []  # a page view does not build the deck
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Save the PowerPoint deck (.pptx)" not in labels
    assert "Download an HTML snapshot" in labels  # the existing export stays

    at.button(key="deck_build_overview").click().run()
    assert not at.exception
    assert builds == [1]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Save the PowerPoint deck (.pptx)" in labels
    pptx = [(data, name) for data, mime, name in saved if mime == PPTX_MIME]
    assert {name for _, name in pptx} == {"trustlens-overview.pptx"}

    # A rerun of the page (the Overview reruns once its briefing is complete) still
    # offers the deck, without building it again; a change of setting withdraws it.
    at.run()
    assert not at.exception
    assert builds == [1]
    assert "Save the PowerPoint deck (.pptx)" in [
        b.proto.label for b in at.get("download_button")]
    at.segmented_control(key="model").set_value("decayed-prior").run()
    assert not at.exception
    assert "Save the PowerPoint deck (.pptx)" not in [
        b.proto.label for b in at.get("download_button")]

    shown = Presentation(io.BytesIO(pptx[0][0]))
    titles = [slide.shapes.title.text_frame.text for slide in shown.slides]
    assert titles[0] == at.title[0].value == "Bramblegate Home Insurance"
    assert titles[1:] == [slides.TITLES[key] if key != "headline" else titles[0]
                          for key in slides.KEYS]
    assert demo_trend() == next(
        shape.chart.plots[0].series[0].values for slide in shown.slides
        for shape in slide.shapes
        if getattr(shape, "has_chart", False) and slide.shapes.title.text_frame.text
        == slides.TITLES["trend"])


def demo_trend() -> tuple[float, ...]:
    """The demo's score at the slides' resolution, from the engine."""
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    first, last = views.window(reviews, None, None)
    freq = views.chart_freq(first, last, None, max_points=slides.MAX_POINTS)
    series, _ = views.trend(reviews, ModelSettings(), freq=freq)
    return tuple(float(v) for v in series["score"])


def test_present_page_deck_has_the_plan_at_the_rooms_requests(
        monkeypatch: pytest.MonkeyPatch) -> None:
    saved = saved_files(monkeypatch)
    at = open_app("present.py")
    assert not at.exception
    plan_number = slides.KEYS.index("plan") + 1
    at.query_params["slide"] = str(plan_number)
    at.run()
    assert not at.exception
    requests = at.number_input(key=present.REQUESTS_KEY)
    assert requests.value is not None and requests.value > 0
    doubled = 2 * int(requests.value)
    requests.set_value(doubled).run()
    assert not at.exception
    at.button(key="deck_build_present").click().run()
    assert not at.exception
    (data,) = [data for data, mime, name in saved
               if mime == PPTX_MIME and name == "trustlens-present.pptx"]
    deck = Presentation(io.BytesIO(data))
    plan_slide = list(deck.slides)[plan_number]
    assert plan_slide.shapes.title.text_frame.text == slides.TITLES["plan"]
    texts = [shape.text_frame.text for shape in plan_slide.shapes if shape.has_text_frame]
    assert any(f"With {doubled:,} review requests a month" in text for text in texts)
