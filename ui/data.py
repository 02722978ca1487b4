"""Data access for pages: the demo dataset, this session's uploads, the workspace.

Caches are bounded and keyed on content the caller holds (the demo file's sha256,
a workspace dataset's content hash); uploads live in the uploading session's own
``st.session_state`` and never in a shared cache, so one user's upload cannot
appear in another user's session. Saved workspace datasets belong to a team: every
workspace call goes through the session's scope (:func:`ui.auth.current_scope`), so a
user sees their team's datasets only (an admin, every team's; local mode, all of them).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

import scoring
from scoring.errors import WorkspaceError
from scoring.readings import PublishedReading, readings_from_dicts
from scoring.store import (
    DatasetInfo,
    ScopedWorkspace,
    Workspace,
    default_workspace_location,
    open_workspace,
)
from ui import auth, cache

LOG = logging.getLogger(__name__)
DEMO_PATH = Path(__file__).resolve().parents[1] / "data" / "demo_reviews.csv"
DEMO_KEY = "demo"
DEMO_NAME = "Demo: Bramblegate Home Insurance"
UPLOADS = "uploads"  # session_state: key -> Dataset, this session's imports
OPENED = "audit_opened"  # session_state: saved dataset keys whose opening is recorded


@dataclass(frozen=True)
class Dataset:
    """A canonical review table with the name the user knows it by.

    ``report`` is the import report as plain data (saved with the dataset);
    ``readings`` the TrustScores the imported files showed (saved Trustpilot pages),
    oldest first, kept in the report as ``report["published_readings"]``.
    """

    key: str
    name: str
    reviews: pd.DataFrame
    content_hash: str
    origin: str  # "demo", "upload" or "workspace"
    report: dict[str, Any] = field(default_factory=dict)
    readings: tuple[PublishedReading, ...] = ()

    @property
    def business_name(self) -> str:
        """The company's name when the data holds exactly one, else the dataset's name."""
        company = _single_company(self.content_hash, self.reviews)
        return company if company is not None else self.name


@cache.by_key(max_entries=16)
def _single_company(reviews: pd.DataFrame) -> str | None:
    """The one company a dataset holds (None when it holds none or several); once per
    dataset, keyed on its content hash."""
    if "company" in reviews.columns:
        names = reviews["company"].dropna().unique()
        if len(names) == 1:
            return str(names[0])
    return None


@cache.by_key(max_entries=2, spinner="Loading the demo dataset…")
def _load_demo(path: Path) -> pd.DataFrame:
    return scoring.load_reviews(path).reviews


def demo_dataset() -> Dataset:
    """The bundled demo dataset, read once per server through the same importer as uploads."""
    content_hash = hashlib.sha256(DEMO_PATH.read_bytes()).hexdigest()
    return Dataset(DEMO_KEY, DEMO_NAME, _load_demo(content_hash, DEMO_PATH), content_hash,
                   "demo")


@st.cache_resource(max_entries=4)
def _workspace(location: str) -> Workspace:
    return open_workspace(location)


def workspace() -> ScopedWorkspace | None:
    """The workspace as this session's user may see it (their team's rows; an admin's,
    every team's), or None (with a warning shown) when it cannot be opened."""
    location = str(default_workspace_location())
    try:
        return _workspace(location).scoped(auth.current_scope())
    except WorkspaceError as error:
        st.sidebar.warning(f"The workspace is unavailable: {error} Uploads still work.")
        return None


def record(found: ScopedWorkspace | None, action: str, kind: str, item_id: int | None,
           item_name: str, detail: str = "") -> None:
    """Add an "open" or "export" row to the audit trail. A workspace that cannot take it
    (unavailable, read-only) does not stop the user: the failure goes to the log."""
    if found is None:
        return
    try:
        found.record(action, kind, item_id, item_name, detail)
    except WorkspaceError as error:
        LOG.warning("The audit trail did not record %s %s %r: %s", action, kind, item_name,
                    error)


def saved_datasets() -> list[DatasetInfo]:
    """The datasets saved in the workspace (empty when it is unavailable)."""
    found = workspace()
    if found is None:
        return []
    try:
        return found.list_datasets()
    except WorkspaceError as error:
        st.sidebar.warning(str(error))
        return []


