"""The Overview's briefing: three to five plain sentences from the engine's figures
(:mod:`scoring.briefing`), each number in bold with its source in the sentence's tooltip,
and links to the pages the numbers come from (``st.page_link`` keeps the session).

The quick sentences (score, movement, replies) are drawn at once, from cached engine
calls keyed on the view's reviews key (:func:`ui.views.reviews_key`, :mod:`ui.cache`).
The slow ones (themes: the text analysis, seconds; the goal: an 80% goal seek over
thousands of simulated futures) never hold the page up: they are computed once per
view in a background worker (pure engine calls, no streamlit), and until they are ready
the block shows the quick sentences and checks back every :data:`POLL_SECONDS` in a
fragment, which reruns the page once they are. A rerun with the same view reads them
from the finished job.

:func:`of_view` gives the whole :class:`scoring.Briefing` without drawing (waiting for
the slow parts), for the presentation mode and the PowerPoint deck.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

import scoring
from scoring import briefing as engine
from scoring import replies
from scoring.projection import GoalSeek
from ui import cache, views
from ui.format import escape_markdown
from ui.replies import sections as reply_sections

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

    from ui.controls import View

CACHE_ENTRIES = 32
JOBS = 8
"""Finished background jobs kept (one per view: dataset, window end, filters, model)."""
POLL_SECONDS = 1.0
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


@dataclass(frozen=True)
class Slow:
    """The briefing's slow figures: the themes table (None: no words to read) and the
    goal seek with its target and today's requests a month (None: nothing above)."""

    themes: pd.DataFrame | None
    goal: tuple[GoalSeek, engine.Target, float] | None


def has_words(reviews: pd.DataFrame) -> bool:
    """Whether any review has a title or a text that is not blank."""
    from ui.why_story import has_review_text

    return has_review_text(reviews)


def themes_table(reviews: pd.DataFrame, start: pd.Timestamp | None,
                 exclude: tuple[str, ...]) -> pd.DataFrame | None:
    """The Themes page's table with its defaults (six themes, ``exclude`` left out), of
    the reviews from ``start`` (the sidebar's window); None without words or themes."""
    if not has_words(reviews):
        return None
    terms = scoring.text.term_matrix(reviews)
    if terms.terms.empty:
        return None
    from ui.themes.data import DEFAULT_THEMES

    found = scoring.text.find_themes(terms, reviews, n_themes=DEFAULT_THEMES, exclude=exclude)
    if not found.names:
        return None
    if start is not None:  # the sidebar's window, as the Themes page shows it
        keep = found.index.isin(reviews.index[reviews["created_at"] >= start])
        found = replace(found, theme=found.theme[keep], strength=found.strength[keep],
                        index=found.index[keep])
    return found.summary(reviews)


def goal_of(reviews: pd.DataFrame, snap: scoring.Snapshot, params: scoring.ScoreParams
            ) -> tuple[GoalSeek, engine.Target, float] | None:
    """The goal seek of the next half star or label by the default date at today's pace
    (:data:`scoring.briefing.GOAL_PROBABILITY` of the simulated futures, spread as the
    Planner fits them), its target and today's requests a month; None when nothing is
    above the score or the engine refuses the inputs."""
    target = engine.next_target(snap.score)
    if target is None:
        return None
    rates = scoring.recent_rates(reviews, as_of=snap.as_of)
    uncertainty = scoring.fit_uncertainty(reviews, as_of=snap.as_of)
    inputs = engine.goal_inputs(rates, params, uncertainty=uncertainty)
    try:
        found = engine.seek_goal(reviews, inputs, target, engine.default_goal_date(snap.as_of),
                                 as_of=snap.as_of)
    except scoring.ParameterError:  # inputs the Planner would refuse: no goal sentence
        return None
    return found, target, engine.requests_today(rates)


def _slow(reviews: pd.DataFrame, snap: scoring.Snapshot, params: scoring.ScoreParams,
          start: pd.Timestamp | None, exclude: tuple[str, ...]) -> Slow:
    return Slow(themes_table(reviews, start, exclude), goal_of(reviews, snap, params))


