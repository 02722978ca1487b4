"""The Portfolio page with 10,000 locations x 100 reviews: server-side rerun times.

A canonical dataset of ``groups`` x ``per_group`` seeded reviews (the columns the
importer makes of a Trustpilot export, with replies; every location holds exactly
``per_group`` reviews) is put in an AppTest session as an upload and opened on the
Portfolio page. The first load scores every group (cached); each timed rerun after
it is what a user's change costs: in turn a new search term, a new at-risk horizon
(the expected paths of every group recomputed), a label filter and a plain rerun.
Target: each at most 2 s after the first load. The engine's own parts (the table,
the sparklines, the at-risk list) are timed apart for the report.

:func:`browser` measures the same in Chromium against a real server (the dataset saved
in a temporary workspace and opened by its ``?dataset=`` key): the first open until the
grid's first cell holds the best location, then each search typed until the server's
rerun has ended and the grid shows the first match, so the browser's own drawing of
the 10,000-row table is included.

Run alone with ``python -m benchmarks.bench_portfolio [--browser]`` (prints JSON).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from benchmarks.bench_app import APP, PAGES, TIMEOUT_S, _clear_caches, _timed_run, private_workspace
from benchmarks.data import canonical_reviews
from benchmarks.timing import measure

GROUPS = 10_000
PER_GROUP = 100
TARGET_S = 2.0
DATASET_KEY = "upload-portfolio-benchmark"
SEARCHES = ("Location 00", "Location 01", "7", "Location 099", "")
HORIZONS = (30, 60, 180, 365, 90)


def portfolio_reviews(groups: int = GROUPS, per_group: int = PER_GROUP, seed: int = 1
                      ) -> pd.DataFrame:
    """``groups * per_group`` seeded reviews, ``per_group`` per location (shuffled over
    time, so every location spans the whole history)."""
    reviews = canonical_reviews(groups * per_group, seed=seed, columns="export")
    rng = np.random.default_rng(seed)
    codes = rng.permutation(np.repeat(np.arange(groups), per_group))
    names = np.array([f"Location {g:05d}" for g in range(groups)], dtype=object)
    return reviews.assign(location=pd.array(names[codes], dtype="str"))


def _dataset(reviews: pd.DataFrame, groups: int, per_group: int):  # -> ui.data.Dataset
    from ui.data import Dataset  # streamlit-side: imported only when run

    digest = hashlib.sha256(f"portfolio|{groups}|{per_group}".encode()).hexdigest()
    return Dataset(DATASET_KEY, f"Benchmark: {groups:,} locations", reviews, digest, "upload")


def _engine_times(reviews: pd.DataFrame, repeats: int) -> dict[str, object]:
    from scoring import portfolio
    from scoring.model import ScoreParams

    params = ScoreParams()
    table = portfolio.portfolio_table(reviews, "location", params=params)
    return {
        "portfolio_table": measure(lambda: portfolio.portfolio_table(
            reviews, "location", params=params), repeats).as_dict(),
        "sparklines": measure(lambda: portfolio.monthly_sparklines(
            reviews, "location", params=params), repeats).as_dict(),
        "reply_figures": measure(lambda: portfolio.reply_figures(
            reviews, "location"), repeats).as_dict(),
        "at_risk_90_days": measure(lambda: portfolio.at_risk(
            table, params, horizon_days=90), repeats).as_dict(),
    }


def run(groups: int = GROUPS, per_group: int = PER_GROUP, reruns: int = 5,
        engine_repeats: int = 3) -> dict[str, object]:
    """The Portfolio page's first load and ``reruns`` timed reruns after it, each after a
    different change (search, horizon, label filter), with the engine's parts apart."""
    began = time.perf_counter()
    reviews = portfolio_reviews(groups, per_group)
    dataset = _dataset(reviews, groups, per_group)
    generate_s = time.perf_counter() - began
    changes: list[tuple[str, object]] = []
    for step in range(reruns):
        kind = ("search", "horizon", "labels")[step % 3]
        value: object = {
            "search": SEARCHES[step % len(SEARCHES)],
            "horizon": HORIZONS[step % len(HORIZONS)],
            "labels": [["Great"], ["Excellent", "Average"], []][step % 3],
        }[kind]
        changes.append((kind, value))
    with private_workspace():
        _clear_caches()
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        at.session_state["uploads"] = {dataset.key: dataset}
        at.session_state["dataset"] = dataset.key
        at.switch_page(str(PAGES / "portfolio.py"))
        cold = _timed_run(at)
        rows_shown = len(at.dataframe[-1].value)
        groups_counted = int(str(at.metric[0].value).replace(",", ""))
        warm = _timed_run(at)
        times = []
        for kind, value in changes:
            if kind == "search":
                at.text_input(key="portfolio_search").set_value(value)
            elif kind == "horizon":
                at.select_slider(key="portfolio_horizon").set_value(value)
            else:
                at.multiselect(key="portfolio_labels").set_value(value)
            times.append(_timed_run(at))
        at_risk = int(str(at.metric[1].value).replace(",", ""))
        _clear_caches()
    from ui.portfolio import PAGE_ROWS

    if groups_counted != groups or rows_shown != min(groups, PAGE_ROWS):
        raise RuntimeError(f"The page counts {groups_counted} groups and shows "
                           f"{rows_shown} rows; expected {groups} and a page of "
                           f"{min(groups, PAGE_ROWS)}.")
    median = float(np.median(times))
    return {
        "groups": groups,
        "per_group": per_group,
        "rows": len(reviews),
        "generate_s": generate_s,
        "first_load_s": cold,
        "warm_rerun_s": warm,
        "changes": [f"{kind}={value!r}" for kind, value in changes],
        "rerun_times_s": times,
        "rerun_median_s": median,
        "rerun_max_s": max(times),
        "at_risk_groups": at_risk,
        "engine": _engine_times(reviews, engine_repeats),
        "target_s": TARGET_S,
        "met": max(times) <= TARGET_S,
    }


IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
BROWSER_SEARCHES = ("Location 00001", "Location 00", "Location 0000", "5")


def _first_cell(page, expected: str, timeout_ms: float) -> None:  # page: playwright Page
    """Wait until the last grid on the page (the table of every location) shows
    ``expected`` in its first row's name cell."""
    page.wait_for_function(
        "(text) => { const grids = document.querySelectorAll('[data-testid=stDataFrame]'); "
        "if (!grids.length) return false; "
        "const c = grids[grids.length - 1].querySelector('[data-testid=glide-cell-1-0]'); "
        "return c !== null && c.textContent.trim() === text; }",
        arg=expected, timeout=timeout_ms, polling=50,
    )


def browser(groups: int = GROUPS, per_group: int = PER_GROUP) -> dict[str, object]:
    """The Portfolio page in Chromium against a real server: the first open and each
    search until the grid shows its first match (seconds, wall clock)."""
    from playwright.sync_api import sync_playwright

    from benchmarks.bench_pages import VIEWPORT, chromium, streamlit_server
    from scoring import portfolio
    from scoring.store import Workspace
    from tests.e2e.conftest import CHROMIUM_ARGS

    executable = chromium()
    if executable is None:
        raise RuntimeError("Chromium is not installed (apt-get install -y chromium)")
    reviews = portfolio_reviews(groups, per_group)
    table = portfolio.portfolio_table(reviews, "location")
    order = table.index.astype(str)[np.argsort(-table["score"].to_numpy(), kind="stable")]
    firsts = {term: next(n for n in order if term.lower() in n.lower())
              for term in BROWSER_SEARCHES}
    with tempfile.TemporaryDirectory(prefix="trustlens-bench-portfolio-") as folder:
        with Workspace(Path(folder) / "app.duckdb") as workspace:
            info = workspace.save_dataset("Portfolio benchmark", reviews)
        with streamlit_server(APP, Path(folder), "app") as url, sync_playwright() as pw:
            chrome = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                        headless=True)
            try:
                page = chrome.new_page(viewport=dict(VIEWPORT))
                began = time.perf_counter()
                # A bound selectbox takes its option's label in the URL, not its key.
                label = urllib.parse.quote(f"Saved: {info.name}")
                page.goto(f"{url}/portfolio?dataset={label}", wait_until="commit")
                try:
                    _first_cell(page, order[0], 120_000)
                except Exception:
                    page.screenshot(path=str(Path(folder) / "failed.png"))
                    page.screenshot(path="/tmp/bench_portfolio_failed.png")
                    raise
                first_open = time.perf_counter() - began
                page.wait_for_selector(IDLE, timeout=600_000)
                box = page.get_by_label("Search by name")
                times = []
                for term in BROWSER_SEARCHES:
                    box.fill(term)
                    began = time.perf_counter()
                    box.press("Enter")
                    _first_cell(page, firsts[term], 60_000)
                    page.wait_for_selector(IDLE, timeout=60_000)
                    times.append(time.perf_counter() - began)
            finally:
                chrome.close()
    return {
        "groups": groups,
        "rows": len(reviews),
        "first_open_s": first_open,
        "searches": list(BROWSER_SEARCHES),
        "search_times_s": times,
        "search_median_s": float(np.median(times)),
        "search_max_s": max(times),
        "target_s": TARGET_S,
        "met": max(times) <= TARGET_S,
    }


if __name__ == "__main__":
    result = browser() if "--browser" in sys.argv[1:] else run()
    print(json.dumps(result, indent=2, default=str))
