"""The Planner page under AppTest: channels, projection, goal seek, reachability, scenarios,
links."""

from __future__ import annotations

import base64
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring.periods import DAYS_PER_MONTH
from scoring.store import Workspace
from tests.app.conftest import APP, ROOT, TIMEOUT, open_app
from ui.data import DEMO_PATH
from ui.planner import keys
from ui.planner.channels import (
    NAME,
    REQUESTS,
    RESPONSE,
    STAR_COLUMNS,
    ChannelPlan,
    encode_channels,
)
from ui.planner.defaults import DEFAULT_HORIZON_MONTHS, DEFAULT_RESPONSE_RATE_PCT
from ui.planner.engine import DATE_SEARCH_DAYS
from ui.planner.mix import percent_mix
from ui.planner.plan import PATHS, SEED, Plan
from ui.planner.text import day_text, reachability_sentence
from ui.settings import ModelSettings

SOURCES = ["InvitationApi", "BasicLink", "BusinessGeneratedLink", "InvitationLinkApi"]


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return scoring.load_reviews(DEMO_PATH).reviews


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def metric_starting(at: AppTest, prefix: str) -> str:
    found = [m.value for m in at.metric if m.label.startswith(prefix)]
    assert len(found) == 1, (prefix, list(metrics(at)))
    return found[0]


def plain(text: str) -> str:
    """A message as it reads (the page escapes markdown in user text)."""
    return text.replace("\\", "")


def channels(at: AppTest) -> tuple[ChannelPlan, ...]:
    """The plan's channels (as the editor last gave them)."""
    return tuple(at.session_state[keys.CHANNELS])


def edit_channels(at: AppTest, *, edited: dict | None = None, added: list[dict] | None = None,
                  deleted: list[int] | None = None) -> AppTest:
    """What the browser sends after the user edits the channels table, then a run."""
    key = keys.channel_editor(at.session_state[keys.CHANNELS_VERSION])
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": added or [],
                             "deleted_rows": deleted or []}
    return at.run()


def plan_from_page(at: AppTest) -> Plan:
    """The plan the page's widgets hold (hidden target widgets: defaults)."""
    state = {keys.CHANNELS: channels(at)}
    state[keys.HORIZON] = at.slider(key=keys.HORIZON).value
    for key in (keys.ORGANIC, *keys.ORGANIC_MIX):
        state[key] = at.number_input(key=key).value
    state[keys.TARGET_KIND] = at.segmented_control(key=keys.TARGET_KIND).value
    state[keys.TARGET_LABEL] = "Excellent"
    state[keys.TARGET_STARS] = 4.5
    state[keys.TARGET_SCORE] = 4.3
    if state[keys.TARGET_KIND] == "score":
        state[keys.TARGET_SCORE] = at.number_input(key=keys.TARGET_SCORE).value
    elif state[keys.TARGET_KIND] == "label":
        state[keys.TARGET_LABEL] = at.selectbox(key=keys.TARGET_LABEL).value
    state[keys.TARGET_DATE] = at.date_input(key=keys.TARGET_DATE).value
    return Plan.from_state(state)


