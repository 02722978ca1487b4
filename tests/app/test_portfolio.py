"""The Portfolio page under AppTest: the demo's locations, a built portfolio with a falling
location, filters, a scores file, and the way to the Overview with the filter set."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring.portfolio import at_risk, portfolio_table
from tests.app.conftest import APP, ROOT, TIMEOUT, open_app
from ui.data import DEMO_PATH, Dataset

END = pd.Timestamp("2026-10-31 18:00", tz="UTC")
ODD_NAME = "<b>Bold</b> *Shop* [x](javascript:alert(1))"


def _portfolio_reviews() -> pd.DataFrame:
    """Twelve locations: steady ones, one falling fast, one with a hostile name."""
    rng = np.random.default_rng(7)
    rows = []
    for g in range(12):
        name = ODD_NAME if g == 11 else f"Store {g:02d}"
        for day in range(0, 500, 2 + g % 3):
            created = END - pd.Timedelta(days=day, hours=int(rng.integers(0, 12)))
            if g == 0 and day < 80:  # falling: recent reviews are all 1-2 stars
                stars = int(rng.choice([1, 2]))
            else:
                stars = int(rng.choice([3, 4, 5], p=[0.1, 0.3, 0.6]))
            rows.append({"created_at": created, "rating": stars, "location": name,
                         "company": "Chain Ltd", "replied": bool(stars > 2 or day % 3)})
    return pd.DataFrame(rows).sort_values("created_at", ignore_index=True)


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return _portfolio_reviews()


def _open(reviews: pd.DataFrame) -> AppTest:
    dataset = Dataset("upload-portfolio", "portfolio.csv", reviews, "portfolio-hash", "upload")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["uploads"] = {dataset.key: dataset}
    at.session_state["dataset"] = dataset.key
    at.switch_page(str(ROOT / "app_pages" / "portfolio.py"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, key: str) -> pd.DataFrame:
    (frame,) = [d for d in at.dataframe if d.proto.id and key in d.proto.id]
    return frame.value


def test_demo_locations_match_the_engine() -> None:
    at = open_app("portfolio.py")
    assert not at.exception
    demo = scoring.load_reviews(DEMO_PATH).reviews
    expected = scoring.score_table(demo, by="location")
    table = at.dataframe[-1].value
    assert list(table["Location"]) == list(expected.index)  # best first
    assert np.allclose(table["Exact score"], expected["score"], rtol=0, atol=1e-9)
    assert np.allclose(table["Change 90 days"], expected["score_change"], rtol=0, atol=1e-9)
    assert all(len(line) == 12 for line in table["Last 12 months"])
    assert table["Negative answered"].between(0, 100).all()  # the demo has replies
    assert at.metric[0].value == "3"


def test_a_falling_location_is_at_risk_with_its_reason(reviews: pd.DataFrame) -> None:
    at = _open(reviews)
    risk = _table(at, "portfolio_risk")
    params = scoring.ScoreParams()
    expected = at_risk(portfolio_table(reviews, "location", params=params), params)
    assert list(risk["Location"]) == list(expected["location"])
    assert "Store 00" in set(risk["Location"])
    row = risk[risk["Location"] == "Store 00"].iloc[0]
    ahead = expected[expected["location"] == "Store 00"].iloc[0]
    assert row["Why"].startswith("Falls from" if ahead["status"] == "ahead" else "Fell from")
    assert "last 90 days' pace" in row["Why"] or ahead["status"] == "crossed"
    # a shorter horizon cannot hold more groups at risk
    at.select_slider(key="portfolio_horizon").set_value(30).run()
    assert not at.exception
    fewer = _table(at, "portfolio_risk")
    assert (fewer["Status"] == "At risk").sum() <= (risk["Status"] == "At risk").sum()


def test_a_chosen_threshold(reviews: pd.DataFrame) -> None:
    at = _open(reviews)
    at.segmented_control(key="portfolio_watch").set_value("threshold").run()
    at.number_input(key="portfolio_threshold").set_value(4.6).run()
    assert not at.exception
    params = scoring.ScoreParams()
    expected = at_risk(portfolio_table(reviews, "location", params=params), params,
                       threshold=4.6)
    if expected.empty:
        assert at.success
    else:
        risk = _table(at, "portfolio_risk")
        assert list(risk["Location"]) == list(expected["location"])
        assert all("4.6" in why for why in risk["Why"])


def test_filters_and_plain_names(reviews: pd.DataFrame) -> None:
    at = _open(reviews)
    every = _table(at, "portfolio_table")
    assert len(every) == 12
    assert ODD_NAME in set(every["Location"])  # a cell of plain text, unchanged
    assert all(ODD_NAME not in md.value for md in at.markdown)
    at.text_input(key="portfolio_search").set_value("store 0").run()
    assert list(_table(at, "portfolio_table")["Location"]) == sorted(
        [f"Store {g:02d}" for g in range(10)],
        key=list(every["Location"]).index)
    at.text_input(key="portfolio_search").set_value("").run()
    at.multiselect(key="portfolio_labels").set_value(["Excellent"]).run()
    assert set(_table(at, "portfolio_table")["Label"]) <= {"Excellent"}
    at.multiselect(key="portfolio_labels").set_value([]).run()
    most = int(every["Reviews"].max())
    at.number_input(key="portfolio_min_reviews").set_value(most).run()
    assert (_table(at, "portfolio_table")["Reviews"] >= most).all()


def test_a_row_opens_the_overview_with_the_filter_set(reviews: pd.DataFrame) -> None:
    at = _open(reviews)
    at.session_state["portfolio_table"] = {"selection": {"rows": [0], "columns": [],
                                                         "cells": []}}
    at.run()
    first = _table(at, "portfolio_table")["Location"].iloc[0]
    overview = at.button(key="portfolio_open_row_home")
    overview.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["filter_location"] == [first]
    assert at.title[0].value != "Portfolio"  # the Overview opened
    assert at.multiselect(key="filter_location").value == [first]


def test_a_dataset_without_groups_says_which_column(reviews: pd.DataFrame) -> None:
    at = _open(reviews.drop(columns=["location", "company"]))
    assert any("location" in info.value and "company" in info.value for info in at.info)
    assert any(link.proto.page.endswith("import") for link in at.get("page_link"))


def test_a_scores_file_is_shown_as_the_table(reviews: pd.DataFrame) -> None:
    scores = scoring.score_table(reviews, "location").reset_index()
    scores["as_of"] = END
    scores["model"] = "trustpilot"
    buffer = io.BytesIO()
    scores.to_parquet(buffer, index=False)
    at = _open(reviews)
    at.file_uploader(key="portfolio_scores").upload("scores.parquet", buffer.getvalue())
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Group"]) == list(scores["location"])
    assert np.allclose(table["Exact score"], scores["score"], rtol=0, atol=1e-12)
    assert any("no sparkline" in info.value for info in at.info)
    at.file_uploader(key="portfolio_scores").upload("bad.parquet", b"not parquet")
    at.run()
    assert not at.exception and at.error


def test_both_columns_offer_a_choice(reviews: pd.DataFrame) -> None:
    two = reviews.assign(company=np.where(reviews["location"] < "Store 05", "North Ltd",
                                          "South Ltd"))
    at = _open(two)
    assert at.segmented_control(key="portfolio_by").value == "location"
    at.segmented_control(key="portfolio_by").set_value("company").run()
    assert not at.exception
    table = _table(at, "portfolio_table")
    expected = scoring.score_table(two, by="company")
    assert list(table["Company"]) == list(expected.index)
    assert np.allclose(table["Exact score"], expected["score"], rtol=0, atol=1e-9)


def _select(at: AppTest, name: str) -> None:
    table = _table(at, "portfolio_table")
    row = list(table["Location"]).index(name)
    at.session_state["portfolio_table"] = {"selection": {"rows": [row], "columns": [],
                                                         "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_hostile_name_is_escaped_where_it_is_written(reviews: pd.DataFrame) -> None:
    from ui.format import escape_markdown

    at = _open(reviews)
    _select(at, ODD_NAME)
    texts = [md.value for md in at.markdown]
    assert f"**{escape_markdown(ODD_NAME)}**: open it on its own" in texts
    assert all(ODD_NAME not in text for text in texts)
    at.button(key="portfolio_open_row_why").click().run()
    assert not at.exception
    assert at.multiselect(key="filter_location").value == [ODD_NAME]


def test_reviews_without_a_location_form_a_group_that_cannot_be_opened(
        reviews: pd.DataFrame) -> None:
    some = reviews.assign(location=reviews["location"].where(reviews.index % 7 != 0))
    at = _open(some)
    assert "(none)" in set(_table(at, "portfolio_table")["Location"])
    _select(at, "(none)")
    assert any("cannot be opened on its own" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key and b.key.startswith("portfolio_open_row")]


def _many_locations() -> pd.DataFrame:
    """510 locations: 509 with three reviews each, and "Zz Last" with one, so it is not
    among the sidebar's 500 most frequent values."""
    rows = [{"created_at": END - pd.Timedelta(days=d + g % 50), "rating": 1 + (g + d) % 5,
             "location": f"Store {g:03d}", "company": "Chain Ltd"}
            for g in range(509) for d in range(3)]
    rows.append({"created_at": END - pd.Timedelta(days=4), "rating": 2,
                 "location": "Zz Last", "company": "Chain Ltd"})
    return pd.DataFrame(rows).sort_values("created_at", ignore_index=True)


