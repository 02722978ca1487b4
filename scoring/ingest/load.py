"""Orchestration: a file (or several) -> canonical review table + report.

:func:`load_reviews` reads one source, maps its columns, parses dates and
ratings, rejects what cannot be used (with a reason per row), drops duplicates and
returns an :class:`ImportResult`. Every input row is kept, counted as a duplicate,
or rejected: ``kept + duplicates + rejected == rows_read`` always.

Duplicates are found among the usable rows, the first occurrence kept: by review
id where a row has one, otherwise by identical values in every mapped source
column (an unnamed index column never counts). The reviewer column is one of them:
two rows alike but written by different reviewers are two reviews.

The company's replies (a reply date, text or yes/no column; see :mod:`.replies`) give
``replied``, ``reply_at`` and ``reply_text``, and the report's ``replies`` summary: a
reply date never fails a row (empty: no reply; unreadable: left empty and counted;
before its review: kept and counted with its row number).

The only exception raised for bad input is :class:`ReviewDataError`, whose message
starts with the file name, says what is wrong and what fixes it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from scoring.errors import ReviewDataError
from scoring.ingest.columns import ColumnMapping, detect_columns
from scoring.ingest.dates import (
    AMBIGUOUS,
    IMPLAUSIBLE,
    MISSING,
    NAT,
    NEEDS_REFERENCE,
    OK,
    UNREADABLE,
    DateParseResult,
    parse_dates,
    to_utc_timestamp,
)
from scoring.ingest.flags import counts_from_flags, invited_from_source, parse_bools
from scoring.ingest.ratings import VALID_SCALES, parse_ratings
from scoring.ingest.readers import (
    DEFAULT_MAX_BYTES,
    RawTable,
    cell_text,
    published_reading,
    read_table,
)
from scoring.ingest.replies import combine_summaries, read_replies
from scoring.ingest.report import ImportReport, ImportResult, ReplyReport
from scoring.ingest.review_ids import dates_from_review_ids, looks_like_review_ids
from scoring.ingest.tags import tags_text
from scoring.readings import PublishedReading
from scoring.reviews import CANONICAL_COLUMNS, validate_reviews

Source = str | os.PathLike | bytes | bytearray | memoryview | IO[bytes] | IO[str]

_TEXT_FIELDS = ("title", "text", "reply_text")
_SHORT_FIELDS = ("review_id", "source", "location", "company", "language", "reviewer")
_REASON_WIDTH = 60


def load_reviews(
    source: Source,
    *,
    mapping: Mapping[str, str | None] | None = None,
    reference_date: Any = None,
    dayfirst: bool | None = None,
    encoding: str | None = None,
    honour_flags: bool = True,
    rating_scale: int | None = None,
    company: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportResult:
    """Import one review export into the canonical review table.

    Args:
        source: a path (``str`` / ``Path``), the file's bytes, or a binary file-like
            object with a ``.name`` (e.g. a Streamlit ``UploadedFile``).
        mapping: canonical column -> source column, overriding detection for those
            fields (``None`` leaves an optional field out). Without a date column,
            Trustpilot review ids (24 hex digits) give the dates; rows whose date is
            missing or unreadable take the time in their id (see ``review_ids``).
        reference_date: the day relative dates (``a year ago``) count back from,
            usually the day the file was scraped. Required when the file has them.
        dayfirst: order of numeric dates such as ``01/02/2025``. ``None`` reads it
            from the values and raises when they do not settle it.
        encoding: text encoding, overriding detection (e.g. ``'cp1252'``).
        honour_flags: whether Trustpilot's ``filtered`` / ``pending`` /
            ``countsTowardsTrustScore`` flags decide ``counts`` (False: all count).
        rating_scale: ``None`` (stars 1..5; a 0-10 scale raises), ``5``, or ``10``
            to convert a 0-10 / 1-10 scale to stars.
        company: company name for rows without one (the whole column if the file
            has none).
        max_bytes: refuse files larger than this (and archives unpacking to more
            than five times this).

    Returns:
        An :class:`ImportResult` (reviews, rejected rows, duplicate count, report, and
        for a saved Trustpilot page the TrustScore it showed as a published reading,
        dated by a save stamp in the page, else the file's modification time for a
        path, else now; the report says which).

    Raises:
        ReviewDataError: nothing usable could be read; the message names the file,
            the problem and the fix.
        TypeError: ``source`` is not a path, bytes or file-like object.
    """
    _check_options(dayfirst, rating_scale, max_bytes, honour_flags)
    name, data = _read_source(source, max_bytes)
    try:
        if reference_date is not None:
            reference_date = to_utc_timestamp(reference_date)
        raw = read_table(data, name, encoding=encoding, max_bytes=max_bytes)
        del data
        result = _build(
            raw,
            name,
            mapping=mapping,
            reference_date=reference_date,
            dayfirst=dayfirst,
            honour_flags=honour_flags,
            rating_scale=rating_scale,
            company=company,
        )
        return _with_page_reading(result, raw, name, _file_time(source))
    except ReviewDataError as exc:
        raise ReviewDataError(f"{name}: {exc}", option=exc.option) from exc
    except (AssertionError, KeyboardInterrupt):
        raise
    except MemoryError:
        raise ReviewDataError(
            f"{name}: the file is too large to load in the memory available. Split the "
            "export (e.g. by year) and load the parts with load_many."
        ) from None
    except Exception as exc:  # anything a parser throws on odd input
        raise ReviewDataError(
            f"{name}: the file could not be read ({type(exc).__name__}: {exc}). Check that it "
            "is a review export in CSV, XLSX, JSON, JSON Lines or Parquet, or save it again "
            "as CSV (UTF-8)."
        ) from exc


def load_many(
    sources: Iterable[Source],
    *,
    mapping: Mapping[str, str | None] | None = None,
    reference_date: Any = None,
    dayfirst: bool | None = None,
    encoding: str | None = None,
    honour_flags: bool = True,
    rating_scale: int | None = None,
    company: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportResult:
    """Import several files into one canonical table (options as :func:`load_reviews`).

    Each file is imported on its own (its own report in ``report.files``). The
    ``company`` column comes from a company column where the file has one (gaps
    filled), otherwise from the file name without extension, unless ``company`` is
    given. A review present in more than one file (same review id, or identical in
    every canonical column when there is no id) is kept once and counted as a
    duplicate. Rejected rows get a ``file`` column. Published readings of saved pages
    are all kept, oldest first, but one of several with the same score and count
    less than a minute apart.

    Raises:
        ReviewDataError: no sources, or any file cannot be read (naming that file).
    """
    sources = list(sources)
    if not sources:
        raise ReviewDataError("load_many was given no files; pass a list of paths or uploads.")
    results: list[ImportResult] = []
    stems: list[str] = []
    for index, source in enumerate(sources, start=1):
        result = load_reviews(
            source,
            mapping=mapping,
            reference_date=reference_date,
            dayfirst=dayfirst,
            encoding=encoding,
            honour_flags=honour_flags,
            rating_scale=rating_scale,
            company=company,
            max_bytes=max_bytes,
        )
        results.append(result)
        stem = Path(result.report.file_name).stem
        stems.append(stem if result.report.file_name not in _ANONYMOUS else f"file {index}")
    try:
        return _combine(results, stems)
    except (ReviewDataError, AssertionError):
        raise
    except Exception as exc:
        names = ", ".join(r.report.file_name for r in results)
        raise ReviewDataError(
            f"{names}: the files could not be combined ({type(exc).__name__}: {exc})."
        ) from exc


def raw_columns(
    source: Source, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[str]:
    """The columns of a file as it reads, before any mapping: the names the
    ``mapping`` of :func:`load_reviews` can use (nested JSON fields as ``a.b``, repeated
    or empty headers as ``x.1`` and ``Unnamed: i``).

    ``source``, ``encoding`` and ``max_bytes`` as for :func:`load_reviews`; the file is
    read as it would be, but no column is interpreted, so this works for a file whose
    dates or ratings the importer cannot find.

    Raises:
        ReviewDataError: the file cannot be read as a table; the message names it.
        TypeError: ``source`` is not a path, bytes or file-like object.
    """
    _check_options(None, None, max_bytes, True)
    name, data = _read_source(source, max_bytes)
    try:
        table = read_table(data, name, encoding=encoding, max_bytes=max_bytes)
    except ReviewDataError as exc:
        raise ReviewDataError(f"{name}: {exc}", option=exc.option) from exc
    return [str(column) for column in table.frame.columns]


# ---------------------------------------------------------------------------
# Source and options
# ---------------------------------------------------------------------------

_ANONYMOUS = ("uploaded data", "uploaded file")


def _check_options(dayfirst: Any, rating_scale: Any, max_bytes: Any, honour_flags: Any) -> None:
    if dayfirst is not None and not isinstance(dayfirst, (bool, np.bool_)):
        raise ReviewDataError(f"dayfirst must be True, False or None (got {dayfirst!r}).")
    if rating_scale not in VALID_SCALES:
        raise ReviewDataError(f"rating_scale must be None, 5 or 10 (got {rating_scale!r}).")
    whole = isinstance(max_bytes, (int, np.integer)) and not isinstance(max_bytes, bool)
    if not whole or max_bytes <= 0:
        raise ReviewDataError(f"max_bytes must be a positive number of bytes (got {max_bytes!r}).")
    if not isinstance(honour_flags, (bool, np.bool_)):
        raise ReviewDataError(f"honour_flags must be True or False (got {honour_flags!r}).")


def _file_time(source: Source) -> pd.Timestamp | None:
    """When a file on disk was last written (UTC); None for uploads and bytes."""
    if not isinstance(source, (str, os.PathLike)):
        return None
    try:
        return pd.Timestamp(Path(source).stat().st_mtime, unit="s", tz="UTC").floor("s")
    except (OSError, ValueError, OverflowError):
        return None


def _with_page_reading(
    result: ImportResult, raw: RawTable, name: str, file_time: pd.Timestamp | None
) -> ImportResult:
    """A saved Trustpilot page's result with the TrustScore it showed as a published
    reading, the report saying how it was dated (see ``saved_page``)."""
    if raw.page is None:
        return result
    reading, notes = published_reading(
        raw.page,
        name,
        newest_review=result.reviews["created_at"].iloc[-1],
        file_time=file_time,
        now=pd.Timestamp.now(tz="UTC").floor("s"),
    )
    report = replace(result.report, warnings=[*result.report.warnings, *notes])
    readings = () if reading is None else (reading,)
    return replace(result, report=report, published_readings=readings)


def _too_big(name: str, size: int, max_bytes: int) -> ReviewDataError:
    return ReviewDataError(
        f"{name}: the file is {size / 1e6:,.1f} MB, above the {max_bytes / 1e6:,.1f} MB limit. "
        "Split the export (e.g. by year) and load the parts with load_many, or pass a larger "
        "max_bytes."
    )


def _read_source(source: Source, max_bytes: int) -> tuple[str, bytes]:
    """The file's display name and bytes, refusing files above ``max_bytes``."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ReviewDataError(f"{path.name or path}: no such file ({path}). Check the path.")
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_big(path.name, size, max_bytes)
        return path.name, path.read_bytes()
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > max_bytes:
            raise _too_big("uploaded data", len(data), max_bytes)
        return "uploaded data", data
    if hasattr(source, "read"):
        name = getattr(source, "name", None)
        name = Path(str(name)).name if name else "uploaded file"
        try:
            if hasattr(source, "seek") and (not hasattr(source, "seekable") or source.seekable()):
                source.seek(0)
            content = source.read(max_bytes + 1)
        except Exception as exc:
            raise ReviewDataError(f"{name}: the upload could not be read ({exc}).") from exc
        if isinstance(content, str):
            content = content.encode("utf-8")
        if not isinstance(content, (bytes, bytearray)):
            raise ReviewDataError(f"{name}: reading the upload gave {type(content).__name__}.")
        if len(content) > max_bytes:
            raise _too_big(name, len(content), max_bytes)
        return name, bytes(content)
    raise TypeError(
        "source must be a path, bytes or a file-like object with .read(), "
        f"got {type(source).__name__}"
    )


