"""Server-side rerun times of the app's pages, measured with Streamlit's AppTest.

AppTest runs ``app.py`` in this process exactly as the server would for one browser
session (the script, the caches, the widgets; no browser, no network), so a rerun's
wall time is the server's share of what a user waits for after changing a control.

- :func:`bench_half_life_change`: a canonical dataset of ``rows`` seeded reviews
  (1,000,000 by default, with the columns the importer makes of a Trustpilot export)
  is put in the session as an upload and opened on the Trends or Overview page; after
  a cold and a warm run, each timed run picks a different half-life in the sidebar
  (never one seen before in the session, so no cached score can answer it).
  Target: at most 1 s on the Trends page.
- :func:`bench_model_change`: the same dataset and pages; each timed run switches the
  sidebar's score model (the ``model`` segmented control) to the other form, from
  "trustpilot" to "decayed-prior" and back. No score series is cached (only what no
  model setting changes is), so every switch recomputes them. Target: at most 1 s.
- :func:`bench_planner_change`: the Planner on the demo data; each timed run sets a
  different number of review requests on its first channel (what the channels editor
  sends after an edit; the projection, goal seek and charts rerun). Target: at most
  1.5 s.

Caches are cleared before each page, and the workspace is a temporary file, never
the user's. Run alone with ``python -m benchmarks.bench_app`` (prints JSON).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from benchmarks.data import canonical_reviews
from benchmarks.timing import Timing

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGES = ROOT / "app_pages"
ROWS = 1_000_000
HALF_LIVES = (30, 61, 91, 122, 365, 547, 730)
"""Half-lives the timed runs pick in turn: all differ from the default 182.5 days."""
HALF_LIFE_TARGET_S = 1.0
MODEL_CHANGES = 7
"""Timed switches of the score model, alternating from the default."""
MODEL_TARGET_S = 1.0
PLANNER_TARGET_S = 1.5
DATASET_KEY = "upload-benchmark"
TIMEOUT_S = 600

# Clearing caches outside a server run logs harmless warnings; keep the output readable.
for _name in ("streamlit.runtime.caching.cache_data_api",
              "streamlit.runtime.scriptrunner_utils.script_run_context"):
    logging.getLogger(_name).setLevel(logging.ERROR)


@contextlib.contextmanager
def private_workspace() -> Iterator[None]:
    """Point ``TRUSTLENS_WORKSPACE`` at a temporary file for the duration."""
    before = os.environ.get("TRUSTLENS_WORKSPACE")
    with tempfile.TemporaryDirectory(prefix="trustlens-bench-ws-") as folder:
        os.environ["TRUSTLENS_WORKSPACE"] = str(Path(folder) / "workspace.duckdb")
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("TRUSTLENS_WORKSPACE", None)
            else:
                os.environ["TRUSTLENS_WORKSPACE"] = before


def _clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _timed_run(at: AppTest) -> float:
    began = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - began
    if at.exception:
        raise RuntimeError(f"The page raised: {[e.value for e in at.exception]}")
    return seconds


def _open_page(page: str, dataset) -> tuple[AppTest, float, float]:
    """A fresh session on ``page`` with ``dataset`` in view: (the app, cold s, warm s)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.session_state["uploads"] = {dataset.key: dataset}
    at.session_state["dataset"] = dataset.key
    if page != "home.py":
        at.switch_page(str(PAGES / page))
    cold = _timed_run(at)
    if at.selectbox(key="dataset").value != dataset.key:
        raise RuntimeError("The benchmark dataset is not the one in view.")
    warm = _timed_run(at)
    return at, cold, warm


def benchmark_dataset(rows: int, seed: int = 1):  # -> ui.data.Dataset
    """``rows`` seeded reviews as an uploaded dataset of this session."""
    from ui.data import Dataset  # streamlit-side: imported only when run

    reviews = canonical_reviews(rows, seed=seed, columns="export")
    content_hash = hashlib.sha256(f"benchmark|{rows}|{seed}".encode()).hexdigest()
    return Dataset(DATASET_KEY, f"Benchmark: {rows:,} reviews", reviews, content_hash, "upload")