def _app_on(reviews: pd.DataFrame, page: str) -> AppTest:
    dataset = Dataset("upload-many", "many.csv", reviews, "many-locations-hash", "upload")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["uploads"] = {dataset.key: dataset}
    at.session_state["dataset"] = dataset.key
    at.switch_page(str(ROOT / "app_pages" / page))
    return at


def test_a_location_outside_the_sidebar_list_opens_from_a_row_or_a_link() -> None:
    from ui import controls

    reviews = _many_locations()
    assert "Zz Last" not in controls._filter_options("many-locations-hash", reviews)["location"]
    # A Portfolio row's button sets the filter in session state, then opens the page.
    at = _app_on(reviews, "why.py")
    at.session_state["filter_location"] = ["Zz Last"]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="filter_location").value == ["Zz Last"]
    # A shared link names it in the URL.
    at = _app_on(reviews, "home.py")
    at.query_params["filter_location"] = "Zz Last"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="filter_location").value == ["Zz Last"]
    assert {m.label: m.value for m in at.metric}["Reviews"] == "1"
    assert "location\\: Zz Last" in at.caption[0].value
    # A name the data does not hold is not offered.
    at = _app_on(reviews, "home.py")
    at.query_params["filter_location"] = "Nowhere"
    at.run()
    assert "Nowhere" not in at.multiselect(key="filter_location").options