# ---------------------------------------------------------------------------
# One file
# ---------------------------------------------------------------------------


def _build(
    raw: RawTable,
    name: str,
    *,
    mapping: Mapping[str, str | None] | None,
    reference_date: pd.Timestamp | None,
    dayfirst: bool | None,
    honour_flags: bool,
    rating_scale: int | None,
    company: str | None,
) -> ImportResult:
    frame = raw.frame
    if len(frame) == 0:
        if raw.malformed is not None and len(raw.malformed):
            first = raw.malformed.iloc[0]
            raise ReviewDataError(
                f"none of its {len(raw.malformed):,} rows could be read (row {first['row']}: "
                f"{first['reason']}). Save the file again as CSV or JSON and check its format."
            )
        shown = ", ".join(repr(str(c)) for c in list(frame.columns)[:20])
        raise ReviewDataError(
            f"the file has a header ({shown or 'no columns'}) but no review rows. Export "
            "the reviews again, including the rows."
        )
    columns = detect_columns(frame, mapping)
    fields = columns.fields
    warnings = list(raw.warnings) + list(columns.notes)

    date_column, rating_column = fields["created_at"], fields["rating"]
    dates = _review_dates(frame, fields, dayfirst=dayfirst, reference_date=reference_date)
    warnings += dates.notes
    ratings = parse_ratings(frame[rating_column], rating_scale=rating_scale, column=rating_column)
    warnings += ratings.notes

    date_ok = dates.status == OK
    rating_ok = ~np.isnan(ratings.stars)
    valid = date_ok & rating_ok
    bad = np.flatnonzero(~valid)
    reasons, categories = _reasons(
        frame, bad, dates.status, rating_ok, ratings.empty, date_column, rating_column
    )

    valid_index = np.flatnonzero(valid)
    duplicate, dedupe_notes = _duplicates(frame, valid_index, columns, coarse_dates=dates.relative)
    warnings += dedupe_notes
    keep = valid_index[~duplicate]
    duplicates = int(duplicate.sum())

    if len(keep) == 0:
        top = Counter(categories).most_common(3)
        summary = "; ".join(f"{count:,} x {reason}" for reason, count in top)
        example = f" (row {raw.rows[bad[0]]}: {reasons[0]})" if len(bad) else ""
        raise ReviewDataError(
            f"none of its {raw.rows_read:,} rows is usable: {summary}{example}. Dates were read "
            f"from {date_column!r} and ratings from {rating_column!r}; if those are the wrong "
            "columns, pick others with mapping={'created_at': ..., 'rating': ...}."
        )

    order = keep[np.argsort(dates.micros[keep], kind="stable")]
    reviews, replies = _canonical(
        frame,
        order,
        columns,
        dates.micros,
        ratings.stars,
        honour_flags=honour_flags,
        company=company,
        date_options={
            "dayfirst": dayfirst if dayfirst is not None else dates.dayfirst,
            "reference_date": reference_date,
        },
        rows=raw.rows,
        warnings=warnings,
    )
    validate_reviews(reviews)

    rejected = _rejected_frame(frame, bad, raw, reasons)
    malformed_categories = (
        [_malformed_category(r) for r in raw.malformed["reason"].tolist()]
        if raw.malformed is not None
        else []
    )
    by_reason = Counter(categories) + Counter(malformed_categories)
    used_mapping = dict(fields)
    if "source" in fields and "invited" not in fields and "invited" not in columns.excluded:
        used_mapping["invited"] = fields["source"]
    used_mapping = {k: v for k, v in used_mapping.items() if k in reviews.columns}
    report = ImportReport(
        file_name=name,
        file_format=raw.file_format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        rows_read=raw.rows_read,
        kept=len(reviews),
        duplicates=duplicates,
        rejected=len(rejected),
        rejected_by_reason=dict(by_reason.most_common()),
        date_min=reviews["created_at"].iloc[0],
        date_max=reviews["created_at"].iloc[-1],
        mapping=used_mapping,
        candidates=columns.candidates,
        flag_columns=dict(columns.flags),
        dayfirst=dates.dayfirst,
        rating_scale=ratings.scale,
        columns=tuple(str(c) for c in frame.columns),
        warnings=list(warnings),
        replies=replies,
    )
    return ImportResult(reviews=reviews, rejected=rejected, duplicates=duplicates, report=report)


