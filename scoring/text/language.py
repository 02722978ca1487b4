"""Each review's language: the data's own column where it has one, else detected.

Detection uses ``py3langid`` (its model ships in the package) on a seeded sample of the
texts to find which languages the dataset is mostly written in (its main language);
then each review without a language of its own votes by its stop words among those
and :data:`VOTING`, and leaves the main language only when another's stop words
clearly outnumber it (:func:`scoring.text.terms.term_matrix` does that vote, since it
needs the words): a sample would miss a few Dutch reviews in an English set, and
reading every review with the detector would take most of the time of the analysis.
Language codes are ISO 639-1 (``en``, ``de``, ``nl``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import simplemma
from stop_words import LANGUAGE_MAPPING, StopWordError, get_stop_words

SAMPLE_SIZE = 400  # texts read by the detector
MIN_SHARE = 0.05  # a language is one of the dataset's when it has this share of the sample
MIN_CHARS = 20  # shorter texts are too short to tell
FALLBACK = "en"
# Languages every review may vote for by its stop words besides the detected ones.
VOTING = ("en", "de", "nl", "fr", "es", "it")
MIN_VOTES = 3  # stop words of another language a review needs to leave the main one ...
VOTE_MARGIN = 1.5  # ... and how many times the main language's it needs


@dataclass(frozen=True)
class LanguageGuess:
    """Which languages a dataset's texts are in.

    ``languages`` are the detected ones, most common first (each at least
    :data:`MIN_SHARE` of the sample); ``main`` is the first. ``sampled`` is how many
    texts the detector read; 0 when the data's own column answered for every review.
    """

    languages: tuple[str, ...]
    sampled: int

    @property
    def main(self) -> str:
        return self.languages[0] if self.languages else FALLBACK


def normalise_code(value: object) -> str | None:
    """``"en-GB"``, ``"EN"``, ``"en_US"`` -> ``"en"``; blanks and non-text -> None."""
    if not isinstance(value, str):
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


def from_column(reviews: pd.DataFrame) -> pd.Series:
    """The data's language per review (None where it gives none or no column)."""
    if "language" not in reviews.columns:
        return pd.Series([None] * len(reviews), index=reviews.index, dtype=object)
    codes = reviews["language"].astype(object)
    uniques = {v: normalise_code(v) for v in pd.unique(codes)}
    return codes.map(uniques).astype(object)


def detect(texts: pd.Series, *, seed: int = 0) -> LanguageGuess:
    """The languages of ``texts``, from a seeded sample of :data:`SAMPLE_SIZE` of them.

    Texts shorter than :data:`MIN_CHARS` are skipped; with none left the guess is empty
    (:attr:`LanguageGuess.main` is then English).
    """
    import py3langid  # loads its model on first use: only when something is detected

    strings = texts[texts.map(lambda t: isinstance(t, str) and len(t) >= MIN_CHARS)]
    if strings.empty:
        return LanguageGuess((), 0)
    if len(strings) > SAMPLE_SIZE:
        rng = np.random.default_rng(seed)
        strings = strings.iloc[np.sort(rng.choice(len(strings), SAMPLE_SIZE, replace=False))]
    found = pd.Series([py3langid.classify(t[:500])[0] for t in strings]).value_counts()
    share = found / found.sum()
    keep = tuple(str(code) for code, s in share.items() if s >= MIN_SHARE)
    return LanguageGuess(keep or (str(share.index[0]),), len(strings))


@cache
def stop_words(code: str) -> frozenset[str]:
    """The stop words of a language (lower case), with their apostrophe parts.

    ``"don't"`` also puts ``"don"`` in the list, since words are cut at apostrophes.
    Empty for a language the ``stop-words`` package does not have.
    """
    if code not in LANGUAGE_MAPPING:
        return frozenset()
    try:
        words = get_stop_words(code)
    except StopWordError:
        return frozenset()
    out: set[str] = set()
    for word in words:
        word = word.lower().replace("’", "'")
        out.add(word)
        out.update(part for part in word.replace("-", "'").split("'") if part)
    return frozenset(out)


@cache
def lemmatised(code: str) -> bool:
    """Whether ``simplemma`` has a dictionary for the language."""
    try:
        simplemma.lemmatize("test", lang=code)
    except (ValueError, KeyError):
        return False
    return True


def lemma(word: str, code: str) -> str:
    """The dictionary form of ``word``, lower case (``"delayed"`` -> ``"delay"``,
    ``"Züge"`` -> ``"zug"``; German nouns must be given with their capital)."""
    if not lemmatised(code):
        return word
    try:
        return simplemma.lemmatize(word, lang=code).lower()
    except (ValueError, KeyError):  # pragma: no cover - the package refused the word
        return word


# Languages whose nouns are written with a capital: capitals do not mark names there.
CAPITALISED_NOUNS = frozenset({"de", "lb"})


def preload(codes: tuple[str, ...] = ("en",)) -> None:
    """Load the language detector's model and the lemmatiser's dictionaries of ``codes``
    now (about a second each, once per process) rather than on the first analysis."""
    import py3langid

    py3langid.classify("warm up")
    for code in codes:
        if lemmatised(code):
            lemma("warm", code)