def test_many_groups_come_a_page_at_a_time_in_the_chosen_order() -> None:
    from ui import portfolio as parts

    reviews = _many_locations()
    at = _app_on(reviews, "portfolio.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    first = _table(at, "portfolio_table")
    assert len(first) == parts.PAGE_ROWS
    scores = list(first["Exact score"])
    assert scores == sorted(scores, reverse=True)
    assert any("510 of 510 locations (rows 1 to 500 on this page)" in c.value.replace("\\", "")
               for c in at.caption)
    at.number_input(key="portfolio_page").set_value(2).run()
    second = _table(at, "portfolio_table")
    assert len(second) == 10 and set(second["Location"]).isdisjoint(first["Location"])
    assert max(second["Exact score"]) <= min(scores)
    # Name order over every row; a search with fewer rows goes back to page 1.
    at.selectbox(key="portfolio_sort").set_value("name").run()
    assert list(_table(at, "portfolio_table")["Location"]) == ["Store 500", "Store 501",
        "Store 502", "Store 503", "Store 504", "Store 505", "Store 506", "Store 507",
        "Store 508", "Zz Last"]
    at.text_input(key="portfolio_search").set_value("Store 00").run()
    assert not at.exception
    assert list(_table(at, "portfolio_table")["Location"]) == [f"Store {g:03d}"
                                                               for g in range(10)]
    assert not [n for n in at.number_input if n.key == "portfolio_page"]  # one page now


def test_sort_orders_with_missing_changes_last() -> None:
    from ui import portfolio as parts

    table = pd.DataFrame({"score": [4.0, 3.0, 4.5], "change_30": [0.1, np.nan, -0.2],
                          "reviews": [5, 9, 1]}, index=["b", "C", "a"])
    assert list(parts.sort_rows(table, "best").index) == ["a", "b", "C"]
    assert list(parts.sort_rows(table, "worst").index) == ["C", "b", "a"]
    assert list(parts.sort_rows(table, "fall30").index) == ["a", "b", "C"]
    assert list(parts.sort_rows(table, "name").index) == ["a", "b", "C"]
    assert list(parts.sort_rows(table, "reviews").index) == ["C", "b", "a"]
    assert list(parts.sort_rows(table.drop(columns="change_30"), "fall30").index) == [
        "a", "b", "C"]
    assert parts.page_count(0) == 1 and parts.page_count(500) == 1 and parts.page_count(501) == 2
    assert list(parts.page_of(table, 2, size=2).index) == ["a"]
    assert parts.page_note(2, 10) == " (rows 501 to 510 on this page)"
