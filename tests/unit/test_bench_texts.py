"""The text benchmark's review generator (benchmarks/texts.py) gives what it promises.

Fast: the hand-written words only (no ``simplemma`` dictionary is read).
"""

from __future__ import annotations

import pandas as pd

from benchmarks import texts

N = 3_000


def _reviews(**options: object) -> pd.DataFrame:
    return texts.review_texts(N, dictionary_words=False, **options)


def test_the_same_size_and_seed_give_the_same_reviews() -> None:
    first = _reviews(language_column=True)
    pd.testing.assert_frame_equal(first, _reviews(language_column=True))
    assert not first.equals(texts.review_texts(N, seed=1, dictionary_words=False,
                                               language_column=True))
    assert list(first.columns) == ["created_at", "rating", "title", "text", "company",
                                   "language"]
    assert first["created_at"].is_monotonic_increasing
    assert str(first["created_at"].dt.tz) == "UTC"
    assert set(first["rating"]) == {1, 2, 3, 4, 5}


def test_lengths_languages_and_empty_texts() -> None:
    reviews = _reviews(language_column=True)
    title_words = reviews["title"].dropna().str.split().str.len()
    assert title_words.between(2, 6 * 3).all()  # 2-6 draws, a few of them phrases
    assert 3 <= title_words.median() <= 6
    assert 0.01 < reviews["title"].isna().mean() < 0.06
    assert 0.02 < reviews["text"].isna().mean() < 0.07
    text_words = reviews["text"].dropna().str.split().str.len()
    assert text_words.min() >= 5 and 20 <= text_words.median() <= 45
    german = (reviews["language"] == "de").mean()
    assert abs(german - texts.GERMAN_SHARE) < 0.03
    assert set(reviews["language"]) == {"en", "de"}
    assert "language" not in _reviews().columns
    english_only = _reviews(german_share=0.0, language_column=True)
    assert set(english_only["language"]) == {"en"}


def test_low_and_high_stars_read_differently_and_a_topic_rises() -> None:
    reviews = texts.review_texts(20_000, dictionary_words=False, german_share=0.0)
    words = (reviews["title"].fillna("") + " " + reviews["text"].fillna("")).str.lower()
    low = reviews["rating"] <= 2
    refund = words.str.contains("refund")
    recommend = words.str.contains("recommend")
    assert refund[low].mean() > 3 * refund[~low].mean()
    assert recommend[~low].mean() > 3 * recommend[low].mean()
    start, end = texts.rise_period()
    assert end - start == pd.Timedelta(days=texts.RISE_DAYS)
    in_period = (reviews["created_at"] >= start) & (reviews["created_at"] < end)
    assert in_period.any() and (reviews["created_at"] < end).all()
    app = words.str.contains(r"\b(?:app|login|password)\b")
    before = (reviews["created_at"] >= start - (end - start)) & (reviews["created_at"] < start)
    assert app[in_period & low].mean() > 2 * app[before & low].mean()


def test_typos_make_the_vocabulary_grow_with_the_reviews() -> None:
    def distinct(n: int) -> int:
        reviews = texts.review_texts(n, dictionary_words=False, german_share=0.0)
        joined = " ".join(reviews["text"].dropna())
        return len(set(joined.lower().split()))

    small, large = distinct(1_000), distinct(8_000)
    assert large > 2 * small
