"""The company's replies through the importer: ``replied``, ``reply_at``, ``reply_text``
and ``updated_at`` from every format that has them, and the report's reply summary
(suspicious and unreadable reply dates never fail a row)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from scoring.ingest import ReplyReport, load_many, load_reviews
from scoring.ingest.replies import read_replies
from tests.fuzz import builders
from tests.helpers import assert_accounting, named

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
REPO = Path(__file__).resolve().parents[2]


def flags(values: pd.Series) -> list[bool | None]:
    """A nullable bool column as a list (None for NA)."""
    return [None if pd.isna(v) else bool(v) for v in values]


def texts(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in values]


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


# ------------------------------------------------------------------ Trustpilot


def test_business_export_with_reply_dates_and_texts() -> None:
    """``Business Reply Date (UTC)`` and ``Company Response``: a text without a date is a
    reply of unknown time, an unreadable date leaves the row undecided, a reply before
    its review is kept and reported with its row, a date-only reply on the review's own
    day is not suspicious."""
    result = load_reviews(FIXTURES / "replies_business_export.csv")
    assert_accounting(result)
    report = result.report
    assert report.mapping["reply_at"] == "Business Reply Date (UTC)"
    assert report.mapping["reply_text"] == "Company Response"
    assert report.rejected == 0
    reviews = result.reviews.set_index("review_id")
    assert flags(reviews["replied"]) == [True, False, True, True, None, True]
    assert str(reviews["replied"].dtype) == "boolean"
    assert reviews.loc["b1", "reply_at"] == utc("2025-01-11 08:00")
    assert pd.isna(reviews.loc["b3", "reply_at"])  # text, no date: time unknown
    assert reviews.loc["b4", "reply_at"] == utc("2025-01-14 09:00")  # kept as it is
    assert pd.isna(reviews.loc["b5", "reply_at"])  # 'not yet'
    assert str(result.reviews["reply_at"].dtype) == "datetime64[us, UTC]"
    # Plain text, exactly as written (only a blank cell counts as none).
    assert reviews.loc["b1", "reply_text"] == "Thank you, see you soon."
    assert reviews.loc["b6", "reply_text"] == "  Glad you like it!\r\nSecond line kept.  "
    assert texts(reviews["reply_text"])[1] is None
    assert report.replies == ReplyReport(
        reviews=6, replied=4, with_date=3, without_date=1, not_replied=1, unknown=1,
        before_review=1, before_review_rows=(5,), unreadable_dates=1,
    )
    assert report.replies.sentence() == (
        "Replies: 4 of 6 reviews have a company reply (3 with a date, 1 without); 1 review "
        "does not say whether there is a reply; 1 reply date is before its review (row 5); "
        "1 reply date could not be read and was left empty."
    )
    assert report.replies.problems


def test_trustpilot_business_export_reply_dates() -> None:
    result = load_reviews(FIXTURES / "trustpilot_business_export.csv")
    reviews = result.reviews
    assert flags(reviews["replied"]) == reviews["reply_at"].notna().tolist()
    assert "reply_text" not in reviews.columns
    assert result.report.replies.sentence() == (
        "Replies: 2 of 5 reviews have a company reply (all with a date)."
    )
    assert not result.report.replies.problems


def test_api_json_company_reply_and_updated_at() -> None:
    """``companyReply{text, createdAt, updatedAt}`` (null when there is none) and the
    review's ``updatedAt``."""
    result = load_reviews(FIXTURES / "replies_api.json")
    assert_accounting(result)
    mapping = result.report.mapping
    assert mapping["reply_at"] == "companyReply.createdAt"
    assert mapping["reply_text"] == "companyReply.text"
    assert mapping["updated_at"] == "updatedAt"
    assert mapping["created_at"] == "createdAt"
    reviews = result.reviews
    assert flags(reviews["replied"]) == [True, False, True]
    assert texts(reviews["reply_text"]) == [
        "Thanks for shopping with us!\nThe team", None, "Glad it fits."
    ]
    assert reviews["reply_at"].iloc[0] == utc("2024-03-02 09:15")
    assert reviews["reply_at"].isna().tolist() == [False, True, True]
    assert str(reviews["updated_at"].dtype) == "datetime64[us, UTC]"
    assert reviews["updated_at"].iloc[1] == utc("2024-03-09 17:30")
    assert reviews["updated_at"].isna().tolist() == [True, False, True]
    assert result.report.replies.sentence() == (
        "Replies: 2 of 3 reviews have a company reply (1 with a date, 1 without)."
    )


