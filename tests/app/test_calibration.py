"""The "Check against Trustpilot" page under AppTest, its numbers checked against the engine.

AppTest does not type into a data editor: a test seeds the editor's edit state
(``edited_rows``, ``added_rows``, ``deleted_rows``) in session state before a run,
which is what the browser sends when a user types.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring.calibration import compare_readings
from scoring.readings import PublishedReading
from scoring.store import Workspace
from tests.app.conftest import ROOT, open_app
from ui.calibration import keys
from ui.calibration.readings import COUNT, DATE, SCORE, SOURCE
from ui.data import DEMO_PATH, Dataset

PAGE = "calibration.py"
EDITOR = keys.editor_key("demo")


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return scoring.load_reviews(DEMO_PATH).reviews


def type_rows(at: AppTest, key: str = EDITOR, *, edited: dict | None = None,
              added: list[dict] | None = None, deleted: list[int] | None = None) -> AppTest:
    """What the browser sends after the user types into the readings table.

    Under AppTest, writing session state makes the URL-bound dataset selector fall back
    to the URL's (absent) value on that run: the chosen dataset is written back with it.
    """
    at.session_state["dataset"] = at.selectbox(key="dataset").value
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": added or [],
                             "deleted_rows": deleted or []}
    return at.run()


def shown_at(reviews: pd.DataFrame, day: str, half_life_days: float = 182.5) -> float:
    """The one-decimal score the profile would have shown at the end of ``day``."""
    at = pd.Timestamp(day, tz="UTC") + pd.Timedelta(hours=23, minutes=59, seconds=59)
    return scoring.display_score(scoring.trust_score(reviews, as_of=at,
                                                     half_life_days=half_life_days))


def open_dataset(key: str, at: AppTest | None = None) -> AppTest:
    """The page on a chosen dataset. (Under AppTest, a second session in the same process
    sometimes ignores the first ``set_value`` on the URL-bound selector; setting its
    session state is what the selector reads on every run.)"""
    at = at if at is not None else open_app(PAGE)
    at.session_state["dataset"] = key
    at.run()
    assert not at.exception and at.selectbox(key="dataset").value == key
    return at


def texts(elements) -> str:
    return " ".join(element.value for element in elements)


def test_the_page_opens_on_the_demo_with_a_row_for_today() -> None:
    at = open_app(PAGE)
    assert not at.exception
    assert at.title[0].value == "Check against Trustpilot"
    table = at.data_editor[0].value
    assert list(table.columns) == [DATE, SCORE, COUNT, SOURCE]
    assert len(table) == 1 and table[DATE].iloc[0] == pd.Timestamp.now(tz="UTC").date().isoformat()
    assert pd.isna(table[SCORE].iloc[0]) and table[SOURCE].iloc[0] == "typed"
    assert "Type the TrustScore shown on the profile" in texts(at.info)
    assert not at.error


def test_the_overview_links_to_the_page() -> None:
    at = open_app()
    links = [link for link in at.get("page_link")
             if link.proto.label == "Does this match your Trustpilot profile? Check it"]
    assert len(links) == 1
    assert links[0].proto.page.endswith("check")


def test_typing_a_reading_shows_both_models_and_their_errors(demo: pd.DataFrame) -> None:
    at = open_app(PAGE)
    earlier = "2025-06-30"
    type_rows(at, edited={0: {SCORE: 4.1, COUNT: len(demo)}},
              added=[{DATE: earlier, SCORE: 3.6}])
    assert not at.exception and not at.error
    now = pd.Timestamp.now(tz="UTC").normalize() + pd.Timedelta(hours=23, minutes=59, seconds=59)
    readings = [PublishedReading(now, 4.1, len(demo)),
                PublishedReading(pd.Timestamp(earlier, tz="UTC") + pd.Timedelta(
                    hours=23, minutes=59, seconds=59), 3.6)]
    expected = compare_readings(demo, readings)
    metrics = {metric.label: metric for metric in at.metric}
    assert metrics[f"Published on {now:%d %b %Y}"].value == "4.1"
    fitted = metrics["Trustpilot model"]
    assert fitted.value == f"{expected['trustpilot_score'].iloc[0]:.3f}"
    assert f"{expected['trustpilot_error'].iloc[0]:+.3f}" in fitted.proto.delta
    decayed = metrics["Decayed prior model"]
    assert decayed.value == f"{expected['decayed_prior_score'].iloc[0]:.3f}"
    assert f"{expected['decayed_prior_error'].iloc[0]:+.3f}" in decayed.proto.delta
    table = at.dataframe[-1].value
    assert list(table["Published"]) == [4.1, 3.6]
    assert table["Trustpilot error"].to_numpy() == pytest.approx(
        expected["trustpilot_error"].to_numpy())
    assert table["Decayed prior error"].to_numpy() == pytest.approx(
        expected["decayed_prior_error"].to_numpy())
    assert list(table["Reviews in file"]) == list(expected["reviews_in_file"])
    assert "to the decimal" in texts(at.markdown)
    assert len(at.get("plotly_chart")) == 1
    # The demo file is complete: no warning about missing reviews.
    assert not at.warning


def test_bad_rows_get_a_message_naming_the_row_never_a_traceback() -> None:
    at = open_app(PAGE)
    type_rows(at, edited={0: {SCORE: 7.0}}, added=[
        {DATE: "31/02/2026", SCORE: 4.0},
        {DATE: "next tuesday-ish", SCORE: 4.0},
        {DATE: "2025-01-01", SCORE: 4.0, COUNT: -3},
        {DATE: "", SCORE: 4.2},
    ])
    assert not at.exception
    errors = [element.value for element in at.error]
    assert len(errors) == 5
    assert errors[0].startswith("Row 1 \\(") and "7 is not one" in errors[0]
    assert errors[1].startswith("Row 2") and "day\\-first or month\\-first" in errors[1]
    assert errors[2].startswith("Row 3") and "is not a date" in errors[2]
    assert errors[3].startswith("Row 4") and "whole number" in errors[3]
    assert errors[4].startswith("Row 5") and "add the date" in errors[4]
    assert "Type the TrustScore shown on the profile" in texts(at.info)


def test_typed_text_stays_text_in_messages() -> None:
    at = open_app(PAGE)
    hostile = "**bold** [x](javascript:alert(1)) <b>tag</b>"
    type_rows(at, edited={0: {DATE: hostile, SCORE: 4.0}})
    assert not at.exception
    message = at.error[0].value
    assert "\\*\\*bold\\*\\*" in message and "\\[x\\]\\(javascript" in message
    assert "\\<b\\>tag\\</b\\>" in message


def test_an_incomplete_file_gets_a_plain_warning(demo: pd.DataFrame) -> None:
    at = open_app(PAGE)
    published = 2 * len(demo)
    type_rows(at, edited={0: {SCORE: 4.3, COUNT: published}})
    assert not at.exception
    warning = texts(at.warning)
    assert f"The file holds {len(demo):,} of the {published:,} reviews" in warning
    assert "50%" in warning and "all 1\\-star" not in warning  # plain text, not markdown
    assert "could move the score anywhere from" in warning and "incomplete" in warning


def test_the_fit_finds_the_half_life_and_apply_sets_the_sidebar(demo: pd.DataFrame) -> None:
    days = ["2024-06-30", "2024-12-31", "2025-06-30", "2025-09-30", "2025-12-31",
            "2026-03-31", "2026-06-30", "2026-09-30"]
    at = open_app(PAGE)
    type_rows(at, deleted=[0], added=[{DATE: day, SCORE: shown_at(demo, day, 90.0)}
                                      for day in days])
    assert not at.exception and not at.error
    at.button(key="calib_fit").click().run()
    assert not at.exception
    metrics = {metric.label: metric.value for metric in at.metric}
    best = float(metrics["Best half-life"].removesuffix(" days"))
    assert 60 < best < 130
    assert "The readings pin the half-life" in texts(at.success)
    assert len(at.get("plotly_chart")) == 2
    apply = at.button(key="calib_apply")
    assert apply.proto.label.startswith("Apply ") and apply.proto.label.endswith(
        " days to the sidebar")
    applied = float(apply.proto.label.split()[1])
    apply.click().run()
    assert not at.exception
    assert at.session_state["half_life"] == applied
    assert at.select_slider(key="half_life").value == applied
    assert "The sidebar now uses a half-life of" in texts(at.success)
    # The fit still shows after applying (it does not depend on the sidebar's half-life).
    assert any(metric.label == "Best half-life" for metric in at.metric)


def test_one_reading_cannot_fit_two_parameters(demo: pd.DataFrame) -> None:
    at = open_app(PAGE)
    type_rows(at, edited={0: {SCORE: shown_at(demo, "2026-11-30")}})
    at.checkbox(key="calib_prior").check().run()
    at.button(key="calib_fit").click().run()
    assert not at.exception
    assert "do not pin the half-life and the prior count down" in texts(at.warning)
    assert "cannot pin 2 parameters" in texts(at.markdown)
    label = at.button(key="calib_apply").proto.label
    assert " and a prior of " in label


def test_readings_survive_a_page_switch() -> None:
    at = open_app(PAGE)
    type_rows(at, added=[{DATE: "2025-06-30", SCORE: 3.9}])
    at.switch_page(str(ROOT / "app_pages" / "home.py")).run()
    at.switch_page(str(ROOT / "app_pages" / PAGE)).run()
    assert not at.exception
    table = at.data_editor[0].value
    assert list(table[SCORE].dropna()) == [3.9]


def test_readings_save_and_reload_with_a_workspace_dataset(demo: pd.DataFrame) -> None:
    path = Path(os.environ["TRUSTLENS_WORKSPACE"])
    with Workspace(path) as ws:
        dataset_id = ws.save_dataset("Saved profile", demo.head(500)).id
    key = f"ws{dataset_id}"
    at = open_dataset(key)
    type_rows(at, keys.editor_key(key), edited={0: {DATE: "2024-03-31", SCORE: 4.0,
                                                             COUNT: 480}})
    save = at.button(key="calib_save")
    assert not save.disabled
    save.click().run()
    assert not at.exception
    assert "Saved 1 reading with the dataset." in texts(at.success)

    # A new session (another user, or tomorrow) opens the dataset with its reading.
    again = open_dataset(key)
    table = again.data_editor[0].value
    saved = table[table[SCORE].notna()]
    assert list(saved[DATE]) == ["2024-03-31"] and list(saved[SCORE]) == [4.0]
    assert list(saved[COUNT]) == [480]
    assert again.button(key="calib_save").disabled  # nothing new to save
    assert "Saved with the dataset." in texts(again.caption)


def test_readings_found_in_a_saved_page_come_prefilled_with_their_source(
    demo: pd.DataFrame,
) -> None:
    """An import that found readings (a saved Trustpilot page) opens with them, marked
    with where they came from; a hostile source name stays text in the tables."""
    hostile = "saved page **x** <img src=x onerror=alert(1)>.html"
    readings = (PublishedReading("2026-10-31T22:40:00Z", 4.3, len(demo), hostile),
                PublishedReading("2026-01-15", 3.6, None, "saved page old.html"))
    dataset = Dataset("upload-abc", "profile.html", demo, "abc" * 20, "upload",
                      readings=readings)
    at = open_app(PAGE)
    at.session_state["uploads"] = {dataset.key: dataset}  # what "Open in the dashboard" does
    at.run()
    at = open_dataset(dataset.key, at)
    assert not at.exception and not at.error
    table = at.data_editor[0].value
    assert list(table[SOURCE]) == ["typed", hostile, "saved page old.html"]
    assert list(table[DATE]) == [pd.Timestamp.now(tz="UTC").date().isoformat(),
                                 "2026-10-31 22:40", "2026-01-15 00:00"]
    shown_table = at.dataframe[-1].value
    assert list(shown_table["Source"]) == [hostile, "saved page old.html"]
    assert "Readings are kept for this session" in texts(at.caption)
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Published on 31 Oct 2026"] == "4.3"
