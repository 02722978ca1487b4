"""The briefing: three to five plain sentences on the score, written from the engine's
figures (no text generation service).

One sentence each, in this order, when its figures exist:

1. **score** (:func:`score_sentence`): the score as shown, its label and stars, from
   :func:`scoring.snapshot`;
2. **movement** (:func:`movement_sentence`): the change over the last 90 days and its
   largest part, from the exact split of "Why did it move?"
   (:func:`scoring.explain_change`: ``start_score + ageing + sum_k effect_k == end_score``);
   the largest part is the one with the largest ``|effect|`` among the five star groups
   and ageing;
3. **themes** (:func:`themes_sentence`): what people wrote about, from the themes table
   (``scoring.text.Themes.summary``): the three largest themes by share of the reviews
   with words, and the lowest-rated one when it averages below 3 stars;
4. **replies** (:func:`replies_sentence`): the profile figures of
   :func:`scoring.replies.reply_summary` (share of the last 12 months' negative reviews
   answered, typical reply time, how many wait);
5. **goal** (:func:`goal_sentence`): what it takes to reach the next half star or label
   (:func:`next_target`) by a date (:func:`default_goal_date`) in
   :data:`GOAL_PROBABILITY` of the simulated futures at today's pace
   (:func:`goal_inputs`, :func:`scoring.requests_needed`), or that it is out of reach.

Each :class:`Sentence` is a tuple of parts: plain text and :class:`Figure` parts (a
number's text, the page it comes from and a tooltip saying how it is computed), so an
interface can link or annotate every number and a notebook can print
:meth:`Briefing.text`. Text from data (theme names) stays in the parts as it is: the
interface decides how to show it as plain text.

Pure: no streamlit; numbers are formatted here, simply, as the app shows them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from scoring.attribution import Attribution, explain_change
from scoring.display import (
    DEFAULT_LABEL_BANDS,
    LabelBands,
    display_score,
    gaps,
    label_threshold,
    star_threshold,
)
from scoring.errors import ParameterError
from scoring.model import ScoreParams
from scoring.periods import DAYS_PER_MONTH
from scoring.projection import (
    GoalSeek,
    ProjectionInputs,
    RecentRates,
    Uncertainty,
    recent_rates,
    requests_needed,
)
from scoring.replies import ReplySummary, has_replies, reply_summary
from scoring.snapshot import Snapshot, snapshot

Page = Literal["overview", "trends", "why", "themes", "replies", "planner"]
"""The pages a figure comes from (the interface maps them to its pages)."""

MOVEMENT_DAYS = 90
"""The window of the movement sentence: the last 90 days, as "Why did it move?" opens."""
GOAL_PROBABILITY = 0.8
"""The goal sentence's chance: this share of the simulated futures reach the target."""
GOAL_MONTHS = 9
"""The default goal date: the end of the month this many months after the data ends
(the Planner's default target date is this many months ahead)."""
DEFAULT_RESPONSE_RATE = 0.20
"""Today's response rate as the Planner assumes it: the data holds invited reviews, not
requests, so requests are the invited reviews of the last 90 days divided by this."""
GOAL_PATHS = 2000
GOAL_SEED = 20240601
"""Simulated futures and seed of the goal seek (the Planner's)."""
THEMES_NAMED = 3
LOW_THEME_STARS = 3.0
"""A theme averaging below this many stars is named as the lowest-rated."""
STAR_WORDS = {1: "one-star", 2: "two-star", 3: "three-star", 4: "four-star", 5: "five-star"}


@dataclass(frozen=True)
class Figure:
    """A number in a sentence: its ``text`` as shown, the ``page`` it comes from and a
    ``tooltip`` saying where and how it is computed."""

    text: str
    page: Page
    tooltip: str


Part = str | Figure


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``key`` names it ("score", "movement", "themes", "replies",
    "goal"); ``parts`` are plain text and :class:`Figure` parts, in reading order."""

    key: str
    parts: tuple[Part, ...]

    def text(self) -> str:
        """The sentence as a plain string."""
        return "".join(part.text if isinstance(part, Figure) else part for part in self.parts)

    @property
    def figures(self) -> tuple[Figure, ...]:
        """The sentence's figures, in reading order."""
        return tuple(part for part in self.parts if isinstance(part, Figure))