def page_record(
    number: int, published: str, reply: dict | None, updated: str | None = None
) -> dict:
    return {
        "id": f"5f00000000000000000000{number:02d}",
        "filtered": False,
        "pending": False,
        "text": f"Invented review {number}",
        "rating": 1 + number % 5,
        "title": f"Title {number}",
        "dates": {"publishedDate": published, "experiencedDate": None, "updatedDate": updated},
        "reply": reply,
        "language": "en",
    }


PAGE_RECORDS = [
    page_record(1, "2024-04-01T10:00:00.000Z",
                {"message": "Thanks!", "publishedDate": "2024-04-02T10:00:00.000Z",
                 "updatedDate": "2024-04-03T10:00:00.000Z"}),
    page_record(2, "2024-04-02T10:00:00.000Z", None, updated="2024-04-05T12:00:00.000Z"),
    page_record(3, "2024-04-03T10:00:00.000Z",
                {"message": "Early bird", "publishedDate": "2024-04-01T09:00:00.000Z",
                 "updatedDate": None}),
]


def check_page_data(result, early_row: int) -> None:
    assert_accounting(result)
    reviews = result.reviews
    assert flags(reviews["replied"]) == [True, False, True]
    assert texts(reviews["reply_text"]) == ["Thanks!", None, "Early bird"]
    assert reviews["reply_at"].iloc[0] == utc("2024-04-02 10:00")  # published, not updated
    assert reviews["updated_at"].isna().tolist() == [True, False, True]
    assert reviews["updated_at"].iloc[1] == utc("2024-04-05 12:00")
    replies = result.report.replies
    assert (replies.before_review, replies.before_review_rows) == (1, (early_row,))


def test_page_data_nested() -> None:
    result = load_reviews(named(json.dumps(PAGE_RECORDS), "page.json"))
    check_page_data(result, early_row=3)  # the record number
    assert result.report.mapping["reply_text"] == "reply.message"
    assert result.report.mapping["reply_at"] == "reply.publishedDate"
    assert result.report.mapping["updated_at"] == "dates.updatedDate"


@pytest.mark.parametrize("separator", [".", "_"])
def test_page_data_flattened(separator: str) -> None:
    """Flattened copies: ``reply.message`` / ``reply_message``, ``dates_updatedDate``."""
    frame = pd.json_normalize(PAGE_RECORDS, sep=separator)
    result = load_reviews(named(frame.to_csv(index=False), "page.csv"))
    check_page_data(result, early_row=4)  # the spreadsheet row (header = 1)
    assert result.report.mapping["reply_text"] == f"reply{separator}message"
    assert result.report.mapping["updated_at"] == f"dates{separator}updatedDate"


def test_page_data_with_no_reply_anywhere_says_none() -> None:
    """``reply: null`` in every record: the page says there is no reply."""
    records = [page_record(1, "2024-04-01T10:00:00Z", None),
               page_record(2, "2024-04-02T10:00:00Z", None)]
    result = load_reviews(named(json.dumps(records), "page.json"))
    assert flags(result.reviews["replied"]) == [False, False]
    assert "reply_text" not in result.reviews.columns
    assert not any("reply" in w for w in result.report.warnings)
    assert result.report.replies.sentence() == (
        "Replies: none of the 2 reviews has a company reply."
    )


