"""Run the generated fuzz cases (``strategies.py``) in two worker processes at once
(the machine's two cores), each under a 3 GB address-space limit, and add up the
cases tried. 10,000 cases by default in a fixed, derandomised set; more, with fresh
random cases, on demand:

    TRUSTLENS_FUZZ_EXAMPLES=100000 .venv/bin/python -m pytest tests/fuzz/test_fuzz_campaign.py

A worker's failure (a crash other than ReviewDataError, broken accounting, an
internal error hidden as "unreadable file", a case slower than 20 s, running out of
memory) fails this test with the worker's report, including hypothesis's
reproducible example.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz.harness import TALLY, on_demand, total_examples

ROOT = Path(__file__).resolve().parents[2]
STRATEGIES = "tests/fuzz/strategies.py"
MEMORY_LIMIT = int(float(os.environ.get("TRUSTLENS_FUZZ_MEMORY_GB", "3")) * (1 << 30))
#: Two workers of about equal length (see the shares in strategies.py).
WORKERS = (
    ("test_json_documents", "test_mutated_corpus_files", "test_magic_prefix_then_junk",
     "test_xlsx_tables", "test_saved_pages"),
    ("test_csv_tables_with_hostile_cells", "test_random_bytes", "test_parquet_tables",
     "test_several_files_at_once", "test_well_formed_exports"),
)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.timeout(3600)
def test_generated_cases(tmp_path: Path) -> None:
    processes = []
    for number, tests in enumerate(WORKERS, start=1):
        stats = tmp_path / f"worker-{number}.json"
        log = (tmp_path / f"worker-{number}.log").open("w")
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
            *(f"{STRATEGIES}::{test}" for test in tests),
        ]
        env = {**os.environ, "TRUSTLENS_FUZZ_STATS": str(stats)}
        processes.append(
            (subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              preexec_fn=_limit_memory), stats, log)
        )
    failures = []
    for process, stats, log in processes:
        code = process.wait(timeout=3300)
        log.close()
        if stats.exists():
            TALLY.absorb(json.loads(stats.read_text()))
        if code != 0:
            failures.append(Path(log.name).read_text()[-6000:])
    assert not failures, "\n\n".join(failures)
    tried = sum(TALLY.tried[name] for name in TALLY.tried if name != "corpus")
    print(f"\n{tried:,} generated cases tried in two workers under a "
          f"{MEMORY_LIMIT >> 20} MB address-space limit")
    # hypothesis runs max_examples per strategy unless it exhausts a strategy early.
    assert tried >= 0.95 * total_examples()
    if not on_demand():
        assert tried >= 10_000
