"""The projection planner, one concept per module (being split out of
``ui/planner_inputs.py`` and ``app_pages/planner.py``).

Pure (no streamlit, unit tested in ``tests/unit/test_planner_state.py``):

- :mod:`ui.planner.keys`: the session-state keys, which are also the URL's
  query-parameter names (a shared link depends on their spelling).
- :mod:`ui.planner.mix`: star mixes as whole percentages and as shares.
- :mod:`ui.planner.plan`: :class:`~ui.planner.plan.Plan`, the inputs as the user set
  them, and the engine's inputs they make.
- :mod:`ui.planner.defaults`: :class:`~ui.planner.defaults.Defaults`, what the inputs
  start from (the last 90 days of the data).
- :mod:`ui.planner.scenario`: a saved scenario's values checked and clamped, with notes.
- :mod:`ui.planner.text`: the sentences (dates, the engine's reason codes).
"""
