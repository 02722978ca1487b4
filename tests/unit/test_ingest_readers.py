"""File formats, encodings and separators of the importer (scoring.ingest.readers)."""

from __future__ import annotations

import ast
import io
import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from scoring.ingest import ImportResult, load_reviews
from scoring.ingest.readers import detect_encoding, sniff_delimiter
from tests.fuzz import builders
from tests.helpers import assert_accounting, named

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"

ROWS = [
    ("2024-01-05", "5", "Très bien – merci"),
    ("2024-01-03", "2", "Pas terrible"),
    ("2024-01-04", "4", "Gut, danke"),
]


def table_text(delimiter: str = ",", rows=ROWS) -> str:
    lines = [delimiter.join(["date", "rating", "text"])]
    for row in rows:
        lines.append(delimiter.join(f'"{v}"' if delimiter in v else v for v in row))
    return "\r\n".join(lines) + "\r\n"


def check(result: ImportResult, rows_read: int = 3) -> None:
    assert result.report.rows_read == rows_read
    assert_accounting(result)


# ----------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-be", "utf-16"),
        ("cp1252", "cp1252"),
    ],
)
def test_encodings_are_detected(encoding: str, expected: str) -> None:
    data = table_text().encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    result = load_reviews(data)
    check(result)
    assert result.report.encoding == expected
    assert "Très bien – merci" in result.reviews["text"].tolist()


def test_latin1_when_bytes_are_undefined_in_cp1252() -> None:
    data = "date,rating,text\n2024-01-05,5,caf\u00e9\n".encode("latin-1") + b"\x81\n"
    result = load_reviews(data)
    assert result.report.encoding == "latin-1"
    assert result.reviews["text"].iloc[0] == "café"


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_cp1252_byte_far_into_a_large_file(suffix: str) -> None:
    rows = [(f"2024-01-{1 + i % 28:02d}", "5", f"plain ascii text {i}") for i in range(5000)]
    rows.append(("2024-02-01", "4", "caf\u00e9 at the end"))
    if suffix == ".csv":
        data = table_text(rows=rows).encode("cp1252")
    else:
        records = [{"date": d, "rating": r, "text": t} for d, r, t in rows]
        data = json.dumps(records, ensure_ascii=False).encode("cp1252")
    assert len(data) > 70_000  # beyond the 64 kB sample
    result = load_reviews(named(data, "big" + suffix))
    assert result.report.encoding == "cp1252"
    assert "café at the end" in result.reviews["text"].tolist()


def test_utf16_without_bom_is_detected() -> None:
    data = table_text().encode("utf-16-le")
    result = load_reviews(data)
    check(result)
    assert result.report.encoding == "utf-16-le"


def test_encoding_override_is_used() -> None:
    data = table_text().encode("cp1252")
    result = load_reviews(data, encoding="latin-1")
    assert result.report.encoding == "latin-1"
    # "–" is 0x96 in cp1252, a control character in latin-1: the override wins.
    assert "Très bien \x96 merci" in result.reviews["text"].tolist()


def test_cp1252_semicolon_fixture() -> None:
    result = load_reviews(FIXTURES / "semicolon_cp1252.csv")
    check(result)
    assert result.report.encoding == "cp1252"
    assert result.report.delimiter == ";"
    assert result.report.mapping["rating"] == "Sterne"
    assert result.report.dayfirst is True
    assert result.reviews["text"].tolist()[0] == "Sehr gut – gerne wieder, 10 €"
    assert result.reviews["rating"].tolist() == [5, 4, 1]


def test_detect_encoding_prefers_utf8() -> None:
    assert detect_encoding("naïve".encode())[0] == "utf-8"
    assert detect_encoding("naïve".encode("cp1252"))[0] == "cp1252"
    assert detect_encoding(b"\xef\xbb\xbfabc")[:2] == ("utf-8-sig", "utf-8")


# ---------------------------------------------------------------- separators


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_separators_are_sniffed(delimiter: str) -> None:
    result = load_reviews(table_text(delimiter).encode())
    check(result)
    assert result.report.delimiter == delimiter
    assert "Gut, danke" in result.reviews["text"].tolist()


def test_sniff_delimiter_ignores_commas_in_text() -> None:
    sample = "a;b;c\n1;x, y, z;3\n2;p, q;4\n"
    assert sniff_delimiter(sample) == ";"


