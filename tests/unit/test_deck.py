"""The PowerPoint deck, read back with python-pptx: titles, native charts whose series
are the engine's numbers, the sources note on every slide, plain text from data, and a
workbook that holds text as text."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest
from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.enum.chart import XL_CHART_TYPE, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.presentation import Presentation as Deck
from pptx.shapes.autoshape import Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide as PptxSlide
from pptx.util import Inches

import scoring
from ui import present, slides, views
from ui.controls import View
from ui.data import demo_dataset
from ui.deck import EMPTY_CHART, deck_bytes, fitted_size, fitted_texts, plain, view_deck
from ui.settings import ModelSettings
from ui.slide import ChartSeries, Slide, SlideChart

HOSTILE = '=HYPERLINK("x")<b>'
MONTHS = tuple(pd.date_range("2025-01-31", periods=4, freq="ME"))


def read(data: bytes) -> Deck:
    return Presentation(io.BytesIO(data))


def texts(slide: PptxSlide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if isinstance(shape, Shape)]


def charts_of(slide: PptxSlide) -> list[Chart]:
    return [shape.chart for shape in slide.shapes
            if isinstance(shape, GraphicFrame) and shape.has_chart]


def excel_serial(day: pd.Timestamp) -> float:
    return float((day.normalize().tz_localize(None) - pd.Timestamp("1899-12-30")).days)


@pytest.fixture(scope="module")
def demo_view() -> View:
    dataset = demo_dataset()
    return View(dataset=dataset, model=ModelSettings(), freq=None, start=None, end=None,
                reviews=dataset.reviews)


def hand_made() -> list[Slide]:
    line = SlideChart(
        "line", MONTHS,
        (ChartSeries("Median", (4.1, 4.2, None, 4.3)),
         ChartSeries("P10", (4.0, 4.05, 4.1, 4.15), role="band"),
         ChartSeries("Goal", (4.5,) * 4, role="reference")),
        x_title="Month", y_title="TrustScore (1-5)", y_range=(1.0, 5.0),
    )
    bars = SlideChart(
        "bar", (HOSTILE, "+cmd", "Web"),
        (ChartSeries("5 stars", (3.0, 5.0, 1.0)), ChartSeries("1 star", (1.0, 0.0, 2.0))),
        x_title="Channel", y_title="Reviews (count)", stacked=True, number_format="0",
    )
    return [
        Slide("headline", "Where the score is", ("Great at 4.2.", f"Theme: {HOSTILE}"),
              figure="4.2", figure_caption="TrustScore, Great", sources="own note",
              notes=("Say it slowly.",)),
        Slide("plan", "The plan", chart=line),
        Slide("themes", "Themes", ("Delivery",), chart=bars),
    ]


def test_one_slide_per_slide_after_the_title_slide_with_titles_and_16_9() -> None:
    deck = read(deck_bytes(hand_made(), title=HOSTILE, sources="dataset: demo",
                           made_on=dt.date(2026, 12, 3)))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    titles = [slide.shapes.title.text_frame.text for slide in deck.slides]
    assert titles == [HOSTILE, "Where the score is", "The plan", "Themes"]
    assert any("03 December 2026" in text for text in texts(deck.slides[0]))


def test_sources_note_on_every_slide_own_note_first() -> None:
    deck = read(deck_bytes(hand_made(), title="Shop", sources="Sources: demo; half-life 180"))
    notes = [[t for t in texts(slide) if t in ("Sources: demo; half-life 180", "own note")]
             for slide in deck.slides]
    assert notes == [["Sources: demo; half-life 180"], ["own note"],
                     ["Sources: demo; half-life 180"], ["Sources: demo; half-life 180"]]


def test_figure_caption_lines_and_speaker_notes() -> None:
    slide = read(deck_bytes(hand_made(), title="Shop")).slides[1]
    shown = texts(slide)
    assert "4.2" in shown and "TrustScore, Great" in shown
    assert f"Great at 4.2.\nTheme: {HOSTILE}" in shown
    assert slide.notes_slide.notes_text_frame.text == "Say it slowly."


def test_line_chart_is_native_with_series_roles_gaps_and_axes() -> None:
    (chart,) = charts_of(read(deck_bytes(hand_made(), title="Shop")).slides[2])
    assert chart.chart_type == XL_CHART_TYPE.LINE
    series = list(chart.plots[0].series)
    assert [(s.name, s.values) for s in series] == [
        ("Median", (4.1, 4.2, None, 4.3)), ("P10", (4.0, 4.05, 4.1, 4.15)),
        ("Goal", (4.5, 4.5, 4.5, 4.5))]
    assert series[0].format.line.dash_style is None
    assert series[1].format.line.dash_style == MSO_LINE_DASH_STYLE.DASH
    assert series[2].format.line.dash_style == MSO_LINE_DASH_STYLE.ROUND_DOT
    # The presentation's colours: dark main line, blue bands, the first reference colour.
    assert [str(s.format.line.color.rgb) for s in series] == [
        present.MAIN_COLOUR[1:].upper(), present.BAND_COLOUR[1:].upper(),
        present.REFERENCE_COLOURS[0][1:].upper()]
    assert [float(c) for c in chart.plots[0].categories] == [excel_serial(m) for m in MONTHS]
    assert chart.category_axis.axis_title.text_frame.text == "Month"
    assert chart.value_axis.axis_title.text_frame.text == "TrustScore (1-5)"
    assert (chart.value_axis.minimum_scale, chart.value_axis.maximum_scale) == (1.0, 5.0)
    assert chart.has_legend


def test_bar_chart_is_native_stacked_with_text_categories() -> None:
    (chart,) = charts_of(read(deck_bytes(hand_made(), title="Shop")).slides[3])
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    assert list(chart.plots[0].categories) == [HOSTILE, "+cmd", "Web"]
    assert [(s.name, s.values) for s in chart.plots[0].series] == [
        ("5 stars", (3.0, 5.0, 1.0)), ("1 star", (1.0, 0.0, 2.0))]
    assert chart.value_axis.tick_labels.number_format == "0"
    clustered = SlideChart("bar", ("a", "b"), (ChartSeries("n", (1.0, 2.0)),), "x", "y")
    (chart,) = charts_of(read(deck_bytes([Slide("k", "t", chart=clustered)],
                                         title="Shop")).slides[1])
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert chart.has_legend and not chart.has_title  # the lone series named by the legend
    assert chart.category_axis.tick_label_position == XL_TICK_LABEL_POSITION.LOW


def test_embedded_workbook_holds_formula_like_text_as_text() -> None:
    (chart,) = charts_of(read(deck_bytes(hand_made(), title="Shop")).slides[3])
    workbook = zipfile.ZipFile(io.BytesIO(chart._workbook.xlsx_part.blob))
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet  # no formula cell anywhere
    assert "HYPERLINK" in strings and "+cmd" in strings


def test_data_text_stays_plain_and_control_characters_go() -> None:
    assert plain("a\x00b\u202ec\td\n\ne") == "abc d e"
    assert plain("x" * 50, limit=10) == "x" * 9 + "…"
    assert plain("👩\u200d💻") == "👩\u200d💻"
    slide = Slide("k", "Shop\x07 <i>", (f"{HOSTILE}\x1b[31m",), sources="s\x00")
    deck = read(deck_bytes([slide], title=HOSTILE + "\x00"))
    assert deck.slides[0].shapes.title.text_frame.text == HOSTILE
    assert deck.slides[1].shapes.title.text_frame.text == "Shop <i>"
    assert f"{HOSTILE}[31m" in texts(deck.slides[1])


def test_fitted_size_shrinks_long_text_within_bounds() -> None:
    box = (Inches(4), Inches(2))
    assert fitted_size(["Short."], *box, largest=24, smallest=11) == 24
    long = fitted_size(["word " * 120], *box, largest=24, smallest=11)
    assert 11 <= long < 24
    assert fitted_size(["word " * 5000], *box, largest=24, smallest=11) == 11


def test_fitted_texts_cut_what_does_not_fit_and_keep_what_does() -> None:
    box = (Inches(4), Inches(2))
    assert fitted_texts(["Short.", "Also short."], *box, 20) == ["Short.", "Also short."]
    cut = fitted_texts(["First.", "word " * 200, "Never shown."], *box, 11)
    assert cut[0] == "First." and cut[1].endswith("…") and len(cut) == 2
    assert fitted_size(cut, *box, largest=11, smallest=10) == 11  # it fits at 11 pt
    assert fitted_texts([], *box, 11) == []


@pytest.fixture(scope="module")
def demo_deck(demo_view: View) -> tuple[list[Slide], Deck]:
    shown = slides.slides(demo_view, briefing=slides.briefing_lines(demo_view))
    return shown, read(view_deck(demo_view, made_on=dt.date(2026, 12, 3)))


def test_demo_deck_writes_every_slide_of_the_presentation(
        demo_view: View, demo_deck: tuple[list[Slide], Deck]) -> None:
    shown, deck = demo_deck
    assert [s.key for s in shown] == list(slides.KEYS)  # the demo has replies and text
    titles = [slide.shapes.title.text_frame.text for slide in deck.slides]
    assert titles == [demo_view.dataset.business_name, *[s.title for s in shown]]
    for spec, written in zip(shown, list(deck.slides)[1:], strict=True):
        assert spec.sources in texts(written)
        charts = charts_of(written)
        assert len(charts) == (spec.chart is not None)
        if spec.chart is None:
            continue
        (chart,) = charts
        kind = {"line": XL_CHART_TYPE.LINE, "bar": XL_CHART_TYPE.COLUMN_CLUSTERED}
        assert chart.chart_type == kind[spec.chart.kind]
        assert [(s.name, s.values) for s in chart.plots[0].series] == [
            (s.name, s.values) for s in spec.chart.series]
        assert chart.value_axis.axis_title.text_frame.text == spec.chart.y_title
    assert slides.sources(demo_view) in texts(deck.slides[0])
    # The headline slide carries the Overview's briefing, as the presentation shows it.
    briefing = slides.briefing_lines(demo_view)
    assert 3 <= len(briefing) <= 5
    assert "\n".join(briefing) in texts(deck.slides[1])
    assert f"half-life {scoring.DEFAULT_HALF_LIFE_DAYS:g} days" in slides.sources(demo_view)


def test_demo_deck_trend_and_why_are_the_engine_numbers(
        demo_view: View, demo_deck: tuple[list[Slide], Deck]) -> None:
    shown, deck = demo_deck
    reviews, model = demo_view.reviews, demo_view.model
    first, last = views.window(reviews, None, None)
    freq = views.chart_freq(first, last, None, max_points=slides.MAX_POINTS)
    series, _ = views.trend(reviews, model, freq=freq)
    at = {spec.key: index + 1 for index, spec in enumerate(shown)}
    (trend,) = charts_of(deck.slides[at["trend"]])
    assert trend.plots[0].series[0].values == tuple(float(v) for v in series["score"])
    assert [float(c) for c in trend.plots[0].categories] == [excel_serial(d) for d in series.index]
    split = slides.why_split(demo_view)
    (why,) = charts_of(deck.slides[at["why"]])
    assert list(why.plots[0].categories) == [f"New {star}★ reviews" for star in range(1, 6)]
    assert why.plots[0].series[0].values == tuple(split.by_stars.get(star, 0.0)
                                                  for star in range(1, 6))
    assert sum(why.plots[0].series[0].values) == pytest.approx(split.change, abs=1e-9)
    colours = [str(point.format.fill.fore_color.rgb) for point in why.plots[0].series[0].points]
    assert colours == [(present.NEGATIVE_COLOUR if v is not None and v < 0
                        else present.POSITIVE_COLOUR)[1:].upper()
                       for v in why.plots[0].series[0].values]
    (plan,) = charts_of(deck.slides[at["plan"]])
    dashes = [s.format.line.dash_style for s in plan.plots[0].series]
    assert dashes == [MSO_LINE_DASH_STYLE.DASH, None, MSO_LINE_DASH_STYLE.DASH,
                      MSO_LINE_DASH_STYLE.ROUND_DOT]


def test_plan_slide_follows_the_requests_a_month(demo_view: View) -> None:
    def plan_values(requests: float | None) -> tuple[float | None, ...]:
        deck = read(view_deck(demo_view, requests_per_month=requests))
        (chart,) = charts_of(next(slide for slide in deck.slides
                                  if slide.shapes.title.text_frame.text == "The plan"))
        return chart.plots[0].series[1].values  # the median

    default = slides.default_requests(demo_view)
    doubled = plan_values(2 * default)
    assert plan_values(None) == plan_values(float(default))
    assert doubled[-1] is not None and plan_values(None)[-1] is not None
    assert doubled[-1] > plan_values(None)[-1]  # type: ignore[operator]


def boxes_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    (al, at, ar, ab), (bl, bt, br, bb) = a, b
    return al < br and bl < ar and at < bb and bt < ab


@pytest.mark.parametrize("figure", [None, "4.2"])
@pytest.mark.parametrize("lines", [(), ("One line.", "word " * 200)])
@pytest.mark.parametrize("with_chart", [False, True])
def test_layout_keeps_every_box_on_the_slide_and_apart(
        figure: str | None, lines: tuple[str, ...], with_chart: bool) -> None:
    chart = hand_made()[1].chart if with_chart else None
    spec = Slide("k", "A title " * 30, lines, chart, "note " * 80, figure, "caption")
    deck = read(deck_bytes([spec], title="Shop"))
    shapes = list(deck.slides[1].shapes)
    boxes = [(s.left, s.top, s.left + s.width, s.top + s.height) for s in shapes]
    for left, top, right, bottom in boxes:
        assert 0 <= left < right <= deck.slide_width
        assert 0 <= top < bottom <= deck.slide_height
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not boxes_overlap(a, b), (a, b)
    assert len(charts_of(deck.slides[1])) == with_chart
    shown = texts(deck.slides[1])
    assert ("4.2" in shown) == (figure is not None)
    assert any(t.startswith("One line.") for t in shown) == bool(lines)


def test_a_chart_without_data_becomes_a_sentence() -> None:
    empty = (SlideChart("bar", (), (ChartSeries("n", ()),), "x", "y"),
             SlideChart("line", MONTHS, (), "x", "y"))
    deck = read(deck_bytes([Slide("k", "Empty", ("Before.",), chart) for chart in empty],
                           title="Shop"))
    for slide in list(deck.slides)[1:]:
        assert charts_of(slide) == []
        assert f"Before.\n{EMPTY_CHART}" in texts(slide)
    assert len(read(deck_bytes([], title="Shop")).slides) == 1
