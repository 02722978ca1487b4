"""Generated hostile and broken files: the importer raises ReviewDataError or returns a
result whose accounting holds, and nothing else, whatever the bytes; and generated
well-formed exports (``exports.py``) are accepted whole.

About 10,000 cases by default, spread over the strategies below by fixed shares (a
fixed, derandomised set, so CI time and results are stable). Not collected on its own:
``test_fuzz_campaign.py`` runs these tests in two worker processes (both cores) under a
3 GB address-space limit and adds up the cases tried. To run one strategy directly:
``.venv/bin/python -m pytest tests/fuzz/strategies.py -k csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import math
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import builders
from tests.fuzz.exports import Export, assert_imported, well_formed_exports
from tests.fuzz.harness import check, check_many, on_demand, total_examples

CORPUS = Path(__file__).resolve().parent / "corpus"

#: Share of the total per strategy. Cheap cases (refused in microseconds) carry more
#: weight; cases that reach the whole pipeline (~50 ms each) less.
SHARES = {
    "random_bytes": 0.41,
    "magic_junk": 0.22,
    "mutated_corpus": 0.10,
    "csv_tables": 0.11,
    "json_documents": 0.04,
    "xlsx_tables": 0.03,
    "parquet_tables": 0.03,
    "several_files": 0.01,
    "saved_pages": 0.02,
    "well_formed": 0.03,
}


def fuzz_settings(strategy: str) -> settings:
    return settings(
        # 1% spare: hypothesis may skip a duplicate, and the total must be reached.
        max_examples=max(1, math.ceil(total_examples() * SHARES[strategy] * 1.01)),
        deadline=None,
        derandomize=not on_demand(),
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


pytestmark = pytest.mark.timeout(900)

NAMES = st.sampled_from(
    ["reviews.csv", "reviews.tsv", "reviews.txt", "reviews.json", "reviews.jsonl",
     "reviews.ndjson", "reviews.xlsx", "reviews.parquet", "reviews.zip", "reviews",
     "reviews.html",
     "reviews.CSV", "réviews ü.csv"]
)
SEEDS = {
    path.name: path.read_bytes()
    for path in sorted(CORPUS.iterdir())
    if path.name.startswith(("good", "hostile", "formulas", "zip_one", "xlsx_formulas",
                             "parquet_", "jsonl_mixed", "ragged", "mixed_utf8"))
}
HEADERS = ["date", "Review Created (UTC)", "rating", "Review Stars", "stars", "id", "title",
           "text", "company", "location", "source", "filtered", "language", "", "x",
           "<b>h</b>", "=SUM(A1)", "date", "Company Reply Date (UTC)", "Company Response",
           "replied", "reply.message", "updatedAt"]
def mostly(usual: st.SearchStrategy, odd: st.SearchStrategy, share: float = 0.8
           ) -> st.SearchStrategy:
    """``usual`` in about ``share`` of the cases, else ``odd`` (``st.one_of`` weighs each
    distinct branch equally, so repeating a branch does not weigh it more)."""
    return st.integers(0, 99).flatmap(lambda k: usual if k < share * 100 else odd)


GOOD_DATES = st.one_of(
    st.sampled_from(["2024-01-05", "2024-01-05T10:00:00Z", "2023-12-31 23:59:59",
                     "2024-03-01T00:00:00+01:00", "5 Jan 2024"]),
    st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2026, 1, 1)).map(
        lambda d: d.isoformat(sep=" ")
    ),
)
GOOD_RATINGS = st.sampled_from(["1", "2", "3", "4", "5", "5.0", "★★★★☆", "4 stars"])
DATES = st.one_of(
    st.sampled_from(["2024-01-05", "2024-02-30", "05/01/2024", "13/01/2024", "01/13/2024",
                     "2024-01-05T10:00:00Z", "2024-01-05 10:00:00+14:00", "a year ago",
                     "1700000000", "1700000000000", "0001-01-01", "9999-12-31", "", "NaT",
                     "yesterday", "=TODAY()"]),
    st.datetimes(min_value=dt.datetime(1980, 1, 1), max_value=dt.datetime(2030, 1, 1)).map(
        lambda d: d.isoformat()
    ),
)
RATINGS = st.sampled_from(["1", "2", "3", "4", "5", "5.0", "4,5", "★★★★☆", "5 stars", "10",
                           "0", "-1", "1e308", "NaN", "", "FIVE", "=5", "true", "\x00"])
CELLS = st.one_of(
    st.sampled_from(builders.HOSTILE_STRINGS),
    st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=30),
    st.text(max_size=12),
    st.sampled_from(["\x00", "a\x00b", "\r\n", '"', '""', "\ufeff", "\u202e", "\u200b",
                     ";", "\t", "|", "sep=,", "=1+1", "@x", "+1", "-1"]),
    st.integers(min_value=1, max_value=400).map(lambda n: "w" * n),
)


@fuzz_settings("random_bytes")
@given(data=st.binary(max_size=4096), name=NAMES)
def test_random_bytes(data: bytes, name: str) -> None:
    check("random_bytes", data, name)


MAGIC = [b"PK\x03\x04", b"PK\x05\x06", b"PAR1", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
         b"[", b"{", b'[{"date":', b"sep=;\n", b"date,rating\n", b"date,rating\n2024-01-01,",
         b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<?xml", b"\x1f\x8b", b"<!DOCTYPE html>",
         b'<html><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":',
         b"From: <Saved by Blink>\r\n"]


@fuzz_settings("magic_junk")
@given(prefix=st.sampled_from(MAGIC), tail=st.binary(max_size=2048), name=NAMES)
def test_magic_prefix_then_junk(prefix: bytes, tail: bytes, name: str) -> None:
    check("magic_junk", prefix + tail, name)


MUTATION = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 64)),
    st.tuples(st.just("duplicate"), st.floats(0, 1), st.integers(1, 256)),
)


def mutate(data: bytes, mutations: list[tuple]) -> bytes:
    out = bytearray(data)
    for kind, where, *args in mutations:
        at = min(int(where * len(out)), max(len(out) - 1, 0))
        if kind == "truncate":
            del out[at:]
        elif kind == "flip" and out:
            out[at] = args[0]
        elif kind == "insert":
            out[at:at] = args[0]
        elif kind == "delete":
            del out[at : at + args[0]]
        elif kind == "duplicate":
            out[at:at] = out[at : at + args[0]]
    return bytes(out)


@fuzz_settings("mutated_corpus")
@given(seed=st.sampled_from(sorted(SEEDS)), mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_mutated_corpus_files(seed: str, mutations: list[tuple]) -> None:
    check("mutated_corpus", mutate(SEEDS[seed], mutations), seed)


@st.composite
def csv_tables(draw: st.DrawFn) -> tuple[bytes, dict]:
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=5))
    plausible = draw(st.integers(0, 3)) > 0  # mostly: a date and a rating column
    if plausible:
        header = ["date", "rating", *header[2:]]
    width = len(header)
    rows = draw(
        st.lists(
            st.lists(st.one_of(DATES, RATINGS, CELLS), min_size=max(0, width - 2),
                     max_size=width + 1),
            min_size=1 if plausible else 0,
            max_size=12,
        )
    )
    if plausible:
        dates = mostly(GOOD_DATES, DATES)
        ratings = mostly(GOOD_RATINGS, RATINGS)
        rows = [[draw(dates), draw(ratings), *row[2:]] for row in rows]
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(header)
    lines = [out.getvalue()]
    for row in rows:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=quoting).writerow(
            row
        )
        lines.append(out.getvalue())
    # One encoding for the file, or a different one per line (mixed encodings).
    encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
    if draw(st.integers(0, 3)) > 0:
        encoding = draw(encodings)
        data = "".join(lines).encode(encoding, errors="replace")
    else:
        data = b"".join(
            line.encode(draw(st.sampled_from(["utf-8", "cp1252", "latin-1"])), errors="replace")
            for line in lines
        )
    options = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "reference_date": st.just("2024-06-30"),
                "dayfirst": st.booleans(),
                "encoding": st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16"]),
                "honour_flags": st.booleans(),
                "rating_scale": st.sampled_from([5, 10]),
                "company": st.sampled_from(builders.HOSTILE_STRINGS),
            },
        )
    )
    return data, options


@fuzz_settings("csv_tables")
@given(table=csv_tables(), name=st.sampled_from(["reviews.csv", "reviews.txt", "reviews.xlsx"]))
def test_csv_tables_with_hostile_cells(table: tuple[bytes, dict], name: str) -> None:
    data, options = table
    check("csv_tables", data, name, **options)


JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(builders.HOSTILE_STRINGS), DATES, RATINGS,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(HEADERS) | st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=8,
)
#: A company reply as the API (``companyReply``), page data (``reply``) or a Takeout
#: (``reviewReply``) writes it, or anything else in its place.
REPLIES = mostly(
    st.fixed_dictionaries(
        {},
        optional={
            "text": JSON_SCALARS, "message": JSON_SCALARS, "comment": JSON_SCALARS,
            "createdAt": mostly(GOOD_DATES, DATES | JSON_SCALARS),
            "publishedDate": mostly(GOOD_DATES, DATES | JSON_SCALARS),
            "updateTime": mostly(GOOD_DATES, DATES | JSON_SCALARS),
            "updatedDate": DATES | JSON_SCALARS,
        },
    ),
    st.none() | JSON_VALUES,
)
REVIEW_RECORD = st.fixed_dictionaries(
    {
        "date": mostly(GOOD_DATES, DATES),
        "rating": mostly(GOOD_RATINGS | st.integers(1, 5),
                         RATINGS | st.integers(-2, 12) | st.floats()),
    },
    optional={
        **{
            key: mostly(JSON_SCALARS, JSON_VALUES, share=0.9)
            for key in ("title", "text", "company", "id", "x", "replied", "updatedAt")
        },
        **{key: REPLIES for key in ("companyReply", "reply", "reviewReply")},
    },
)
RECORDS = st.lists(
    mostly(
        REVIEW_RECORD,
        st.dictionaries(st.sampled_from(HEADERS), JSON_VALUES, max_size=5) | JSON_SCALARS,
    ),
    min_size=1,
    max_size=10,
)


@fuzz_settings("json_documents")
@given(
    document=mostly(
        RECORDS,
        JSON_VALUES | st.dictionaries(st.sampled_from(["reviews", "data", "features", "type"]),
                                      RECORDS, max_size=2),
        share=0.7,
    ),
    form=st.sampled_from(["json", "jsonl", "json-in-zip"]),
)
def test_json_documents(document: object, form: str) -> None:
    if form == "jsonl" and isinstance(document, list):
        data = "\n".join(json.dumps(item) for item in document).encode()
        name = "reviews.jsonl"
    else:
        data = json.dumps(document).encode()
        name = "reviews.json"
    if form == "json-in-zip":
        data = builders.zip_bytes([(name, data)])
        name = "export.zip"
    check("json_documents", data, name)


PAGE_REVIEW = st.builds(
    lambda date, rating, extra: builders.page_review(date, rating, **extra),
    mostly(GOOD_DATES, DATES),
    mostly(st.integers(1, 5), RATINGS | JSON_SCALARS),
    st.fixed_dictionaries(
        {},
        optional={
            **{key: mostly(JSON_SCALARS, JSON_VALUES, share=0.9)
               for key in ("id", "title", "text", "consumer", "filtered", "pending")},
            "reply": mostly(
                st.builds(builders.page_reply, JSON_SCALARS, mostly(GOOD_DATES, DATES),
                          st.none() | DATES),
                REPLIES,
            ),
            "updated": st.none() | DATES | JSON_SCALARS,
        },
    ),
)
BUSINESS_UNITS = st.one_of(
    st.none(),
    JSON_VALUES,
    st.fixed_dictionaries(
        {},
        optional={"displayName": JSON_SCALARS, "trustScore": JSON_SCALARS,
                  "numberOfReviews": JSON_VALUES, "score": JSON_VALUES},
    ),
)
SAVE_STAMPS = st.sampled_from([
    "", '<meta name="date" content="2030-01-01T00:00:00Z">',
    "<!-- saved date: Mon Jun 02 2025 10:00:00 GMT+0200 (CEST) -->",
    "<!-- saved date: " + "9" * 150 + " -->", '<meta name="date" content="">',
    "<meta name=date content=" + "<" * 600,
])


@fuzz_settings("saved_pages")
@given(
    reviews=mostly(st.lists(mostly(PAGE_REVIEW, JSON_VALUES), max_size=8), JSON_VALUES),
    unit=BUSINESS_UNITS,
    form=st.sampled_from(["escaped", "raw", "entities", "cut"]),
    head=SAVE_STAMPS,
)
def test_saved_pages(reviews: object, unit: object, form: str, head: str) -> None:
    """Saved Trustpilot pages: odd page data, save stamps, escaping, cut-off files."""
    data = builders.page_data(reviews, unit)
    script = builders.next_data_json(data) if form == "escaped" else json.dumps(data)
    if form == "entities":
        script = html.escape(script)
    page = builders.saved_page(script, head)
    if form == "cut":
        page = page[: len(page) * 2 // 3]
    check("saved_pages", page, "reviews.html")


XLSX_CELLS = st.one_of(
    st.none(), st.integers(-10, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    DATES, RATINGS, CELLS,
)


XLSX_REVIEW = st.tuples(
    mostly(GOOD_DATES, DATES),
    mostly(st.integers(1, 5), RATINGS | XLSX_CELLS),
    st.lists(XLSX_CELLS, max_size=4),
).map(lambda row: [row[0], row[1], *row[2]])


@fuzz_settings("xlsx_tables")
@given(
    rows=st.lists(mostly(XLSX_REVIEW, st.lists(XLSX_CELLS, max_size=6)),
                  min_size=1, max_size=10),
    header=st.integers(0, 3),
    dimension=mostly(st.none(), st.sampled_from(["A1:B2", "A1:XFD1048576", "Z9", "garbage"])),
)
def test_xlsx_tables(rows: list[list], header: int, dimension: str | None) -> None:
    if header == 3:  # with reply columns (a reply date, a reply text, a yes/no)
        rows = [["date", "rating", "text", "Company Reply Date (UTC)", "Company Response",
                 "replied"], *rows]
    elif header:
        rows = [["date", "rating", "text"], *rows]
    check("xlsx_tables", builders.xlsx(rows, dimension), "reviews.xlsx")


PARQUET_COLUMNS = st.sampled_from(["date", "rating", "stars", "text", "id", "x", "created_at",
                                   "Company Reply Date (UTC)", "reply.message", "replied",
                                   "updatedAt"])


@st.composite
def parquet_tables(draw: st.DrawFn) -> bytes:
    n = draw(st.integers(0, 8))
    columns = {}
    if draw(st.integers(0, 2)):
        columns["date"] = pa.array(draw(st.lists(GOOD_DATES, min_size=n, max_size=n)))
        columns["rating"] = pa.array(draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)))
    for name in draw(st.lists(PARQUET_COLUMNS, min_size=1, max_size=5, unique=True)):
        if name in columns:
            continue
        kind = draw(st.sampled_from(["text", "int", "float", "timestamp", "bool", "null",
                                     "binary", "list"]))
        if kind == "text":
            values = draw(st.lists(st.one_of(DATES, RATINGS, CELLS, st.none()), min_size=n,
                                   max_size=n))
            array = pa.array(values, pa.string())
        elif kind == "int":
            array = pa.array(draw(st.lists(st.integers(-(2**63), 2**63 - 1) | st.none(),
                                           min_size=n, max_size=n)), pa.int64())
        elif kind == "float":
            array = pa.array(draw(st.lists(st.floats() | st.none(), min_size=n, max_size=n)),
                             pa.float64())
        elif kind == "timestamp":
            array = pa.array(draw(st.lists(st.integers(-(2**62), 2**62) | st.none(),
                                           min_size=n, max_size=n)), pa.timestamp("us", "UTC"))
        elif kind == "bool":
            array = pa.array(draw(st.lists(st.booleans() | st.none(), min_size=n, max_size=n)))
        elif kind == "binary":
            array = pa.array(draw(st.lists(st.binary(max_size=8), min_size=n, max_size=n)),
                             pa.binary())
        elif kind == "list":
            array = pa.array(draw(st.lists(st.lists(st.integers(0, 9), max_size=3),
                                           min_size=n, max_size=n)), pa.list_(pa.int64()))
        else:
            array = pa.nulls(n)
        columns[name] = array
    return builders.parquet_bytes(pa.table(columns))


@fuzz_settings("parquet_tables")
@given(data=parquet_tables(), cut=st.none() | st.floats(0, 1))
def test_parquet_tables(data: bytes, cut: float | None) -> None:
    if cut is not None:
        data = data[: int(cut * len(data))]
    check("parquet_tables", data, "reviews.parquet")


@fuzz_settings("several_files")
@given(
    files=st.lists(
        st.tuples(st.sampled_from(sorted(SEEDS)), st.booleans()), min_size=2, max_size=3
    )
)
def test_several_files_at_once(files: list[tuple[str, bool]]) -> None:
    chosen = [(f"{i}-{name}", SEEDS[name][: len(SEEDS[name]) // 2] if cut else SEEDS[name])
              for i, (name, cut) in enumerate(files)]
    check_many("several_files", chosen)


@fuzz_settings("well_formed")
@given(export=well_formed_exports())
def test_well_formed_exports(export: Export) -> None:
    """The other half of the contract: a well-formed export in any format is accepted
    whole (a reader that refused every file, or dropped rows, fails here)."""
    result = check("well_formed", export.data, export.name, **export.options)
    assert_imported(result, export)
