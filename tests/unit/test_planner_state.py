"""The planner's pure state (ui/planner: keys, mix, channels, plan, defaults, scenario): no
streamlit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scoring
from scoring.periods import DAYS_PER_MONTH
from scoring.projection import RecentRates
from ui.planner import keys
from ui.planner.channels import (
    DEFAULT_CHANNEL,
    MAX_REQUESTS_PER_MONTH,
    ChannelPlan,
    decode_channels,
    editor_table,
    encode_channels,
    legacy_channel,
    read_table,
)
from ui.planner.defaults import (
    DEFAULT_HORIZON_MONTHS,
    DEFAULT_RESPONSE_RATE_PCT,
    MAX_HORIZON_MONTHS,
    Defaults,
    nice_ceiling,
)
from ui.planner.mix import normalise_mix, percent_mix
from ui.planner.plan import PATHS, SEED, Plan, requests_a_month
from ui.planner.scenario import scenario_state
from ui.settings import ModelSettings

ROOT = Path(__file__).resolve().parents[2]
AS_OF = pd.Timestamp("2026-10-31 15:00", tz="UTC")


def rates(*, invited_per_day: float = 18.0, organic_per_day: float = 4.0,
          as_of: pd.Timestamp | None = AS_OF) -> RecentRates:
    """Recent rates as ``scoring.recent_rates`` would give them (90-day window)."""
    return RecentRates(
        organic_per_day=organic_per_day, organic_mix=(0.2, 0.1, 0.1, 0.2, 0.4),
        invited_per_day=invited_per_day, invited_mix=(0.016, 0.017, 0.046, 0.137, 0.784),
        organic_reviews=round(90 * organic_per_day), invited_reviews=round(90 * invited_per_day),
        window_days=90.0, as_of=as_of, has_invited_column=True, organic_mix_source="window",
        invited_mix_source="window",
    )


@pytest.fixture
def defaults() -> Defaults:
    return Defaults.from_rates(rates(), current_score=4.2)


# --------------------------------------------------------------------------- keys


def test_url_names_never_change() -> None:
    """The keys are the URL's query-parameter names: shared links depend on them."""
    assert keys.INPUTS == (
        "plan_horizon", "plan_channels_from",
        "plan_organic", "plan_org_1", "plan_org_2", "plan_org_3", "plan_org_4", "plan_org_5",
        "plan_target_kind", "plan_target_label", "plan_target_stars", "plan_target_score",
        "plan_target_date",
    )
    assert (keys.SCENARIO_NAME, keys.SCENARIO_PICK, keys.COMPARE, keys.FLASH) == (
        "plan_scenario_name", "plan_scenario", "plan_compare", "plan_flash")
    assert keys.BIND == {"bind": "query-params", "persist_state": "session"}
    assert keys.CHANNELS == "plan_channels"
    # Older links' parameters, still read as one invited channel.
    assert keys.LEGACY == ("plan_requests", "plan_response", "plan_inv_1", "plan_inv_2",
                           "plan_inv_3", "plan_inv_4", "plan_inv_5")


# --------------------------------------------------------------------------- mixes


def test_percent_mix_adds_up_to_100() -> None:
    assert percent_mix((0.016, 0.017, 0.046, 0.137, 0.784)) == (2, 2, 4, 14, 78)
    assert sum(percent_mix((1 / 3, 1 / 3, 1 / 3, 0, 0))) == 100
    assert percent_mix((0, 0, 0, 0, 0)) == (20, 20, 20, 20, 20)


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=5, max_size=5))
def test_percent_mix_is_whole_percentages_summing_to_100(mix: list[float]) -> None:
    percentages = percent_mix(mix)
    assert sum(percentages) == 100 and all(0 <= p <= 100 for p in percentages)
    total = sum(mix)
    if total > 0:  # each is its share rounded down or up
        for share, p in zip(mix, percentages, strict=True):
            assert math.floor(100 * share / total) - 1e-9 <= p <= math.ceil(100 * share / total)


