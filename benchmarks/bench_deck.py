"""Benchmark of the PowerPoint deck (:mod:`ui.deck`) of the demo dataset.

Times what "Download as PowerPoint" does after its click, :func:`ui.deck.view_deck` on
the demo view at the default settings (the engine's slides, then python-pptx writing
them with their native charts and embedded workbooks), and the writing alone
(:func:`ui.deck.deck_bytes` of slides built beforehand). Target: the whole build at most
5 s. Medians of ``repeats`` runs after one warm-up; the load average is recorded, since
the machine is shared. Run alone with ``python -m benchmarks.bench_deck`` (prints JSON).
"""

from __future__ import annotations

import io
import json
import os

from benchmarks.timing import measure

TARGET_S = 5.0


def run(repeats: int = 5) -> dict[str, object]:
    """Medians (seconds) of building the demo deck, whole and writing only, with the
    number of slides, the file size and the 1-minute load average before and after."""
    from pptx import Presentation

    from ui import deck
    from ui.controls import View
    from ui.data import demo_dataset
    from ui.settings import ModelSettings

    load_before = os.getloadavg()[0]
    dataset = demo_dataset()
    view = View(dataset=dataset, model=ModelSettings(), freq=None, start=None, end=None,
                reviews=dataset.reviews)
    whole = measure(lambda: deck.view_deck(view), repeats)
    slides = deck.view_slides(view)
    sources = deck.sources_note(view)
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
        "build": whole.as_dict(),
        "write_only": writing.as_dict(),
        "target_s": TARGET_S,
        "within_target": whole.median_s <= TARGET_S,
        "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
        "cpus": os.cpu_count(),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
