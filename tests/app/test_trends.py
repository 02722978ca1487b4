"""The Trends page under AppTest: lines, other half-lives, summary metrics, exports."""

from __future__ import annotations

import scoring
from tests.app.conftest import open_app
from ui.data import DEMO_PATH


def test_trends_page_draws_the_demo() -> None:
    at = open_app("trends.py")
    assert not at.exception
    assert at.title[0].value == "Trends"
    assert len(at.get("plotly_chart")) == 1
    metrics = {m.label: m.value for m in at.metric}
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    assert metrics["Plain mean"] == f"{reviews['rating'].mean():.2f}"
    assert len(at.get("download_button")) == 2


def test_other_half_lives_add_lines_and_columns() -> None:
    at = open_app("trends.py")
    at.multiselect(key="trend_half_lives").set_value([91, 365]).run()
    assert not at.exception
    chart = at.get("plotly_chart")[0]
    spec = chart.proto.spec
    assert "half-life 91 days" in spec and "half-life 365 days" in spec
    table = at.dataframe[0].value
    assert {"score_half_life_91", "score_half_life_365"} <= set(table.columns)
    # A longer half-life moves less: its score range is narrower than the 91-day one.
    spread = table.max() - table.min()
    assert spread["score_half_life_365"] < spread["score_half_life_91"]


def test_half_life_control_changes_the_scores() -> None:
    at = open_app("trends.py")
    before = at.dataframe[0].value["score"].iloc[-1]
    at.select_slider(key="half_life").set_value(30).run()
    after = at.dataframe[0].value["score"].iloc[-1]
    assert not at.exception
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    assert after != before
    series = scoring.score_series(reviews, freq="W", half_life_days=30)
    assert abs(after - series["score"].iloc[-1]) < 1e-9


def test_the_other_model_is_a_comparison_line() -> None:
    at = open_app("trends.py")
    assert "As displayed" not in at.pills(key="trend_lines").options  # one clock
    at.pills(key="trend_lines").set_value(["live", "other"]).run()
    assert not at.exception
    spec = at.get("plotly_chart")[0].proto.spec
    assert "Decayed prior model, live" in spec
    table = at.dataframe[0].value
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    series = scoring.score_series(reviews, freq="W", model="decayed-prior")
    assert abs(table["score_decayed_prior_model"].iloc[-1] - series["score"].iloc[-1]) < 1e-9
    # Under the decayed-prior model the other line is the Trustpilot model's.
    at.segmented_control(key="model").set_value("decayed-prior").run()
    assert not at.exception
    assert "As displayed" in at.pills(key="trend_lines").options
    assert "Trustpilot model" in at.get("plotly_chart")[0].proto.spec
    assert "score_trustpilot_model" in at.dataframe[0].value.columns