def test_normalise_mix_says_what_it_did() -> None:
    shares, message = normalise_mix((10, 10, 10, 10, 10), "invited star mix")
    assert shares == (0.2,) * 5 and "adds up to 50%, not 100%" in message
    assert "scaled to 100% (1★ 20.0%, 2★ 20.0%" in message
    assert normalise_mix((0, 0, 0, 0, 100), "x") == ((0.0, 0.0, 0.0, 0.0, 1.0), "")
    shares, message = normalise_mix((0, 0, 0, 0, 0), "organic star mix")
    assert shares == (0.2,) * 5
    assert message == "The organic star mix is all zero: an even mix (20% each) is used instead."


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=5, max_size=5))
def test_normalised_mixes_are_shares(percentages: list[int]) -> None:
    shares, message = normalise_mix(percentages, "mix")
    assert math.isclose(sum(shares), 1.0) and all(s >= 0 for s in shares)
    assert (message == "") == (sum(percentages) == 100)


# --------------------------------------------------------------------------- defaults


def test_nice_ceilings() -> None:
    assert [nice_ceiling(x) for x in (0, 10, 11, 150, 201, 250, 251, 999, 1000, 4001)] == [
        10, 10, 20, 200, 250, 250, 500, 1000, 1000, 5000]


def test_defaults_keep_the_last_90_days_going(defaults: Defaults) -> None:
    invited_month = 18.0 * DAYS_PER_MONTH  # 547.9 invited reviews a month
    requests = invited_month / (DEFAULT_RESPONSE_RATE_PCT / 100)  # 2,739 at 20%
    assert defaults.requests_per_month == round(requests) == 2739
    assert defaults.response_pct == DEFAULT_RESPONSE_RATE_PCT
    assert defaults.invited_pct == (2, 2, 4, 14, 78)
    # No channels in the data: one invited channel keeps the pace.
    assert defaults.channels == (ChannelPlan(DEFAULT_CHANNEL, 2739.0, 20.0,
                                             (2, 2, 4, 14, 78)),)
    assert defaults.channels == (defaults.one_channel,)
    assert (defaults.grouping, defaults.history) == ("none", None)
    assert defaults.organic_per_month == round(4.0 * DAYS_PER_MONTH) == 122
    assert defaults.organic_pct == (20, 10, 10, 20, 40)
    assert defaults.organic_max == 2000  # ten times the pace, on a nice number
    assert defaults.as_of == AS_OF
    assert defaults.target_date == dt.date(2027, 7, 31)  # nine months on
    assert (defaults.first_date, defaults.last_date) == (dt.date(2026, 11, 1),
                                                         dt.date(2028, 10, 31))


def test_defaults_with_channels_from_the_data() -> None:
    reviews = scoring.load_reviews(ROOT / "data" / "demo_reviews.csv").reviews
    history = scoring.channel_history(reviews, by="source")
    d = Defaults.from_rates(scoring.recent_rates(reviews), 4.2, history, "source")
    assert [c.name for c in d.channels] == ["InvitationApi", "BasicLink",
                                            "BusinessGeneratedLink", "InvitationLinkApi"]
    first = d.channels[0]
    assert first.requests_per_month == round(history["reviews_per_month"].iloc[0] / 0.2)
    assert first.response_pct == DEFAULT_RESPONSE_RATE_PCT and sum(first.mix_pct) == 100
    assert d.grouping == "source" and d.history is history
    # Together they keep the invited reviews at their recent pace (to rounding).
    assert math.isclose(sum(c.reviews_per_month for c in d.channels),
                        d.rates.invited_per_day * DAYS_PER_MONTH, abs_tol=1)


def test_defaults_with_few_reviews() -> None:
    quiet = Defaults.from_rates(rates(invited_per_day=0.0, organic_per_day=0.0), 3.0)
    assert quiet.requests_per_month == 0
    assert quiet.channels[0].requests_per_month == 0
    assert quiet.organic_max == 100


