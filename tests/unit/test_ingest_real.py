"""The importer on the real, publicly scraped exports in ../shared/data/real.

The files are read in place and never copied into the repository; the
``real_data`` fixture (tests/conftest.py) skips these tests when the folder is
missing, unless TRUSTLENS_REQUIRE_REAL_DATA=1 (CI), in which case they fail.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scoring.ingest import load_many, load_reviews
from tests.helpers import assert_accounting

pytestmark = pytest.mark.real_data

PET_INSURANCE = "trustpilot-pet-insurance"
GOOGLE_MAPS = "google-maps-amsterdam"
DEUTSCHE_BAHN = "trustpilot-deutsche-bahn-de"
SCRAPE_DATE = "2023-02-07"


def csv_files(root: Path, folder: str) -> list[Path]:
    files = sorted((root / folder).glob("*.csv"))
    assert files, f"no CSV files in {root / folder}"
    return files



def options_for(folder: str) -> dict:
    return {"reference_date": SCRAPE_DATE} if folder == GOOGLE_MAPS else {}


def all_files(root: Path) -> list[tuple[str, Path]]:
    return [
        (folder, path)
        for folder in (PET_INSURANCE, GOOGLE_MAPS, DEUTSCHE_BAHN)
        for path in csv_files(root, folder)
    ]


def test_every_real_file_imports_with_nothing_lost(real_data: Path) -> None:
    files = sorted(p for p in real_data.rglob("*") if p.is_file() and p.suffix.lower() != ".md")
    assert len(files) >= 18
    for path in files:
        result = load_reviews(path, **options_for(path.parent.name))
        assert_accounting(result)
        assert result.report.kept > 0, path.name


def test_pet_insurance(real_data: Path) -> None:
    files = csv_files(real_data, PET_INSURANCE)
    assert len(files) == 10
    result = load_many(files)
    assert_accounting(result)
    report = result.report
    assert report.rows_read == 26_878
    assert report.kept == 26_878
    assert report.duplicates == 0 and report.rejected == 0
    assert report.mapping["created_at"] == "published"  # not the experience date
    assert report.mapping["rating"] == "rating"
    assert report.flag_columns == {"filtered": "filtered", "pending": "pending"}
    assert "source" not in report.mapping  # that column holds page URLs
    assert result.reviews["company"].nunique() == 10
    assert result.reviews["counts"].all()
    assert report.date_min.year == 2015 and report.date_max.year == 2024
    assert report.encoding == "utf-8"
    # Multi-line texts with Windows line endings stay inside their review.
    assert result.reviews["text"].str.contains("\r\n", regex=False).any()


def test_google_maps_amsterdam(real_data: Path) -> None:
    files = csv_files(real_data, GOOGLE_MAPS)
    assert len(files) == 7
    with pytest.raises(Exception, match="reference_date") as info:
        load_reviews(files[0])
    assert files[0].name in str(info.value)
    result = load_many(files, reference_date=SCRAPE_DATE)
    assert_accounting(result)
    report = result.report
    assert report.rows_read == 5_160
    assert report.rejected == 0
    # Reviews repeated with only the unnamed index column differing. Star-only reviews
    # alike in rating and relative date are kept (51 of them; nothing tells them apart).
    assert report.duplicates == 93
    assert report.kept == 5_067
    alike = [w for w in report.warnings if "star-only reviews (no text) with the same" in w]
    assert [w.split(":")[0] for w in alike] == ["1-tat-doener.csv", "amstelhaven.csv"]
    assert "Unnamed: 0" not in report.mapping.values()
    assert report.mapping["rating"] == "Review Rate"
    assert result.reviews["company"].nunique() == 7
    assert report.date_max <= pd.Timestamp(SCRAPE_DATE, tz="UTC")


def test_deutsche_bahn(real_data: Path) -> None:
    (path,) = csv_files(real_data, DEUTSCHE_BAHN)
    result = load_reviews(path)
    assert_accounting(result)
    report = result.report
    assert report.rows_read == 6_298
    assert report.duplicates == 3_680
    assert report.kept == 2_618
    assert report.rejected == 0
    assert report.mapping["rating"] == "sterne"  # not the review count 'bewertung'
    assert "bewertung" not in report.candidates["rating"]
    assert report.mapping["created_at"] == "date"
    assert set(result.reviews["rating"].unique()) <= {1, 2, 3, 4, 5}
    assert report.date_max == pd.Timestamp("2023-10-02", tz="UTC")
    assert any("dates of experience" in w for w in report.warnings)


def test_all_real_files_together(real_data: Path) -> None:
    files = [path for _, path in all_files(real_data)]
    result = load_many(files, reference_date=SCRAPE_DATE)
    assert_accounting(result)
    assert result.report.rows_read == 26_878 + 5_160 + 6_298
    assert len(result.report.files) == 18
