"""Importing uploads in a session: options, running the importer, drawing its report.

Results live in the uploading session's ``st.session_state`` only (keyed by the
files' sha256 and the options), never in a cache shared between users.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

import scoring
from scoring.access import LOCAL_SCOPE
from scoring.errors import WorkspaceError
from scoring.ingest import raw_columns
from scoring.readings import readings_to_dicts
from scoring.reviews import CANONICAL_COLUMNS
from ui import auth, data, export
from ui import format as fmt

ACCEPTED_TYPES = ["csv", "tsv", "txt", "xlsx", "json", "jsonl", "ndjson", "parquet", "zip",
                  "html", "htm"]
ENCODINGS = {"auto": "Detect", "utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252",
             "latin-1": "Latin-1"}
DAY_ORDER = {"auto": "Detect (ask when unclear)", "day": "Day first (31/01)",
             "month": "Month first (01/31)"}
SCALES = {"auto": "1-5 stars", "10": "0-10 scale: convert to stars"}
FIELD_NAMES = {
    "created_at": "Date (published)", "rating": "Rating", "review_id": "Review id",
    "title": "Title", "text": "Text", "source": "Source / collection method",
    "invited": "Invited (from source)", "location": "Location", "tags": "Tags",
    "company": "Company",
    "language": "Language", "reply_at": "Reply date", "counts": "Counts towards score",
    "reviewer": "Reviewer", "replied": "Replied (yes/no)", "reply_text": "Reply text",
    "updated_at": "Date (updated)",
}
RESULTS = "import_results"  # session_state: cache key -> Outcome


@dataclass(frozen=True)
class Upload:
    """An uploaded file's name and bytes."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Options:
    """The reading options a user can set (see ``scoring.load_reviews``)."""

    encoding: str = "auto"
    reference_date: dt.date | None = None
    day_order: str = "auto"
    honour_flags: bool = True
    scale: str = "auto"
    mapping: tuple[tuple[str, str | None], ...] = ()

    def load_kwargs(self) -> dict[str, Any]:
        return {
            "max_bytes": max_bytes(),
            "encoding": None if self.encoding == "auto" else self.encoding,
            "reference_date": self.reference_date,
            "dayfirst": {"auto": None, "day": True, "month": False}[self.day_order],
            "honour_flags": self.honour_flags,
            "rating_scale": 10 if self.scale == "10" else None,
            "mapping": dict(self.mapping) or None,
        }


@dataclass(frozen=True)
class Outcome:
    """What importing a set of uploads gave: a result, the files that failed, and the
    reading options (``load_reviews`` parameter names) their messages ask for."""

    result: scoring.ImportResult | None
    errors: dict[str, str] = field(default_factory=dict)
    key: str = ""
    needs: frozenset[str] = frozenset()


_HINTS: tuple[tuple[str, str], ...] = (
    (r"[Pp]ass reference_date= that day \(e\.g\. reference_date='([^']+)'([^)]*)\)",
     r"set 'Reference date for relative dates' under Reading options to that day (e.g. \1\2)"),
    (r"[Pp]ass dayfirst=True \(DD/MM/YYYY\) or dayfirst=False \(MM/DD/YYYY\)",
     "choose the day/month order under Reading options ('Day first' for DD/MM/YYYY, "
     "'Month first' for MM/DD/YYYY)"),
    (r"[Pp]ass dayfirst=True", "choose 'Day first' under Reading options"),
    (r"[Pp]ass dayfirst=False", "choose 'Month first' under Reading options"),
    (r"dayfirst=True", "'Day first'"),
    (r"dayfirst=False", "'Month first'"),
    (r"[Pp]ass rating_scale=10", "choose '0-10 scale: convert to stars' as the Rating scale "
     "under Reading options"),
    (r"rating_scale=5", "'1-5 stars'"),
    (r"(map another column|pick others|[Nn]ame the right column) with mapping=\{[^}]*\}",
     r"\1 in the column mapping below"),
    (r"mapping=\{[^}]*\}", "the column mapping below"),
    (r"max_bytes", "the upload limit (server.maxUploadSize)"),
)


def for_the_page(message: str) -> str:
    """The importer's advice, which names Python parameters, in the page's own terms."""
    def keep_case(replacement: str):
        def substitute(match: re.Match[str]) -> str:
            text = match.expand(replacement)
            return text[0].upper() + text[1:] if match.group(0)[0].isupper() else text
        return substitute

    for pattern, replacement in _HINTS:
        message = re.sub(pattern, keep_case(replacement), message)
    return message


