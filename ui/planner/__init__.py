"""The projection planner, one concept per module (being split out of
``ui/planner_inputs.py`` and ``app_pages/planner.py``).

- :mod:`ui.planner.text`: the sentences (dates, the engine's reason codes).
"""
