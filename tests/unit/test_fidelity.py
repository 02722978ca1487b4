"""Fidelity: the default model reproduces the TrustScores Trustpilot published.

Reads ../shared/data/fidelity (14 real companies with their published score) through
the importer. Required in CI (TRUSTLENS_REQUIRE_REAL_DATA=1), skipped elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import scoring
from scoring import fidelity

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def cases(fidelity_data: Path) -> list[fidelity.Case]:
    return fidelity.load_cases(fidelity_data)


@pytest.fixture(scope="module")
def table(cases: list[fidelity.Case]) -> pd.DataFrame:
    return fidelity.evaluate(cases)


def test_every_file_imports_whole(cases: list[fidelity.Case], fidelity_data: Path) -> None:
    listed = fidelity.read_cases(fidelity_data)
    assert len(cases) == len(listed) >= 14
    for case, in_file in zip(cases, listed["reviews_in_file"], strict=True):
        assert case.rows_read == len(case.reviews) == in_file, case.company


def test_the_default_model_matches_the_published_scores(table: pd.DataFrame) -> None:
    """The issue's bar: mean error at most 0.05 and no company's displayed score more
    than 0.1 away from the published one."""
    default = scoring.DEFAULT_MODEL
    assert table[f"error_{default}"].mean() <= 0.05
    gaps = (table[f"shown_{default}"] - table["published"]).abs()
    assert gaps.max() <= 0.1 + 1e-9, table.loc[gaps.idxmax(), "company"]


def test_the_recorded_fit_is_what_the_data_says(table: pd.DataFrame) -> None:
    """PUBLISHED_FIT (quoted in the interface) against a fresh measurement."""
    for model, recorded in scoring.PUBLISHED_FIT.items():
        measured = fidelity.summarise(table, model)
        assert round(measured.mean_error, 3) == recorded.mean_error, model
        assert round(measured.worst, 2) == recorded.worst, model
        assert measured.within_rounding == recorded.within_rounding, model
        assert measured.same_shown == recorded.same_shown, model
        assert measured.companies == recorded.companies, model


def test_the_fitted_model_shows_every_published_score(table: pd.DataFrame) -> None:
    assert (table["shown_trustpilot"] == table["published"]).all()
    # Honor's reviews are old: decayed-prior hands its score back towards 3.5.
    honor = table.set_index("company").loc["Honor"]
    assert honor["error_decayed-prior"] > 1.0 > 0.05 > honor["error_trustpilot"]


@pytest.mark.parametrize(
    ("half_life_days", "prior_count"), [(150.0, 7.0), (240.0, 7.0), (182.5, 6.0), (182.5, 8.0)]
)
def test_the_issue_s_other_parameters_leave_a_company_outside_rounding(
    cases: list[fidelity.Case], half_life_days: float, prior_count: float
) -> None:
    """The issue's claim for 150 and 240 days and priors 6 and 8: each fits worse. (A
    finer grid finds neighbours that fit as well: benchmarks/RESULTS.md.)"""
    other = fidelity.evaluate(cases, half_life_days=half_life_days, prior_count=prior_count)
    summary = fidelity.summarise(other, "trustpilot")
    assert summary.within_rounding < summary.companies
    assert summary.mean_error >= scoring.PUBLISHED_FIT["trustpilot"].mean_error - 5e-4
