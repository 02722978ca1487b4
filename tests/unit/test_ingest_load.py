"""End-to-end behaviour of load_reviews / load_many: mapping, flags, duplicates,
rejected rows and the accounting invariant."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from scoring.errors import ReviewDataError
from scoring.ingest import ImportReport, load_many, load_reviews, raw_columns
from scoring.ingest.columns import normalise_header
from tests.helpers import assert_accounting, named

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"




def test_trustpilot_business_export_maps_every_column() -> None:
    result = load_reviews(FIXTURES / "trustpilot_business_export.csv")
    assert_accounting(result)
    report = result.report
    assert report.mapping == {
        "created_at": "Review Created (UTC)",
        "rating": "Review Stars",
        "review_id": "Review ID",
        "reply_at": "Company Reply Date (UTC)",
        "title": "Review Title",
        "text": "Review Content",
        "source": "Source Of Review",
        "invited": "Source Of Review",
        "location": "Location Name",
        "tags": "Tags",
        "company": "Webshop Name",
        "language": "Review Language",
        "reviewer": "Review Consumer User ID",
    }
    reviews = result.reviews
    assert reviews["tags"].notna().sum() == 1  # one review tagged "tag1", in time order
    assert reviews["tags"].dropna().tolist() == ["tag1"]
    assert reviews["created_at"].dt.tz is not None
    assert str(reviews["created_at"].dtype) == "datetime64[us, UTC]"
    assert reviews["rating"].dtype == "int64"
    assert reviews["created_at"].iloc[-1] == pd.Timestamp("2025-10-02 07:48:02.236313", tz="UTC")
    invited = [None if pd.isna(v) else bool(v) for v in reviews["invited"]]
    assert invited == [None, True, True, True, False]  # SomethingNew is unknown
    assert reviews["reply_at"].notna().sum() == 2
    assert reviews["company"].unique().tolist() == ["Example Shop"]
    assert report.date_min == pd.Timestamp("2025-08-14 23:59:59.999999", tz="UTC")
    assert report.dayfirst is None


def test_invited_from_collection_method() -> None:
    data = (
        "date,rating,source\n"
        "2024-01-01,5,Organic\n2024-01-02,5,BasicLink\n2024-01-03,5,BusinessGeneratedLink\n"
        "2024-01-04,5,InvitationApi\n2024-01-05,5,InvitationLinkApi\n"
        "2024-01-06,5,Automatic invitations\n2024-01-07,5,Google\n2024-01-08,5,\n"
    )
    reviews = load_reviews(data.encode()).reviews
    invited = [None if pd.isna(v) else bool(v) for v in reviews["invited"]]
    assert invited == [False, True, True, True, True, True, None, None]
    assert str(reviews["invited"].dtype) == "boolean"
    without = load_reviews(data.encode(), mapping={"invited": None}).reviews
    assert "invited" not in without.columns and "source" in without.columns


def test_url_source_column_is_not_a_collection_method() -> None:
    data = "date,rating,source\n2024-01-01,5,https://www.trustpilot.com/review/x?page=1\n"
    result = load_reviews(data.encode())
    assert "source" not in result.reviews.columns
    assert any("web addresses" in w for w in result.report.warnings)


def test_trustpilot_flags_make_counts() -> None:
    data = (
        "id,published,rating,filtered,pending,countsTowardsTrustScore\n"
        "a,2024-01-01,5,False,False,True\n"
        "b,2024-01-02,4,True,False,True\n"
        "c,2024-01-03,3,False,True,True\n"
        "d,2024-01-04,2,False,False,False\n"
        "e,2024-01-05,1,,,\n"
    )
    result = load_reviews(data.encode())
    assert result.reviews["counts"].tolist() == [True, False, False, False, True]
    assert result.reviews["counts"].dtype == bool
    assert result.report.flag_columns == {
        "filtered": "filtered",
        "pending": "pending",
        "counts_towards": "countsTowardsTrustScore",
    }
    assert any("honour_flags=False" in w for w in result.report.warnings)
    ignored = load_reviews(data.encode(), honour_flags=False)
    assert ignored.reviews["counts"].tolist() == [True] * 5


def test_no_flag_columns_means_no_counts_column() -> None:
    reviews = load_reviews(b"date,rating\n2024-01-01,5\n").reviews
    assert "counts" not in reviews.columns


def test_duplicates_by_review_id() -> None:
    data = "id,date,rating\na,2024-01-01,5\nb,2024-01-02,4\na,2024-01-01,5\na,2024-02-01,1\n"
    result = load_reviews(data.encode())
    assert result.duplicates == 2
    assert result.reviews["review_id"].tolist() == ["a", "b"]
    assert_accounting(result)


def test_duplicates_by_content_ignore_the_unnamed_index() -> None:
    result = load_reviews(FIXTURES / "google_maps_scrape.csv", reference_date="2023-02-07")
    assert_accounting(result)
    assert result.report.rows_read == 6
    assert result.duplicates == 1  # the review repeated with another index
    assert "Unnamed: 0" not in result.report.mapping.values()
    assert result.report.mapping["company"] == "Name"
    # The two star-only rows alike ('1 star', '3 months ago') are both kept.
    assert any("1 star-only review (no text) with the same rating and relative date" in w
               for w in result.report.warnings)
    assert result.reviews["text"].isna().sum() == 2
    assert "\n" in result.reviews["text"].dropna().iloc[0]


def test_rows_differing_in_an_unmapped_column_are_duplicates() -> None:
    data = "date,rating,text,likes\n2024-01-01,5,x,1\n2024-01-01,5,x,2\n2024-01-01,4,x,2\n"
    result = load_reviews(data.encode())
    assert result.duplicates == 1
    assert result.report.kept == 2


def test_rejected_rows_keep_the_original_values_and_say_why() -> None:
    data = (
        "date,rating,text\n"
        "2024-01-01,5,good\n"
        "2024-01-02,abc,bad rating\n"
        "31/31/2020,4,bad date\n"
        ",3,no date\n"
        "2024-01-05,,no rating\n"
        "nonsense,xyz,both\n"
    )
    result = load_reviews(named(data, "mixed.csv"))
    assert_accounting(result)
    rejected = result.rejected
    assert rejected.columns.tolist() == ["date", "rating", "text", "row", "reason"]
    assert rejected["row"].tolist() == [3, 4, 5, 6, 7]
    assert rejected["reason"].tolist() == [
        "rating 'abc' is not a star rating 1-5",
        "date '31/31/2020' could not be read",
        "date is missing",
        "rating is missing",
        "date 'nonsense' could not be read; rating 'xyz' is not a star rating 1-5",
    ]
    assert rejected.loc[0, "text"] == "bad rating"
    assert rejected.loc[2, "date"] == ""
    assert result.report.rejected_by_reason == {
        "date could not be read": 2,
        "rating not a star rating 1-5": 1,
        "date missing": 1,
        "rating missing": 1,
    }


def test_decoy_review_count_column_is_not_the_rating() -> None:
    data = (
        "date,title,text,bewertung,sterne,land\n"
        "Datum der Erfahrung: 02. Oktober 2023,t1,x,1 Bewertung,Bewertet mit 1 von 5 Sternen,DE\n"
        "Datum der Erfahrung: 28. September 2023,t2,y,16 Bewertungen,"
        "Bewertet mit 4 von 5 Sternen,NL\n"
    )
    result = load_reviews(data.encode())
    assert result.report.mapping["rating"] == "sterne"
    assert result.report.candidates["rating"] == ["sterne"]
    assert result.reviews["rating"].tolist() == [4, 1]
    assert any("'bewertung'" in w for w in result.report.warnings)
    assert any("dates of experience" in w for w in result.report.warnings)


def test_mapping_overrides_detection() -> None:
    data = "Date,Stars,Other Stars,Comment\n2024-01-01,5,1,x\n2024-01-02,4,2,y\n"
    detected = load_reviews(data.encode())
    assert detected.report.mapping["rating"] == "Stars"
    assert detected.report.candidates["rating"] == ["Stars", "Other Stars"]
    chosen = load_reviews(data.encode(), mapping={"rating": "Other Stars", "text": None})
    assert chosen.reviews["rating"].tolist() == [1, 2]
    assert "text" not in chosen.reviews.columns
    by_normalised_name = load_reviews(data.encode(), mapping={"rating": "other_stars"})
    assert by_normalised_name.report.mapping["rating"] == "Other Stars"


def test_columns_found_by_value_when_names_say_nothing() -> None:
    data = "col_a,col_b,col_c\n2024-01-01 10:00,hello,5 stars\n2024-01-02 11:00,there,4 stars\n"
    result = load_reviews(data.encode())
    assert result.report.mapping["created_at"] == "col_a"
    assert result.report.mapping["rating"] == "col_c"
    assert any("recognised by its values" in w for w in result.report.warnings)


def test_company_parameter() -> None:
    result = load_reviews(b"date,rating\n2024-01-01,5\n", company="ACME")
    assert result.reviews["company"].tolist() == ["ACME"]


def test_empty_optional_column_is_left_out() -> None:
    data = "date,rating,Location Name\n2024-01-01,5,\n2024-01-02,4,\n"
    result = load_reviews(data.encode())
    assert "location" not in result.reviews.columns
    assert "location" not in result.report.mapping


def test_normalise_header() -> None:
    assert normalise_header("Review Created (UTC)") == "reviewcreatedutc"
    assert normalise_header("dates.publishedDate") == normalise_header("dates_publishedDate")
    assert normalise_header("Review Id") == normalise_header("REVIEW_ID")
    assert normalise_header("Nützlich") == "nützlich"


def test_report_is_plain_data_and_has_a_summary() -> None:
    result = load_reviews(FIXTURES / "trustpilot_business_export.csv")
    data = result.report.to_dict()
    assert data["rows_read"] == 5
    assert data["date_min"].startswith("2025-08-14")
    assert "5 rows read" in result.report.summary()


def test_report_refuses_broken_accounting() -> None:
    with pytest.raises(AssertionError):
        ImportReport(
            file_name="x",
            file_format="csv",
            encoding=None,
            delimiter=None,
            rows_read=3,
            kept=1,
            duplicates=1,
            rejected=0,
        )


# ------------------------------------------------------------------- several


def test_load_many_company_from_file_name_and_column() -> None:
    a = named("date,rating\n2024-01-01,5\n2024-01-03,4\n", "acme_reviews.csv")
    b = named("date,rating,Company\n2024-01-02,1,Globex\n2024-01-04,2,\n", "other.csv")
    result = load_many([a, b])
    assert_accounting(result)
    assert result.reviews["company"].tolist() == ["acme_reviews", "Globex", "acme_reviews", "other"]
    assert len(result.report.files) == 2
    assert result.report.rows_read == 4
    assert result.report.file_name == "acme_reviews.csv, other.csv"


def test_load_many_drops_reviews_present_in_two_files() -> None:
    a = named("id,date,rating\nx,2024-01-01,5\ny,2024-01-02,4\n", "a.csv")
    b = named("id,date,rating\ny,2024-01-02,4\nz,2024-01-03,bad\n", "b.csv")
    result = load_many([a, b])
    assert_accounting(result)
    assert result.duplicates == 1
    assert result.reviews["review_id"].tolist() == ["x", "y"]
    assert result.rejected["file"].tolist() == ["b.csv"]
    assert result.rejected.columns.tolist()[:1] == ["file"]
    assert any("more than one file" in w for w in result.report.warnings)


def test_load_many_aligns_columns() -> None:
    a = named("date,rating,filtered\n2024-01-01,5,True\n", "a.csv")
    b = named("date,rating,Company Reply Date (UTC)\n2024-01-02,4,2024-01-03\n", "b.csv")
    result = load_many([a, b])
    assert_accounting(result)
    assert result.reviews["counts"].tolist() == [False, True]
    assert result.reviews["reply_at"].isna().tolist() == [True, False]


def test_load_many_names_the_failing_file() -> None:
    good = named("date,rating\n2024-01-01,5\n", "good.csv")
    bad = named("", "empty.csv")
    with pytest.raises(ReviewDataError, match=r"empty\.csv"):
        load_many([good, bad])
    with pytest.raises(ReviewDataError, match="no files"):
        load_many([])


def test_star_only_rows_alike_are_duplicates_when_dates_are_exact() -> None:
    data = b"date,rating,text\n2024-01-01 10:00:00,5,\n2024-01-01 10:00:00,5,\n2024-01-02,4,ok\n"
    result = load_reviews(data)
    assert (result.report.kept, result.duplicates) == (2, 1)
    assert any("no review text" in w for w in result.report.warnings)
    assert_accounting(result)


def test_several_files_count_a_review_once_but_keep_each_files_own_rows() -> None:
    """A file's star-only rows kept alike stay kept; a review in two files counts once."""
    scrape = (b",Name,Review Rate,Review Time,Review Text\n"
              b"0,Cafe, 5 stars ,a year ago,\n1,Cafe, 5 stars ,a year ago,\n"
              b"2,Cafe, 4 stars ,2 weeks ago,Good coffee\n")
    again = b",Name,Review Rate,Review Time,Review Text\n7,Cafe, 4 stars ,2 weeks ago,Good coffee\n"
    result = load_many([named(scrape, "a.csv"), named(again, "b.csv")],
                       reference_date="2023-02-07")
    assert (result.report.rows_read, result.report.kept, result.duplicates) == (4, 3, 1)
    assert "1 review in more than one file, counted once" in " ".join(result.report.warnings)
    assert_accounting(result)