def columns_of(upload: Upload, options: Options) -> list[str]:
    """The columns of a file, when it can at least be read as a table (else [])."""
    try:
        return raw_columns(_named_bytes(upload), encoding=options.load_kwargs()["encoding"],
                           max_bytes=max_bytes())
    except scoring.ReviewDataError:
        return []


def max_bytes() -> int:
    """The size limit: the server's upload limit (``server.maxUploadSize``, MB)."""
    return int(st.get_option("server.maxUploadSize")) * 1024 * 1024


def files_key(uploads: list[Upload]) -> str:
    """One key for a set of uploaded files (their contents, in any order)."""
    return hashlib.sha256("".join(sorted(u.sha256 for u in uploads)).encode()).hexdigest()


MappingChoice = tuple[tuple[str, str | None], ...]


def chosen_mapping(key: str) -> MappingChoice:
    """The mapping the user set for these files (empty: the importer detects it)."""
    saved = st.session_state.get("import_mapping")
    return saved[1] if saved and saved[0] == key else ()


def choose_mapping(key: str, mapping: MappingChoice) -> None:
    st.session_state["import_mapping"] = (key, mapping)


def forget_mapping() -> None:
    """Button callback: back to the detected mapping."""
    st.session_state.pop("import_mapping", None)


def current_options(mapping: MappingChoice) -> Options:
    """The reading options as the widgets last left them (defaults before they exist).

    Read before the widgets are drawn, so that the widgets can be drawn after the
    import, right under a message asking for one of them."""
    state = st.session_state
    return Options(
        encoding=state.get("import_encoding", "auto"),
        reference_date=state.get("import_reference"),
        day_order=state.get("import_day_order", "auto"),
        honour_flags=state.get("import_flags", True),
        scale=state.get("import_scale", "auto"),
        mapping=mapping,
    )


def _encoding_box() -> None:
    st.selectbox("Text encoding", list(ENCODINGS), format_func=ENCODINGS.get,
                 key="import_encoding")


def _day_order_box() -> None:
    st.selectbox("Day/month order of numeric dates", list(DAY_ORDER),
                 format_func=DAY_ORDER.get, key="import_day_order")


def _reference_input() -> None:
    st.date_input("Reference date for relative dates", value=None, key="import_reference",
                  help="The day the file was scraped: 'a year ago' counts back from it.")


def _scale_box() -> None:
    st.selectbox("Rating scale", list(SCALES), format_func=SCALES.get, key="import_scale")


def _flags_toggle() -> None:
    st.toggle(
        "Honour Trustpilot's 'does not count' flags", value=True, key="import_flags",
        help="Reviews flagged filtered, pending or countsTowardsTrustScore = false are "
        "kept in the data but left out of the score.",
    )


#: The reading options in display order, by the ``load_reviews`` parameter they set.
_OPTION_WIDGETS = {
    "encoding": _encoding_box, "dayfirst": _day_order_box,
    "reference_date": _reference_input, "rating_scale": _scale_box,
    "honour_flags": _flags_toggle,
}


def reading_options(needs: frozenset[str] = frozenset()) -> None:
    """Draw the reading options (their values: :func:`current_options`).

    The options a failed import asks for (``needs``) are drawn first, open, in a box
    of their own: called right after the error messages, they sit under the message
    that names them. The others stay in the collapsed "Reading options" expander."""
    needed = [name for name in _OPTION_WIDGETS if name in needs]
    if needed:
        with st.container(border=True, key="import_needed"):
            st.markdown("**Reading options** needed for this file")
            for column, name in zip(st.columns(3), needed, strict=False):
                with column:
                    _OPTION_WIDGETS[name]()
    rest = [name for name in _OPTION_WIDGETS if name not in needed]
    with st.expander("Reading options" if not needed else "Other reading options",
                     expanded=False):
        columns = st.columns(3)
        for i, name in enumerate(rest):
            with columns[i % 3]:
                _OPTION_WIDGETS[name]()


def _run(uploads: list[Upload], options: Options) -> scoring.ImportResult:
    sources = [_named_bytes(upload) for upload in uploads]
    if len(sources) == 1:
        return scoring.load_reviews(sources[0], **options.load_kwargs())
    return scoring.load_many(sources, **options.load_kwargs())


def _named_bytes(upload: Upload) -> io.BytesIO:
    buffer = io.BytesIO(upload.data)
    buffer.name = upload.name
    return buffer


