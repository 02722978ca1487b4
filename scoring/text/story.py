"""What a period's new low-star reviews were about, against the time before.

The period's 1-2 star reviews (a) are compared with the 1-2 star reviews of the
period of the same length just before it (b), or with all earlier ones when that
period has fewer than :data:`MIN_BASELINE`: the terms by
:func:`scoring.text.contrast.compare`, the themes by their share of each group's
reviews, with the two-proportion z-score::

    p = (x_a + x_b) / (n_a + n_b)
    z = (x_a / n_a - x_b / n_b) / sqrt(p (1 - p) (1 / n_a + 1 / n_b))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.errors import ParameterError
from scoring.text.contrast import LOW_STARS, Comparison, compare
from scoring.text.terms import TermMatrix
from scoring.text.themes import Themes

MIN_BASELINE = 20
RISING_Z = 1.96


@dataclass(frozen=True)
class LowStarStory:
    """The period's low-star reviews and what rose among them.

    ``low_reviews`` counts the period's 1-2 star reviews (``by_stars``: per star);
    ``baseline`` says what they are compared with (``"the 90 days before"`` or
    ``"all earlier low-star reviews"``) and ``baseline_reviews`` how many those are;
    ``terms`` are the terms clearly more used (z >= 1.96), most typical first, at most
    five; ``themes`` the themes whose share rose clearly: ``theme``, ``reviews``,
    ``share``, ``share_before``, ``z``. Counts are of the term matrix's reviews (a
    sample when it is one).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    low_reviews: int
    by_stars: dict[int, int]
    baseline: str
    baseline_reviews: int
    terms: pd.DataFrame
    themes: pd.DataFrame
    comparison: Comparison


def _theme_rise(themes: Themes, in_a: np.ndarray, in_b: np.ndarray) -> pd.DataFrame:
    rows = []
    n_a, n_b = int(in_a.sum()), int(in_b.sum())
    for k, name in enumerate(themes.names):
        x_a = int((themes.theme[in_a] == k).sum())
        x_b = int((themes.theme[in_b] == k).sum())
        pooled = (x_a + x_b) / max(n_a + n_b, 1)
        se = np.sqrt(pooled * (1 - pooled) * (1 / max(n_a, 1) + 1 / max(n_b, 1)))
        share_a, share_b = x_a / max(n_a, 1), x_b / max(n_b, 1)
        z = (share_a - share_b) / se if se > 0 else 0.0
        rows.append({"theme": name, "reviews": x_a, "share": share_a,
                     "share_before": share_b, "z": float(z)})
    table = pd.DataFrame(rows, columns=["theme", "reviews", "share", "share_before", "z"])
    rising = table[(table["z"] >= RISING_Z) & (table["reviews"] > 0)]
    return rising.sort_values("z", ascending=False).reset_index(drop=True)


def low_star_story(
    terms: TermMatrix,
    themes: Themes | None,
    reviews: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    exclude: Iterable[str] = (),
) -> LowStarStory:
    """What the 1-2 star reviews written in [start, end) were about, against before."""
    if not end > start:
        raise ParameterError(f"The period must end after it starts, got {start} to {end}.")
    when = reviews["created_at"].reindex(terms.index)
    stars = reviews["rating"].reindex(terms.index).to_numpy()
    low = np.isin(stars, LOW_STARS)
    in_a = ((when >= start) & (when < end)).to_numpy(dtype=bool) & low
    window = ((when >= start - (end - start)) & (when < start)).to_numpy(dtype=bool) & low
    days = (end - start).days
    if window.sum() >= MIN_BASELINE:
        in_b, baseline = window, f"the {days} days before"
    else:
        in_b, baseline = (when < start).to_numpy(dtype=bool) & low, "all earlier low-star reviews"
    comparison = compare(terms, in_a, in_b, label_a="this period's 1-2 star reviews",
                         label_b=baseline, exclude=exclude)
    rising_terms = comparison.typical_of_a(5)
    rising_terms = rising_terms[rising_terms["z"] >= RISING_Z].reset_index(drop=True)
    if themes is None or not themes.names:
        rising_themes = pd.DataFrame(columns=["theme", "reviews", "share", "share_before", "z"])
    else:
        if not themes.index.equals(terms.index):
            raise ParameterError("The themes were found in another set of reviews.")
        rising_themes = _theme_rise(themes, in_a, in_b)
    by_stars = {s: int((stars[in_a] == s).sum()) for s in LOW_STARS}
    return LowStarStory(
        start=start, end=end, low_reviews=int(in_a.sum()), by_stars=by_stars,
        baseline=baseline, baseline_reviews=int(in_b.sum()), terms=rising_terms,
        themes=rising_themes, comparison=comparison,
    )
