"""Write the fuzz corpus: small crafted review files, hostile or broken.

    .venv/bin/python -m tests.fuzz.make_corpus          # (re)writes tests/fuzz/corpus/

Deterministic (seeded, fixed ZIP timestamps). Small files only (the whole corpus
stays far below 2 MB); the big cases (a 10 MB field, 100,000 columns, decompression
bombs) are built at test time by ``tests/fuzz/bigcases.py``.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from pathlib import Path

import pyarrow as pa

from tests.fuzz import builders

CORPUS = Path(__file__).resolve().parent / "corpus"

GOOD_ROWS = [
    ["2024-01-05", "5", "Great", "Fast delivery", "Shop A", "Amsterdam"],
    ["2024-02-10", "4", "Fine", "Okay, I guess", "Shop A", "Berlin"],
    ["2024-03-15", "1", "Awful", "Never again", "Shop A", "Amsterdam"],
    ["2024-03-20", "3", "Meh", 'He said "fine"', "Shop A", "Berlin"],
    ["2024-04-01", "2", "Slow", "Line one\nline two", "Shop A", "Amsterdam"],
]
HEADER = ["date", "rating", "title", "text", "company", "location"]


def _csv(rows: list[list[object]], header: list[str] = HEADER, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def corpus() -> dict[str, bytes]:
    """File name -> content of every corpus file."""
    rng = random.Random(20240101)
    files: dict[str, bytes] = {}
    good_csv = _csv(GOOD_ROWS).encode()
    good_json = builders.records_json([dict(zip(HEADER, r, strict=True)) for r in GOOD_ROWS])
    good_xlsx = builders.xlsx([HEADER, *[[r[0], int(r[1]), *r[2:]] for r in GOOD_ROWS]])
    good_parquet = builders.parquet_bytes(
        pa.table({h: [r[i] for r in GOOD_ROWS] for i, h in enumerate(HEADER)})
    )
    files |= {
        "good.csv": good_csv,
        "good.json": good_json,
        "good.jsonl": "\n".join(
            json.dumps(dict(zip(HEADER, r, strict=True))) for r in GOOD_ROWS
        ).encode(),
        "good.xlsx": good_xlsx,
        "good.parquet": good_parquet,
        "good_semicolon_cp1252.csv": _csv(
            [[*r[:3], "Très bien, à bientôt", *r[4:]] for r in GOOD_ROWS], delimiter=";"
        ).encode("cp1252"),
        "good_utf16.csv": _csv(GOOD_ROWS).encode("utf-16"),
    }

    # Truncated: at half, and a few bytes short of the end.
    for name, data in list(files.items()):
        if name.startswith("good."):
            stem, ext = name.split(".")
            files[f"truncated_half_{stem}.{ext}"] = data[: len(data) // 2]
            files[f"truncated_tail_{stem}.{ext}"] = data[:-7]
            files[f"truncated_head_{stem}.{ext}"] = data[:12]

    # Random bytes, with and without a plausible name.
    for ext in ("bin", "csv", "xlsx", "json", "parquet", "zip"):
        files[f"random.{ext}"] = rng.randbytes(2048)
    files["random_printable.csv"] = "".join(
        rng.choice("abc,;\t|\"'\n\r0123456789-/: ") for _ in range(4096)
    ).encode()

    # Wrong extensions.
    files |= {
        "csv_named.xlsx": good_csv,
        "csv_named.parquet": good_csv,
        "json_named.csv": good_json,
        "xlsx_named.csv": good_xlsx,
        "xlsx_named.json": good_xlsx,
        "parquet_named.csv": good_parquet,
        "png_named.csv": b"\x89PNG\r\n\x1a\n" + rng.randbytes(200),
        "pdf_named.csv": b"%PDF-1.7\n" + rng.randbytes(200),
        "gzip_named.csv": b"\x1f\x8b\x08\x00" + rng.randbytes(200),
        "xls97_named.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        "encrypted_office.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + "EncryptedPackage".encode("utf-16-le")
        + bytes(256),
        "sqlite_named.json": b"SQLite format 3\x00" + bytes(200),
    }

    # Empty and nearly empty.
    files |= {
        "empty.csv": b"",
        "whitespace.csv": b" \n\t\r\n   \n",
        "bom_only.csv": b"\xef\xbb\xbf",
        "header_only.csv": b"date,rating,text\n",
        "one_column.csv": b"rating\n5\n4\n",
        "no_rating.csv": b"date,text\n2024-01-01,hi\n",
        "empty_json_array.json": b"[]",
        "empty_json_object.json": b"{}",
        "json_null.json": b"null",
        "json_string.json": b'"hello"',
        "json_numbers.json": b"[1, 2, 3]",
        "json_nested_empty.json": b"[[], {}, null]",
    }

    # Mixed encodings in one file: UTF-8, cp1252, latin-1 and a UTF-16 fragment.
    mixed = (
        "date,rating,text\n2024-01-01,5,Grüße aus Köln\n".encode()
        + "2024-01-02,4,Très cher – “quoted”\n".encode("cp1252")
        + "2024-01-03,3,Ðå¿\n".encode("latin-1")
        + b"2024-01-04,2,"
        + "utf sixteen".encode("utf-16-le")
        + b"\n2024-01-05,1,\xff\xfe\xc3\x28 broken utf-8\n"
    )
    files["mixed_encodings.csv"] = mixed
    files["mixed_utf8_cp1252_latin1.csv"] = (
        "date,rating,text\n2024-01-01,5,Grüße aus Köln\n".encode()
        + "2024-01-02,4,Très cher – “quoted”\n".encode("cp1252")
        + "2024-01-03,3,Ðå¿ façade\n".encode("latin-1")
    )
    files["mixed_bom_utf8_then_cp1252.csv"] = (
        b"\xef\xbb\xbfdate,rating,text\n2024-01-01,5,ok\n" + "2024-01-02,4,café\n".encode("cp1252")
    )
    files["utf16_odd_length.csv"] = "date,rating\n2024-01-01,5\n".encode("utf-16") + b"\x00"

    # Formulas and NUL bytes in cells.
    formulas = ["=1+1", '=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0",
                "-2+3", "@SUM(A1:A2)", "\t=tab", "\r=cr"]
    files["formulas.csv"] = _csv(
        [[f"2024-01-{i + 1:02d}", str(1 + i % 5), f, f, f, f] for i, f in enumerate(formulas)]
        + [["=NOW()", "=5", "x", "y", "z", "w"]]
    ).encode()
    files["nul_in_cells.csv"] = b"date,rating,text\n2024-01-01,5,a\x00b\n2024-01-02,4,\x00\n"
    files["nul_after_sample.csv"] = (
        b"date,rating,text\n"
        + b"2024-01-01,5,filler text to push the NUL past the sample\n" * 1400
        + b"2024-01-02,4,nul\x00here\n"
    )
    files["nul_in_json.json"] = builders.records_json(
        [{"date": "2024-01-01", "rating": 5, "text": "a\u0000b", "title": "\u0000"}]
    )
    files["control_chars.csv"] = _csv(
        [["2024-01-01", "5", "bell\x07 esc\x1b[31m red", "del\x7f", "C1\x85\x9b", "x"]]
    ).encode()

    # Deeply nested JSON.
    files["nested_array_depth_10000.json"] = builders.nested_json(10_000, "array")
    files["nested_object_depth_10000.json"] = builders.nested_json(10_000, "object")
    files["nested_record_depth_500.json"] = (
        b'[{"date":"2024-01-01","rating":5,"x":'
        + builders.nested_json(500, "object")
        + b"}]"
    )
    files["nested_lists_in_record.json"] = (
        b'[{"date":"2024-01-01","rating":5,"x":' + builders.nested_json(900, "array") + b"}]"
    )

    # Odd JSON values.
    files["json_odd_values.json"] = (
        b'[{"date": 1e999, "rating": NaN}, {"date": -1e308, "rating": Infinity},'
        b' {"date": "2024-01-01", "rating": true}, {"date": 99999999999999999999,'
        b' "rating": 5}, {"date": "2024-01-01", "rating": 5, "rating": 1},'
        b' {"date": ["2024-01-01"], "rating": {"v": 5}}, {"date": "2024-01-02", "rating": 4}]'
    )
    files["jsonl_mixed.jsonl"] = (
        b'{"date": "2024-01-01", "rating": 5}\n[1,2]\nnot json\n"str"\n'
        b'{"date": "2024-01-02", "rating": 4}\n{"date": "2024-01-03"'
    )

    # Extreme dates and ratings.
    files["extreme_values.csv"] = _csv(
        [
            ["0001-01-01", "5", "", "", "", ""],
            ["9999-12-31", "4", "", "", "", ""],
            ["-99999999999", "3", "", "", "", ""],
            ["99999999999999999999", "2", "", "", "", ""],
            ["2024-02-30", "1", "", "", "", ""],
            ["2024-01-01", "1e308", "", "", "", ""],
            ["2024-01-01", "-5", "", "", "", ""],
            ["2024-01-01", "NaN", "", "", "", ""],
            ["2024-01-01", "4.5", "", "", "", ""],
            ["2024-01-02", "5", "", "", "", ""],
        ]
    ).encode()

    # Broken CSV structure.
    files |= {
        "unbalanced_quote.csv": b'date,rating,text\n2024-01-01,5,"never closed\n2024-01-02,4,x\n',
        "ragged_rows.csv": b"date,rating,text\n2024-01-01,5\n2024-01-02,4,x,extra,more\n"
        b"2024-01-03\n2024-01-04,3,ok\n",
        "cr_only_newlines.csv": b"date,rating,text\r2024-01-01,5,x\r2024-01-02,4,y\r",
        "sep_line_weird.csv": b'sep=\x01\ndate\x01rating\n2024-01-01\x015\n',
        "sep_line_quote.csv": b'"sep="""\ndate,rating\n2024-01-01,5\n',
        "duplicate_headers.csv": b"date,date,rating,rating\n2024-01-01,2024-02-01,5,1\n",
        "blank_headers.csv": b",,\n2024-01-01,5,x\n",
        "header_bom_twice.csv": b"\xef\xbb\xbf\xef\xbb\xbfdate,rating\n2024-01-01,5\n",
    }

    # Archives.
    files |= {
        "zip_empty.zip": builders.zip_bytes([]),
        "zip_no_data.zip": builders.zip_bytes([("readme.md", "hello")]),
        "zip_two_csv.zip": builders.zip_bytes([("a.csv", good_csv), ("b.csv", good_csv)]),
        "zip_one_csv.zip": builders.zip_bytes([("reviews.csv", good_csv)]),
        "zip_in_zip.zip": builders.zip_bytes(
            [("inner.csv", builders.zip_bytes([("reviews.csv", good_csv)]))]
        ),
        "zip_path_traversal.zip": builders.zip_bytes([("../../../etc/reviews.csv", good_csv)]),
        "zip_encrypted_flag.zip": builders.encrypted_flag_zip(),
        "zip_lying_size.zip": builders.lying_zip("reviews.csv", 4_000_000, 100),
        "zip_truncated.zip": builders.zip_bytes([("reviews.csv", good_csv)])[:-30],
        "takeout_empty_reviews.zip": builders.zip_bytes(
            [("Takeout/Google Business Profile/account-1/location-1/reviews.json",
              '{"reviews": []}')]
        ),
        "takeout_garbage.zip": builders.zip_bytes(
            [("Takeout/Google Business Profile/account-1/location-1/reviews-1.json",
              "{not json")]
        ),
        "xlsx_no_sheets.xlsx": builders.zip_bytes(
            [("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")]
        ),
        "xlsx_bad_xml.xlsx": builders.zip_bytes(
            [
                ("[Content_Types].xml", "<Types"),
                ("xl/workbook.xml", "<<<"),
                ("xl/worksheets/sheet1.xml", "<x"),
            ]
        ),
        # 1.5 kB that declares A1:XFD1048576 and has a cell in the last row: took ~30
        # minutes before the importer read rows as stored (tests/fuzz, regression).
        "xlsx_dimension_bomb.xlsx": builders.xlsx_from_sheet_xml(
            builders.xlsx_rows([["date", "rating"], ["2024-01-01", 5]])
            + builders.xlsx_rows([["x"]], first_row=1_048_576),
            dimension="A1:XFD1048576",
        ),
        "xlsx_far_cell.xlsx": builders.xlsx_from_sheet_xml(
            builders.xlsx_rows([["date", "rating"], ["2024-01-01", 5]])
            + '<row r="3"><c r="XFD3" t="inlineStr"><is><t>far</t></is></c></row>'
        ),
        "xlsx_starts_row_3.xlsx": builders.xlsx_from_sheet_xml(
            builders.xlsx_rows(
                [["date", "rating"], ["2024-01-01", 5], ["2024-01-02", "bad"]], first_row=3
            ),
            dimension="A3:B5",
        ),
        "xlsx_formulas.xlsx": builders.xlsx(
            [["date", "rating", "text"], ["2024-01-01", 5, "=1+1"], ["2024-01-02", 4, "@SUM(1)"]]
        ),
    }

    # Parquet oddities.
    files |= {
        "parquet_nested.parquet": builders.parquet_bytes(
            pa.table({"date": ["2024-01-01"], "rating": [5],
                      "meta": [{"a": {"b": 1}, "c": [1, 2]}]})
        ),
        "parquet_typed.parquet": builders.parquet_bytes(
            pa.table({
                "date": pa.array([1_704_067_200_000_000, None], pa.timestamp("us", "UTC")),
                "rating": pa.array([5.0, float("nan")]),
                "flag": [True, None],
                "blob": pa.array([b"\x00\xff", b""], pa.binary()),
            })
        ),
        "parquet_no_rows.parquet": builders.parquet_bytes(
            pa.table({"date": pa.array([], pa.string()), "rating": pa.array([], pa.int64())})
        ),
    }

    # Hostile text that must be imported and shown literally (see tests/e2e).
    rows = builders.hostile_text_rows()
    files["hostile_text.csv"] = _csv(
        [list(r.values()) for r in rows], header=list(rows[0])
    ).encode("utf-8")
    files["hostile_text.json"] = builders.records_json(rows)
    files["hostile_headers.csv"] = (
        b'<script>x</script>,=1+1,"**date**",rating\n'
        b"a,b,2024-01-01,5\n"
    )
    files |= _saved_pages(rows)
    files |= _replies()
    return files