def import_uploads(uploads: list[Upload], options: Options) -> Outcome:
    """Import the uploads (once per content and options), showing progress.

    When several files are given and some cannot be read, the others are still
    imported and each failure is reported with the importer's message.
    """
    key = hashlib.sha256(
        repr((sorted(u.sha256 for u in uploads), options)).encode()
    ).hexdigest()
    cache: dict[str, Outcome] = st.session_state.setdefault(RESULTS, {})
    if key in cache:
        return cache[key]
    errors: dict[str, str] = {}
    needs: set[str] = set()
    result = None
    with st.status(f"Reading {len(uploads)} file(s)…", expanded=False) as status:
        try:
            result = _run(uploads, options)
        except scoring.ReviewDataError as error:
            if len(uploads) == 1:
                errors[uploads[0].name] = str(error)
                needs.add(error.option or "")
            else:
                good = []
                progress = st.progress(0.0, text="Checking each file…")
                for i, upload in enumerate(uploads, start=1):
                    try:
                        scoring.load_reviews(_named_bytes(upload), **options.load_kwargs())
                        good.append(upload)
                    except scoring.ReviewDataError as file_error:
                        errors[upload.name] = str(file_error)
                        needs.add(file_error.option or "")
                    progress.progress(i / len(uploads), text=f"Checked {upload.name}")
                if good:
                    result = _run(good, options)
        status.update(
            label="Import finished" if result is not None else "Nothing could be imported",
            state="complete" if not errors else ("error" if result is None else "complete"),
        )
    outcome = Outcome(result, errors, key, frozenset(needs & set(_OPTION_WIDGETS)))
    cache.clear()  # keep one import per session: uploads are released
    cache[key] = outcome
    return outcome


def mapping_editor(
    columns: list[str], current: dict[str, str], fields: list[str] | None = None,
    *, unset: str = "(not used)",
) -> MappingChoice | None:
    """A form to choose which source column fills which field; returns the mapping
    when the user applies it, else None. ``unset`` names the empty choice: "(not
    used)" after an import, "(detect)" when detection failed (then it is left out)."""
    with st.form("mapping"):
        st.markdown("**Column mapping**: pick the source column of each field and apply.")
        chosen: dict[str, str | None] = {}
        grid = st.columns(4)
        names = fields or [f for f in CANONICAL_COLUMNS if f != "invited"]
        for i, name in enumerate(names):
            options = [None, *columns]
            value = current.get(name)
            chosen[name] = grid[i % 4].selectbox(
                FIELD_NAMES.get(name, name), options,
                index=options.index(value) if value in options else 0,
                format_func=lambda c: unset if c is None else str(c),
                key=f"map_{name}",
            )
        applied = st.form_submit_button("Apply the mapping and re-import")
    if not applied:
        return None
    if unset != "(not used)":
        chosen = {k: v for k, v in chosen.items() if v is not None}
    return tuple(sorted(chosen.items()))


