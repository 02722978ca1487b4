"""Every crafted file of the corpus, and the regressions the fuzzing found.

The corpus is written by ``make_corpus.py`` (``.venv/bin/python -m tests.fuzz.make_corpus``)
and committed; each file either imports with sound accounting or is refused with a
ReviewDataError naming the file.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from scoring.errors import ReviewDataError
from scoring.ingest import load_reviews
from scoring.ingest.readers import MAX_COLUMNS
from tests.fuzz import builders
from tests.fuzz.harness import check
from tests.fuzz.make_corpus import CORPUS, corpus
from ui.export import FORMULA_PREFIXES, safe_csv

FILES = sorted(path.name for path in CORPUS.iterdir())

#: Files that must import (kept rows) rather than be refused.
MUST_IMPORT = {
    "good.csv", "good.json", "good.jsonl", "good.xlsx", "good.parquet",
    "good_semicolon_cp1252.csv", "good_utf16.csv", "formulas.csv", "hostile_text.csv",
    "hostile_text.json", "mixed_utf8_cp1252_latin1.csv", "nul_in_json.json",
    "nul_after_sample.csv", "xlsx_dimension_bomb.xlsx", "xlsx_formulas.xlsx",
    "zip_one_csv.zip", "zip_in_zip.zip", "csv_named.xlsx", "json_named.csv",
    "xlsx_named.csv", "parquet_named.csv", "ragged_rows.csv", "jsonl_mixed.jsonl",
    "nested_record_depth_500.json", "parquet_typed.parquet", "good_saved_page.html",
    "hostile_saved_page.html", "html_named.csv", "html_odd_business_unit.html",
    "html_unclosed_script.html", "replies_hostile.csv", "replies_api.json",
    "replies_takeout.zip", "replies_saved_page.html",
}  # fmt: skip


def test_the_corpus_is_complete_and_small() -> None:
    expected = corpus()
    assert sorted(expected) == FILES, "run: .venv/bin/python -m tests.fuzz.make_corpus"
    assert sum((CORPUS / name).stat().st_size for name in FILES) < 2_000_000


@pytest.mark.parametrize("name", FILES)
def test_corpus_file(name: str) -> None:
    started = time.perf_counter()
    result = check("corpus", (CORPUS / name).read_bytes(), name)
    assert time.perf_counter() - started < 10
    if name in MUST_IMPORT:
        assert result is not None, f"{name} should import"
    if result is not None and not result.rejected.empty:
        # Rejected rows are offered as a download: no cell may start a formula.
        exported = safe_csv(result.rejected, index=False).decode("utf-8-sig")
        for line in exported.splitlines()[1:]:
            for cell in line.split(","):
                assert not cell.startswith(FORMULA_PREFIXES[:4]), line


def test_hostile_text_is_kept_verbatim() -> None:
    result = load_reviews(CORPUS / "hostile_text.csv")
    texts = set(result.reviews["text"])
    for text in builders.HOSTILE_STRINGS:
        assert text in texts


def test_formulas_are_kept_as_text_and_neutralised_on_export() -> None:
    result = load_reviews(CORPUS / "formulas.csv")
    assert "=1+1" in set(result.reviews["text"])
    exported = safe_csv(result.reviews, index=False).decode("utf-8-sig")
    assert "'=1+1" in exported and ",=1+1" not in exported


# ---------------------------------------------------------------------------
# Regressions found by the fuzzing (each failed before the fix named)
# ---------------------------------------------------------------------------


def test_xlsx_declared_dimension_does_not_pad_every_row() -> None:
    """readers/excel.py _sheet_table: a 1.5 kB workbook declaring A1:XFD1048576
    took about 30 minutes (every missing row padded to 16,384 cells)."""
    started = time.perf_counter()
    result = load_reviews(CORPUS / "xlsx_dimension_bomb.xlsx")
    assert time.perf_counter() - started < 10
    assert result.report.kept == 1
    assert result.rejected["row"].tolist() == [1_048_576]


def test_xlsx_row_numbers_when_the_sheet_starts_lower() -> None:
    """_sheet_table numbered rows from the declared first row though openpyxl yields
    from row 1: a rejected row on sheet row 5 was reported as row 7."""
    result = load_reviews(CORPUS / "xlsx_starts_row_3.xlsx")
    assert result.rejected["row"].tolist() == [5]


def test_xlsx_cell_far_to_the_right_is_refused() -> None:
    with pytest.raises(ReviewDataError, match="16,384 columns"):
        load_reviews(CORPUS / "xlsx_far_cell.xlsx")


def test_wide_files_are_refused_before_they_are_read() -> None:
    """readers/base.py check_width: 100,000 columns took about an hour (reading, column
    detection and the rejected-rows table all scale with the width)."""
    width = MAX_COLUMNS + 1
    header = ",".join(["date", "rating", *(f"c{i}" for i in range(width))])
    data = (header + "\n" + ",".join(["2024-01-01", "5", *("v" * width)]) + "\n").encode()
    started = time.perf_counter()
    with pytest.raises(ReviewDataError, match="columns, more than"):
        load_reviews(io.BytesIO(data))
    record = {"date": "2024-01-01", "rating": 5, "x": {f"k{i}": i for i in range(width)}}
    with pytest.raises(ReviewDataError, match="columns, more than"):
        load_reviews(builders.records_json([record]))
    assert time.perf_counter() - started < 5


def test_column_detection_by_value_is_bounded() -> None:
    """columns.py detect_columns: every unnamed column was parsed as dates and ratings
    (~20 ms each); 2,000 columns took 78 s. Now the first 200 are examined."""
    header = ",".join(["when", "stars", *(f"c{i}" for i in range(600))])
    rows = "".join(
        ",".join([f"2024-01-{day:02d}", str(1 + day % 5), *("v" * 600)]) + "\n"
        for day in range(1, 4)
    )
    started = time.perf_counter()
    result = load_reviews((header + "\n" + rows).encode())
    assert time.perf_counter() - started < 30
    assert result.report.kept == 3
    assert any("only the first 200" in w for w in result.report.warnings)


def test_superscript_digit_in_a_column_does_not_refuse_the_file() -> None:
    """dates.py _month_name_date: '²' is a digit to str.isdigit but not to \\d; the
    AttributeError made the whole workbook 'unreadable'."""
    data = builders.xlsx(
        [["date", "rating", "text"], ["2024-01-05", 1, None], ["2024-01-05", None, None],
         ["2024-01-05", "²", None]]
    )
    result = load_reviews(data)
    assert result.report.kept >= 1


def test_parquet_timestamp_out_of_pandas_range_rejects_the_row_only() -> None:
    """readers/base.py cell_text: a timestamp in the year 148108 made pandas raise
    NotImplementedError formatting it and the whole file was refused."""
    table = pa.table({
        "date": pa.array([2**62, -(2**62), 1_704_067_200_000_000], pa.timestamp("us", "UTC")),
        "rating": [5, 4, 3],
    })
    result = load_reviews(builders.parquet_bytes(table))
    assert result.report.kept == 1
    assert result.rejected["reason"].str.contains("not a plausible").all()


def test_deep_json_gets_a_clear_message() -> None:
    with pytest.raises(ReviewDataError, match="nested too deeply"):
        load_reviews(CORPUS / "nested_array_depth_10000.json")
    lines = b'{"date": "2024-01-01", "rating": 5}\n' + builders.nested_json(5000) + b"\n"
    result = load_reviews(io.BytesIO(lines))
    assert result.report.kept == 1 and result.report.rejected == 1


def test_parquet_cells_are_bounded_by_metadata() -> None:
    table = pa.table({"rating": pa.array(np.full(51_000_000, 5, dtype=np.int8))})
    with pytest.raises(ReviewDataError, match="51,000,000 rows"):
        load_reviews(builders.parquet_bytes(table, compression="zstd"))


@pytest.mark.parametrize("name", ["zip_lying_size.zip", "zip_encrypted_flag.zip"])
def test_archives_that_lie_are_refused(name: str) -> None:
    with pytest.raises(ReviewDataError):
        load_reviews(Path(CORPUS / name))
