"""Bytes -> raw table, one reader per file format.

:func:`read_table` recognises the format from the content (the file name's
extension is only a hint), decodes text, and returns a :class:`RawTable`: a
DataFrame whose columns are the file's columns. CSV, XLSX and JSON values are
strings (missing values are NA); Parquet keeps its typed columns. Nothing here
knows what a review is: mapping and parsing happen in the other modules.

Formats: CSV/TSV (separator sniffed among ``,`` ``;`` tab ``|``; an Excel ``sep=``
line is honoured; quoted fields may hold CR LF), XLSX, JSON (an array of objects,
or an object holding one such array; nested objects are flattened with dots),
JSON Lines, Parquet, a ZIP holding one such file, the Google Takeout ZIP of a
Business Profile (``reviews*.json``), and a Trustpilot review page saved from the
browser as HTML (``saved_page``; recognised by its content).

Encodings: a byte-order mark decides (UTF-8, UTF-16); otherwise UTF-8 if the
bytes are valid UTF-8, else cp1252, else latin-1, unless the caller names one.
Detection is deliberately restricted to these: general charset detection misreads
short cp1252 files.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from scoring.errors import ReviewDataError

if TYPE_CHECKING:
    from scoring.ingest.readers.saved_page import PageFacts

SUPPORTED_FORMATS = (
    "CSV, TSV, XLSX, JSON, JSON Lines, Parquet, a Google Takeout ZIP or a saved Trustpilot "
    "page (HTML)"
)
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
#: Largest uncompressed size of a ZIP (XLSX, Takeout) as a multiple of ``max_bytes``.
UNPACKED_FACTOR = 5
#: Members above this size must not compress better than MAX_RATIO (zip bomb).
RATIO_CHECK_BYTES = 10 * 1024 * 1024
MAX_RATIO = 200
#: Most columns a file may have. A review export has a few dozen; 100,000 columns made
#: reading and column detection run for about an hour (found by tests/fuzz).
MAX_COLUMNS = 2000
#: Most cells (rows x columns) a JSON, Parquet or Excel file may spread out to: sparse
#: records, cells far to the right and run-length encoding are cheap to write but unpack
#: to a full table (a 1M-review export with 15 columns has 15M cells).
MAX_CELLS = 50_000_000

_UTF8_BOM = b"\xef\xbb\xbf"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
)
_SEP_LINE = re.compile(r'^\s*"?sep=(.)"?\s*$')


@dataclass
class RawTable:
    """A file read into columns, before any review-specific interpretation.

    ``rows`` holds, per frame row, the 1-based row number to show users: the row
    a spreadsheet shows (header = 1) for CSV/XLSX, the record number for
    JSON/Parquet/Takeout/saved pages, the line number for JSON Lines. ``malformed``
    holds records that could not be split into columns (same columns plus ``row`` and
    ``reason``); they count as read and rejected. ``page``: what a saved Trustpilot
    page displayed besides its reviews (``None`` for other files).
    """

    frame: pd.DataFrame
    rows: np.ndarray
    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    malformed: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)
    page: PageFacts | None = None

    @property
    def rows_read(self) -> int:
        """Records found: frame rows plus malformed ones."""
        return len(self.frame) + (0 if self.malformed is None else len(self.malformed))


def read_table(
    data: bytes, name: str, *, encoding: str | None = None, max_bytes: int = 200 * 1024 * 1024
) -> RawTable:
    """Read ``data`` (the bytes of the file called ``name``) into a :class:`RawTable`.

    Raises :class:`ReviewDataError` (without the file name; the caller adds it)
    for empty, binary, unsupported, corrupt, encrypted or oversized input, and for
    whatever else a parser throws on odd input (e.g. a ZIP member failing its CRC
    check), so callers other than ``load_reviews`` need catch only that.
    ``MemoryError`` passes through.
    """
    try:
        return _read_table(data, name, encoding=encoding, max_bytes=max_bytes)
    except (ReviewDataError, MemoryError, AssertionError):
        raise
    except Exception as exc:
        raise ReviewDataError(
            f"the file could not be read ({type(exc).__name__}: {exc}). Check that it is a "
            "review export in CSV, XLSX, JSON, JSON Lines or Parquet, or save it again as "
            "CSV (UTF-8)."
        ) from exc


def _read_table(data: bytes, name: str, *, encoding: str | None, max_bytes: int) -> RawTable:
    if len(data) == 0 or (not data[:SAMPLE_BYTES].strip() and not data.strip()):
        raise ReviewDataError(
            "the file is empty. Export the reviews again and upload the new file."
        )
    ext = PurePosixPath(name.lower()).suffix
    head = bytes(data[:16])
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_zip(data, name, max_bytes, encoding)
    if head.startswith(_OLE_MAGIC):
        raise _ole_error(data)
    if head.startswith(b"PAR1"):
        return _read_parquet(data, max_bytes)
    for magic, what in _OTHER_MAGIC:
        if head.startswith(magic):
            raise ReviewDataError(
                f"the file is {what}, not a review export. Upload {SUPPORTED_FORMATS}."
            )
    if ext == ".parquet":
        raise ReviewDataError(
            "the file is named .parquet but is not a Parquet file (damaged or renamed)."
        )
    table = _read_text(data, ext, encoding)
    if ext in (".xlsx", ".xlsm", ".xls"):
        # Some tools "export to Excel" as text; read it, but say so.
        table.warnings.insert(
            0, f"the file is named {ext} but holds text; it was read as {table.file_format}."
        )
    return table


# ---------------------------------------------------------------------------
# Text: encoding, then JSON / JSON Lines / CSV
# ---------------------------------------------------------------------------


def detect_encoding(
    data: bytes, override: str | None = None, *, sample_only: bool = False
) -> tuple[str, str, int]:
    """Return ``(label, codec, bom_length)`` for text ``data``.

    ``label`` is what the report shows (``utf-8-sig`` when a UTF-8 byte-order mark
    is present), ``codec`` the Python codec that decodes ``data[bom_length:]``.
    With ``override`` the named encoding is used (a BOM that matches it is skipped);
    a name Python does not know raises :class:`ReviewDataError`. With
    ``sample_only`` UTF-8 is judged on the first 64 kB (the caller then checks the
    rest while reading).
    """
    if override is not None:
        try:
            codec = codecs.lookup(override).name
        except LookupError:
            raise ReviewDataError(
                f"encoding={override!r} is not an encoding Python knows; use e.g. "
                "'utf-8', 'utf-16', 'cp1252' or 'latin-1', or leave it unset to detect it."
            ) from None
        if codec == "utf-8" and data.startswith(_UTF8_BOM):
            return override, "utf-8", 3
        return override, codec, 0
    if data.startswith(_UTF8_BOM):
        return "utf-8-sig", "utf-8", 3
    if data.startswith(b"\xff\xfe"):
        return "utf-16", "utf-16-le", 2
    if data.startswith(b"\xfe\xff"):
        return "utf-16", "utf-16-be", 2
    head = bytes(data[:4096])
    if len(head) >= 4 and len(head) % 2 == 0:
        odd_zero = head[1::2].count(0) / (len(head) // 2)
        even_zero = head[0::2].count(0) / (len(head) // 2)
        if odd_zero >= 0.9 and even_zero < 0.5:
            return "utf-16-le", "utf-16-le", 0
        if even_zero >= 0.9 and odd_zero < 0.5:
            return "utf-16-be", "utf-16-be", 0
    if _decodes(data[:SAMPLE_BYTES] if sample_only else data, "utf-8", final=not sample_only):
        return "utf-8", "utf-8", 0
    if _decodes(data, "cp1252"):
        return "cp1252", "cp1252", 0
    return "latin-1", "latin-1", 0


def _decodes(data: bytes, codec: str, final: bool = True) -> bool:
    """Whether ``data`` decodes strictly, checked in chunks (no full-size copy).
    With ``final=False`` a character cut off at the end is not an error."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    step = 1 << 20
    try:
        for start in range(0, len(view), step):
            decoder.decode(view[start : start + step])
        decoder.decode(b"", final=final)
    except UnicodeDecodeError:
        return False
    return True


