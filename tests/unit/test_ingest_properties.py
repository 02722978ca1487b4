"""Property tests: whatever the input, load_reviews either returns a result whose
accounting adds up or raises ReviewDataError, and nothing else; and a well-formed
export, in any format, is accepted whole (without that, a reader that refused every
file would pass)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.errors import ReviewDataError
from scoring.ingest import load_reviews
from tests.fuzz.exports import Export, assert_imported, well_formed_exports
from tests.helpers import assert_accounting, named

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADERS = [
    "date",
    "rating",
    "Review Stars",
    "published",
    "id",
    "text",
    "source",
    "filtered",
    "Review Time",
    "sterne",
    "",
    "stars",
    "created_at",
    "x",
]
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "5",
            "1 star",
            " 5 stars ",
            "4/5",
            "★★★☆☆",
            "FIVE",
            "abc",
            "",
            "0",
            "11",
            "2024-01-01",
            "2024-02-30",
            "01/02/2025",
            "31/01/2025",
            "a year ago",
            "1700000000",
            "True",
            "False",
            "Organic",
            "BasicLink",
            '"',
            "\r\n",
            ";",
        ]
    ),
)


def check(data: bytes, **options) -> None:
    try:
        result = load_reviews(data, **options)
    except ReviewDataError:
        return
    assert_accounting(result)


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes(data: bytes) -> None:
    check(data)


@SETTINGS
@given(
    st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6),
    st.lists(st.lists(CELLS, min_size=0, max_size=7), max_size=12),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_random_text_tables(header, rows, delimiter, encoding, newline, relative_ok) -> None:
    def quote(cell: str) -> str:
        if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    lines = [delimiter.join(quote(c) for c in header)]
    lines += [delimiter.join(quote(c) for c in row) for row in rows]
    text = newline.join(lines) + newline
    data = text.encode(encoding, errors="replace")
    options = {"reference_date": "2023-02-07"} if relative_ok else {}
    check(data, **options)


@SETTINGS
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    check(text.encode("utf-8", errors="surrogatepass"))


@SETTINGS
@given(well_formed_exports())
def test_well_formed_exports_are_accepted_whole(export: Export) -> None:
    """CSV (any separator, quoting, line ending, encoding), JSON, JSON Lines, Parquet,
    XLSX, a ZIP and a saved page: every review kept with its date, stars and text."""
    assert_imported(load_reviews(named(export.data, export.name), **export.options), export)