def test_default_target_is_the_next_label_or_the_next_tenth() -> None:
    def target(score: float) -> tuple[str, str, float]:
        d = Defaults.from_rates(rates(), score)
        return d.target_kind, d.target_label, d.target_score

    assert target(4.2) == ("label", "Excellent", 4.3)  # Great: the next label up
    assert target(3.0) == ("label", "Great", 4.3)  # Average
    assert target(1.5) == ("label", "Poor", 4.3)  # Bad
    assert target(4.5) == ("score", "Excellent", 4.6)  # already Excellent: the next tenth
    assert target(4.449) == ("score", "Excellent", 4.5)
    assert target(4.99) == ("score", "Excellent", 5.0)  # never above 5


def test_defaults_without_a_date_start_today() -> None:
    d = Defaults.from_rates(rates(as_of=None), 4.0)
    assert abs(d.as_of - pd.Timestamp.now(tz="UTC")) < pd.Timedelta(minutes=1)


def test_defaults_state_sets_every_input(defaults: Defaults) -> None:
    state = defaults.state()
    assert set(state) == {*keys.INPUTS, keys.CHANNELS} - {keys.CHANNELS_FROM}
    assert state[keys.HORIZON] == DEFAULT_HORIZON_MONTHS
    assert state[keys.CHANNELS] == defaults.channels


def test_dates_are_clamped_to_the_target_range(defaults: Defaults) -> None:
    assert defaults.clamp_date(dt.date(1999, 1, 1)) == defaults.first_date
    assert defaults.clamp_date(dt.date(2099, 1, 1)) == defaults.last_date
    assert defaults.clamp_date(dt.date(2027, 2, 3)) == dt.date(2027, 2, 3)


# --------------------------------------------------------------------------- the plan


def test_plan_round_trips_through_state_and_saved_params(defaults: Defaults) -> None:
    plan = Plan.from_state(defaults.state())
    assert plan.params()["version"] == 2
    state, notes = scenario_state(plan.params(), defaults)
    assert notes == []
    assert state == defaults.state()
    assert Plan.from_state(state) == plan
    # A date may come as ISO text (a URL or JSON) as well as a date.
    as_text = defaults.state() | {keys.TARGET_DATE: "2027-07-31"}
    assert Plan.from_state(as_text) == plan


TWO_CHANNELS = (
    ChannelPlan("After purchase", 3000.0, 25.0, (0, 0, 0, 50, 150)),
    ChannelPlan("After a claim", 600.0, 50.0, (20, 10, 10, 20, 40)),
)