def _decode_all(data: bytes, codec: str, bom: int, label: str) -> str:
    try:
        return bytes(data[bom:]).decode(codec)
    except UnicodeDecodeError as exc:
        raise ReviewDataError(
            f"the file cannot be read as {label} (byte {data[bom + exc.start]:#04x} at "
            f"position {bom + exc.start}). Leave encoding unset to detect it, or try "
            "'utf-8', 'cp1252' or 'latin-1'."
        ) from None


def _check_not_binary(sample: str) -> None:
    if not sample:
        return
    controls = sum(
        1
        for ch in sample
        if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd" or 0x80 <= ord(ch) <= 0x9F
    )
    if "\x00" in sample or controls > max(2, 0.01 * len(sample)):
        raise ReviewDataError(
            "the file does not look like a text table: it contains binary data. "
            f"Upload {SUPPORTED_FORMATS}; if it is a text file in an unusual encoding, "
            "pass encoding=... (e.g. 'utf-16')."
        )


class _NotUtf8(Exception):
    """UTF-8 judged on a sample proved wrong further into the file."""


def _read_text(data: bytes, ext: str, encoding: str | None) -> RawTable:
    # For speed UTF-8 is first judged on a sample; the readers check the rest (Arrow
    # validates UTF-8 as it parses) and a failure sends us back for a full check.
    label, codec, bom = detect_encoding(data, encoding, sample_only=True)
    guessed = encoding is None and codec == "utf-8" and len(data) > SAMPLE_BYTES
    try:
        return _read_text_as(data, ext, encoding, label, codec, bom, verified=not guessed)
    except _NotUtf8:
        label, codec, bom = detect_encoding(data, encoding)
        return _read_text_as(data, ext, encoding, label, codec, bom, verified=True)