def _review_dates(
    frame: pd.DataFrame,
    fields: Mapping[str, str],
    *,
    dayfirst: bool | None,
    reference_date: pd.Timestamp | None,
) -> DateParseResult:
    """The review dates: parsed from the date column, or decoded from Trustpilot review
    ids when that column holds them. Rows whose date is missing or unreadable take the
    time in their Trustpilot review id when they have one (and the report says how many)."""
    date_column = fields["created_at"]
    if looks_like_review_ids(frame[date_column]):
        return dates_from_review_ids(frame[date_column])
    dates = parse_dates(
        frame[date_column],
        dayfirst=dayfirst,
        reference_date=reference_date,
        column=date_column,
        strict=True,
    )
    id_column = fields.get("review_id")
    unread = np.isin(dates.status, (MISSING, UNREADABLE))
    if id_column is None or id_column == date_column or not unread.any():
        return dates
    from_ids = dates_from_review_ids(frame[id_column].iloc[np.flatnonzero(unread)])
    found = from_ids.status == OK
    if not found.any():
        return dates
    rows = np.flatnonzero(unread)[found]
    micros, status = dates.micros.copy(), dates.status.copy()
    micros[rows], status[rows] = from_ids.micros[found], OK
    note = (
        f"{len(rows):,} rows with no readable date in {date_column!r} were dated by their "
        f"Trustpilot review id in {id_column!r} (its creation time, within about two hours "
        "of the published date)."
    )
    return replace(dates, micros=micros, status=status, notes=[*dates.notes, note])


