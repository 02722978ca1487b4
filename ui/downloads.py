"""Download buttons pages share: a formula-safe CSV of the page's table, an HTML
snapshot of its charts and the PowerPoint deck of the view. Each records an "export"
in the workspace's audit trail when the file is downloaded."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import data, deck, export, views
from ui.controls import View

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DECK_STATE = "deck_built"
"""Session key prefix of the last deck built on a page: (what it shows, its bytes)."""


def snapshot_button(page: str, view: View, figures: list[go.Figure], *, slug: str) -> None:
    """'Download an HTML snapshot': the charts with every assumption of the view printed.

    Built only when clicked (a callable), so reruns stay fast.
    """
    title = f"TrustLens {page}: {view.dataset.business_name}"
    assumptions = [*view.describe().split("; "), f"dataset: {view.dataset.name}"]
    st.download_button(
        "Download an HTML snapshot",
        data.dataset_export(view.dataset, f"trustlens-{slug}.html",
                            lambda: export.html_snapshot(title, assumptions, figures)),
        file_name=f"trustlens-{slug}.html", mime="text/html", icon=":material/download:",
        on_click="ignore", key=f"snapshot_{slug}",
    )


def csv_button(label: str, table: pd.DataFrame, file_name: str, dataset: data.Dataset, *,
               index: bool = False) -> None:
    """A download of ``table`` as CSV, every text cell that could start a formula
    neutralised (:func:`ui.export.safe_csv`), built on the click and recorded as an export
    of ``dataset``."""
    st.download_button(
        label,
        data.dataset_export(dataset, file_name, lambda: export.safe_csv(table, index=index)),
        file_name=file_name, mime="text/csv", icon=":material/download:", on_click="ignore",
    )


def export_row(
    csv_label: str, table: pd.DataFrame, csv_name: str, page: str, view: View,
    figures: list[go.Figure], *, slug: str, index: bool = False,
) -> None:
    """The two exports of an analysis page, side by side: its table as a CSV (cells
    that would start a formula neutralised) and :func:`snapshot_button`."""
    left, right = st.columns(2)
    with left:
        csv_button(csv_label, table, csv_name, view.dataset, index=index)
    with right:
        snapshot_button(page, view, figures, slug=slug)


def _deck_for(view: View, slug: str, requests: float | None) -> str:
    """What a built deck shows: the data and filters, every setting, the plan's requests."""
    return f"{slug}|{views.reviews_key(view)}|{view.describe()}|requests={requests!r}"


@st.fragment
def deck_button(view: View, *, slug: str,
                requests_per_month: Callable[[], float | None] | None = None) -> None:
    """'Download as PowerPoint': on click, builds the deck of ``view`` (the slides of the
    presentation mode, :func:`ui.deck.view_deck`; the plan at ``requests_per_month()``
    when given, read at the click) and offers it with "Save the PowerPoint deck (.pptx)".

    It takes a second or more, so it is built only on click and inside this fragment:
    the rest of the page does not rerun. The built deck is kept in the session (one per
    ``slug``) while the view stays the same, so a rerun of the page (the Overview reruns
    once its briefing is complete) still offers it; a change of data, setting or requests
    withdraws it."""
    requests = None if requests_per_month is None else requests_per_month()
    shows = _deck_for(view, slug, requests)
    state = f"{DECK_STATE}_{slug}"
    if st.button("Download as PowerPoint", key=f"deck_build_{slug}",
                 icon=":material/slideshow:",
                 help="The slides of the presentation as a 16:9 PowerPoint deck, with "
                 "native, editable charts and the sources and assumptions on every slide."):
        with st.spinner("Building the PowerPoint deck…"):
            st.session_state[state] = (shows, deck.view_deck(view, requests_per_month=requests))
    built = st.session_state.get(state)
    if built is None or built[0] != shows:
        return
    st.download_button(
        "Save the PowerPoint deck (.pptx)",
        built[1],
        file_name=f"trustlens-{slug}.pptx",
        mime=PPTX_MIME, icon=":material/download:", type="primary",
        # The deck is already built: the click records the export (a fragment rerun).
        on_click=data.record_export, args=(view.dataset, f"trustlens-{slug}.pptx"),
        key=f"deck_save_{slug}",
    )