def _read_text_as(
    data: bytes,
    ext: str,
    encoding: str | None,
    label: str,
    codec: str,
    bom: int,
    *,
    verified: bool,
) -> RawTable:
    if len(data) - bom <= SAMPLE_BYTES:
        sample = _decode_all(data, codec, bom, label)
    else:
        if encoding is not None and codec == "utf-8" and not _decodes(data[bom:], "utf-8"):
            _decode_all(data, codec, bom, label)  # raises, naming the offending byte
        sample = bytes(data[bom : bom + SAMPLE_BYTES]).decode(codec, errors="ignore")
    _check_not_binary(sample)
    from scoring.ingest.readers import saved_page

    if saved_page.looks_like_mhtml(sample):
        raise saved_page.mhtml_error()
    if saved_page.looks_like_html(sample):
        if not verified and not _decodes(data[bom:], codec):
            raise _NotUtf8
        table = saved_page.read_saved_page(_decode_all(data, codec, bom, label))
        table.encoding = label
        return table
    first = sample.lstrip()[:1]
    is_json_lines = ext in (".jsonl", ".ndjson") or (
        first == "{" and ext != ".json" and _looks_like_jsonl(sample)
    )
    if is_json_lines or first in ("[", "{") or ext == ".json":
        if not verified and not _decodes(data[bom:], codec):
            raise _NotUtf8
        text = _decode_all(data, codec, bom, label)
        table = _read_json_lines(text) if is_json_lines else _read_json(text)
    else:
        table = _read_csv(data, codec, bom, label, sample, verified=verified)
    table.encoding = label
    return table


def _looks_like_jsonl(sample: str) -> bool:
    lines = [ln.strip() for ln in sample.split("\n")[:5] if ln.strip()]
    return len(lines) >= 2 and all(ln.startswith("{") for ln in lines[:2])


# ----------------------------------- CSV -----------------------------------


