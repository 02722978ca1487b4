"""Each review's language: the data's column, else detected and voted by stop words."""

from __future__ import annotations

import pandas as pd

from scoring.text import language, term_matrix

ENGLISH = ["The staff were very friendly and the room was clean and quiet.",
           "We waited for an hour and nobody told us what was going on.",
           "It is the best place in town, we will come back with the kids."]
DUTCH = ["Het eten was heerlijk en de bediening was erg vriendelijk.",
         "We hebben een uur gewacht en niemand heeft ons iets gezegd."]
GERMAN = ["Der Zug war wieder einmal zu spät und es gab keine Information.",
          "Das Personal war sehr freundlich und hat uns gut geholfen."]


def frame(texts: list[str], language_column: list[object] | None = None) -> pd.DataFrame:
    data = {"created_at": pd.date_range("2024-01-01", periods=len(texts), tz="UTC"),
            "rating": [3] * len(texts), "text": texts}
    if language_column is not None:
        data["language"] = language_column
    return pd.DataFrame(data)


def test_codes_are_normalised() -> None:
    assert [language.normalise_code(v) for v in ("en-GB", "DE", "nl_NL", " fr ", "", None,
                                                  3, "english!")] == [
        "en", "de", "nl", "fr", None, None, None, None]


def test_the_data_column_wins_and_gaps_are_detected() -> None:
    texts = ENGLISH * 10 + GERMAN
    found = term_matrix(frame(texts, ["en"] * 30 + [None, None]))
    assert list(found.languages.iloc[:30].unique()) == ["en"]
    assert list(found.languages.iloc[30:]) == ["de", "de"]


def test_a_few_reviews_in_another_language_are_found_by_their_stop_words() -> None:
    texts = ENGLISH * 30 + DUTCH + GERMAN
    found = term_matrix(frame(texts))
    assert (found.languages.iloc[:90] == "en").all()
    assert list(found.languages.iloc[90:]) == ["nl", "nl", "de", "de"]


def test_detection_samples_and_an_empty_set_falls_back() -> None:
    guess = language.detect(pd.Series(GERMAN * 300))
    assert guess.languages == ("de",) and guess.sampled == language.SAMPLE_SIZE
    empty = language.detect(pd.Series(["", None, "ok"]))
    assert empty.languages == () and empty.main == language.FALLBACK


def test_stop_words_include_the_parts_of_contractions() -> None:
    words = language.stop_words("en")
    assert {"don't", "don", "isn", "the"} <= words
    assert language.stop_words("xx") == frozenset()
    assert language.lemma("claims", "en") == "claim"
    assert language.lemma("Züge", "de") == "zug"
    assert language.lemma("whatever", "xx") == "whatever"
