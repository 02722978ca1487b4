"""The slides of the demo view: which apply, their titles, and chart series equal to
the engine's numbers (the figures the pages show)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import scoring
from scoring.attribution import explain_change
from ui import present, slides, views
from ui.controls import View
from ui.data import Dataset, demo_dataset
from ui.settings import ModelSettings
from ui.slide import Slide


@pytest.fixture(scope="module")
def view() -> View:
    dataset = demo_dataset()
    return View(dataset, ModelSettings(), None, None, None, {}, dataset.reviews)


@pytest.fixture(scope="module")
def deck(view: View) -> dict[str, Slide]:
    return {one.key: one for one in slides.slides(view)}


def test_every_slide_applies_to_the_demo_in_order(view: View, deck: dict[str, Slide]) -> None:
    assert slides.available(view) == slides.KEYS
    assert list(deck) == list(slides.KEYS)
    assert deck["headline"].title == "Bramblegate Home Insurance"
    for key in slides.KEYS[1:]:
        assert deck[key].title == slides.TITLES[key]


def test_replies_and_themes_only_when_the_data_has_them(view: View) -> None:
    def of(reviews: pd.DataFrame, name: str) -> View:
        # The caches are keyed on the dataset's content hash: each table gets its own.
        dataset = Dataset(name, name, reviews, f"{name}-hash", "upload")
        return View(dataset, view.model, None, None, None, {}, reviews)

    bare = view.reviews[["created_at", "rating"]]
    assert slides.available(of(bare, "bare")) == ("headline", "trend", "why", "plan", "kpi")
    assert slides.available(of(bare.iloc[:0], "empty")) == ()


def test_every_slide_notes_its_sources(view: View, deck: dict[str, Slide]) -> None:
    for one in deck.values():
        assert "Dataset: Demo: Bramblegate Home Insurance" in one.sources
        assert "01 Nov 2023 to 31 Oct 2026" in one.sources
        assert "Trustpilot model, half-life 182.5 days, prior 7 reviews at 3.5★" in one.sources


def test_headline_figure_is_the_snapshot(view: View, deck: dict[str, Slide]) -> None:
    snap = scoring.snapshot(view.reviews)
    one = deck["headline"]
    assert one.figure == f"{scoring.display_score(snap.score):.1f}" == "4.3"
    assert one.figure_caption == "TrustScore, Excellent, 4.5 stars"
    assert all("**" not in line for line in one.lines)  # plain text, no markdown
    briefed = slides.slide("headline", view, briefing=["**Great** at 4.0.", "Second."])
    assert briefed.lines == ("Great at 4.0.", "Second.")


def test_trend_series_is_the_score_series_at_the_period_named(view: View,
                                                              deck: dict[str, Slide]) -> None:
    chart = deck["trend"].chart
    assert chart is not None and chart.kind == "line"
    series, freq = views.trend(view.reviews, view.model, freq="M")
    assert freq == "M" and chart.x_title == "Date (end of each month)"
    assert chart.categories == tuple(series.index)
    assert chart.series[0].values == pytest.approx(tuple(series["score"]))
    assert len(chart.categories) <= slides.MAX_POINTS
    assert chart.y_title == "TrustScore (1-5 stars)"


def test_why_bars_are_the_exact_split(view: View, deck: dict[str, Slide]) -> None:
    one = deck["why"]
    assert one.chart is not None and one.chart.kind == "bar"
    counted = scoring.model.counted_reviews(view.reviews)
    last = counted["created_at"].max()
    result = explain_change(counted, start=last - pd.Timedelta(days=90), end=last)
    values = one.chart.series[0].values
    assert values == pytest.approx(tuple(result.by_stars[s] for s in range(1, 6)))
    assert math.isclose(sum(v or 0.0 for v in values), result.change, abs_tol=1e-9)
    assert one.lines[0].startswith(f"From {result.start:%d %b %Y} to {result.end:%d %b %Y}")
    assert "(+0.097)" in one.lines[0]  # hand-checked: 4.174 to 4.271 on the demo
    assert one.lines[1] == "The largest part: new 5★ reviews, +0.247."


def test_why_names_ageing_under_the_decayed_prior_model(view: View) -> None:
    decayed = View(view.dataset, ModelSettings(model="decayed-prior"), None, None, None, {},
                   view.reviews)
    chart = slides.slide("why", decayed).chart
    assert chart is not None
    assert chart.categories[-1] == "Older reviews ageing"
    result = slides.why_split(decayed)
    assert chart.series[0].values[-1] == pytest.approx(result.ageing)


def test_replies_slide_is_the_reply_table(view: View, deck: dict[str, Slide]) -> None:
    one = deck["replies"]
    assert one.lines[0].startswith("Replied to 93% of the 699 negative reviews")
    assert one.chart is not None
    at = view.reviews["created_at"].max()
    recent = view.reviews[view.reviews["created_at"] > at - pd.Timedelta(days=365)]
    table = scoring.replies.reply_table(recent, by="stars", as_of=at)
    assert one.chart.series[0].values == pytest.approx(tuple(table["reply_rate"] * 100))


def test_themes_are_plain_text_names(deck: dict[str, Slide]) -> None:
    one = deck["themes"]
    assert one.chart is not None
    assert 1 <= len(one.chart.categories) <= slides.MAX_THEMES
    assert all("\\" not in str(name) for name in one.chart.categories)  # not escaped here
    assert one.lines[0].startswith(f"The largest theme, {one.chart.categories[0]}, is in")


def test_plan_bands_follow_the_requests(view: View, deck: dict[str, Slide]) -> None:
    one = deck["plan"]
    assert one.chart is not None
    roles = [s.role for s in one.chart.series]
    assert roles == ["band", "main", "band", "reference"]
    plan, _, outlook = slides.plan_outlook(view)
    p10, p50, p90 = (one.chart.series[i].values for i in (2, 1, 0))
    assert p50[-1] == pytest.approx(outlook.bands["p50"].iloc[-1])
    assert p10[0] == pytest.approx(outlook.bands["p10"].iloc[0])
    assert all(lo <= mid <= hi for lo, mid, hi in zip(p10, p50, p90, strict=True))
    assert set(one.chart.series[3].values) == {plan.threshold}
    default = slides.default_requests(view)
    doubled = slides.slide("plan", view, requests_per_month=2 * default)
    assert doubled.chart is not None
    assert doubled.chart.series[1].values[-1] > p50[-1]
    assert f"With {2 * default:,} review requests a month" in doubled.lines[0]


def test_kpi_slide_is_the_index(view: View, deck: dict[str, Slide]) -> None:
    one = deck["kpi"]
    assert one.chart is not None and one.chart.y_range == (0.0, 100.0)
    series, _ = views.trend(view.reviews, view.model, freq="M")
    assert one.chart.series[0].values == pytest.approx(tuple(scoring.kpi_index(series["score"])))
    assert one.figure == f"{scoring.snapshot(view.reviews).kpi_index:.0f}"


def test_data_text_stays_plain_in_slides_and_is_escaped_in_charts(view: View) -> None:
    hostile = "**Evil** <a href='javascript:x'>Co</a>"
    dataset = Dataset(view.dataset.key, hostile, view.reviews, view.dataset.content_hash,
                      view.dataset.origin)
    evil = View(dataset, view.model, None, None, None, {}, view.reviews)
    one = slides.slide("trend", evil)
    assert f"Dataset: {hostile}" in one.sources  # plain data; renderers escape it
    figure = present.figure(slides.slide("why", view).chart)  # type: ignore[arg-type]
    assert figure.layout.yaxis.title.text == "Change in score (points)"
    assert present.slide_number(7, {"slide": "3"}) == 3
    assert present.slide_number(7, {"slide": "99"}) == 7
    assert present.slide_number(7, {"slide": "x"}) == 1


def test_headline_slide_reads_the_overview_briefing(view: View) -> None:
    from ui import briefing

    lines = slides.briefing_lines(view)
    assert lines == tuple(s.text() for s in briefing.of_view(view).sentences)
    assert 3 <= len(lines) <= 5
    assert lines[0] == ("The TrustScore is 4.3, Excellent, shown as 4.5 stars, from 14,891 "
                        "reviews.")  # the demo's figures, hand-checked on the Overview
    assert slides.slide("headline", view, briefing=lines).lines == lines
