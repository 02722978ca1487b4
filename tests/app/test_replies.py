"""The Replies page under AppTest: the profile figures, charts, backlog and export."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

import scoring
from scoring import replies
from tests.app.conftest import APP, ROOT, TIMEOUT, open_app
from ui.data import DEMO_PATH, Dataset
from ui.replies import text


def test_replies_page_shows_the_engines_figures() -> None:
    at = open_app("replies.py")
    assert not at.exception
    assert at.title[0].value == "Replies"
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    summary = replies.reply_summary(reviews)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Negative reviews answered"] == text.share_text(summary.negative_reply_rate)
    assert metrics["Typical reply time"] == text.duration_text(summary.typical_reply_hours)
    assert metrics["Negative reviews waiting"] == f"{summary.waiting:,}"
    assert len(at.get("plotly_chart")) == 4
    captions = " ".join(c.value for c in at.caption)
    assert "Replies do not enter the TrustScore formula" in captions
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download the reviews waiting (CSV)", "Download an HTML snapshot"]
    backlog = at.dataframe[0].value
    assert list(backlog.columns[:3]) == ["Written", "Stars", "Waiting (days)"]
    assert backlog["Stars"].is_monotonic_increasing


def test_the_window_end_moves_every_figure() -> None:
    at = open_app("replies.py")
    before = {m.label: m.value for m in at.metric}
    at.date_input(key="dates").set_value(
        (pd.Timestamp("2023-11-01").date(), pd.Timestamp("2025-10-15").date())).run()
    assert not at.exception
    during = {m.label: m.value for m in at.metric}
    assert during != before
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    end = pd.Timestamp("2025-10-16", tz="UTC") - pd.Timedelta(1, "ns")
    summary = replies.reply_summary(reviews[reviews["created_at"] <= end], as_of=end)
    assert during["Negative reviews waiting"] == f"{summary.waiting:,}"


def test_a_dataset_without_replies_says_so() -> None:
    bare = scoring.load_reviews(DEMO_PATH).reviews.drop(
        columns=["replied", "reply_at", "reply_text"])
    dataset = Dataset("up-bare", "bare.csv", bare, "bare-hash", "upload")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["uploads"] = {dataset.key: dataset}
    at.session_state["dataset"] = dataset.key
    at.switch_page(str(ROOT / "app_pages" / "replies.py"))
    at.run()
    assert not at.exception
    assert "does not say which reviews were answered" in at.info[0].value
    home = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    home.session_state["uploads"] = {dataset.key: dataset}
    home.session_state["dataset"] = dataset.key
    home.run()
    assert not any(m.value.startswith("**Replies**") for m in home.markdown)


def test_overview_and_why_mention_replies() -> None:
    home = open_app()
    assert any(m.value.startswith("**Replies**: Replied to ") for m in home.markdown)
    why = open_app("why.py")
    assert not why.exception
    assert any("still unanswered**" in m.value for m in why.markdown)


def test_a_dataset_that_only_says_whether_it_replied() -> None:
    """A replied yes/no column and no dates: rates and the backlog, no reply times."""
    demo = scoring.load_reviews(DEMO_PATH).reviews
    flagged = demo.drop(columns=["reply_at", "reply_text"])
    dataset = Dataset("up-flag", "flags.csv", flagged, "flag-hash", "upload")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["uploads"] = {dataset.key: dataset}
    at.session_state["dataset"] = dataset.key
    at.switch_page(str(ROOT / "app_pages" / "replies.py"))
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Typical reply time"] == "not in the data"
    assert metrics["Negative reviews answered"] != "n/a"
    assert [i.value for i in at.info] == [
        "This data says whether a review was answered, not when: there are no reply times "
        "to show."] * 2
