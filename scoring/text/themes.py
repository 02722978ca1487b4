"""A handful of themes: groups of terms that tend to be used by the same reviews.

Non-negative matrix factorisation (scikit-learn's ``NMF``) of the TF-IDF weighted term
matrix X (reviews x terms, words and two-word phrases)::

    X ~ W H,   W >= 0 (reviews x k),   H >= 0 (k x terms)

Row k of H is theme k's weight on each term: its name is its three heaviest terms. A
review's theme is its largest entry of W (none when it has no terms). Terms used by
more than :data:`MAX_DOC_SHARE` of the reviews carry no theme and are left out, and so
are the user's exclusions. The fit reads a seeded sample of at most
:data:`FIT_REVIEWS` reviews; every review is then given its theme.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from scoring.errors import ParameterError
from scoring.text.terms import TermMatrix

MAX_DOC_SHARE = 0.3
VOCABULARY = 2_000
FIT_REVIEWS = 20_000
NAME_TERMS = 3
MAX_WORDS = 1
NO_THEME = -1


@dataclass(frozen=True)
class Themes:
    """Themes found in a term matrix.

    ``names`` are the themes' names (``"portal · migration · log"``) and ``terms`` their
    heaviest terms, heaviest first; ``theme`` is each review's theme (0..k-1, or
    :data:`NO_THEME`) and ``strength`` its weight in W, both per row of ``index``.
    """

    names: tuple[str, ...]
    terms: tuple[tuple[str, ...], ...]
    theme: np.ndarray
    strength: np.ndarray
    index: pd.Index

    def assignment(self) -> pd.Series:
        """Each review's theme name (None for no theme), on the review table's index."""
        names = np.asarray((*self.names, None), dtype=object)
        return pd.Series(names[self.theme], index=self.index, dtype=object)

    def summary(self, reviews: pd.DataFrame) -> pd.DataFrame:
        """One row per theme: ``theme``, ``terms``, ``reviews``, ``share`` (of the
        reviews with any terms), ``mean_stars``, ``low_share`` (1-2 stars), biggest first."""
        stars = reviews["rating"].reindex(self.index).to_numpy(dtype=float)
        with_theme = self.theme != NO_THEME
        rows = []
        for k, name in enumerate(self.names):
            mine = self.theme == k
            count = int(mine.sum())
            rows.append({
                "theme": name,
                "terms": ", ".join(self.terms[k]),
                "reviews": count,
                "share": count / max(int(with_theme.sum()), 1),
                "mean_stars": float(stars[mine].mean()) if count else float("nan"),
                "low_share": float((stars[mine] <= 2).mean()) if count else float("nan"),
            })
        table = pd.DataFrame(rows, columns=["theme", "terms", "reviews", "share", "mean_stars",
                                            "low_share"])
        return table.sort_values("reviews", ascending=False, kind="stable").reset_index(drop=True)

    def share_over_time(self, reviews: pd.DataFrame, freq: str = "MS") -> pd.DataFrame:
        """Per period (``freq``, a pandas frequency) and theme: ``period``, ``theme``,
        ``reviews`` and ``share`` of the period's reviews with a theme."""
        when = reviews["created_at"].reindex(self.index)
        frame = pd.DataFrame({
            "period": when.dt.tz_localize(None).dt.to_period(freq[0]).dt.start_time.to_numpy(),
            "theme": self.theme,
        })
        frame = frame[frame["theme"] != NO_THEME]
        counts = frame.groupby(["period", "theme"]).size().unstack(fill_value=0)
        counts = counts.reindex(columns=range(len(self.names)), fill_value=0)
        shares = counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0)
        long = pd.DataFrame({"share": shares.stack()}).reset_index()
        long["reviews"] = counts.stack().to_numpy()
        long["theme"] = np.asarray(self.names, dtype=object)[long["theme"].to_numpy()]
        return long[["period", "theme", "reviews", "share"]]

    def examples(self, theme: str, n: int = 5) -> pd.Index:
        """The labels of the ``n`` reviews most strongly in ``theme``."""
        if theme not in self.names:
            raise ParameterError(f"No theme named {theme!r}; the themes are {self.names}.")
        k = self.names.index(theme)
        mine = np.flatnonzero(self.theme == k)
        best = mine[np.argsort(-self.strength[mine], kind="stable")[:n]]
        return self.index[best]