def _read_csv(
    data: bytes, codec: str, bom: int, label: str, sample: str, *, verified: bool = True
) -> RawTable:
    warnings: list[str] = []
    first_line, _, _ = sample.partition("\n")
    sep_match = _SEP_LINE.match(first_line.rstrip("\r"))
    skip_chars = 0
    if sep_match:
        delimiter = sep_match.group(1)
        skip_chars = len(first_line) + 1
        sample = sample[skip_chars:]
    else:
        delimiter = sniff_delimiter(sample)

    if codec == "utf-8":
        start = bom + (len(first_line.encode("utf-8")) + 1 if skip_chars else 0)
        body: Any = memoryview(data)[start:]
        quoted = data.find(b'"', start) != -1
        _check_width(_first_line_fields(data, start, delimiter))
    else:
        text = _decode_all(data, codec, bom, label)[skip_chars:]
        quoted = '"' in text
        encoded = text.encode("utf-8")
        del text
        _check_width(_first_line_fields(encoded, 0, delimiter))
        body = memoryview(encoded)
    try:
        frame = _arrow_csv(body, delimiter, quoted)
        malformed = None
        rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    except (pa.ArrowException, ValueError) as exc:
        if "utf8" in str(exc).casefold().replace("-", "") and not verified:
            raise _NotUtf8 from None
        text = bytes(body).decode("utf-8", errors="replace")
        frame, rows, malformed, short = _python_csv(text, delimiter)
        if short:
            warnings.append(
                f"{short:,} rows had fewer fields than the header; the missing fields "
                "were left empty."
            )
    if frame.shape[1] == 0:
        raise ReviewDataError("the file has no header row.")
    return RawTable(
        frame=frame,
        rows=rows,
        file_format="csv",
        delimiter=delimiter,
        malformed=malformed,
        warnings=warnings,
    )


def sniff_delimiter(sample: str) -> str:
    """Pick the field separator among ``, ; tab |`` from a text sample.

    The winner splits the header into more than one field and splits the most
    following records into the same number of fields. Ties go to the comma.
    """
    if "\n" in sample and not sample.endswith("\n"):
        sample = sample[: sample.rfind("\n") + 1]  # drop the cut-off last line
    best, best_score = ",", (False, 0.0, 0)
    for delimiter in DELIMITERS:
        counts = _field_counts(sample, delimiter)
        if not counts:
            continue
        header = counts[0]
        rest = counts[1:]
        consistency = (sum(1 for c in rest if c == header) / len(rest)) if rest else 1.0
        score = (header > 1, round(consistency, 2), header)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _field_counts(sample: str, delimiter: str, limit: int = 50) -> list[int]:
    counts: list[int] = []
    try:
        for record in csv.reader(io.StringIO(sample), delimiter=delimiter):
            if not record:
                continue
            counts.append(len(record))
            if len(counts) >= limit:
                break
    except csv.Error:
        pass
    return counts


def _first_line_fields(data: bytes, start: int, delimiter: str) -> int:
    """Fields in the header line (quoted separators counted too: an upper bound)."""
    end = data.find(b"\n", start)
    return data.count(delimiter.encode(), start, len(data) if end < 0 else end) + 1


def _check_width(columns: int) -> None:
    """Refuse a table wider than :data:`MAX_COLUMNS` before building it."""
    if columns > MAX_COLUMNS:
        raise ReviewDataError(
            f"the file has {columns:,} columns, more than "
            f"the {MAX_COLUMNS:,} TrustLens reads (a review export has a few dozen). Check "
            "that it is a review export, or delete the columns you do not need and save it "
            "again."
        )


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
            _check_width(len(names))
    if len(names) * len(records) > MAX_CELLS:
        raise ReviewDataError(
            f"the file's {len(records):,} records spread over {len(names):,} different fields "
            f"({len(names) * len(records):,} cells), more than the {MAX_CELLS:,} TrustLens "
            "reads. Check that it is a review export, or export fewer fields."
        )


