"""Column detection of the title under its other names, and of the reviewer; the
reviewer telling apart rows that are otherwise alike; review tags from CSV and JSON
exports, and their round trip through the workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from scoring.ingest import load_many, load_reviews
from scoring.ingest.tags import MAX_TAG_LENGTH, split_tags
from scoring.store import Workspace
from tests.fuzz import builders
from tests.helpers import assert_accounting, named

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


# ------------------------------------------------------------------------ title


@pytest.mark.parametrize(
    "header",
    ["heading", "Review Heading", "Summary", "summary", "Subject Line", "subject line",
     "review_summary", "Review Summary", "reviewHeading"],
)
def test_title_under_other_names(header: str) -> None:
    data = f"date,rating,{header},text\n2024-01-01,5,Short,The long review\n"
    result = load_reviews(data.encode())
    assert result.report.mapping["title"] == header
    assert result.report.mapping["text"] == "text"
    assert result.reviews["title"].tolist() == ["Short"]


def test_a_summary_without_a_text_column_is_the_text() -> None:
    """Some exports call the review itself 'Summary': with no other text column it is
    read as the text, and the report says how to take it as the title instead."""
    data = b"date,rating,Summary\n2024-01-01,5,The whole review\n"
    result = load_reviews(data)
    assert result.report.mapping["text"] == "Summary"
    assert "title" not in result.report.mapping
    assert result.reviews["text"].tolist() == ["The whole review"]
    note = next(w for w in result.report.warnings if "'Summary'" in w)
    assert "no other text column" in note and "mapping={'title': 'Summary'}" in note
    as_title = load_reviews(data, mapping={"title": "Summary"})
    assert as_title.report.mapping["title"] == "Summary"
    assert "text" not in as_title.report.mapping


def test_a_heading_without_a_text_column_stays_the_title() -> None:
    result = load_reviews(b"date,rating,Heading\n2024-01-01,5,Nice\n")
    assert result.report.mapping["title"] == "Heading"
    assert "text" not in result.report.mapping


def test_amazon_fine_food_layout() -> None:
    """Summary and Text side by side; UserId is the reviewer; helpfulness is no rating."""
    data = (
        "Id,ProductId,UserId,ProfileName,HelpfulnessNumerator,HelpfulnessDenominator,Score,"
        "Time,Summary,Text\n"
        "1,B001,A3SGX,delmartian,1,1,5,1303862400,Good Quality,I have bought several\n"
        "2,B002,A1D87,dll pa,0,0,1,1346976000,Not as Advertised,Product arrived\n"
    )
    result = load_reviews(data.encode())
    mapping = result.report.mapping
    assert (mapping["title"], mapping["text"]) == ("Summary", "Text")
    assert (mapping["rating"], mapping["reviewer"]) == ("Score", "UserId")
    assert result.reviews["reviewer"].tolist() == ["A3SGX", "A1D87"]


# --------------------------------------------------------------------- reviewer


@pytest.mark.parametrize(
    "header",
    ["Review Consumer User ID", "consumer.id", "consumer_id", "userId", "user_id", "author",
     "Author Name", "reviewer", "Reviewer Name", "profile url", "Reviewer", "Customer Name",
     "Review Username"],
)
def test_reviewer_under_its_names(header: str) -> None:
    data = f"date,rating,{header}\n2024-01-01,5, someone \n2024-01-02,4,\n"
    result = load_reviews(data.encode())
    assert result.report.mapping["reviewer"] == header
    reviewer = result.reviews["reviewer"]
    assert reviewer.iloc[0] == "someone" and reviewer.isna().iloc[1]
    assert str(reviewer.dtype) == "str"


def test_an_id_is_preferred_to_a_display_name() -> None:
    records = [{"id": "r1", "rating": 5, "dates": {"publishedDate": "2024-01-01T00:00:00Z"},
                "consumer": {"id": "c1", "displayName": "Ann"}}]
    with_id = load_reviews(named(json.dumps(records), "page.json"))
    assert with_id.report.mapping["reviewer"] == "consumer.id"
    del records[0]["consumer"]["id"]
    without = load_reviews(named(json.dumps(records), "page.json"))
    assert without.report.mapping["reviewer"] == "consumer.displayName"
    assert without.reviews["reviewer"].tolist() == ["Ann"]


def test_trustpilot_business_export_reviewer() -> None:
    data = (
        "Review ID,Review Created (UTC),Review Consumer User ID,Review Title,Review Content,"
        "Review Stars,Review Username\n"
        "65ea88b6c6fd585168bf8ffc,2024-03-08 03:39:02,5f00aa,Hi,Text,5,Ann\n"
    )
    assert load_reviews(data.encode()).report.mapping["reviewer"] == "Review Consumer User ID"


def test_google_takeout_reviewer_display_name() -> None:
    page = {"reviews": [{"name": "accounts/1/locations/9/reviews/r1",
                         "reviewer": {"displayName": "Someone"}, "starRating": "FIVE",
                         "createTime": "2023-01-02T10:00:00Z"}]}
    data = builders.zip_bytes(
        [("Takeout/Google Business Profile/account-1/location-9/reviews.json", json.dumps(page))]
    )
    result = load_reviews(data)
    assert result.report.mapping["reviewer"] == "reviewer.displayName"
    assert result.reviews["reviewer"].tolist() == ["Someone"]


def test_yelp_and_amazon_user_id() -> None:
    yelp = ('{"review_id":"y1","user_id":"u1","business_id":"b","stars":4.0,'
            '"date":"2019-01-01 10:00:00","text":"ok"}\n'
            '{"review_id":"y2","user_id":"u2","business_id":"b","stars":5.0,'
            '"date":"2019-01-02 10:00:00","text":"ok"}\n')
    assert load_reviews(named(yelp, "yelp.jsonl")).report.mapping["reviewer"] == "user_id"
    amazon = ('{"rating":5.0,"title":"t","text":"x","asin":"B1","parent_asin":"B1",'
              '"user_id":"AG1","timestamp":1588687728923,"helpful_vote":2}\n'
              '{"rating":4.0,"title":"t","text":"x","asin":"B1","parent_asin":"B1",'
              '"user_id":"AG2","timestamp":1588687729923,"helpful_vote":0}\n')
    result = load_reviews(named(amazon, "amazon.jsonl"))
    assert result.report.mapping["reviewer"] == "user_id"
    assert result.report.mapping["rating"] == "rating"


def test_page_data_fixture_has_reviewers() -> None:
    result = load_reviews(FIXTURES / "trustpilot_page_data.json")
    assert result.report.mapping["reviewer"] == "consumer.displayName"
    assert "consumer.numberOfReviews" not in result.report.mapping.values()


# ----------------------------------------------------------- duplicates by reviewer


def test_alike_rows_of_different_reviewers_are_two_reviews() -> None:
    data = (
        "date,rating,text,author\n"
        "2024-01-01,5,Great,ann\n"
        "2024-01-01,5,Great,bob\n"  # same content, another reviewer: kept
        "2024-01-01,5,Great,ann\n"  # same content, same reviewer: a repeat
    )
    result = load_reviews(data.encode())
    assert_accounting(result)
    assert (result.report.kept, result.duplicates) == (2, 1)
    assert result.reviews["reviewer"].tolist() == ["ann", "bob"]
    assert any("'author'" in w and "counted once" in w for w in result.report.warnings)


def test_alike_rows_without_a_reviewer_column_are_one_review() -> None:
    result = load_reviews(b"date,rating,text\n2024-01-01,5,Great\n2024-01-01,5,Great\n")
    assert (result.report.kept, result.duplicates) == (1, 1)


def test_alike_rows_without_a_reviewer_value_are_one_review() -> None:
    data = b"date,rating,text,author\n2024-01-01,5,Great,\n2024-01-01,5,Great,\n"
    result = load_reviews(data)
    assert (result.report.kept, result.duplicates) == (1, 1)


def test_review_ids_decide_whatever_the_reviewer() -> None:
    data = "id,date,rating,author\na,2024-01-01,5,ann\na,2024-01-01,5,bob\n"
    result = load_reviews(data.encode())
    assert (result.report.kept, result.duplicates) == (1, 1)


def test_relative_dates_star_only_rule_is_kept_with_a_reviewer() -> None:
    """Star-only rows with relative dates and the same reviewer follow today's rule
    (kept: nothing but the reviewer tells them apart, and that is the same)."""
    data = (b"Review Time,Review Rate,Review Text,Reviewer\n"
            b"a year ago,5,,ann\na year ago,5,,ann\na year ago,5,,bob\n")
    result = load_reviews(data, reference_date="2023-02-07")
    assert_accounting(result)
    assert (result.report.kept, result.duplicates) == (3, 0)


def test_several_files_keep_alike_reviews_of_different_reviewers() -> None:
    a = named("date,rating,text,author,company\n2024-01-01,5,Great,ann,X\n", "a.csv")
    b = named("date,rating,text,author,company\n2024-01-01,5,Great,bob,X\n"
              "2024-01-01,5,Great,ann,X\n", "b.csv")
    result = load_many([a, b])
    assert_accounting(result)
    assert (result.report.kept, result.duplicates) == (2, 1)
    assert sorted(result.reviews["reviewer"]) == ["ann", "bob"]


# ------------------------------------------------------------------------- tags


@pytest.mark.parametrize("header", ["Tags", "tags", "Tag", "Review Tags", "review_tags"])
def test_csv_tags_in_the_order_given(header: str) -> None:
    data = (f"date,rating,{header}\n2024-01-01,5,claims\n2024-01-02,4,\"renewal, claims\"\n"
            "2024-01-03,3,new-policy; renewal;new-policy\n2024-01-04,2,\n2024-01-05,1,  \n")
    result = load_reviews(data.encode())
    assert_accounting(result)
    assert result.report.mapping["tags"] == header
    tags = result.reviews["tags"]
    assert tags.tolist()[:3] == ["claims", "renewal, claims", "new-policy, renewal"]
    assert tags.iloc[3:].isna().all()


def test_json_tags_as_a_list_of_texts_or_of_named_objects() -> None:
    records = [
        {"id": "a", "createdAt": "2024-01-01T10:00:00Z", "stars": 5, "tags": ["claims"]},
        {"id": "b", "createdAt": "2024-01-02T10:00:00Z", "stars": 4,
         "tags": [{"name": "renewal"}, {"name": "claims", "id": 7}]},
        {"id": "c", "createdAt": "2024-01-03T10:00:00Z", "stars": 3, "tags": []},
        {"id": "d", "createdAt": "2024-01-04T10:00:00Z", "stars": 2},
        {"id": "e", "createdAt": "2024-01-05T10:00:00Z", "stars": 1, "tags": [12, "a,b", None]},
    ]
    result = load_reviews(named(json.dumps(records), "reviews.json"))
    assert_accounting(result)
    assert result.report.mapping["tags"] == "tags"
    tags = result.reviews.set_index("review_id")["tags"]
    assert tags["a"] == "claims"
    assert tags["b"] == "renewal, claims"
    assert pd.isna(tags["c"]) and pd.isna(tags["d"])
    assert tags["e"] == "12, a b"  # a comma inside a tag would split it when read back


def test_no_tags_column_and_an_empty_one_leave_tags_out_quietly() -> None:
    without = load_reviews(b"date,rating\n2024-01-01,5\n")
    assert "tags" not in without.reviews.columns
    empty = load_reviews(b"date,rating,Tags\n2024-01-01,5,\n2024-01-02,4,\n")
    assert "tags" not in empty.reviews.columns
    assert not any("Tags" in warning for warning in empty.report.warnings)


def test_a_long_tag_is_cut_and_text_that_is_not_a_json_list_is_split() -> None:
    assert split_tags("x" * 200) == ["x" * (MAX_TAG_LENGTH - 1) + "…"]
    assert split_tags("[not json, really]") == ["[not json", "really]"]
    assert split_tags('[{"label": "claims"}, {"other": 1}]') == ["claims", '{"other": 1}']


def test_demo_tags_load_and_survive_the_workspace(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parents[2] / "data" / "demo_reviews.csv"
    reviews = load_reviews(demo).reviews
    assert set(reviews["tags"].dropna()) == {"claims", "new-policy", "renewal",
                                             "portal-migration"}
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        dataset_id = ws.save_dataset("Demo", reviews).id
        old_id = ws.save_dataset("Older", reviews.drop(columns="tags").head(50)).id
        with ws.cursor() as cur:  # a workspace written before tags existed
            cur.execute('ALTER TABLE reviews DROP COLUMN "tags"')
    with Workspace(path) as ws:
        older, _ = ws.load_dataset(old_id)
        assert "tags" not in older.columns and len(older) == 50
        ws.delete_dataset(dataset_id)
        again = ws.save_dataset("Demo", reviews).id
        loaded, _ = ws.load_dataset(again)
    assert loaded.columns.tolist() == reviews.columns.tolist()
    pd.testing.assert_series_equal(loaded["tags"], reviews["tags"])
