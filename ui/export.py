"""Exports: CSV that is safe to open in a spreadsheet, and an HTML snapshot of charts."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import plotly.graph_objects as go

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell starting with ``= + - @``, tab or CR gets a leading apostrophe, so a
    spreadsheet shows it as text instead of running it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame, *, index: bool = True) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads the encoding) with every text cell neutralised.

    Numbers stay numbers: a negative change is data, not a formula.
    """
    out = frame.copy()
    if index:
        out = out.reset_index()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    return out.to_csv(index=False).encode("utf-8-sig")


def html_snapshot(title: str, assumptions: list[str], figures: list[go.Figure]) -> bytes:
    """One self-contained HTML page: the title, every assumption, then the charts.

    Text is escaped; plotly.js is inlined once so the file opens offline.
    """
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1c1c1c}"
        "li{margin:.2rem 0}.meta{color:#555;font-size:.9rem}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='meta'>Exported from TrustLens on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
        "</p><h2>Assumptions</h2><ul>",
        *[f"<li>{html.escape(item)}</li>" for item in assumptions],
        "</ul>",
    ]
    for i, figure in enumerate(figures):
        parts.append(figure.to_html(full_html=False, include_plotlyjs=(i == 0)))
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")