def test_excel_sep_line_is_honoured() -> None:
    data = ("sep=;\n" + table_text(";")).encode()
    result = load_reviews(data)
    check(result)
    assert result.report.delimiter == ";"


def test_crlf_inside_quoted_fields_and_bom(tmp_path: Path) -> None:
    result = load_reviews(FIXTURES / "trustpilot_business_export.csv")
    check(result, rows_read=5)
    assert result.report.encoding == "utf-8-sig"
    texts = result.reviews["text"].tolist()
    assert 'Line one\r\nline two with "quotes"' in texts
    assert result.report.mapping["created_at"] == "Review Created (UTC)"


def test_ragged_rows_are_rejected_with_their_row_number() -> None:
    data = b"date,rating,text\n2024-01-01,5,ok\n2024-01-02,4,too,many,fields\n2024-01-03,3\n"
    result = load_reviews(data, mapping=None)
    report = result.report
    assert report.rows_read == 3
    assert report.rejected == 1
    rejected = result.rejected
    assert rejected["row"].tolist() == [3]
    assert "fields" in rejected["reason"].iloc[0]
    assert report.kept == 2  # the short row is padded, its text is empty
    assert any("fewer fields" in w for w in report.warnings)


def test_header_names_are_cleaned() -> None:
    data = b" Date ,rating,,rating\n2024-01-01,5,x,4\n"
    result = load_reviews(data)
    assert result.report.columns == ("Date", "rating", "Unnamed: 2", "rating.1")
    assert result.report.mapping["rating"] == "rating"


# ---------------------------------------------------------------------- XLSX


def xlsx_bytes(rows: list[list[object]], extra_sheet: bool = False) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Reviews"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("Notes").append(["ignored"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_typed_cells(tmp_path: Path) -> None:
    rows = [
        ["Review ID", "Review Created (UTC)", "Review Stars", "Review Content"],
        ["a1", datetime(2024, 1, 5, 10, 30), 5, "Great"],
        ["a2", datetime(2024, 1, 3, 9, 0), 2.0, "Poor"],
        [None, None, None, None],
        ["a3", "2024-01-04 08:00:00", "4 stars", "Good"],
    ]
    path = tmp_path / "export.xlsx"
    path.write_bytes(xlsx_bytes(rows, extra_sheet=True))
    result = load_reviews(path)
    check(result)
    assert result.report.file_format == "xlsx"
    assert result.reviews["rating"].tolist() == [2, 4, 5]
    assert result.reviews["created_at"].iloc[0] == pd.Timestamp("2024-01-03 09:00", tz="UTC")
    assert any("Notes" in w for w in result.report.warnings)


def test_text_file_named_xlsx_is_read_with_a_warning() -> None:
    result = load_reviews(named(table_text(), "export.xls"))
    check(result)
    assert "holds text" in result.report.warnings[0]


def test_xlsx_rejected_rows_use_sheet_row_numbers(tmp_path: Path) -> None:
    rows = [["date", "rating"], ["2024-01-01", 5], ["2024-01-02", "abc"]]
    result = load_reviews(xlsx_bytes(rows))
    assert result.rejected["row"].tolist() == [3]
    assert result.rejected["reason"].iloc[0] == "rating 'abc' is not a star rating 1-5"


# ---------------------------------------------------------------------- JSON


def test_json_array_with_nested_objects_is_flattened() -> None:
    result = load_reviews(FIXTURES / "trustpilot_page_data.json")
    report = result.report
    assert report.file_format == "json"
    assert report.rows_read == 4
    assert report.duplicates == 1  # the repeated id
    assert report.mapping["created_at"] == "dates.publishedDate"
    assert report.mapping["source"] == "labels.verification.reviewSourceName"
    assert report.mapping["reply_at"] == "reply.publishedDate"
    assert "dates.experiencedDate" in report.candidates["created_at"]
    assert report.flag_columns == {"filtered": "filtered", "pending": "pending"}
    reviews = result.reviews
    assert reviews["counts"].tolist() == [False, False, True]  # filtered, pending, ok
    assert reviews["invited"].tolist() == [True, True, False]
    # +01:00 offset converted to UTC
    assert reviews["created_at"].iloc[1] == pd.Timestamp("2024-03-02 07:00", tz="UTC")