_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trustlens-briefing")
_JOBS: OrderedDict[tuple, Future[Slow]] = OrderedDict()
_LOCK = threading.Lock()


def _job(view: View, snap: scoring.Snapshot) -> Future[Slow]:
    """The background job of the view's slow figures: started once, then shared (keyed on
    the view's reviews key, window start, model and as-of instant; the review table is
    never hashed)."""
    from ui.themes.data import company_words

    exclude = tuple(sorted(set(company_words(view))))
    key = (views.reviews_key(view), view.start, view.model, snap.as_of, exclude)
    with _LOCK:
        job = _JOBS.get(key)
        if job is None:
            job = _POOL.submit(_slow, view.reviews, snap, view.model.params, view.start,
                               exclude)
            _JOBS[key] = job
            finished = [k for k, j in _JOBS.items() if j.done()]
            for old in finished[: max(0, len(_JOBS) - JOBS)]:
                del _JOBS[old]
        else:
            _JOBS.move_to_end(key)
    return job


def wait_for_jobs(timeout: float | None = None) -> None:
    """Wait until every background job has finished (for tests and benchmarks)."""
    with _LOCK:
        jobs = list(_JOBS.values())
    for job in jobs:
        job.exception(timeout=timeout)


def _result(job: Future[Slow]) -> Slow:
    """The job's figures; a job that failed gives none (the quick sentences stand)."""
    try:
        return job.result()
    except Exception:  # a failed extra must not take the Overview down
        return Slow(None, None)


@dataclass(frozen=True)
class Pending:
    """What :func:`draw` left to fill: the place, the view and its snapshot."""

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


def _briefing(view: View, snap: scoring.Snapshot, slow: Slow | None) -> scoring.Briefing:
    split, profile = _quick_inputs(view, snap)
    goal = slow.goal if slow is not None else None
    return engine.build_briefing(
        view.reviews, params=view.model.params, snap=snap, split=split, replies=profile,
        themes=slow.themes if slow is not None else None,
        goal=(goal[0], goal[1]) if goal else None, requests_now=goal[2] if goal else None,
    )


def fast(view: View, snap: scoring.Snapshot | None = None) -> scoring.Briefing:
    """The briefing's quick sentences: the score, the 90-day movement and the replies."""
    snap = snap if snap is not None else _snapshot(view)
    return _briefing(view, snap, None)


def of_view(view: View, snap: scoring.Snapshot | None = None) -> scoring.Briefing:
    """The whole briefing of the view, every sentence (no drawing; waits for the slow
    figures, computed once per view and shared with the Overview)."""
    snap = snap if snap is not None else _snapshot(view)
    return _briefing(view, snap, _result(_job(view, snap)))


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
        st.caption("What people wrote about and what the next step takes follow in a moment "
                   "(the reviews' words are read and futures simulated once per view).")
    linked = [page for page in found.pages if page in PAGES]
    if linked:
        columns = st.columns(len(linked))
        for column, page in zip(columns, linked, strict=True):
            path, label, icon = PAGES[page]
            column.page_link(path, label=label, icon=icon,
                             help=f"Open {label}: where some of the briefing's figures "
                             "come from.")


def draw(view: View, snap: scoring.Snapshot) -> Pending:
    """The briefing block with its quick sentences; :func:`finish` completes it. The slow
    figures start computing in the background here."""
    _job(view, snap)
    with st.container(border=True, key="briefing"):
        st.markdown("**In brief**")
        slot = st.empty()
        with slot.container():
            _render(fast(view, snap), pending=True)
    return Pending(slot, view, snap)


@st.fragment(run_every=POLL_SECONDS)
def _wait(pending: Pending) -> None:
    """Checks back until the slow figures are ready, then reruns the page once."""
    if _job(pending.view, pending.snap).done():
        st.rerun(scope="app")


def finish(pending: Pending) -> None:
    """Complete the briefing (call at the end of the page's script): the whole briefing
    when the slow figures are ready, else a check back until they are."""
    job = _job(pending.view, pending.snap)
    if job.done():
        with pending.slot.container():
            _render(_briefing(pending.view, pending.snap, _result(job)), pending=False)
        return
    _wait(pending)
