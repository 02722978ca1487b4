"""The Import page under AppTest: upload, report, mapping, rejected rows, workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

import scoring
from scoring.store import Workspace, default_workspace_path
from tests.app.conftest import open_app
from tests.helpers import plain

GOOD = (
    b"Date,Stars,Comment,Reviewer reviews\n"
    b"2024-01-05,5,Great,12\n"
    b"2024-02-10,4,Fine,3\n"
    b"2024-03-15,not a rating,Hmm,7\n"
    b"2024-03-20,1,Awful,1\n"
    b"2024-03-20,1,Awful,1\n"
    b"2024-04-01,=HYPERLINK(\"http://x\"),Evil,2\n"
)



def upload(at, *files: tuple[str, bytes]) -> None:
    at.file_uploader(key="import_files").set_value(
        [(name, data, "text/csv") for name, data in files]
    )
    at.run()


def test_upload_shows_the_accounting_and_rejected_rows() -> None:
    at = open_app("importer.py")
    assert not at.exception
    upload(at, ("shop.csv", GOOD))
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows read"] == "6"
    assert metrics["Kept"] == "3"
    assert metrics["Duplicates"] == "1"
    assert metrics["Rejected"] == "2"
    rejected = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert len(rejected) == 2
    downloads = at.get("download_button")
    assert len(downloads) == 1


def test_open_in_dashboard_selects_the_upload() -> None:
    at = open_app("importer.py")
    upload(at, ("shop.csv", GOOD))
    next(b for b in at.button if b.label == "Open in the dashboard").click().run()
    assert not at.exception
    assert "every page now shows this dataset" in at.success[-1].value
    chosen = at.selectbox(key="dataset")
    assert chosen.value.startswith("upload-")
    assert "Upload: shop" in chosen.format_func(chosen.value)
    # (The page switch itself is covered in the browser: tests/e2e/test_import.py.)


def test_bad_file_gives_a_message_not_a_traceback() -> None:
    at = open_app("importer.py")
    upload(at, ("empty.csv", b""))
    assert not at.exception
    assert "empty.csv: the file is empty" in plain(at.error[0].value)
    upload(at, ("garbage.csv", bytes(range(256)) * 40))
    assert not at.exception
    assert at.error, "binary garbage must be refused with a message"


def test_one_bad_file_among_several() -> None:
    at = open_app("importer.py")
    upload(at, ("shop.csv", GOOD), ("broken.csv", b"just,a,header\n"))
    assert not at.exception
    assert "broken.csv: the file has a header" in plain(at.error[0].value)
    assert {m.label: m.value for m in at.metric}["Kept"] == "3"


def test_save_to_workspace_and_reopen() -> None:
    at = open_app("importer.py")
    upload(at, ("shop.csv", GOOD))
    at.text_input(key="save_name").set_value("Shop 'quoted'; DROP TABLE x").run()
    save = next(b for b in at.button if b.label == "Save to workspace")
    save.click().run()
    assert not at.exception
    assert "Saved as" in at.success[-1].value
    with Workspace(default_workspace_path()) as ws:
        saved = ws.list_datasets()
        assert [d.name for d in saved] == ["Shop 'quoted'; DROP TABLE x"]
        reviews, report = ws.load_dataset(saved[0].id)
    assert len(reviews) == 3 and report["rows_read"] == 6
    # A fresh visitor sees it in the sidebar and opens it without re-uploading.
    fresh = open_app()
    key = f"ws{saved[0].id}"
    fresh.selectbox(key="dataset").set_value(key).run()
    assert not fresh.exception
    assert {m.label: m.value for m in fresh.metric}["Reviews"] == "3"


def test_changing_the_mapping_reimports() -> None:
    data = b"when,score,stars\n2024-01-05,2,5\n2024-02-10,3,4\n"
    at = open_app("importer.py")
    upload(at, ("two.csv", data))
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Kept"] == "2"
    rating_box = at.selectbox(key="map_rating")
    other = "stars" if rating_box.value == "score" else "score"
    rating_box.set_value(other)
    at.button(key="FormSubmitter:mapping-Apply the mapping and re-import").click().run()
    assert not at.exception
    mapping = next(d.value for d in at.dataframe if "Source column" in d.value.columns)
    assert dict(zip(mapping["Field"], mapping["Source column"], strict=True))["Rating"] == other
    stars = {"score": "2", "stars": "5"}[other]
    assert at.dataframe[-1].value["rating"].iloc[0] == int(stars)


def test_demo_counts_match_the_importer() -> None:
    demo = Path(__file__).resolve().parents[2] / "data" / "demo_reviews.csv"
    result = scoring.load_reviews(demo)
    assert result.report.kept == len(pd.read_csv(demo))


def test_a_failed_import_can_be_fixed_with_the_mapping() -> None:
    data = b"date,rating,other\n2024-01-05,9,5\n2024-02-10,7,4\n2024-03-01,10,5\n"
    at = open_app("importer.py")
    upload(at, ("tens.csv", data))
    assert not at.exception
    assert at.error and "tens.csv" in plain(at.error[0].value)
    at.selectbox(key="map_rating").set_value("other")
    at.button(key="FormSubmitter:mapping-Apply the mapping and re-import").click().run()
    assert not at.exception
    assert not at.error
    assert {m.label: m.value for m in at.metric}["Kept"] == "3"


def test_advice_names_the_page_options_not_python_parameters() -> None:
    data = b"date,score\n2024-01-05,9\n2024-02-10,7\n2024-03-01,10\n"
    at = open_app("importer.py")
    upload(at, ("ten.csv", data))
    message = plain(at.error[0].value)
    assert "rating_scale" not in message
    assert "Rating scale" in message
    at.selectbox(key="import_scale").set_value("10").run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Kept"] == "3"


def test_switching_dataset_drops_the_previous_date_window() -> None:
    at = open_app()
    at.date_input(key="dates").set_value((dt.date(2025, 1, 1), dt.date(2025, 6, 30))).run()
    assert "dates 2025-01-01 to 2025-06-30" in plain(at.caption[0].value)
    at.switch_page("app_pages/importer.py").run()
    # Its dates span the window chosen on the demo, so the old window would still fit.
    spanning = b"date,stars\n2024-10-01,5\n2025-03-01,4\n2025-09-01,2\n2025-12-01,5\n"
    upload(at, ("span.csv", spanning))
    next(b for b in at.button if b.label == "Open in the dashboard").click().run()
    at.switch_page("app_pages/home.py").run()
    at.selectbox(key="dataset").set_value(at.session_state["dataset"]).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Reviews"] == "4"
    assert "dates 2025" not in plain(at.caption[0].value)


def test_an_export_with_ids_but_no_dates_is_dated_by_its_ids() -> None:
    """Trustpilot ids carry their creation time: the page says so and keeps the rows."""
    at = open_app("importer.py")
    upload(at, ("ids.csv", b"Review ID,Review Stars\n"
                           b"65ea88b6c6fd585168bf8ffc,5\n65eb0000c6fd585168bf8ffd,2\n"))
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Kept"] == "2"
    warnings = " ".join(plain(w.value) for w in at.warning)
    assert "taken from the Trustpilot review ids in 'Review ID'" in warnings
    assert "pick it with the column mapping below" in warnings


RELATIVE = (b",Name,Review Rate,Review Time,Review Text\n"
            b"0,Cafe, 5 stars ,a year ago,Nice\n1,Cafe, 4 stars ,2 weeks ago,Good\n")
AMBIGUOUS = b"date,rating\n01/02/2024,5\n03/04/2024,4\n"


def in_order(node, ancestors=()):
    """Every element and block under ``node`` in page order, with its ancestors."""
    for child in getattr(node, "children", {}).values():
        yield child, ancestors
        yield from in_order(child, (*ancestors, child))


def shown_after_the_error(at, widget_key: str) -> bool:
    """Whether the widget follows the first error message and sits in no collapsed
    expander (what a user sees without clicking)."""
    seen_error = False
    for node, ancestors in in_order(at.main):
        if node.type == "error":
            seen_error = True
        if getattr(node, "key", None) == widget_key:
            collapsed = any(a.type == "expander" and not a.proto.expanded for a in ancestors)
            return seen_error and not collapsed
    return False


def test_the_reference_date_is_asked_for_under_the_message() -> None:
    at = open_app("importer.py")
    upload(at, ("scrape.csv", RELATIVE))
    assert not at.exception
    message = plain(at.error[0].value)
    assert "Reference date for relative dates" in message and "reference_date" not in message
    yesterday = dt.date.today() - dt.timedelta(days=1)  # the upload ran before midnight
    assert any(f"(e.g. {day.isoformat()} if it was made today)" in message
               for day in (dt.date.today(), yesterday)), message
    assert "2023-02-07" not in message
    assert shown_after_the_error(at, "import_reference")
    assert not shown_after_the_error(at, "import_encoding")  # the others stay folded
    at.date_input(key="import_reference").set_value(dt.date(2023, 2, 7)).run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Kept"] == "2"
    assert not shown_after_the_error(at, "import_reference")  # back in the expander


def test_the_day_order_is_asked_for_under_the_message() -> None:
    at = open_app("importer.py")
    upload(at, ("ambiguous.csv", AMBIGUOUS))
    assert not at.exception
    message = plain(at.error[0].value)
    assert "Choose 'Day first' under Reading options if '01/02/2024' is day/month/year " \
           "(DD/MM/YYYY)" in message
    assert "dayfirst" not in message
    assert shown_after_the_error(at, "import_day_order")
    at.selectbox(key="import_day_order").set_value("day").run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Kept"] == "2"


PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
PAGE_NAME = "Fernhollow Bikes Reviews.html"


def upload_pages(at, *names: str) -> None:
    files = {"trustpilot_saved_page.html": PAGE_NAME,
             "trustpilot_saved_page_2.html": "Fernhollow Bikes Reviews page 2.html"}
    at.file_uploader(key="import_files").set_value(
        [(files[n], (PAGES / n).read_bytes(), "text/html") for n in names])
    at.run()


def test_a_saved_trustpilot_page_shows_its_reviews_and_score() -> None:
    at = open_app("importer.py")
    upload_pages(at, "trustpilot_saved_page.html")
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Rows read"], metrics["Kept"], metrics["Rejected"]) == ("5", "5", "0")
    (shown,) = [plain(i.value) for i in at.info if "TrustScore" in i.value]
    assert shown.startswith(f"The saved Trustpilot page {PAGE_NAME} showed TrustScore 4.3 "
                            "with 1,234 reviews on ")
    warnings = " ".join(plain(w.value) for w in at.warning)
    assert "the time of this import, since the page does not say when it was saved" in warnings
    assert "save the other pages too" in warnings
    clean = at.dataframe[-1].value
    assert "<script>window.__pwned=1</script>" in clean["title"].tolist()  # text, as typed
    assert set(clean["reviewer"].dropna()) >= {"c00000000000000000000a01"}


def test_the_readings_stay_with_the_dataset_in_the_session_and_the_workspace() -> None:
    at = open_app("importer.py")
    upload_pages(at, "trustpilot_saved_page.html", "trustpilot_saved_page_2.html")
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Rows read"], metrics["Kept"], metrics["Duplicates"]) == ("8", "7", "1")
    assert len([i for i in at.info if "TrustScore" in i.value]) == 1  # the same, saved together
    next(b for b in at.button if b.label == "Open in the dashboard").click().run()
    (dataset,) = at.session_state["uploads"].values()
    (reading,) = dataset.readings
    assert (reading.score, reading.review_count) == (4.3, 1234)
    assert dataset.report["published_readings"][0]["score"] == 4.3

    at.switch_page("app_pages/importer.py").run()
    next(b for b in at.button if b.label == "Save to workspace").click().run()
    assert not at.exception and "Saved as" in at.success[-1].value
    with Workspace(default_workspace_path()) as ws:
        (info,) = ws.list_datasets()

    def readings_of_saved_dataset(key: str) -> None:
        import streamlit as st

        from ui import data

        found = data.dataset_by_key(key)
        st.write(f"{found.origin}: " + "; ".join(
            f"{r.score} {r.review_count} {r.source}" for r in found.readings))

    reopened = AppTest.from_function(readings_of_saved_dataset, args=(f"ws{info.id}",),
                                     default_timeout=30).run()
    assert not reopened.exception
    assert reopened.markdown[0].value == (
        f"workspace: 4.3 1234 saved Trustpilot page {PAGE_NAME}")


def test_the_reviewer_column_can_be_changed_in_the_mapping() -> None:
    data = b"date,rating,text,author,editor\n2024-01-05,5,Great,ann,x\n2024-01-05,5,Great,bob,x\n"
    at = open_app("importer.py")
    upload(at, ("people.csv", data))
    assert {m.label: m.value for m in at.metric}["Kept"] == "2"  # two reviewers, two reviews
    reviewer = at.selectbox(key="map_reviewer")
    assert reviewer.value == "author"
    reviewer.set_value("editor")
    at.button(key="FormSubmitter:mapping-Apply the mapping and re-import").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Kept"], metrics["Duplicates"]) == ("1", "1")  # same 'editor': one review
    mapping = next(d.value for d in at.dataframe if "Source column" in d.value.columns)
    fields = dict(zip(mapping["Field"], mapping["Source column"], strict=True))
    assert fields["Reviewer"] == "editor"


def test_the_report_says_what_it_found_about_replies() -> None:
    """Reply dates and texts are read; a reply dated before its review is kept and
    flagged, an unreadable one counted: a warning next to the report, never an error."""
    csv_bytes = (
        b"Review Created (UTC),Review Stars,Review Title,Company Reply Date (UTC),"
        b"Company Response\n"
        b"2025-03-01 10:00:00,1,Late,2025-03-02 09:00:00,Sorry about that\n"
        b"2025-03-02 10:00:00,2,Early,2025-03-01 09:00:00,Dated before the review\n"
        b"2025-03-03 10:00:00,5,Fine,,\n"
        b"2025-03-04 10:00:00,1,Odd,not a date,Thanks for telling us\n"
    )
    at = open_app("importer.py")
    upload(at, ("replies.csv", csv_bytes))
    assert not at.exception
    sentence = " ".join(plain(w.value) for w in at.warning)
    assert "Replies: 3 of 4 reviews have a company reply" in sentence
    assert "1 reply date is before its review (row 3)" in sentence  # the file's line
    assert "1 reply date could not be read" in sentence
