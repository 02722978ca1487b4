"""The Themes page under AppTest: its tables against the engine on the demo, exclusions,
a term's reviews, the period and group controls, empty states and hostile text."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring import text
from tests.app.conftest import APP, ROOT
from ui import export
from ui.data import DEMO_PATH, Dataset
from ui.themes import sections
from ui.themes import text as words

# The first run in a process loads scikit-learn and the lemmatiser's dictionaries.
TIMEOUT = 120
COMPANY = ("bramblegate", "home", "insurance")  # the demo's company words, left out


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return scoring.load_reviews(DEMO_PATH).reviews


@pytest.fixture(scope="module")
def demo_terms(demo: pd.DataFrame) -> text.TermMatrix:
    return text.term_matrix(demo)


def open_themes(dataset: Dataset | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if dataset is not None:
        at.session_state["uploads"] = {dataset.key: dataset}
        at.session_state["dataset"] = dataset.key
    at.switch_page(str(ROOT / "app_pages" / "themes.py"))
    at.run()
    assert not at.exception, at.exception
    return at


def frame(at: AppTest, column: str, nth: int = 0) -> pd.DataFrame:
    """The ``nth`` data frame of the page with ``column``."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    return found[nth]


def all_terms(at: AppTest) -> set[str]:
    return {t for d in at.dataframe if "Term" in d.value.columns for t in d.value["Term"]}


def texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                    + [i.value for i in at.info])


def test_the_page_shows_the_engines_lists_on_the_demo(demo: pd.DataFrame,
                                                      demo_terms: text.TermMatrix) -> None:
    at = open_themes()
    assert at.title[0].value == "Themes"
    expected = text.low_vs_high(demo_terms, demo, exclude=COMPANY)
    low, high = frame(at, "Term", 0), frame(at, "Term", 1)
    assert list(low["Term"]) == list(expected.typical_of_a(15)["term"])
    assert list(high["Term"]) == list(expected.typical_of_b(15)["term"])
    assert {"portal", "migration"} <= set(low["Term"])  # the incident
    assert (low["Reviews"] > 0).all() and set(low["How clear"]) <= {
        "very clear", "clear", "likely", "could be chance"}
    top = expected.typical_of_a(1).iloc[0]
    assert low["Reviews"].iloc[0] == top["reviews_a"]
    assert low["Share"].iloc[0] == pytest.approx(top["share_a"] * 100)  # shown in %
    assert words.term_sentence(top, "1-2 stars", "4-5 stars") in texts(at)
    themes = frame(at, "Mean stars")
    assert len(themes) == 6 and themes["Reviews"].sum() > 0
    assert len(at.get("plotly_chart")) == 3
    assert not frame(at, "Reviews now").empty
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download the term table (CSV)", "Download the themes (CSV)",
                      "Download the rising terms (CSV)", "Download these reviews (CSV)",
                      "Download an HTML snapshot"]
    assert any(e.label == "How terms are found" for e in at.expander)
    method = next(e for e in at.expander if e.label == "How terms are found")
    said = " ".join(m.value for m in method.markdown)
    assert "Fightin' Words" in said and "Counts are reviews, not uses" in said
    assert "bramblegate, home, insurance" in said and "All 14,891 reviews" in said


def test_left_out_words_leave_every_list(demo: pd.DataFrame) -> None:
    at = open_themes()
    assert "portal" in all_terms(at)
    at.text_input(key=sections.EXCLUDE).set_value("Portal, migration ;  hold").run()
    assert not at.exception
    shown = all_terms(at)
    assert not any({"portal", "migration", "hold"} & set(t.split()) for t in shown), shown
    kept = frame(at, "Term", 0)["Term"].iloc[0]
    assert kept and not {"portal", "migration", "hold"} & set(kept.split())
    themes = frame(at, "Mean stars")
    assert not themes["Words"].str.contains(r"\b(?:portal|migration|hold)\b").any()
    options = at.selectbox(key=sections.TERM).options
    assert "portal" not in options and kept in options


