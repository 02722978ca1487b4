"""Parquet files (recognised by their ``PAR1`` magic bytes).

Numeric and timestamp columns keep their type (the date and rating parsers take
them as they are); booleans, strings, binary and list columns become text (see
:func:`~scoring.ingest.readers.base.cell_text`). Struct columns are flattened to
``a.b`` columns. Rows are the record number.

Limits, checked from the file's metadata before any data is read:
:data:`~.base.MAX_COLUMNS` columns (again after flattening), :data:`~.base.MAX_CELLS`
cells, and :data:`~.base.UNPACKED_FACTOR` x ``max_bytes`` uncompressed (run-length
encoding packs millions of rows into a few kB).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from scoring.errors import ReviewDataError
from scoring.ingest.readers.base import (
    MAX_CELLS,
    UNPACKED_FACTOR,
    RawTable,
    check_width,
    clean_headers,
    to_text,
)


def read_parquet(data: bytes, max_bytes: int) -> RawTable:
    """A Parquet file as a table: numbers and timestamps keep their type, everything
    else becomes text; refused, from its metadata, above the limits."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(pa.BufferReader(pa.py_buffer(data)))
        meta = parquet.metadata
        check_width(meta.num_columns)
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
        check_width(table.num_columns)
    frame = table.to_pandas()
    frame.columns = clean_headers(list(frame.columns))
    out: dict[str, pd.Series] = {}
    for name in frame.columns:
        column = frame[name]
        keep = (
            pd.api.types.is_numeric_dtype(column.dtype)
            or pd.api.types.is_datetime64_any_dtype(column.dtype)
        ) and not pd.api.types.is_bool_dtype(column.dtype)
        out[name] = column if keep else to_text(column.astype(object))
    frame = pd.DataFrame(out, index=range(len(frame)))
    return RawTable(
        frame=frame, rows=np.arange(1, len(frame) + 1, dtype=np.int64), file_format="parquet"
    )
