"""Excel workbooks (XLSX, XLSM): the first sheet that holds data.

A workbook is a ZIP archive (checked against bombs by :mod:`.archive` before it is
opened here); :func:`is_workbook` recognises one by its parts. The first non-empty
row is the header; every cell is read as text (:func:`~.base.cell_text`: dates as
ISO 8601, whole numbers without ``.0``), formulas as their cached values. Rows are
the row numbers Excel shows; empty rows are skipped, and trailing columns that are
empty in every row are dropped. Other sheets are not read (a warning names them).

Old Excel 97-2003 ``.xls`` files and password-protected workbooks (both Office
binary files, :data:`OLE_MAGIC`) are refused with how to save them (:func:`ole_error`).

Limits: the sheet's declared size is ignored (a 2 kB file may declare A1:XFD1048576);
a row with a filled cell beyond :data:`~.base.MAX_COLUMNS` columns is refused, and so is
a sheet of more than :data:`~.base.MAX_CELLS` cells, counted while reading.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from scoring.errors import ReviewDataError
from scoring.ingest.readers.base import (
    MAX_CELLS,
    MAX_COLUMNS,
    RawTable,
    cell_text,
    check_width,
    clean_headers,
    empty_frame,
)

#: The first bytes of an Office binary file (an ``.xls`` workbook, or an encrypted
#: ``.xlsx``, which Office wraps in one).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_workbook(names: list[str]) -> bool:
    """Whether a ZIP's member names are those of an Excel workbook."""
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def ole_error(data: bytes) -> ReviewDataError:
    """The error for an Office binary file: an encrypted workbook or an old ``.xls``."""
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


def read_xlsx(data: bytes) -> RawTable:
    """The first sheet holding data, as a string table (rows: the sheet's row numbers);
    a warning names the sheets not read."""
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
                else empty_frame(header)
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
                check_width(len(values))
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
    """How many cells up to the last filled one (0: none is)."""
    for i in range(len(cells) - 1, -1, -1):
        cell = cells[i]
        if cell is not None and cell.strip():
            return i + 1
    return 0
