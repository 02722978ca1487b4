"""The term matrix: words, phrases, what is left out, and weird texts."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.errors import ParameterError
from scoring.text import language, term_matrix, terms
from scoring.text.tokens import tokenise


def reviews(texts: list[object], *, titles: list[object] | None = None,
            lang: str | None = "en", **columns: list[object]) -> pd.DataFrame:
    n = len(texts)
    frame = pd.DataFrame({
        "created_at": pd.date_range("2024-01-01", periods=n, freq="D", tz="UTC"),
        "rating": [1 + i % 5 for i in range(n)],
        "title": titles if titles is not None else [None] * n,
        "text": texts,
        **columns,
    })
    if lang is not None:
        frame["language"] = lang
    return frame


def row_terms(matrix: terms.TermMatrix, row: int) -> set[str]:
    cols = matrix.matrix[row].indices
    return set(matrix.terms["lemmas"].iloc[cols])


def test_words_are_lemmatised_counted_once_per_review_and_stop_words_left_out() -> None:
    texts = ["The delivery was delayed, delayed again!", "Delays and more delays.",
             "My claim was delayed.", "Great price, great staff."] * 3
    found = term_matrix(reviews(texts))
    table = found.terms.set_index("lemmas")
    assert table.loc["delay", "reviews"] == 9  # delayed, delays: one lemma; once per review
    assert table.loc["delay", "term"] in {"delayed", "delays"}  # shown as written
    assert not {"the", "was", "and", "more", "my"} & set(table.index)
    assert found.matrix.max() == 1
    assert found.matrix.dtype == np.int8


def test_phrases_stay_inside_one_sentence_and_titles_are_their_own() -> None:
    texts = ["Customer service. Portal broken.", "customer service portal broken"] * 3
    found = term_matrix(reviews(texts, titles=["Never again"] * 6))
    lemmas = set(found.terms["lemmas"])
    assert "customer service" in lemmas and "portal break" in lemmas
    first = row_terms(found, 0)
    assert "service portal" not in first  # across the full stop
    assert "service portal" in row_terms(found, 1)
    assert not any("again customer" in t for t in lemmas)  # title and text never join


def test_numbers_are_not_terms_and_rare_terms_are_dropped() -> None:
    texts = ["Paid 250 euros on 12.03.2024 for 3 months", "Paid 99 for 2 months"] * 3 + [
        "unique snowflake"]
    found = term_matrix(reviews(texts))
    assert not any(re.search(r"\d", t) for t in found.terms["term"])
    assert "snowflake" not in set(found.terms["lemmas"])
    assert (found.terms["reviews"] >= terms.MIN_REVIEWS).all()


def test_names_are_left_out_but_capitalised_abbreviations_and_german_nouns_stay() -> None:
    english = [f"I spoke to Sarah and the ICE was late {i}." for i in range(5)]
    found = term_matrix(reviews(english, reviewer=["Tom Baker"] * 5))
    lemmas = set(found.terms["lemmas"])
    assert "sarah" not in lemmas and "sarah" in found.names
    assert "ice" in lemmas  # all capitals: an abbreviation, not a name
    german = ["Der Zug hatte wieder Verspätung.", "Verspätung und der Zug war voll."] * 3
    found_de = term_matrix(reviews(german, lang="de"))
    assert {"zug", "verspätung"} <= set(found_de.terms["lemmas"])
    assert "Zug" in set(found_de.terms["term"])  # a German noun keeps its capital


def test_reviewer_and_company_names_are_left_out() -> None:
    texts = ["Baker was rude, Bramblegate never called back.",
             "Bramblegate lost my claim, Baker did nothing."] * 3
    found = term_matrix(reviews(texts, reviewer=["Jo Baker"] * 6, company=["Bramblegate"] * 6))
    lemmas = set(found.terms["lemmas"])
    assert not {"baker", "bramblegate"} & lemmas
    assert {"rude", "claim"} <= lemmas


def test_excluded_matches_words_as_written_or_as_lemma_inside_phrases() -> None:
    texts = ["Deutsche Bahn app crashed", "the bahn app crashed again"] * 3
    found = term_matrix(reviews(texts, lang="de"))
    out = found.excluded(["Bahn"])
    gone = set(found.terms.loc[out, "lemmas"])
    assert gone and all("bahn" in t.split() for t in gone)
    assert not found.excluded([]).any()
    crashes = found.excluded(["crashes"])  # the lemma of an English form matches
    assert set(found.terms.loc[crashes, "lemmas"]) == {
        t for t in found.terms["lemmas"] if "crash" in t.split()}


def test_reviews_using_gives_the_labels_of_the_reviews_with_the_term() -> None:
    frame = reviews(["portal down", "all fine", "portal slow", "portal ok", "fine"])
    frame.index = [10, 20, 30, 40, 50]
    found = term_matrix(frame)
    assert list(found.reviews_using("portal")) == [10, 30, 40]
    assert found.reviews_using("nothing like it").empty


def test_a_large_table_is_sampled_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terms, "MAX_REVIEWS", 40)
    found = term_matrix(reviews(["slow claim"] * 100))
    assert found.sampled and found.total_reviews == 100 and len(found.index) == 40


def test_max_terms_keeps_the_most_used() -> None:
    texts = ["alpha"] * 9 + ["beta"] * 6 + ["gamma"] * 3
    found = term_matrix(reviews(texts), max_terms=2)
    assert list(found.terms["lemmas"]) == ["alpha", "beta"]


def test_parameters_are_checked() -> None:
    with pytest.raises(ParameterError, match="max_words"):
        term_matrix(reviews(["x"]), max_words=4)
    with pytest.raises(ParameterError, match="min_reviews"):
        term_matrix(reviews(["x"]), min_reviews=0)


def test_a_table_without_text_gives_no_terms() -> None:
    frame = reviews(["x"]).drop(columns=["title", "text"])
    found = term_matrix(frame)
    assert found.terms.empty and found.matrix.shape == (1, 0)


WEIRD = [
    "", None, float("nan"), 42, "   ", "\x00\x01\x02\xff\xfe binary", "a" * 1_000_000,
    "日本語のレビューは空白がありません。とても良いサービスでした。", "ขอบคุณมากครับบริการดีมาก",
    "مرحبا الخدمة ممتازة جدا", "😀😀😀 🙄 great 👍", "Mixed: très bien, sehr gut, very good",
    "\ud800 lone surrogate", "line\r\nbreaks\ttabs", "=cmd|' /C calc'!A0", "<script>x</script>",
]


def test_weird_texts_never_raise() -> None:
    found = term_matrix(reviews(WEIRD * 3, titles=WEIRD[::-1] * 3, lang=None))
    assert found.matrix.shape[0] == len(WEIRD) * 3
    assert all(isinstance(t, str) and t for t in found.terms["term"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.text(max_size=200)), min_size=1, max_size=30))
def test_any_text_gives_a_well_formed_matrix(texts: list[str | None]) -> None:
    found = term_matrix(reviews(list(texts), lang=None), min_reviews=1)
    assert found.matrix.shape == (len(texts), len(found.terms))
    assert len(found.languages) == len(texts)
    assert (np.asarray(found.matrix.sum(axis=0)).ravel() == found.terms["reviews"]).all()


VOCABULARY = ["claim", "portal", "price", "staff", "slow", "rude", "great", "the", "and",
              "was", "very", "refund", "app"]


def naive_counts(texts: list[str], max_words: int) -> dict[str, int]:
    """Reviews using each 1..max_words term: a plain re-implementation for English
    lower-case words (stop words dropped, phrases inside sentences)."""
    stops = language.stop_words("en")
    counts: dict[str, int] = {}
    for text in texts:
        seen: set[str] = set()
        for sentence in re.split(r"[.!?]+", text):
            words = [language.lemma(w, "en") for w in re.findall(r"[a-z]+", sentence)
                     if len(w) >= 2 and w not in stops]
            words = [w for w in words if w not in stops]
            for n in range(1, max_words + 1):
                for i in range(len(words) - n + 1):
                    seen.add(" ".join(words[i:i + n]))
        for term in seen:
            counts[term] = counts.get(term, 0) + 1
    return counts


@settings(max_examples=30, deadline=None)
@given(st.lists(
    st.lists(st.sampled_from([*VOCABULARY, "."]), min_size=0, max_size=12).map(" ".join),
    min_size=1, max_size=25,
))
def test_counts_equal_a_naive_recomputation(texts: list[str]) -> None:
    found = term_matrix(reviews(texts), min_reviews=1, max_words=3)
    got = dict(zip(found.terms["lemmas"], found.terms["reviews"], strict=True))
    assert got == naive_counts(texts, 3)


def test_tokens_follow_the_letters_only_rule() -> None:
    tokens = tokenise(pd.Series(["Top-Service!"]), pd.Series(["Zug 12:30 fällt aus; naïve café"]))
    words = list(tokens.vocabulary[tokens.word])
    assert words == ["Top", "Service", "Zug", "fällt", "aus", "naïve", "café"]
    assert list(tokens.in_title) == [True, True, False, False, False, False, False]
    assert list(tokens.first) == [True, False, True, True, False, True, False]  # 12: ends one
