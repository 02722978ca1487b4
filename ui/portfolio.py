"""The Portfolio page's parts: every location (or company) in one table, those at risk,
and the way from a row to the other pages with that group's filter set.

The numbers come from :mod:`scoring.portfolio` (one vectorised pass, cached on the
view's reviews key and the model); each rerun only filters and draws. Names from the
data reach the screen through ``st.dataframe`` (plain text) or escaped markdown.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from scoring import portfolio as engine
from scoring.display import LABELS
from scoring.errors import ReviewDataError
from scoring.model import ScoreParams
from ui import cache, controls, views
from ui.controls import View
from ui.format import escape_markdown

GROUP_COLUMNS = ("location", "company")
"""The columns a portfolio groups by, the first preferred."""
NONE = "(none)"
"""The group of reviews without a value in the group column."""
HORIZONS = (30, 60, 90, 180, 365)
OPEN_PAGES = {
    "home": ("app_pages/home.py", "Overview", ":material/dashboard:"),
    "trends": ("app_pages/trends.py", "Trends", ":material/show_chart:"),
    "why": ("app_pages/why.py", "Why did it move?", ":material/waterfall_chart:"),
}
OPEN_KEY = "portfolio_open"
"""Session state: the page a row's button asked to open (followed on the next run)."""
CACHE_ENTRIES = 8


def group_candidates(reviews: pd.DataFrame) -> list[str]:
    """The group columns this dataset has, best first: both when each holds two values
    or more, else the one with more distinct values (location on a tie)."""
    present = [c for c in GROUP_COLUMNS if c in reviews.columns]
    counts = {c: int(reviews[c].nunique(dropna=True)) for c in present}
    several = [c for c in present if counts[c] >= 2]
    if len(several) == 2:
        return several
    if not present:
        return []
    return [max(present, key=lambda c: (counts[c], c == "location"))]


@dataclass(frozen=True)
class PortfolioData:
    """The cached numbers of one view: the table (one row per group, indexed by name:
    :func:`scoring.portfolio.portfolio_table`'s columns, ``sparkline`` (12 monthly
    scores) and, with replies, :func:`scoring.portfolio.reply_figures`'), whether the
    data has replies, and the instant it is scored at."""

    table: pd.DataFrame
    has_replies: bool
    as_of: pd.Timestamp


@cache.by_key(max_entries=CACHE_ENTRIES, spinner="Scoring every group...")
def _compute(reviews: pd.DataFrame, by: str, half_life_days: float, prior_count: float,
             prior_mean: float, model: str, as_of: pd.Timestamp | None) -> PortfolioData:
    params = ScoreParams(half_life_days=half_life_days, prior_count=prior_count,
                         prior_mean=prior_mean, model=model)  # type: ignore[arg-type]
    grouped = reviews.assign(**{by: reviews[by].astype("string").fillna(NONE)})
    table = engine.portfolio_table(grouped, by, params=params, as_of=as_of)
    stamp = as_of if as_of is not None else table["last_review_at"].max()
    table = table.assign(
        sparkline=engine.monthly_sparklines(grouped, by, params=params, as_of=stamp))
    replies = engine.reply_figures(grouped, by, as_of=stamp)
    if replies is not None:
        table = table.join(replies)
    return PortfolioData(table, replies is not None, pd.Timestamp(stamp))


def compute(view: View, by: str) -> PortfolioData:
    """:class:`PortfolioData` of ``view`` grouped by ``by`` (cached)."""
    p = view.model.params
    key = f"{views.reviews_key(view)}|portfolio|{by}"
    return _compute(key, view.reviews, by, p.half_life_days, p.prior_count, p.prior_mean,
                    p.model, view.end)


def filtered(table: pd.DataFrame, *, search: str, labels: list[str], min_reviews: int
             ) -> pd.DataFrame:
    """The rows whose name contains ``search`` (any case, plain text), whose label is one of
    ``labels`` (all when empty) and with at least ``min_reviews`` reviews."""
    mask = (table["reviews"] >= min_reviews).to_numpy(dtype=bool, copy=True)
    if labels:
        mask &= table["label"].isin(labels).to_numpy(dtype=bool)
    if search.strip():
        names = pd.Series(table.index.astype(str))
        mask &= names.str.contains(search.strip(), case=False, regex=False).to_numpy(dtype=bool)
    return table.loc[mask]


