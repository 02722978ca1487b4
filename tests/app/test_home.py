"""The Overview page under AppTest: the demo's headline figures, computed by the engine."""

from __future__ import annotations

import scoring
from tests.app.conftest import open_app
from ui.data import DEMO_PATH


def test_overview_opens_on_the_demo_dataset() -> None:
    at = open_app()
    assert not at.exception
    assert at.title[0].value == "Bramblegate Home Insurance"
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    snap = scoring.snapshot(reviews)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reviews"] == f"{snap.reviews:,}"
    assert metrics["Effective reviews"] == f"{round(snap.effective_reviews):,}"
    assert metrics["KPI index (0-100)"] == f"{snap.kpi_index:.0f}"
    headline = " ".join(str(h.proto.body) for h in at.get("html"))
    assert f">{scoring.display_score(snap.score):.1f}<" in headline
    assert snap.label in headline
    sentence = next(m.value for m in at.markdown if f"**{snap.label}** at" in m.value)
    assert f"**{snap.label}** at **{scoring.display_score(snap.score):.1f}**" in sentence
    assert len(at.get("plotly_chart")) == 1


def test_overview_survives_a_rerun() -> None:
    at = open_app()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Bramblegate Home Insurance"


def test_overview_follows_the_sidebar_model_across_pages() -> None:
    """The model is a sidebar setting: the headline follows it, it survives a page
    switch, and it is in the address (a pasted link reproduces it)."""
    at = open_app()
    reviews = scoring.load_reviews(DEMO_PATH).reviews

    def headline() -> str:
        return " ".join(str(h.proto.body) for h in at.get("html"))

    fitted = scoring.snapshot(reviews)
    assert f">{fitted.display_score:.1f}<" in headline()
    assert "Trustpilot model" in " ".join(c.value for c in at.caption)
    at.segmented_control(key="model").set_value("decayed-prior").run()
    assert not at.exception
    decayed = scoring.snapshot(reviews, model="decayed-prior")
    assert f"unrounded {decayed.score:.3f}" in headline()
    assert f"unrounded {fitted.score:.3f}" not in headline()
    assert "Decayed-prior model, kept for comparison" in " ".join(c.value for c in at.caption)
    at.switch_page("app_pages/kpi.py").run()
    assert not at.exception
    assert at.segmented_control(key="model").value == "decayed-prior"