#: Reply dates a file may hold instead of a date: none of them may fail a row.
ODD_REPLY_DATES = (
    "", "2023-12-31", "not a date", "=TODAY()", "0001-01-01", "1700000000",
    "2024-01-01T00:00:00+14:00", "9999-12-31 23:59:59", "31/12/2024", "a year ago", "NaT",
    "\u202e2024-02-01", "2024-02-30",
)
#: Mostly yes/no (so that the column is recognised), with a few odd values.
ODD_FLAGS = ("true", "no", "", "1", "FALSE", "yes", "maybe", "true", "0", "no", "false",
             "TRUE", "n", "=TRUE()", "ja")


def _reply_date(i: int) -> str:
    """Two in three rows a reply date (so that the column is recognised), else an odd
    value (so that every odd one reaches the reply-date parser)."""
    if i % 3:
        return f"2024-05-{1 + i % 28:02d}T08:00:00Z" if i % 2 else f"2023-12-{1 + i % 28:02d}"
    return ODD_REPLY_DATES[(i // 3) % len(ODD_REPLY_DATES)]


def _replies() -> dict[str, bytes]:
    """Company replies with hostile texts, odd reply dates and flags, and odd shapes, in
    a business export, API JSON, a Takeout and a saved page: all must import."""
    hostile = builders.HOSTILE_STRINGS
    header = ["Review ID", "Review Created (UTC)", "Review Stars", "Review Content",
              "Company Reply Date (UTC)", "Company Response", "replied"]
    rows = [
        [f"6500000000000000000000{i:02d}", f"2024-01-{1 + i % 28:02d} 12:00:00", 1 + i % 5,
         "Invented review", _reply_date(i), text,
         ODD_FLAGS[i % len(ODD_FLAGS)]]
        for i, text in enumerate(hostile)
    ]
    odd_replies: list[object] = [
        None, "a bare string", [1, 2], 5, {}, {"createdAt": None},
        {"text": {"nested": [1, {"deep": True}]}, "createdAt": "2024-01-01"},
        {"text": None, "createdAt": "=NOW()"},
    ]
    api = [
        {
            "id": f"65b0000000000000000000{i:02d}", "stars": 1 + i % 5, "text": "Invented",
            "createdAt": f"2024-02-{1 + i % 28:02d}T10:00:00Z",
            "updatedAt": _reply_date(i + 3),
            "companyReply": (
                {"text": text, "createdAt": _reply_date(i),
                 "updatedAt": "2024-03-01T00:00:00Z"}
                if i % 3 else odd_replies[i % len(odd_replies)]
            ),
        }
        for i, text in enumerate(hostile)
    ]
    takeout = {"reviews": [
        {
            "name": f"accounts/1/locations/2/reviews/t{i}",
            "reviewer": {"displayName": text}, "starRating": "FIVE",
            "createTime": f"2024-03-{1 + i % 28:02d}T10:00:00.123456Z",
            "updateTime": _reply_date(i + 5),
            "reviewReply": (
                {"comment": text, "updateTime": _reply_date(i)}
                if i % 2 else odd_replies[i % len(odd_replies)]
            ),
        }
        for i, text in enumerate(hostile)
    ]}
    page = builders.page_data(
        [builders.page_review(
            f"2024-04-{1 + i % 28:02d}T10:00:00.000Z", 1 + i % 5,
            id=f"6600000000000000000000{i:02d}", text="Invented", updated=_reply_date(i + 7),
            reply=(builders.page_reply(text, _reply_date(i), "x")
                   if i % 2 else odd_replies[i % len(odd_replies)]),
        ) for i, text in enumerate(hostile)],
        {"displayName": "Shop R", "trustScore": 3.9, "numberOfReviews": 999},
    )
    return {
        "replies_hostile.csv": _csv(rows, header=header).encode("utf-8"),
        "replies_api.json": builders.records_json(api),
        "replies_takeout.zip": builders.zip_bytes([
            ("Takeout/Google Business Profile/account-1/location-2/reviews.json",
             json.dumps(takeout)),
        ]),
        "replies_saved_page.html": builders.saved_page(builders.next_data_json(page)),
    }


def _saved_pages(hostile_rows: list[dict[str, object]]) -> dict[str, bytes]:
    """Saved Trustpilot pages (HTML holding the page data): good, hostile, broken."""
    unit = {"displayName": "Shop A", "trustScore": 4.3, "numberOfReviews": 1234}
    good = builders.page_data(
        [builders.page_review(f"{r[0]}T10:00:00.000Z", int(r[1]), title=r[2], text=r[3],
                              id=f"6000000000000000000000{i:02d}",
                              consumer={"id": f"c{i}", "displayName": f"User {i}"})
         for i, r in enumerate(GOOD_ROWS)],
        unit,
    )
    good_page = builders.saved_page(builders.next_data_json(good))
    hostile = builders.page_data(
        [builders.page_review(f"{r['date']}T10:00:00Z", r["rating"], title=r["title"],
                              text=r["text"], consumer={"id": r["text"]})
         for r in hostile_rows],
        {"displayName": builders.HOSTILE_STRINGS[0], "trustScore": "NaN",
         "numberOfReviews": {"total": True}},
    )
    login = {"props": {"pageProps": {"providers": ["google"]}}, "page": "/login"}
    return {
        "good_saved_page.html": good_page,
        "truncated_half_saved_page.html": good_page[: len(good_page) // 2],
        "hostile_saved_page.html": builders.saved_page(
            builders.next_data_json(hostile),
            head="<!-- saved date: Thu Feb 30 2025 99:00:00 GMT+9999 -->"
            '<meta name="date" content="=HYPERLINK(1)">',
        ),
        "html_no_page_data.html": b"<!doctype html><html><body><p>Reviews</p></body></html>",
        "html_login_page.html": builders.saved_page(json.dumps(login)),
        "html_page_data_not_json.html": builders.saved_page("{not json"),
        "html_page_data_deep.html": builders.saved_page(
            builders.nested_json(10_000).decode()
        ),
        "html_unclosed_script.html": builders.saved_page(json.dumps(good))[:-len(
            "</script></body></html>")],
        "html_many_markers.html": b"<html>" + b"__NEXT_DATA__ " * 5_000 + b"</html>",
        "html_reviews_not_objects.html": builders.saved_page(
            json.dumps(builders.page_data([1, "x", None, [], {"rating": {"a": 1}}], unit))
        ),
        "html_odd_business_unit.html": builders.saved_page(json.dumps(builders.page_data(
            good["props"]["pageProps"]["reviews"],
            {"trustScore": 1e999, "numberOfReviews": -5, "score": [4]},
        ), allow_nan=True)),
        "html_named.csv": good_page,
        "mhtml_page.mhtml": b"From: <Saved by Blink>\r\nMIME-Version: 1.0\r\n\r\n<html>",
    }


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    files = corpus()
    keep = set(files)
    for old in CORPUS.iterdir():
        if old.is_file() and old.name not in keep:
            old.unlink()
    for name, data in sorted(files.items()):
        (CORPUS / name).write_bytes(data)
    total = sum(len(d) for d in files.values())
    print(f"wrote {len(files)} files, {total / 1e3:,.0f} kB, to {CORPUS}", file=sys.stderr)


if __name__ == "__main__":
    main()
