"""Download buttons pages share: an HTML snapshot of the page's charts."""

from __future__ import annotations

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
