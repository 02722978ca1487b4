"""The planner's figures (ui/planner/charts.py): what a reader lines up on the chart."""

from __future__ import annotations

import pandas as pd

from scoring.periods import DAYS_PER_MONTH
from ui.planner.charts import sensitivity_figure


def test_the_half_life_in_use_is_marked_on_its_point() -> None:
    days = (30.4, 91.0, 182.5, 365.0)
    table = pd.DataFrame({
        "half_life_days": days,
        "half_life_months": [d / DAYS_PER_MONTH for d in days],  # as the engine gives them
        "current_score": [4.1, 4.2, 4.25, 4.3],
        "projected_score": [4.4, 4.38, 4.36, 4.33],
    })
    fig = sensitivity_figure(table, current_half_life_days=182.5, threshold=4.25,
                             target_text="Target: 4.25")
    marker = next(shape for shape in fig.layout.shapes if shape.line.dash == "dot")
    assert marker.x0 == table["half_life_months"][2]
    target = next(trace for trace in fig.data if trace.name == "Target: 4.25")
    assert list(target.y) == [4.25, 4.25]