def test_plan_converts_months_and_percentages_to_the_engine(defaults: Defaults) -> None:
    plan = dataclasses.replace(Plan.from_state(defaults.state()), channels=TWO_CHANNELS)
    model = ModelSettings(half_life_days=120.0)
    inputs = plan.inputs(model)
    assert inputs.horizon_days == plan.horizon_days == round(12 * DAYS_PER_MONTH) == 365
    # Every channel folded into the invited source: reviews a day, response 1.
    purchase, claim = 3000 * 0.25, 600 * 0.5  # reviews a month
    assert math.isclose(inputs.requests_per_day, (purchase + claim) / DAYS_PER_MONTH)
    assert inputs.response_rate == 1.0
    assert inputs.invited_mix == pytest.approx(
        [(purchase * a + claim * b) / (purchase + claim)
         for a, b in zip((0, 0, 0, 0.25, 0.75), (0.2, 0.1, 0.1, 0.2, 0.4), strict=True)])
    assert math.isclose(inputs.organic_per_day, defaults.organic_per_month / DAYS_PER_MONTH)
    assert inputs.params == model.params
    assert (inputs.paths, inputs.seed) == (PATHS, SEED)
    assert plan.inputs(model, 500).horizon_days == 500
    assert plan.requests_per_month == 3600 and plan.invited_per_month == 1050
    assert plan.channel_names == ("After purchase", "After a claim")
    assert plan.mix_messages == [
        "The star mix of After purchase adds up to 200%, not 100%: it has been scaled to "
        "100% (1★ 0.0%, 2★ 0.0%, 3★ 0.0%, 4★ 25.0%, 5★ 75.0%)."]
    # A goal seek for the claims channel: its response rate and mix, the other channel
    # joins the organic reviews, and its own volume does not enter.
    goal = plan.goal_inputs(model, 1)
    assert (goal.requests_per_day, goal.horizon_days, goal.response_rate) == (0.0, 1, 0.5)
    assert goal.invited_mix == pytest.approx((0.2, 0.1, 0.1, 0.2, 0.4))
    assert math.isclose(goal.organic_per_day,
                        (purchase + defaults.organic_per_month) / DAYS_PER_MONTH)
    new = (plan.invited_per_month * 0 + purchase * 4.75
           + defaults.organic_per_month * scoring.projection.mix_mean(plan.organic_mix))
    assert plan.mean_new_stars() == pytest.approx(
        (new + claim * scoring.projection.mix_mean(TWO_CHANNELS[1].mix))
        / (purchase + claim + defaults.organic_per_month))


def test_a_plan_without_channels_projects_organic_reviews_only(defaults: Defaults) -> None:
    plan = dataclasses.replace(Plan.from_state(defaults.state()), channels=())
    inputs = plan.inputs(ModelSettings())
    assert inputs.invited_per_day == 0 and plan.requests_per_month == 0


def test_plan_names_its_target(defaults: Defaults) -> None:
    plan = Plan.from_state(defaults.state())
    label = dataclasses.replace(plan, target_kind="label", target_label="Excellent")
    stars = dataclasses.replace(plan, target_kind="stars", target_stars=4.5)
    score = dataclasses.replace(plan, target_kind="score", target_score=4.4)
    assert (label.target, stars.target, score.target) == ("Excellent", 4.5, 4.4)
    assert label.threshold == scoring.target_threshold("Excellent", kind="label") == 4.25
    assert label.target_name == "Excellent"
    assert label.target_description == ("Excellent (a score of at least 4.25, which shows "
                                        "as 4.3)")
    assert label.target_legend == "Target: Excellent (4.25)"
    assert stars.target_name == "4.5 stars"
    assert stars.target_legend == f"Target: 4.5 stars ({stars.threshold:.2f})"
    assert score.target_name == "a score of 4.40"
    assert score.target_description == "a score of at least 4.40"
    assert score.target_legend == "Target: 4.40"


def test_simulated_days_run_to_the_later_of_horizon_and_target(defaults: Defaults) -> None:
    plan = Plan.from_state(defaults.state())  # 12 months; target 31 Jul 2027
    assert plan.days_to_target(AS_OF) == 273
    assert plan.simulated_days(AS_OF) == plan.horizon_days == 365
    later = dataclasses.replace(plan, target_date=dt.date(2028, 1, 31))
    assert later.simulated_days(AS_OF) == later.days_to_target(AS_OF) == 457


def test_goal_volumes_round_up_to_whole_requests_a_month() -> None:
    def goal(per_day: float | None) -> scoring.GoalSeek:
        return SimpleNamespace(requests_per_day=per_day)  # type: ignore[return-value]

    assert requests_a_month(goal(None)) is None
    assert requests_a_month(goal(0.0)) == 0
    assert requests_a_month(goal(100 / DAYS_PER_MONTH)) == 100  # no float-noise 101
    assert requests_a_month(goal(100.2 / DAYS_PER_MONTH)) == 101


# --------------------------------------------------------------------------- scenarios


