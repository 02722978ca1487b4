"""The benchmark suite's quick mode runs end to end, so that `make bench` cannot rot.

It runs ``python -m benchmarks.run --quick`` (every section at tiny sizes) in a
subprocess, into a temporary report; the committed ``benchmarks/RESULTS.md`` is
never touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.run import SECTIONS

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "benchmarks" / "RESULTS.md"
TABLE_ROWS = (
    "Import a Trustpilot export CSV",
    "Peak memory of the importing process",
    "`trust_score`",
    "Daily `score_series`, live clock, 10 years",
    "Daily `score_series`, displayed clock",
    "Naive daily recomputation",
    "Speed-up of `score_series` over the naive one",
    "`project()` Monte Carlo",
    "Trends page rerun after a half-life change",
    "Overview page rerun after a half-life change",
    "Planner page rerun after a change of review requests",
    "`score_table` (every company at one instant)",
    "`score_series_by`, monthly",
    "`score_table_sql`",
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
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
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
    assert "within 1e-09" in text  # the fast and naive series agree
    assert "CPU:" in text and "Python:" in text and "make bench" in text
    # Nothing generated is left behind, and the committed results are untouched.
    assert {p.name for p in tmp_path.iterdir()} <= {"RESULTS.md", "workspace.duckdb"}
    assert _stamp(COMMITTED) == committed_before