def clean_headers(names: list[Any]) -> list[str]:
    """Strip header names, name empty ones ``Unnamed: i``, suffix repeats ``.1``, ``.2``."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names):
        name = "" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw)
        name = name.strip().lstrip("\ufeff").strip() or f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            candidate = f"{name}.{seen[name]}"
            while candidate in seen:
                seen[name] += 1
                candidate = f"{name}.{seen[name]}"
            name = candidate
        seen.setdefault(name, 0)
        out.append(name)
    return out


def _arrow_csv(body: Any, delimiter: str, quoted_newlines: bool) -> pd.DataFrame:
    """Fast path: Arrow's multithreaded CSV reader, every column as text."""
    buffer = pa.py_buffer(body)
    header_table = pa_csv.read_csv(
        pa.BufferReader(buffer),
        read_options=pa_csv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter, newlines_in_values=quoted_newlines, ignore_empty_lines=True
        ),
        convert_options=pa_csv.ConvertOptions(
            # large_string: pandas takes it over without a copy
            column_types={f"f{i}": pa.large_string() for i in range(4096)},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    if header_table.num_rows == 0:
        return pd.DataFrame()
    _check_width(header_table.num_columns)
    columns = []
    for column in header_table.columns:
        if not pa.types.is_large_string(column.type):
            column = column.cast(pa.large_string())
        columns.append(column)
    header = clean_headers([c[0].as_py() for c in columns])
    body_table = pa.table([c.slice(1) for c in columns], names=header)
    del header_table, columns
    frame = body_table.to_pandas()
    return frame


def _python_csv(
    text: str, delimiter: str
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame | None, int]:
    """The slow, tolerant path for CSV the Arrow reader refuses (ragged rows)."""
    old_limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header: list[str] | None = None
        good: list[list[str]] = []
        good_rows: list[int] = []
        bad: list[tuple[list[str], int, str]] = []
        short = 0
        record_no = 0
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip() and header is not None):
                continue
            record_no += 1
            if header is None:
                _check_width(len(record))
                header = clean_headers(record)
                continue
            width = len(header)
            if len(record) < width:
                short += 1
                record = record + [""] * (width - len(record))
            elif len(record) > width:
                if all(not value.strip() for value in record[width:]):
                    record = record[:width]
                else:
                    bad.append(
                        (
                            record,
                            record_no,
                            f"row has {len(record)} fields but the header has {width}",
                        )
                    )
                    continue
            good.append(record)
            good_rows.append(record_no)
    except csv.Error as exc:
        raise ReviewDataError(f"the file could not be split into columns ({exc}).") from None
    finally:
        csv.field_size_limit(old_limit)
    if header is None:
        return pd.DataFrame(), np.zeros(0, dtype=np.int64), None, 0
    frame = pd.DataFrame(good, columns=header, dtype="str") if good else _empty_frame(header)
    malformed = None
    if bad:
        width = len(header)
        records = [[*r[: width - 1], delimiter.join(r[width - 1 :])] for r, _, _ in bad]
        malformed = pd.DataFrame(records, columns=header, dtype="str")
        malformed["row"] = np.array([n for _, n, _ in bad], dtype=np.int64)
        malformed["reason"] = pd.Series([reason for _, _, reason in bad], dtype="str")
    return frame, np.asarray(good_rows, dtype=np.int64), malformed, short


def _empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})


# ---------------------------------- JSON -----------------------------------


def _read_json(text: str) -> RawTable:
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
            return _read_json_lines(text)
        raise ReviewDataError(
            f"the file is not valid JSON ({exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}). Export it again, or save it as CSV."
        ) from None
    records = records_from_json(obj)
    return frame_from_records(records, "json")


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


def _read_json_lines(text: str) -> RawTable:
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


class _BadRecord:
    """Placeholder for a record that could not be parsed; carries the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


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
    _check_width(frame.shape[1])
    frame.columns = clean_headers(list(frame.columns))
    frame = pd.DataFrame({c: _to_text(frame[c]) for c in frame.columns}, index=range(len(frame)))
    if good and frame.shape[1] == 0:
        frame = pd.DataFrame(index=range(len(good)))
    malformed = None
    if bad:
        malformed = _empty_frame(list(frame.columns)).reindex(range(len(bad)))
        malformed["row"] = rows[[i for i, _ in bad]]
        malformed["reason"] = pd.Series([reason for _, reason in bad], dtype="str")
    return RawTable(
        frame=frame,
        rows=rows[good_idx] if good_idx else np.zeros(0, dtype=np.int64),
        file_format=file_format,
        malformed=malformed,
    )


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "number" if isinstance(value, (int, float)) else type(value).__name__


def _to_text(series: pd.Series) -> pd.Series:
    """Any column -> strings (NA for missing); lists and objects become JSON text."""
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return series
    return pd.Series([cell_text(v) for v in series.tolist()], dtype="str", index=series.index)


def cell_text(value: Any) -> str | None:
    """One cell as text: ``None`` for missing, whole floats without ``.0``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if hasattr(value, "isoformat"):
        try:
            return value.isoformat()
        except (ValueError, OverflowError, NotImplementedError):
            # A Parquet timestamp in the year 148108 (tests/fuzz): pandas cannot format it.
            return f"{value.year}-{value.month:02d}-{value.day:02d}"
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


# --------------------------------- Parquet ---------------------------------


