"""The planner's sentences for the engine's reasons (ui/planner/text.py)."""

from __future__ import annotations

import pandas as pd
import pytest

import scoring
from scoring.display import target_threshold
from tests.unit.test_projection import (
    INVITED_MIX,
    ORGANIC_MIX,
    REVIEWS,
    SCENARIO,
    T,
    reachability,
    requests_needed,
)
from ui.planner.channels import ChannelPlan
from ui.planner.plan import Plan, requests_a_month
from ui.planner.text import (
    day_text,
    goal_sentence,
    monthly_goal_sentence,
    number_text,
    reachability_sentence,
    target_name,
)

GOAL = {k: v for k, v in SCENARIO.items() if k != "requests_per_day"}


def test_numbers_get_the_decimals_that_tell_them_apart() -> None:
    assert number_text(4.2) == "4.20"
    assert number_text(4.249, 4.25) == "4.249"
    assert number_text(4.25, 4.25) == "4.25"
    assert day_text(pd.Timestamp("2027-04-30")) == "30 Apr 2027"
    assert target_name("excellent", "label") == "'Excellent'"
    assert target_name(4.5, "stars") == "'4.5 stars'"
    assert target_name(4.2, "score") == ""


def test_unreachable_in_the_long_run_and_by_a_date() -> None:
    mix = (0.05, 0.04, 0.08, 0.31, 0.52)  # mean 4.21
    threshold = target_threshold("Excellent", kind="label")
    reach = reachability(threshold, invited_mix=mix, organic_per_day=2.0,
                         organic_mix=ORGANIC_MIX)
    expected = ("At any number of requests, invited reviews averaging 4.21 stars cannot lift "
                "the score above 4.21; 'Excellent' needs 4.25.")
    assert reachability_sentence(reach, "'Excellent'") == expected
    goal = requests_needed(REVIEWS, target="Excellent", target_kind="label",
                           by=T + pd.Timedelta(days=365), response_rate=0.3, invited_mix=mix,
                           organic_per_day=2.0, organic_mix=ORGANIC_MIX, as_of=T)
    assert goal_sentence(goal, "'Excellent'") == expected
    fine = reachability(threshold, invited_mix=INVITED_MIX, organic_per_day=2.0,
                        organic_mix=ORGANIC_MIX)
    assert reachability_sentence(fine).startswith("Reachable: with enough requests")


def test_pull_down_found_limit_and_none() -> None:
    by = T + pd.Timedelta(days=120)
    low = {**GOAL, "response_rate": 0.5, "invited_mix": (0.2, 0.1, 0.2, 0.3, 0.2),
           "organic_mix": INVITED_MIX}
    down = requests_needed(REVIEWS, target=4.3, by=by, as_of=T, **low)
    text = goal_sentence(down)
    assert "pull the score down" in text and "the target needs 4.30" in text
    found = requests_needed(REVIEWS, target=4.5, target_kind="stars",
                            by=T + pd.Timedelta(days=180), as_of=T, **GOAL)
    assert found.requests_per_day is not None
    assert goal_sentence(found, "'4.5 stars'") == (
        f"{found.requests_per_day:,.2f} requests a day "
        f"({found.requests_per_day * 0.25:,.2f} invited reviews a day with a response rate of "
        f"25%) lift the expected score to {found.expected_score:.2f} by 27 Dec 2025, enough "
        "for '4.5 stars' (4.25)."
    )
    capped = requests_needed(REVIEWS, target=4.25, by=T + pd.Timedelta(days=180), as_of=T,
                             max_requests_per_day=1.0, **GOAL)
    assert goal_sentence(capped).startswith("It would take about ")
    assert "more than the limit of 1" in goal_sentence(capped)
    none = requests_needed(REVIEWS, target=4.6, by=T + pd.Timedelta(days=30), as_of=T,
                           **{**GOAL, "response_rate": 0.0})
    assert "response rate of 0%" in goal_sentence(none)


@pytest.mark.parametrize("probability", [0.8])
def test_probability_sentences(probability: float) -> None:
    by = T + pd.Timedelta(days=120)
    common = dict(as_of=T, paths=500, seed=5, **GOAL)
    goal = requests_needed(REVIEWS, target=4.2, by=by, probability=probability, **common)
    assert f"({probability:.0%} asked for)" in goal_sentence(goal)
    capped = requests_needed(REVIEWS, target=4.2, by=by, probability=probability,
                             max_requests_per_day=0.5, **common)
    assert goal_sentence(capped).startswith("Even at 0 requests a day only")
    met = requests_needed(REVIEWS, target=3.0, by=T + pd.Timedelta(days=30), as_of=T,
                          probability=0.9, paths=200, **GOAL)
    assert goal_sentence(met).startswith("No requests needed: without them 100.0% of 200 ")


def test_goal_sentences_a_month() -> None:
    """The page words the goal seek in whole requests a month; without a volume it falls
    back on the engine's own words (a day)."""
    by = T + pd.Timedelta(days=180)
    # The plan's own channel answers at 40%; the sentence uses the solved channel's rate.
    plan = Plan(horizon_months=6,
                channels=(ChannelPlan("After purchase", 0.0, 40.0, (2, 2, 6, 20, 70)),),
                organic_per_month=45.0,
                organic_pct=(25, 10, 10, 20, 35), target_kind="stars", target_label="Great",
                target_stars=4.5, target_score=4.3, target_date=by.date())
    def sentence(**kw: object) -> tuple[str, scoring.GoalSeek, int | None]:
        goal = requests_needed(REVIEWS, target=4.5, target_kind="stars", by=by, as_of=T,
                               **{**GOAL, **kw})
        needed = requests_a_month(goal)
        return monthly_goal_sentence(goal, needed, plan), goal, needed

    said, found, needed = sentence()
    assert needed is not None and found.response_rate == 0.25
    assert said == (f"{needed:,} requests ({needed * 0.25:,.0f} invited reviews) a month lift "
                    f"the expected score to {found.expected_score:.2f} by 27 Dec 2025.")
    said, likely, needed = sentence(probability=0.8, paths=300, seed=5)
    assert needed is not None
    assert said == (f"At {needed:,} a month, {likely.achieved_probability:.1%} of 300 "
                    "simulations are at or above 4.25 on 27 Dec 2025 (expected score "
                    f"{likely.expected_score:.2f}).")
    said, none, needed = sentence(response_rate=0.0)
    assert needed is None and said == goal_sentence(none, "'4.5 stars'")


def test_uncertainty_sentence_names_what_varies() -> None:
    from ui.planner.text import uncertainty_sentence

    plain = uncertainty_sentence(scoring.Uncertainty())
    assert plain == ("Futures differ only by chance arrivals (Poisson) at the volumes and "
                     "mixes set.")
    full = uncertainty_sentence(scoring.Uncertainty(overdispersion=0.3, mix_strength=30,
                                                    volume_strength=25))
    assert full == (
        "Futures vary as this data's history did: from day to day (busy and quiet days), in "
        "their volume level (about ±20% between futures) and in their star mix (drawn "
        "around the mix set, as loosely as 30 reviews would pin it down), on top of chance "
        "arrivals (Poisson).")
    mix_only = uncertainty_sentence(scoring.Uncertainty(mix_strength=12))
    assert "as this data's history did: in their star mix" in mix_only
    moving = uncertainty_sentence(scoring.Uncertainty(mix_strength=12, mix_drift_strength=40,
                                                      drift_days=90, unseen_rate=0.005))
    assert "drifting further every 90 days" in moving
    assert "even where the last 90 days brought none" in moving
