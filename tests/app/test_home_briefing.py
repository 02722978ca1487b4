"""The Overview's briefing under AppTest: its sentences for the demo data, their tooltips
and links, a dataset without replies, and the wait for its slow figures."""

from __future__ import annotations

import time
from collections import OrderedDict

import pytest
from streamlit.testing.v1 import AppTest

import scoring
from tests.app.conftest import APP, TIMEOUT, open_app
from ui import briefing
from ui.data import DEMO_PATH, Dataset

SCORE = ("The TrustScore is **4\\.3**, **Excellent**, shown as **4\\.5 stars**, from "
         "**14,891 reviews**\\.")


def complete(at: AppTest) -> AppTest:
    """The run left no error (the page waits for the briefing's background figures at the
    end of its script, so one run gives the whole briefing)."""
    assert not at.exception
    return at


def briefing_lines(at: AppTest) -> list:
    return [m for m in at.markdown if m.value.startswith(("The TrustScore is ", "It rose ",
                                                          "It fell ", "It held ", "People wrote",
                                                          "The team replied", "Reaching ",
                                                          "5 stars by "))]


@pytest.fixture
def fresh_jobs(monkeypatch: pytest.MonkeyPatch):
    """No finished background jobs to reuse, and a goal seek that takes ``delay`` seconds
    (set on the returned dict)."""
    monkeypatch.setattr(briefing, "_JOBS", OrderedDict())
    real, slow = briefing.goal_of, {"delay": 0.0}

    def goal_of(*args, **kwargs):
        time.sleep(slow["delay"])
        return real(*args, **kwargs)

    monkeypatch.setattr(briefing, "goal_of", goal_of)
    yield slow
    briefing.wait_for_jobs(timeout=300)


def test_one_run_waits_for_the_slow_sentences_and_clears_its_note(fresh_jobs) -> None:
    fresh_jobs["delay"] = 1.5
    at = open_app()
    assert not at.exception
    lines = briefing_lines(at)
    assert lines[0].value == SCORE and lines[1].value.startswith("It rose ")
    assert len(lines) == 5
    assert not any("follow in a moment" in c.value for c in at.caption)


def test_a_goal_seek_slower_than_the_wait_leaves_the_quick_sentences(
    fresh_jobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_jobs["delay"] = 5.0
    monkeypatch.setattr(briefing, "WAIT_SECONDS", 0.5)
    at = open_app()
    assert not at.exception
    lines = briefing_lines(at)
    assert lines[0].value == SCORE
    assert not any(m.value.startswith(("Reaching ", "5 stars by ")) for m in lines)
    assert any("still being worked out" in c.value for c in at.caption)


def test_the_briefing_sits_on_top_of_the_overview_for_the_demo() -> None:
    at = complete(open_app())
    reviews = scoring.load_reviews(DEMO_PATH).reviews
    expected = scoring.full_briefing(reviews)
    lines = briefing_lines(at)
    # The demo's words are read too: the themes sentence comes third.
    assert [m.value.split(" ")[0] for m in lines] == ["The", "It", "People", "The", "5"]
    assert lines[0].value == SCORE
    for sentence in expected.sentences:
        assert briefing.markdown(sentence) in [m.value for m in lines]
    assert "still wait" in lines[3].value and "**93%**" in lines[3].value
    assert "out of reach at this pace" in lines[4].value
    # Above the headline figures, and the placeholder note is gone once filled in.
    assert at.markdown[0].value == "**In brief**"
    assert not any("on their way" in c.value for c in at.caption)


def test_every_briefing_number_has_a_tooltip_and_its_page_a_link() -> None:
    at = complete(open_app())
    for line in briefing_lines(at):
        figures = line.value.count("**") // 2
        assert figures >= 1
        assert line.proto.help.count("**") // 2 == figures  # one source line per number
    labels = {link.proto.label: link.proto.page for link in at.get("page_link")}
    for page in ("Why did it move?", "Themes", "Replies", "Planner"):
        assert page in labels, page
    assert labels["Why did it move?"].endswith("why")


def test_a_dataset_without_replies_has_no_replies_sentence() -> None:
    bare = scoring.load_reviews(DEMO_PATH).reviews.drop(
        columns=["replied", "reply_at", "reply_text"])
    dataset = Dataset("up-bare", "bare.csv", bare, "bare-hash", "upload")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["uploads"] = {dataset.key: dataset}
    at.session_state["dataset"] = dataset.key
    at.run()
    complete(at)
    lines = briefing_lines(at)
    assert lines and lines[0].value == SCORE
    assert not any(m.value.startswith("The team replied") for m in lines)
    assert "Replies" not in {link.proto.label for link in at.get("page_link")}
