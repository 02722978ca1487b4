"""Shared fixtures: the real review exports beside the checkout.

The files in ../shared/data/real are read in place, never copied into the repo.
When the folder is missing, tests that need it are skipped, unless
TRUSTLENS_REQUIRE_REAL_DATA=1 (set by .ci/run), in which case they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REAL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real-data folder; skip (or fail under TRUSTLENS_REQUIRE_REAL_DATA=1) if absent."""
    if not REAL_DATA.is_dir():
        message = f"real review exports not found at {REAL_DATA}"
        if os.environ.get("TRUSTLENS_REQUIRE_REAL_DATA") == "1":
            pytest.fail(message + " (TRUSTLENS_REQUIRE_REAL_DATA=1 requires them)")
        pytest.skip(message)
    return REAL_DATA