# ------------------------------------------------------------- raw columns


def test_raw_columns_are_the_names_a_mapping_can_use() -> None:
    assert raw_columns(named("Datum, Sterne ,,Sterne\n2024-01-01,5,x,4\n", "r.csv")) == [
        "Datum", "Sterne", "Unnamed: 2", "Sterne.1"
    ]
    nested = [{"dates": {"publishedDate": "2024-01-01"}, "rating": 5}]
    assert raw_columns(named(json.dumps(nested), "r.json")) == ["rating", "dates.publishedDate"]
    # Read, not interpreted: a file load_reviews refuses (no date) still has columns.
    data = named("when,stars\nsoon,many\n", "odd.csv")
    with pytest.raises(ReviewDataError):
        load_reviews(data)
    assert raw_columns(data) == ["when", "stars"]
    # Each name found is one load_reviews accepts in a mapping.
    result = load_reviews(named("Datum;Sterne\n2024-01-01;5\n", "r.csv"),
                          mapping={"created_at": "Datum", "rating": "Sterne"})
    assert_accounting(result)
    assert result.report.kept == 1


def test_raw_columns_of_an_unreadable_file_name_it() -> None:
    with pytest.raises(ReviewDataError, match=r"^scan\.pdf: the file is a PDF document"):
        raw_columns(named(b"%PDF-1.7\n" + bytes(100), "scan.pdf"))
    with pytest.raises(ReviewDataError, match=r"^r\.csv: encoding='nope'"):
        raw_columns(named("a,b\n1,2\n", "r.csv"), encoding="nope")
