"""Shared fixtures: the real review exports beside the checkout.

The files in ../shared/data/real are read in place, never copied into the repo.
When the folder is missing, tests that need it are skipped, unless
TRUSTLENS_REQUIRE_REAL_DATA=1 (set by .ci/run), in which case they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
REAL_DATA = SHARED_DATA / "real"
FIDELITY_DATA = SHARED_DATA / "fidelity"


def _shared_folder(folder: Path, what: str) -> Path:
    """``folder``; skip (or fail under TRUSTLENS_REQUIRE_REAL_DATA=1) if absent."""
    if not folder.is_dir():
        message = f"{what} not found at {folder}"
        if os.environ.get("TRUSTLENS_REQUIRE_REAL_DATA") == "1":
            pytest.fail(message + " (TRUSTLENS_REQUIRE_REAL_DATA=1 requires them)")
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real-data folder; skip (or fail under TRUSTLENS_REQUIRE_REAL_DATA=1) if absent."""
    return _shared_folder(REAL_DATA, "real review exports")


@pytest.fixture(scope="session")
def fidelity_data() -> Path:
    """The companies with published TrustScores (../shared/data/fidelity); skip (or fail
    under TRUSTLENS_REQUIRE_REAL_DATA=1) if absent."""
    return _shared_folder(FIDELITY_DATA, "published-score data")
