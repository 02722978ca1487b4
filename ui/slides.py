"""The slides of a view: what the presentation mode shows and the deck writes.

Each slide is plain data (:class:`ui.slide.Slide`) built from the same engine calls the
pages use: the Overview's snapshot, :func:`ui.views.trend`, the exact split of "Why did
it move?" (:func:`scoring.attribution.explain_change`), the Replies figures, the Themes,
the Planner's projection (:class:`ui.planner.engine.Engine`) and the KPI index. Text
that comes from data (names, themes) is kept as it is, plain text: renderers must show
it as text, never as markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

import scoring
from scoring import replies
from scoring.attribution import Attribution, explain_change
from scoring.periods import DAYS_PER_MONTH
from ui import briefing as brief
from ui import charts, headline, views, why_story
from ui import format as fmt
from ui.controls import View
from ui.planner.defaults import Defaults
from ui.planner.engine import Engine, Outlook
from ui.planner.plan import Plan
from ui.replies import sections as reply_sections
from ui.replies import text as reply_text
from ui.slide import ChartSeries, Slide, SlideChart
from ui.themes import data as text_data

KEYS: tuple[str, ...] = ("headline", "trend", "why", "replies", "themes", "plan", "kpi")
TITLES = {
    "headline": "Where the score stands",
    "trend": "Score over time",
    "why": "Why did it move?",
    "replies": "Replies",
    "themes": "What people write about",
    "plan": "The plan",
    "kpi": "KPI view",
}
MAX_POINTS = 80
"""At most this many points on a slide's line chart (a room reads a shape, not days)."""
WHY_DAYS = 90
"""The Why slide's period: the last 90 days, as the Why page opens."""
MAX_THEMES = 6
PLAN_POINTS = 60
SCORE_AXIS = "TrustScore (1-5 stars)"


def _plain(line: str) -> str:
    """A markdown line of the Overview without its bold markers (slides are plain text)."""
    return line.replace("**", "")


def has_text(view: View) -> bool:
    """Whether the view's reviews have any title or text (the Themes slide needs it)."""
    return why_story.has_review_text(view.reviews)


def available(view: View) -> tuple[str, ...]:
    """The keys of the slides that apply to the view, in order: replies only when the
    data says which reviews were answered, themes only when the reviews have text; none
    when no review counts."""
    if views.star_counts(view).sum() == 0:
        return ()
    keys = list(KEYS)
    if not replies.has_replies(view.reviews):
        keys.remove("replies")
    if not has_text(view):
        keys.remove("themes")
    return tuple(keys)


def _counted(view: View) -> pd.DataFrame:
    return scoring.model.counted_reviews(view.reviews)


def sources(view: View) -> str:
    """The sources/assumptions note of every slide: dataset, dates, model, half-life,
    prior and filters."""
    counted = _counted(view)
    first, last = views.window(view.reviews, view.start, view.end)
    if counted.empty:
        dates = "no counted reviews"
    else:
        dates = f"reviews {first:%d %b %Y} to {last:%d %b %Y}"
    parts = [f"Dataset: {view.dataset.name}", dates, view.model.describe()]
    for column, values in view.filters.items():
        parts.append(f"{column}: {', '.join(values)}")
    return "Sources: " + "; ".join(parts) + "."


def _thin_freq(view: View) -> tuple[pd.DataFrame, str]:
    """The view's score series at the finest period that keeps :data:`MAX_POINTS`."""
    first, last = views.window(view.reviews, view.start, view.end)
    freq = views.chart_freq(first, last, view.freq, max_points=MAX_POINTS)
    return views.trend(view.reviews, view.model, start=view.start, end=view.end, freq=freq)


def _values(series: pd.Series) -> tuple[float | None, ...]:
    return tuple(None if pd.isna(v) else float(v) for v in series.to_numpy(dtype=float))


