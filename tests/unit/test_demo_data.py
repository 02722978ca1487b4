"""Tests for the bundled demo dataset (data/demo_reviews.csv) and its generator."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import scoring

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
CSV_PATH = DATA_DIR / "demo_reviews.csv"
EXPECTED_COLUMNS = [
    "Review ID",
    "Review Created (UTC)",
    "Review Consumer User ID",
    "Review Title",
    "Review Content",
    "Review Stars",
    "Source Of Review",
    "Review Language",
    "Domain URL",
    "Webshop Name",
    "Business Unit ID",
    "Tags",
    "Company Reply Date (UTC)",
    "Company Response",
    "Location Name",
    "Location ID",
]


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    """The generator module, loaded from its file (data/ is not a package)."""
    spec = importlib.util.spec_from_file_location("generate_demo", DATA_DIR / "generate_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    """The committed CSV, every column read as text."""
    return pd.read_csv(CSV_PATH, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def days(df: pd.DataFrame) -> np.ndarray:
    """Creation time of each review, in days since the Unix epoch."""
    created = pd.to_datetime(df["Review Created (UTC)"], format="%Y-%m-%d %H:%M:%S.%f")
    return ((created - pd.Timestamp(0)) / pd.Timedelta(days=1)).to_numpy(dtype=float)


def _epoch_days(day: date) -> float:
    """Days since the Unix epoch at midnight UTC of ``day``."""
    return float((day - date(1970, 1, 1)).days)


def trust_score(days: np.ndarray, stars: np.ndarray, at: float, model: str = "trustpilot"
                ) -> float:
    """Naive TrustScore at ``at``: prior 7 @ 3.5, half-life 182.5 days, either model form."""
    mask = days <= at
    w = 2.0 ** (-(at - days[mask]) / 182.5)
    if model == "trustpilot":
        n = int(mask.sum())
        return float((7 * 3.5 + n * np.sum(w * stars[mask]) / np.sum(w)) / (7 + n))
    return float((7 * 3.5 + np.sum(w * stars[mask])) / (7 + np.sum(w)))


def test_regenerates_committed_file_byte_for_byte(gen: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    gen.main(["--out", str(out)])
    assert out.read_bytes() == CSV_PATH.read_bytes()


def test_generate_matches_csv(gen: ModuleType, df: pd.DataFrame) -> None:
    fresh = gen.generate().astype(str)
    pd.testing.assert_frame_equal(fresh.reset_index(drop=True), df.astype(str))


def test_file_format(df: pd.DataFrame) -> None:
    raw = CSV_PATH.read_bytes()
    assert b"\r" not in raw
    raw.decode("utf-8")
    assert list(df.columns) == EXPECTED_COLUMNS
    assert set(df["Review Stars"]) <= {"1", "2", "3", "4", "5"}
    assert df["Review Created (UTC)"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}").all()


def test_size_span_and_locations(df: pd.DataFrame, days: np.ndarray) -> None:
    assert 14_000 <= len(df) <= 16_000
    assert 3 * 365 - 30 <= days.max() - days.min() <= 3 * 365 + 5
    assert int(days.max()) == int(_epoch_days(date(2026, 10, 31)))
    assert df["Location Name"].nunique() == 3
    assert df["Location ID"].nunique() == 3


def test_sources_and_invited_rate_higher(df: pd.DataFrame) -> None:
    organic = df["Source Of Review"] == "Organic"
    assert organic.any() and (~organic).any()
    stars = df["Review Stars"].astype(int)
    assert stars[~organic].mean() > stars[organic].mean()


def test_review_id_prefix_is_creation_time(df: pd.DataFrame, days: np.ndarray) -> None:
    assert df["Review ID"].is_unique
    assert df["Review ID"].str.fullmatch("[0-9a-f]{24}").all()
    prefix = df["Review ID"].str[:8].apply(lambda h: int(h, 16)).to_numpy(dtype=float)
    assert np.all(np.abs(prefix - days * 86_400) <= 1.0)


def test_replies_follow_reviews_and_end_with_the_data(gen: ModuleType, df: pd.DataFrame
                                                     ) -> None:
    has = df["Company Reply Date (UTC)"] != ""
    assert 0 < has.mean() < 1
    assert df.loc[has, "Company Reply Date (UTC)"].str.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}").all()
    created = pd.to_datetime(df.loc[has, "Review Created (UTC)"])
    replied = pd.to_datetime(df.loc[has, "Company Reply Date (UTC)"])
    assert (replied > created).all()
    assert (replied < pd.Timestamp(gen.END + timedelta(days=1))).all()


def _reply_figures(df: pd.DataFrame, lo: date, hi: date) -> tuple[float, float, float]:
    """For 1-2 star reviews created in [lo, hi): the share answered, the median delay of
    the answers in hours, and the share answered within 24 hours."""
    created = pd.to_datetime(df["Review Created (UTC)"])
    replied = pd.to_datetime(df["Company Reply Date (UTC)"].replace("", None))
    low = df["Review Stars"].astype(int) <= 2
    mask = low & (created >= pd.Timestamp(lo)) & (created < pd.Timestamp(hi))
    hours = (replied[mask] - created[mask]) / pd.Timedelta(hours=1)
    return (float(replied[mask].notna().mean()), float(hours.median()),
            float((hours <= 24).mean()))


def test_reply_story_by_phase(gen: ModuleType, df: pd.DataFrame) -> None:
    """Customer care answers 1-2 star reviews well before the incident, is swamped
    during it, and ends better than before (from the campaign's start)."""
    before = _reply_figures(df, gen.START, gen.INCIDENT_START)
    during = _reply_figures(df, gen.INCIDENT_START, gen.INCIDENT_END + timedelta(days=1))
    recovery = _reply_figures(df, gen.INCIDENT_END + timedelta(days=1), gen.CAMPAIGN_START)
    after = _reply_figures(df, gen.CAMPAIGN_START, gen.END + timedelta(days=1))
    rate, median, within_day = before
    assert rate >= 0.7 and median <= 18 and within_day >= 0.5  # most within a day
    rate, median, within_day = during
    assert rate <= 0.4 and median >= 72 and within_day <= 0.1  # days late, most never
    rate, median, within_day = recovery
    assert rate >= before[0] and median <= before[1]  # back to normal at once
    rate, median, within_day = after
    assert rate >= 0.9 and median <= 8 and within_day >= 0.9  # better than ever
    assert rate > before[0] + 0.1 and median < before[1] / 2


def test_reply_rate_of_all_reviews_dips_then_ends_higher(gen: ModuleType, df: pd.DataFrame
                                                        ) -> None:
    """The dip shows in the rate over every review too, though the incident brings
    many more 1-2 star reviews (answered most often)."""
    created = pd.to_datetime(df["Review Created (UTC)"])
    has = df["Company Reply Date (UTC)"] != ""

    def rate(lo: date, hi: date) -> float:
        return float(has[(created >= pd.Timestamp(lo)) & (created < pd.Timestamp(hi))].mean())

    before = rate(gen.START, gen.INCIDENT_START)
    during = rate(gen.INCIDENT_START, gen.INCIDENT_END + timedelta(days=1))
    after = rate(gen.CAMPAIGN_START, gen.END + timedelta(days=1))
    assert during < before - 0.05 and after > before + 0.1


def test_positive_reviews_get_fewer_and_slower_replies(df: pd.DataFrame) -> None:
    has = df["Company Reply Date (UTC)"] != ""
    stars = df["Review Stars"].astype(int)
    hours = (pd.to_datetime(df.loc[has, "Company Reply Date (UTC)"])
             - pd.to_datetime(df.loc[has, "Review Created (UTC)"])) / pd.Timedelta(hours=1)
    assert has[stars >= 4].mean() < 0.25 < has[stars <= 2].mean()
    assert hours[stars[has] >= 4].median() > hours[stars[has] <= 2].median()


def test_reply_texts_go_with_reply_dates_and_are_plain(df: pd.DataFrame) -> None:
    text = df["Company Response"]
    assert ((text != "") == (df["Company Reply Date (UTC)"] != "")).all()
    replies = text[text != ""]
    assert replies.str.len().between(20, 250).all()
    assert (replies == replies.str.strip()).all()
    assert not replies.str.contains(r"[<>\r\n\t\"]").any()
    assert not replies.str[0].isin(list("=+-@")).any()  # nothing a spreadsheet would run
    assert replies.nunique() >= 100


def test_reply_texts_fit_their_situation(df: pd.DataFrame) -> None:
    has = df["Company Response"] != ""
    replies = df[has]
    text = replies["Company Response"]
    english = replies["Review Language"] == "en"
    stars = replies["Review Stars"].astype(int)
    hours = (pd.to_datetime(replies["Company Reply Date (UTC)"])
             - pd.to_datetime(replies["Review Created (UTC)"])) / pd.Timedelta(hours=1)
    apology = text.str.startswith(("Sorry for our slow reply", "Apologies for the delay"))
    assert (apology[english] == (hours[english] >= 48)).all()
    portal = english & (replies["Tags"] == "portal-migration") & (stars <= 3)
    assert portal.sum() >= 50 and text[portal].str.contains("portal").all()
    assert text[english & (stars >= 4)].str.contains("thank", case=False).all()
    assert text[english & (stars <= 2) & ~portal].str.contains("sorry|apologies", case=False).all()
    assert text[replies["Review Language"] == "cy"].str.contains("Diolch|Mae'n ddrwg").all()
    assert text[replies["Review Language"] == "pl"].str.contains("Dziękujemy|Przykro").all()


def test_review_texts_vary_and_tell_the_incident(gen: ModuleType, df: pd.DataFrame) -> None:
    """Many phrasings, plain text; the incident's 1-3 star reviews are about the portal
    migration, and nobody mentions the portal before it went wrong."""
    words = pd.concat([df["Review Title"], df["Review Content"]]).str.lower().str.findall(
        r"[a-z']+").explode()
    assert words.nunique() >= 400
    assert df["Review Content"].nunique() >= 2_000
    texts = df["Review Title"] + " " + df["Review Content"]
    assert not texts.str.contains(r"[<>\r\n\t\"]").any()
    english = df["Review Language"] == "en"
    stars = df["Review Stars"].astype(int)
    incident = english & (df["Tags"] == "portal-migration") & (stars <= 3)
    assert incident.sum() >= 300
    assert texts[incident].str.contains("portal|migration|log|system|upgrade", case=False).all()
    created = pd.to_datetime(df["Review Created (UTC)"])
    before = created < pd.Timestamp(gen.INCIDENT_START)
    assert not texts[before].str.contains("portal|migration", case=False).any()


def test_importer_keeps_every_row_and_reply(df: pd.DataFrame) -> None:
    """The importer reads the file as before: every row, every reply date. It may
    leave ``Company Response`` unmapped; once it maps it, every reply text arrives."""
    result = scoring.load_reviews(CSV_PATH)
    assert result.report.kept == len(df)
    assert result.report.mapping["reply_at"] == "Company Reply Date (UTC)"
    replies = int((df["Company Reply Date (UTC)"] != "").sum())
    assert int(result.reviews["reply_at"].notna().sum()) == replies
    if "reply_text" in result.reviews.columns:
        texts = result.reviews["reply_text"].fillna("").astype(str)
        assert int((texts != "").sum()) == replies


@pytest.mark.parametrize("model", ["trustpilot", "decayed-prior"])
def test_story_holds(gen: ModuleType, df: pd.DataFrame, days: np.ndarray, model: str) -> None:
    """Steady 'Great', the incident's drop, the campaign's recovery: under both models
    (reviews arrive every day, so the two forms differ by less than 0.01 here)."""
    stars = df["Review Stars"].astype(float).to_numpy()
    before = trust_score(days, stars, _epoch_days(gen.INCIDENT_START), model)
    grid = np.arange(_epoch_days(gen.INCIDENT_START), _epoch_days(gen.CAMPAIGN_START) + 1)
    worst = min(trust_score(days, stars, t, model) for t in grid)
    end = trust_score(days, stars, _epoch_days(gen.END + timedelta(days=1)), model)
    other = "decayed-prior" if model == "trustpilot" else "trustpilot"
    assert abs(end - trust_score(days, stars, _epoch_days(gen.END + timedelta(days=1)), other)
               ) < 0.01
    assert 3.8 <= before < 4.3  # steady "Great"
    assert worst <= before - 0.3
    assert end >= worst + 0.3
    assert 4.0 <= end <= 4.5


def test_volume_story(gen: ModuleType, df: pd.DataFrame, days: np.ndarray) -> None:
    organic = (df["Source Of Review"] == "Organic").to_numpy()
    start, inc0 = _epoch_days(gen.START), _epoch_days(gen.INCIDENT_START)
    inc1, camp0 = _epoch_days(gen.INCIDENT_END), _epoch_days(gen.CAMPAIGN_START)
    end = _epoch_days(gen.END) + 1

    def per_day(mask: np.ndarray, lo: float, hi: float) -> float:
        return float(np.sum(mask & (days >= lo) & (days < hi)) / (hi - lo))

    assert per_day(organic, inc0, inc1) > 1.5 * per_day(organic, start, inc0)
    assert per_day(~organic, camp0 + 30, end) > 2 * per_day(~organic, start, inc0)
