"""The one check every fuzz case goes through, and the tally of cases tried.

Whatever the bytes, the importer either raises :class:`scoring.ReviewDataError`
(anything else is a bug) or returns a result whose accounting holds:
``kept + duplicates + rejected == rows_read``, with a canonical review table.
"""

from __future__ import annotations

import json
import os
import resource
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from scoring.errors import ReviewDataError
from scoring.ingest import ImportResult, load_many, load_reviews
from tests.helpers import assert_accounting, named

ROOT = Path(__file__).resolve().parents[2]
STATS_FILE = ROOT / "artifacts" / "fuzz-stats.json"
DEFAULT_TOTAL = 10_000
#: A single case slower than this is a denial-of-service bug, not a slow test.
SLOW_CASE_SECONDS = 20.0


@dataclass
class Tally:
    """Cases tried per strategy, how they ended, and the slowest one."""

    tried: Counter = field(default_factory=Counter)
    imported: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)
    slowest: tuple[float, str] = (0.0, "")
    wrapped: Counter = field(default_factory=Counter)
    peak_rss_mb: int = 0
    memory_limit_mb: int = 0

    def as_dict(self) -> dict:
        return {
            "cases_tried": sum(self.tried.values()),
            "imported": sum(self.imported.values()),
            "refused_with_review_data_error": sum(self.refused.values()),
            "by_strategy": {
                name: {
                    "tried": self.tried[name],
                    "imported": self.imported[name],
                    "refused": self.refused[name],
                    "seconds": round(self.seconds[name], 1),
                }
                for name in sorted(self.tried)
            },
            "library_errors_reported_as_review_data_error": dict(self.wrapped),
            "slowest_case_seconds": round(self.slowest[0], 3),
            "slowest_case": self.slowest[1],
            "worker_peak_rss_mb": self.peak_rss_mb or peak_rss_mb(),
            "worker_memory_limit_mb": self.memory_limit_mb or memory_limit_mb(),
        }

    def absorb(self, stats: dict) -> None:
        """Add the tally another process wrote (``as_dict``) to this one."""
        for name, row in stats["by_strategy"].items():
            self.tried[name] += row["tried"]
            self.imported[name] += row["imported"]
            self.refused[name] += row["refused"]
            self.seconds[name] += row["seconds"]
        self.wrapped.update(stats["library_errors_reported_as_review_data_error"])
        if stats["slowest_case_seconds"] > self.slowest[0]:
            self.slowest = (stats["slowest_case_seconds"], stats["slowest_case"])
        self.peak_rss_mb = max(self.peak_rss_mb, stats["worker_peak_rss_mb"])
        self.memory_limit_mb = stats["worker_memory_limit_mb"]


TALLY = Tally()


def peak_rss_mb() -> int:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def memory_limit_mb() -> int:
    """This process's address-space limit in MB (0: none)."""
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    return 0 if limit == resource.RLIM_INFINITY else limit >> 20


def total_examples() -> int:
    """Generated cases for the whole hypothesis run: ``$TRUSTLENS_FUZZ_EXAMPLES`` or 10,000."""
    raw = os.environ.get("TRUSTLENS_FUZZ_EXAMPLES", "").strip()
    return int(raw) if raw else DEFAULT_TOTAL


def on_demand() -> bool:
    """A longer run was asked for: fresh random cases instead of the fixed CI set."""
    return bool(os.environ.get("TRUSTLENS_FUZZ_EXAMPLES", "").strip())


def check_result(result: ImportResult) -> None:
    """The accounting holds (:func:`tests.helpers.assert_accounting`) and something was
    kept (a file with nothing to keep is refused)."""
    try:
        assert_accounting(result)
    except AssertionError as error:
        # helpers.py is not assertion-rewritten: say what the report held.
        raise AssertionError(f"the accounting does not hold: {result.report}") from error
    assert result.report.kept > 0, result.report


def check(strategy: str, data: bytes, name: str = "upload.csv", **options) -> ImportResult | None:
    """Import ``data`` as the file ``name``: ReviewDataError or sound accounting, nothing
    else. Returns the result (None when refused)."""
    started = time.perf_counter()
    try:
        result = load_reviews(named(data, name), **options)
    except ReviewDataError as error:
        assert str(error).startswith(f"{name}: "), f"message does not name the file: {error}"
        _check_cause(error, name)
        result = None
    finally:
        elapsed = time.perf_counter() - started
        TALLY.tried[strategy] += 1
        TALLY.seconds[strategy] += elapsed
        if elapsed > TALLY.slowest[0]:
            TALLY.slowest = (elapsed, f"{strategy}: {name}, {len(data):,} bytes")
    assert elapsed < SLOW_CASE_SECONDS, f"{name} took {elapsed:.1f} s ({len(data):,} bytes)"
    if result is None:
        TALLY.refused[strategy] += 1
        return None
    check_result(result)
    TALLY.imported[strategy] += 1
    return result


def _check_cause(error: ReviewDataError, name: str) -> None:
    """``load_reviews`` turns whatever a parser throws into a ReviewDataError. An error
    thrown by TrustLens's own code (its innermost frame in scoring/) is a bug hidden that
    way: it fails the case. Errors from the libraries are tallied by type."""
    cause = error.__cause__
    while isinstance(cause, ReviewDataError):  # read_table wraps too
        cause = cause.__cause__
    if cause is None:
        return
    frames = traceback.extract_tb(cause.__traceback__)
    where = frames[-1].filename if frames else ""
    if f"{os.sep}scoring{os.sep}" in where:
        detail = "".join(traceback.format_exception(cause))
        raise AssertionError(f"{name}: internal error reported as unreadable file:\n{detail}")
    TALLY.wrapped[f"{type(cause).__name__} in {Path(where).parent.name}/{Path(where).name}"] += 1


def check_many(strategy: str, files: list[tuple[str, bytes]]) -> ImportResult | None:
    """Several files at once (``load_many``): the same contract."""
    buffers = [named(data, name) for name, data in files]
    TALLY.tried[strategy] += 1
    started = time.perf_counter()
    try:
        result = load_many(buffers)
    except ReviewDataError:
        TALLY.refused[strategy] += 1
        return None
    finally:
        TALLY.seconds[strategy] += time.perf_counter() - started
    check_result(result)
    TALLY.imported[strategy] += 1
    return result


def write_stats() -> dict:
    """Write the tally to ``$TRUSTLENS_FUZZ_STATS`` (a campaign worker) or
    ``artifacts/fuzz-stats.json``, and return it."""
    stats = TALLY.as_dict()
    if stats["cases_tried"]:
        target = Path(os.environ.get("TRUSTLENS_FUZZ_STATS") or STATS_FILE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(stats, indent=2) + "\n")
    return stats
