"""Delimited text: CSV, TSV and the like, in any encoding :mod:`.base` detects.

The separator is sniffed among ``,`` ``;`` tab ``|`` (:func:`sniff_delimiter`), or
taken from an Excel ``sep=`` first line. Quoted fields may hold separators and CR LF.
Every value is read as a string; the first non-empty row is the header (cleaned by
:func:`~scoring.ingest.readers.base.clean_headers`); rows are numbered from 2 (the
header is row 1; blank lines are not counted).

Arrow's multithreaded reader reads well-formed files; a file it refuses (rows with
more or fewer fields than the header) is read again by Python's ``csv`` module, which pads
short rows (with a warning) and keeps rows with extra filled fields as malformed
(rejected with their row number). Limits: :data:`~.base.MAX_COLUMNS` columns, counted
on the header line before the file is parsed.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from scoring.errors import ReviewDataError
from scoring.ingest.readers.base import (
    NotUtf8,
    RawTable,
    check_width,
    clean_headers,
    decode_all,
    empty_frame,
)

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

_SEP_LINE = re.compile(r'^\s*"?sep=(.)"?\s*$')


def read_csv(
    data: bytes, codec: str, bom: int, label: str, sample: str, *, verified: bool = True
) -> RawTable:
    """Delimited text (``data``, decoded by ``codec`` after ``bom`` bytes; ``label`` is
    the encoding's name for messages, ``sample`` the decoded start) as a string table.

    ``verified=False``: UTF-8 was judged on the sample only; invalid UTF-8 further on
    raises :class:`~scoring.ingest.readers.base.NotUtf8`.
    """
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
        check_width(_first_line_fields(data, start, delimiter))
    else:
        text = decode_all(data, codec, bom, label)[skip_chars:]
        quoted = '"' in text
        encoded = text.encode("utf-8")
        del text
        check_width(_first_line_fields(encoded, 0, delimiter))
        body = memoryview(encoded)
    try:
        frame = _arrow_csv(body, delimiter, quoted)
        malformed = None
        rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    except (pa.ArrowException, ValueError) as exc:
        if "utf8" in str(exc).casefold().replace("-", "") and not verified:
            raise NotUtf8 from None
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
    check_width(header_table.num_columns)
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
                check_width(len(record))
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
    frame = pd.DataFrame(good, columns=header, dtype="str") if good else empty_frame(header)
    malformed = None
    if bad:
        width = len(header)
        records = [[*r[: width - 1], delimiter.join(r[width - 1 :])] for r, _, _ in bad]
        malformed = pd.DataFrame(records, columns=header, dtype="str")
        malformed["row"] = np.array([n for _, n, _ in bad], dtype=np.int64)
        malformed["reason"] = pd.Series([reason for _, _, reason in bad], dtype="str")
    return frame, np.asarray(good_rows, dtype=np.int64), malformed, short