def briefing_lines(view: View) -> tuple[str, ...]:
    """The Overview's briefing (:func:`ui.briefing.of_view`) as plain sentences, for the
    headline slide; waits for its slow figures (themes, the 80% goal seek), which are
    computed once per view and shared with the Overview."""
    return tuple(sentence.text() for sentence in brief.of_view(view).sentences)


def _headline(view: View, briefing: Sequence[str] | None) -> Slide:
    snap = scoring.snapshot(view.reviews, as_of=view.end, params=view.model.params)
    if briefing:
        lines = tuple(_plain(line) for line in briefing)
    else:
        lines = (
            f"{snap.label} at {fmt.score_text(snap.score)} ({fmt.stars_text(snap.stars)}), "
            f"{fmt.signed(snap.change_90d)} in 90 days, from "
            f"{fmt.count_text(snap.reviews)} reviews.",
            *(_plain(line) for line in headline.distance_lines(snap)),
        )
    return Slide(
        key="headline", title=view.dataset.business_name, lines=lines,
        figure=fmt.score_text(snap.score),
        figure_caption=f"TrustScore, {snap.label}, {fmt.stars_text(snap.stars)}",
        sources=sources(view),
        notes=(f"Unrounded score {snap.score:.3f} as of {snap.as_of:%d %b %Y}.",
               views.model_fidelity(view.model)),
    )


def _trend(view: View) -> Slide:
    series, freq = _thin_freq(view)
    period = charts.FREQ_NAMES[freq]
    score = series["score"]
    low, high = charts.score_y_range(score)
    valid = score.dropna()
    lines: tuple[str, ...] = ()
    if not valid.empty:
        lines = (
            f"From {valid.iloc[0]:.2f} on {valid.index[0]:%d %b %Y} to {valid.iloc[-1]:.2f} "
            f"on {valid.index[-1]:%d %b %Y}; lowest {valid.min():.2f}, highest "
            f"{valid.max():.2f}.",
        )
    chart = SlideChart(
        kind="line", categories=tuple(series.index), x_title=f"Date (end of each {period})",
        y_title=SCORE_AXIS, y_range=(low, high),
        series=(ChartSeries(views.score_name(view.model), _values(score)),),
    )
    return Slide(key="trend", title=TITLES["trend"], lines=lines, chart=chart,
                 sources=sources(view),
                 notes=(f"{views.score_name(view.model)} at the end of each {period}.",))


def why_split(view: View, days: int = WHY_DAYS) -> Attribution:
    """The exact split of the score's change over the last ``days`` days (to the end of
    the window, else the newest counted review), as "Why did it move?" opens."""
    counted = _counted(view)
    last = view.end if view.end is not None else counted["created_at"].max()
    return explain_change(counted, start=last - pd.Timedelta(days=days), end=last,
                          params=view.model.params)


def _why(view: View) -> Slide:
    result = why_split(view)
    names = [f"New {star}★ reviews" for star in (1, 2, 3, 4, 5)]
    values = [result.by_stars.get(star, 0.0) for star in (1, 2, 3, 4, 5)]
    if not view.model.is_trustpilot:
        names.append("Older reviews ageing")
        values.append(result.ageing)
    parts = dict(zip(names, values, strict=True))
    largest = max(parts, key=lambda name: abs(parts[name]))
    new_count = sum(result.new_reviews.values())
    lines = [
        f"From {result.start:%d %b %Y} to {result.end:%d %b %Y} the score went from "
        f"{result.start_score:.3f} to {result.end_score:.3f} ({fmt.signed(result.change, 3)}), "
        f"with {new_count:,} new review{'' if new_count == 1 else 's'}.",
    ]
    if abs(parts[largest]) > 0:
        lines.append(f"The largest part: {largest.lower()}, {fmt.signed(parts[largest], 3)}.")
    lines.append("The parts add up exactly to the change.")
    chart = SlideChart(
        kind="bar", categories=tuple(names),
        series=(ChartSeries("Change in score", tuple(float(v) for v in values)),),
        x_title="Part of the change", y_title="Change in score (points)",
        number_format="+0.000;-0.000;0.000",
    )
    return Slide(key="why", title=TITLES["why"], lines=tuple(lines), chart=chart,
                 sources=sources(view) + f" Period: the last {WHY_DAYS} days.")


