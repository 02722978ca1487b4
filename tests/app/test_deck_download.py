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
from ui import deck, views
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
    assert [name for _, name in pptx] == ["trustlens-overview.pptx"]

    shown = Presentation(io.BytesIO(pptx[0][0]))
    titles = [slide.shapes.title.text_frame.text for slide in shown.slides]
    assert titles[0] == at.title[0].value == "Bramblegate Home Insurance"
    assert "Score over time" in titles
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    series, _ = views.trend(reviews, ModelSettings())
    line = next(shape.chart for slide in shown.slides for shape in slide.shapes
                if getattr(shape, "has_chart", False))
    assert line.plots[0].series[0].values == tuple(float(v) for v in series["score"])