@dataclass(frozen=True)
class Briefing:
    """The briefing's sentences (3 to 5 when every input is given) in reading order."""

    sentences: tuple[Sentence, ...]

    def text(self) -> str:
        """The briefing as one plain paragraph."""
        return " ".join(sentence.text() for sentence in self.sentences)

    def sentence(self, key: str) -> Sentence | None:
        """The sentence named ``key`` (None when the briefing has none)."""
        return next((s for s in self.sentences if s.key == key), None)

    @property
    def pages(self) -> tuple[Page, ...]:
        """The pages its figures come from, in order of first appearance."""
        seen: dict[Page, None] = {}
        for sentence in self.sentences:
            for figure in sentence.figures:
                seen.setdefault(figure.page, None)
        return tuple(seen)


@dataclass(frozen=True)
class Target:
    """A goal: ``kind`` "stars" (``value`` a half star) or "label" (``value`` its name),
    ``threshold`` the lowest raw score that meets it, ``name`` how it reads ("5 stars",
    "Excellent")."""

    kind: Literal["stars", "label"]
    value: float | str
    threshold: float
    name: str


# --- formatting (as ui.format shows them; scoring cannot import ui) -------------------

def _score(x: float) -> str:
    return f"{display_score(x):.1f}"


def _stars(stars: float) -> str:
    return f"{stars:g} star" + ("" if stars == 1 else "s")


def _change(x: float, decimals: int = 2) -> str:
    if round(x, decimals) == 0:
        return f"±{0:.{decimals}f}"
    return f"{x:+.{decimals}f}"


def _count(n: float) -> str:
    return f"{round(n):,}"


