"""The text engine on real exports: the words a reader would accept.

Reads ../shared/data/real in place (required in CI). The top low-star terms must be
real words of the language (letters, not stop words, not names, not numbers), and
some of them the complaints anyone reading the files sees.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scoring.ingest import load_many, load_reviews
from scoring.text import language, low_vs_high, term_matrix

pytestmark = pytest.mark.real_data

SCRAPE_DATE = "2023-02-07"  # the Google Maps files' relative dates count back from it


def assert_readable(terms: pd.DataFrame, code: str, names: tuple[str, ...]) -> None:
    stops = language.stop_words(code)
    for term, lemmas in zip(terms["term"], terms["lemmas"], strict=True):
        for word in str(term).split():
            assert word.isalpha() and len(word) >= 2, term
            assert word.lower() not in stops, f"stop word {word!r} in {term!r}"
            assert word.lower() not in names, f"name {word!r} in {term!r}"
        assert lemmas


def test_german_low_star_terms(real_data: Path) -> None:
    reviews = load_reviews(real_data / "trustpilot-deutsche-bahn-de"
                           / "db_reviews_2023-10-02.csv").reviews
    found = term_matrix(reviews)
    assert (found.languages == "de").mean() > 0.95
    top = low_vs_high(found, reviews).typical_of_a(15)
    assert len(top) == 15
    assert_readable(top, "de", found.names)
    lemmas = {w for t in top["lemmas"] for w in t.split()}
    complaints = {"verspätung", "spät", "verspätet", "ausfall", "katastrophe", "geld",
                  "unfreundlich", "schlecht", "pünktlich", "zug"}
    assert len(lemmas & complaints) >= 3, list(top["term"])
    praise = low_vs_high(found, reviews).typical_of_b(10)
    assert {"freundlich", "danke", "dank", "super", "zufrieden", "nett"} & {
        w for t in praise["lemmas"] for w in t.split()}


def test_english_low_star_terms(real_data: Path) -> None:
    files = sorted((real_data / "trustpilot-pet-insurance").glob("*.csv"))
    reviews = load_many(files).reviews
    found = term_matrix(reviews)
    assert (found.languages == "en").mean() > 0.9
    comparison = low_vs_high(found, reviews)
    top = comparison.typical_of_a(15)
    assert_readable(top, "en", found.names)
    lemmas = {w for t in top["lemmas"] for w in t.split()}
    complaints = {"deny", "denied", "cancel", "worst", "refuse", "condition", "existing",
                  "money", "policy", "premium", "scam", "email", "month", "pay"}
    assert len(lemmas & complaints) >= 4, list(top["term"])
    praise = {w for t in comparison.typical_of_b(15)["lemmas"] for w in t.split()}
    assert {"easy", "quick", "fast", "helpful", "friendly", "recommend"} & praise


def test_google_translations_count_once_in_english(real_data: Path) -> None:
    """The Google set's Dutch reviews come machine-translated, the original after the
    translation: the terms read the translation only, and the markers are no terms."""
    files = sorted((real_data / "google-maps-amsterdam").glob("*.csv"))
    reviews = load_many(files, reference_date=SCRAPE_DATE).reviews
    assert reviews["text"].str.contains("(Translated by Google)", regex=False).sum() > 1000
    found = term_matrix(reviews)
    assert (found.languages == "en").mean() > 0.99
    lemmas = {w for t in found.terms["lemmas"] for w in t.split()}
    for marker in ("google", "translate", "original"):  # a few reviews use them as words
        assert len(found.reviews_using(marker)) < 100, marker
    assert not {"heerlijke", "gezellig", "vriendelijke"} & lemmas  # originals left out
    top = low_vs_high(found, reviews).typical_of_a(15)
    assert_readable(top, "en", found.names)