def _as_text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return values
    return pd.Series([cell_text(v) for v in values.tolist()], dtype="str", index=values.index)


def _quoted(values: pd.Series) -> pd.Series:
    text = _as_text(values).fillna("")
    long = text.str.len() > _REASON_WIDTH
    text = text.where(~long, text.str.slice(0, _REASON_WIDTH) + "…")
    return "'" + text + "'"


def _reasons(
    frame: pd.DataFrame,
    bad: np.ndarray,
    date_status: np.ndarray,
    rating_ok: np.ndarray,
    rating_empty: np.ndarray,
    date_column: str,
    rating_column: str,
) -> tuple[list[str], list[str]]:
    """A sentence per rejected row, and the kind of its first problem (for counting)."""
    if len(bad) == 0:
        return [], []
    status = date_status[bad]
    date_text = _quoted(frame[date_column].iloc[bad]).to_numpy(dtype=object)
    rating_text = _quoted(frame[rating_column].iloc[bad]).to_numpy(dtype=object)
    date_reason = np.full(len(bad), "", dtype=object)
    date_kind = np.full(len(bad), "", dtype=object)
    for code, kind, template in (
        (MISSING, "date missing", None),
        (UNREADABLE, "date could not be read", " could not be read"),
        (
            IMPLAUSIBLE,
            "date not plausible",
            " is not a plausible review date (before 1990 or after 2100)",
        ),
        (AMBIGUOUS, "date ambiguous", " can be read day-first or month-first"),
        (
            NEEDS_REFERENCE,
            "relative date without reference_date",
            " is relative; pass reference_date",
        ),
    ):
        hit = status == code
        if hit.any():
            date_kind[hit] = kind
            date_reason[hit] = (
                "date is missing" if template is None else "date " + date_text[hit] + template
            )
    rating_bad = ~rating_ok[bad]
    empty = rating_empty[bad] & rating_bad
    wrong = rating_bad & ~empty
    rating_reason = np.full(len(bad), "", dtype=object)
    rating_kind = np.full(len(bad), "", dtype=object)
    rating_reason[empty] = "rating is missing"
    rating_kind[empty] = "rating missing"
    if wrong.any():
        rating_reason[wrong] = "rating " + rating_text[wrong] + " is not a star rating 1-5"
        rating_kind[wrong] = "rating not a star rating 1-5"
    reasons = [
        "; ".join(part for part in pair if part)
        for pair in zip(date_reason.tolist(), rating_reason.tolist(), strict=True)
    ]
    kinds = [d or r for d, r in zip(date_kind.tolist(), rating_kind.tolist(), strict=True)]
    return reasons, kinds


