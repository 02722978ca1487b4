"""Shared fixtures: the real review exports beside the checkout.

The files in ../shared/data/real (and the fidelity benchmark in
../shared/data/fidelity) are read in place, never copied into the repo.
When a folder is missing, tests that need it are skipped, unless
TRUSTLENS_REQUIRE_REAL_DATA=1 (set by .ci/run), in which case they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
REAL_DATA = SHARED_DATA / "real"
FIDELITY_DATA = SHARED_DATA / "fidelity"


def _require(folder: Path, what: str) -> Path:
    """``folder``; skip (or fail under TRUSTLENS_REQUIRE_REAL_DATA=1) if it is absent."""
    if not folder.is_dir():
        message = f"{what} not found at {folder}"
        if os.environ.get("TRUSTLENS_REQUIRE_REAL_DATA") == "1":
            pytest.fail(message + " (TRUSTLENS_REQUIRE_REAL_DATA=1 requires them)")
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real-data folder; skip (or fail under TRUSTLENS_REQUIRE_REAL_DATA=1) if absent."""
    return _require(REAL_DATA, "real review exports")


@pytest.fixture(scope="session")
def fidelity_data() -> Path:
    """The fidelity benchmark (published scores with complete review sets, see its
    README); skip (or fail under TRUSTLENS_REQUIRE_REAL_DATA=1) if absent."""
    folder = _require(FIDELITY_DATA, "the fidelity benchmark (published TrustScores)")
    if not (folder / "published-scores.csv").is_file():
        pytest.fail(f"{folder} has no published-scores.csv: the benchmark is incomplete.")
    return folder
