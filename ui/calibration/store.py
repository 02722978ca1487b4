"""Where the Check page's readings are kept: this session's editor tables (per dataset
key, in ``st.session_state``), loaded from and saved to the workspace for a dataset
saved there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from scoring.errors import WorkspaceError
from scoring.readings import PublishedReading
from ui import auth
from ui.calibration.keys import SAVED_MESSAGE, TABLES
from ui.calibration.readings import readings_table
from ui.data import Dataset, workspace
from ui.format import escape_markdown


def saved_id(dataset: Dataset) -> int | None:
    """The workspace id of a dataset saved there; None for the demo or an upload."""
    return int(dataset.key[2:]) if dataset.origin == "workspace" else None


def entry(dataset: Dataset) -> dict[str, Any]:
    """This session's tables for ``dataset``: created from the readings saved with it
    (workspace) or found by the importer, plus a row for today.

    Keys: ``base`` (what the editor started from), ``current`` (as last edited),
    ``version`` (of the editor's key) and ``saved`` (the readings in the workspace, or
    None)."""
    tables = st.session_state.setdefault(TABLES, {})
    found_entry = tables.get(dataset.key)
    if found_entry is None:
        readings: Sequence[PublishedReading] = dataset.readings
        saved: tuple[PublishedReading, ...] | None = None
        dataset_id = saved_id(dataset)
        found = workspace() if dataset_id is not None else None
        if found is not None and dataset_id is not None:
            try:
                saved = tuple(found.load_readings(dataset_id))
            except WorkspaceError as error:
                st.warning(escape_markdown(f"The saved readings could not be read: {error}"))
            else:
                readings = saved or readings
        table = readings_table(readings, pd.Timestamp.now(tz="UTC").date())
        found_entry = {"base": table, "current": table, "version": 0, "saved": saved}
        tables[dataset.key] = found_entry
    return found_entry


def read_only_reason() -> str | None:
    """Why this user may not save readings (one sentence), or None when they may."""
    scope = auth.current_scope()
    return None if scope.can_write() else auth.read_only_reason(scope, "saving readings")


def save(dataset_id: int, readings: tuple[PublishedReading, ...], dataset_key: str) -> None:
    """Button callback: save the readings with the dataset; the outcome waits for the
    rerun in ``st.session_state[SAVED_MESSAGE]``."""
    found = workspace()
    if found is None:
        st.session_state[SAVED_MESSAGE] = (False, "The workspace is unavailable right now.")
        return
    try:
        count = found.save_readings(dataset_id, readings)
    except WorkspaceError as error:
        st.session_state[SAVED_MESSAGE] = (False, str(error))
        return
    st.session_state[TABLES][dataset_key]["saved"] = readings
    noun = "reading" if count == 1 else "readings"
    st.session_state[SAVED_MESSAGE] = (True, f"Saved {count} {noun} with the dataset.")