def engine_projection(reviews: pd.DataFrame, plan: Plan, model: ModelSettings | None = None
                      ) -> scoring.Projection:
    as_of = scoring.recent_rates(reviews).as_of
    days = max(plan.horizon_days,
               (plan.target_timestamp - as_of.floor("D")) // pd.Timedelta(days=1))
    uncertainty = scoring.fit_uncertainty(reviews)  # what the page fits to the view
    return scoring.project(reviews, plan.inputs(model or ModelSettings(), days, uncertainty))


def check_outlook(at: AppTest, reviews: pd.DataFrame, model: ModelSettings | None = None
                  ) -> tuple[float, float, Plan]:
    """The page's chance and expected score equal the engine's for the page's plan."""
    plan = plan_from_page(at)
    projection = engine_projection(reviews, plan, model)
    chance = projection.probability_at_or_above(plan.target, plan.target_timestamp,
                                                kind=plan.target_kind)
    at_horizon = projection.expected["score"].iloc[plan.horizon_days - 1]
    assert metric_starting(at, "Chance on the target date") == f"{chance:.0%}"
    assert metric_starting(at, "Expected score on ") == f"{at_horizon:.2f}"
    return chance, at_horizon, plan


def test_planner_renders_the_demo_with_its_channels(reviews: pd.DataFrame) -> None:
    at = open_app("planner.py")
    assert not at.exception
    assert at.title[0].value == "Projection planner"
    assert len(at.get("plotly_chart")) == 2  # the projection and the half-life sensitivity
    labels = list(metrics(at))
    assert "Chance on the target date" in labels
    assert "Long-run score at this pace" in labels
    # The demo tells channels apart by collection method (first), location and tag.
    grouping = at.segmented_control(key=keys.CHANNELS_FROM)
    assert grouping.options == ["Collection method", "Location", "Tag", "One invited channel"]
    assert grouping.value == "source"
    # One channel per collection method, each keeping its pace at 20%.
    history = scoring.channel_history(reviews, by="source")
    found = channels(at)
    assert [c.name for c in found] == SOURCES
    for channel, row in zip(found, history.itertuples(), strict=False):
        assert channel.requests_per_month == round(row.reviews_per_month / 0.2)
        assert channel.response_pct == DEFAULT_RESPONSE_RATE_PCT
        assert channel.mix_pct == percent_mix([getattr(row, f"share_{k}") for k in range(1, 6)])
    editor = at.data_editor[0]
    assert editor.editing_mode == "dynamic"
    assert list(editor.value[NAME]) == SOURCES
    # What each channel brought in the last 90 days, organic reviews last.
    table = at.dataframe[1].value
    assert list(table["Channel"]) == [*SOURCES, "Organic"]
    assert list(table["Reviews"]) == list(history["reviews"])
    rates = scoring.recent_rates(reviews)
    assert at.number_input(key=keys.ORGANIC).value == round(
        rates.organic_per_day * DAYS_PER_MONTH)
    assert not at.warning  # every default mix adds up to 100
    check_outlook(at, reviews)
    # The channels are in the URL.
    assert at.query_params[keys.CHANNELS] == encode_channels(found)


def test_channels_from_location_or_one_channel(reviews: pd.DataFrame) -> None:
    at = open_app("planner.py")
    at.segmented_control(key=keys.CHANNELS_FROM).set_value("location").run()
    assert not at.exception
    assert [c.name for c in channels(at)] == ["Online", "Leeds", "Bristol"]
    assert list(at.data_editor[0].value[NAME]) == ["Online", "Leeds", "Bristol"]
    at.segmented_control(key=keys.CHANNELS_FROM).set_value("none").run()
    (one,) = channels(at)
    rates = scoring.recent_rates(reviews)
    assert one.name == "Invited"
    assert one.requests_per_month == round(rates.invited_per_day * DAYS_PER_MONTH / 0.2)
    assert one.mix_pct == percent_mix(rates.invited_mix)
    check_outlook(at, reviews)


def test_channels_from_tags_one_per_demo_tag(reviews: pd.DataFrame) -> None:
    """By tag: one channel per tag of the demo (a review under its first tag), then the
    invited reviews without a tag; the table's reviews add up to the window's."""
    at = open_app("planner.py")
    at.segmented_control(key=keys.CHANNELS_FROM).set_value("tags").run()
    assert not at.exception
    names = [c.name for c in channels(at)]
    assert set(names) == {"claims", "new-policy", "renewal", "portal-migration",
                          "Other invited"}
    assert names[-1] == "Other invited"
    assert list(at.data_editor[0].value[NAME]) == names
    history = scoring.channel_history(reviews, by="tags")
    table = at.dataframe[1].value
    assert list(table["Channel"]) == [*names, "Organic"]
    assert list(table["Reviews"]) == list(history["reviews"])
    rates = scoring.recent_rates(reviews)
    assert sum(table["Reviews"][:-1]) == rates.invited_reviews
    check_outlook(at, reviews)
    # A link holds the choice by its label, and opens on the tags' channels.
    linked = open_link({keys.CHANNELS_FROM: "Tag"})
    assert not linked.exception
    assert linked.segmented_control(key=keys.CHANNELS_FROM).value == "tags"
    assert linked.query_params[keys.CHANNELS_FROM] == "Tag"
    assert [c.name for c in channels(linked)] == names


def test_editing_and_adding_channels_moves_the_outlook(reviews: pd.DataFrame) -> None:
    at = open_app("planner.py")
    first_chance, first_score, _ = check_outlook(at, reviews)
    edit_channels(at, edited={0: {REQUESTS: 6000}})
    assert not at.exception
    assert channels(at)[0].requests_per_month == 6000
    chance, score, _ = check_outlook(at, reviews)
    assert chance > first_chance and score > first_score
    # A new channel: after a claim, few stars.
    claims = {NAME: "After a claim", REQUESTS: 3000, RESPONSE: 40,
              **dict(zip(STAR_COLUMNS, (40, 20, 10, 10, 20), strict=True))}
    edit_channels(at, edited={0: {REQUESTS: 6000}}, added=[claims])
    assert not at.exception
    assert [c.name for c in channels(at)] == [*SOURCES, "After a claim"]
    assert channels(at)[-1] == ChannelPlan("After a claim", 3000, 40, (40, 20, 10, 10, 20))
    _, lower, plan = check_outlook(at, reviews)
    assert lower < score
    assert plan.requests_per_month == sum(c.requests_per_month for c in channels(at))
    # Rows that cannot be channels are said in plain words and left out.
    edit_channels(at, edited={0: {REQUESTS: 6000}, 1: {NAME: "InvitationApi"}},
                  added=[claims, {REQUESTS: 10}])
    assert not at.exception
    warnings = [plain(w.value) for w in at.warning]
    assert any("Two channels are called 'InvitationApi'" in w for w in warnings), warnings
    assert any("Row 6 has no name" in w for w in warnings), warnings
    assert [c.name for c in channels(at)] == ["InvitationApi", *SOURCES[2:], "After a claim"]


def test_unreachable_target_says_so(reviews: pd.DataFrame) -> None:
    at = open_app("planner.py")
    three_stars = dict(zip(STAR_COLUMNS, (0, 0, 100, 0, 0), strict=True))
    edit_channels(at, edited={i: three_stars for i in range(len(SOURCES))})
    at.segmented_control(key=keys.TARGET_KIND).set_value("label").run()
    at.selectbox(key=keys.TARGET_LABEL).set_value("Excellent").run()
    assert not at.exception
    plan = plan_from_page(at)
    assert all(c.mix_pct == (0, 0, 100, 0, 0) for c in plan.channels)
    start = scoring.trust_score(reviews)
    reach = scoring.reachability(plan.inputs(ModelSettings()), plan.threshold, start_score=start)
    assert not reach.reachable
    errors = [e.value for e in at.error]
    sentence = reachability_sentence(reach, "'Excellent'")
    assert errors == [f"Out of reach at any volume with this star mix. {sentence}"]
    assert "'Excellent' needs 4.25" in errors[0]
    assert metric_starting(at, "Requests a month, on average") == "Out of reach"


def test_goal_seek_for_one_channel_and_plan_with_it(reviews: pd.DataFrame) -> None:
    at = open_app("planner.py")
    assert at.selectbox(key=keys.SOLVE_FOR).options == SOURCES
    at.selectbox(key=keys.SOLVE_FOR).set_value("BasicLink").run()
    assert not at.exception
    # The 80% search runs when asked, then shows for these inputs without asking again.
    assert not [m for m in at.metric if m.label.startswith("Requests a month, 80% chance")]
    at.button(key="plan_find_likely").click().run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "plan_find_likely"]
    plan = plan_from_page(at)
    engine_channels = [c.channel() for c in plan.channels]
    common = dict(target=plan.target, target_kind=plan.target_kind, by=plan.target_timestamp,
                  channel=1, params=ModelSettings().params, paths=PATHS, seed=SEED,
                  uncertainty=scoring.fit_uncertainty(reviews))
    organic = (plan.organic_per_day, plan.organic_mix)
    expected = scoring.channel_requests_needed(reviews, engine_channels, *organic, **common)
    likely = scoring.channel_requests_needed(reviews, engine_channels, *organic,
                                             probability=0.8, **common)
    assert expected.requests_per_day is not None and likely.requests_per_day is not None
    for goal, label in ((expected, "Requests a month, on average"),
                        (likely, "Requests a month, 80% chance")):
        per_month = math.ceil(round(goal.requests_per_day * DAYS_PER_MONTH, 6))
        assert metric_starting(at, label) == f"{per_month:,}"
    assert any("through BasicLink, others as set" in c.value for c in at.caption)
    reached = scoring.date_reached(
        reviews, plan.inputs(ModelSettings()), target=plan.target, target_kind=plan.target_kind,
        horizon_days=DATE_SEARCH_DAYS,
    )
    assert reached is not None
    assert metric_starting(at, "Reaches ") == day_text(reached)
    # "Plan with N a month" sets BasicLink's requests to the 80% volume, the others stay.
    per_month = math.ceil(round(likely.requests_per_day * DAYS_PER_MONTH, 6))
    at.button(key="plan_use_likely").click().run()
    assert not at.exception
    after = channels(at)
    assert after[1].requests_per_month == per_month
    assert [c for i, c in enumerate(after) if i != 1] == [
        c for i, c in enumerate(plan.channels) if i != 1]
    assert at.data_editor[0].value[REQUESTS].iloc[1] == per_month  # the editor shows it
    assert float(metric_starting(at, "Chance on the target date").rstrip("%")) >= 80
    assert at.selectbox(key=keys.SOLVE_FOR).value == "BasicLink"