def test_saved_trustpilot_page_replies() -> None:
    """The saved page reader goes through the same records path."""
    result = load_reviews(FIXTURES / "trustpilot_saved_page.html")
    reviews = result.reviews.set_index("title")
    assert reviews.loc["Gears fixed the same day", "reply_text"] == "Thanks, Ada!"
    assert reviews.loc["Gears fixed the same day", "reply_at"] == utc("2025-05-29 08:00")
    assert flags(result.reviews["replied"]).count(True) == 1
    assert flags(result.reviews["replied"]).count(False) == 4
    assert result.report.replies.replied == 1


# ---------------------------------------------------------------------- Google


def takeout_review(number: int, created: str, updated: str,
                   reply: tuple[str, str] | None = None) -> dict:
    item: dict = {
        "name": f"accounts/1/locations/9/reviews/g{number}",
        "reviewer": {"displayName": f"Person {number}"},
        "starRating": ["ONE", "TWO", "THREE", "FOUR", "FIVE"][number % 5],
        "comment": f"Invented comment {number}",
        "createTime": created,
        "updateTime": updated,
    }
    if reply is not None:
        item["reviewReply"] = {"comment": reply[0], "updateTime": reply[1]}
    return item


def test_google_takeout_review_reply_and_update_time() -> None:
    page = {"reviews": [
        takeout_review(1, "2023-01-02T10:00:00.123456Z", "2023-01-05T10:00:00Z",
                       ("Thanks for coming", "2023-01-03T08:00:00.5Z")),
        takeout_review(2, "2023-01-01T09:00:00Z", "2023-01-01T09:00:00Z"),
        takeout_review(3, "2023-01-04T09:00:00Z", "2023-01-04T09:00:00Z",
                       ("Odd date", "sometime")),
    ]}
    data = builders.zip_bytes(
        [("Takeout/Google Business Profile/account-1/location-9/reviews.json", json.dumps(page))]
    )
    result = load_reviews(named(data, "takeout.zip"))
    assert_accounting(result)
    mapping = result.report.mapping
    assert (mapping["reply_at"], mapping["reply_text"], mapping["updated_at"]) == (
        "reviewReply.updateTime", "reviewReply.comment", "updateTime"
    )
    reviews = result.reviews.set_index("review_id")
    assert flags(reviews["replied"]) == [False, True, True]  # g2, g1, g3 by date
    assert reviews.loc["g1", "reply_at"] == utc("2023-01-03 08:00:00.5")
    assert reviews.loc["g1", "reply_text"] == "Thanks for coming"
    assert reviews.loc["g1", "updated_at"] == utc("2023-01-05 10:00")
    assert pd.isna(reviews.loc["g3", "reply_at"])
    assert result.report.replies.sentence() == (
        "Replies: 2 of 3 reviews have a company reply (1 with a date, 1 without); 1 reply "
        "date could not be read and was left empty."
    )


# ------------------------------------------------------------------- scrapes


def test_scrape_with_owner_response_text_but_no_date() -> None:
    data = (
        "Name,Rating,Date,Review,Owner Response\n"
        "Ann,5,2024-01-01,Lovely coffee,Thanks Ann!\n"
        "Ben,3,2024-01-02,Cold soup,\n"
        "Cy,4,2024-01-03,Fine,   \n"
    )
    result = load_reviews(named(data, "scrape.csv"))
    reviews = result.reviews
    assert result.report.mapping["reply_text"] == "Owner Response"
    assert "reply_at" not in result.report.mapping
    assert flags(reviews["replied"]) == [True, False, False]
    assert "reply_at" not in reviews.columns  # the time is unknown: no date column
    assert result.report.replies.sentence() == (
        "Replies: 1 of 3 reviews has a company reply (the file gives no reply dates)."
    )


