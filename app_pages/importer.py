"""Import: upload review exports, read the honest report, use or save the clean data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from ui import controls, importing
from ui import format as fmt

controls.sidebar(period=False)
st.title("Import reviews", anchor=False)
importing.require_upload_rights()  # viewers: one sentence why, and nothing else
st.caption(
    "Trustpilot exports (CSV, XLSX, JSON) or review pages saved from the browser (HTML), "
    "Google (Takeout ZIP or scrapes), Yelp, Amazon, or any table with a date and a rating. "
    "Several files at once are combined, one company per file. Nothing you upload is "
    "visible to other users unless you save it."
)

uploaded = st.file_uploader(
    "Review exports", type=importing.ACCEPTED_TYPES, accept_multiple_files=True,
    key="import_files", help="Up to 200 MB per file.",
)
if not uploaded:
    importing.reading_options()
    st.info("Upload one or more files to see what can be read from them.")
    st.stop()

uploads = [importing.Upload(f.name, f.getvalue()) for f in uploaded]
files_key = importing.files_key(uploads)
mapping = importing.chosen_mapping(files_key)
outcome = importing.import_uploads(uploads, importing.current_options(mapping))
for name, message in outcome.errors.items():
    st.error(f"**{fmt.escape_markdown(name)}** could not be imported. "
             f"{fmt.escape_markdown(importing.for_the_page(message))}")
importing.reading_options(outcome.needs)  # an option a message asks for: right under it
if outcome.errors:
    st.caption("The reading options (encoding, day/month order, the reference date for "
               "relative dates, the rating scale) and the column mapping fix most problems.")
    if mapping:
        st.button("Go back to the detected column mapping", on_click=importing.forget_mapping)
result = outcome.result
if result is None:
    options = importing.current_options(mapping)
    columns = importing.columns_of(uploads[0], options) if len(uploads) == 1 else []
    if columns:
        chosen = importing.mapping_editor(columns, {k: v for k, v in mapping if v},
                                          unset="(detect)")
        if chosen is not None and chosen != mapping:
            importing.choose_mapping(files_key, chosen)
            st.rerun()
    st.stop()

st.subheader("What was read", anchor=False)
st.success(fmt.escape_markdown(result.report.summary()))
importing.draw_readings(result)
importing.draw_report(result)
report = result.report
editable = [f for f in importing.CANONICAL_COLUMNS if f in report.candidates or f in report.mapping]
new_mapping = importing.mapping_editor(list(report.columns), report.mapping, editable)
if new_mapping is not None and new_mapping != mapping:
    importing.choose_mapping(files_key, new_mapping)
    st.rerun()

st.subheader("The clean dataset", anchor=False)
st.dataframe(result.reviews.head(100), width="stretch", hide_index=True)
st.caption(f"{len(result.reviews):,} reviews; first 100 shown.")

names = [u.name for u in uploads if u.name not in outcome.errors]
default_name = Path(names[0]).stem if len(names) == 1 else f"{len(names)} files"
content_hash = hashlib.sha256(outcome.key.encode()).hexdigest()
dataset = importing.as_dataset(result, f"upload-{content_hash[:12]}", default_name, content_hash)
left, right = st.columns(2)
with left, st.container(border=True):
    st.markdown("**Explore it now** (this session only)")
    opened = st.session_state.get("dataset") == dataset.key
    st.button("Open in the dashboard", type="primary", icon=":material/dashboard:",
              on_click=importing.open_in_dashboard, args=(dataset,), disabled=opened)
    if opened:
        st.success("Selected: every page now shows this dataset.")
        st.page_link("app_pages/home.py", label="Go to the Overview",
                     icon=":material/arrow_forward:")
with right, st.container(border=True):
    st.markdown(importing.save_heading())
    st.text_input("Name", value=default_name, max_chars=80, key="save_name")
    if st.button("Save to workspace", icon=":material/save:"):
        with st.spinner(f"Saving {len(dataset.reviews):,} reviews…", show_time=True):
            importing.save(dataset)
        st.rerun()  # so the sidebar lists the new dataset
    saved = st.session_state.pop("import_saved", None)
    if saved is not None:
        ok, message = saved
        (st.success if ok else st.error)(fmt.escape_markdown(message))