def _replies(view: View) -> Slide:
    at = reply_sections.as_of(view)
    profile = reply_sections.summary(view, at)
    recent = view.reviews[view.reviews["created_at"] > at - pd.Timedelta(days=365)]
    table = replies.reply_table(recent, by="stars", as_of=at)
    rates = table["reply_rate"] * 100
    chart = SlideChart(
        kind="bar", categories=tuple(f"{star}★" for star in table.index),
        series=(ChartSeries("Reviews answered (%)", _values(rates)),),
        x_title="Stars of the review", y_title="Reviews answered (%)", y_range=(0.0, 100.0),
        number_format="0",
    )
    return Slide(key="replies", title=TITLES["replies"],
                 lines=(reply_text.profile_sentence(profile),), chart=chart,
                 sources=sources(view)
                 + f" Replies as of {at:%d %b %Y}, reviews of the last 12 months.")


def _themes(view: View) -> Slide:
    found = text_data.themes(view, exclude=text_data.company_words(view))
    summary = found.summary(view.reviews).head(MAX_THEMES)
    names = tuple(str(name) for name in summary["theme"])
    lines = []
    if names:
        top = summary.iloc[0]
        lines.append(f"The largest theme, {names[0]}, is in {top['share']:.0%} of the "
                     f"reviews with text (mean {top['mean_stars']:.1f}★).")
        low = summary.sort_values("low_share", ascending=False).iloc[0]
        lines.append(f"Most 1-2★ reviews: {low['theme']} ({low['low_share']:.0%} of its "
                     "reviews).")
    chart = SlideChart(
        kind="bar", categories=names,
        series=(ChartSeries("Share of reviews (%)", _values(summary["share"] * 100)),
                ChartSeries("1-2★ share within the theme (%)",
                            _values(summary["low_share"] * 100))),
        x_title="Theme (its heaviest words)", y_title="Share of reviews (%)", number_format="0",
    ) if names else None
    return Slide(key="themes", title=TITLES["themes"], lines=tuple(lines), chart=chart,
                 sources=sources(view) + " Themes found in the reviews' words (NMF).")


def plan_of(defaults: Defaults, requests_per_month: float | None = None) -> Plan:
    """The Planner's default plan (the last 90 days continue, target the next label),
    with every request in one channel at ``requests_per_month`` when given."""
    plan = Plan.from_state(defaults.state())
    if requests_per_month is None:
        return plan
    return replace(plan, channels=(defaults.one_channel.with_requests(requests_per_month),))


def plan_outlook(view: View, requests_per_month: float | None = None
                 ) -> tuple[Plan, Defaults, Outlook]:
    """The plan slide's projection: the Planner's engine, cached like the page's."""
    engine = Engine.of(view)
    defaults = engine.defaults()
    plan = plan_of(defaults, requests_per_month)
    return plan, defaults, engine.outlook(plan, plan.simulated_days(defaults.as_of))


def default_requests(view: View) -> int:
    """The requests a month the plan starts from (the recent invited pace at the default
    response rate)."""
    return Engine.of(view).defaults().requests_per_month


