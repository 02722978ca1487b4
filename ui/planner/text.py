"""The planner's sentences: dates and numbers as read, and the engine's reasons in
words (no streamlit, unit tested).

The engine (:mod:`scoring.projection`) answers with reason codes and numbers
(:class:`scoring.Reachability`, :class:`scoring.GoalSeek`); this module words them.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

import scoring
from ui.planner.plan import Plan


def number_text(x: float, other: float | None = None) -> str:
    """``x`` with 2 decimals, or more (up to 4) when needed to tell it from ``other``."""
    for places in (2, 3, 4):
        text = f"{x:.{places}f}"
        if other is None or x == other or text != f"{other:.{places}f}":
            return text
    return f"{x:.4f}"


def day_text(day: dt.date | pd.Timestamp) -> str:
    """A date as a manager reads it: "30 Apr 2027"."""
    return f"{day.day} {day:%b %Y}"


def target_name(target: float | str, kind: str) -> str:
    """How a sentence names a target: "'Excellent'", "'4.5 stars'", or "" for a score."""
    if kind == "label":
        return f"'{str(target).strip().capitalize()}'"
    if kind == "stars":
        return f"'{float(target):g} stars'"
    return ""


def _needs(name: str, threshold: float, versus: float) -> str:
    return f"{name or 'the target'} needs {number_text(threshold, versus)}"


def reachability_sentence(reach: scoring.Reachability, name: str = "") -> str:
    """Whether requests can reach the target in the long run, in one sentence;
    ``name`` as :func:`target_name` gives it."""
    t, base, mu_inv = reach.threshold, reach.without_requests, reach.invited_mean_stars
    if reach.reason == "met_without_requests":
        return (f"Reachable without requests: the score settles at {number_text(base, t)} in "
                f"the long run, at or above {number_text(t, base)}.")
    if reach.reason == "reachable":
        return (f"Reachable: with enough requests, invited reviews averaging "
                f"{number_text(mu_inv)} stars lift the score above {number_text(t, mu_inv)}; "
                f"without requests it settles at {number_text(base, t)}.")
    if reach.reason == "no_responses":
        return (f"At a 0% response rate requests bring no reviews: the score settles at "
                f"{number_text(base, t)} in the long run; {_needs(name, t, base)}.")
    if reach.reason == "invited_too_low":
        return (f"At any number of requests, invited reviews averaging "
                f"{number_text(mu_inv, t)} stars cannot lift the score above "
                f"{number_text(mu_inv, t)}; {_needs(name, t, mu_inv)}.")
    return (f"Invited reviews averaging {number_text(mu_inv, t)} stars pull the score down: "
            f"without requests it settles at {number_text(base, t)} in the long run, and more "
            f"requests move it towards {number_text(mu_inv, t)}; {_needs(name, t, base)}.")


def _volume_text(goal: scoring.GoalSeek, x: float) -> str:
    return (f"{x:,.2f} requests a day ({x * goal.response_rate:,.2f} invited reviews a day "
            f"with a response rate of {goal.response_rate:.0%})")


def goal_sentence(goal: scoring.GoalSeek, name: str = "") -> str:
    """What the goal seek found, in one or two sentences (volumes a day); ``name`` as
    :func:`target_name` gives it."""
    t, date = goal.threshold, day_text(goal.by)
    base, mu_inv, chance = goal.base_score, goal.invited_mean_stars, goal.probability
    target = f"{name} ({number_text(t)})" if name else f"the target of {number_text(t)}"
    paths = f"{goal.paths:,} simulated paths"
    if goal.reason == "already_met":
        if chance is not None:
            return (f"No requests needed: without them {goal.share_without_requests:.1%} of "
                    f"{paths} are at or above {number_text(t)} on {date}.")
        return (f"No requests needed: without them the expected score on {date} is "
                f"{number_text(base, t)}, already enough for {target}.")
    if goal.reason == "found" and goal.requests_per_day is not None:
        x, expected = goal.requests_per_day, goal.expected_score or 0.0
        if chance is None:
            return (f"{_volume_text(goal, x)} lift the expected score to "
                    f"{number_text(expected)} by {date}, enough for {target}.")
        return (f"With {_volume_text(goal, x)}, {goal.achieved_probability:.1%} of {paths} are "
                f"at or above {number_text(t)} on {date} ({chance:.0%} asked for), enough for "
                f"{target}; the expected score is then {number_text(expected)}.")
    if goal.reason == "above_limit":
        limit = goal.max_requests_per_day
        if chance is None:
            return (f"It would take about {goal.requests_beyond_limit or 0:,.0f} requests a day, "
                    f"more than the limit of {limit:,.0f}, to lift the expected score to "
                    f"{number_text(t)} by {date}.")
        return (f"Even at {limit:,.0f} requests a day only {goal.achieved_probability:.1%} of "
                f"{paths} are at or above {number_text(t)} on {date}; {chance:.0%} was asked "
                "for.")
    if goal.reason == "touches_only":
        return (f"The expected score on {date} only touches {number_text(t)} at one volume; "
                f"{_needs(name, t, goal.ceiling)}.")
    why = {
        "no_responses": (f"With a response rate of {goal.response_rate:.0%} requests bring no "
                         f"reviews, and the expected score on {date} is {number_text(base, t)}"),
        "peaks_below": (f"At any number of requests the expected score on {date} peaks at "
                        f"{number_text(goal.ceiling, t)} (invited reviews averaging "
                        f"{number_text(mu_inv)} stars outweigh the prior as they pile up)"),
        "invited_too_low": (f"At any number of requests, invited reviews averaging "
                            f"{number_text(mu_inv, t)} stars cannot lift the score above "
                            f"{number_text(mu_inv, t)}"),
    }.get(goal.reason, (
        f"Invited reviews averaging {number_text(mu_inv, t)} stars pull the score down: "
        f"without requests it is expected at {number_text(base, t)} on {date}, and more "
        f"requests move it towards {number_text(mu_inv, t)}"
    ))
    sentence = f"{why}; {_needs(name, t, mu_inv)}."
    if chance is not None:
        sentence += (f" Without requests {goal.share_without_requests:.1%} of {paths} are at "
                     f"or above it on {date}; {chance:.0%} was asked for.")
    return sentence


def monthly_goal_sentence(goal: scoring.GoalSeek, needed: int | None, plan: Plan) -> str:
    """The goal seek's answer at ``needed`` requests a month (the volume rounded up, as
    :func:`ui.planner.plan.requests_a_month` gives it) at the solved channel's response
    rate (the goal's), under ``plan``'s target; :func:`goal_sentence`'s words (a day)
    when there is no such volume."""
    if needed is None or goal.already_met or goal.expected_score is None:
        return goal_sentence(goal, target_name(plan.target, plan.target_kind))
    date = day_text(plan.target_date)
    if goal.probability is None:
        invited = needed * goal.response_rate
        return (f"{needed:,} requests ({invited:,.0f} invited reviews) a month lift the expected "
                f"score to {goal.expected_score:.2f} by {date}.")
    return (f"At {needed:,} a month, {goal.achieved_probability:.1%} of {goal.paths:,} "
            f"simulations are at or above {plan.threshold:.2f} on {date} (expected score "
            f"{goal.expected_score:.2f}).")


def uncertainty_sentence(uncertainty: scoring.Uncertainty) -> str:
    """How the simulated futures vary beyond Poisson arrivals, in words."""
    parts = []
    if uncertainty.overdispersion > 0:
        parts.append("from day to day (busy and quiet days)")
    if uncertainty.volume_strength is not None:
        spread = 1 / math.sqrt(uncertainty.volume_strength)
        parts.append(f"in their volume level (about ±{spread:.0%} between futures)")
    if uncertainty.mix_strength is not None:
        parts.append("in their star mix (drawn around the mix set, as loosely as "
                     f"{uncertainty.mix_strength:,.0f} reviews would pin it down)")
    if uncertainty.drifts:
        parts.append(f"drifting further every {uncertainty.drift_days} days, as the history's "
                     "own windows drifted")
    if uncertainty.unseen_rate > 0:
        parts.append("with the odd review even where the last 90 days brought none (a quiet "
                     "spell does not prove none will come)")
    if not parts:
        return "Futures differ only by chance arrivals (Poisson) at the volumes and mixes set."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"Futures vary as this data's history did: {listed}, on top of chance arrivals "
            "(Poisson).")
