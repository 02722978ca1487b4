"""Compare, Why and KPI pages under AppTest, their numbers checked against the engine."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

import scoring
from scoring.attribution import explain_change
from tests.app.conftest import open_app
from ui.data import DEMO_PATH


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return scoring.load_reviews(DEMO_PATH).reviews


def test_compare_ranks_the_demo_locations(demo: pd.DataFrame) -> None:
    at = open_app("compare.py")
    assert not at.exception
    table = at.dataframe[0].value
    expected = scoring.score_table(demo, by="location")
    assert list(table["Location"]) == list(expected.index)
    assert table["Score"].to_numpy() == pytest.approx(expected["score"].to_numpy())
    at.segmented_control(key="compare_layout").set_value("panels").run()
    assert not at.exception and len(at.get("plotly_chart")) == 1


def test_compare_by_source(demo: pd.DataFrame) -> None:
    at = open_app("compare.py")
    at.segmented_control(key="compare_by").set_value("source").run()
    assert not at.exception
    assert set(at.dataframe[0].value["Source"]) == set(demo["source"].unique())


def test_why_page_explains_the_last_90_days(demo: pd.DataFrame) -> None:
    at = open_app("why.py")
    assert not at.exception
    end = demo["created_at"].max()
    result = explain_change(demo, start=end - pd.Timedelta(days=90), end=end)
    assert f"**{result.end_score:.3f}**" in at.markdown[0].value
    heaviest = at.dataframe[-1].value  # after the period's unanswered negative reviews
    assert heaviest["Weight"].is_monotonic_decreasing
    at.segmented_control(key="why_days").set_value(365).run()
    result = explain_change(demo, start=end - pd.Timedelta(days=365), end=end)
    assert f"**{result.start_score:.3f}**" in at.markdown[0].value


def test_kpi_page_quarters(demo: pd.DataFrame) -> None:
    at = open_app("kpi.py")
    assert not at.exception
    table = at.dataframe[0].value
    quarters = scoring.score_series(demo, freq="Q")
    assert table["Index at quarter end"].to_numpy() == pytest.approx(
        ((quarters["score"] - 1) / 4 * 100).to_numpy()
    )
    assert set(table["Band"]) <= {"Excellent", "Good", "Poor"}
    at.number_input(key="kpi_exc").set_value(90).run()
    assert "Excellent" not in set(at.dataframe[0].value["Band"])


def test_why_page_custom_dates(demo: pd.DataFrame) -> None:
    at = open_app("why.py")
    at.segmented_control(key="why_days").set_value(0).run()
    at.date_input(key="why_dates").set_value((dt.date(2025, 7, 1), dt.date(2025, 10, 31))).run()
    assert not at.exception
    start = pd.Timestamp("2025-07-01", tz="UTC")
    end = pd.Timestamp("2025-11-01", tz="UTC")
    result = explain_change(demo, start=start, end=end)
    assert f"**{result.end_score:.3f}**" in at.markdown[0].value
    assert result.change < -0.3  # the incident
    assert result.by_stars[1] < 0


@pytest.mark.parametrize(
    ("page", "csv_label"),
    [
        ("compare.py", "Download the ranking (CSV)"),
        ("why.py", "Download these reviews (CSV)"),
        ("kpi.py", "Download the quarterly table (CSV)"),
        ("trends.py", "Download the trend data (CSV)"),
    ],
)
def test_every_analysis_page_exports_its_table_and_a_snapshot(page: str, csv_label: str) -> None:
    at = open_app(page)
    assert not at.exception
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == [csv_label, "Download an HTML snapshot"]


def chart_lines(at) -> list[list[float]]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [trace["y"] for trace in spec["data"]]


def test_compare_follows_the_model_and_the_clock() -> None:
    """The sidebar's model changes every line; under 'decayed prior', 'As displayed' draws
    each group's displayed score, not the live one."""
    at = open_app("compare.py")
    fitted = chart_lines(at)
    captions = " ".join(c.value for c in at.caption)
    assert "TrustScore as Trustpilot shows it at the end of each" in captions
    assert at.segmented_control(key="clock").proto.disabled
    at.segmented_control(key="model").set_value("decayed-prior").run()
    assert not at.exception
    live = chart_lines(at)
    assert len(live) == len(fitted) and live != fitted
    assert "Live score (decayed-prior model) at the end of each" in " ".join(
        c.value for c in at.caption
    )
    at.segmented_control(key="clock").set_value("displayed").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Score as displayed (decayed-prior model) at the end of each" in captions
    assert "Ranked by the live score at the as-of date" in captions
    displayed = chart_lines(at)
    assert len(displayed) == len(live) and displayed != live
