"""Download buttons pages share: a formula-safe CSV of the page's table and an HTML
snapshot of its charts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import export
from ui.controls import View


def snapshot_button(page: str, view: View, figures: list[go.Figure], *, slug: str) -> None:
    """'Download an HTML snapshot': the charts with every assumption of the view printed.

    Built only when clicked (a callable), so reruns stay fast.
    """
    title = f"TrustLens {page}: {view.dataset.business_name}"
    assumptions = [*view.describe().split("; "), f"dataset: {view.dataset.name}"]
    st.download_button(
        "Download an HTML snapshot", lambda: export.html_snapshot(title, assumptions, figures),
        file_name=f"trustlens-{slug}.html", mime="text/html", icon=":material/download:",
        on_click="ignore", key=f"snapshot_{slug}",
    )


def export_row(
    csv_label: str, table: pd.DataFrame, csv_name: str, page: str, view: View,
    figures: list[go.Figure], *, slug: str, index: bool = False,
) -> None:
    """The two exports of an analysis page, side by side: its table as a CSV (cells
    that would start a formula neutralised) and :func:`snapshot_button`."""
    left, right = st.columns(2)
    left.download_button(
        csv_label, export.safe_csv(table, index=index), file_name=csv_name, mime="text/csv",
        icon=":material/download:", on_click="ignore",
    )
    with right:
        snapshot_button(page, view, figures, slug=slug)
