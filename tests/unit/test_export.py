"""Exports neutralise spreadsheet formulas and escape text."""

from __future__ import annotations

import io

import pandas as pd
import plotly.graph_objects as go

from ui.export import html_snapshot, safe_csv


def test_csv_neutralises_formulas_but_keeps_numbers() -> None:
    frame = pd.DataFrame(
        {
            "title": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx", "fine"],
            "change": [-0.5, 1, 2, 3, 4, 5, 6],
        }
    )
    text = safe_csv(frame, index=False).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert back["title"].tolist()[:4] == ["'=HYPERLINK(\"x\")", "'+1", "'-cmd", "'@SUM(A1)"]
    assert back["title"].iloc[-1] == "fine"
    assert float(back["change"].iloc[0]) == -0.5  # a negative number is not neutralised
    assert "'-0.5" not in text


def test_html_snapshot_escapes_and_embeds() -> None:
    page = html_snapshot("<b>x</b>", ["half-life <script>"], [go.Figure()]).decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "half-life &lt;script&gt;" in page
    assert "plotly" in page.lower()