def _duplicates(
    frame: pd.DataFrame, valid_index: np.ndarray, columns: ColumnMapping, *, coarse_dates: bool
) -> tuple[np.ndarray, list[str]]:
    """Which usable rows repeat an earlier one: by review id, else by identical mapped
    content. With relative dates ('a year ago'), star-only rows (no text, no title) are
    never content duplicates: two people giving 5 stars without words in the same year
    look identical, and a scrape holds many of them."""
    duplicate = np.zeros(len(valid_index), dtype=bool)
    notes: list[str] = []
    if len(valid_index) == 0:
        return duplicate, notes
    has_id = np.zeros(len(valid_index), dtype=bool)
    id_column = columns.fields.get("review_id")
    if id_column is not None:
        ids = _as_text(frame[id_column].iloc[valid_index]).str.strip()
        has_id = (ids.notna() & (ids != "")).to_numpy(dtype=bool)
        if has_id.any():
            duplicate[has_id] = ids[has_id].duplicated().to_numpy()
            count = int(duplicate[has_id].sum())
            if count:
                notes.append(
                    f"{_count(count, 'row')} repeated the review id of an earlier row and "
                    "counted once."
                )
    rest = ~has_id
    if not rest.any():
        return duplicate, notes
    content = list(
        dict.fromkeys(
            [
                c
                for c in list(columns.fields.values()) + list(columns.flags.values())
                if not str(c).startswith("Unnamed: ")
            ]
        )
    )
    subset = frame[content].iloc[valid_index[rest]]
    alike = _wordless(subset, columns) if coarse_dates else np.zeros(len(subset), dtype=bool)
    if alike.any():
        repeated = np.zeros(len(subset), dtype=bool)
        repeated[~alike] = subset[~alike].duplicated().to_numpy()
    else:
        repeated = subset.duplicated().to_numpy()
    duplicate[rest] = repeated
    count = int(repeated.sum())
    if count:
        shown = ", ".join(repr(c) for c in content)
        notes.append(
            f"{_count(count, 'row')} repeated an earlier row in every mapped column ({shown}) "
            "and counted once."
        )
        blank = int(_wordless(subset[repeated], columns).sum())
        if blank:
            notes.append(
                f"{blank:,} of those duplicates have no review text: star-only reviews "
                "with the same rating and date cannot be told apart from true repeats, "
                "so some may be distinct reviews."
            )
    kept_alike = int(subset[alike].duplicated().sum()) if alike.any() else 0
    if kept_alike:
        notes.append(
            f"{_count(kept_alike, 'star-only review')} (no text) with the same rating and "
            "relative date as another one; nothing tells them apart, and a scrape holds many such "
            "reviews from different people, so each was kept. If the export repeats "
            "reviews, some of them may be counted twice."
        )
    return duplicate, notes