OLD_SCENARIO = {  # as the first planner saved them (version 1), JSON-decoded
    "version": 1, "horizon_months": 6, "requests_per_month": 4200.0,
    "response_rate_pct": 25.0, "invited_mix_pct": [1.0, 1.0, 3.0, 15.0, 80.0],
    "organic_per_month": 130.0, "organic_mix_pct": [20.0, 8.0, 8.0, 20.0, 44.0],
    "target_kind": "stars", "target_label": "Great", "target_stars": 4.5,
    "target_score": 4.35, "target_date": "2027-03-15",
}
NEW_SCENARIO = {key: value for key, value in OLD_SCENARIO.items() if key not in (
    "requests_per_month", "response_rate_pct", "invited_mix_pct")} | {
    "version": 2, "channels": [
        {"name": "After purchase", "requests_per_month": 3000.0, "response_rate_pct": 25.0,
         "mix_pct": [0.0, 0.0, 0.0, 25.0, 75.0]},
        {"name": "After a claim", "requests_per_month": 600.0, "response_rate_pct": 50.0,
         "mix_pct": [20.0, 10.0, 10.0, 20.0, 40.0]},
    ]}


def test_a_version_1_scenario_opens_as_one_invited_channel(defaults: Defaults) -> None:
    state, notes = scenario_state(OLD_SCENARIO, defaults)
    assert notes == []
    plan = Plan.from_state(state)
    assert plan == Plan(
        horizon_months=6,
        channels=(ChannelPlan("Invited", 4200.0, 25.0, (1.0, 1.0, 3.0, 15.0, 80.0)),),
        organic_per_month=130.0,
        organic_pct=(20.0, 8.0, 8.0, 20.0, 44.0), target_kind="stars", target_label="Great",
        target_stars=4.5, target_score=4.35, target_date=dt.date(2027, 3, 15),
    )
    # Saved again, it is a version-2 scenario that opens as the same plan.
    assert plan.params()["version"] == 2
    assert Plan.from_state(scenario_state(plan.params(), defaults)[0]) == plan


def test_a_version_2_scenario_opens_with_its_channels(defaults: Defaults) -> None:
    state, notes = scenario_state(NEW_SCENARIO, defaults)
    assert notes == []
    plan = Plan.from_state(state)
    assert plan.channels == (dataclasses.replace(TWO_CHANNELS[0], mix_pct=(0, 0, 0, 25, 75)),
                             TWO_CHANNELS[1])
    assert plan.params() == NEW_SCENARIO


def test_scenario_channels_are_checked_one_by_one(defaults: Defaults) -> None:
    channels = [
        {"name": "  After purchase ", "requests_per_month": 10**9, "response_rate_pct": -5,
         "mix_pct": [1, 2]},
        {"name": "after PURCHASE", "requests_per_month": 5},
        {"name": ""}, "not a channel",
        {"name": "Renewal", "requests_per_month": "lots", "response_rate_pct": 30,
         "mix_pct": [0, 0, 10, 30, 60]},
    ]
    state, notes = scenario_state(NEW_SCENARIO | {"channels": channels}, defaults)
    base = defaults.one_channel
    assert state[keys.CHANNELS] == (
        ChannelPlan("After purchase", MAX_REQUESTS_PER_MONTH, 0, base.mix_pct),
        ChannelPlan("Renewal", base.requests_per_month, 30, (0, 0, 10, 30, 60)),
    )
    assert notes == [
        f"After purchase: requests_per_month 1000000000 set to {MAX_REQUESTS_PER_MONTH}, the "
        "nearest the inputs allow",
        "After purchase: response_rate_pct -5 set to 0, the nearest the inputs allow",
        "After purchase: mix_pct unreadable: default used",
        "channel 'after PURCHASE' appears twice: the second is left out",
        "channel 3 unreadable: left out",
        "channel 4 unreadable: left out",
        "Renewal: requests_per_month unreadable: default used",
    ]
    state, notes = scenario_state(NEW_SCENARIO | {"channels": "x"}, defaults)
    assert state[keys.CHANNELS] == defaults.channels
    assert notes == ["channels unreadable: the data's channels used"]
    state, notes = scenario_state(NEW_SCENARIO | {"channels": []}, defaults)
    assert state[keys.CHANNELS] == () and notes == []


