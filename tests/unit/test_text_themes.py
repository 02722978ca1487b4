"""Themes (NMF) and the low-star story on corpora whose topics are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.errors import ParameterError
from scoring.text import find_themes, term_matrix
from scoring.text.story import low_star_story
from scoring.text.themes import NO_THEME

TOPICS = {
    "portal": ["portal", "login", "password", "locked", "account", "website"],
    "refund": ["refund", "money", "charged", "twice", "bank", "payment"],
    "staff": ["staff", "friendly", "helpful", "kind", "patient", "polite"],
}


def corpus(n: int = 600, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Reviews each about one topic (4-6 of its words), dated over two years."""
    rng = np.random.default_rng(seed)
    names = list(TOPICS)
    topic = rng.integers(0, len(names), n)
    texts = [" ".join(rng.choice(TOPICS[names[t]], size=rng.integers(4, 7), replace=False))
             for t in topic]
    stars = np.where(topic == 2, 5, np.where(topic == 0, 1, 2))
    frame = pd.DataFrame({
        "created_at": pd.Timestamp("2024-01-01", tz="UTC")
        + pd.to_timedelta(np.sort(rng.integers(0, 730, n)), unit="D"),
        "rating": stars, "text": texts, "language": "en",
    })
    return frame, topic


def test_themes_recover_the_topics() -> None:
    reviews, topic = corpus()
    found = find_themes(term_matrix(reviews), reviews, n_themes=3)
    assert len(found.names) == 3
    theme_of_topic = {}
    for t, words in enumerate(TOPICS.values()):
        mine = found.theme[topic == t]
        best = np.bincount(mine[mine >= 0]).argmax()
        assert (mine == best).mean() > 0.9
        assert set(found.terms[best]) & set(words)
        theme_of_topic[t] = best
    assert len(set(theme_of_topic.values())) == 3
    summary = found.summary(reviews).set_index("theme")
    assert summary["reviews"].sum() == len(reviews)
    assert summary.loc[found.names[theme_of_topic[2]], "mean_stars"] == 5.0
    assert summary.loc[found.names[theme_of_topic[0]], "low_share"] == 1.0


def test_share_over_time_examples_and_assignment() -> None:
    reviews, _ = corpus()
    found = find_themes(term_matrix(reviews), reviews, n_themes=3)
    shares = found.share_over_time(reviews, "MS")
    per_month = shares.groupby("period")["share"].sum()
    assert np.allclose(per_month, 1.0)
    assert shares["reviews"].sum() == len(reviews)
    examples = found.examples(found.names[0], 4)
    assert len(examples) == 4
    assert (found.assignment().loc[examples] == found.names[0]).all()
    with pytest.raises(ParameterError, match="No theme named"):
        found.examples("nothing")


def test_themes_are_repeatable_and_bounded() -> None:
    reviews, _ = corpus()
    matrix = term_matrix(reviews)
    one = find_themes(matrix, reviews, n_themes=3)
    two = find_themes(matrix, reviews, n_themes=3)
    assert one.names == two.names and (one.theme == two.theme).all()
    with pytest.raises(ParameterError, match="n_themes"):
        find_themes(matrix, reviews, n_themes=1)
    excluded = find_themes(matrix, reviews, n_themes=3, exclude=["portal", "refund"])
    assert not any(t in ("portal", "refund") for terms in excluded.terms for t in terms)


def test_no_text_gives_no_themes() -> None:
    reviews = pd.DataFrame({"created_at": pd.date_range("2024-01-01", periods=5, tz="UTC"),
                            "rating": [1, 2, 3, 4, 5], "text": ["", None, "ok", "", "x"]})
    found = find_themes(term_matrix(reviews), reviews)
    assert found.names == () and (found.theme == NO_THEME).all()


def test_the_low_star_story_names_what_rose() -> None:
    reviews, topic = corpus(900)
    # From 2025-07 the low-star reviews are about refunds, before about the portal.
    late = reviews["created_at"] >= pd.Timestamp("2025-07-01", tz="UTC")
    low = reviews["rating"] <= 2
    refund_text = reviews["text"].where(topic == 1)
    portal_text = reviews["text"].where(topic == 0)
    reviews.loc[late & low, "text"] = refund_text[late & low].fillna(
        " ".join(TOPICS["refund"][:4]))
    reviews.loc[late & low, "rating"] = 1
    reviews.loc[~late & low, "text"] = portal_text[~late & low].fillna(
        " ".join(TOPICS["portal"][:4]))
    matrix = term_matrix(reviews)
    themes = find_themes(matrix, reviews, n_themes=3)
    start = pd.Timestamp("2025-07-01", tz="UTC")
    story = low_star_story(matrix, themes, reviews, start, start + pd.Timedelta(days=90))
    assert story.low_reviews == int((late & low & (reviews["created_at"] < start
                                                   + pd.Timedelta(days=90))).sum())
    assert story.by_stars[2] == 0 and story.by_stars[1] == story.low_reviews
    assert story.baseline == "the 90 days before"
    assert set(story.terms["lemmas"].iloc[:3]) & set(TOPICS["refund"])
    assert not story.themes.empty
    assert set(story.themes["theme"].iloc[0].split(" · ")) & set(TOPICS["refund"])
    assert (story.themes["z"] >= 1.96).all()


def test_the_story_falls_back_to_all_earlier_low_star_reviews() -> None:
    reviews, _ = corpus(300)
    matrix = term_matrix(reviews)
    start = reviews["created_at"].min() + pd.Timedelta(days=10)
    story = low_star_story(matrix, None, reviews, start, start + pd.Timedelta(days=30))
    assert story.baseline == "all earlier low-star reviews"
    assert story.themes.empty
    with pytest.raises(ParameterError, match="end after it starts"):
        low_star_story(matrix, None, reviews, start, start)