def _name(ranked: Iterable[int], terms: pd.DataFrame) -> tuple[str, ...]:
    """The heaviest terms, skipping one whose words an earlier one already has."""
    picked: list[str] = []
    seen: list[set[str]] = []
    for j in ranked:
        words = set(str(terms["lemmas"].iat[j]).split())
        if any(words <= s or s <= words for s in seen):
            continue
        picked.append(str(terms["term"].iat[j]))
        seen.append(words)
        if len(picked) == NAME_TERMS * 2:
            break
    return tuple(picked)


def _balanced(rows: np.ndarray, stars: np.ndarray | None, seed: int) -> np.ndarray:
    """The rows the fit reads: up to FIT_REVIEWS / 5 of each star level (all of a
    level with fewer), so that praise, five times as common, does not drown complaints."""
    rng = np.random.default_rng(seed)
    if stars is None:
        groups = [rows]
        per = FIT_REVIEWS
    else:
        groups = [rows[stars[rows] == s] for s in range(1, 6)]
        per = FIT_REVIEWS // 5
    picked = [g if g.size <= per else rng.choice(g, per, replace=False) for g in groups]
    return np.sort(np.concatenate(picked))


def find_themes(
    terms: TermMatrix,
    reviews: pd.DataFrame | None = None,
    *,
    n_themes: int = 6,
    exclude: Iterable[str] = (),
    seed: int = 0,
) -> Themes:
    """``n_themes`` themes of the reviews in ``terms`` (fewer when there are few terms)."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfTransformer

    if not 2 <= n_themes <= 20:
        raise ParameterError(f"n_themes must be from 2 to 20, got {n_themes!r}.")
    n = len(terms.index)
    share = terms.terms["reviews"].to_numpy() / max(n, 1)
    usable = (terms.terms["words"].to_numpy() <= MAX_WORDS) & (share <= MAX_DOC_SHARE)
    usable &= ~terms.excluded(exclude)
    columns = np.flatnonzero(usable)
    columns = columns[np.argsort(-terms.terms["reviews"].to_numpy()[columns], kind="stable")]
    columns = np.sort(columns[:VOCABULARY])
    k = min(n_themes, len(columns) // 3)
    empty = Themes((), (), np.full(n, NO_THEME), np.zeros(n), terms.index)
    if k < 2:
        return empty
    matrix = terms.matrix[:, columns].astype(np.float32)
    has_terms = np.asarray(matrix.getnnz(axis=1) > 0)
    rows = np.flatnonzero(has_terms)
    if rows.size < 2 * k:
        return empty
    stars = None
    if reviews is not None and "rating" in reviews.columns:
        stars = reviews["rating"].reindex(terms.index).fillna(0).to_numpy(dtype=np.int64)
    tfidf = TfidfTransformer(sublinear_tf=False).fit(matrix[rows])
    weighted = sparse.csr_matrix(tfidf.transform(matrix))
    fit_rows = _balanced(rows, stars, seed)
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=300, tol=1e-3)
    model.fit(weighted[fit_rows])
    w = np.zeros((n, k), dtype=np.float32)
    w[rows] = model.transform(weighted[rows])
    theme = np.where(w.max(axis=1) > 0, w.argmax(axis=1), NO_THEME)
    chosen = terms.terms.iloc[columns].reset_index(drop=True)
    tops = [_name(np.argsort(-h, kind="stable"), chosen) for h in model.components_]
    names = tuple(" · ".join(t[:NAME_TERMS]) for t in tops)
    return Themes(names, tuple(tops), theme.astype(np.int64), w.max(axis=1), terms.index)
