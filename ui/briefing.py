"""The Overview's briefing: three to five plain sentences from the engine's figures
(:mod:`scoring.briefing`), each number in bold with its source in the sentence's tooltip,
and links to the pages the numbers come from (``st.page_link`` keeps the session).

The fast sentences (score, movement, replies) are drawn at once; the slow ones (themes:
the text analysis; the goal: a goal seek over thousands of simulated futures) are filled
into the same place at the end of the page's script (:func:`finish`), so they never
delay the first screen. Every engine call is cached on the view's reviews key
(:func:`ui.views.reviews_key`) and its plain arguments (:mod:`ui.cache`).

:func:`of_view` gives the same :class:`scoring.Briefing` without drawing, for the
presentation mode and the PowerPoint deck.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

import scoring
from scoring import briefing as engine
from scoring import replies
from scoring.projection import GoalSeek, ProjectionInputs
from ui import cache, views
from ui.format import escape_markdown
from ui.replies import sections as reply_sections

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

    from ui.controls import View

CACHE_ENTRIES = 32
PAGES: dict[str, tuple[str, str, str]] = {
    "why": ("app_pages/why.py", "Why did it move?", ":material/waterfall_chart:"),
    "themes": ("app_pages/themes.py", "Themes", ":material/topic:"),
    "replies": ("app_pages/replies.py", "Replies", ":material/forum:"),
    "planner": ("app_pages/planner.py", "Planner", ":material/insights:"),
    "trends": ("app_pages/trends.py", "Trends", ":material/show_chart:"),
}
"""The pages a figure can link to: script path, link label, icon (the Overview's own
figures carry a tooltip only)."""


@cache.by_key(max_entries=CACHE_ENTRIES)
def _split(reviews: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
           params: scoring.ScoreParams) -> scoring.Attribution:
    return scoring.explain_change(reviews, start=start, end=end, params=params)


@cache.by_key(max_entries=CACHE_ENTRIES)
def _goal(reviews: pd.DataFrame, as_of: pd.Timestamp, inputs: ProjectionInputs,
          target: engine.Target, by: pd.Timestamp) -> GoalSeek:
    return engine.seek_goal(reviews, inputs, target, by, as_of=as_of)


@cache.by_key(max_entries=CACHE_ENTRIES)
def _themes_summary(data: tuple[pd.DataFrame, scoring.text.Themes],
                    start: pd.Timestamp | None) -> pd.DataFrame:
    reviews, found = data
    if start is not None:  # the sidebar's window, as the Themes page shows it
        keep = found.index.isin(reviews.index[reviews["created_at"] >= start])
        found = scoring.text.Themes(found.names, found.terms, found.theme[keep],
                                    found.strength[keep], found.index[keep])
    return found.summary(reviews)


@cache.by_key(max_entries=CACHE_ENTRIES)
def _rates(reviews: pd.DataFrame, as_of: pd.Timestamp) -> scoring.RecentRates:
    return scoring.recent_rates(reviews, as_of=as_of)


@cache.by_key(max_entries=CACHE_ENTRIES)
def _has_text(reviews: pd.DataFrame) -> bool:
    from ui import why_story

    return why_story.has_review_text(reviews)


@dataclass(frozen=True)
class Pending:
    """What :func:`draw` left to fill: the place and the view it is of."""

    slot: DeltaGenerator
    view: View
    snap: scoring.Snapshot


def _snapshot(view: View) -> scoring.Snapshot:
    return scoring.snapshot(view.reviews, as_of=view.end, params=view.model.params)


def _quick_inputs(view: View, snap: scoring.Snapshot
                 ) -> tuple[scoring.Attribution, replies.ReplySummary | None]:
    """The 90-day split of "Why did it move?" and the reply profile (None without
    replies), cached."""
    key = views.reviews_key(view)
    split = _split(key, view.reviews, snap.as_of - pd.Timedelta(days=engine.MOVEMENT_DAYS),
                   snap.as_of, view.model.params)
    profile = (reply_sections.summary(view, snap.as_of) if replies.has_replies(view.reviews)
               else None)
    return split, profile


def fast(view: View, snap: scoring.Snapshot | None = None) -> scoring.Briefing:
    """The briefing's quick sentences: the score, the 90-day movement and the replies."""
    snap = snap if snap is not None else _snapshot(view)
    split, profile = _quick_inputs(view, snap)
    return engine.build_briefing(view.reviews, params=view.model.params, snap=snap, split=split,
                           replies=profile)


