"""The Planner page under AppTest: projection, goal seek, reachability, scenarios."""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring.periods import DAYS_PER_MONTH
from tests.app.conftest import open_app
from ui.data import DEMO_PATH
from ui.planner import keys
from ui.planner.defaults import DEFAULT_HORIZON_MONTHS, DEFAULT_RESPONSE_RATE_PCT
from ui.planner.engine import DATE_SEARCH_DAYS
from ui.planner.mix import percent_mix
from ui.planner.plan import Plan
from ui.planner.text import day_text, reachability_sentence
from ui.settings import ModelSettings


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return scoring.load_reviews(DEMO_PATH).reviews


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def metric_starting(at: AppTest, prefix: str) -> str:
    found = [m.value for m in at.metric if m.label.startswith(prefix)]
    assert len(found) == 1, (prefix, list(metrics(at)))
    return found[0]


def plan_from_page(at: AppTest) -> Plan:
    """The plan the page's widgets hold (hidden target widgets: defaults)."""
    state = {}
    for key in (keys.HORIZON, keys.REQUESTS, keys.RESPONSE, keys.ORGANIC, *keys.INVITED_MIX,
                *keys.ORGANIC_MIX):
        widget = at.slider(key=key) if key in (keys.HORIZON, keys.REQUESTS, keys.RESPONSE) else (
            at.number_input(key=key))
        state[key] = widget.value
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