def _read_parquet(data: bytes, max_bytes: int) -> RawTable:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(pa.BufferReader(pa.py_buffer(data)))
        meta = parquet.metadata
        _check_width(meta.num_columns)
        if meta.num_rows * max(meta.num_columns, 1) > MAX_CELLS:
            raise ReviewDataError(
                f"the Parquet file holds {meta.num_rows:,} rows x {meta.num_columns:,} columns, "
                f"more than the {MAX_CELLS:,} cells TrustLens reads. Split it, e.g. by year."
            )
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if unpacked > UNPACKED_FACTOR * max_bytes:
            raise ReviewDataError(
                f"the Parquet file would unpack to {unpacked / 1e6:,.0f} MB, more than "
                f"{UNPACKED_FACTOR} x the {max_bytes / 1e6:,.0f} MB limit. Split it, or "
                "raise max_bytes if you trust it."
            )
        table = parquet.read()
    except ReviewDataError:
        raise
    except Exception as exc:
        raise ReviewDataError(
            f"the Parquet file could not be read ({exc}). Export it again, or save it as CSV."
        ) from None
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
        _check_width(table.num_columns)
    frame = table.to_pandas()
    frame.columns = clean_headers(list(frame.columns))
    out: dict[str, pd.Series] = {}
    for name in frame.columns:
        column = frame[name]
        keep = (
            pd.api.types.is_numeric_dtype(column.dtype)
            or pd.api.types.is_datetime64_any_dtype(column.dtype)
        ) and not pd.api.types.is_bool_dtype(column.dtype)
        out[name] = column if keep else _to_text(column.astype(object))
    frame = pd.DataFrame(out, index=range(len(frame)))
    return RawTable(
        frame=frame, rows=np.arange(1, len(frame) + 1, dtype=np.int64), file_format="parquet"
    )


# ------------------------------- ZIP and XLSX ------------------------------


