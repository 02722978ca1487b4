"""The PowerPoint deck: :class:`ui.slide.Slide` objects written with python-pptx.

One 16:9 deck (13.33 x 7.5 in): a title slide (the business, the day it was made, the
dataset), then one slide per :class:`~ui.slide.Slide` with its title, the big figure and
its caption, the sentences, the chart as a NATIVE PowerPoint chart (line or clustered /
stacked columns, editable in PowerPoint with its numbers in the embedded workbook), the
sources/assumptions note at the foot and the speaker notes.

Text from data (business names, themes, channel names) stays plain text: python-pptx
writes text runs, never markup, and :func:`plain` removes the control characters XML
cannot hold. The embedded workbook is written with formulas and URLs off, so a category
or series named ``=HYPERLINK(...)`` is a text cell, not a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt
from xlsxwriter import Workbook  # type: ignore[import-untyped]

from ui import present
from ui import slides as slides_of
from ui.slide import ChartSeries, Slide, SlideChart

if TYPE_CHECKING:
    from ui.controls import View

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
#: The text colours: near-black body, grey notes (contrast above 4.5:1 on white).
INK, GREY = RGBColor(0x1C, 0x1C, 0x1C), RGBColor(0x55, 0x55, 0x55)
#: Series colours: the presentation mode's (:mod:`ui.present`), so that the room and the
#: deck look alike: a dark main line, dashed blue bands, dotted references in turn, bars
#: in turn.
MAIN_LINE = RGBColor.from_string(present.MAIN_COLOUR.lstrip("#"))
BAND_COLOUR = RGBColor.from_string(present.BAND_COLOUR.lstrip("#"))
REFERENCE_COLOURS = tuple(RGBColor.from_string(c.lstrip("#")) for c in present.REFERENCE_COLOURS)
BAR_COLOURS = tuple(RGBColor.from_string(c.lstrip("#")) for c in present.BAR_COLOURS)
POSITIVE = RGBColor.from_string(present.POSITIVE_COLOUR.lstrip("#"))
NEGATIVE = RGBColor.from_string(present.NEGATIVE_COLOUR.lstrip("#"))
#: Longest text kept in one paragraph; longer text ends with an ellipsis.
MAX_CHARS = 600
#: Longest category, series name or axis title in a chart (longer ones squeeze the plot).
LABEL_CHARS = 60
#: Control and format characters kept: the zero-width joiner (emoji sequences).
KEPT_FORMAT = {"\u200d"}
#: Written instead of a chart with no categories or no series.
EMPTY_CHART = "No chart: nothing to show for this view."


def plain(text: object, *, limit: int = MAX_CHARS) -> str:
    """``text`` as one plain line: control, format (bidi overrides), surrogate and
    private-use characters removed, whitespace runs collapsed to one space, cut at
    ``limit`` characters with an ellipsis. The result is safe to write to XML."""
    out = []
    for char in str(text):
        category = unicodedata.category(char)
        if char in "\t\n\r\x0b\x0c" or category == "Zl" or category == "Zp":
            out.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf" and char not in KEPT_FORMAT):
            continue
        else:
            out.append(char)
    line = " ".join("".join(out).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


class _TextWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's workbook writer with xlsxwriter's string conversions off: its
    ``write`` turns a string starting with "=" into a formula and "http://..." into a
    link; here every string is a text cell."""

    def _open_worksheet(self, xlsx_file: io.BytesIO) -> Any:
        return _text_worksheet(xlsx_file)


class _text_worksheet:
    """Like python-pptx's ``_open_worksheet``: the workbook and its one sheet."""

    def __init__(self, xlsx_file: io.BytesIO) -> None:
        self.workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False,
                                             "strings_to_urls": False,
                                             "strings_to_numbers": False})

    def __enter__(self) -> tuple[Any, Any]:
        return self.workbook, self.workbook.add_worksheet()

    def __exit__(self, *exc: object) -> None:
        self.workbook.close()


class _TextChartData(CategoryChartData):
    """Category chart data whose embedded workbook holds text as text."""

    @property
    def _workbook_writer(self) -> _TextWorkbookWriter:
        writer = self.__dict__.get("_text_writer")
        if writer is None:
            writer = self.__dict__["_text_writer"] = _TextWorkbookWriter(self)
        return writer


def _category(value: pd.Timestamp | str, *, as_date: bool, date_format: str) -> object:
    if isinstance(value, pd.Timestamp | dt.date):
        stamp = pd.Timestamp(value)
        return stamp.date() if as_date else stamp.strftime(date_format)
    return plain(value, limit=LABEL_CHARS)


