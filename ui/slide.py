"""One slide of a meeting: what the presentation mode shows and the PowerPoint deck
writes, as plain data (no streamlit, no plotly, no python-pptx).

Both renderers read the same :class:`Slide` objects, so the room and the deck see the
same titles, sentences and numbers. Text that comes from data (business names, themes,
channel names) stays plain text in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

ChartKind = Literal["line", "bar"]


@dataclass(frozen=True)
class ChartSeries:
    """One named series: a value per category of its chart (None: no value there).

    ``role`` tells renderers how to draw it: "main" (a solid line or bars), "band" (a
    dashed line: one edge of an uncertainty band, e.g. P10 or P90), "reference" (a
    dotted line: a threshold or a path for comparison)."""

    name: str
    values: tuple[float | None, ...]
    role: Literal["main", "band", "reference"] = "main"


@dataclass(frozen=True)
class SlideChart:
    """A line or bar chart: categories along x (dates or names), one or more series.

    ``x_title`` and ``y_title`` name the axes with their units (e.g. "TrustScore (1-5)").
    ``stacked`` stacks bar series; ``y_range`` fixes the value axis (None: automatic).
    """

    kind: ChartKind
    categories: tuple[pd.Timestamp | str, ...]
    series: tuple[ChartSeries, ...]
    x_title: str
    y_title: str
    y_range: tuple[float, float] | None = None
    stacked: bool = False
    number_format: str = "0.00"
    """Excel-style format of the values (PowerPoint's axis and data labels)."""

    def __post_init__(self) -> None:
        for one in self.series:
            if len(one.values) != len(self.categories):
                raise ValueError(
                    f"Series {one.name!r} has {len(one.values)} values for "
                    f"{len(self.categories)} categories."
                )


@dataclass(frozen=True)
class Slide:
    """A titled slide: a headline figure (optional), sentences, a chart (optional) and
    the sources/assumptions note printed at its foot.

    ``key`` names the slide for links and tests ("headline", "trend", "why", "replies",
    "themes", "plan", "kpi"). ``figure``/``figure_caption`` are one large number and
    what it is (e.g. "4.3" and "TrustScore, Great, 4.5 stars")."""

    key: str
    title: str
    lines: tuple[str, ...] = ()
    chart: SlideChart | None = None
    sources: str = ""
    figure: str | None = None
    figure_caption: str | None = None
    notes: tuple[str, ...] = field(default=())
    """Speaker notes: what the presenter may say beyond the slide (plain text)."""