def test_star_mix_not_adding_up_is_normalised_and_said() -> None:
    at = open_app("planner.py")
    for key, value in zip(keys.ORGANIC_MIX, (10, 10, 10, 10, 10), strict=True):
        at.number_input(key=key).set_value(value)
    at.run()
    assert not at.exception
    edit_channels(at, edited={1: dict(zip(STAR_COLUMNS, (0, 0, 0, 50, 100), strict=True))})
    messages = [w.value for w in at.warning]
    assert any("organic star mix adds up to 50%, not 100%" in m and "scaled to 100%" in m
               for m in messages), messages
    assert any("star mix of BasicLink adds up to 150%" in m for m in messages), messages


def test_reset_restores_the_data_defaults() -> None:
    at = open_app("planner.py")
    before = channels(at)
    edit_channels(at, edited={0: {REQUESTS: 9999}}, deleted=[3])
    at.slider(key=keys.HORIZON).set_value(3).run()
    assert channels(at) != before
    at.button(key="plan_reset").click().run()
    assert not at.exception
    assert channels(at) == before
    assert list(at.data_editor[0].value[NAME]) == SOURCES
    assert at.slider(key=keys.HORIZON).value == DEFAULT_HORIZON_MONTHS
    assert not at.warning


def test_scenarios_save_list_load_update_compare_delete() -> None:
    at = open_app("planner.py")
    claims = {NAME: "After a claim", REQUESTS: 500, RESPONSE: 30,
              **dict(zip(STAR_COLUMNS, (10, 10, 10, 20, 50), strict=True))}
    edit_channels(at, edited={0: {REQUESTS: 5000}}, added=[claims])
    saved_channels = channels(at)
    name = "**Q1 push** [x](javascript:alert(1))"
    at.text_input(key=keys.SCENARIO_NAME).set_value(name).run()
    at.button(key="plan_save").click().run()
    assert not at.exception
    picker = at.selectbox(key=keys.SCENARIO_PICK)
    assert picker.options == [name]  # plain text in the list
    scenario_id = picker.value  # the new scenario is picked
    assert isinstance(scenario_id, int)
    assert any("Saved the scenario" in s.value for s in at.success)
    assert all("**Q1" not in s.value for s in at.success)  # markdown escaped

    # Change the inputs, then load the scenario back into them.
    edit_channels(at, edited={0: {REQUESTS: 1000}}, deleted=[1])
    at.selectbox(key=keys.SCENARIO_PICK).set_value(None).run()
    assert at.button(key="plan_load").disabled
    at.selectbox(key=keys.SCENARIO_PICK).set_value(scenario_id).run()
    at.button(key="plan_load").click().run()
    assert not at.exception
    assert channels(at) == saved_channels
    assert list(at.data_editor[0].value[NAME]) == [*SOURCES, "After a claim"]

    # Edit: change a volume, update the saved scenario, reload it.
    edit_channels(at, edited={4: {REQUESTS: 800}})
    at.button(key="plan_update").click().run()
    edit_channels(at, edited={4: {REQUESTS: 1}})
    at.button(key="plan_load").click().run()
    assert channels(at)[4].requests_per_month == 800

    # Compare: one chart of expected paths and a table with the current inputs first.
    charts_before = len(at.get("plotly_chart"))
    at.multiselect(key=keys.COMPARE).set_value([scenario_id]).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == charts_before + 1
    table = at.dataframe[-1].value
    assert list(table["Scenario"]) == ["Current inputs", name]
    total = sum(c.requests_per_month for c in channels(at))
    assert table["Requests / month"].tolist() == [total, total]
    assert table["Channels"].tolist() == [5, 5]
    assert table["Channel names"].tolist() == [", ".join([*SOURCES, "After a claim"])] * 2
    plan = plan_from_page(at)
    assert table["Mean ★ of new reviews"].iloc[0] == pytest.approx(plan.mean_new_stars())

    at.button(key="plan_delete").click().run()
    assert not at.exception
    assert at.selectbox(key=keys.SCENARIO_PICK).options == []
    assert at.multiselect(key=keys.COMPARE).value == []


