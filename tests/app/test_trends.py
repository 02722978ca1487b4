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
    assert {"live_score_half_life_91", "live_score_half_life_365"} <= set(table.columns)
    # A longer half-life moves less: its score range is narrower than the 91-day one.
    spread = table.max() - table.min()
    assert spread["live_score_half_life_365"] < spread["live_score_half_life_91"]


def test_half_life_control_changes_the_scores() -> None:
    at = open_app("trends.py")
    before = at.dataframe[0].value["live_score"].iloc[-1]
    at.select_slider(key="half_life").set_value(30).run()
    after = at.dataframe[0].value["live_score"].iloc[-1]
    assert not at.exception
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    assert after != before
    series = scoring.score_series(reviews, freq="W", half_life_days=30)
    assert abs(after - series["score"].iloc[-1]) < 1e-9
