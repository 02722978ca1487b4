"""The Overview's briefing: three to five plain sentences from the engine's figures
(:mod:`scoring.briefing`), each number in bold with its source in the sentence's tooltip,
and links to the pages the numbers come from (``st.page_link`` keeps the session).

The quick sentences (score, movement, replies) are drawn at once, from cached engine
calls keyed on the view's reviews key (:func:`ui.views.reviews_key`, :mod:`ui.cache`).
The slow ones (themes: the text analysis; the goal: an 80% goal seek over thousands of
simulated futures) never hold the page up: they start in a background worker (pure
engine calls, no streamlit) when the block is drawn, while the rest of the page draws,
and :func:`finish` at the end of the page's script fills them in, showing how long it
has waited. The themes are computed once per dataset, window and filters; the goal once
per dataset, filters, model parameters and as-of instant, and shared by every session.

The wait is in the script itself, not a fragment polling the server: a timer rerun
landing next to a click on another page can win over it (Streamlit keeps the newest
request's page), and the user would stay on the Overview. A click or a changed control
during the wait interrupts it like any rerun (the caption's updates are the script's
interruption points).

:func:`of_view` gives the whole :class:`scoring.Briefing` without drawing (waiting for
the slow parts), for the presentation mode and the PowerPoint deck.
"""

from __future__ import annotations

import logging
import threading
import time
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

LOG = logging.getLogger(__name__)
CACHE_ENTRIES = 32
JOBS = 16
"""Finished background jobs kept (themes, goal seeks; the newest first)."""
TICK_SECONDS = 0.25
"""How often :func:`finish` looks at the jobs and updates its caption while it waits."""
WAIT_SECONDS = 120.0
"""The longest :func:`finish` waits; after that the quick sentences stand for this run."""
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


_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trustlens-briefing")
_JOBS: OrderedDict[tuple, Future] = OrderedDict()
_LOCK = threading.Lock()


def _submit(key: tuple, function, *args) -> Future:
    """The background job under ``key``: started once, then shared; the oldest finished
    jobs beyond :data:`JOBS` are forgotten."""
    with _LOCK:
        job = _JOBS.get(key)
        if job is None:
            job = _POOL.submit(function, *args)
            _JOBS[key] = job
            finished = [k for k, j in _JOBS.items() if j.done()]
            for old in finished[: max(0, len(_JOBS) - JOBS)]:
                del _JOBS[old]
        else:
            _JOBS.move_to_end(key)
    return job


@dataclass(frozen=True)
class Jobs:
    """The view's two background jobs: the themes table and the goal seek."""

    themes: Future
    goal: Future

    def done(self) -> bool:
        return self.themes.done() and self.goal.done()


def _jobs(view: View, snap: scoring.Snapshot) -> Jobs:
    """The view's slow figures as background jobs, keyed on what each depends on (the
    view's reviews key, and the window start and words left out for the themes, the model
    parameters and as-of instant for the goal; the review table is never hashed)."""
    from ui.themes.data import company_words

    exclude = tuple(sorted(set(company_words(view))))
    key = views.reviews_key(view)
    params = view.model.params
    return Jobs(
        themes=_submit(("themes", key, view.start, exclude), themes_table, view.reviews,
                       view.start, exclude),
        goal=_submit(("goal", key, params, snap.as_of), goal_of, view.reviews, snap, params),
    )


def wait_for_jobs(timeout: float | None = None) -> None:
    """Wait until every background job has finished (for tests and benchmarks)."""
    with _LOCK:
        jobs = list(_JOBS.values())
    for job in jobs:
        job.exception(timeout=timeout)


def _value(job: Future) -> object:
    try:
        return job.result()
    except Exception:  # a failed extra must not take the Overview down
        LOG.exception("A slow part of the briefing failed; its sentence is left out.")
        return None


def _result(jobs: Jobs) -> Slow:
    """The jobs' figures (waiting for them); a job that failed gives none, and its
    sentence is left out (the quick sentences stand)."""
    return Slow(_value(jobs.themes), _value(jobs.goal))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Pending:
    """What :func:`draw` left to fill: the place of the sentences and of the waiting note,
    the view, its snapshot, and whether the briefing is already whole."""

    slot: DeltaGenerator
    note: DeltaGenerator
    view: View
    snap: scoring.Snapshot
    complete: bool


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
    return _briefing(view, snap, _result(_jobs(view, snap)))


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


PENDING = ("What people wrote about and what the next step takes follow in a moment "
           "(the reviews' words are read and futures simulated once per view)")


def _render(found: scoring.Briefing) -> None:
    for sentence in found.sentences:
        st.markdown(markdown(sentence), help=tooltip(sentence))
    linked = [page for page in found.pages if page in PAGES]
    if linked:
        columns = st.columns(len(linked))
        for column, page in zip(columns, linked, strict=True):
            path, label, icon = PAGES[page]
            column.page_link(path, label=label, icon=icon,
                             help=f"Open {label}: where some of the briefing's figures "
                             "come from.")


def draw(view: View, snap: scoring.Snapshot) -> Pending:
    """The briefing block with its quick sentences (the whole briefing when its slow
    figures are ready); :func:`finish` completes it. The slow figures start computing in
    the background here."""
    jobs = _jobs(view, snap)
    with st.container(border=True, key="briefing"):
        st.markdown("**In brief**")
        slot = st.empty()
        note = st.empty()
        done = jobs.done()
        with slot.container():
            _render(_briefing(view, snap, _result(jobs)) if done else fast(view, snap))
        if not done:
            note.caption(f"{PENDING}.")
    return Pending(slot, note, view, snap, complete=done)


def finish(pending: Pending) -> None:
    """Complete the briefing (call at the end of the page's script, once the rest of the
    page is drawn): wait for the slow figures, saying how long it has waited, then draw
    the whole briefing. After :data:`WAIT_SECONDS` the quick sentences stand."""
    if pending.complete:
        return
    jobs = _jobs(pending.view, pending.snap)
    started = time.monotonic()
    while not jobs.done() and time.monotonic() - started <= WAIT_SECONDS:
        pending.note.caption(f"{PENDING}: {time.monotonic() - started:.0f} s so far.")
        time.sleep(TICK_SECONDS)
    slow = Slow(_value(jobs.themes) if jobs.themes.done() else None,  # type: ignore[arg-type]
                _value(jobs.goal) if jobs.goal.done() else None)  # type: ignore[arg-type]
    with pending.slot.container():
        _render(_briefing(pending.view, pending.snap, slow))
    if jobs.done():
        pending.note.empty()
    else:
        pending.note.caption("What people wrote about and what the next step takes are "
                             "still being worked out; they appear on the next change.")