def _plan(view: View, requests_per_month: float | None) -> Slide:
    plan, defaults, outlook = plan_outlook(view, requests_per_month)
    bands = outlook.bands
    step = max(1, math.ceil(len(bands) / PLAN_POINTS))
    rows = np.unique(np.r_[np.arange(0, len(bands), step), len(bands) - 1])
    picked = bands.iloc[rows]
    threshold = plan.threshold
    chart = SlideChart(
        kind="line", categories=tuple(picked.index),
        series=(
            ChartSeries("P90 (1 in 10 futures above)", _values(picked["p90"]), role="band"),
            ChartSeries("P50 (median)", _values(picked["p50"]), role="main"),
            ChartSeries("P10 (1 in 10 futures below)", _values(picked["p10"]), role="band"),
            ChartSeries(plan.target_legend, tuple(threshold for _ in rows), role="reference"),
        ),
        x_title="Date", y_title=SCORE_AXIS,
        y_range=charts.score_y_range(picked["p10"], picked["p90"], pd.Series([threshold])),
    )
    requests = plan.requests_per_month
    response = plan.channels[0].response_pct if plan.channels else 0.0
    end = picked.index[-1]
    lines = (
        f"With {requests:,.0f} review requests a month ({response:g}% respond) and "
        f"{plan.organic_per_month:,.0f} reviews a month unasked, the median path reaches "
        f"{picked['p50'].iloc[-1]:.2f} by {end:%d %b %Y}.",
        f"80% of 2,000 simulated futures end between {picked['p10'].iloc[-1]:.2f} and "
        f"{picked['p90'].iloc[-1]:.2f}.",
        f"Chance of {plan.target_name} by {plan.target_date:%d %b %Y}: "
        f"{outlook.probability:.0%}.",
    )
    note = (f" Plan: the last 90 days to {defaults.as_of:%d %b %Y} continue; invited "
            f"reviews {plan.invited_per_month:,.1f} a month "
            f"({requests / DAYS_PER_MONTH:,.1f} requests a day).")
    return Slide(key="plan", title=TITLES["plan"], lines=lines, chart=chart,
                 sources=sources(view) + note)


def _kpi(view: View) -> Slide:
    series, freq = _thin_freq(view)
    index = scoring.kpi_index(series["score"])
    snap = scoring.snapshot(view.reviews, as_of=view.end, params=view.model.params)
    bands = scoring.KpiBands()
    band = scoring.kpi_band(snap.kpi_index, bands)
    count = len(index)
    chart = SlideChart(
        kind="line", categories=tuple(index.index),
        series=(
            ChartSeries("Trust index", _values(index)),
            ChartSeries(f"Excellent above {bands.excellent_above:g}",
                        tuple(bands.excellent_above for _ in range(count)), role="reference"),
            ChartSeries(f"Good from {bands.good_from:g}",
                        tuple(bands.good_from for _ in range(count)), role="reference"),
        ),
        x_title=f"Date (end of each {charts.FREQ_NAMES[freq]})", y_title="Trust index (0-100)",
        y_range=(0.0, 100.0), number_format="0.0",
    )
    lines = (
        f"Trust index {snap.kpi_index:.1f} ({band}); "
        f"{scoring.kpi_points(snap.change_90d):+.1f} points in 90 days.",
        "Index = (TrustScore - 1) / 4 x 100: 1 star is 0, 5 stars is 100.",
    )
    return Slide(key="kpi", title=TITLES["kpi"], lines=lines, chart=chart,
                 figure=f"{snap.kpi_index:.0f}", figure_caption=f"Trust index, {band}",
                 sources=sources(view))


def slide(key: str, view: View, *, requests_per_month: float | None = None,
          briefing: Sequence[str] | None = None) -> Slide:
    """One slide of the view by key (see :data:`KEYS`)."""
    if key == "headline":
        return _headline(view, briefing)
    if key == "trend":
        return _trend(view)
    if key == "why":
        return _why(view)
    if key == "replies":
        return _replies(view)
    if key == "themes":
        return _themes(view)
    if key == "plan":
        return _plan(view, requests_per_month)
    if key == "kpi":
        return _kpi(view)
    raise ValueError(f"Unknown slide {key!r}; expected one of {', '.join(KEYS)}.")


def slides(view: View, *, requests_per_month: float | None = None,
           briefing: Sequence[str] | None = None) -> list[Slide]:
    """Every slide that applies to the view (:func:`available`), in order."""
    return [slide(key, view, requests_per_month=requests_per_month, briefing=briefing)
            for key in available(view)]
