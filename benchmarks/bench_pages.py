"""Opening each page of the app in a new browser session, against a floor.

Two Streamlit servers run side by side: the app (``app.py``, a temporary workspace, the
demo data) and the floor (:mod:`benchmarks.floor_page`: one title and one plotly
chart). Chromium (Playwright, the system browser with the flags of the browser tests)
opens each URL in a NEW browser context (no cookies, no cache, a new Streamlit
session) and a script injected before the page loads records, in the page's own clock
(``performance.now()``, milliseconds since the navigation started):

- ``chart``: when the first plotly chart has drawn a trace (``.js-plotly-plot g.trace``);
- ``script``: when the server's first script run ended (``data-test-script-state``
  going from ``running`` to ``notRunning``), i.e. every element but the charts' drawing;
- ``element`` and ``plotly``: when the first chart's element appeared (Streamlit
  renders it once plotly.js, fetched on demand when the first chart arrives, has
  loaded and run), and when plotly began drawing it (``.js-plotly-plot``).

A page's time is its ``chart`` time; a page with no chart at first open (Check, Import:
they wait for a file) is timed to its ``script`` time, its main content, and says so.
Every page (and the floor) is opened once untimed first, so the server's caches and
imports are warm as for any user after the first; then the timed runs interleave floor
and page (floor, Overview, floor, Check, ...) for ``repeats`` rounds, so a change of
machine load hits both. The ratio is the page's median over the floor's median.
Target: at most 1.5x the floor for every page.

Beside the floor, two floors with shared parts (:data:`FLOOR_PARTS`: the sidebar's kinds
of widget; the sidebar and a table below the chart) open in the same rounds: what those
parts alone cost on this stack, with no data behind them, which is how much of a page's
ratio its content leaves.

Run alone with ``python -m benchmarks.bench_pages [--repeats N] [--pages Overview,Why]``
(prints JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
FLOOR = ROOT / "benchmarks" / "floor_page.py"
RATIO_TARGET = 1.5
VIEWPORT = {"width": 1440, "height": 900}
TIMEOUT_MS = 120_000
PARTS_VARIABLE = "TRUSTLENS_FLOOR_PARTS"  # read by benchmarks/floor_page.py


@dataclass(frozen=True)
class PageCase:
    """A page of the app: its name, URL path and whether it shows a chart at first open."""

    name: str
    path: str
    chart: bool = True


PAGES = (
    PageCase("Overview", ""),
    PageCase("Check", "check", chart=False),
    PageCase("Import", "import", chart=False),
    PageCase("Trends", "trends"),
    PageCase("Compare", "compare"),
    PageCase("Why", "why"),
    PageCase("Themes", "themes"),
    PageCase("Replies", "replies"),
    PageCase("Planner", "planner"),
    PageCase("KPI", "kpi"),
    PageCase("Portfolio", "portfolio", chart=False),
    PageCase("Present", "present?slide=2"),
)

FLOOR_PARTS = (
    ("sidebar", "floor + the sidebar's widgets"),
    ("sidebar,table", "floor + the sidebar's widgets + a table"),
)
"""Variants of the floor (``TRUSTLENS_FLOOR_PARTS`` of :mod:`benchmarks.floor_page`)
and what each is called in the results."""

# Recorded in the page before any of its own scripts run; read back by the benchmark.
MARKS_SCRIPT = """
(() => {
  const marks = {chart: null, script: null, element: null, plotly: null};
  window.__trustlensMarks = marks;
  const check = () => {
    const now = performance.now();
    if (marks.element === null
        && document.querySelector('.stPlotlyChart, [data-testid=stPlotlyChart]')) {
      marks.element = now;
    }
    if (marks.plotly === null && document.querySelector('.js-plotly-plot')) {
      marks.plotly = now;
    }
    if (marks.chart === null && document.querySelector('.js-plotly-plot g.trace')) {
      marks.chart = now;
    }
  };
  const observer = new MutationObserver(records => {
    for (const record of records) {
      if (record.type === 'attributes' && record.attributeName === 'data-test-script-state'
          && marks.script === null
          && record.target.getAttribute('data-test-script-state') === 'notRunning'
          && (record.oldValue === 'running' || record.oldValue === 'rerunRequested')) {
        marks.script = performance.now();
      }
    }
    check();
    if (marks.chart !== null && marks.script !== null) observer.disconnect();
  });
  const start = () => observer.observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeOldValue: true,
    attributeFilter: ['data-test-script-state', 'class'],
  });
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def streamlit_server(script: Path, workdir: Path, name: str,
                     environment: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``streamlit run script`` on a free port (a temporary workspace, ``environment``
    added to this process's); yield its URL."""
    port = _free_port()
    env = {**os.environ, "TRUSTLENS_WORKSPACE": str(workdir / f"{name}.duckdb"),
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(environment or {})}
    log_path = workdir / f"{name}.log"
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
             "--server.address=127.0.0.1", f"--server.port={port}",
             "--server.fileWatcherType=none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().decode() == "ok":
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{script.name} did not start: {log_path.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def chromium() -> str | None:
    """The system Chromium the browser tests use (None: not installed)."""
    return os.environ.get("TRUSTLENS_CHROMIUM") or shutil.which("chromium")


def open_once(browser: object, url: str, chart: bool) -> dict[str, float]:
    """Open ``url`` in a new browser context; the page's marks, in seconds."""
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": VIEWPORT["width"],
                                            "height": VIEWPORT["height"]})
    try:
        context.add_init_script(MARKS_SCRIPT)
        page = context.new_page()
        page.goto(url, wait_until="commit")
        wanted = "m.chart !== null" if chart else "m.script !== null"
        page.wait_for_function(
            f"() => {{ const m = window.__trustlensMarks; return m && {wanted}; }}",
            timeout=TIMEOUT_MS, polling=100,
        )
        if chart:  # the script's end, for the split (it may come after the chart)
            page.wait_for_function(
                "() => window.__trustlensMarks.script !== null", timeout=TIMEOUT_MS,
                polling=100,
            )
        marks = page.evaluate("() => window.__trustlensMarks")
        errors = page.locator("[data-testid=stException]").count()
        if errors:
            raise RuntimeError(f"{url} showed {errors} exception(s)")
    finally:
        context.close()
    return {key: float(value) / 1000 for key, value in marks.items() if value is not None}


def bench_pages(repeats: int = 5, pages: Sequence[str] | None = None) -> dict[str, object]:
    """Open the floor and each page (``pages``: names of :data:`PAGES`, default all)
    ``repeats`` times, interleaved, after one untimed round; medians and ratios."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS

    executable = chromium()
    if executable is None:
        raise RuntimeError("Chromium is not installed (apt-get install -y chromium)")
    cases = [case for case in PAGES if pages is None or case.name in pages]
    if not cases:
        raise ValueError(f"no such page among {[case.name for case in PAGES]}: {pages}")
    floor_runs: list[dict[str, float]] = []
    page_runs: dict[str, list[dict[str, float]]] = {case.name: [] for case in cases}
    part_runs: dict[str, list[float]] = {parts: [] for parts, _ in FLOOR_PARTS}
    with tempfile.TemporaryDirectory(prefix="trustlens-bench-pages-") as folder, \
            ExitStack() as servers, sync_playwright() as playwright:
        app_url = servers.enter_context(streamlit_server(APP, Path(folder), "app"))
        floor_url = servers.enter_context(streamlit_server(FLOOR, Path(folder), "floor"))
        part_urls = {
            parts: servers.enter_context(streamlit_server(
                FLOOR, Path(folder), f"floor-{index}", {PARTS_VARIABLE: parts}))
            for index, (parts, _) in enumerate(FLOOR_PARTS)
        }
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            open_once(browser, floor_url, chart=True)  # warm-up, untimed
            for url in part_urls.values():
                open_once(browser, url, chart=True)
            for case in cases:
                open_once(browser, f"{app_url}/{case.path}", case.chart)
            for _ in range(repeats):
                for parts, url in part_urls.items():  # once a round, beside the floor
                    floor_runs.append(open_once(browser, floor_url, chart=True))
                    part_runs[parts].append(open_once(browser, url, chart=True)["chart"])
                for case in cases:
                    floor_runs.append(open_once(browser, floor_url, chart=True))
                    page_runs[case.name].append(
                        open_once(browser, f"{app_url}/{case.path}", case.chart))
        finally:
            browser.close()
    floor = [run["chart"] for run in floor_runs]
    floor_median = statistics.median(floor)
    results = []
    for case in cases:
        runs = page_runs[case.name]
        key = "chart" if case.chart else "script"
        times = [run[key] for run in runs]
        scripts = [run["script"] for run in runs]
        arrived = [run["element"] for run in runs if "element" in run]
        results.append({
            "page": case.name, "path": f"/{case.path}", "chart": case.chart,
            "times_s": times, "median_s": statistics.median(times),
            "script_median_s": statistics.median(scripts),
            "element_median_s": statistics.median(arrived) if arrived else None,
            "ratio": statistics.median(times) / floor_median,
        })
    floor_parts = [
        {"parts": parts, "name": name, "times_s": part_runs[parts],
         "median_s": statistics.median(part_runs[parts]),
         "ratio": statistics.median(part_runs[parts]) / floor_median}
        for parts, name in FLOOR_PARTS
    ]
    return {
        "floor_times_s": floor, "floor_median_s": floor_median, "floor_parts": floor_parts,
        "floor_script_median_s": statistics.median(run["script"] for run in floor_runs),
        "floor_element_median_s": statistics.median(run["element"] for run in floor_runs),
        "repeats": repeats, "pages": results, "viewport": dict(VIEWPORT),
        "target_ratio": RATIO_TARGET,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_pages")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pages", default=None,
                        help=f"comma-separated, of {', '.join(case.name for case in PAGES)}")
    args = parser.parse_args(argv)
    names = args.pages.split(",") if args.pages else None
    print(json.dumps(bench_pages(args.repeats, names), indent=2))


if __name__ == "__main__":
    main()
