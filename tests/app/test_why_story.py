"""'Why did it move?' tells what the period's low-star reviews were about, beside the
waterfall; the Overview links to the page. Under AppTest, on the demo and variants."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import scoring
from tests.app.conftest import APP, ROOT, TIMEOUT, open_app
from ui import why_text
from ui.data import DEMO_PATH, Dataset

HEADING = "**What this period's low-star reviews say**"


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return scoring.load_reviews(DEMO_PATH).reviews


def story_text(at: AppTest) -> str:
    """The paragraph under the story's heading."""
    values = [m.value for m in at.markdown]
    return values[values.index(HEADING) + 1]


def open_dataset(reviews: pd.DataFrame, page: str = "why.py") -> AppTest:
    dataset = Dataset("up-variant", "variant.csv", reviews, f"variant-{len(reviews.columns)}",
                      "upload")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["uploads"] = {dataset.key: dataset}
    at.session_state["dataset"] = dataset.key
    at.switch_page(str(ROOT / "app_pages" / page))
    at.run()
    return at


def themes_page_registered() -> bool:
    """Whether app.py lists a Themes page (another branch adds it)."""
    return "themes.py" in APP.read_text(encoding="utf-8")


def test_inside_the_incident_the_story_names_the_portal(demo: pd.DataFrame) -> None:
    at = open_app("why.py")
    at.segmented_control(key="why_days").set_value(0).run()
    at.date_input(key="why_dates").set_value((dt.date(2025, 7, 3), dt.date(2025, 9, 30))).run()
    assert not at.exception
    start, end = pd.Timestamp("2025-07-03", tz="UTC"), pd.Timestamp("2025-10-01", tz="UTC")
    written = demo["created_at"]
    low = demo[(written > start) & (written <= end) & (demo["rating"] <= 2)]
    text = story_text(at)
    assert text.startswith(f"**{len(low):,} one- and two-star reviews** in this period "
                           f"({int((low['rating'] == 1).sum()):,} one-star), more than in "
                           "the 90 days before (")
    assert "Most are about *portal*, *migration*" in text
    assert "On the rise, the theme *portal · migration · log* (" in text
    # The replies column is still beside the chart.
    assert any("still unanswered**" in m.value for m in at.markdown)


def test_the_last_90_days_say_plainly_that_nothing_clearly_rose() -> None:
    at = open_app("why.py")
    assert not at.exception
    text = story_text(at)
    assert "in this period" in text
    assert "Nothing in what they say clearly rose against the 90 days before" in text


def test_without_review_text_the_page_says_so(demo: pd.DataFrame) -> None:
    at = open_dataset(demo.drop(columns=["title", "text"]))
    assert not at.exception
    assert story_text(at) == why_text.NO_TEXT
    assert len(at.get("plotly_chart")) == 1


def test_without_replies_the_story_is_under_the_chart(demo: pd.DataFrame) -> None:
    at = open_dataset(demo.drop(columns=["replied", "reply_at", "reply_text"]))
    assert not at.exception
    assert not any("still unanswered**" in m.value for m in at.markdown)
    assert "one- and two-star reviews" in story_text(at)


def test_the_themes_link_only_when_the_app_has_the_page() -> None:
    at = open_app("why.py")
    assert not at.exception
    labels = [link.proto.label for link in at.get("page_link")]
    assert (why_text.THEMES_LINK in labels) == themes_page_registered()


def test_the_overview_links_to_why(demo: pd.DataFrame) -> None:
    at = open_app()
    assert not at.exception
    snap = scoring.snapshot(demo)
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    label = why_text.overview_link_label(snap.change_90d)
    assert label.startswith("What moved it +0.10 in 90 days")
    assert links[label] == "why"
