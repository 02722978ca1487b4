"""What every reader shares: the :class:`RawTable` they return, the limits they
enforce, text decoding and the clean-up of headers and cells.

Limits (each refuses the file with a :class:`~scoring.errors.ReviewDataError` saying
what to do): :data:`DEFAULT_MAX_BYTES` per file (the caller passes ``max_bytes``),
:data:`UNPACKED_FACTOR` x ``max_bytes`` once unpacked (ZIP, XLSX, Parquet),
:data:`MAX_COLUMNS` columns and :data:`MAX_CELLS` cells.

Encodings (:func:`detect_encoding`): a byte-order mark decides (UTF-8, UTF-16);
otherwise UTF-16 without a mark when every other byte is zero, UTF-8 if the bytes are
valid UTF-8, else cp1252, else latin-1, unless the caller names one. Detection is
deliberately restricted to these: general charset detection misreads short cp1252
files. For speed UTF-8 may be judged on the first :data:`SAMPLE_BYTES`; a reader that
finds invalid UTF-8 further on raises :class:`NotUtf8` and the text is decoded again
after a full check.

Nothing here knows a file format or what a review is.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scoring.errors import ReviewDataError

SUPPORTED_FORMATS = (
    "CSV, TSV, XLSX, JSON, JSON Lines, Parquet, a Google Takeout ZIP or a saved Trustpilot "
    "page (HTML)"
)
#: Largest file read, unless the caller passes another ``max_bytes``.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
#: Text judged for its encoding, format and separator before the whole file is read.
SAMPLE_BYTES = 64 * 1024
#: Largest uncompressed size of a ZIP (XLSX, Takeout) or Parquet file as a multiple of
#: ``max_bytes``.
UNPACKED_FACTOR = 5
#: Most columns a file may have. A review export has a few dozen; 100,000 columns made
#: reading and column detection run for about an hour (found by tests/fuzz).
MAX_COLUMNS = 2000
#: Most cells (rows x columns) a JSON, Parquet or Excel file may spread out to: sparse
#: records, cells far to the right and run-length encoding are cheap to write but unpack
#: to a full table (a 1M-review export with 15 columns has 15M cells).
MAX_CELLS = 50_000_000

_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class PageFacts:
    """What a saved Trustpilot page displayed besides its reviews (read by
    :mod:`~scoring.ingest.readers.saved_page`).

    ``score`` and ``review_count``: the TrustScore and number of reviews the page
    showed (``None`` when absent or not a TrustScore); ``company``: the company's
    name; ``saved_at``: a save time the file records (``None``: it records none),
    ``saved_at_source`` where it was found, in words; ``listed``: reviews the page
    lists.
    """

    company: str | None
    score: float | None
    review_count: int | None
    saved_at: pd.Timestamp | None
    saved_at_source: str | None
    listed: int


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


# ---------------------------------------------------------------------------
# Text: encoding and decoding
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
    if decodes(data[:SAMPLE_BYTES] if sample_only else data, "utf-8", final=not sample_only):
        return "utf-8", "utf-8", 0
    if decodes(data, "cp1252"):
        return "cp1252", "cp1252", 0
    return "latin-1", "latin-1", 0


def decodes(data: bytes, codec: str, final: bool = True) -> bool:
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


def decode_all(data: bytes, codec: str, bom: int, label: str) -> str:
    """``data`` after its ``bom`` bytes decoded strictly by ``codec``; an undecodable
    byte raises :class:`ReviewDataError` naming it and the encoding (``label``)."""
    try:
        return bytes(data[bom:]).decode(codec)
    except UnicodeDecodeError as exc:
        raise ReviewDataError(
            f"the file cannot be read as {label} (byte {data[bom + exc.start]:#04x} at "
            f"position {bom + exc.start}). Leave encoding unset to detect it, or try "
            "'utf-8', 'cp1252' or 'latin-1'."
        ) from None


def check_not_binary(sample: str) -> None:
    """Refuse decoded text that holds binary data (a NUL, or more than 1% control or
    replacement characters): a file no text reader should try."""
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


class NotUtf8(Exception):
    """UTF-8 judged on a sample proved wrong further into the file."""


# ---------------------------------------------------------------------------
# Tables: limits, headers, cells
# ---------------------------------------------------------------------------


def check_width(columns: int) -> None:
    """Refuse a table wider than :data:`MAX_COLUMNS` before building it."""
    if columns > MAX_COLUMNS:
        raise ReviewDataError(
            f"the file has {columns:,} columns, more than "
            f"the {MAX_COLUMNS:,} TrustLens reads (a review export has a few dozen). Check "
            "that it is a review export, or delete the columns you do not need and save it "
            "again."
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


def empty_frame(columns: list[str]) -> pd.DataFrame:
    """A table with these string columns and no rows."""
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})


def to_text(series: pd.Series) -> pd.Series:
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
