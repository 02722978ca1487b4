"""The review x term matrix: which reviews use which words and phrases.

A term is a lemma (``"delayed"`` -> ``"delay"``, ``"Züge"`` -> ``"zug"``) or a phrase of
two or three lemmas that follow each other in one sentence once stop words are taken
out (scikit-learn's rule for n-grams with stop words), in the review's own language
(:mod:`scoring.text.language`). Left out, so they never crowd the lists:

- stop words of the review's language, and numbers (words are letters only);
- names: a word written with a capital (``"Sarah"``, not ``"ICE"``) at least
  :data:`NAME_CAPITALS` of the times it is used inside a sentence, in a language that
  does not capitalise its nouns; and the words of the ``reviewer`` and ``company``
  columns that the texts write with a capital (in any language);
- terms used by fewer than ``min_reviews`` reviews.

The matrix counts reviews, not uses: cell (r, t) is 1 when review r uses term t at
least once, so one review repeating a word ten times counts once. It is bounded: at
most :data:`MAX_REVIEWS` reviews (a seeded random sample beyond that, said in
:attr:`TermMatrix.sampled`) and ``max_terms`` terms, the most used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from scoring.errors import ParameterError
from scoring.text import language
from scoring.text.tokens import MIN_LETTERS, Tokens, tokenise

MAX_REVIEWS = 200_000
MAX_TERMS = 20_000
MIN_REVIEWS = 3
NAME_CAPITALS = 0.9  # share of a word's uses inside sentences written with a capital
NAME_MIN_USES = 3
LEMMATISE_SHARE = 0.05  # of the reviews: a language this common is lemmatised


class Candidates(NamedTuple):
    """The n-word terms found, with how many reviews use each, and who."""

    n: int
    keys: np.ndarray  # the term, its lemma ids packed in one integer
    counts: np.ndarray  # reviews using each
    used: sparse.csr_matrix  # reviews x keys, 1 where the review uses the term


@dataclass(frozen=True)
class TermMatrix:
    """Which of the reviews use which terms.

    ``matrix`` is a sparse 0/1 ``int8`` matrix, one row per review of ``index`` (the
    review table's labels, in the table's order) and one column per row of ``terms``,
    a table with ``term`` (as written most often: ``"claim delayed"``), ``lemmas`` (the
    dictionary forms, space separated: ``"claim delay"``), ``words`` (1-3) and
    ``reviews`` (how many rows use it). ``languages`` is each row's language code;
    ``total_reviews`` how many reviews there were before sampling (more than
    ``len(index)`` when :attr:`sampled`); ``names`` the words left out as names, the
    most used first.
    """

    matrix: sparse.csr_matrix
    terms: pd.DataFrame
    index: pd.Index
    languages: pd.Series
    total_reviews: int
    names: tuple[str, ...] = field(default=())

    @property
    def sampled(self) -> bool:
        return self.total_reviews > len(self.index)

    def positions(self, labels: Iterable[object] | pd.Index) -> np.ndarray:
        """Row positions of review labels (labels not in the matrix are skipped)."""
        found = self.index.get_indexer(pd.Index(labels))
        return found[found >= 0]

    def mask(self, selected: pd.Series) -> np.ndarray:
        """A per-row boolean from a boolean Series on the review table's index."""
        return selected.reindex(self.index, fill_value=False).to_numpy(dtype=bool)

    def reviews_using(self, term: str) -> pd.Index:
        """The labels of the reviews that use ``term`` (as written or its lemmas)."""
        hit = np.flatnonzero((self.terms["term"] == term) | (self.terms["lemmas"] == term))
        if hit.size == 0:
            return self.index[:0]
        rows = self.matrix[:, hit].tocsc().indices
        return self.index[np.unique(rows)]

    def excluded(self, words: Iterable[str]) -> np.ndarray:
        """Per term, whether it contains one of ``words`` (as written or as its lemma).

        A user's exclusions: ``"bahn"`` takes out ``"Bahn"``, ``"deutsche bahn"`` and
        ``"bahn app"``. Matching ignores capitals and works for every language present.
        """
        targets: set[str] = set()
        codes = set(self.languages.unique()) | {language.FALLBACK}
        for word in words:
            for part in str(word).lower().split():
                targets.add(part)
                targets.update(language.lemma(part, code) for code in codes)
        if not targets:
            return np.zeros(len(self.terms), dtype=bool)
        table = self._words
        hit = table["word"].isin(targets).to_numpy()
        out = np.zeros(len(self.terms), dtype=bool)
        out[table["term"].to_numpy()[hit]] = True
        return out

    @cached_property
    def _words(self) -> pd.DataFrame:
        """One row per (term position, word): its lemmas and its words as written."""
        table = pd.DataFrame({
            "term": np.arange(len(self.terms)),
            "word": (self.terms["lemmas"].astype(str) + " "
                     + self.terms["term"].astype(str).str.lower()).str.split(),
        })
        return table.explode("word", ignore_index=True)


