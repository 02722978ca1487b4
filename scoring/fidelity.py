"""How closely a score model reproduces the TrustScores Trustpilot publishes.

The evidence is a folder of real companies (``../shared/data/fidelity``): for each, its
complete review set and the TrustScore and review count Trustpilot displayed when it
was scraped (``published-scores.csv``: ``company, published_trustscore,
published_review_count, reviews_in_file, scraped_at_utc, source_repository, file``).
Each model is evaluated at the scrape instant on the reviews read through the
importer, and compared with the published score::

    error = |S(scraped_at) - published|       (published with one decimal: 0.05 is the floor)
    shown = display_score(S)                  (one decimal, halves up)

:data:`PUBLISHED_FIT` records what this measured with the default parameters; the
fidelity test recomputes it on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scoring.display import display_score
from scoring.errors import ReviewDataError
from scoring.ingest import load_reviews
from scoring.model import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_PRIOR_COUNT,
    DEFAULT_PRIOR_MEAN,
    SCORE_MODELS,
    ScoreParams,
    score_state,
)
from scoring.periods import (
    to_utc_timestamp,
)

ROUNDING = 0.05
"""Half of the last published decimal: a model within this can show the same score."""

CASES_FILE = "published-scores.csv"
CASE_COLUMNS: tuple[str, ...] = (
    "company", "published_trustscore", "published_review_count", "scraped_at_utc", "file",
)


@dataclass(frozen=True)
class FitSummary:
    """A model's agreement with published scores over a set of companies."""

    mean_error: float
    within_rounding: int
    companies: int
    worst: float
    same_shown: int = 0


PUBLISHED_FIT: dict[str, FitSummary] = {
    "trustpilot": FitSummary(mean_error=0.027, within_rounding=14, companies=14, worst=0.05,
                             same_shown=14),
    "decayed-prior": FitSummary(mean_error=0.419, within_rounding=1, companies=14, worst=1.44,
                                same_shown=1),
}
"""Measured on the 14 companies of ``../shared/data/fidelity`` with the default
parameters (182.5 days, 7 reviews at 3.5), rounded as the model page quotes them;
``tests/unit/test_fidelity.py`` checks them against a fresh measurement."""


def read_cases(folder: str | Path) -> pd.DataFrame:
    """The companies of a fidelity folder, one row each (``scraped_at_utc`` as UTC).

    Raises :class:`ReviewDataError` naming the file and the missing columns.
    """
    path = Path(folder) / CASES_FILE
    if not path.is_file():
        raise ReviewDataError(f"{path} is missing: a fidelity folder needs {CASES_FILE}.")
    cases = pd.read_csv(path)
    missing = [column for column in CASE_COLUMNS if column not in cases.columns]
    if missing:
        raise ReviewDataError(f"{path} has no {', '.join(missing)} column(s).")
    return cases.assign(scraped_at_utc=pd.to_datetime(cases["scraped_at_utc"], utc=True))


@dataclass(frozen=True)
class Case:
    """One company: what Trustpilot showed, and its reviews as the importer read them."""

    company: str
    published: float
    published_reviews: int
    scraped_at: pd.Timestamp
    reviews: pd.DataFrame
    rows_read: int


def load_cases(folder: str | Path) -> list[Case]:
    """Every company of a fidelity folder with its reviews, read through the importer."""
    folder = Path(folder)
    cases = []
    for row in read_cases(folder).to_dict("records"):
        result = load_reviews(folder / str(row["file"]))
        cases.append(Case(
            company=str(row["company"]), published=float(row["published_trustscore"]),
            published_reviews=int(row["published_review_count"]),
            scraped_at=to_utc_timestamp(row["scraped_at_utc"]), reviews=result.reviews,
            rows_read=result.report.rows_read,
        ))
    return cases


def evaluate(
    source: str | Path | list[Case],
    *,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    prior_count: float = DEFAULT_PRIOR_COUNT,
    prior_mean: float = DEFAULT_PRIOR_MEAN,
) -> pd.DataFrame:
    """Every company beside each model's score at its scrape instant.

    ``source`` is a fidelity folder or the :func:`load_cases` of one (to evaluate
    several parameter sets without reading the files again). One row per company:
    ``company``, ``published`` (the TrustScore shown), ``published_reviews``,
    ``reviews`` (counted reviews in the file up to the instant), ``scraped_at``, and
    per model m (``trustpilot``, ``decayed-prior``): ``score_<m>``, ``shown_<m>``
    (one decimal, halves up) and ``error_<m>``.
    """
    cases = source if isinstance(source, list) else load_cases(source)
    rows = []
    for case in cases:
        reviews, instant = case.reviews, case.scraped_at
        state = score_state(reviews, as_of=instant, half_life_days=half_life_days)
        row: dict[str, object] = {
            "company": case.company,
            "published": case.published,
            "published_reviews": case.published_reviews,
            "reviews": state.reviews,
            "scraped_at": instant,
        }
        for model in SCORE_MODELS:
            score = state.score(ScoreParams(half_life_days, prior_count, prior_mean, model))
            row[f"score_{model}"] = score
            row[f"shown_{model}"] = display_score(score)
            row[f"error_{model}"] = abs(score - case.published)
        rows.append(row)
    return pd.DataFrame(rows)


def summarise(table: pd.DataFrame, model: str) -> FitSummary:
    """The :class:`FitSummary` of one model over an :func:`evaluate` table."""
    errors = table[f"error_{model}"]
    return FitSummary(
        mean_error=float(errors.mean()),
        within_rounding=int((errors <= ROUNDING + 1e-9).sum()),
        companies=len(table),
        worst=float(errors.max()),
        same_shown=int((table[f"shown_{model}"] == table["published"]).sum()),
    )