def test_the_company_name_is_left_out_until_included() -> None:
    reviews = synthetic(300, company="Widgetco Gadgets")
    dataset = Dataset("up-wc", "widgetco.csv", reviews, "widgetco-hash", "upload")
    at = open_themes(dataset)
    assert not any("gadgets" in t.split() for t in all_terms(at))
    box = at.checkbox(key=sections.KEEP_COMPANY)
    assert "widgetco, gadgets" in box.label
    box.uncheck().run()
    assert not at.exception
    assert any("gadgets" in t.split() for t in all_terms(at))


def test_a_selected_term_shows_only_its_reviews(demo: pd.DataFrame,
                                                demo_terms: text.TermMatrix) -> None:
    at = open_themes()
    at.selectbox(key=sections.TERM).set_value("migration").run()
    assert not at.exception
    reviews = frame(at, "Text", -1)
    used = demo_terms.reviews_using("migration")
    assert len(reviews) == min(len(used), sections.REVIEWS_SHOWN)
    written = (reviews["Title"].fillna("") + " " + reviews["Text"].fillna("")).str.lower()
    assert written.str.contains("migrat").all()
    assert reviews["Date"].is_monotonic_decreasing
    assert f"{len(used):,} reviews use “migration”" in texts(at)


def test_the_period_and_the_comparison_follow_their_controls(demo: pd.DataFrame,
                                                             demo_terms: text.TermMatrix) -> None:
    at = open_themes()
    assert "clearly more used than before" in texts(at)  # the last 90 days, in words
    at.segmented_control(key=sections.DAYS).set_value(365).run()
    assert not at.exception
    end = demo["created_at"].max() + pd.Timedelta(1, "ns")
    expected = text.period_vs_before(demo_terms, demo, end - pd.Timedelta(days=365), end,
                                     exclude=COMPANY)
    assert list(frame(at, "Reviews now")["Term"]) == list(expected.typical_of_a(15)["term"])
    assert f"({expected.size_a:,} reviews) against" in texts(at)
    at.segmented_control(key=sections.STARS).set_value("low").run()
    assert "1-2 star reviews) against" in texts(at)
    at.segmented_control(key=sections.AGAINST).set_value("location").run()
    assert not at.exception
    at.selectbox(key="themes_group_location").set_value("Leeds").run()
    assert not at.exception
    assert "reviews of Leeds against" in texts(at)
    assert "Reviews Leeds" in frame(at, "Reviews rest").columns


def test_the_window_and_the_number_of_themes(demo: pd.DataFrame,
                                             demo_terms: text.TermMatrix) -> None:
    at = open_themes()
    at.date_input(key="dates").set_value(
        (pd.Timestamp("2025-07-14").date(), pd.Timestamp("2025-10-31").date())).run()
    assert not at.exception
    start = pd.Timestamp("2025-07-14", tz="UTC")
    end = pd.Timestamp("2025-11-01", tz="UTC") - pd.Timedelta(1, "ns")
    upto = demo[demo["created_at"] <= end]
    window = upto[upto["created_at"] >= start]
    expected = text.low_vs_high(text.term_matrix(upto), window, exclude=COMPANY)
    assert f"{expected.size_a:,} reviews with 1-2 stars against {expected.size_b:,}" in texts(at)
    assert list(frame(at, "Term", 0)["Term"]) == list(expected.typical_of_a(15)["term"])
    themes = frame(at, "Mean stars")
    assert themes["Reviews"].sum() <= len(window)
    at.slider(key=sections.N_THEMES).set_value(4).run()
    assert not at.exception
    assert len(frame(at, "Mean stars")) == 4


def test_a_dataset_without_text_says_so(demo: pd.DataFrame) -> None:
    bare = demo.drop(columns=["title", "text"])
    at = open_themes(Dataset("up-bare", "bare.csv", bare, "bare-hash", "upload"))
    assert at.info[0].value == words.NO_TEXT
    assert not at.dataframe and not at.get("plotly_chart")