def engine_projection(reviews: pd.DataFrame, plan: Plan) -> scoring.Projection:
    as_of = scoring.recent_rates(reviews).as_of
    days = max(plan.horizon_days,
               (plan.target_timestamp - as_of.floor("D")) // pd.Timedelta(days=1))
    return scoring.project(reviews, plan.inputs(ModelSettings(), days))


def test_planner_renders_the_demo(reviews: pd.DataFrame) -> None:
    at = open_app("planner.py")
    assert not at.exception
    assert at.title[0].value == "Projection planner"
    assert len(at.get("plotly_chart")) == 2  # the projection and the half-life sensitivity
    labels = list(metrics(at))
    assert "Chance on the target date" in labels
    assert "Long-run score at this pace" in labels
    # Defaults come from the last 90 days: invited reviews keep their pace at 20%.
    rates = scoring.recent_rates(reviews)
    assert at.slider(key=keys.RESPONSE).value == DEFAULT_RESPONSE_RATE_PCT
    requests = at.slider(key=keys.REQUESTS).value
    expected = rates.invited_per_day * DAYS_PER_MONTH / 0.2
    assert abs(requests - expected) <= at.slider(key=keys.REQUESTS).step
    assert at.number_input(key=keys.ORGANIC).value == round(
        rates.organic_per_day * DAYS_PER_MONTH)
    invited = [at.number_input(key=key).value for key in keys.INVITED_MIX]
    assert sum(invited) == 100
    assert invited == list(percent_mix(rates.invited_mix))
    assert not at.warning  # the default mixes add up to 100


def test_requests_slider_moves_probability_and_expected_score(reviews: pd.DataFrame) -> None:
    at = open_app("planner.py")
    seen = []
    for requests in (2000, 4500):
        at.slider(key=keys.REQUESTS).set_value(requests).run()
        assert not at.exception
        plan = plan_from_page(at)
        assert plan.requests_per_month == requests
        projection = engine_projection(reviews, plan)
        chance = projection.probability_at_or_above(plan.target, plan.target_timestamp,
                                                    kind=plan.target_kind)
        at_horizon = projection.expected["score"].iloc[plan.horizon_days - 1]
        assert metric_starting(at, "Chance on the target date") == f"{chance:.0%}"
        assert metric_starting(at, "Expected score on ") == f"{at_horizon:.2f}"
        seen.append((chance, at_horizon))
    assert seen[1][0] > seen[0][0]
    assert seen[1][1] > seen[0][1]


def test_unreachable_target_says_so(reviews: pd.DataFrame) -> None:
    at = open_app("planner.py")
    for key, value in zip(keys.INVITED_MIX, (0, 0, 100, 0, 0), strict=True):
        at.number_input(key=key).set_value(value)
    at.segmented_control(key=keys.TARGET_KIND).set_value("label").run()
    at.selectbox(key=keys.TARGET_LABEL).set_value("Excellent").run()
    assert not at.exception
    plan = plan_from_page(at)
    start = scoring.trust_score(reviews)
    reach = scoring.reachability(plan.inputs(ModelSettings()), plan.threshold, start_score=start)
    assert not reach.reachable
    errors = [e.value for e in at.error]
    sentence = reachability_sentence(reach, "'Excellent'")
    assert errors == [f"Out of reach at any volume with this star mix. {sentence}"]
    assert "'Excellent' needs 4.25" in errors[0]
    assert metric_starting(at, "Requests a month, on average") == "Out of reach"


def test_goal_seek_matches_the_engine(reviews: pd.DataFrame) -> None:
    at = open_app("planner.py")
    plan = plan_from_page(at)
    common = dict(target=plan.target, target_kind=plan.target_kind, by=plan.target_timestamp)
    inputs = plan.inputs(ModelSettings())
    expected = scoring.requests_needed(reviews, inputs, **common)
    likely = scoring.requests_needed(reviews, inputs, probability=0.8, **common)
    assert expected.requests_per_day is not None and likely.requests_per_day is not None
    for goal, label in ((expected, "Requests a month, on average"),
                        (likely, "Requests a month, 80% chance")):
        per_month = math.ceil(round(goal.requests_per_day * DAYS_PER_MONTH, 6))
        assert metric_starting(at, label) == f"{per_month:,}"
    reached = scoring.date_reached(
        reviews, plan.inputs(ModelSettings()), target=plan.target, target_kind=plan.target_kind,
        horizon_days=DATE_SEARCH_DAYS,
    )
    assert reached is not None
    assert metric_starting(at, "Reaches ") == day_text(reached)
    # "Plan with N a month" puts the 80% volume (rounded up to the slider's step) in.
    at.button(key="plan_use_likely").click().run()
    step = at.slider(key=keys.REQUESTS).step
    per_month = math.ceil(round(likely.requests_per_day * DAYS_PER_MONTH, 6))
    assert at.slider(key=keys.REQUESTS).value == math.ceil(per_month / step) * step
    assert float(metric_starting(at, "Chance on the target date").rstrip("%")) >= 80


def test_star_mix_not_adding_up_is_normalised_and_said() -> None:
    at = open_app("planner.py")
    for key, value in zip(keys.ORGANIC_MIX, (10, 10, 10, 10, 10), strict=True):
        at.number_input(key=key).set_value(value)
    at.run()
    assert not at.exception
    messages = [w.value for w in at.warning]
    assert any("organic star mix adds up to 50%, not 100%" in m and "scaled to 100%" in m
               for m in messages), messages


def test_reset_restores_the_data_defaults() -> None:
    at = open_app("planner.py")
    before = at.slider(key=keys.REQUESTS).value
    at.slider(key=keys.REQUESTS).set_value(before + 1000)
    at.number_input(key=keys.INVITED_MIX[4]).set_value(10)
    at.slider(key=keys.HORIZON).set_value(3).run()
    at.button(key="plan_reset").click().run()
    assert not at.exception
    assert at.slider(key=keys.REQUESTS).value == before
    assert at.slider(key=keys.HORIZON).value == DEFAULT_HORIZON_MONTHS
    assert not at.warning


def test_scenarios_save_list_load_update_compare_delete() -> None:
    at = open_app("planner.py")
    at.slider(key=keys.REQUESTS).set_value(5000).run()
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
    at.slider(key=keys.REQUESTS).set_value(1000)
    at.slider(key=keys.RESPONSE).set_value(40).run()
    at.selectbox(key=keys.SCENARIO_PICK).set_value(None).run()
    assert at.button(key="plan_load").disabled
    at.selectbox(key=keys.SCENARIO_PICK).set_value(scenario_id).run()
    at.button(key="plan_load").click().run()
    assert at.slider(key=keys.REQUESTS).value == 5000
    assert at.slider(key=keys.RESPONSE).value == DEFAULT_RESPONSE_RATE_PCT

    # Edit: change the volume, update the saved scenario, reload it.
    at.slider(key=keys.REQUESTS).set_value(6000).run()
    at.button(key="plan_update").click().run()
    at.slider(key=keys.REQUESTS).set_value(100).run()
    at.button(key="plan_load").click().run()
    assert at.slider(key=keys.REQUESTS).value == 6000

    # Compare: one chart of expected paths and a table with the current inputs first.
    charts_before = len(at.get("plotly_chart"))
    at.multiselect(key=keys.COMPARE).set_value([scenario_id]).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == charts_before + 1
    table = at.dataframe[0].value
    assert list(table["Scenario"]) == ["Current inputs", name]
    assert table["Requests / month"].tolist() == [6000, 6000]

    at.button(key="plan_delete").click().run()
    assert not at.exception
    assert at.selectbox(key=keys.SCENARIO_PICK).options == []
    assert at.multiselect(key=keys.COMPARE).value == []


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
    plan = plan_from_page(at)
    as_of = scoring.recent_rates(reviews).as_of
    days = max(plan.horizon_days,
               (plan.target_timestamp - as_of.floor("D")) // pd.Timedelta(days=1))
    projection = scoring.project(
        reviews, plan.inputs(ModelSettings(model="decayed-prior"), days))
    at_horizon = projection.expected["score"].iloc[plan.horizon_days - 1]
    assert metric_starting(at, "Expected score on ") == f"{at_horizon:.2f}"
    assert metric_starting(at, "Long-run score") == f"{projection.long_run_score:.2f}"
    decayed_stop = stop_collecting_line(at)
    assert decayed_stop[-1] < decayed_stop[0]  # it drifts back towards the prior
