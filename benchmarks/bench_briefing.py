"""What the briefing (:mod:`ui.briefing`) adds to an Overview rerun, measured with AppTest.

A canonical dataset of ``rows`` seeded reviews (1,000,000 by default, the columns the
importer makes of a Trustpilot export) is put in one session as an upload and the
Overview is opened (``cold_s``: the first run; the briefing's slow figures, the themes'
text analysis and the 80% goal seek, start in the background) and, once they are
ready, run again with the whole briefing (``warm_s``). Then
reruns with nothing changed alternate, side by side in the same session, between the
page as it is and the page with the briefing switched off (``ui.briefing.draw`` and
``finish`` replaced by no-ops), so both see the same caches, machine and load. The cost
is the difference of the medians. Target: the briefing adds at most 300 ms to a rerun
at 1,000,000 reviews (its figures are cached: a rerun that changes nothing recomputes
none of them). Rerun times on a shared machine vary by seconds, so the minimums'
difference is given too, and the briefing's own work on a rerun (``ui.briefing.of_view``
with its caches warm, timed alone: ``compute``) is the part no load can blur. Run alone
with ``python -m benchmarks.bench_briefing`` (prints JSON).
"""

from __future__ import annotations

import json
import time
from unittest import mock

from streamlit.testing.v1 import AppTest

from benchmarks.bench_app import (
    APP,
    TIMEOUT_S,
    _clear_caches,
    _timed_run,
    benchmark_dataset,
    private_workspace,
)
from benchmarks.timing import Timing, measure

ROWS = 1_000_000
RERUNS = 7
"""Timed reruns of each kind (with and without the briefing), alternating."""
TARGET_ADDED_S = 0.3


def _briefing_lines(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("The TrustScore is ")]


def _compute(dataset, repeats: int) -> Timing:  # dataset: ui.data.Dataset
    """``ui.briefing.of_view`` of the dataset's whole view, its caches filled by the
    untimed first call."""
    import scoring
    from ui import briefing
    from ui.controls import View
    from ui.settings import ModelSettings

    view = View(dataset=dataset, model=ModelSettings(), freq=None, start=None, end=None,
                reviews=dataset.reviews)
    snap = scoring.snapshot(view.reviews, params=view.model.params)
    return measure(lambda: briefing.of_view(view, snap), repeats)


def run(rows: int = ROWS, reruns: int = RERUNS, *, dataset=None) -> dict[str, object]:
    """Overview reruns with and without the briefing on ``rows`` reviews: medians, the
    difference, and the cold first run."""
    from ui import briefing  # streamlit-side: imported only when run

    began = time.perf_counter()
    dataset = dataset if dataset is not None else benchmark_dataset(rows)
    generate_s = time.perf_counter() - began
    with private_workspace():
        _clear_caches()
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        at.session_state["uploads"] = {dataset.key: dataset}
        at.session_state["dataset"] = dataset.key
        cold = _timed_run(at)
        if at.selectbox(key="dataset").value != dataset.key:
            raise RuntimeError("The benchmark dataset is not the one in view.")
        briefing.wait_for_jobs()  # the slow figures, computed in the background
        warm = _timed_run(at)
        sentences = len([m for m in at.markdown if m.proto.help and "**" in m.value])
        if not _briefing_lines(at):
            raise RuntimeError("The Overview shows no briefing.")
        with_times, without_times = [], []
        for _ in range(reruns):
            with_times.append(_timed_run(at))
            with mock.patch.object(briefing, "draw", lambda *a, **k: None), \
                    mock.patch.object(briefing, "finish", lambda *a, **k: None):
                without_times.append(_timed_run(at))
                if _briefing_lines(at):
                    raise RuntimeError("The briefing was not switched off.")
        compute = _compute(dataset, reruns)
        _clear_caches()
    with_briefing, without = Timing(tuple(with_times)), Timing(tuple(without_times))
    added = with_briefing.median_s - without.median_s
    return {
        "rows": len(dataset.reviews),
        "generate_s": generate_s,
        "cold_s": cold,
        "warm_s": warm,
        "sentences": sentences,
        "with_briefing": with_briefing.as_dict(),
        "without_briefing": without.as_dict(),
        "added_s": added,
        "added_min_s": with_briefing.min_s - without.min_s,
        "compute": compute.as_dict(),
        "target_added_s": TARGET_ADDED_S,
        "met": added <= TARGET_ADDED_S,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, default=str))
