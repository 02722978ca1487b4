"""Import in a real browser: upload, read the report, change the mapping, download the
rejected rows, open the data in the dashboard, save to and reopen from the workspace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e

CSV = (
    "Date;Stars;Second opinion;Comment;Reviewer reviews\n"
    "2024-01-05;5;4;Great <script>window.__pwned=1</script>;12\n"
    "2024-02-10;4;4;Fine;3\n"
    "2024-03-15;not a rating;3;Hmm;7\n"
    "2024-03-20;1;2;Awful;1\n"
    "2024-03-20;1;2;Awful;1\n"
    "2024-04-01;=HYPERLINK(\"http://x\");5;Evil;2\n"
)


def upload(page: Page, path: Path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)


def test_import_report_mapping_rejected_and_workspace(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "shop reviews.csv"
    path.write_text(CSV, encoding="utf-8")
    page.goto(f"{app_url}/import")
    wait_idle(page)
    upload(page, path)
    expect(page.get_by_text("6 rows read, 3 kept, 1 duplicate, 2 rejected")).to_be_visible()
    screenshot(page, "import-report")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the rejected rows (CSV)").click()
    rejected = info.value.path().read_text(encoding="utf-8-sig")
    assert "reason" in rejected.splitlines()[0]
    assert "'=HYPERLINK" in rejected  # neutralised for spreadsheets
    wait_idle(page)  # a download does not rerun the page; were it to, this waits for it

    # Take the rating from the other column instead.
    rating = page.locator(".st-key-map_rating").get_by_role("combobox")
    rating.click()
    rating.fill("Second")
    page.get_by_role("option", name="Second opinion").click()
    expect(rating).to_have_value("Second opinion")
    page.get_by_role("button", name="Apply the mapping and re-import").click()
    wait_idle(page)
    expect(page.get_by_text("6 rows read, 5 kept, 1 duplicate, 0 rejected")).to_be_visible()

    page.get_by_role("button", name="Open in the dashboard").click()
    wait_idle(page)
    page.get_by_role("link", name="Go to the Overview").click()
    wait_idle(page)
    expect(page.get_by_role("combobox", name="Dataset")).to_have_value("Upload: shop reviews")
    expect(page.get_by_role("heading", name="shop reviews")).to_be_visible()
    reviews = page.get_by_test_id("stMetric").filter(has_text="Reviews").first
    expect(reviews).to_contain_text("5")
    assert page.evaluate("window.__pwned") is None

    page.goto(f"{app_url}/import")
    wait_idle(page)
    upload(page, path)
    page.get_by_label("Name", exact=True).fill("Shop <b>bold & 'quoted'")
    page.get_by_role("button", name="Save to workspace").click()
    wait_idle(page)
    saved = page.get_by_text(re.compile(r"Saved as .* \((\d+) reviews\)"))
    expect(saved).to_be_visible()
    screenshot(page, "import-saved")
    kept = re.search(r"\((\d+) reviews\)", saved.inner_text()).group(1)

    # A new visitor opens the saved dataset from the sidebar without uploading.
    page.context.clear_cookies()
    fresh = page.context.new_page()
    fresh.goto(app_url)
    wait_idle(fresh)
    fresh.get_by_role("combobox", name="Dataset").click()
    fresh.get_by_role("option", name="Saved: Shop <b>bold & 'quoted'").click()
    wait_idle(fresh)
    expect(fresh.get_by_role("heading", name="Shop <b>bold & 'quoted'")).to_be_visible()
    metric = fresh.get_by_test_id("stMetric").filter(has_text="Reviews").first
    expect(metric).to_contain_text(kept)
    screenshot(fresh, "saved-dataset-overview")


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
RELATIVE = (",Name,Review Rate,Review Time,Review Text\n"
            "0,Cafe, 5 stars ,a year ago,Nice\n1,Cafe, 4 stars ,2 weeks ago,Good\n")


def test_the_reading_option_a_file_needs_shows_under_its_message(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "scrape.csv"
    path.write_text(RELATIVE, encoding="utf-8")
    page.goto(f"{app_url}/import")
    wait_idle(page)
    upload(page, path)
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("Reference date for relative dates")
    needed = page.locator(".st-key-import_needed")
    field = needed.get_by_role("group", name="Reference date for relative dates")
    expect(field).to_be_visible()
    expect(field).to_be_in_viewport()
    assert field.bounding_box()["y"] > error.bounding_box()["y"]  # under the message
    screenshot(page, "import-needs-reference-date")
    for part, typed in (("year", "2023"), ("month", "02"), ("day", "07")):
        needed.get_by_role("spinbutton", name=f"{part}, Reference date for relative dates"
                           ).press_sequentially(typed)
    # Typing moves the calendar to the date; choosing the day there sets it.
    page.get_by_role("gridcell").get_by_text("7", exact=True).first.click()
    wait_idle(page)
    expect(page.get_by_text("2 rows read, 2 kept, 0 duplicates, 0 rejected")).to_be_visible()


def test_a_saved_trustpilot_page(page: Page, app_url: str, tmp_path: Path) -> None:
    path = tmp_path / "Fernhollow Bikes Reviews.html"
    path.write_bytes((FIXTURES / "trustpilot_saved_page.html").read_bytes())
    page.goto(f"{app_url}/import")
    wait_idle(page)
    upload(page, path)
    expect(page.get_by_text("5 rows read, 5 kept, 0 duplicates, 0 rejected")).to_be_visible()
    expect(page.get_by_text(re.compile(
        r"The saved Trustpilot page Fernhollow Bikes Reviews\.html showed TrustScore 4\.3 "
        r"with 1,234 reviews on \d+ \w+ \d{4}, \d\d:\d\d UTC\."))).to_be_visible()
    screenshot(page, "import-saved-page")
    assert page.evaluate("window.__pwned") is None  # the <script> title stayed text
    assert page.locator("img[src=x]").count() == 0