@pytest.mark.parametrize("header", ["replied", "has_reply", "Responded"])
def test_yes_no_reply_column(header: str) -> None:
    data = (
        f"date,rating,{header}\n"
        "2024-01-01,5,true\n2024-01-02,4,no\n2024-01-03,3,\n2024-01-04,2,1\n"
    )
    result = load_reviews(named(data, "flags.csv"))
    assert result.report.mapping["replied"] == header
    assert flags(result.reviews["replied"]) == [True, False, None, True]
    assert result.report.replies.sentence() == (
        "Replies: 2 of 4 reviews have a company reply (the file gives no reply dates); "
        "1 review does not say whether there is a reply."
    )


def test_flag_date_and_text_together() -> None:
    """True where any says so; False where the flag says no, or the date and text are
    both empty; NA where nothing tells."""
    data = (
        "date,rating,replied,reply date,reply text\n"
        "2024-01-01,5,false,2024-01-02,\n"  # a date wins over the flag
        "2024-01-02,5,,,Thanks\n"  # text
        "2024-01-03,5,false,,\n"  # flag no
        "2024-01-04,5,,,\n"  # empty date and text: no
        "2024-01-05,5,,garbled,\n"  # unreadable date, nothing else: cannot tell
        "2024-01-06,5,true,garbled,\n"  # the flag settles it
    )
    result = load_reviews(named(data, "mixed.csv"))
    assert flags(result.reviews["replied"]) == [True, True, False, False, None, True]
    summary = result.report.replies
    assert (summary.replied, summary.with_date, summary.without_date) == (3, 1, 2)
    assert (summary.not_replied, summary.unknown, summary.unreadable_dates) == (2, 1, 2)


def test_yes_no_values_are_not_a_reply_text() -> None:
    data = "date,rating,text,reply\n2024-01-01,5,Good,yes\n2024-01-02,4,Fine,no\n"
    result = load_reviews(named(data, "odd.csv"))
    assert "reply_text" not in result.report.mapping
    assert any("'reply' was not used as reply_text" in w and "map the column as replied" in w
               for w in result.report.warnings)
    fixed = load_reviews(named(data, "odd.csv"), mapping={"replied": "reply"})
    assert flags(fixed.reviews["replied"]) == [True, False]


def test_a_lone_response_column_may_be_the_review() -> None:
    """A survey's "Response" with no other text column is not taken as replies."""
    data = "date,rating,Response\n2024-01-01,5,Loved it\n2024-01-02,3,It was ok\n"
    result = load_reviews(named(data, "survey.csv"))
    assert "replied" not in result.reviews.columns
    assert result.report.replies is None
    assert any("'Response' was not read as the company's replies" in w
               for w in result.report.warnings)
    mapped = load_reviews(named(data, "survey.csv"), mapping={"reply_text": "Response"})
    assert flags(mapped.reviews["replied"]) == [True, True]
    beside_text = "date,rating,review,response\n2024-01-01,5,Loved it,Thank you\n"
    assert load_reviews(named(beside_text, "s.csv")).report.mapping["reply_text"] == "response"


def test_no_reply_columns_no_replied() -> None:
    result = load_reviews(named("date,rating,text\n2024-01-01,5,Hi\n", "plain.csv"))
    assert not {"replied", "reply_at", "reply_text", "updated_at"} & set(result.reviews.columns)
    assert result.report.replies is None
    assert result.report.to_dict()["replies"] is None