def _sample(reviews: pd.DataFrame, seed: int) -> pd.DataFrame:
    if len(reviews) <= MAX_REVIEWS:
        return reviews
    rng = np.random.default_rng(seed)
    return reviews.iloc[np.sort(rng.choice(len(reviews), MAX_REVIEWS, replace=False))]


def _doc_languages(reviews: pd.DataFrame, tokens: Tokens, lower_id: np.ndarray,
                   lower: np.ndarray) -> np.ndarray:
    """Each row's language: its own, else the detected one (by stop words if several)."""
    codes = language.from_column(reviews).to_numpy(dtype=object, copy=True)
    missing = pd.isna(codes)
    if not missing.any():
        return codes
    rows = np.flatnonzero(missing)
    if rows.size > language.SAMPLE_SIZE:
        rng = np.random.default_rng(0)
        rows = np.sort(rng.choice(rows, language.SAMPLE_SIZE, replace=False))
    guess = language.detect(_texts(reviews.iloc[rows]))
    # Each review votes by the stop words it uses, among the detected languages and a
    # few common ones: a review switches from the main language only when another
    # language's stop words clearly outnumber the main one's (a few Dutch reviews in
    # an English set, which a sample of the set would not notice).
    candidates = list(dict.fromkeys((guess.main, *guess.languages, *language.VOTING)))
    candidates = [c for c in candidates if language.stop_words(c)]
    if len(candidates) <= 1:
        codes[missing] = guess.main
        return codes
    votes = np.zeros((len(candidates), tokens.n_docs))
    token_lower = lower_id[tokens.word]
    for k, code in enumerate(candidates):
        stops = language.stop_words(code)
        is_stop = np.fromiter((w in stops for w in lower), dtype=bool, count=len(lower))
        votes[k] = np.bincount(tokens.doc, weights=is_stop[token_lower], minlength=tokens.n_docs)
    best = votes.argmax(axis=0)
    main_votes = votes[0]
    clear = votes.max(axis=0) >= np.maximum(language.MIN_VOTES, language.VOTE_MARGIN * main_votes)
    chosen = np.where(clear, best, 0)
    codes[missing] = np.asarray(candidates, dtype=object)[chosen][missing]
    return codes


def _texts(reviews: pd.DataFrame) -> pd.Series:
    parts = [reviews[c].where(reviews[c].map(lambda v: isinstance(v, str)), "")
             for c in ("title", "text") if c in reviews.columns]
    if not parts:
        return pd.Series([""] * len(reviews), index=reviews.index, dtype=object)
    out = parts[0].astype(object)
    for p in parts[1:]:
        out = out + " " + p.astype(object)
    return out


def _name_words(reviews: pd.DataFrame) -> set[str]:
    """The lower-case words of the reviewer and company columns."""
    words: set[str] = set()
    for column in ("reviewer", "company"):
        if column in reviews.columns:
            values = reviews[column].dropna().astype(str).unique()[:100_000]
            for value in values:
                words.update(w.lower() for w in value.replace("-", " ").split())
    return words


def _is_capitalised(word: str) -> bool:
    """``"Sarah"`` yes; ``"ICE"``, ``"iPhone"`` and ``"ok"`` no."""
    return word[:1].isupper() and word[1:].islower()


def _empty(reviews: pd.DataFrame, total: int) -> TermMatrix:
    return TermMatrix(
        matrix=sparse.csr_matrix((len(reviews), 0), dtype=np.int8),
        terms=pd.DataFrame({"term": pd.Series(dtype=object), "lemmas": pd.Series(dtype=object),
                            "words": pd.Series(dtype=np.int64),
                            "reviews": pd.Series(dtype=np.int64)}),
        index=reviews.index,
        languages=pd.Series([language.FALLBACK] * len(reviews), index=reviews.index,
                            dtype=object),
        total_reviews=total,
    )


