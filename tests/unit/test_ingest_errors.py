"""Every kind of unusable input raises ReviewDataError naming the file and the fix."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from scoring.errors import ReviewDataError
from scoring.ingest import load_reviews
from tests.fuzz import builders
from tests.helpers import named


def raises(data: bytes, name: str, *patterns: str, **options) -> str:
    with pytest.raises(ReviewDataError) as info:
        load_reviews(named(data, name), **options)
    message = str(info.value)
    assert message.startswith(f"{name}: "), message
    for pattern in patterns:
        assert pattern in message, (pattern, message)
    return message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "nothing.csv"
    path.write_bytes(b"")
    with pytest.raises(ReviewDataError, match=r"^nothing.csv: the file is empty"):
        load_reviews(path)
    raises(b"  \r\n\n ", "blank.csv", "empty")


def test_header_without_rows() -> None:
    raises(b"date,rating,text\r\n", "header.csv", "header", "no review rows", "'rating'")


def test_binary_garbage() -> None:
    garbage = bytes(range(256)) * 20
    raises(garbage, "garbage.csv", "binary data")


@pytest.mark.parametrize(
    ("magic", "what"),
    [(b"%PDF-1.7\n", "PDF"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\x1f\x8b\x08\x00", "gzip")],
)
def test_unsupported_types(magic: bytes, what: str) -> None:
    raises(magic + b"\x00" * 100, f"file.{what.lower()}", what, "CSV")


def test_corrupt_xlsx() -> None:
    broken = builders.zip_bytes(
        [("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "this is not xml")]
    )
    raises(broken, "broken.xlsx", "Excel workbook", "damaged")
    raises(b"PK\x03\x04" + b"\x00" * 50, "truncated.xlsx", "damaged")
    raises(b"\x00\x01\x02" * 100, "binary.xlsx", "binary data")


def test_password_protected_xlsx() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    data = ole + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100
    raises(data, "secret.xlsx", "password-protected", "remove the password")


def test_old_xls() -> None:
    raises(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls", ".xls", "xlsx")


def test_decompression_bomb_by_ratio() -> None:
    bomb = builders.zip_bytes(
        [("xl/worksheets/sheet1.xml", b"\x00" * (30 * 1024 * 1024)),
         ("[Content_Types].xml", "<Types/>")]
    )
    raises(bomb, "bomb.xlsx", "decompression bomb")


def test_decompression_bomb_by_total_size() -> None:
    big = builders.zip_bytes([("reviews.csv", "date,rating\n" + "2024-01-01,5\n" * 50_000)])
    raises(big, "big.zip", "unpack", "max_bytes", max_bytes=100_000)


def test_password_protected_zip() -> None:
    # The "encrypted" bit set in the local and central headers.
    raises(builders.encrypted_flag_zip(), "locked.zip", "password-protected")


def test_file_over_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    path.write_bytes(b"date,rating\n" + b"2024-01-01,5\n" * 100)
    with pytest.raises(ReviewDataError, match=r"^large.csv: .*limit.*max_bytes"):
        load_reviews(path, max_bytes=500)
    raises(b"x" * 1000, "upload.csv", "limit", max_bytes=500)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReviewDataError, match="no such file"):
        load_reviews(tmp_path / "missing.csv")


def test_no_date_column() -> None:
    message = raises(
        b"name,stars\nann,5\nbob,4\n", "nodate.csv", "review dates", "'name', 'stars'", "mapping="
    )
    assert "'created_at'" in message


def test_no_rating_column() -> None:
    message = raises(
        b"date,bewertung\n2024-01-01,1 Bewertung\n2024-01-02,16 Bewertungen\n",
        "norating.csv",
        "star ratings",
        "'bewertung'",
        "mapping=",
    )
    assert "'rating'" in message


def test_ambiguous_dates() -> None:
    raises(
        b"date,rating\n01/02/2025,5\n03/04/2025,4\n", "dates.csv", "dayfirst=True", "dayfirst=False"
    )


def test_relative_dates_without_reference_date() -> None:
    raises(b"date,rating\na year ago,5\n", "scrape.csv", "relative", "reference_date=")


def option_error(data: bytes, **options) -> ReviewDataError:
    with pytest.raises(ReviewDataError) as info:
        load_reviews(named(data, "f.csv"), **options)
    return info.value


def todays() -> set[str]:
    """Today's date as YYYY-MM-DD, and yesterday's (the message may have been made just
    before midnight)."""
    today = dt.date.today()
    return {today.isoformat(), (today - dt.timedelta(days=1)).isoformat()}


def test_the_reference_date_example_is_today_and_names_the_option() -> None:
    """The example is today's date, computed when the message is made: a fixed date
    would read as the date to type."""
    error = option_error(b"date,rating\na year ago,5\n")
    assert any(f"reference_date='{day}'" in str(error) for day in todays()), str(error)
    assert error.option == "reference_date"
    bad = option_error(b"date,rating\n2024-01-01,5\n", reference_date="not a date")
    assert "YYYY-MM-DD" in str(bad) and any(day in str(bad) for day in todays())
    assert bad.option == "reference_date"


def test_the_day_order_messages_give_the_format_and_name_the_option() -> None:
    ambiguous = option_error(b"date,rating\n01/02/2025,5\n03/04/2025,4\n")
    mixed = option_error(b"date,rating\n13/02/2025,5\n02/13/2025,4\n")
    for error in (ambiguous, mixed):
        assert "DD/MM/YYYY" in str(error) and "MM/DD/YYYY" in str(error)
        assert error.option == "dayfirst"


def test_the_rating_scale_message_names_the_option() -> None:
    data = b"date,score\n" + b"".join(f"2024-01-0{i},{i + 4}\n".encode() for i in range(1, 7))
    assert option_error(data).option == "rating_scale"
    assert option_error(b"").option is None


def test_every_row_rejected() -> None:
    raises(
        b"date,rating\n2024-01-01,abc\n2024-01-02,\n",
        "allbad.csv",
        "none of its 2 rows is usable",
        "mapping=",
        mapping={"rating": "rating"},
    )


def test_ten_point_scale_without_confirmation() -> None:
    data = b"date,score\n" + b"".join(f"2024-01-0{i},{i + 4}\n".encode() for i in range(1, 7))
    raises(data, "scores.csv", "rating_scale=10")


def test_bad_mapping() -> None:
    data = b"date,rating\n2024-01-01,5\n"
    raises(data, "a.csv", "'stars'", "'date', 'rating'", mapping={"rating": "stars"})
    raises(data, "a.csv", "not a review column", mapping={"score": "rating"})
    raises(data, "a.csv", "required", mapping={"rating": None})


def test_bad_options() -> None:
    data = b"date,rating\n2024-01-01,5\n"
    with pytest.raises(ReviewDataError, match="dayfirst"):
        load_reviews(data, dayfirst="yes")  # type: ignore[arg-type]
    with pytest.raises(ReviewDataError, match="rating_scale"):
        load_reviews(data, rating_scale=100)
    with pytest.raises(ReviewDataError, match="max_bytes"):
        load_reviews(data, max_bytes=0)
    raises(data, "a.csv", "reference_date", reference_date="not a date")
    raises(data, "a.csv", "encoding", encoding="no-such-codec")


def test_wrong_encoding_override() -> None:
    raises("date,rating\n2024-01-01,5\n".encode("utf-16"), "u16.csv", "utf-8", encoding="utf-8")


def test_invalid_json() -> None:
    raises(b'[{"date": "2024-01-01", "rating": 5}', "cut.json", "not valid JSON")
    raises(b"[1, 2, 3]", "numbers.json", "not review objects")
    raises(b'"just a string"', "string.json", "single str")


def test_geojson_reviews_the_user_wrote() -> None:
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [4.9, 52.37]},
                "properties": {"Published": "2022-01-01T10:00:00Z", "Star Rating": 5},
            }
        ],
    }
    raises(json.dumps(geojson).encode(), "Reviews.json", "WROTE", "Google Business Profile")


def test_unexpected_parser_failures_are_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    import scoring.ingest.load as load

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(load, "detect_columns", explode)
    raises(b"date,rating\n2024-01-01,5\n", "odd.csv", "could not be read", "boom")
