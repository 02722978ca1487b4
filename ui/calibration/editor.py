"""The readings editor: how to fill it in, the editable table, what its rows say
(each bad row named, escaped) and the save row."""

from __future__ import annotations

import streamlit as st

from ui.calibration import keys, store
from ui.calibration.readings import COUNT, DATE, SCORE, SOURCE, ParsedReadings, parse_readings
from ui.data import Dataset
from ui.format import escape_markdown


def instructions() -> None:
    """How to fill in the readings table."""
    st.markdown(
        "**What does your Trustpilot profile show?**  \n"
        "Type the TrustScore it shows now in the first row, and the review count if you "
        "like. Add earlier readings below, one per row, to check the model over time and to "
        "fit it."
    )
    st.caption("A date alone means the end of that day (UTC). Every review in the file up "
               "to a reading's date counts towards it. Rows found in a saved Trustpilot page "
               "say so under Source.")


def readings_editor(dataset: Dataset) -> ParsedReadings:
    """The editable table of readings; returns what its rows say."""
    entry = store.entry(dataset)
    key = keys.editor_key(dataset.key, entry["version"])
    if key not in st.session_state:
        # A fresh editor (first visit, or back from another page): start from the
        # last edited table, so the edits survive page switches.
        entry["base"] = entry["current"]
    edited = st.data_editor(
        entry["base"], key=key, num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            DATE: st.column_config.TextColumn(
                DATE, width="small",
                help="The day the profile showed the score, as 2026-06-25 (the end of that "
                "day), or 2026-06-25 14:30 for a time of day (UTC)."),
            SCORE: st.column_config.NumberColumn(
                SCORE, width="small", step=0.1, format="%.1f",
                help="The TrustScore on the profile, e.g. 4.3."),
            COUNT: st.column_config.NumberColumn(
                COUNT, width="small", min_value=0, step=1, format="%d",
                help="Optional: the number of reviews the profile said it had then."),
            SOURCE: st.column_config.TextColumn(
                SOURCE, disabled=True, default="typed",
                help="Where the reading came from: typed here, or a saved Trustpilot page."),
        },
    )
    entry["current"] = edited
    return parse_readings(edited)


def save_row(dataset: Dataset, parsed: ParsedReadings) -> None:
    """Save the readings with a workspace dataset, or say where they are kept."""
    dataset_id = store.saved_id(dataset)
    if dataset_id is None:
        st.caption("Readings are kept for this session. Save the dataset to the workspace "
                   "(Import page) to keep them with it.")
        return
    refused = store.read_only_reason()
    if refused is not None:  # a viewer: the button is not offered
        st.caption(escape_markdown(refused))
        return
    changed = store.entry(dataset)["saved"] != parsed.readings
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.button(
        "Save readings", icon=":material/save:", key=keys.SAVE,
        disabled=bool(parsed.problems) or not changed,
        on_click=store.save, args=(dataset_id, parsed.readings, dataset.key),
        help="Keep these readings with the saved dataset, for everyone who opens it.",
    )
    message = st.session_state.pop(keys.SAVED_MESSAGE, None)
    if message is not None:
        ok, said = message
        if ok:
            right.success(said)
        else:  # the workspace's message names a file path: shown as text
            right.error(escape_markdown(said))
    elif parsed.problems:
        right.caption("Fix the rows above to save.")
    elif changed:
        right.caption("Not saved yet: these readings differ from the ones saved with the "
                      "dataset.")
    else:
        right.caption("Saved with the dataset.")


def render(dataset: Dataset) -> ParsedReadings:
    """The editor beside its instructions, a message per bad row and the save row;
    returns what the rows say."""
    left, right = st.columns([3, 2], gap="medium")
    with right:
        instructions()
    with left:
        parsed = readings_editor(dataset)
        for problem in parsed.problems:
            st.error(escape_markdown(problem), icon=":material/error:")
        save_row(dataset, parsed)
    return parsed