def test_a_version_1_scenario_loads_as_one_channel() -> None:
    old = {"version": 1, "horizon_months": 6, "requests_per_month": 4200.0,
           "response_rate_pct": 25.0, "invited_mix_pct": [1.0, 1.0, 3.0, 15.0, 80.0],
           "organic_per_month": 130.0, "organic_mix_pct": [20.0, 8.0, 8.0, 20.0, 44.0],
           "target_kind": "stars", "target_label": "Great", "target_stars": 4.5,
           "target_score": 4.35, "target_date": "2027-03-15"}
    at = open_app("planner.py")
    with Workspace(Path(os.environ["TRUSTLENS_WORKSPACE"])) as workspace:
        scenario_id = workspace.save_scenario("Before channels", old)
    at.run()
    at.selectbox(key=keys.SCENARIO_PICK).set_value(scenario_id).run()
    at.button(key="plan_load").click().run()
    assert not at.exception
    assert channels(at) == (ChannelPlan("Invited", 4200, 25, (1, 1, 3, 15, 80)),)
    assert list(at.data_editor[0].value[NAME]) == ["Invited"]
    assert at.slider(key=keys.HORIZON).value == 6
    assert any("Loaded 'Before channels'" in plain(s.value) for s in at.success)
    # It compares too.
    at.multiselect(key=keys.COMPARE).set_value([scenario_id]).run()
    assert at.dataframe[-1].value["Channel names"].tolist() == ["Invited", "Invited"]