def _wordless(rows: pd.DataFrame, columns: ColumnMapping) -> np.ndarray:
    """Rows with neither review text nor title."""
    wordless = np.ones(len(rows), dtype=bool)
    for field in ("text", "title"):
        column = columns.fields.get(field)
        if column is not None:
            text = _as_text(rows[column]).fillna("").str.strip()
            wordless &= (text == "").to_numpy()
    return wordless


def _canonical(
    frame: pd.DataFrame,
    order: np.ndarray,
    columns: ColumnMapping,
    micros: np.ndarray,
    stars: np.ndarray,
    *,
    honour_flags: bool,
    company: str | None,
    date_options: dict[str, Any],
    rows: np.ndarray,
    warnings: list[str],
) -> tuple[pd.DataFrame, ReplyReport | None]:
    """The canonical table of the rows ``order`` (kept, in time order), and what it says
    about replies (``None``: nothing)."""
    fields = columns.fields
    out: dict[str, Any] = {
        "created_at": pd.Series(micros[order].view("datetime64[us]")).dt.tz_localize("UTC"),
        "rating": pd.Series(stars[order].astype(np.int64)),
    }

    def take(column: str) -> pd.Series:
        return frame[column].iloc[order].reset_index(drop=True)

    for name in _SHORT_FIELDS + _TEXT_FIELDS:
        if name in fields:
            text = _as_text(take(fields[name]))
            stripped = text.str.strip()
            kept = stripped if name in _SHORT_FIELDS else text
            out[name] = kept.where(stripped.notna() & (stripped != "")).astype("str")
    if "tags" in fields:
        out["tags"] = tags_text(take(fields["tags"])).astype("str")
    if "invited" in fields:
        out["invited"] = invited_from_source(take(fields["invited"]))
    elif "source" in fields and "invited" not in columns.excluded:
        out["invited"] = invited_from_source(take(fields["source"]))
    if company is not None:
        if "company" in out:
            out["company"] = out["company"].fillna(company)
        else:
            out["company"] = pd.Series([company] * len(order), dtype="str")
    replies = read_replies(
        created_micros=micros[order],
        rows=rows[order],
        dates=take(fields["reply_at"]) if "reply_at" in fields else None,
        date_column=fields.get("reply_at", "reply date"),
        text=out.get("reply_text"),
        flags=take(fields["replied"]) if "replied" in fields else None,
        **date_options,
    )
    if replies is not None:
        out["replied"] = replies.replied
        if replies.reply_at is not None:
            out["reply_at"] = replies.reply_at
        warnings += replies.notes
    if "updated_at" in fields:
        column = fields["updated_at"]
        updates = parse_dates(take(column), column=column, strict=False, **date_options)
        out["updated_at"] = updates.as_series()
        unread = int((~np.isin(updates.status, (OK, MISSING))).sum())
        if unread:
            warnings.append(
                f"{_count(unread, 'update date')} in {column!r} could not be read and "
                f"{'was' if unread == 1 else 'were'} left empty."
            )
    if "counts" in fields:
        flags = parse_bools(take(fields["counts"]))
        values = flags.fillna(True).to_numpy(dtype=bool)
        out["counts"] = pd.Series(values if honour_flags else np.ones(len(order), dtype=bool))
    elif columns.flags:
        subset = frame[list(columns.flags.values())].iloc[order].reset_index(drop=True)
        out["counts"] = counts_from_flags(subset, columns.flags, honour_flags=honour_flags)
    if "counts" in out:
        excluded = int((~out["counts"]).sum())
        if excluded:
            warnings.append(
                f"{excluded:,} reviews are flagged as not counting towards the score "
                "(filtered, pending or excluded); they are kept with counts=False. Pass "
                "honour_flags=False to count them."
            )
    # Empty reply and update columns go without a word: "no review was replied to /
    # updated" is what they say, and the reply summary says it.
    # An export's Tags column is often empty: no review was tagged, nothing to report.
    quiet = {"updated_at", "tags", *(("reply_at", "reply_text") if "replied" in out else ())}
    for name in list(out):
        if name not in ("created_at", "rating", "counts", "replied") and bool(
            out[name].isna().all()
        ):
            del out[name]
            if name not in quiet:
                source = fields.get(name) or fields.get("source", "")
                warnings.append(f"the column {source!r} ({name}) is empty and was left out.")
    ordered = {name: out[name] for name in CANONICAL_COLUMNS if name in out}
    summary = None if replies is None else replies.summary
    return pd.DataFrame(ordered).reset_index(drop=True), summary