def test_empty_texts_and_too_few_low_reviews(demo: pd.DataFrame) -> None:
    blank = demo.assign(title=None, text=None)
    at = open_themes(Dataset("up-blank", "blank.csv", blank, "blank-hash", "upload"))
    assert "have no word or phrase used by at least 3 reviews" in at.info[0].value
    happy = synthetic(200, low_share=0.02)
    at = open_themes(Dataset("up-happy", "happy.csv", happy, "happy-hash", "upload"))
    assert "Too few 1-2 star reviews here" in texts(at)
    assert "Rising in this period" in [h.value for h in at.subheader]  # the rest still shows


HOSTILE = (
    "<script>window.__pwned=1</script>",
    "=cmd|' /C calc'!A0",
    "**x** [link](javascript:alert(1)) :red[y]",
    "@SUM(A1:A2)",
    "+1 -2",
)


def synthetic(n: int, *, company: str | None = None, low_share: float = 0.3,
              hostile: bool = False) -> pd.DataFrame:
    """``n`` reviews over two years: low ones about a portal and gadgets arriving late,
    high ones about quick friendly service (and, with ``hostile``, hostile strings)."""
    rng = np.random.default_rng(7)
    low = rng.random(n) < low_share
    when = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
        np.sort(rng.uniform(0, 730, n)), unit="D")
    low_texts = ["The portal kept failing and the gadgets arrived late.",
                 "Portal broken again, gadgets never came.", "Refund refused, portal down."]
    high_texts = ["Quick friendly service, gadgets arrived early.",
                  "Friendly staff and quick delivery.", "Great value, quick and friendly."]
    rows = []
    for i in range(n):
        texts_ = low_texts if low[i] else high_texts
        body = texts_[i % 3]
        title = "Awful portal" if low[i] else "Lovely"
        if hostile and i % 5 == 0:
            title = HOSTILE[(i // 5) % len(HOSTILE)]
            body = f"{HOSTILE[(i // 5 + 1) % len(HOSTILE)]} portal"
        rows.append({"created_at": when[i], "rating": int(rng.choice([1, 2]) if low[i]
                                                          else rng.choice([4, 5])),
                     "title": title, "text": body})
    frame_ = pd.DataFrame(rows)
    frame_["rating"] = frame_["rating"].astype("int64")
    if company is not None:
        frame_["company"] = company
    return frame_


@pytest.fixture
def csv_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """Every CSV the page builds, as bytes."""
    made: list[bytes] = []
    original = export.safe_csv

    def record(table: pd.DataFrame, *, index: bool = True) -> bytes:
        out = original(table, index=index)
        made.append(out)
        return out

    monkeypatch.setattr(export, "safe_csv", record)
    # The files are built when their button is clicked; build them when drawn instead, so
    # the test reads what a click would download.
    from ui import data as datasets

    monkeypatch.setattr(datasets, "dataset_export", lambda dataset, name, build: build())
    yield made


def test_hostile_text_stays_text_and_the_csv_is_safe(csv_calls: list[bytes]) -> None:
    reviews = synthetic(150, hostile=True)
    at = open_themes(Dataset("up-evil", "evil.csv", reviews, "evil-hash", "upload"))
    at.selectbox(key=sections.TERM).set_value("portal").run()
    assert not at.exception
    table = frame(at, "Text", -1)
    shown = set(table["Title"]) | set(table["Text"])
    assert set(HOSTILE) <= shown  # exactly as written, in the data frame
    for element in [*at.markdown, *at.caption, *at.info]:
        assert "<script>" not in element.value and "calc'" not in element.value
        assert "javascript:" not in element.value
    found = [c.decode("utf-8-sig") for c in csv_calls if b"calc" in c]
    assert found, "the reviews' CSV was not built"
    csv = found[-1]
    assert "'=cmd|' /C calc'!A0" in csv and "'@SUM(A1:A2)" in csv and "'+1 -2" in csv
    cells = pd.read_csv(io.StringIO(csv))
    for column in cells.columns:
        if not pd.api.types.is_numeric_dtype(cells[column]):
            assert not cells[column].dropna().astype(str).str.match(r"[=+\-@]").any()


def test_no_page_or_themes_module_passes_raw_html() -> None:
    for path in [ROOT / "app_pages" / "themes.py", *(ROOT / "ui" / "themes").glob("*.py")]:
        source = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in source and "st.html" not in source, path