def draw_report(result: scoring.ImportResult) -> None:
    """The honest account: counts, per-file table, reasons, warnings, rejected rows."""
    report = result.report
    cols = st.columns(5)
    cols[0].metric("Rows read", f"{report.rows_read:,}", border=True)
    cols[1].metric("Kept", f"{report.kept:,}", border=True)
    cols[2].metric("Duplicates", f"{report.duplicates:,}", border=True)
    cols[3].metric("Rejected", f"{report.rejected:,}", border=True)
    if report.date_min is not None and report.date_max is not None:
        cols[4].metric("Time span", fmt.time_span(report.date_max - report.date_min),
                       help=f"From {report.date_min:%d %b %Y} to {report.date_max:%d %b %Y}",
                       border=True)
    else:
        cols[4].metric("Time span", "–", border=True)
    files = report.files or [report]
    table = pd.DataFrame([
        {"File": f.file_name, "Format": f.file_format, "Encoding": f.encoding or "–",
         "Separator": {",": "comma", ";": "semicolon", "\t": "tab"}.get(f.delimiter or "", "–"),
         "Rows read": f.rows_read, "Kept": f.kept, "Duplicates": f.duplicates,
         "Rejected": f.rejected,
         "First review": f.date_min, "Last review": f.date_max}
        for f in files
    ])
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "First review": st.column_config.DatetimeColumn(format="YYYY-MM-DD"),
        "Last review": st.column_config.DatetimeColumn(format="YYYY-MM-DD"),
    })
    draw_replies(report)
    mapping = pd.DataFrame(
        [{"Field": FIELD_NAMES.get(k, k), "Source column": v} for k, v in report.mapping.items()]
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**Detected mapping**")
        st.dataframe(mapping, hide_index=True, width="stretch")
    with right:
        st.markdown("**Rejected, by reason**")
        if report.rejected_by_reason:
            reasons = pd.DataFrame(
                [{"Reason": k, "Rows": v} for k, v in report.rejected_by_reason.items()]
            )
            st.dataframe(reasons, hide_index=True, width="stretch")
        else:
            st.write("No row was rejected.")
    for warning in report.warnings:
        st.warning(fmt.escape_markdown(for_the_page(warning)))
    if not result.rejected.empty:
        st.markdown(f"**Rejected rows** ({len(result.rejected):,}; first 200 shown)")
        st.dataframe(result.rejected.head(200), hide_index=True, width="stretch")
        stem = Path(report.file_name.split(",")[0]).stem or "import"
        st.download_button(
            "Download the rejected rows (CSV)",
            data.recorded_export(data.workspace(), "upload", None, report.file_name,
                                 f"{stem}-rejected.csv",
                                 lambda: export.safe_csv(result.rejected, index=False)),
            file_name=f"{stem}-rejected.csv", mime="text/csv", icon=":material/download:",
            on_click="ignore",
        )


def draw_replies(report: scoring.ImportReport) -> None:
    """The line on the company's replies (none when the file says nothing about them):
    a warning when some reply dates are before their review or could not be read."""
    replies = report.replies
    if replies is None:
        return
    text = fmt.escape_markdown(for_the_page(replies.sentence()))
    if replies.problems:
        st.warning(text, icon=":material/forum:")
    else:
        st.info(text, icon=":material/forum:")


def draw_readings(result: scoring.ImportResult) -> None:
    """The TrustScores saved Trustpilot pages showed, one line each."""
    for reading in result.published_readings:
        st.info(fmt.escape_markdown(fmt.reading_text(reading)), icon=":material/star:")
    if result.published_readings:
        st.caption("Kept with this dataset, and saved with it to the workspace, to check the "
                   "score TrustLens computes against what Trustpilot showed. The report "
                   "below says how the date was found.")


def as_dataset(result: scoring.ImportResult, key: str, name: str, content_hash: str
               ) -> data.Dataset:
    """An import as a session dataset: the reviews, the report as plain data with the
    published readings in ``report["published_readings"]`` (so saving keeps them),
    and the readings themselves."""
    report = {**result.report.to_dict(),
              "published_readings": readings_to_dicts(result.published_readings)}
    return data.Dataset(key, name, result.reviews, content_hash, "upload", report,
                        result.published_readings)


def open_in_dashboard(dataset: data.Dataset) -> None:
    """Button callback: keep the import in this session and select it on every page."""
    data.add_upload(dataset)


def require_upload_rights() -> None:
    """Stop the Import page for a viewer, with one plain sentence why: uploading (and so
    saving) needs the analyst role."""
    scope = auth.current_scope()
    if not scope.can_write():
        st.info(fmt.escape_markdown(auth.read_only_reason(scope, "importing reviews")))
        st.stop()


def save_heading() -> str:
    """Who can open a dataset saved from here: everyone (local mode) or the team."""
    scope = auth.current_scope()
    if scope == LOCAL_SCOPE:
        return "**Save to the workspace** (everyone using this app can open it)"
    team = fmt.escape_markdown(scope.team)
    return f"**Save to team {team}'s workspace** (everyone in the team can open it)"


def save(dataset: data.Dataset) -> None:
    """Save the import to the workspace under the name typed; the outcome waits in
    ``st.session_state['import_saved']`` for the rerun that shows it."""
    found = data.workspace()
    name = st.session_state.get("save_name", dataset.name)
    if found is None:
        outcome = (False, "The workspace is unavailable; the data stays in this session.")
    else:
        try:
            info = found.save_dataset(name, dataset.reviews, dataset.report)
            if dataset.readings and not found.load_readings(info.id):
                # Scores a saved Trustpilot page showed go with the dataset (Check page).
                found.save_readings(info.id, dataset.readings)
        except WorkspaceError as error:
            outcome = (False, str(error))
        else:
            verb = "Saved" if info.created else "Already saved"
            outcome = (True, f"{verb} as “{info.name}” ({info.rows:,} reviews): pick it under "
                             "Dataset in the sidebar.")
    st.session_state["import_saved"] = outcome
