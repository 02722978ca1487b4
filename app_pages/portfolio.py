"""Portfolio: every location (or company) in one sortable table, and the ones at risk."""

from __future__ import annotations

import streamlit as st

from scoring.errors import ReviewDataError
from ui import controls
from ui import portfolio as parts
from ui.format import escape_markdown

view = controls.sidebar(period=False)
parts.follow_open()
st.title("Portfolio", anchor=False)
st.caption(view.caption())

with st.expander("Open a scores file from `trustlens score`", icon=":material/table:"):
    upload = st.file_uploader(
        "Scores file (Parquet)", type=["parquet"], key="portfolio_scores",
        help="What `trustlens score PATHS --by location --out scores.parquet` writes.",
    )

if upload is not None:
    try:
        frame, keys = parts.read_scores_file(upload.getvalue())
    except ReviewDataError as error:
        st.error(escape_markdown(str(error)))
        st.stop()
    st.subheader(escape_markdown(f"Scores file: {upload.name}"), anchor=False)
    st.caption(parts.scores_file_caption(frame))
    st.info("A scores file holds each group's score at one instant, not its reviews: "
            "no sparkline, changes over 30 days or at-risk list here. Remove the file to "
            "see the dataset in the sidebar.")
    st.dataframe(parts.scores_file_table(frame, keys), hide_index=True, width="stretch",
                 column_config=parts.COLUMN_CONFIG)
    st.caption(f"{len(frame):,} groups, by {', '.join(keys)}.")
    st.stop()

candidates = parts.group_candidates(view.reviews)
if not candidates:
    st.info("A portfolio needs a **location** or **company** column: this dataset has "
            "neither. Import a Trustpilot export with its Location Name column (or several "
            "companies' files at once), or open a scores file above.")
    st.page_link("app_pages/importer.py", label="Import reviews", icon=":material/upload_file:")
    st.stop()

by = candidates[0]
if len(candidates) > 1:
    by = st.segmented_control(
        "Group by", options=candidates, format_func=controls.FILTER_COLUMNS.get,
        default=candidates[0], required=True, key="portfolio_by", bind="query-params",
        persist_state="session",
    ) or candidates[0]
title = controls.FILTER_COLUMNS[by]
data = parts.compute(view, by)
table = data.table[data.table["reviews"] > 0]
if by in view.filters:
    st.caption(escape_markdown(
        f"The sidebar filters the {title.lower()}s to {len(view.filters[by])}; clear that "
        "filter to see them all."))

st.subheader("At risk", anchor=False)
left, middle, right = st.columns([1, 1, 1])
horizon = left.select_slider(
    "Within", options=parts.HORIZONS, value=90, format_func=lambda d: f"{d} days",
    key="portfolio_horizon", bind="query-params", persist_state="session",
    help="How far ahead the status quo (the last 90 days' volume and stars) is projected.",
)
watch = middle.segmented_control(
    "Watch", options=["boundaries", "threshold"], default="boundaries", required=True,
    format_func={"boundaries": "Its half star or label", "threshold": "A score"}.get,
    key="portfolio_watch", bind="query-params", persist_state="session",
) or "boundaries"
threshold = None
if watch == "threshold":
    threshold = right.number_input(
        "Score threshold", min_value=1.0, max_value=5.0, value=4.0, step=0.1, format="%.1f",
        key="portfolio_threshold", bind="query-params", persist_state="session",
        help="Groups whose shown score is at or above this now and falls below it.",
    )
risk = parts.risk_table(view, by, data, horizon_days=int(horizon), threshold=threshold)
risk = risk[risk[title].isin(table.index.astype(str))]
soon = int((risk["Status"] == "At risk").sum()) if len(risk) else 0
fell = len(risk) - soon
a, b, c = st.columns(3)
a.metric(f"{title}s", f"{len(table):,}")
b.metric(f"At risk within {horizon} days", f"{soon:,}")
c.metric("Fell in the last 30 days", f"{fell:,}")
if risk.empty:
    st.success(f"No {title.lower()} is expected to fall below its "
               f"{'threshold' if threshold is not None else 'half star or label'} within "
               f"{horizon} days at its recent pace, and none fell in the last 30 days.")
else:
    risk_page = parts.pager(len(risk), "portfolio_risk_page", parts.RISK_ROWS)
    risk_shown = parts.page_of(risk, risk_page, parts.RISK_ROWS)
    risk_event = st.dataframe(
        risk_shown, hide_index=True, width="stretch", key="portfolio_risk", on_select="rerun",
        selection_mode="single-row", column_config={
            **parts.COLUMN_CONFIG,
            "Why": st.column_config.TextColumn(width="large"),
            "In days": st.column_config.NumberColumn(format="%d"),
        },
    )
    span = (parts.page_note(risk_page, len(risk_shown), parts.RISK_ROWS)
            if len(risk) > parts.RISK_ROWS else "")
    st.caption(f"{len(risk):,} {title.lower()}s{span}, the soonest to fall first. The expected "
               "path of the status quo (scoring.status_quo, per group): the last 90 days' "
               "volume and mean stars continue. Select a row to open it.")
    name = parts.selected_name(risk_event, risk_shown, title)
    if name is not None:
        parts.open_buttons(view, by, name, "portfolio_risk_open")

st.subheader(f"Every {title.lower()}", anchor=False)
search_col, label_col, min_col, sort_col = st.columns([2, 2, 1, 2])
search = search_col.text_input("Search by name", key="portfolio_search", max_chars=200,
                               placeholder=f"Part of a {title.lower()} name")
chosen_labels = label_col.multiselect("Label", options=parts.LABEL_OPTIONS,
                                      key="portfolio_labels", placeholder="All labels")
min_reviews = min_col.number_input("Min reviews", min_value=0, value=0, step=10,
                                   key="portfolio_min_reviews")
sort = sort_col.selectbox("Sort by", options=list(parts.SORTS), key="portfolio_sort",
                          format_func=lambda key: parts.SORTS[key][0],
                          help="Orders every row, not only this page.")
rows = parts.filtered(table, search=search, labels=chosen_labels, min_reviews=int(min_reviews))
rows = parts.sort_rows(rows, sort)
page = parts.pager(len(rows), "portfolio_page")
shown = parts.display_table(parts.page_of(rows, page), by, replies=data.has_replies)
event = st.dataframe(
    shown, hide_index=True, width="stretch", key="portfolio_table", on_select="rerun",
    selection_mode="single-row", column_config=parts.table_config(title),
)
span = parts.page_note(page, len(shown)) if len(rows) > parts.PAGE_ROWS else ""
st.caption(escape_markdown(
    f"{len(rows):,} of {len(table):,} {title.lower()}s{span}, scored at "
    f"{data.as_of:%Y-%m-%d %H:%M} UTC with the sidebar's model. Sort by orders them all; "
    "a column's header sorts this page; select a row to open it in the other pages."))
name = parts.selected_name(event, shown, title)
if name is not None:
    parts.open_buttons(view, by, name, "portfolio_open_row")