def test_scenario_state_checks_and_clamps(defaults: Defaults) -> None:
    bad = OLD_SCENARIO | {"requests_per_month": 10**9, "response_rate_pct": "lots",
                          "target_date": "1999-01-01", "invited_mix_pct": [1, 2]}
    state, notes = scenario_state(bad, defaults)
    (channel,) = state[keys.CHANNELS]
    assert channel.requests_per_month == MAX_REQUESTS_PER_MONTH
    assert channel.response_pct == defaults.response_pct
    assert channel.mix_pct == defaults.invited_pct
    assert state[keys.TARGET_DATE] == defaults.first_date
    assert notes == [
        f"requests_per_month 1000000000 set to {MAX_REQUESTS_PER_MONTH}, the nearest the "
        "inputs allow",
        "response_rate_pct unreadable: default used",
        "invited_mix_pct unreadable: default used",
        "target date 1999-01-01 moved to 2026-11-01, within the next 24 months",
    ]


def test_scenario_state_keeps_defaults_for_what_is_missing_or_malformed(
        defaults: Defaults) -> None:
    older = {"requests_per_month": 1000, "target_date": "2027-01-01"}  # most fields missing
    state, notes = scenario_state(older, defaults)
    one = dataclasses.replace(defaults.one_channel, requests_per_month=1000)
    assert state == defaults.state() | {keys.CHANNELS: (one,),
                                        keys.TARGET_DATE: dt.date(2027, 1, 1)}
    assert "horizon_months missing: default used" in notes
    assert "organic_mix_pct unreadable: default used" in notes
    odd = OLD_SCENARIO | {
        "horizon_months": True,  # a boolean is not a number
        "organic_per_month": float("nan"),
        "target_score": 7,
        "organic_mix_pct": [10, 10, "x", 10, 60],  # one bad entry: the whole default mix
        "target_kind": ["label"], "target_label": "Superb", "target_stars": 4.7,
        "target_date": None,
    }
    state, notes = scenario_state(odd, defaults)
    assert state[keys.HORIZON] == DEFAULT_HORIZON_MONTHS
    assert state[keys.ORGANIC] == defaults.organic_per_month
    assert state[keys.TARGET_SCORE] == 5.0
    assert [state[k] for k in keys.ORGANIC_MIX] == list(defaults.organic_pct)
    assert (state[keys.TARGET_KIND], state[keys.TARGET_LABEL], state[keys.TARGET_STARS]) == (
        defaults.target_kind, defaults.target_label, 4.5)
    assert state[keys.TARGET_DATE] == defaults.target_date
    assert notes == [
        "horizon_months unreadable: default used",
        "organic_per_month unreadable: default used",
        "target_score 7 set to 5, the nearest the inputs allow",
        "organic_mix_pct unreadable: default used",
        "target_date unreadable: default used",
    ]
    assert Plan.from_state(state).horizon_months == DEFAULT_HORIZON_MONTHS


def test_scenario_values_are_rounded_and_mixes_clamped(defaults: Defaults) -> None:
    state, notes = scenario_state(OLD_SCENARIO | {
        "horizon_months": 99, "requests_per_month": 1234.4,
        "invited_mix_pct": [-5, 0, 0, 5, 150]}, defaults)
    assert state[keys.HORIZON] == MAX_HORIZON_MONTHS
    (channel,) = state[keys.CHANNELS]
    assert channel.requests_per_month == 1234
    assert channel.mix_pct == (0, 0, 0, 5, 100)
    assert notes == [
        "requests_per_month 1234.4 set to 1234, the nearest the inputs allow",
        f"horizon_months 99 set to {MAX_HORIZON_MONTHS}, the nearest the inputs allow",
    ]