PAGE_ROWS = 500
"""Rows the table sends to the browser at once: a page of the sorted, filtered groups
(10,000 rows with their sparklines take seconds to send and draw on every change)."""
SORTS: dict[str, tuple[str, str | None, bool]] = {
    "best": ("Score, best first", "score", False),
    "worst": ("Score, worst first", "score", True),
    "fall30": ("Change in 30 days, most fallen first", "change_30", True),
    "fall90": ("Change in 90 days, most fallen first", "change_90", True),
    "reviews": ("Most reviews first", "reviews", False),
    "name": ("Name, A to Z", None, True),
}
"""The orders of every group (key: label, column — None for the name —, ascending)."""


def sort_rows(table: pd.DataFrame, sort: str) -> pd.DataFrame:
    """``table`` in the order :data:`SORTS` names (ties keep the table's order; missing
    values last)."""
    _, column, ascending = SORTS[sort]
    if column is None:
        keys = pd.Series(table.index.astype(str).str.casefold())
    elif column in table.columns:
        keys = table[column]
    else:  # no changes without a history: best first
        keys, ascending = table["score"], False
    order = keys.reset_index(drop=True).sort_values(ascending=ascending, kind="stable",
                                                    na_position="last")
    return table.iloc[order.index.to_numpy()]


def page_count(rows: int, size: int = PAGE_ROWS) -> int:
    """Pages of ``size`` rows needed for ``rows`` (at least one)."""
    return max(1, -(-rows // size))


def page_of(table: pd.DataFrame, page: int, size: int = PAGE_ROWS) -> pd.DataFrame:
    """Rows ``(page - 1) * size`` to ``page * size`` of ``table`` (page 1 first)."""
    start = (max(1, page) - 1) * size
    return table.iloc[start:start + size]


RISK_ROWS = 100
"""Rows of the at-risk list shown at once (most urgent first)."""


def pager(rows: int, key: str, size: int = PAGE_ROWS) -> int:
    """The page of ``rows`` rows to show, ``size`` a page: a page number input under
    ``key`` when there is more than one page (back to page 1 when a change left fewer
    pages than the one chosen), else 1."""
    pages = page_count(rows, size)
    if int(st.session_state.get(key, 1)) > pages:
        st.session_state[key] = 1
    if pages == 1:
        return 1
    return int(st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, value=1,
                               step=1, key=key, help=f"{size:,} rows a page."))


def page_note(page: int, shown: int, size: int = PAGE_ROWS) -> str:
    """Which rows the page holds, e.g. ``" (rows 501 to 1,000 on this page)"``."""
    first = (page - 1) * size + 1
    return f" (rows {first:,} to {first + shown - 1:,} on this page)"


def display_table(table: pd.DataFrame, by: str, *, replies: bool) -> pd.DataFrame:
    """The columns the page shows, named for people, in the table's order."""
    title = controls.FILTER_COLUMNS[by]
    shown = pd.DataFrame({
        title: table.index.astype(str),
        "Score": table["display_score"].to_numpy(),
        "Stars": table["stars"].to_numpy(),
        "Label": table["label"].astype(str).to_numpy(),
        "Reviews": table["reviews"].to_numpy(),
    })
    if "change_30" in table.columns:
        shown["Change 30 days"] = table["change_30"].to_numpy()
        shown["Change 90 days"] = table["change_90"].to_numpy()
    if "sparkline" in table.columns:
        shown["Last 12 months"] = table["sparkline"].to_numpy()
    if replies and "negative_reply_rate" in table.columns:
        shown["Negative answered"] = table["negative_reply_rate"].to_numpy() * 100
        shown["Negative reviews (12 months)"] = table["negative_reviews"].to_numpy()
    shown["Exact score"] = table["score"].to_numpy()
    if "last_review_at" in table.columns:
        shown["Last review"] = table["last_review_at"].to_numpy()
    return shown


COLUMN_CONFIG = {
    "Score": st.column_config.NumberColumn(format="%.1f", help="The score as shown: one "
                                           "decimal, halves up."),
    "Stars": st.column_config.NumberColumn(format="%.1f ★"),
    "Change 30 days": st.column_config.NumberColumn(format="%+.3f",
                                                    help="Score now minus 30 days ago."),
    "Change 90 days": st.column_config.NumberColumn(format="%+.3f",
                                                    help="Score now minus 90 days ago."),
    "Change": st.column_config.NumberColumn(format="%+.3f", help="Score at as_of minus "
                                            "change_days before (the file's columns)."),
    "Last 12 months": st.column_config.LineChartColumn(
        y_min=1, y_max=5, help="The score at the end of each of the last 12 months "
        "(stars, 1-5)."),
    "Negative answered": st.column_config.NumberColumn(
        format="%.0f%%", help="1-2 star reviews of the last 12 months answered (status known)."),
    "Exact score": st.column_config.NumberColumn(format="%.3f"),
    "Last review": st.column_config.DatetimeColumn(format="YYYY-MM-DD"),
}


NAME_WIDTH = 200
"""The name column's width in pixels (fixed, so the other headers sit where expected)."""


def table_config(title: str) -> dict[str, object]:
    """:data:`COLUMN_CONFIG` with the name column (``title``) pinned at a fixed width."""
    return {**COLUMN_CONFIG,
            title: st.column_config.TextColumn(width=NAME_WIDTH, pinned=True)}


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _side(boundary: str, value: object) -> str:
    if boundary == "stars":
        return f"{float(value):.1f} stars"  # type: ignore[arg-type]
    if boundary == "threshold":
        return f"{float(value):.1f}"  # type: ignore[arg-type]
    return str(value)


def pace_text(reviews_per_day: float, mean_stars: float) -> str:
    """The recent pace in words: "0.4 reviews a day averaging 2.1 stars"."""
    if not reviews_per_day > 0:
        return "no reviews in the last 90 days"
    return f"{reviews_per_day:.2g} reviews a day averaging {mean_stars:.1f} stars"


def reason(row: Mapping[str, Any]) -> str:
    """One sentence: why a group is in the at-risk list (``row``: one of
    :func:`scoring.portfolio.at_risk`, with the ``threshold`` watched or None)."""
    before, after = _side(row["boundary"], row["before"]), _side(row["boundary"], row["after"])
    if row["boundary"] == "stars":  # "from 4.5 to 4.0 stars"
        before = before.removesuffix(" stars")
    if row["status"] == "crossed":
        return f"Fell from {before} to {after} in the last {engine.JUST_CROSSED_DAYS} days."
    pace = pace_text(float(row["reviews_per_day"]), float(row["mean_new_stars"]))
    if row["boundary"] == "threshold":
        return (f"Falls below {_side('threshold', row['threshold'])} (shows {before} now) in "
                f"~{_days(int(row['days']))} at the last 90 days' pace ({pace}).")
    return (f"Falls from {before} to {after} in ~{_days(int(row['days']))} at the last 90 "
            f"days' pace ({pace}).")


@cache.by_key(max_entries=CACHE_ENTRIES * 4)
def _risk_table(data: PortfolioData, by: str, half_life_days: float, prior_count: float,
                prior_mean: float, model: str, horizon_days: int, threshold: float | None
                ) -> pd.DataFrame:
    params = ScoreParams(half_life_days=half_life_days, prior_count=prior_count,
                         prior_mean=prior_mean, model=model)  # type: ignore[arg-type]
    risk = engine.at_risk(data.table, params, horizon_days=horizon_days, threshold=threshold)
    title = controls.FILTER_COLUMNS[by]
    if risk.empty:
        return pd.DataFrame(columns=[title, "Status", "Why", "Score", "Stars", "Label",
                                     "In days"])
    rows = data.table.loc[risk[by]]
    records = risk.assign(threshold=threshold).to_dict("records")
    return pd.DataFrame({
        title: risk[by].astype(str).to_numpy(),
        "Status": np.where(risk["status"] == "ahead", "At risk", "Just fell"),
        "Why": [reason(record) for record in records],
        "Score": rows["display_score"].to_numpy(),
        "Stars": rows["stars"].to_numpy(),
        "Label": rows["label"].astype(str).to_numpy(),
        "In days": pd.Series(risk["days"].to_numpy(), dtype="Int64").where(
            risk["status"].to_numpy() == "ahead").array,
    })


def risk_table(view: View, by: str, data: PortfolioData, *, horizon_days: int,
               threshold: float | None) -> pd.DataFrame:
    """The at-risk list as shown (cached): the group, its status, the reason in words and
    its shown score, stars, label and the days until it falls."""
    p = view.model.params
    key = f"{views.reviews_key(view)}|portfolio|{by}"
    return _risk_table(key, data, by, p.half_life_days, p.prior_count, p.prior_mean,
                       p.model, int(horizon_days), threshold)


def _request_open(by: str, name: str, page: str) -> None:
    """Button callback: set the sidebar's filter on ``by`` to ``name`` and ask for ``page``."""
    st.session_state[f"filter_{by}"] = [name]
    st.session_state[OPEN_KEY] = (page, by, name)


def follow_open() -> None:
    """Open the page a row's button asked for. The filter is already in session state; the
    sidebar's widget binds it to the URL there (``filter_location=...``), so the opened
    page's address reproduces the view."""
    asked = st.session_state.pop(OPEN_KEY, None)
    if asked:
        st.switch_page(OPEN_PAGES[asked[0]][0], query_params={})  # {}: keep bound params


def open_buttons(view: View, by: str, name: str, key: str) -> None:
    """Buttons that open ``name`` in the Overview, Trends and Why pages."""
    title = controls.FILTER_COLUMNS[by].lower()
    if name == NONE or name not in controls.filter_values(view.dataset, by):
        st.caption(escape_markdown(
            f"The sidebar's {title} filter cannot select {name} (reviews with no "
            f"{title} have no value to filter on), so it cannot be opened on its own."))
        return
    st.markdown(f"**{escape_markdown(name)}**: open it on its own")
    columns = st.columns(len(OPEN_PAGES))
    for column, (page, (_, label, icon)) in zip(columns, OPEN_PAGES.items(), strict=True):
        column.button(label, icon=icon, key=f"{key}_{page}", on_click=_request_open,
                      args=(by, name, page), width="stretch",
                      help=f"Opens {label} with the sidebar filtered to this {title}.")


def selected_name(event: object, shown: pd.DataFrame, column: str) -> str | None:
    """The group of the row selected in a ``st.dataframe`` (None when none is)."""
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    if not rows or rows[0] >= len(shown):
        return None
    return str(shown[column].iloc[rows[0]])


def read_scores_file(data: bytes) -> tuple[pd.DataFrame, list[str]]:
    """A ``trustlens score`` Parquet file as (table, group columns); ReviewDataError when
    it is not one."""
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except (OSError, ValueError) as error:
        raise ReviewDataError(f"Cannot read this file as Parquet: {error}") from None
    return engine.read_scores(frame)


def scores_file_table(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """A scores file as the page's table (the group name joins several key columns)."""
    names = frame[keys].astype("string").fillna(NONE).agg(" / ".join, axis=1)
    shown = pd.DataFrame({"Group": names.to_numpy()})
    for column, title in (("display_score", "Score"), ("stars", "Stars"), ("label", "Label"),
                          ("reviews", "Reviews"), ("score_change", "Change")):
        if column in frame.columns:
            shown[title] = frame[column].to_numpy()
    shown["Exact score"] = frame["score"].to_numpy()
    if "last_review_at" in frame.columns:
        shown["Last review"] = frame["last_review_at"].to_numpy()
    return shown.sort_values("Exact score", ascending=False, kind="stable").reset_index(drop=True)


def scores_file_caption(frame: pd.DataFrame) -> str:
    """When and how a scores file was made, from its own columns."""
    parts = []
    if "as_of" in frame.columns and len(frame):
        parts.append(f"as of {pd.Timestamp(frame['as_of'].iloc[0]):%Y-%m-%d %H:%M} UTC")
    for column, name in (("model", "model"), ("half_life_days", "half-life (days)"),
                         ("prior_count", "prior reviews"), ("prior_mean", "prior stars"),
                         ("change_days", "change over (days)")):
        if column in frame.columns and len(frame):
            parts.append(f"{name} {frame[column].iloc[0]}")
    return escape_markdown("; ".join(parts))


LABEL_OPTIONS = list(LABELS)