def bench_half_life_change(
    page: str = "trends.py",
    rows: int = ROWS,
    half_lives: tuple[float, ...] = HALF_LIVES,
    *,
    dataset=None,
) -> dict[str, object]:
    """Rerun time of ``page`` after a half-life change with ``rows`` reviews loaded."""
    dataset = dataset if dataset is not None else benchmark_dataset(rows)
    with private_workspace():
        _clear_caches()
        at, cold, warm = _open_page(page, dataset)
        times = []
        for half_life in half_lives:
            at.select_slider(key="half_life").set_value(half_life)
            times.append(_timed_run(at))
        checks = {m.label: m.value for m in at.metric}
        _clear_caches()
    if page == "home.py" and checks.get("Reviews") != f"{len(dataset.reviews):,}":
        raise RuntimeError(f"The Overview does not show every review: {checks!r}")
    return {
        "page": page,
        "rows": len(dataset.reviews),
        "cold_s": cold,
        "warm_s": warm,
        "half_lives": list(half_lives),
        "timing": Timing(tuple(times)).as_dict(),
        "metrics": checks,
    }


def bench_model_change(
    page: str = "trends.py",
    rows: int = ROWS,
    changes: int = MODEL_CHANGES,
    *,
    dataset=None,
) -> dict[str, object]:
    """Rerun time of ``page`` after a switch of the score model with ``rows`` reviews.

    The session starts on the default model; each timed run sets the other one
    ("decayed-prior", then "trustpilot", ...) with the sidebar's ``model`` control,
    and checks that the page now names it.
    """
    from ui.format import escape_markdown  # streamlit-side: imported only when run
    from ui.settings import MODEL_NAMES, ModelSettings

    dataset = dataset if dataset is not None else benchmark_dataset(rows)
    with private_workspace():
        _clear_caches()
        at, cold, warm = _open_page(page, dataset)
        current = at.segmented_control(key="model").value
        if current not in MODEL_NAMES:
            raise RuntimeError(f"The sidebar's model control holds {current!r}.")
        models, times = [], []
        for _ in range(changes):
            other = next(name for name in MODEL_NAMES if name != current)
            at.segmented_control(key="model").set_value(other)
            times.append(_timed_run(at))
            shown = " ".join(str(c.value) for c in at.caption)
            # A caption describes the view: the model's name and its (default) settings.
            if escape_markdown(ModelSettings(model=other).describe()) not in shown:
                raise RuntimeError(f"The page does not show the {other!r} model: {shown!r}")
            models.append(other)
            current = other
        _clear_caches()
    return {
        "page": page,
        "rows": len(dataset.reviews),
        "cold_s": cold,
        "warm_s": warm,
        "models": models,
        "timing": Timing(tuple(times)).as_dict(),
    }


def bench_planner_change(changes: int = 7) -> dict[str, object]:
    """Rerun time of the Planner (demo data) after a change of one channel's requests."""
    from ui.planner import keys
    from ui.planner.channels import REQUESTS

    with private_workspace():
        _clear_caches()
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        at.switch_page(str(PAGES / "planner.py"))
        cold = _timed_run(at)
        warm = _timed_run(at)
        base = float(at.session_state[keys.CHANNELS][0].requests_per_month)
        step = 50.0
        # Alternate around the default so that every value is new.
        values = [max(base + step * (k // 2 + 1) * (1 if k % 2 == 0 else -1), 0.0)
                  for k in range(changes)]
        times = []
        for value in values:
            editor = keys.channel_editor(at.session_state[keys.CHANNELS_VERSION])
            at.session_state[editor] = {"edited_rows": {0: {REQUESTS: value}},
                                        "added_rows": [], "deleted_rows": []}
            times.append(_timed_run(at))
            if at.session_state[keys.CHANNELS][0].requests_per_month != value:
                raise RuntimeError("The edit did not reach the planner's channels.")
        _clear_caches()
    return {
        "page": "planner.py",
        "dataset": "demo",
        "cold_s": cold,
        "warm_s": warm,
        "requests": values,
        "timing": Timing(tuple(times)).as_dict(),
    }


if __name__ == "__main__":
    data = benchmark_dataset(ROWS)
    print(json.dumps({
        "trends": bench_half_life_change("trends.py", dataset=data),
        "overview": bench_half_life_change("home.py", dataset=data),
        "trends_model": bench_model_change("trends.py", dataset=data),
        "overview_model": bench_model_change("home.py", dataset=data),
        "planner": bench_planner_change(),
    }, indent=2, default=str))
