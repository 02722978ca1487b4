"""A Trustpilot review page saved from the browser (HTML with the page's
``__NEXT_DATA__``): its reviews through the normal pipeline, the TrustScore it showed
as a published reading, several pages together, and pages that hold no reviews."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from scoring.errors import ReviewDataError
from scoring.ingest import load_many, load_reviews
from scoring.readings import PublishedReading, readings_from_dicts, readings_to_dicts
from scoring.store import Workspace
from tests.fuzz import builders
from tests.helpers import assert_accounting, named

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
PAGE = FIXTURES / "trustpilot_saved_page.html"
PAGE_2 = FIXTURES / "trustpilot_saved_page_2.html"
NEWEST = pd.Timestamp("2025-05-28T16:40:12Z")  # the newest review on PAGE
HOSTILE_TITLE = "<script>window.__pwned=1</script>"


def page_text(path: Path = PAGE) -> str:
    return path.read_text(encoding="utf-8")


def next_data(text: str) -> dict:
    blob = re.search(r'<script id="__NEXT_DATA__"[^>]*>(.*?)</script>', text, re.S).group(1)
    return json.loads(blob)


def with_next_data(text: str, data: dict) -> str:
    """The page with its __NEXT_DATA__ replaced (escaped as Next.js does)."""
    blob = json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e")
    return re.sub(r'(<script id="__NEXT_DATA__"[^>]*>).*?(</script>)',
                  lambda m: m.group(1) + blob + m.group(2), text, count=1, flags=re.S)


def edited(change) -> str:
    """The page with its business unit or page props changed by ``change(page_props)``."""
    data = next_data(page_text())
    change(data["props"]["pageProps"])
    return with_next_data(page_text(), data)


def upload(text: str, name: str = "Fernhollow Bikes Reviews.html"):
    return load_reviews(named(text, name))


# --------------------------------------------------------------------- the reviews


def test_reviews_go_through_the_normal_pipeline() -> None:
    result = load_reviews(PAGE)
    assert_accounting(result)
    report = result.report
    assert (report.file_format, report.rows_read, report.kept) == ("trustpilot-page", 5, 5)
    assert report.mapping["created_at"] == "dates.publishedDate"
    assert report.mapping["review_id"] == "id"
    assert report.mapping["reviewer"] == "consumer.id"
    assert report.flag_columns == {"filtered": "filtered", "pending": "pending"}
    reviews = result.reviews.set_index("title")
    assert not reviews.loc["Looks automated", "counts"]  # filtered
    assert not reviews.loc["Waiting on moderation", "counts"]  # pending
    assert int(reviews["counts"].sum()) == 3
    assert set(reviews["company"]) == {"Fernhollow Bikes"}
    assert reviews.loc["Gears fixed the same day", "reviewer"] == "c00000000000000000000a01"
    assert reviews.loc["Gears fixed the same day", "reply_at"] == pd.Timestamp(
        "2025-05-29T08:00:00Z")
    assert bool(reviews.loc["Gears fixed the same day", "invited"])
    assert report.date_max == NEWEST
    note = report.warnings[0]
    assert "5 reviews from the saved Trustpilot page of Fernhollow Bikes (page 1 of 62)" in note
    assert "the profile has 1,234" in note and "save the other pages too" in note


def test_hostile_text_stays_text() -> None:
    reviews = load_reviews(PAGE).reviews
    hostile = reviews[reviews["title"] == HOSTILE_TITLE]
    assert len(hostile) == 1
    assert '<img src=x onerror="window.__pwned=2">' in hostile["text"].iloc[0]
    assert hostile["reviewer"].iloc[0] == "c00000000000000000000a04"


def test_recognised_by_content_whatever_the_name() -> None:
    for name in ("page.txt", "reviews.csv", "page"):
        assert upload(page_text(), name).report.file_format == "trustpilot-page"
    assert load_reviews(PAGE.read_bytes()).report.kept == 5


def test_a_zip_with_the_page_and_its_files_folder() -> None:
    data = builders.zip_bytes([
        ("Fernhollow Bikes Reviews.html", page_text()),
        ("Fernhollow Bikes Reviews_files/main.js", "console.log(1)"),
        ("Fernhollow Bikes Reviews_files/styles.css", "body{}"),
    ])
    result = load_reviews(named(data, "saved.zip"))
    assert result.report.kept == 5 and len(result.published_readings) == 1


def test_html_escaped_page_data_is_read() -> None:
    """Some tools write the script's JSON with HTML entities (&quot;)."""
    text = page_text()
    start = text.index('type="application/json">') + len('type="application/json">')
    end = text.index("</script>", start)
    escaped = text[:start] + text[start:end].replace('"', "&quot;") + text[end:]
    assert upload(escaped).report.kept == 5


