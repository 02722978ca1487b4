"""Benchmark of the PowerPoint deck (:mod:`ui.deck`) of the demo dataset.

Times what "Download as PowerPoint" does after its click, :func:`ui.deck.view_deck` on
the demo view at the default settings (the slides of the presentation mode from the
engine, then python-pptx writing them with their native charts and embedded
workbooks):

- cold, once: every cache empty but the language data loaded (a server that has run its
  background warm-up, ``ui/warmup.py``, and computed nothing else): the briefing's
  themes and goal seek, the Planner's projection and the themes all computed for the
  deck; wall and CPU time;
- after the Overview, once: the first click on the Overview, whose briefing computes its
  themes and goal seek in the background as the page opens (the deck shares them);
- warm: the median of ``repeats`` runs after one warm-up (the caches the pages fill);
- writing only: :func:`ui.deck.deck_bytes` of slides built beforehand.

Target: at most 5 s from the Overview and warm (``within_target``); the cold build is
reported beside it. The load average is recorded, since the machine is shared. Run
alone with ``python -m benchmarks.bench_deck`` (prints JSON).
"""

from __future__ import annotations

import io
import json
import os
import time

from benchmarks.timing import measure

TARGET_S = 5.0


def run(repeats: int = 5) -> dict[str, object]:
    """Seconds to build the demo deck: cold and after the Overview (once each), warm and
    writing only (medians),
    with the number of slides and charts, the file size and the 1-minute load average
    before and after."""
    import streamlit as st
    from pptx import Presentation

    from scoring.text import language
    from ui import deck, warmup
    from ui import slides as slides_of
    from ui.controls import View
    from ui.data import demo_dataset
    from ui.settings import ModelSettings

    load_before = os.getloadavg()[0]
    dataset = demo_dataset()
    view = View(dataset=dataset, model=ModelSettings(), freq=None, start=None, end=None,
                reviews=dataset.reviews)
    began = time.perf_counter()
    language.preload(warmup.LANGUAGES)  # what the server loads in the background
    language_s = time.perf_counter() - began
    st.cache_data.clear()
    st.cache_resource.clear()
    began, cpu = time.perf_counter(), time.process_time()
    deck.view_deck(view)
    cold_s, cold_cpu_s = time.perf_counter() - began, time.process_time() - cpu
    # The first click after the Overview has completed its briefing (it computes the
    # themes and the goal seek in the background as the page opens; the deck shares them).
    st.cache_data.clear()
    st.cache_resource.clear()
    slides_of.briefing_lines(view)
    began = time.perf_counter()
    deck.view_deck(view)
    after_overview_s = time.perf_counter() - began
    whole = measure(lambda: deck.view_deck(view), repeats)
    slides = deck.view_slides(view)
    sources = slides_of.sources(view)
    writing = measure(lambda: deck.deck_bytes(slides, title=dataset.business_name,
                                              sources=sources), repeats)
    data = deck.view_deck(view)
    written = Presentation(io.BytesIO(data))
    charts = sum(1 for slide in written.slides for shape in slide.shapes
                 if getattr(shape, "has_chart", False))
    return {
        "rows": len(dataset.reviews),
        "slides": len(written.slides),
        "charts": charts,
        "bytes": len(data),
        "cold_s": cold_s,
        "after_overview_s": after_overview_s,
        "cold_cpu_s": cold_cpu_s,
        "language_load_s": language_s,
        "build": whole.as_dict(),
        "write_only": writing.as_dict(),
        "target_s": TARGET_S,
        "within_target": max(after_overview_s, whole.median_s) <= TARGET_S,
        "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
        "cpus": os.cpu_count(),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