def _rejected_frame(
    frame: pd.DataFrame, bad: np.ndarray, raw: RawTable, reasons: list[str]
) -> pd.DataFrame:
    """The rejected input rows as strings, with ``row`` and ``reason``, by row."""
    names = {c: (f"{c} (input)" if c in ("row", "reason") else c) for c in frame.columns}
    parts: dict[str, pd.Series] = {
        names[c]: _as_text(frame[c].iloc[bad]).fillna("").reset_index(drop=True)
        for c in frame.columns
    }
    rejected = pd.DataFrame(parts, index=range(len(bad)))
    rejected["row"] = pd.Series(raw.rows[bad], dtype=np.int64)
    rejected["reason"] = pd.Series(reasons, dtype="str")
    if raw.malformed is not None and len(raw.malformed):
        malformed = raw.malformed.rename(columns={c: names.get(c, c) for c in frame.columns})
        for column in malformed.columns:
            if column not in ("row", "reason"):
                malformed[column] = malformed[column].fillna("").astype("str")
        rejected = pd.concat([rejected, malformed], ignore_index=True)
        rejected["row"] = rejected["row"].astype(np.int64)
        rejected = rejected.sort_values("row", kind="stable").reset_index(drop=True)
    for column in rejected.columns:
        if column != "row":
            rejected[column] = rejected[column].fillna("").astype("str")
    return rejected


def _malformed_category(reason: str) -> str:
    if "fields but the header" in reason:
        return "row has the wrong number of fields"
    if "not valid JSON" in reason:
        return "line is not valid JSON"
    return "record is not a JSON object"


# ---------------------------------------------------------------------------
# Several files
# ---------------------------------------------------------------------------


def _combine(results: list[ImportResult], stems: list[str]) -> ImportResult:
    frames: list[pd.DataFrame] = []
    for result, stem in zip(results, stems, strict=True):
        reviews = result.reviews.copy()
        if "company" in reviews.columns:
            reviews["company"] = reviews["company"].fillna(stem)
        else:
            reviews["company"] = pd.Series([stem] * len(reviews), dtype="str")
        frames.append(reviews)
    present = [c for c in CANONICAL_COLUMNS if any(c in f.columns for f in frames)]
    aligned = [_align(f, present) for f in frames]
    combined = pd.concat(aligned, ignore_index=True)

    # Each file was deduplicated on its own; here a row is a duplicate only when an
    # earlier file holds the same review (same id, else the same content).
    file_of = np.concatenate([np.full(len(f), i) for i, f in enumerate(aligned)])
    duplicate = np.zeros(len(combined), dtype=bool)
    if "review_id" in combined.columns:
        has_id = combined["review_id"].notna().to_numpy()
        duplicate[has_id] = _in_an_earlier_file(
            combined.loc[has_id, "review_id"], file_of[has_id]
        )
        rest = ~has_id
    else:
        rest = np.ones(len(combined), dtype=bool)
    if rest.any():
        content = pd.util.hash_pandas_object(combined.loc[rest, present], index=False)
        duplicate[rest] = _in_an_earlier_file(content, file_of[rest])
    cross = int(duplicate.sum())
    combined = combined.loc[~duplicate]
    order = np.argsort(combined["created_at"].to_numpy(), kind="stable")
    combined = combined.iloc[order].reset_index(drop=True)
    validate_reviews(combined)

    rejected_parts = []
    for result in results:
        part = result.rejected.copy()
        part.insert(0, "file", result.report.file_name)
        rejected_parts.append(part)
    rejected = pd.concat(rejected_parts, ignore_index=True) if rejected_parts else pd.DataFrame()
    for column in rejected.columns:
        if column != "row":
            rejected[column] = rejected[column].fillna("").astype("str")

    reports = [r.report for r in results]
    warnings: list[str] = []
    for report in reports:
        warnings += [f"{report.file_name}: {w}" for w in report.warnings]
    if cross:
        warnings.append(f"{_count(cross, 'review')} in more than one file, counted once.")
    by_reason: Counter[str] = Counter()
    for report in reports:
        by_reason.update(report.rejected_by_reason)
    duplicates = sum(r.duplicates for r in reports) + cross
    report = ImportReport(
        file_name=", ".join(r.file_name for r in reports),
        file_format=_common([r.file_format for r in reports], "mixed"),
        encoding=_common([r.encoding for r in reports], None),
        delimiter=_common([r.delimiter for r in reports], None),
        rows_read=sum(r.rows_read for r in reports),
        kept=len(combined),
        duplicates=duplicates,
        rejected=len(rejected),
        rejected_by_reason=dict(by_reason.most_common()),
        date_min=combined["created_at"].iloc[0],
        date_max=combined["created_at"].iloc[-1],
        mapping=_merged_mapping(reports),
        candidates=_merged_candidates(reports),
        flag_columns=_merged_mapping(reports, attribute="flag_columns"),
        dayfirst=_common([r.dayfirst for r in reports], None),
        rating_scale=max(r.rating_scale for r in reports),
        columns=tuple(dict.fromkeys(c for r in reports for c in r.columns)),
        warnings=list(warnings),
        files=list(reports),
        replies=combine_summaries(
            [(r.file_name, r.replies) for r in reports],
            combined["replied"] if "replied" in combined.columns else None,
            combined["reply_at"] if "reply_at" in combined.columns else None,
        ),
    )
    return ImportResult(
        reviews=combined,
        rejected=rejected,
        duplicates=duplicates,
        report=report,
        published_readings=_distinct_readings(results),
    )