# --------------------------------------------------------------------------- channels


def test_the_editor_table_round_trips(defaults: Defaults) -> None:
    table = editor_table(TWO_CHANNELS)
    assert read_table(table) == (TWO_CHANNELS, [])
    assert read_table(editor_table(())) == ((), [])


def test_editor_rows_are_checked_in_plain_words() -> None:
    table = editor_table((*TWO_CHANNELS, ChannelPlan("Renewal", 10, 30, (0, 0, 0, 0, 100))))
    table.loc[len(table)] = [None, 0, 20, 2, 2, 4, 14, 78]  # just added: column defaults
    table.loc[len(table)] = ["  ", 50, 20, 0, 0, 0, 0, 100]
    table.loc[len(table)] = ["after purchase", 5, 20, 0, 0, 0, 0, 100]
    table.loc[1, "Requests / month"] = -3
    table.loc[2, "Response rate %"] = 150
    table.loc[2, "1★ %"] = None
    channels, notes = read_table(table)
    assert [c.name for c in channels] == ["After purchase", "After a claim", "Renewal"]
    assert channels[1].requests_per_month == 0
    assert channels[2].response_pct == 100 and channels[2].mix_pct[0] == 0
    assert notes == [
        "After a claim: negative numbers are not possible, 0 is used instead.",
        "Renewal: a response rate above 100% is not possible; 100% is used.",
        "Row 5 has no name, so it is left out: give it one.",
        "Two channels are called 'after purchase': the second is left out. Rename it to "
        "keep it.",
    ]


def test_channels_travel_in_a_link_and_come_back_exactly() -> None:
    odd = ChannelPlan("Store, Leeds; 50% off & more/ünïcode", 1234.5, 22.25,
                      (0, 1.5, 3, 20, 75.5))
    channels = (TWO_CHANNELS[1], odd)
    text = encode_channels(channels)
    assert text.startswith("After%20a%20claim,600,50,20,10,10,20,40;Store%2C%20Leeds%3B")
    assert decode_channels(text) == channels
    assert decode_channels("") == ()


@pytest.mark.parametrize("text", [
    "A,1,2,3", "A,1,2,3,4,5,6,x", "A,-1,20,0,0,0,0,100", "A,1e3,20,0,0,0,0,100",
    ",10,20,0,0,0,0,100", "A,10,101,0,0,0,0,100", "A,10,20,0,0,0,0,100;a,1,1,0,0,0,0,100",
    "__import__('os'),1,1,0,0,0,0,100;", "A,10,20,0,0,0,0,100%", "%ZZ,1,1,0,0,0,0,100",
    "A%2c,1,1,0,0,0,0,100", "A,1,1,0,0,0,0,101", "A,1000000,20,0,0,0,0,100",
])
def test_malformed_links_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        decode_channels(text)


def test_an_older_link_is_one_invited_channel(defaults: Defaults) -> None:
    query = {"plan_requests": "5000", "plan_response": "30", "plan_inv_1": "0",
             "plan_inv_5": "90", "plan_inv_2": "x"}
    one = legacy_channel(query, defaults.one_channel, keys.REQUESTS, keys.RESPONSE,
                         keys.INVITED_MIX)
    base = defaults.one_channel.mix_pct
    assert one == ChannelPlan(DEFAULT_CHANNEL, 5000, 30, (0, base[1], base[2], base[3], 90))
    assert legacy_channel({}, defaults.one_channel, keys.REQUESTS, keys.RESPONSE,
                          keys.INVITED_MIX) == defaults.one_channel


# --------------------------------------------------------------------------- purity


def test_the_planner_state_loads_no_streamlit() -> None:
    code = ("import sys; import ui.planner.keys, ui.planner.mix, ui.planner.plan, "
            "ui.planner.channels, "
            "ui.planner.defaults, ui.planner.scenario, ui.planner.text; "
            "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