def open_link(query: dict[str, str]) -> AppTest:
    """A fresh session opened on the Planner's address with ``query``."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(str(ROOT / "app_pages" / "planner.py"))
    return at.run()


def test_a_link_with_channels_reproduces_them(reviews: pd.DataFrame) -> None:
    shared = (ChannelPlan("After purchase", 4000, 25, (2, 2, 6, 20, 70)),
              ChannelPlan("Claims; Leeds, 50%", 800, 40, (30, 10, 10, 20, 30)))
    at = open_link({keys.CHANNELS: encode_channels(shared)})
    assert not at.exception
    assert channels(at) == shared
    assert list(at.data_editor[0].value[NAME]) == ["After purchase", "Claims; Leeds, 50%"]
    check_outlook(at, reviews)
    bad = open_link({keys.CHANNELS: "After purchase,4000,25,1,2,3"})
    assert not bad.exception
    assert [c.name for c in channels(bad)] == SOURCES
    assert any("could not be read" in plain(w.value) for w in bad.warning)


def test_an_older_link_still_opens_as_one_invited_channel(reviews: pd.DataFrame) -> None:
    at = open_link({"plan_requests": "5000", "plan_response": "30", "plan_inv_1": "0",
                    "plan_inv_2": "0", "plan_inv_3": "0", "plan_inv_4": "20",
                    "plan_inv_5": "80", "plan_horizon": "6"})
    assert not at.exception
    assert channels(at) == (ChannelPlan("Invited", 5000, 30, (0, 0, 0, 20, 80)),)
    assert at.slider(key=keys.HORIZON).value == 6
    assert "plan_requests" not in at.query_params  # the link now says it as channels
    assert at.query_params[keys.CHANNELS] == "Invited,5000,30,0,0,0,20,80"
    check_outlook(at, reviews)


def test_scenario_names_reach_plotly_escaped() -> None:
    from ui.planner.charts import scenarios_figure

    path = pd.Series([4.3, 4.31], index=pd.date_range("2026-11-02", periods=2, tz="UTC"))
    history = pd.Series([4.2, 4.27], index=pd.date_range("2026-10-30", periods=2, tz="UTC"))
    fig = scenarios_figure([("<b>x</b> %{y}", path)], history=history,
                           as_of=pd.Timestamp("2026-11-01", tz="UTC"), start_score=4.27)
    names = [trace.name for trace in fig.data]
    assert "&lt;b&gt;x&lt;/b&gt; %{y}" in names
    assert all("<b>" not in (trace.hovertemplate or "") for trace in fig.data)


def stop_collecting_line(at: AppTest) -> np.ndarray:
    """The y values of the chart's 'stop collecting' line (plotly sends base64 floats)."""
    data = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    y = next(trace["y"] for trace in data if trace["name"].startswith("Stop collecting"))
    return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])


def test_planner_follows_the_sidebar_model(reviews: pd.DataFrame) -> None:
    """Switching the model re-projects with it: the figures equal the engine's under the
    decayed-prior form, and the 'stop collecting' line is flat under the fitted one."""
    at = open_app("planner.py")
    fitted_stop = stop_collecting_line(at)
    assert max(fitted_stop) - min(fitted_stop) < 1e-9  # no new reviews: nothing moves
    at.segmented_control(key="model").set_value("decayed-prior").run()
    assert not at.exception
    model = ModelSettings(model="decayed-prior")
    _, _, plan = check_outlook(at, reviews, model)
    projection = engine_projection(reviews, plan, model)
    assert metric_starting(at, "Long-run score") == f"{projection.long_run_score:.2f}"
    decayed_stop = stop_collecting_line(at)
    assert decayed_stop[-1] < decayed_stop[0]  # it drifts back towards the prior