def _date_formats(categories: Sequence[pd.Timestamp | str]) -> tuple[str, str]:
    """The Excel and strftime formats of date categories: years, months or days,
    from the spacing of the dates."""
    dates = pd.DatetimeIndex([pd.Timestamp(c) for c in categories])
    step = pd.Series(dates).diff().median() if len(dates) > 1 else pd.Timedelta(days=1)
    if step >= pd.Timedelta(days=360):
        return "yyyy", "%Y"
    if step >= pd.Timedelta(days=28):
        return "mmm yyyy", "%b %Y"
    return "d mmm yyyy", "%d %b %Y"


def _number(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def chart_data(chart: SlideChart) -> CategoryChartData:
    """The slide chart's categories and series as python-pptx chart data: date
    categories stay dates on a line chart (a time axis) and become labels on a bar
    chart; a missing or non-finite value is a missing point."""
    dates = bool(chart.categories) and all(
        isinstance(c, pd.Timestamp | dt.date) for c in chart.categories)
    as_date = dates and chart.kind == "line"
    excel_format, text_format = _date_formats(chart.categories) if dates else ("General", "")
    data = _TextChartData(number_format=chart.number_format)
    data.categories = [_category(c, as_date=as_date, date_format=text_format)
                       for c in chart.categories]
    if as_date:
        data.categories.number_format = excel_format
    for one in chart.series:
        data.add_series(plain(one.name, limit=LABEL_CHARS), [_number(v) for v in one.values])
    return data


def _chart_type(chart: SlideChart) -> Any:
    if chart.kind == "line":
        return XL_CHART_TYPE.LINE
    return XL_CHART_TYPE.COLUMN_STACKED if chart.stacked else XL_CHART_TYPE.COLUMN_CLUSTERED


def _style_series(plot_series: Any, spec: ChartSeries, index: int, reference: int,
                  kind: str) -> None:
    """Line: main solid and thick, band dashed, reference dotted (the ``reference``-th
    colour); bar: the ``index``-th bar colour."""
    if kind != "line":
        fill = plot_series.format.fill
        fill.solid()
        fill.fore_color.rgb = BAR_COLOURS[index % len(BAR_COLOURS)]
        return
    line = plot_series.format.line
    if spec.role == "band":
        line.color.rgb, line.width = BAND_COLOUR, Pt(2)
        line.dash_style = MSO_LINE_DASH_STYLE.DASH
    elif spec.role == "reference":
        line.color.rgb = REFERENCE_COLOURS[reference % len(REFERENCE_COLOURS)]
        line.width = Pt(2)
        line.dash_style = MSO_LINE_DASH_STYLE.ROUND_DOT
    else:
        line.color.rgb, line.width = MAIN_LINE, Pt(3)
    plot_series.smooth = False
    plot_series.marker.style = XL_MARKER_STYLE.NONE


def _signed(chart: SlideChart) -> bool:
    """A split of a change: one bar series with a negative value (drawn gains green,
    losses red, as the presentation draws it)."""
    return len(chart.series) == 1 and any((v or 0.0) < 0 for v in chart.series[0].values)


def _colour_by_sign(plot_series: Any, spec: ChartSeries) -> None:
    plot_series.invert_if_negative = False
    for index, value in enumerate(spec.values):
        fill = plot_series.points[index].format.fill
        fill.solid()
        fill.fore_color.rgb = NEGATIVE if (value or 0.0) < 0 else POSITIVE


def add_chart(shapes: Any, chart: SlideChart, left: int, top: int, width: int,
              height: int) -> Any:
    """Draw ``chart`` as a native chart in the box; returns the python-pptx chart."""
    frame = shapes.add_chart(_chart_type(chart), Emu(left), Emu(top), Emu(width), Emu(height),
                             chart_data(chart))
    drawn = frame.chart
    drawn.font.size = Pt(14)
    drawn.font.color.rgb = INK
    references = 0
    for index, (plot_series, spec) in enumerate(zip(drawn.plots[0].series, chart.series,
                                                    strict=True)):
        _style_series(plot_series, spec, index, references, chart.kind)
        references += spec.role == "reference"
    if chart.kind == "bar" and _signed(chart):
        _colour_by_sign(drawn.plots[0].series[0], chart.series[0])
    if chart.kind == "bar":
        plot = drawn.plots[0]
        plot.gap_width = 60
        if chart.stacked:
            plot.overlap = 100
    # The legend names every series (one too: its name says what the values are); no
    # chart title, which PowerPoint would otherwise draw from a lone series' name.
    drawn.has_title = False
    drawn.has_legend = True
    drawn.legend.position = XL_LEGEND_POSITION.BOTTOM
    drawn.legend.include_in_layout = False
    drawn.legend.font.size = Pt(13)
    # Category labels at the bottom of the plot, below negative bars too.
    drawn.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    for axis, title in ((drawn.category_axis, chart.x_title), (drawn.value_axis, chart.y_title)):
        axis.has_title = True
        axis.axis_title.text_frame.text = plain(title, limit=LABEL_CHARS)
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    value_axis = drawn.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xDD, 0xDD)
    value_axis.tick_labels.number_format = chart.number_format
    value_axis.tick_labels.number_format_is_linked = False
    if chart.y_range is not None:
        value_axis.minimum_scale, value_axis.maximum_scale = chart.y_range
    return drawn