def test_json_object_holding_an_array() -> None:
    payload = {"reviews": [{"createTime": "2023-01-01T10:00:00Z", "starRating": "FOUR"}]}
    result = load_reviews(json.dumps(payload).encode(), mapping=None)
    assert result.reviews["rating"].tolist() == [4]


def test_json_lines_with_a_broken_line() -> None:
    result = load_reviews(FIXTURES / "yelp_style.jsonl")
    report = result.report
    assert report.file_format == "jsonl"
    assert report.rows_read == 4
    assert report.kept == 3 and report.rejected == 1
    assert result.rejected["row"].tolist() == [3]  # line number; the blank line is skipped
    assert "not valid JSON" in result.rejected["reason"].iloc[0]
    assert result.reviews["rating"].tolist() == [5, 2, 4]


def test_json_lines_detected_without_extension() -> None:
    lines = [json.dumps({"date": f"2024-01-0{i}", "stars": i}) for i in range(1, 4)]
    result = load_reviews("\n".join(lines).encode())
    assert result.report.file_format == "jsonl"
    assert result.report.kept == 3


# ------------------------------------------------------------------- Parquet


def test_parquet_with_typed_and_nested_columns(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": ["a", "b", "c"],
            "createdAt": pa.array(
                [datetime(2024, 1, 2), datetime(2024, 1, 1), datetime(2024, 1, 3)],
                type=pa.timestamp("ms", tz="UTC"),
            ),
            "stars": [5, 3, 1],
            "location": [{"id": "1", "name": "A"}, {"id": "2", "name": "B"}, None],
        }
    )
    path = tmp_path / "reviews.parquet"
    pq.write_table(table, path)
    result = load_reviews(path)
    check(result)
    assert result.report.file_format == "parquet"
    assert result.report.mapping["location"] == "location.name"
    assert result.reviews["review_id"].tolist() == ["b", "a", "c"]


def test_parquet_with_epoch_milliseconds(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"timestamp": [1_700_000_000_000, 1_600_000_000_000], "rating": [5.0, 4.0]}
    )
    path = tmp_path / "amazon.parquet"
    frame.to_parquet(path)
    result = load_reviews(path)
    assert result.reviews["created_at"].iloc[0] == pd.Timestamp(1_600_000_000, unit="s", tz="UTC")
    assert result.reviews["rating"].tolist() == [4, 5]


# ----------------------------------------------------------------------- ZIP


def test_zip_with_one_csv_inside() -> None:
    result = load_reviews(builders.zip_bytes([("export/reviews.csv", table_text())]))
    check(result)
    assert result.report.file_format == "csv"


# -------------------------------------------------------------- file objects


def test_file_like_object_with_name() -> None:
    upload = named(table_text(), "upload.csv")
    upload.read()  # a previous reader left the position at the end
    result = load_reviews(upload)
    assert result.report.file_name == "upload.csv"
    check(result)


def test_text_file_like_object() -> None:
    result = load_reviews(io.StringIO(table_text()))
    check(result)
    assert result.report.file_name == "uploaded file"


def test_unsupported_source_type_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        load_reviews(12345)  # type: ignore[arg-type]


# ------------------------------------------------------------------ layout


READERS = Path(__file__).resolve().parents[2] / "scoring" / "ingest" / "readers"


def imported_readers(path: Path) -> set[str]:
    """The modules of scoring.ingest.readers a module imports (anywhere in it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {n for n in names if n.startswith("scoring.ingest.readers")}
    return {n.removeprefix("scoring.ingest.readers").lstrip(".") or "__init__" for n in found}


def test_reader_imports_go_one_way() -> None:
    """Format modules import base (and json_records for records), never the dispatcher
    or the package: no import cycle, whatever imports first."""
    allowed = {
        "base": set(),
        "archive": {"base"}, "delimited": {"base"}, "excel": {"base"},
        "json_records": {"base"}, "parquet": {"base"},
        "takeout": {"base", "json_records"}, "saved_page": {"base", "json_records"},
    }  # fmt: skip
    modules = {p.stem for p in READERS.glob("*.py")} - {"__init__", "dispatch"}
    assert modules == set(allowed)
    for module, may_import in allowed.items():
        imported = imported_readers(READERS / f"{module}.py")
        imported = {n.split(".")[0] for n in imported}
        assert imported <= may_import, (module, imported - may_import)