def test_mapping_can_choose_and_leave_out_reply_columns() -> None:
    data = (
        "date,rating,notes,answer given,answered on\n"
        "2024-01-01,5,x,We are glad,2024-01-03\n2024-01-02,4,y,,\n"
    )
    plain = load_reviews(named(data, "m.csv"))
    assert plain.report.replies is None
    for field in ("reply_at", "reply_text", "replied", "updated_at"):
        assert field in plain.report.candidates  # the mapping editor offers every field
    mapped = load_reviews(
        named(data, "m.csv"), mapping={"reply_text": "answer given", "reply_at": "answered on"}
    )
    assert flags(mapped.reviews["replied"]) == [True, False]
    assert mapped.reviews["reply_at"].iloc[0] == utc("2024-01-03")
    # Leaving the flag out (what the editor sends for "(not used)") keeps the others.
    kept = load_reviews(FIXTURES / "replies_business_export.csv", mapping={"replied": None})
    assert kept.report.replies.replied == 4
    none = load_reviews(FIXTURES / "replies_business_export.csv",
                        mapping={"reply_at": None, "reply_text": None})
    assert "replied" not in none.reviews.columns and none.report.replies is None


def test_reply_dates_that_need_an_option_say_which() -> None:
    data = (
        "date,rating,reply date\n"
        "2024-01-05,5,03/04/2024\n2024-01-06,4,04/05/2024\n2024-01-07,3,\n"
    )
    result = load_reviews(named(data, "ambiguous.csv"))
    assert_accounting(result)
    assert result.report.replies.unreadable_dates == 2
    assert flags(result.reviews["replied"]) == [None, None, False]
    assert any("2 reply dates in 'reply date' can be read day-first or month-first" in w
               and "dayfirst=True (DD/MM/YYYY)" in w for w in result.report.warnings)
    fixed = load_reviews(named(data, "ambiguous.csv"), dayfirst=True)
    assert fixed.reviews["reply_at"].iloc[0] == utc("2024-04-03")
    assert fixed.report.replies.unreadable_dates == 0


def test_hostile_reply_dates_never_fail_a_row() -> None:
    """Empty, junk, implausible, epoch and formula reply dates: every row kept (the
    column mapped by hand: detection would not take a column of mostly junk)."""
    cells = ["", "NaT", "0001-01-01", "9999-12-31", "=TODAY()", "1700000000", "a year ago",
             "2024-13-45", "\u202e2024-01-01", "2024-01-01T10:00:00+14:00"]
    rows = "".join(f"2024-02-{i + 1:02d},5,{cell}\n" for i, cell in enumerate(cells))
    result = load_reviews(named("date,rating,Company Reply Date (UTC)\n" + rows, "h.csv"),
                          mapping={"reply_at": "Company Reply Date (UTC)"})
    assert_accounting(result)
    assert result.report.kept == len(cells) and result.report.rejected == 0
    summary = result.report.replies
    assert summary.replied + summary.not_replied + summary.unknown == len(cells)
    assert summary.before_review == 2  # the 2023 epoch, and 2024-01-01 (+14:00)


def test_many_suspicious_rows_are_summarised() -> None:
    rows = "".join(f"2024-02-{i + 1:02d} 12:00,5,2024-01-01 09:00\n" for i in range(8))
    result = load_reviews(named("date,rating,Reply Date\n" + rows, "early.csv"))
    summary = result.report.replies
    assert summary.before_review == 8
    assert summary.before_review_rows == (2, 3, 4, 5, 6)
    assert "8 reply dates are before their review (rows 2, 3, 4, 5, 6 and 3 more)" in (
        summary.sentence()
    )


def test_load_many_combines_the_reply_summaries() -> None:
    a = named("id,date,rating,Reply Date\nx,2024-01-02,5,2024-01-01\ny,2024-01-03,4,\n", "a.csv")
    b = named("id,date,rating\nz,2024-01-04,3\n", "b.csv")
    result = load_many([a, b])
    assert_accounting(result)
    assert flags(result.reviews["replied"]) == [True, False, None]
    assert result.reviews["reply_at"].isna().tolist() == [False, True, True]
    summary = result.report.replies
    assert (summary.replied, summary.not_replied, summary.unknown) == (1, 1, 1)
    assert summary.before_review_files == ("a.csv",)
    assert "(a.csv row 2)" in summary.sentence()
    assert [f.replies is not None for f in result.report.files] == [True, False]