def term_matrix(
    reviews: pd.DataFrame,
    *,
    max_words: int = 3,
    min_reviews: int = MIN_REVIEWS,
    max_terms: int = MAX_TERMS,
    seed: int = 0,
) -> TermMatrix:
    """The 0/1 review x term matrix of the reviews' titles and texts.

    ``max_words`` is the longest phrase (1-3); ``min_reviews`` the fewest reviews a
    term must be used by; ``max_terms`` the most terms kept (the most used). Works on
    any text (empty, huge, binary-looking, mixed languages) and never raises on it;
    a table without ``title`` and ``text`` gives no terms.
    """
    if not 1 <= max_words <= 3:
        raise ParameterError(f"max_words must be 1, 2 or 3, got {max_words!r}.")
    if min_reviews < 1 or max_terms < 1:
        raise ParameterError(
            f"min_reviews and max_terms must be at least 1, got {min_reviews!r} and "
            f"{max_terms!r}."
        )
    total = len(reviews)
    reviews = _sample(reviews, seed)
    tokens = tokenise(reviews.get("title"), reviews.get("text"))
    if tokens.word.size == 0:
        return _empty(reviews, total)

    # Distinct words, lower case.
    lower_all = np.asarray([w.lower() for w in tokens.vocabulary], dtype=object)
    lower_id, lower = pd.factorize(lower_all)
    lower = np.asarray(lower, dtype=object)
    doc_codes = _doc_languages(reviews, tokens, lower_id, lower)
    lang_id, lang_codes = pd.factorize(pd.Series(doc_codes, dtype=object))
    n_lang = max(len(lang_codes), 1)

    # One entry per (word, language) pair used: its lemma, and whether it is left out.
    token_lower = lower_id[tokens.word].astype(np.int64)
    pair_of_token, pair_keys = pd.factorize(token_lower * n_lang + lang_id[tokens.doc])
    pair_keys = np.asarray(pair_keys)
    pair_word = lower[pair_keys // n_lang]
    pair_lang = np.asarray(lang_codes, dtype=object)[pair_keys % n_lang]
    n_pairs = len(pair_keys)

    # Capitals inside sentences (not a title's or a sentence's first word): names.
    capital = np.fromiter((_is_capitalised(w) for w in tokens.vocabulary), dtype=bool,
                          count=len(tokens.vocabulary))[tokens.word]
    inside = ~tokens.first & ~tokens.in_title
    uses = np.bincount(pair_of_token[inside], minlength=n_pairs)
    capitals = np.bincount(pair_of_token[inside & capital], minlength=n_pairs)
    capital_share = np.divide(capitals, uses, out=np.zeros(n_pairs), where=uses > 0)
    named = (uses >= NAME_MIN_USES) & (capital_share >= NAME_CAPITALS)
    # Where a word is only ever a sentence's first, its capitals over all uses.
    all_uses = np.bincount(pair_of_token, minlength=n_pairs)
    all_caps = np.bincount(pair_of_token[capital], minlength=n_pairs)
    written_capital = np.where(uses > 0, capital_share, all_caps / np.maximum(all_uses, 1))
    nouns_capitalised = np.fromiter((c in language.CAPITALISED_NOUNS for c in pair_lang),
                                    dtype=bool, count=n_pairs)
    name_words = _name_words(reviews)
    listed = np.fromiter((w in name_words for w in pair_word), dtype=bool, count=n_pairs)
    is_name = (named & ~nouns_capitalised) | (listed & (capital_share >= NAME_CAPITALS))

    # Lemmatise the languages of at least LEMMATISE_SHARE of the reviews (loading a
    # language's dictionary takes a second or two, once per process); others are only
    # lower-cased.
    share = pd.Series(doc_codes, dtype=object).value_counts(normalize=True)
    lemmatised = {str(c) for c, v in share.items() if v >= LEMMATISE_SHARE}
    lemmas = np.empty(n_pairs, dtype=object)
    is_stop = np.zeros(n_pairs, dtype=bool)
    for k in range(n_pairs):
        word, code = pair_word[k], pair_lang[k]
        stops = language.stop_words(code)
        stop = word in stops
        if code in lemmatised and not stop:
            # German nouns are looked up as written: "Bahn", not "bahn".
            noun = code in language.CAPITALISED_NOUNS and written_capital[k] >= 0.5
            lem = language.lemma(word[:1].upper() + word[1:] if noun else word, code)
        else:
            lem = word
        lemmas[k] = lem
        is_stop[k] = stop or lem in stops or len(lem) < MIN_LETTERS
    lemma_of_pair, lemma_names = pd.factorize(lemmas)
    lemma_names = np.asarray(lemma_names, dtype=object)
    n_lemmas = len(lemma_names)

    # Drop stop words and names: the words left follow each other (sklearn's n-grams).
    keep = ~(is_stop | is_name)[pair_of_token]
    term = lemma_of_pair[pair_of_token[keep]].astype(np.int64)
    doc = tokens.doc[keep]
    sentence = tokens.sentence[keep]

    def doc_frequency(n: int, keys: np.ndarray, docs: np.ndarray) -> Candidates:
        ids, uniques = pd.factorize(keys)
        used = sparse.csr_matrix((np.ones(ids.size, dtype=np.int32), (docs, ids)),
                                 shape=(tokens.n_docs, max(len(uniques), 1)))
        used.sum_duplicates()  # one entry per (review, term): the review uses it
        used.data[:] = 1
        counts = np.bincount(used.indices, minlength=len(uniques))
        return Candidates(n, np.asarray(uniques), counts, used)

    # Words: count, then break phrases at words too rare to be a term.
    words = doc_frequency(1, term, doc)
    frequent = np.zeros(n_lemmas, dtype=bool)
    frequent[words.keys[words.counts >= min_reviews]] = True
    candidates = [words]
    for n in range(2, max_words + 1):
        if term.size < n:
            break
        starts = np.arange(term.size - n + 1)
        ok = sentence[starts] == sentence[starts + n - 1]
        key = np.zeros(starts.size, dtype=np.int64)
        for j in range(n):
            ok &= frequent[term[starts + j]]
            key = key * n_lemmas + term[starts + j]
        candidates.append(doc_frequency(n, key[ok], doc[starts[ok]]))

    # The most used terms, at most max_terms.
    lengths = np.concatenate([np.full(c.keys.size, c.n) for c in candidates])
    counts = np.concatenate([c.counts for c in candidates])
    local = np.concatenate([np.arange(c.keys.size) for c in candidates])
    order = np.lexsort((lengths, -counts))
    order = order[counts[order] >= min_reviews][:max_terms]
    if order.size == 0:
        return replace(_empty(reviews, total),
                       languages=pd.Series(doc_codes, index=reviews.index, dtype=object))

    # The form each lemma is most often written in (lower case unless the texts write
    # it with a capital inside sentences, as German nouns).
    token_lower_kept = token_lower[keep]
    pair = term * len(lower) + token_lower_kept
    ranked = pd.Series(pair).value_counts()  # most used first
    best = ranked.index.to_numpy()
    best = best[~pd.Series(best // len(lower)).duplicated().to_numpy()]
    shown = pd.DataFrame({"lemma": best // len(lower), "lower": best % len(lower)})
    lower_uses = np.bincount(token_lower[inside], minlength=len(lower))
    lower_caps = np.bincount(token_lower[inside & capital], minlength=len(lower))
    upper = lower_caps >= NAME_CAPITALS * np.maximum(lower_uses, 1)
    written = lemma_names.copy()
    for lem, low in zip(shown["lemma"].to_numpy(), shown["lower"].to_numpy(), strict=True):
        word = str(lower[low])
        written[lem] = word[:1].upper() + word[1:] if upper[low] and lower_uses[low] else word

    labels_term, labels_lemmas, words_n, term_counts = [], [], [], []
    offset = np.cumsum([0] + [c.keys.size for c in candidates])
    group = np.searchsorted(offset, order, side="right") - 1
    blocks, position, start = [], np.empty(order.size, dtype=np.int64), 0
    for i, found in enumerate(candidates):
        ranks = np.flatnonzero(group == i)
        blocks.append(found.used[:, local[order[ranks]]])
        position[ranks] = start + np.arange(ranks.size)
        start += ranks.size
    matrix = sparse.csr_matrix(sparse.hstack(blocks, format="csc")[:, position], dtype=np.int8)
    for pos, i in zip(order, group, strict=True):
        found = candidates[int(i)]
        packed = int(found.keys[local[pos]])
        parts: list[int] = []
        for _ in range(found.n):
            parts.append(packed % n_lemmas)
            packed //= n_lemmas
        parts.reverse()
        labels_term.append(" ".join(str(written[p]) for p in parts))
        labels_lemmas.append(" ".join(str(lemma_names[p]) for p in parts))
        words_n.append(found.n)
        term_counts.append(int(counts[pos]))
    name_uses = pd.Series(uses[is_name], index=pair_word[is_name]).groupby(level=0).sum()
    return TermMatrix(
        matrix=matrix,
        terms=pd.DataFrame({"term": labels_term, "lemmas": labels_lemmas,
                            "words": np.asarray(words_n, dtype=np.int64),
                            "reviews": np.asarray(term_counts, dtype=np.int64)}),
        index=reviews.index,
        languages=pd.Series(doc_codes, index=reviews.index, dtype=object),
        total_reviews=total,
        names=tuple(str(w) for w in name_uses.sort_values(ascending=False).index[:200]),
    )
