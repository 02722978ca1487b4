"""Data access for pages: the demo dataset, this session's uploads, the workspace.

Caches are bounded and keyed on content the caller holds (the demo file's sha256,
a workspace dataset's content hash); uploads live in the uploading session's own
``st.session_state`` and never in a shared cache, so one user's upload cannot
appear in another user's session. Saved workspace datasets are shared on purpose:
anyone opening the app sees them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

import scoring
from scoring.errors import WorkspaceError
from scoring.readings import PublishedReading, readings_from_dicts
from scoring.store import DatasetInfo, Workspace, default_workspace_path
from ui import cache

DEMO_PATH = Path(__file__).resolve().parents[1] / "data" / "demo_reviews.csv"
DEMO_KEY = "demo"
DEMO_NAME = "Demo: Bramblegate Home Insurance"
UPLOADS = "uploads"  # session_state: key -> Dataset, this session's imports


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
def _workspace(path: str) -> Workspace:
    return Workspace(path)


def workspace() -> Workspace | None:
    """The shared workspace, or None (with a warning shown) when it cannot be opened."""
    path = str(default_workspace_path())
    try:
        return _workspace(path)
    except WorkspaceError as error:
        st.sidebar.warning(f"The workspace is unavailable: {error} Uploads still work.")
        return None


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


@cache.by_key(max_entries=8, spinner="Opening the saved dataset…")
def _load_saved(path: str, dataset_id: int) -> tuple[pd.DataFrame, dict]:
    return _workspace(path).load_dataset(dataset_id)


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
    if key and key.startswith("ws") and key[2:].isdigit():
        dataset_id = int(key[2:])
        for info in saved_datasets():
            if info.id == dataset_id:
                # Keyed on the content hash: a replaced dataset reloads.
                reviews, report = _load_saved(
                    info.content_hash, str(default_workspace_path()), dataset_id
                )
                return Dataset(key, info.name, reviews, info.content_hash, "workspace", report,
                               saved_readings(report))
    return demo_dataset()


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