#: Readings closer than this, with the same score and count, are one reading (two
#: pages of a profile saved together showed the same thing).
SAME_READING_WITHIN = pd.Timedelta(minutes=1)


def _distinct_readings(results: list[ImportResult]) -> tuple[PublishedReading, ...]:
    """Every file's published readings, oldest first, without repeats: a reading
    with the score and count of the one before it, less than a minute later, is
    that reading again."""
    readings = sorted(
        (reading for result in results for reading in result.published_readings),
        key=lambda reading: reading.at,
    )
    distinct: list[PublishedReading] = []
    for reading in readings:
        previous = distinct[-1] if distinct else None
        if (
            previous is not None
            and (previous.score, previous.review_count) == (reading.score, reading.review_count)
            and reading.at - previous.at < SAME_READING_WITHIN
        ):
            continue
        distinct.append(reading)
    return tuple(distinct)


def _count(n: int, noun: str) -> str:
    """'1 row', '2 rows', '1,000 rows'."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _in_an_earlier_file(keys: pd.Series, files: np.ndarray) -> np.ndarray:
    """Whether each row's key first appears in an earlier file than the row's own."""
    first = pd.Series(files).groupby(keys.to_numpy()).transform("min").to_numpy()
    return files > first


def _align(frame: pd.DataFrame, present: list[str]) -> pd.DataFrame:
    """Give a file's table every column the combined table has, with proper dtypes."""
    n = len(frame)
    for column in present:
        if column in frame.columns:
            continue
        if column == "counts":
            frame[column] = np.ones(n, dtype=bool)
        elif column in ("invited", "replied"):
            frame[column] = pd.array([pd.NA] * n, dtype="boolean")
        elif column in ("reply_at", "updated_at"):
            frame[column] = pd.Series(np.full(n, NAT).view("datetime64[us]")).dt.tz_localize("UTC")
        else:
            frame[column] = pd.Series([None] * n, dtype="str")
    return frame[present]


def _common(values: list[Any], default: Any) -> Any:
    distinct = set(values)
    return values[0] if len(distinct) == 1 else default


def _merged_mapping(reports: list[ImportReport], attribute: str = "mapping") -> dict[str, str]:
    merged: dict[str, list[str]] = {}
    for report in reports:
        for key, value in getattr(report, attribute).items():
            merged.setdefault(key, [])
            if value not in merged[key]:
                merged[key].append(value)
    return {key: " / ".join(values) for key, values in merged.items()}


def _merged_candidates(reports: list[ImportReport]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for report in reports:
        for key, values in report.candidates.items():
            bucket = merged.setdefault(key, [])
            bucket += [v for v in values if v not in bucket]
    return merged