def _counted(n: float, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 ("1 review", "14,891 reviews")."""
    return f"{_count(n)} {noun}" + ("" if round(n) == 1 else "s")


def _share(x: float) -> str:
    return f"{x:.0%}"


def _date(day: pd.Timestamp) -> str:
    return f"{day:%d %b %Y}"


def duration_text(hours: float) -> str:
    """A time to reply as people say it: '40 minutes', '6 hours', '1.5 days', '3 weeks'
    (as the Replies page writes it)."""
    if hours < 1:
        minutes = max(1, round(hours * 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if hours < 36:
        whole = round(hours)
        return f"{whole} hour{'s' if whole != 1 else ''}"
    days = hours / 24
    if days < 14:
        return f"{days:.1f} days"
    return f"{days / 7:.0f} weeks"


# --- the sentences -------------------------------------------------------------------

def score_sentence(snap: Snapshot) -> Sentence:
    """Where the score is: "The TrustScore is 4.3, Excellent, shown as 4.5 stars, from
    14,891 reviews." (``snap`` must have reviews)."""
    if not snap.has_reviews:
        raise ParameterError("The score sentence needs a snapshot with reviews.")
    at = f"as of {_date(snap.as_of)}"
    return Sentence("score", (
        "The TrustScore is ",
        Figure(_score(snap.score), "overview",
               f"The score as Trustpilot shows it (one decimal), {at}; unrounded "
               f"{snap.score:.3f}."),
        ", ",
        Figure(snap.label, "overview",
               "Trustpilot's label of the shown score: Excellent from 4.3, Great 3.8, "
               "Average 2.8, Poor 1.8."),
        ", shown as ",
        Figure(_stars(snap.stars), "overview",
               "The score to the nearest half star (halves up)."),
        ", from ",
        Figure(_counted(snap.reviews, "review"), "overview",
               f"Reviews that count towards the score, {at}."),
        ".",
    ))


def movement_sentence(split: Attribution) -> Sentence:
    """How the score moved over ``split``'s period and its largest part: "It rose 0.10
    in the last 90 days; the largest part was 1,421 new five-star reviews (+0.25)."

    The parts are ``split.by_stars`` (new reviews by stars) and ``split.ageing``; they
    add up to ``split.change`` exactly. The largest is the one with the largest
    absolute effect (a star group without new reviews has none). When it pulled the
    other way the sentence says "despite" it; when the change rounds to 0.00, that the
    others offset it."""
    days = round((split.end - split.start) / pd.Timedelta(days=1))
    period = f"in the last {days} days"
    where = (f"The split of the change from {_date(split.start)} to {_date(split.end)} on "
             "\"Why did it move?\": its parts add up exactly to the change.")
    change = split.change
    verb = "rose" if round(change, 2) > 0 else "fell" if round(change, 2) < 0 else "held"
    amount = Figure(f"{abs(change):.2f}" if verb != "held" else _change(change), "why",
                    f"The score on {_date(split.end)} ({split.end_score:.3f}) minus the score "
                    f"on {_date(split.start)} ({split.start_score:.3f}).")
    head: tuple[Part, ...] = (
        ("It held steady (", amount, f") {period}") if verb == "held"
        else (f"It {verb} ", amount, f" {period}")
    )
    parts: list[tuple[float, tuple[Part, ...]]] = [
        (effect, (Figure(_counted(split.new_reviews[k], f"new {STAR_WORDS[k]} review"), "why",
                         f"{STAR_WORDS[k].capitalize()} reviews written in the period."),
                  " (", Figure(_change(effect), "why", f"What they did to the score. {where}"),
                  ")"))
        for k, effect in split.by_stars.items() if split.new_reviews.get(k, 0) > 0
    ]
    if split.ageing != 0:
        parts.append((split.ageing, (
            "older reviews losing weight (",
            Figure(_change(split.ageing), "why", f"What ageing alone did. {where}"), ")",
        )))
    if not parts:
        return Sentence("movement", (*head, ": no new reviews arrived."))
    effect, largest = max(parts, key=lambda item: abs(item[0]))
    if verb == "held":
        return Sentence("movement", (*head, "; its largest part, ", *largest,
                                     ", was offset by the others."))
    if (effect > 0) != (change > 0):
        return Sentence("movement", (*head, " despite ", *largest, "."))
    return Sentence("movement", (*head, "; the largest part was ", *largest, "."))


def themes_sentence(summary: pd.DataFrame, *, named: int = THEMES_NAMED) -> Sentence | None:
    """What people wrote about, from a themes table (``Themes.summary``: ``theme``,
    ``reviews``, ``share``, ``mean_stars``, biggest first): "People wrote most about
    claim · paid · handled (23%), ... and ...; the lowest-rated, waiting · reach · hour,
    averages 2.1 stars." None without themes."""
    if summary is None or summary.empty:
        return None
    ordered = summary.sort_values("share", ascending=False, kind="stable")
    share_tip = "Share of the reviews with words that are mostly about this theme (Themes page)."
    parts: list[Part] = ["People wrote most about "]
    names = ordered["theme"].astype(str).tolist()
    shares = ordered["share"].to_numpy(dtype=float)
    stars = ordered["mean_stars"].to_numpy(dtype=float)
    counts = ordered["reviews"].to_numpy(dtype=float)
    shown = min(named, len(names))
    for i in range(shown):
        if i:
            parts.append(" and " if i == shown - 1 else ", ")
        parts += [names[i], " (", Figure(_share(float(shares[i])), "themes", share_tip), ")"]
    low = int(np.nanargmin(stars)) if np.isfinite(stars).any() else None
    if low is not None and stars[low] < LOW_THEME_STARS:
        parts += ["; the lowest-rated, ", names[low], ", averages ",
                  Figure(f"{stars[low]:.1f} stars", "themes",
                         f"The mean stars of the {_counted(counts[low], 'review')} "
                         "mostly about this theme (Themes page).")]
    parts.append(".")
    return Sentence("themes", tuple(parts))


def replies_sentence(profile: ReplySummary) -> Sentence | None:
    """The reply figures: "The team replied to 93% of the 699 negative reviews of the
    last 12 months, typically within 6 hours; 46 still wait." None when no negative
    review of the last 12 months has a known reply status."""
    if profile.negative_reply_rate is None:
        return None
    parts: list[Part] = [
        "The team replied to ",
        Figure(_share(profile.negative_reply_rate), "replies",
               "Share of the 1-2 star reviews of the last 12 months answered (Replies page; "
               "the figure Trustpilot shows on a profile)."),
        " of the ",
        Figure(_count(profile.negative_reviews), "replies",
               "1-2 star reviews of the last 12 months with a known reply status."),
        " negative reviews of the last 12 months",
    ]
    if profile.typical_reply_hours is not None:
        parts += [", typically within ",
                  Figure(duration_text(profile.typical_reply_hours), "replies",
                         "The median time to reply to them (Kaplan-Meier: reviews still "
                         "waiting count as waiting so far).")]
    parts += ["; ", Figure(_count(profile.waiting), "replies",
                           "Negative reviews of the last 12 months not answered yet (Replies "
                           "page: the backlog)."),
              " still wait" + ("s" if profile.waiting == 1 else "") + "."]
    return Sentence("replies", tuple(parts))


def next_target(score: float, bands: LabelBands = DEFAULT_LABEL_BANDS) -> Target | None:
    """The next half star or label above ``score``, whichever is nearer (a label on a tie:
    4.5 stars and Excellent both start at 4.25); None when nothing is above (5 stars).

    Half stars start at ``stars - 0.25`` and labels at ``bound - 0.05`` on the raw score
    (:func:`scoring.display.star_threshold`, :func:`scoring.display.label_threshold`)."""
    found = gaps(score, bands)
    options: list[Target] = []
    if found.next_label is not None:
        bound = dict(bands.thresholds())[found.next_label]
        options.append(Target("label", found.next_label, label_threshold(bound),
                              found.next_label))
    if found.next_stars is not None:
        options.append(Target("stars", found.next_stars, star_threshold(found.next_stars),
                              _stars(found.next_stars)))
    if not options:
        return None
    return min(options, key=lambda t: (round(t.threshold, 9), t.kind != "label"))


def default_goal_date(as_of: pd.Timestamp, months: int = GOAL_MONTHS) -> pd.Timestamp:
    """The end of the month ``months`` months after ``as_of`` (midnight UTC): 31 Oct 2026
    -> 31 Jul 2027."""
    day = pd.Timestamp(as_of)
    day = day.tz_convert("UTC") if day.tzinfo is not None else day.tz_localize("UTC")
    return (day.normalize() + pd.DateOffset(months=months)) + pd.offsets.MonthEnd(0)


def requests_today(rates: RecentRates, response_rate: float = DEFAULT_RESPONSE_RATE) -> float:
    """Requests a month at today's pace: ``invited_per_day * 365.25 / 12 / response_rate``
    (the Planner's default volume)."""
    return rates.invited_per_day * DAYS_PER_MONTH / response_rate


def goal_inputs(
    rates: RecentRates,
    params: ScoreParams,
    *,
    response_rate: float = DEFAULT_RESPONSE_RATE,
    uncertainty: Uncertainty | None = None,
) -> ProjectionInputs:
    """The goal seek's inputs at today's pace: one invited source at ``response_rate``
    with the last 90 days' invited star mix, organic reviews at their recent rate and
    mix (``rates``), the Planner's paths and seed. ``requests_per_day`` is 0: it is
    what the goal seek finds."""
    return ProjectionInputs(
        horizon_days=1, requests_per_day=0.0, response_rate=response_rate,
        invited_mix=rates.invited_mix, organic_per_day=rates.organic_per_day,
        organic_mix=rates.organic_mix, params=params, paths=GOAL_PATHS, seed=GOAL_SEED,
        uncertainty=uncertainty if uncertainty is not None else Uncertainty(),
    )


def seek_goal(
    reviews: pd.DataFrame,
    inputs: ProjectionInputs,
    target: Target,
    by: pd.Timestamp,
    *,
    as_of: object = None,
    probability: float | None = GOAL_PROBABILITY,
) -> GoalSeek:
    """:func:`scoring.requests_needed` for ``target`` by ``by`` (the goal sentence's call)."""
    return requests_needed(reviews, inputs, target=target.value, target_kind=target.kind,
                           by=by, probability=probability, as_of=as_of)


def goal_sentence(goal: GoalSeek, target: Target, *,
                  requests_now: float | None = None) -> Sentence:
    """What it takes to reach ``target`` by ``goal.by``: the requests a month found (with
    today's pace ``requests_now`` beside it), that no extra requests are needed, or that
    it is out of reach at this pace and why (:data:`scoring.projection.goal_seek.GoalReason`)."""
    by = _date(goal.by)
    chance = goal.probability
    chance_text = f"{chance:.0%}" if chance is not None else "even"
    odds = Figure(f"{chance_text} probability" if chance is not None else "in expectation",
                  "planner",
                  f"Share of {goal.paths:,} simulated futures at or above the target on the "
                  "date (Planner: goal seek)." if chance is not None
                  else "The expected score on the date (Planner: goal seek).")
    when = Figure(by, "planner", "The end of the month nine months after the data ends "
                  "(the Planner's default target date).")
    name = target.name
    if goal.reason == "already_met":
        return Sentence("goal", (
            f"{name} by ", when, " is likely without review requests (", odds,
            ", organic reviews alone).",
        ))
    if goal.reachable and goal.requests_per_day is not None:
        monthly = math.ceil(round(goal.requests_per_day * DAYS_PER_MONTH, 6))
        parts: list[Part] = [
            f"Reaching {name} by ", when, " with ", odds, " takes ",
            Figure(f"{_counted(monthly, 'review request')} a month", "planner",
                   f"The fewest requests a month (at a {goal.response_rate:.0%} response "
                   "rate and the last 90 days' star mix of invited reviews, organic reviews "
                   "at their recent pace) that reach the target (Planner: goal seek)."),
        ]
        if requests_now is not None:
            parts += [" (today: ", Figure(f"{round(requests_now):,}", "planner",
                                         "Requests a month that keep invited reviews at the "
                                         f"last 90 days' pace at a {goal.response_rate:.0%} "
                                         "response rate (the Planner's default)."), ")"]
        parts.append(".")
        return Sentence("goal", tuple(parts))
    why: tuple[Part, ...]
    mean = Figure(f"{goal.invited_mean_stars:.2f}", "planner",
                  "The mean stars of the invited reviews of the last 90 days.")
    if goal.reason in ("invited_too_low", "invited_pull_down"):
        why = ("new invited reviews average ", mean, " stars")
    elif goal.reason == "peaks_below":
        why = ("the expected score peaks at ",
               Figure(f"{goal.ceiling:.2f}", "planner",
                      "The highest expected score on the date any request volume reaches."))
    elif goal.reason == "above_limit":
        limit = round(goal.max_requests_per_day * DAYS_PER_MONTH)
        why = (f"it would take more than {limit:,} requests a month",)
    elif goal.reason == "no_responses":
        why = ("requests bring no reviews at a 0% response rate",)
    else:
        why = ("the expected score only touches it",)
    return Sentence("goal", (f"{name} by ", when, " with ", odds,
                             " is out of reach at this pace: ", *why, "."))


def build_briefing(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    params: ScoreParams | None = None,
    snap: Snapshot | None = None,
    split: Attribution | None = None,
    replies: ReplySummary | None = None,
    themes: pd.DataFrame | None = None,
    goal: tuple[GoalSeek, Target] | None = None,
    requests_now: float | None = None,
) -> Briefing:
    """The briefing of ``reviews`` at ``as_of`` (default: the newest review) under
    ``params``, from the figures already computed (computed here when missing, except the
    slow ones): ``snap`` (:func:`scoring.snapshot`), ``split`` (the last
    :data:`MOVEMENT_DAYS` days, :func:`scoring.explain_change`), ``replies``
    (:func:`scoring.replies.reply_summary`, when the data has replies), ``themes`` (a
    ``Themes.summary`` table; no themes sentence without it) and ``goal`` (a goal seek
    and its target, :func:`seek_goal`; no goal sentence without it).

    Raises :class:`~scoring.errors.ParameterError` when no review counts by ``as_of``."""
    params = params if params is not None else ScoreParams()
    snap = snap if snap is not None else snapshot(reviews, as_of=as_of, params=params)
    if not snap.has_reviews:
        raise ParameterError("No review counts by this date: there is nothing to brief.")
    if split is None:
        split = explain_change(reviews, start=snap.as_of - pd.Timedelta(days=MOVEMENT_DAYS),
                               end=snap.as_of, params=params)
    if replies is None and has_replies(reviews):
        replies = reply_summary(reviews, as_of=snap.as_of)
    found = [score_sentence(snap), movement_sentence(split),
             themes_sentence(themes) if themes is not None else None,
             replies_sentence(replies) if replies is not None else None,
             goal_sentence(goal[0], goal[1], requests_now=requests_now) if goal else None]
    return Briefing(tuple(s for s in found if s is not None))


def full_briefing(
    reviews: pd.DataFrame,
    *,
    as_of: object = None,
    params: ScoreParams | None = None,
    themes: pd.DataFrame | None = None,
    uncertainty: Uncertainty | None = None,
) -> Briefing:
    """The briefing with its goal sentence, everything computed here (for a notebook):
    the goal seek runs :data:`GOAL_PROBABILITY` simulations at several volumes (seconds)."""
    params = params if params is not None else ScoreParams()
    snap = snapshot(reviews, as_of=as_of, params=params)
    if not snap.has_reviews:
        raise ParameterError("No review counts by this date: there is nothing to brief.")
    target = next_target(snap.score)
    goal = None
    requests_now = None
    if target is not None:
        rates = recent_rates(reviews, as_of=snap.as_of)
        inputs = goal_inputs(rates, params, uncertainty=uncertainty)
        goal = (seek_goal(reviews, inputs, target, default_goal_date(snap.as_of),
                          as_of=snap.as_of), target)
        requests_now = requests_today(rates)
    return build_briefing(reviews, params=params, snap=snap, themes=themes, goal=goal,
                    requests_now=requests_now)
