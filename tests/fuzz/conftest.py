"""Report the fuzz cases tried at the end of the run (and in artifacts/fuzz-stats.json)."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import STATS_FILE, write_stats


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    stats = write_stats()
    if not stats["cases_tried"]:
        return
    terminalreporter.section("fuzz cases tried")
    for name, row in stats["by_strategy"].items():
        terminalreporter.write_line(
            f"{name:>16}: {row['tried']:>6,} tried, {row['imported']:>5,} imported, "
            f"{row['refused']:>6,} refused with ReviewDataError, {row['seconds']:>6.1f} s"
        )
    terminalreporter.write_line(
        f"{'total':>16}: {stats['cases_tried']:>6,} tried; slowest case "
        f"{stats['slowest_case_seconds']:.2f} s ({stats['slowest_case']}); "
        f"written to {STATS_FILE}"
    )
