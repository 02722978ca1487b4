"""Which terms tell two groups of reviews apart: weighted log-odds with a prior.

For each term w, with y_a and y_b the reviews of groups a and b that use it and n_a,
n_b the sums of those counts over all terms (Monroe, Colaresi and Quinn 2008,
"Fightin' Words", with an informative Dirichlet prior)::

    alpha_w = alpha_0 * (y_a + y_b) / (n_a + n_b)          the prior: both groups' use
    alpha_0 = PRIOR_WEIGHT * min(n_a, n_b)
    delta_w = log((y_a + alpha_w) / (n_a + alpha_0 - y_a - alpha_w))
            - log((y_b + alpha_w) / (n_b + alpha_0 - y_b - alpha_w))
    z_w     = delta_w / sqrt(1 / (y_a + alpha_w) + 1 / (y_b + alpha_w))

delta is how much more likely a review's terms are to be w in group a than in b (on the
log-odds scale); the prior pulls rare terms towards no difference, so a word used by
two reviews does not top the list; z is delta over its standard error. |z| >= 1.96,
2.58, 3.29 are differences that chance alone gives at most 5%, 1%, 0.1% of the time
for one term read on its own; a list of thousands of terms has some by chance, which is
why the tables show the counts beside them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import erfc

from scoring.errors import ParameterError
from scoring.text.terms import TermMatrix

PRIOR_WEIGHT = 0.1
LOW_STARS = (1, 2)
HIGH_STARS = (4, 5)
VERDICTS = ((3.29, "very clear"), (2.58, "clear"), (1.96, "likely"))
NOT_CLEAR = "could be chance"


def verdict(z: float) -> str:
    """How sure a difference is, in words, from its z-score."""
    for bound, words in VERDICTS:
        if abs(z) >= bound:
            return words
    return NOT_CLEAR


@dataclass(frozen=True)
class Comparison:
    """Two groups of reviews and the terms that tell them apart.

    ``table`` has one row per term used by either group: ``term``, ``lemmas``,
    ``words``, ``reviews_a`` / ``reviews_b`` (how many of each group's reviews use it),
    ``share_a`` / ``share_b`` (as a share of the group's reviews), ``log_odds``
    (delta), ``z``, ``p_value`` (two-sided, for the term on its own) and ``verdict``;
    sorted by z, the terms most typical of a first. ``label_a`` and ``label_b`` name the
    groups; ``size_a`` and ``size_b`` are their numbers of reviews (in the sample when
    the term matrix is one).
    """

    table: pd.DataFrame
    label_a: str
    label_b: str
    size_a: int
    size_b: int

    def typical_of_a(self, n: int = 15, *, min_reviews: int = 3) -> pd.DataFrame:
        """The ``n`` terms most typical of group a (z > 0), nested repeats left out."""
        rows = self.table[(self.table["z"] > 0) & (self.table["reviews_a"] >= min_reviews)]
        return distinct(rows, n)

    def typical_of_b(self, n: int = 15, *, min_reviews: int = 3) -> pd.DataFrame:
        """The ``n`` terms most typical of group b (z < 0), nested repeats left out."""
        rows = self.table[(self.table["z"] < 0) & (self.table["reviews_b"] >= min_reviews)]
        return distinct(rows.iloc[::-1], n)


PREFERRED_WORDS = {2: 0, 1: 1, 3: 2}
DISTINCT_WINDOW = 500  # rows read for a list  # of nested terms used alike: a pair says most


def distinct(rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """The first ``n`` rows, without repeats: of a term and one inside it (``"customer"``,
    ``"customer service"``, ``"good customer service"``) used by nearly the same reviews
    (within 20%), only one is kept, the two-word phrase if there is one, else the word."""
    taken: list[tuple[int, set[str], float]] = []
    rows = rows.iloc[:max(DISTINCT_WINDOW, 10 * n)]  # the same answer for every n up to 50
    sizes = np.maximum(rows["reviews_a"].to_numpy(), rows["reviews_b"].to_numpy())
    for i, lemmas in enumerate(rows["lemmas"]):
        words = set(str(lemmas).split())
        size = float(sizes[i])
        clash = [k for k, (_, w, s) in enumerate(taken)
                 if (words <= w or w <= words) and abs(size - s) <= 0.2 * max(size, s)]
        if clash:
            k = clash[0]
            rank = PREFERRED_WORDS.get(len(words), 3)
            if rank < PREFERRED_WORDS.get(len(taken[k][1]), 3):
                taken[k] = (i, words, size)
            continue
        taken.append((i, words, size))
    return rows.iloc[[i for i, _, _ in taken[:n]]]


def compare(
    terms: TermMatrix,
    in_a: np.ndarray,
    in_b: np.ndarray,
    *,
    label_a: str = "a",
    label_b: str = "b",
    exclude: Iterable[str] = (),
) -> Comparison:
    """The terms that tell the rows ``in_a`` from the rows ``in_b`` (boolean per row of
    ``terms``); terms containing a word of ``exclude`` are left out."""
    in_a = np.asarray(in_a, dtype=bool)
    in_b = np.asarray(in_b, dtype=bool)
    if in_a.shape != (len(terms.index),) or in_b.shape != (len(terms.index),):
        raise ParameterError(
            f"in_a and in_b must have one entry per row of the term matrix "
            f"({len(terms.index)}), got {in_a.shape} and {in_b.shape}."
        )
    keep = ~terms.excluded(exclude)
    matrix = terms.matrix[:, np.flatnonzero(keep)]
    table = terms.terms.loc[keep, ["term", "lemmas", "words"]].reset_index(drop=True)
    y_a = np.asarray(matrix[in_a].sum(axis=0), dtype=float).ravel()
    y_b = np.asarray(matrix[in_b].sum(axis=0), dtype=float).ravel()
    size_a, size_b = int(in_a.sum()), int(in_b.sum())
    used = (y_a + y_b) > 0
    table, y_a, y_b = table[used].reset_index(drop=True), y_a[used], y_b[used]
    n_a, n_b = y_a.sum(), y_b.sum()
    if n_a == 0 or n_b == 0:
        z = delta = np.zeros(len(table))
    else:
        alpha0 = PRIOR_WEIGHT * min(n_a, n_b)
        alpha = alpha0 * (y_a + y_b) / (n_a + n_b)
        delta = np.log((y_a + alpha) / (n_a + alpha0 - y_a - alpha)) - np.log(
            (y_b + alpha) / (n_b + alpha0 - y_b - alpha)
        )
        z = delta / np.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))
    table["reviews_a"] = y_a.astype(np.int64)
    table["reviews_b"] = y_b.astype(np.int64)
    table["share_a"] = y_a / size_a if size_a else 0.0
    table["share_b"] = y_b / size_b if size_b else 0.0
    table["log_odds"] = delta
    table["z"] = z
    table["p_value"] = erfc(np.abs(z) / np.sqrt(2))
    size = np.abs(z)
    table["verdict"] = np.select([size >= bound for bound, _ in VERDICTS],
                                 [words for _, words in VERDICTS], NOT_CLEAR).astype(object)
    table = table.sort_values(["z", "reviews_a"], ascending=[False, False], kind="stable")
    return Comparison(table.reset_index(drop=True), label_a, label_b, size_a, size_b)


def _ratings(terms: TermMatrix, reviews: pd.DataFrame) -> np.ndarray:
    return reviews["rating"].reindex(terms.index).to_numpy()


def low_vs_high(terms: TermMatrix, reviews: pd.DataFrame, *,
                exclude: Iterable[str] = ()) -> Comparison:
    """Terms of 1-2 star reviews (a) against those of 4-5 star reviews (b)."""
    stars = _ratings(terms, reviews)
    return compare(terms, np.isin(stars, LOW_STARS), np.isin(stars, HIGH_STARS),
                   label_a="1-2 stars", label_b="4-5 stars", exclude=exclude)


def period_vs_before(
    terms: TermMatrix,
    reviews: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    stars: Iterable[int] | None = None,
    exclude: Iterable[str] = (),
) -> Comparison:
    """Terms of the reviews written in [start, end) (a) against those of the period of
    the same length just before it (b); ``stars`` keeps only reviews with those stars."""
    if not end > start:
        raise ParameterError(f"The period must end after it starts, got {start} to {end}.")
    when = reviews["created_at"].reindex(terms.index)
    before = start - (end - start)
    keep = np.ones(len(terms.index), dtype=bool)
    if stars is not None:
        keep = np.isin(_ratings(terms, reviews), list(stars))
    in_a = ((when >= start) & (when < end)).to_numpy(dtype=bool) & keep
    in_b = ((when >= before) & (when < start)).to_numpy(dtype=bool) & keep
    return compare(terms, in_a, in_b, label_a="this period", label_b="the period before",
                   exclude=exclude)


def group_vs_rest(terms: TermMatrix, reviews: pd.DataFrame, column: str, value: object, *,
                  exclude: Iterable[str] = ()) -> Comparison:
    """Terms of the reviews whose ``column`` is ``value`` (a) against all others (b)."""
    if column not in reviews.columns:
        raise ParameterError(f"The reviews have no {column!r} column to compare by.")
    values = reviews[column].reindex(terms.index)
    in_a = (values == value).fillna(False).to_numpy(dtype=bool)
    return compare(terms, in_a, ~in_a, label_a=str(value), label_b=f"other {column}s",
                   exclude=exclude)
