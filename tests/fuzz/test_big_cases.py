"""The big hostile files (a 10 MB field, 100,000 columns, decompression bombs, ...),
each imported in its own process under a 3 GB address-space limit: every case must
finish, quickly, with a ReviewDataError or a sound import, never a crash or an
out-of-memory kill. The files are built at test time (``bigcases.py``), not committed.

    .venv/bin/python -m pytest tests/fuzz/test_big_cases.py -s   # prints the figures
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.fuzz.bigcases import CASES

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = int(float(os.environ.get("TRUSTLENS_FUZZ_MEMORY_GB", "3")) * (1 << 30))
CASE_TIMEOUT = 120
RESULTS = ROOT / "artifacts" / "fuzz-big-cases.json"

EXPECTED = {
    "csv_10mb_single_field": ("imported", ""),
    "csv_100000_columns": ("refused", "columns, more than the 2,000"),
    "csv_100000_columns_after_long_first_field": ("refused", "100,002 columns"),
    "json_100000_keys": ("refused", "100,002 columns"),
    "json_100000_nested_keys": ("refused", "100,002 columns"),
    "json_sparse_records_60m_cells": ("refused", "cells"),
    "json_depth_100000": ("refused", "nested too deeply"),
    "xlsx_16384_columns": ("refused", "16,384 columns"),
    "xlsx_sparse_far_cells": ("refused", "cells"),
    "xlsx_dimension_bomb": ("imported", ""),
    "xlsx_bomb_256mb_sheet": ("refused", "decompression bomb"),
    "zip_bomb_1gb_zeros": ("refused", "decompression bomb"),
    "zip_lying_sizes_256mb": ("refused", "CRC"),
    "parquet_60m_rows_run_length": ("refused", "60,000,000 rows"),
}
# Keep bigcases.CASES and this table in step.
assert set(EXPECTED) == set(CASES)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(name: str, folder: Path) -> dict:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tests.fuzz.bigcases", str(folder), name],
            cwd=ROOT, capture_output=True, text=True, timeout=CASE_TIMEOUT,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired:
        return {"case": name, "outcome": f"did not finish in {CASE_TIMEOUT} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {
            "case": name,
            "outcome": f"process ended with code {done.returncode}",
            "stderr": done.stderr[-3000:],
        }
    outcome = json.loads(lines[-1])
    outcome["process_seconds"] = round(time.perf_counter() - started, 1)
    return outcome


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("bigcases")
    # Two at a time (two cores), the slowest to build or import first.
    slow = ("xlsx_sparse_far_cells", "zip_bomb_1gb_zeros", "zip_lying_sizes_256mb")
    order = [*slow, *(name for name in CASES if name not in slow)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = dict(zip(order, pool.map(lambda name: _run(name, folder), order), strict=True))
    results = [done[name] for name in CASES]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nbig cases under a {MEMORY_LIMIT >> 20} MB address-space limit:")
    for row in results:
        print(
            f"  {row['case']:<44} {row['outcome']:<9} {row.get('seconds', '-'):>6} s import, "
            f"peak RSS {row.get('peak_rss_mb', '-')} MB"
        )
    return {row["case"]: row for row in results}


@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", list(CASES))
def test_big_case(name: str, outcomes: dict[str, dict]) -> None:
    outcome = outcomes[name]
    expected, fragment = EXPECTED[name]
    assert outcome["outcome"] == expected, outcome
    assert outcome["address_space_limit_mb"] == MEMORY_LIMIT >> 20
    assert outcome["seconds"] < 30, outcome
    if expected == "refused":
        assert fragment in outcome["message"], outcome
    else:
        assert outcome["kept"] + outcome["duplicates"] + outcome["rejected"] == (
            outcome["rows_read"]
        )
