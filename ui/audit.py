"""The Audit page's content: who saved, renamed, deleted, opened or exported what and
when, newest first, from the workspace's append-only audit table (admins only)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.errors import WorkspaceError
from ui import auth, data, export
from ui.format import escape_markdown

SHOWN_ROWS = 1000
"""Rows drawn in the table; the CSV holds every row."""
COLUMNS = {
    "at": "When (UTC)", "user": "User", "team": "Team", "action": "Action",
    "kind": "What", "item_id": "Id", "item_name": "Name", "detail": "Detail",
}


def table(log: pd.DataFrame) -> pd.DataFrame:
    """The audit rows as shown and exported: readable headings, newest first; a row with
    no id, name or detail (an export of the trail itself) shows an empty cell there."""
    shown = log.sort_values("at", ascending=False, kind="stable")
    texts = {column: shown[column].astype("string").fillna("")
             for column in COLUMNS if column != "at"}
    shown = shown.assign(
        at=pd.to_datetime(shown["at"], utc=True).dt.strftime("%Y-%m-%d %H:%M:%S"), **texts)
    return shown.rename(columns=COLUMNS)[list(COLUMNS.values())]


def _record_export(rows: int) -> None:
    found = data.workspace()
    if found is not None:
        found.record("export", "audit", None, "audit trail", f"{rows} rows as CSV")


def render() -> None:
    """The page: a refusal for non-admins; else the table and its CSV export."""
    auth.sidebar_user()
    st.title("Audit trail", anchor=False)
    scope = auth.current_scope()
    if not scope.sees_all_teams():
        st.error("The audit trail is for admins of this server.")
        return
    st.caption("Every save, rename, delete, open and export in the workspace, newest "
               "first. Rows are only ever added: nobody can change or remove them.")
    found = data.workspace()
    if found is None:
        st.info("The workspace is unavailable (see the sidebar), so is its audit trail.")
        return
    try:
        log = found.audit_log()
    except WorkspaceError as error:
        st.error(escape_markdown(f"The audit trail cannot be read: {error}"))
        return
    if log.empty:
        st.info("Nothing has been recorded yet.")
        return
    rows = table(log)
    st.dataframe(rows.head(SHOWN_ROWS), hide_index=True, width="stretch")
    if len(rows) > SHOWN_ROWS:
        st.caption(f"The newest {SHOWN_ROWS:,} of {len(rows):,} rows; the CSV holds all.")
    st.download_button(
        "Download the audit trail (CSV)", export.safe_csv(rows, index=False),
        file_name="trustlens-audit.csv", mime="text/csv", icon=":material/download:",
        on_click=_record_export, args=(len(rows),),
    )