# ---------------------------------------------------------------- the reading


def test_the_displayed_score_is_a_published_reading() -> None:
    (reading,) = load_reviews(PAGE).published_readings
    assert isinstance(reading, PublishedReading)
    assert (reading.score, reading.review_count) == (4.3, 1234)
    assert reading.source == "saved Trustpilot page trustpilot_saved_page.html"


def test_a_file_on_disk_is_dated_by_its_modification_time(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(page_text(), encoding="utf-8")
    saved = pd.Timestamp("2025-06-01T12:30:00Z")
    os.utime(path, (saved.timestamp(), saved.timestamp()))
    result = load_reviews(path)
    assert result.published_readings[0].at == saved
    assert any("dated 2025-06-01 12:30 UTC, the file's modification time" in w
               for w in result.report.warnings)


def test_an_upload_without_a_save_stamp_is_dated_now() -> None:
    before = pd.Timestamp.now(tz="UTC").floor("s")
    result = upload(page_text())
    after = pd.Timestamp.now(tz="UTC")
    assert before <= result.published_readings[0].at <= after
    note = result.report.warnings[-1]
    assert "TrustScore 4.3 with 1,234 reviews" in note
    assert "the time of this import, since the page does not say when it was saved" in note


@pytest.mark.parametrize(
    ("stamp", "expected", "said"),
    [
        ("<!--\n Page saved with SingleFile \n url: https://www.trustpilot.com/review/x \n"
         " saved date: Sun Jun 01 2025 14:30:00 GMT+0200 (Central European Summer Time)\n-->",
         "2025-06-01T12:30:00Z", "SingleFile"),
        ('<meta name="date" content="2025-06-02T08:00:00Z">', "2025-06-02T08:00:00Z",
         "date meta tag"),
        ('<meta http-equiv="Date" content="Tue, 03 Jun 2025 09:00:00 GMT">',
         "2025-06-03T09:00:00Z", "date meta tag"),
    ],
)
def test_a_save_stamp_in_the_page_dates_the_reading(stamp: str, expected: str, said: str) -> None:
    text = page_text().replace("<head>", "<head>" + stamp, 1)
    result = upload(text)
    assert result.published_readings[0].at == pd.Timestamp(expected)
    assert said in result.report.warnings[-1]


def test_a_save_stamp_older_than_the_newest_review_is_not_trusted() -> None:
    stamp = '<meta name="date" content="2025-05-01T00:00:00Z">'
    result = upload(page_text().replace("<head>", "<head>" + stamp, 1))
    assert result.published_readings[0].at > NEWEST
    assert any("2025-05-01 00:00 UTC is before the newest review" in w
               for w in result.report.warnings)


@pytest.mark.parametrize(
    ("unit", "score", "count"),
    [
        ({"displayName": "X", "trustScore": 3.9, "numberOfReviews": {"total": 88}}, 3.9, 88),
        ({"displayName": "X", "score": {"trustScore": 4.1, "stars": 4}, "numberOfReviews": "1,024"},
         4.1, 1024),
        ({"displayName": "X", "trustScore": "4,6", "numberOfReviews": 7.0}, 4.6, 7),
        ({"displayName": "X", "trustScore": 4, "numberOfReviews": None}, 4.0, None),
    ],
)
def test_business_unit_variants(unit: dict, score: float, count: int | None) -> None:
    def change(props: dict) -> None:
        props["businessUnit"] = unit

    (reading,) = upload(edited(change)).published_readings
    assert (reading.score, reading.review_count) == (score, count)


def test_a_business_unit_found_elsewhere_in_the_page_data() -> None:
    def change(props: dict) -> None:
        props["profile"] = {"company": props.pop("businessUnit")}

    result = upload(edited(change))
    assert result.published_readings[0].score == 4.3
    assert set(result.reviews["company"]) == {"Fernhollow Bikes"}


@pytest.mark.parametrize("unit", [None, {"displayName": "X", "trustScore": 0}])
def test_no_trustscore_no_reading(unit: dict | None) -> None:
    def change(props: dict) -> None:
        props["businessUnit"] = unit

    result = upload(edited(change))
    assert result.published_readings == ()
    assert result.report.kept == 5
    assert any("shows no TrustScore" in w for w in result.report.warnings)


def test_without_a_business_unit_no_reviewer_is_taken_for_the_company() -> None:
    """A review's consumer has numberOfReviews and displayName too: it is not the company."""
    result = upload(edited(lambda props: props.pop("businessUnit")))
    assert "company" not in result.reviews.columns
    assert result.published_readings == ()


# ------------------------------------------------------------------ several pages


def test_two_pages_combine_reviews_once_and_keep_the_reading() -> None:
    result = load_many([PAGE, PAGE_2])
    assert_accounting(result)
    assert (result.report.rows_read, result.report.kept, result.duplicates) == (8, 7, 1)
    assert result.reviews["review_id"].is_unique
    assert any("1 review in more than one file" in w for w in result.report.warnings)
    # Both files say the same thing, saved together: one reading.
    assert len(result.published_readings) == 1
    # 'Great' 5 stars twice, by two reviewers: two reviews.
    assert (result.reviews["title"] == "Great").sum() == 2


def test_pages_saved_at_different_times_keep_every_reading(tmp_path: Path) -> None:
    first, later = tmp_path / "monday.html", tmp_path / "friday.html"
    first.write_text(page_text(), encoding="utf-8")
    later.write_text(page_text(PAGE_2).replace('"trustScore":4.3', '"trustScore":4.4')
                     .replace('"numberOfReviews":1234', '"numberOfReviews":1240'),
                     encoding="utf-8")
    for path, day in ((first, "2025-06-02T10:00:00Z"), (later, "2025-06-06T10:00:00Z")):
        os.utime(path, (pd.Timestamp(day).timestamp(),) * 2)
    result = load_many([later, first])
    assert [(r.score, r.review_count, r.at.day) for r in result.published_readings] == [
        (4.3, 1234, 2), (4.4, 1240, 6)]
    assert [r.source for r in result.published_readings] == [
        "saved Trustpilot page monday.html", "saved Trustpilot page friday.html"]


@pytest.mark.parametrize(("seconds_apart", "readings"), [(0, 1), (59, 1), (60, 2), (3600, 2)])
def test_the_same_reading_twice_within_a_minute_counts_once(
    tmp_path: Path, seconds_apart: int, readings: int
) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    first.write_text(page_text(), encoding="utf-8")
    second.write_text(page_text(PAGE_2), encoding="utf-8")
    saved = pd.Timestamp("2025-06-02T10:00:30Z")
    os.utime(first, (saved.timestamp(),) * 2)
    os.utime(second, ((saved + pd.Timedelta(seconds=seconds_apart)).timestamp(),) * 2)
    assert len(load_many([second, first]).published_readings) == readings


# ------------------------------------------------------------ pages without reviews


def refused(text: str, *patterns: str, name: str = "saved.html") -> str:
    with pytest.raises(ReviewDataError) as info:
        upload(text, name)
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    for pattern in patterns:
        assert pattern in message, (pattern, message)
    return message


def test_a_web_page_without_page_data_says_how_to_save_it() -> None:
    text = re.sub(r'<script id="__NEXT_DATA__".*?</script>', "", page_text(), flags=re.S)
    refused(text, "web page (HTML)", "but not a saved Trustpilot review page",
            "__NEXT_DATA__", "Fernhollow Bikes Reviews", "'Webpage, HTML only'",
            "trustpilot.com/review/")


def test_a_table_saved_as_html_is_told_to_save_as_csv() -> None:
    table = ("<html><head><meta charset=utf-8></head><body><table><tr><th>date</th>"
             "<th>rating</th></tr><tr><td>2024-01-01</td><td>5</td></tr></table></body></html>")
    refused(table, "not a saved Trustpilot review page", "save it as CSV", name="export.xls")


def test_a_login_page_is_not_a_review_page() -> None:
    login = ('<!DOCTYPE html><html><head><title>Log in | Trustpilot</title></head><body>'
             '<script id="__NEXT_DATA__" type="application/json">'
             '{"props":{"pageProps":{"providers":["google"]}},"page":"/login"}'
             "</script></body></html>")
    refused(login, "page data but no reviews", "'/login'", "'Log in | Trustpilot'",
            "Save page as")


def test_a_cut_off_page_says_so() -> None:
    text = page_text()
    refused(text[: text.index('"reviews"') + 40], "damaged or cut off", "Save page as")


def test_a_page_listing_no_reviews() -> None:
    def change(props: dict) -> None:
        props["reviews"] = []

    refused(edited(change), "shows TrustScore 4.3 but lists no reviews")


def test_a_page_saved_as_mhtml() -> None:
    mhtml = ("From: <Saved by Blink>\r\nSnapshot-Content-Location: https://www.trustpilot.com/"
             "review/x\r\nSubject: Reviews\r\nDate: Mon, 2 Jun 2025 10:00:00 -0000\r\n"
             "MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\r\n")
    refused(mhtml, "MHTML", "'Webpage, HTML only'", name="page.mhtml")


def test_review_records_that_are_not_objects_are_rejected_with_a_reason() -> None:
    def change(props: dict) -> None:
        props["reviews"] = [*props["reviews"], "not a review", 7]

    result = upload(edited(change))
    assert_accounting(result)
    assert (result.report.rows_read, result.report.rejected) == (7, 2)
    assert set(result.rejected["reason"]) == {"record is a JSON string, not an object",
                                              "record is a JSON number, not an object"}


# --------------------------------------------------- readings as plain data, stored


def test_readings_round_trip_as_dicts_and_through_the_workspace(tmp_path: Path) -> None:
    typed = PublishedReading(pd.Timestamp("2025-01-01T00:00:00Z"), 4.0, None, "typed")
    readings = (*load_many([PAGE, PAGE_2]).published_readings, typed)
    plain = readings_to_dicts(readings)
    assert json.loads(json.dumps(plain)) == plain
    assert readings_from_dicts(plain) == readings
    result = load_reviews(PAGE)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        info = ws.save_dataset("Fernhollow", result.reviews,
                               {**result.report.to_dict(), "published_readings": plain})
        _, report = ws.load_dataset(info.id)
    assert readings_from_dicts(report["published_readings"]) == readings


def test_readings_from_dicts_refuses_what_is_not_a_reading() -> None:
    assert readings_from_dicts(None) == ()
    with pytest.raises(ReviewDataError, match="reading 2 is not a reading"):
        readings_from_dicts([{"at": "2025-01-01", "score": 4.0}, {"score": 4.0}])
    with pytest.raises(ReviewDataError, match="must be a list"):
        readings_from_dicts("4.3")
    with pytest.raises(ReviewDataError, match=r"1\.0 to 5\.0"):
        readings_from_dicts([{"at": "2025-01-01", "score": 7}])


@pytest.mark.parametrize(
    "stamp",
    ['<meta name="date" content="">', "<meta name='date' content=''>",
     '<meta name="date" content="not a date">', "<!-- saved date: -->",
     '<meta name="date" content="2025-06-01 10:00">'],  # no time zone: not trusted
)
def test_empty_or_unreadable_save_stamps_are_ignored(stamp: str) -> None:
    """Found by tests/fuzz: an empty content attribute broke the reader."""
    result = upload(page_text().replace("<head>", "<head>" + stamp, 1))
    assert "the time of this import" in result.report.warnings[-1]