def themes_summary(view: View) -> pd.DataFrame | None:
    """The Themes page's table of the view's themes (its defaults: six themes, the
    company's own name left out), or None when the reviews have no words to read."""
    # Imported here: the text analysis loads only when a page asks for it.
    from ui.themes import data as text_data

    if not _has_text(views.reviews_key(view), view.reviews):
        return None
    found = text_data.themes(view, exclude=text_data.company_words(view))
    if not found.names:
        return None
    return _themes_summary(views.reviews_key(view), (view.reviews, found), view.start)


def goal(view: View, snap: scoring.Snapshot) -> tuple[GoalSeek, engine.Target, float] | None:
    """The goal seek of the next half star or label by the default date at today's pace
    (:data:`scoring.briefing.GOAL_PROBABILITY` of the simulated futures), its target and
    today's requests a month; None when nothing is above the score."""
    from ui.planner.engine import Engine

    target = engine.next_target(snap.score)
    if target is None:
        return None
    rates = _rates(views.reviews_key(view), view.reviews, snap.as_of)
    uncertainty = Engine.of(view).uncertainty()  # the Planner's fit, cached
    inputs = engine.goal_inputs(rates, view.model.params, uncertainty=uncertainty)
    try:
        found = _goal(views.reviews_key(view), view.reviews, snap.as_of, inputs, target,
                      engine.default_goal_date(snap.as_of))
    except scoring.ParameterError:  # inputs the planner would refuse: no goal sentence
        return None
    return found, target, engine.requests_today(rates)


def of_view(view: View, snap: scoring.Snapshot | None = None) -> scoring.Briefing:
    """The whole briefing of the view, every sentence (no drawing; the slow figures are
    computed, or read from the cache, here)."""
    snap = snap if snap is not None else _snapshot(view)
    split, profile = _quick_inputs(view, snap)
    sought = goal(view, snap)
    return engine.build_briefing(
        view.reviews, params=view.model.params, snap=snap, split=split, replies=profile,
        themes=themes_summary(view), goal=(sought[0], sought[1]) if sought else None,
        requests_now=sought[2] if sought else None,
    )


def markdown(sentence: scoring.Sentence) -> str:
    """A sentence as markdown: plain text escaped, each figure in bold."""
    return "".join(
        f"**{escape_markdown(part.text)}**" if isinstance(part, scoring.Figure)
        else escape_markdown(part)
        for part in sentence.parts
    )


def tooltip(sentence: scoring.Sentence) -> str:
    """Where the sentence's numbers come from, one line each (markdown, escaped)."""
    return "  \n".join(
        f"**{escape_markdown(figure.text)}**: {escape_markdown(figure.tooltip)}"
        for figure in sentence.figures
    )


def _render(found: scoring.Briefing, *, pending: bool) -> None:
    for sentence in found.sentences:
        st.markdown(markdown(sentence), help=tooltip(sentence))
    if pending:
        st.caption("Themes and what it takes to reach the next step are on their way...")
    linked = [page for page in found.pages if page in PAGES]
    if linked:
        columns = st.columns(len(linked))
        for column, page in zip(columns, linked, strict=True):
            path, label, icon = PAGES[page]
            column.page_link(path, label=label, icon=icon,
                             help=f"Open {label}: where some of the briefing's figures come from.")


def draw(view: View, snap: scoring.Snapshot) -> Pending:
    """The briefing block: its quick sentences now; :func:`finish` fills in the rest."""
    box = st.container(border=True, key="briefing")
    with box:
        st.markdown("**In brief**")
        slot = st.empty()
        with slot.container():
            _render(fast(view, snap), pending=True)
    return Pending(slot, view, snap)


def finish(pending: Pending) -> None:
    """Fill the briefing's slow sentences in (call at the end of the page's script)."""
    found = of_view(pending.view, pending.snap)
    with pending.slot.container():
        _render(found, pending=False)