def text_width(text: str, *, bold: bool = False) -> float:
    """An estimate of ``text``'s width in ems (font sizes), on the wide side: a CJK
    (wide) character 1, an M or W 0.95, another capital 0.72, anything else 0.55; bold
    8% wider. Font metrics vary (Calibri in PowerPoint, a substitute elsewhere), so the
    deck estimates instead of measuring."""
    total = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            total += 1.0
        elif unicodedata.normalize("NFD", char)[:1] in ("M", "W"):
            total += 0.95
        elif char.isupper():
            total += 0.72
        else:
            total += 0.55
    return total * (1.08 if bold else 1.0)


def _lines_needed(text: str, line_ems: float, bold: bool) -> int:
    # 10% lost to word wrapping (a word that does not fit starts the next line).
    return max(1, math.ceil(text_width(text, bold=bold) / (0.9 * line_ems)))


def fitted_size(texts: Sequence[str], width: int, height: int, *, largest: int,
                smallest: int, bold: bool = False) -> int:
    """The largest font size (pt) from ``largest`` down to ``smallest`` at which the
    paragraphs fit the box (widths from :func:`text_width`, a line 1.25 times the font
    size high, 0.35 of it between paragraphs)."""
    width_pt, height_pt = width / 12700, height / 12700
    for size in range(largest, smallest - 1, -1):
        lines = sum(_lines_needed(text, width_pt / size, bold) for text in texts)
        spacing = 0.35 * size * max(len(texts) - 1, 0)
        if lines * size * 1.25 + spacing <= height_pt:
            return size
    return smallest


def _cut(text: str, ems: float, bold: bool) -> str:
    """The longest start of ``text`` within ``ems`` (with room for the ellipsis), and "…"."""
    kept = ""
    for char in text:
        if text_width(kept + char + "…", bold=bold) > ems:
            break
        kept += char
    return kept.rstrip() + "…"


