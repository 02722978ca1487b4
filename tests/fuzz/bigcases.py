"""The big hostile files, built at run time (never committed) and imported one after the
other in this process, which the test starts under an address-space limit:

    .venv/bin/python -m tests.fuzz.bigcases <folder> <case>

Prints one JSON line: the case, its outcome (``imported`` with the accounting, or
``refused`` with the ReviewDataError message), seconds, and the peak resident memory
of the process (building the file included). ``CASES`` lists the cases.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from scoring.errors import ReviewDataError
from scoring.ingest import load_reviews
from tests.fuzz import builders

Case = Callable[[Path], Path]
CASES: dict[str, Case] = {}


def case(function: Case) -> Case:
    CASES[function.__name__] = function
    return function


@case
def csv_10mb_single_field(folder: Path) -> Path:
    path = folder / "field.csv"
    with path.open("wb") as out:
        out.write(b'date,rating,text\n2024-01-01,5,"')
        out.write(b"x" * 10_000_000)
        out.write(b'"\n2024-01-02,4,short\n')
    return path


@case
def csv_100000_columns(folder: Path) -> Path:
    path = folder / "wide.csv"
    names = ["date", "rating", *(f"c{i}" for i in range(100_000))]
    row = ["2024-01-01", "5", *(["v"] * 100_000)]
    path.write_text(",".join(names) + "\n" + ",".join(row) + "\n")
    return path


@case
def csv_100000_columns_after_long_first_field(folder: Path) -> Path:
    """The header's first field is longer than the sample the separator is sniffed from."""
    path = folder / "wide-late.csv"
    names = ["d" * 70_000, "rating", *(f"c{i}" for i in range(100_000))]
    row = ["2024-01-01", "5", *(["v"] * 100_000)]
    path.write_text(",".join(names) + "\n" + ",".join(row) + "\n")
    return path


@case
def json_100000_keys(folder: Path) -> Path:
    path = folder / "wide.json"
    record = {"date": "2024-01-01", "rating": 5, **{f"k{i}": i for i in range(100_000)}}
    path.write_text(json.dumps([record, record]))
    return path


@case
def json_100000_nested_keys(folder: Path) -> Path:
    path = folder / "nested-wide.json"
    record = {"date": "2024-01-01", "rating": 5, "x": {f"k{i}": i for i in range(100_000)}}
    path.write_text(json.dumps([record]))
    return path


@case
def json_sparse_records_60m_cells(folder: Path) -> Path:
    """60,000 records, each with one of 1,000 field names: a 60,000 x 1,002 table."""
    path = folder / "sparse.json"
    records = [{"date": "2024-01-01", "rating": 5, f"k{i % 1000}": 1} for i in range(60_000)]
    path.write_text(json.dumps(records))
    return path


@case
def json_depth_100000(folder: Path) -> Path:
    path = folder / "deep.json"
    path.write_bytes(builders.nested_json(100_000, "array"))
    return path


@case
def xlsx_16384_columns(folder: Path) -> Path:
    path = folder / "wide.xlsx"
    header = ["date", "rating", *(f"c{i}" for i in range(16_382))]
    path.write_bytes(builders.xlsx([header, ["2024-01-01", 5]]))
    return path


@case
def xlsx_sparse_far_cells(folder: Path) -> Path:
    """30,000 rows, each with a cell in column 2,000: 60 million cells once padded."""
    path = folder / "sparse.xlsx"
    far = builders.column_letter(2000)
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>2024-01-01</t></is></c>'
        f'<c r="B{r}"><v>5</v></c><c r="{far}{r}"><v>1</v></c></row>'
        for r in range(2, 30_002)
    )
    header = builders.xlsx_rows([["date", "rating"]])
    path.write_bytes(builders.xlsx_from_sheet_xml(header + rows))
    return path


@case
def xlsx_dimension_bomb(folder: Path) -> Path:
    """1.5 kB declaring A1:XFD1048576, with a cell in the last row."""
    path = folder / "dimension.xlsx"
    path.write_bytes(
        builders.xlsx_from_sheet_xml(
            builders.xlsx_rows([["date", "rating"], ["2024-01-01", 5]])
            + builders.xlsx_rows([["x"]], first_row=1_048_576),
            dimension="A1:XFD1048576",
        )
    )
    return path


@case
def xlsx_bomb_256mb_sheet(folder: Path) -> Path:
    """A sheet of 256 MB of identical rows, deflated to about 1 MB."""
    path = folder / "bomb.xlsx"
    row = b'<row><c t="inlineStr"><is><t>2024-01-01</t></is></c><c><v>5</v></c></row>'
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    builders.zip_bomb(
        path, "xl/worksheets/sheet1.xml", 256 << 20, chunk=head + row * 14_000,
        others=builders.xlsx_parts(),
    )
    return path


@case
def zip_bomb_1gb_zeros(folder: Path) -> Path:
    path = folder / "bomb.zip"
    builders.zip_bomb(path, "reviews.csv", 1 << 30)
    return path


@case
def zip_lying_sizes_256mb(folder: Path) -> Path:
    """Headers claim 100 bytes; the member inflates to 256 MB of valid CSV rows."""
    path = folder / "lying.zip"
    path.write_bytes(builders.lying_zip("reviews.csv", 256 << 20, 100))
    return path


@case
def parquet_60m_rows_run_length(folder: Path) -> Path:
    """60 million identical rows: a few hundred kB of run-length-encoded Parquet."""
    path = folder / "rle.parquet"
    table = pa.table({"rating": pa.array(np.full(60_000_000, 5, dtype=np.int8))})
    path.write_bytes(builders.parquet_bytes(table, compression="zstd"))
    return path


def _status(field: str) -> int:
    """A /proc/self/status memory field in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return -1


def run(name: str, folder: Path) -> dict:
    path = CASES[name](folder)
    size = path.stat().st_size
    started = time.perf_counter()
    outcome: dict = {"case": name, "file_bytes": size}
    try:
        result = load_reviews(path)
    except ReviewDataError as error:
        outcome |= {"outcome": "refused", "message": str(error)[:300]}
    except MemoryError:
        outcome |= {"outcome": "MemoryError"}
    else:
        report = result.report
        outcome |= {
            "outcome": "imported",
            "rows_read": report.rows_read,
            "kept": report.kept,
            "duplicates": report.duplicates,
            "rejected": report.rejected,
        }
    outcome["seconds"] = round(time.perf_counter() - started, 2)
    outcome["peak_rss_mb"] = _status("VmHWM")
    path.unlink()
    return outcome


def main(argv: list[str]) -> None:
    folder, name = Path(argv[0]), argv[1]
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    outcome = run(name, folder)
    outcome["address_space_limit_mb"] = -1 if limit < 0 else limit >> 20
    print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
