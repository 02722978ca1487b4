"""The Check page's session-state and widget keys (no streamlit).

All are session-only (nothing of this page is in the URL); the app tests press the
buttons by these keys.
"""

from __future__ import annotations

TABLES = "calib_tables"
"""Dataset key -> the readings editor's tables (see :mod:`ui.calibration.store`)."""
FITS = "calib_fits"
"""Dataset key -> (what the fit depended on, the Fit)."""
APPLIED = "calib_applied"
"""The values Apply just set, for the next run's confirmation."""
SAVED_MESSAGE = "calib_saved_message"
"""(ok, message) of the last save, for the next run."""

SAVE = "calib_save"
FIT = "calib_fit"
FIT_PRIOR = "calib_prior"
APPLY = "calib_apply"


def editor_key(dataset_key: str, version: int = 0) -> str:
    """The key of a dataset's readings editor (its edit state in session state)."""
    return f"calib_readings_{dataset_key}_{version}"