def fitted_texts(texts: Sequence[str], width: int, height: int, size: int, *,
                 bold: bool = False) -> list[str]:
    """``texts`` cut to what fits the box at ``size`` (same estimate as
    :func:`fitted_size`): whole paragraphs while they fit, then the next one cut with an
    ellipsis; the rest left out. Text that fits is returned as it is."""
    if not texts:
        return []
    width_pt, height_pt = width / 12700, height / 12700
    line_ems, line_pt, gap_pt = width_pt / size, size * 1.25, 0.35 * size
    kept: list[str] = []
    room = height_pt
    for index, text in enumerate(texts):
        gap = gap_pt if index else 0.0
        need = _lines_needed(text, line_ems, bold) * line_pt + gap
        if need <= room:
            kept.append(text)
            room -= need
            continue
        lines_left = int((room - gap) // line_pt)
        if lines_left >= 1:
            kept.append(_cut(text, lines_left * 0.9 * line_ems, bold))
        break
    return kept or [_cut(texts[0], 0.9 * line_ems, bold)]


def _text_box(shapes: Any, texts: Iterable[str], left: int, top: int, width: int, height: int,
              *, largest: int, smallest: int, bold: bool = False, colour: RGBColor = INK,
              anchor: Any = MSO_ANCHOR.TOP, align: Any = PP_ALIGN.LEFT) -> Any:
    lines = [plain(text) for text in texts]
    size = fitted_size(lines, width, height, largest=largest, smallest=smallest, bold=bold)
    lines = fitted_texts(lines, width, height, size, bold=bold)
    box = shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        if index:
            paragraph.space_before = Pt(size * 0.35)
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour
    return box


def _title(slide: Any, text: str, *, top: int = MARGIN, height: int = Inches(1.0),
           largest: int = 36) -> None:
    shape = slide.shapes.title
    shape.left, shape.top = MARGIN, top
    shape.width, shape.height = WIDTH - 2 * MARGIN, height
    title = plain(text, limit=160)
    size = fitted_size([title], shape.width, shape.height, largest=largest, smallest=20,
                       bold=True)
    (title,) = fitted_texts([title], shape.width, shape.height, size, bold=True)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    run = paragraph.add_run()
    run.text = title
    run.font.size = Pt(size)
    run.font.bold = True
    run.font.color.rgb = INK


def _sources(slide: Any, text: str) -> None:
    if not text:
        return
    top = HEIGHT - Inches(0.75)
    _text_box(slide.shapes, [text], MARGIN, top,
              WIDTH - 2 * MARGIN, Inches(0.6), largest=11, smallest=8, colour=GREY,
              anchor=MSO_ANCHOR.BOTTOM)


def _notes(slide: Any, notes: Sequence[str]) -> None:
    if notes:
        slide.notes_slide.notes_text_frame.text = "\n".join(plain(note) for note in notes)


def _content_slide(deck: Any, spec: Slide, fallback_sources: str) -> None:
    """Title on top, sources at the foot; between them a left column (the figure, its
    caption, then the lines) and the chart on the right. Without a chart the lines
    take the right-hand side beside the figure, or the whole width without one."""
    if spec.chart is not None and not (spec.chart.categories and spec.chart.series):
        spec = replace(spec, chart=None, lines=(*spec.lines, EMPTY_CHART))
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only"
    _title(slide, spec.title)
    top, bottom = MARGIN + Inches(1.15), HEIGHT - Inches(0.85)
    inner, gap = WIDTH - 2 * MARGIN, Inches(0.3)
    column = Inches(4.3) if spec.chart is not None or spec.figure is not None else inner
    y = top
    if spec.figure is not None:
        _text_box(slide.shapes, [spec.figure], MARGIN, y, column, Inches(1.3),
                  largest=66, smallest=36, bold=True)
        y += Inches(1.3)
        if spec.figure_caption:
            _text_box(slide.shapes, [spec.figure_caption], MARGIN, y, column, Inches(0.8),
                      largest=20, smallest=14, colour=GREY)
            y += Inches(0.85)
    right = MARGIN + column + gap
    if spec.lines:
        if spec.chart is None and spec.figure is not None:
            _text_box(slide.shapes, spec.lines, right, top, MARGIN + inner - right,
                      bottom - top, largest=24, smallest=11)
        else:
            _text_box(slide.shapes, spec.lines, MARGIN, y, column, bottom - y,
                      largest=24 if spec.chart is None else 20, smallest=11)
    if spec.chart is not None:
        left = right if spec.figure is not None or spec.lines else MARGIN
        add_chart(slide.shapes, spec.chart, left, top, MARGIN + inner - left, bottom - top)
    _sources(slide, spec.sources or fallback_sources)
    _notes(slide, spec.notes)


def deck_bytes(slides: Sequence[Slide], *, title: str, sources: str = "",
               made_on: dt.date | None = None) -> bytes:
    """The .pptx file: a title slide (``title``, the day it was made, ``sources``),
    then one slide per :class:`Slide`, each with its own sources note (``sources`` when
    the slide has none)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    made_on = made_on or dt.datetime.now(dt.UTC).date()
    cover = deck.slides.add_slide(deck.slide_layouts[5])
    _title(cover, title, top=Inches(2.2), height=Inches(1.6), largest=48)
    _text_box(cover.shapes, [f"TrustLens briefing, made on {made_on:%d %B %Y}"], MARGIN,
              Inches(3.9), WIDTH - 2 * MARGIN, Inches(0.7), largest=24, smallest=16,
              colour=GREY)
    _sources(cover, sources)
    for spec in slides:
        _content_slide(deck, spec, sources)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def view_slides(view: View, *, requests_per_month: float | None = None) -> list[Slide]:
    """The slides of ``view``, the ones the presentation mode shows
    (:func:`ui.slides.slides`): the headline with the Overview's briefing, the plan at
    ``requests_per_month`` when given."""
    return slides_of.slides(view, requests_per_month=requests_per_month,
                            briefing=slides_of.briefing_lines(view))


def view_deck(view: View, slides: Sequence[Slide] | None = None, *,
              requests_per_month: float | None = None, made_on: dt.date | None = None
              ) -> bytes:
    """The deck of ``view``: ``slides`` (:func:`view_slides` by default) under the
    business name, the view's sources note (:func:`ui.slides.sources`) on the title slide
    and on every slide that has no note of its own."""
    chosen = (list(slides) if slides is not None
              else view_slides(view, requests_per_month=requests_per_month))
    return deck_bytes(chosen, title=view.dataset.business_name,
                      sources=slides_of.sources(view), made_on=made_on)