def test_report_dict_holds_the_counts_and_the_sentence() -> None:
    report = load_reviews(FIXTURES / "replies_business_export.csv").report
    replies = report.to_dict()["replies"]
    assert replies["replied"] == 4 and replies["before_review_rows"] == [5]
    assert replies["sentence"] == report.replies.sentence()
    json.dumps(report.to_dict())  # plain data, as the workspace stores it


def test_update_dates_that_cannot_be_read_are_reported() -> None:
    data = "date,rating,updatedAt\n2024-01-01,5,2024-01-09\n2024-01-02,4,soon\n2024-01-03,3,\n"
    result = load_reviews(named(data, "u.csv"))
    assert result.reviews["updated_at"].isna().tolist() == [False, True, True]
    assert "1 update date in 'updatedAt' could not be read and was left empty." in (
        result.report.warnings
    )
    assert result.report.replies is None


# ----------------------------------------------------------- the pure function


def test_read_replies_without_any_column_is_none() -> None:
    assert read_replies(created_micros=pd.Series([0]).to_numpy(),
                        rows=pd.Series([2]).to_numpy()) is None


@pytest.mark.parametrize(
    ("summary", "sentence"),
    [
        (ReplyReport(1, 1, 1, 0, 0, 0),
         "Replies: 1 of 1 review has a company reply (with a date)."),
        (ReplyReport(1, 0, 0, 0, 1, 0), "Replies: the review has no company reply."),
        (ReplyReport(4, 0, 0, 0, 1, 3, dated=False),
         "Replies: none of the 4 reviews is known to have a company reply; 3 reviews do not "
         "say whether there is a reply."),
        (ReplyReport(3, 2, 0, 2, 1, 0),
         "Replies: 2 of 3 reviews have a company reply (none with a date)."),
        (ReplyReport(14_891, 3_481, 3_470, 11, 11_410, 0, 2, (17, 204), (), 5),
         "Replies: 3,481 of 14,891 reviews have a company reply (3,470 with a date, 11 "
         "without); 2 reply dates are before their review (rows 17, 204); 5 reply dates "
         "could not be read and were left empty."),
    ],
)
def test_sentences(summary: ReplyReport, sentence: str) -> None:
    assert summary.sentence() == sentence


# ------------------------------------------------------------------ real files


def test_demo_export_reply_dates() -> None:
    """The demo export's ``Company Reply Date (UTC)``: replies follow their reviews."""
    result = load_reviews(REPO / "data" / "demo_reviews.csv")
    reviews = result.reviews
    summary = result.report.replies
    assert result.report.mapping["reply_at"] == "Company Reply Date (UTC)"
    assert summary.replied == int(reviews["replied"].sum()) > 0
    assert summary.with_date == int(reviews["reply_at"].notna().sum())
    assert (summary.before_review, summary.unreadable_dates, summary.unknown) == (0, 0, 0)
    assert summary.replied + summary.not_replied == len(reviews)


@pytest.mark.real_data
def test_nsave_replied_column(fidelity_data: Path) -> None:
    """The fidelity file nsave.csv has a ``replied`` true/false column."""
    path = fidelity_data / "reviews" / "nsave.csv"
    raw = pd.read_csv(path, dtype=str)
    result = load_reviews(path)
    assert_accounting(result)
    assert result.report.mapping["replied"] == "replied"
    reviews = result.reviews
    assert str(reviews["replied"].dtype) == "boolean"
    by_id = reviews.set_index("review_id")["replied"]
    expected = raw.set_index("review_id")["replied"].str.strip().str.lower() == "true"
    assert (by_id.loc[expected.index].astype(bool) == expected).all()
    summary = result.report.replies
    assert (summary.replied, summary.unknown) == (int(expected.sum()), 0)
    assert summary.sentence().startswith(
        f"Replies: {summary.replied:,} of {len(reviews):,} reviews have a company reply "
        "(the file gives no reply dates)"
    )