def recorded_export(found: ScopedWorkspace | None, kind: str, item_id: int | None,
                    item_name: str, file_name: str, build: Callable[[], bytes]
                    ) -> Callable[[], bytes]:
    """``build`` for a download button's ``data``, recording an "export" in the audit
    trail when the file is actually downloaded (the button calls it on the click, without
    session state: ``found`` is the scoped workspace taken while drawing the button)."""

    def run() -> bytes:
        content = build()
        record(found, "export", kind, item_id, item_name, file_name)
        return content

    return run


def dataset_export(dataset: Dataset, file_name: str, build: Callable[[], bytes]
                   ) -> Callable[[], bytes]:
    """:func:`recorded_export` for a file made from ``dataset`` (a saved one by its id)."""
    return recorded_export(workspace(), "dataset", saved_dataset_id(dataset.key),
                           dataset.name, file_name, build)


def record_export(dataset: Dataset, file_name: str) -> None:
    """Button callback: record that ``file_name``, made from ``dataset``, was downloaded."""
    record(workspace(), "export", "dataset", saved_dataset_id(dataset.key), dataset.name,
           file_name)


@cache.by_key(max_entries=8, spinner="Opening the saved dataset…")
def _load_saved(found: ScopedWorkspace, location: str, dataset_id: int
                ) -> tuple[pd.DataFrame, dict]:
    """Through the caller's scope, so only a dataset it may see is ever read; cached on
    the content hash (the caller found it in its own scoped list)."""
    return found.load_dataset(dataset_id)


def session_uploads() -> dict[str, Dataset]:
    """This session's imported datasets, by key."""
    return st.session_state.setdefault(UPLOADS, {})


def add_upload(dataset: Dataset) -> None:
    """Keep an imported dataset in this session and make it the one in view."""
    session_uploads()[dataset.key] = dataset
    st.session_state["dataset"] = dataset.key


def available_datasets() -> dict[str, str]:
    """Choosable datasets: key -> label (demo, this session's uploads, saved ones)."""
    names = {DEMO_KEY: DEMO_NAME}
    for key, dataset in session_uploads().items():
        names[key] = f"Upload: {dataset.name}"
    for info in saved_datasets():
        names[f"ws{info.id}"] = f"Saved: {info.name}"
    return names


def dataset_by_key(key: str | None) -> Dataset:
    """The dataset behind a key from :func:`available_datasets` (the demo when unknown)."""
    uploads = session_uploads()
    if key in uploads:
        return uploads[key]
    saved_id = saved_dataset_id(key)
    if key is not None and saved_id is not None:
        for info in saved_datasets():  # the scope's own list: another team's id is absent
            if info.id == saved_id:
                found = workspace()
                if found is None:
                    break
                # Keyed on the content hash: a replaced dataset reloads.
                reviews, report = _load_saved(
                    info.content_hash, found, str(default_workspace_location()), saved_id
                )
                _record_open(found, key, info)
                return Dataset(key, info.name, reviews, info.content_hash, "workspace", report,
                               saved_readings(report))
    return demo_dataset()


def saved_dataset_id(key: str | None) -> int | None:
    """The workspace id in a saved dataset's key (``ws12`` -> 12); None for other keys."""
    if key and key.startswith("ws") and key[2:].isdigit():
        return int(key[2:])
    return None


def _record_open(found: ScopedWorkspace, key: str, info: DatasetInfo) -> None:
    """Record the first opening of a saved dataset in this session (not every rerun)."""
    opened: set[str] = st.session_state.setdefault(OPENED, set())
    if key not in opened:
        opened.add(key)
        record(found, "open", "dataset", info.id, info.name)


def saved_readings(report: dict[str, Any]) -> tuple[PublishedReading, ...]:
    """The published readings a saved dataset's report keeps (none, with a warning in
    the sidebar, when they cannot be read)."""
    try:
        return readings_from_dicts(report.get("published_readings"))
    except scoring.ReviewDataError as error:
        st.sidebar.warning(f"The saved TrustScore readings could not be read: {error}")
        return ()


def current_dataset() -> Dataset:
    """The dataset this browser session is looking at (the demo until it picks another)."""
    return dataset_by_key(st.session_state.get("dataset"))
