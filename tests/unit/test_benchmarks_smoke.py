"""The benchmark suite's quick mode runs end to end, so that `make bench` cannot rot.

It runs ``python -m benchmarks.run --quick`` (every section at tiny sizes) in a
subprocess, into a temporary report; the committed ``benchmarks/RESULTS.md`` is
never touched. The fidelity section reads ``../shared/data/fidelity`` when it is
there and must say it was skipped when it is not (checked with a missing folder).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import bench_pages
from benchmarks.bench_fidelity import FIDELITY_DIR, available
from benchmarks.run import QUICK, SECTIONS, Report, render, run_fidelity, run_pages

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "benchmarks" / "RESULTS.md"
MODELS = ("trustpilot", "decayed-prior")
TABLE_ROWS = (
    "Import a Trustpilot export CSV",
    "Peak memory of the importing process",
    "`trust_score`",
    "Daily `score_series`, 10 years",
    "Daily `score_series`, reviews in random order",
    "Daily `score_series`, `decayed-prior`, live clock",
    "Daily `score_series`, `decayed-prior`, displayed clock",
    *(f"Naive daily recomputation, `{model}`" for model in MODELS),
    *(f"Speed-up of `score_series` over the naive one, `{model}`" for model in MODELS),
    "`project()` Monte Carlo",
    "Trends page rerun after a half-life change",
    "Overview page rerun after a half-life change",
    "Trends page rerun after a model change",
    "Overview page rerun after a model change",
    "Planner page rerun after a change of one channel's requests",
    *(f"`score_table` (every company at one instant), `{model}`" for model in MODELS),
    *(f"`score_series_by`, monthly, 5 years, `{model}`" for model in MODELS),
    *(f"`score_table_sql` (DuckDB over Parquet files), `{model}`" for model in MODELS),
    "Its query alone, `decayed-prior`",
    "The former one-aggregation query",
    "Term tables, cold: `term_matrix` in a fresh process",
    "... of which the cold `term_matrix`",
    "... of which loading the lemma dictionaries",
    "`term_matrix` again in the same process",
    "Term tables given the matrix",
    "`find_themes`",
    "Term tables and theme figures, term matrix and themes cached",
    "Themes page (AppTest), first run",
    "Themes page rerun, nothing changed",
    "Themes page rerun after a change of period or stars",
    "Themes page rerun after a change of the words left out",
    "Naive baseline: scikit-learn `CountVectorizer`",
    "`CountVectorizer` / `term_matrix`",
    "Peak memory of the process during the cold `term_matrix`",
    "Page open, floor: one plotly chart",
    "Page open, floor + the sidebar's widgets",
    "Page open, floor + the sidebar's widgets + a table",
    "Page open, Overview",
    "Overview rerun with the briefing",
    "What the briefing adds to an Overview rerun",
    "The briefing's own work on a rerun",
    "Demo deck, first build after the Overview opened",
    "Demo deck, build again",
    "... of which writing the .pptx",
    "`trustlens score`, pandas, a new process",
    "`score_table` by pandas, own process",
    "`score_table` by duckdb, own process",
    "Portfolio page rerun after a search, horizon or label change",
)
FIDELITY_ROWS = (
    "Read the companies through the importer",
    "`fidelity.evaluate`",
    "Parameter grid:",
    "Fidelity section, whole",
)


def _stamp(path: Path) -> tuple[int, int] | None:
    return (path.stat().st_mtime_ns, path.stat().st_size) if path.exists() else None


def test_quick_benchmark_writes_a_full_report(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    committed_before = _stamp(COMMITTED)
    env = {**os.environ, "TRUSTLENS_WORKSPACE": str(tmp_path / "workspace.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out),
         "--workdir", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    text = out.read_text(encoding="utf-8")

    assert text.startswith("# TrustLens benchmark results (quick run")
    for heading in ("## Results", "## Machine", "## How to reproduce",
                    *(f"## {title}" for title in SECTIONS.values())):
        assert heading in text, heading
    assert "| what | size | median | spread (min - max) | runs | target | met? | note |" in text
    table = [line for line in text.splitlines() if line.startswith("| ")]
    for what in TABLE_ROWS:
        assert any(line.startswith(f"| {what}") for line in table), what
    assert "Failed:" not in text and "**Errors:**" not in text
    for model in MODELS:  # the fast and naive series agree, for each model
        speedup = [line for line in table if line.startswith(
            f"| Speed-up of `score_series` over the naive one, `{model}`")]
        assert speedup and all("(within 1e-09)" in line for line in speedup), model
    if available(FIDELITY_DIR):
        for what in FIDELITY_ROWS:
            assert any(line.startswith(f"| {what}") for line in table), what
        for model in MODELS:
            assert f"- `{model}`: mean absolute error" in text, model
            assert f"- `{model}`: best by mean error" in text, model
    else:
        assert "Skipped: no fidelity data at" in text
    assert "CPU:" in text and "Python:" in text and "make bench" in text
    # Nothing generated is left behind, and the committed results are untouched.
    assert {p.name for p in tmp_path.iterdir()} <= {"RESULTS.md", "workspace.duckdb"}
    assert _stamp(COMMITTED) == committed_before


def test_the_fidelity_section_is_skipped_without_its_data(tmp_path: Path) -> None:
    """No fidelity folder: a note and a 'skipped' row, no error and no target judged."""
    report = Report(QUICK, dt.datetime.now(dt.UTC))
    missing = tmp_path / "no-such-folder"
    run_fidelity(QUICK, report, missing)
    assert not report.errors
    assert [(row.value, row.met) for row in report.rows] == [("skipped", None)]
    text = render(report, {"CPU": "test"}, "-", "-", 1.0, "python -m benchmarks.run --quick")
    assert f"Skipped: no fidelity data at `{missing}`" in text
    assert "Failed:" not in text and "Targets missed: none." in text


def test_the_page_open_section_is_skipped_without_chromium(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No browser: a 'skipped' row and a note, no error, no target judged."""
    monkeypatch.setattr(bench_pages, "chromium", lambda: None)
    report = Report(QUICK, dt.datetime.now(dt.UTC))
    run_pages(QUICK, report)
    assert not report.errors
    assert [(row.section, row.value, row.met) for row in report.rows] == [
        ("pages", "skipped", None)]
    text = render(report, {"CPU": "test"}, "-", "-", 1.0, "python -m benchmarks.run --quick")
    assert "## Page open" in text and "Skipped: Chromium is not installed" in text
