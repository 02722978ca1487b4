"""JSON: a document of review records, JSON Lines, and records from other readers.

:func:`read_json` reads an array of objects, an object holding one such array (e.g. a
Google ``{"reviews": [...]}`` page) or a single object (:func:`records_from_json`);
:func:`read_json_lines` one object per line. :func:`frame_from_records` turns records
into a string table, nested objects flattened to ``a.b`` columns, lists and other
values as JSON text; the Takeout and saved-page readers hand their records to it too.
Rows are the record number (JSON) or the line number (JSON Lines); a record that is
not an object, or a line that is not JSON, is kept as malformed with the reason.

Limits: a document nested deeper than Python's recursion limit is refused with a
message (a JSON Lines line nested so deep is a malformed record);
records that would flatten to more than :data:`~.base.MAX_COLUMNS` columns or
:data:`~.base.MAX_CELLS` cells are refused before the table is built. A GeoJSON
feature collection (Google Maps' personal ``Reviews.json``) is refused: it holds
reviews the user wrote.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from scoring.errors import ReviewDataError
from scoring.ingest.readers.base import (
    MAX_CELLS,
    MAX_COLUMNS,
    RawTable,
    check_width,
    clean_headers,
    empty_frame,
    to_text,
)


def read_json(text: str) -> RawTable:
    """A JSON document (see :func:`records_from_json`) as a table of its records; a
    document followed by more JSON is read as JSON Lines."""
    try:
        obj = json.loads(text)
    except RecursionError:
        raise ReviewDataError(
            "the JSON is nested too deeply to read (arrays or objects inside each other "
            "hundreds of levels deep); a review export is a few levels deep. Export it again, "
            "or save it as CSV."
        ) from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            return read_json_lines(text)
        raise ReviewDataError(
            f"the file is not valid JSON ({exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}). Export it again, or save it as CSV."
        ) from None
    records = records_from_json(obj)
    return frame_from_records(records, "json")


def read_json_lines(text: str) -> RawTable:
    """One JSON record per line; a line that is not valid JSON is a malformed record
    (rejected with its line number), blank lines are skipped."""
    records: list[Any] = []
    rows: list[int] = []
    for line_no, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        try:
            records.append(json.loads(stripped))
        except json.JSONDecodeError as exc:
            records.append(_BadRecord(f"line {line_no} is not valid JSON ({exc.msg})"))
        except RecursionError:
            records.append(_BadRecord(f"line {line_no} is not valid JSON (nested too deeply)"))
        rows.append(line_no)
    table = frame_from_records(records, "jsonl", rows=np.asarray(rows, dtype=np.int64))
    return table


def records_from_json(obj: Any) -> list[Any]:
    """The list of review records inside a parsed JSON document.

    Accepts an array of objects, an object holding one such array (e.g. a Google
    ``{"reviews": [...]}`` page), or a single object. A GeoJSON feature collection
    (Google Maps "your places" ``Reviews.json``) raises a :class:`ReviewDataError`
    explaining that it holds reviews the user wrote.
    """
    if isinstance(obj, list):
        if obj and not any(isinstance(item, dict) for item in obj):
            kind = type(obj[0]).__name__
            raise ReviewDataError(
                f"the JSON file holds an array of {kind} values, not review objects."
            )
        return obj
    if isinstance(obj, dict):
        if obj.get("type") == "FeatureCollection" or "features" in obj:
            raise _maps_reviews_error()
        if isinstance(obj.get("reviews"), list):
            return obj["reviews"]
        lists = [v for v in obj.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if len(lists) == 1:
            return lists[0]
        if len(lists) > 1:
            keys = [
                k for k, v in obj.items() if isinstance(v, list) and v and isinstance(v[0], dict)
            ]
            raise ReviewDataError(
                f"the JSON object holds several arrays ({', '.join(map(repr, keys))}); "
                "save the reviews array on its own."
            )
        return [obj]
    raise ReviewDataError(
        f"the JSON file holds a single {type(obj).__name__} value, not review records."
    )


def _maps_reviews_error() -> ReviewDataError:
    return ReviewDataError(
        "this is the Google Maps 'Reviews.json' from a personal Takeout (a GeoJSON map of "
        "places): it holds reviews the account holder WROTE about other places, not reviews "
        "OF a business. For your business's reviews, export 'Google Business Profile' in "
        "Google Takeout and upload that ZIP."
    )


def frame_from_records(
    records: list[Any], file_format: str, rows: np.ndarray | None = None
) -> RawTable:
    """Flatten JSON records into a string frame (nested objects as ``a.b`` columns)."""
    if rows is None:
        rows = np.arange(1, len(records) + 1, dtype=np.int64)
    good_idx = [i for i, r in enumerate(records) if isinstance(r, dict)]
    bad = [
        (
            i,
            r.reason
            if isinstance(r, _BadRecord)
            else f"record is a JSON {_json_kind(r)}, not an object",
        )
        for i, r in enumerate(records)
        if not isinstance(r, dict)
    ]
    good = [records[i] for i in good_idx]
    _check_record_width(good)
    frame = pd.json_normalize(good, sep=".") if good else pd.DataFrame()
    check_width(frame.shape[1])
    frame.columns = clean_headers(list(frame.columns))
    frame = pd.DataFrame({c: to_text(frame[c]) for c in frame.columns}, index=range(len(frame)))
    if good and frame.shape[1] == 0:
        frame = pd.DataFrame(index=range(len(good)))
    malformed = None
    if bad:
        malformed = empty_frame(list(frame.columns)).reindex(range(len(bad)))
        malformed["row"] = rows[[i for i, _ in bad]]
        malformed["reason"] = pd.Series([reason for _, reason in bad], dtype="str")
    return RawTable(
        frame=frame,
        rows=rows[good_idx] if good_idx else np.zeros(0, dtype=np.int64),
        file_format=file_format,
        malformed=malformed,
    )


class _BadRecord:
    """Placeholder for a record that could not be parsed; carries the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "number" if isinstance(value, (int, float)) else type(value).__name__


def _check_record_width(records: list[dict]) -> None:
    """Refuse JSON records that would flatten to more than :data:`MAX_COLUMNS` columns,
    or to more than :data:`MAX_CELLS` cells, before pandas builds the table."""
    names: set[str] = set()
    for record in records:
        stack: list[tuple[str, dict]] = [("", record)]
        while stack:
            prefix, obj = stack.pop()
            for key, value in obj.items():
                name = f"{prefix}{key}"
                if isinstance(value, dict) and value:
                    stack.append((name + ".", value))
                else:
                    names.add(name)
        if len(names) > MAX_COLUMNS:
            check_width(len(names))
    if len(names) * len(records) > MAX_CELLS:
        raise ReviewDataError(
            f"the file's {len(records):,} records spread over {len(names):,} different fields "
            f"({len(names) * len(records):,} cells), more than the {MAX_CELLS:,} TrustLens "
            "reads. Check that it is a review export, or export fewer fields."
        )