def _check_zip(archive: zipfile.ZipFile, max_bytes: int) -> None:
    """Refuse decompression bombs and encrypted archives before reading any member."""
    limit = UNPACKED_FACTOR * max_bytes
    total = 0
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise ReviewDataError(
                "the ZIP archive is password-protected. Extract it and upload the files, "
                "or export it again without a password."
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_BYTES and ratio > MAX_RATIO:
            raise ReviewDataError(
                f"the archive member {info.filename!r} would unpack to "
                f"{info.file_size / 1e6:,.0f} MB from {info.compress_size / 1e3:,.0f} kB "
                f"(ratio {ratio:,.0f}:1): this looks like a decompression bomb and was not "
                "opened."
            )
    if total > limit:
        raise ReviewDataError(
            f"the archive would unpack to {total / 1e6:,.0f} MB, more than {UNPACKED_FACTOR} x "
            f"the {max_bytes / 1e6:,.0f} MB limit (possibly a decompression bomb). Split the "
            "export, or raise max_bytes if you trust the file."
        )


def _read_zip(data: bytes, name: str, max_bytes: int, encoding: str | None) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        what = "Excel workbook" if name.lower().endswith((".xlsx", ".xlsm")) else "ZIP archive"
        raise ReviewDataError(
            f"the {what} is damaged and cannot be opened ({exc}). Open it again in the "
            "program that made it and save a new copy, or export CSV."
        ) from None
    with archive:
        _check_zip(archive, max_bytes)
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return _read_xlsx(data)
        from scoring.ingest.readers.takeout import is_takeout, read_takeout

        if is_takeout(names):
            return read_takeout(archive, max_bytes)
        inner = [
            n
            for n in names
            if not n.endswith("/")
            and PurePosixPath(n.lower()).suffix
            in (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".xlsx", ".parquet",
                ".html", ".htm")
            and not PurePosixPath(n).name.startswith(("._", "~$"))
        ]
        if len(inner) == 1:
            member = archive.read(inner[0])
            table = read_table(member, inner[0], encoding=encoding, max_bytes=max_bytes)
            table.warnings.insert(0, f"read {inner[0]!r} from inside the ZIP archive.")
            return table
        shown = ", ".join(repr(n) for n in names[:8]) + (" ..." if len(names) > 8 else "")
        if not inner:
            raise ReviewDataError(
                f"the ZIP archive holds no review file ({shown or 'it is empty'}). Upload "
                f"{SUPPORTED_FORMATS}."
            )
        raise ReviewDataError(
            f"the ZIP archive holds {len(inner)} data files ({shown}); upload them "
            "unpacked (several files can be loaded together)."
        )


def _ole_error(data: bytes) -> ReviewDataError:
    if "EncryptedPackage".encode("utf-16-le") in data:
        return ReviewDataError(
            "the Excel workbook is password-protected (encrypted), so it cannot be read. "
            "Open it in Excel, remove the password (File > Info > Protect Workbook), save "
            "it, and upload it again; or export the reviews as CSV."
        )
    return ReviewDataError(
        "the file is an old Excel 97-2003 (.xls) or other Office binary file, which is not "
        "supported. Open it in Excel and save it as .xlsx or CSV."
    )


def _read_xlsx(data: bytes) -> RawTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ReviewDataError(
            f"the Excel workbook is damaged and cannot be opened ({type(exc).__name__}: "
            f"{exc}). Open it in Excel and save it again, or export CSV."
        ) from None
    warnings: list[str] = []
    try:
        sheet_names = workbook.sheetnames
        for sheet_name in sheet_names:
            sheet = workbook[sheet_name]
            table = _sheet_table(sheet)
            if table is None:
                continue
            header, records, rows = table
            others = [s for s in sheet_names if s != sheet_name]
            if others:
                warnings.append(
                    f"read the sheet {sheet_name!r}; the workbook's other sheets "
                    f"({', '.join(map(repr, others))}) were not read."
                )
            frame = (
                pd.DataFrame(records, columns=header, dtype="str")
                if records
                else _empty_frame(header)
            )
            return RawTable(
                frame=frame,
                rows=np.asarray(rows, dtype=np.int64),
                file_format="xlsx",
                warnings=warnings,
            )
    except ReviewDataError:
        raise
    except Exception as exc:
        raise ReviewDataError(
            f"the Excel workbook could not be read ({type(exc).__name__}: {exc}). Open it in "
            "Excel and save it again, or export CSV."
        ) from None
    finally:
        workbook.close()
    raise ReviewDataError("the Excel workbook has no data in any sheet.")


def _sheet_table(sheet: Any) -> tuple[list[str], list[list[str | None]], list[int]] | None:
    """Header, records and sheet row numbers of the first non-empty rows of a sheet."""
    start = 1  # iter_rows starts at row 1 whatever the declared dimension says
    if hasattr(sheet, "reset_dimensions"):
        # The declared size (e.g. A1:XFD1048576 in a 2 kB file) would pad every row,
        # missing ones included, to its full width: read each row as it is stored.
        sheet.reset_dimensions()
    header: list[str | None] | None = None
    records: list[list[str | None]] = []
    rows: list[int] = []
    cells_read = 0
    for offset, values in enumerate(sheet.iter_rows(values_only=True)):
        if len(values) > MAX_COLUMNS:
            beyond = values[MAX_COLUMNS:]
            if beyond.count(None) != len(beyond):
                _check_width(len(values))
            values = values[:MAX_COLUMNS]
        cells_read += len(values)
        if cells_read > MAX_CELLS:
            raise ReviewDataError(
                f"the sheet {sheet.title!r} holds more than {MAX_CELLS:,} cells, more than "
                "TrustLens reads. Delete the rows and columns you do not need, or export CSV."
            )
        cells = [cell_text(v) for v in values]
        if not any(c is not None and c.strip() for c in cells):
            continue
        if header is None:
            header = cells
            continue
        records.append(cells)
        rows.append(start + offset)
    if header is None:
        return None
    width = max([len(header)] + [_last_filled(r) for r in records])
    header = (header + [None] * width)[:width]
    while (
        width > 1
        and header[width - 1] is None
        and all(len(r) < width or r[width - 1] is None for r in records)
    ):
        width -= 1
    names = clean_headers(header[:width])
    records = [(r + [None] * width)[:width] for r in records]
    return names, records, rows


def _last_filled(cells: list[str | None]) -> int:
    for i in range(len(cells) - 1, -1, -1):
        if cells[i] is not None and cells[i].strip():
            return i + 1
    return 0
