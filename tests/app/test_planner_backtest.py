"""The Planner's "How good are these forecasts?" section under AppTest."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import scoring
from tests.app.conftest import open_app
from ui.data import DEMO_PATH
from ui.planner import backtest
from ui.planner.text import day_text


@pytest.fixture(scope="module")
def demo_backtest() -> scoring.Backtest:
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    return scoring.backtest(reviews, horizons=backtest.HORIZONS, paths=backtest.PATHS,
                            seed=backtest.SEED)


def run_button(at):
    return next((b for b in at.button if b.key == "plan_backtest_run"), None)


def test_backtest_runs_on_request_and_matches_the_engine(demo_backtest: scoring.Backtest
                                                         ) -> None:
    at = open_app("planner.py")
    assert not at.exception
    assert "How good are these forecasts?" in [s.value for s in at.subheader]
    assert run_button(at) is not None  # nothing is computed until asked
    run_button(at).click().run()
    assert not at.exception
    assert run_button(at) is None
    table = next(d.value for d in at.dataframe if "Inside the 80% band" in d.value.columns)
    expected = demo_backtest.summary
    assert list(table["Past forecasts"]) == list(expected["origins"])
    assert np.allclose(table["Inside the 80% band"], 100 * expected["coverage_80"])
    assert np.allclose(table["Mean absolute error (★)"], expected["mae"].round(2))
    sentence = next(m.value for m in at.markdown if "past forecasts:" in m.value)
    row = expected[expected["horizon"] == 90].iloc[0]
    assert f"in {row['coverage_80']:.0%} of {int(row['origins'])} past forecasts" in sentence
    picker = at.selectbox(key=backtest.ORIGIN)
    origins = list(demo_backtest.origins)
    assert len(picker.options) == len(origins)
    # The default is the latest forecast whose three horizons are all known.
    full = demo_backtest.forecasts.dropna(subset=["actual"]).groupby("origin").size()
    latest_full = max(o for o, n in full.items() if n == len(backtest.HORIZONS))
    assert picker.value == latest_full
    assert any(c.value.startswith("From this date: after 30 days") for c in at.caption)
    chart_count = len(at.get("plotly_chart"))
    first = origins[0]
    picker.set_value(first).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == chart_count
    caption = next(c.value for c in at.caption if c.value.startswith("From this date"))
    rows = demo_backtest.forecasts[demo_backtest.forecasts["origin"] == first]
    assert f"{rows.iloc[0]['actual']:.2f}" in caption, (day_text(first), caption)
    # Reruns after a change of the plan do not ask again.
    at.run()
    assert run_button(at) is None


def coarse_csv() -> bytes:
    """Reviews piled on a few dates months apart, as Google's 'a year ago' gives."""
    rng = np.random.default_rng(5)
    piles = ["2021-02-07", "2022-02-07", "2022-08-07", "2022-11-07", "2023-01-07",
             "2023-01-31"]
    rows = [(day, int(rng.integers(1, 6)), f"Visit number {i}")
            for i, day in enumerate(d for d in piles for _ in range(60))]
    frame = pd.DataFrame(rows, columns=["date", "rating", "text"])
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def test_coarse_dates_are_refused_in_words() -> None:
    at = open_app("importer.py")
    at.file_uploader(key="import_files").set_value([("venue.csv", coarse_csv(), "text/csv")])
    at.run()
    assert not at.exception
    next(b for b in at.button if b.label == "Open in the dashboard").click().run()
    at.switch_page("app_pages/planner.py").run()
    at.run()
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    assert "too coarse for a backtest" in info
    assert "360 reviews" in info
    assert run_button(at) is None
