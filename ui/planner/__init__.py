"""The projection planner, one concept per module; ``app_pages/planner.py`` calls the
section renderers in page order.

Pure (no streamlit, unit tested in ``tests/unit/test_planner_state.py`` and
``test_planner_text.py``):

- :mod:`ui.planner.keys`: the session-state keys, which are also the URL's
  query-parameter names (a shared link depends on their spelling).
- :mod:`ui.planner.mix`: star mixes as whole percentages and as shares.
- :mod:`ui.planner.channels`: a request channel as the user sets it
  (:class:`~ui.planner.channels.ChannelPlan`), the editor's rows read in plain words,
  and the compact text that carries the channels in a link.
- :mod:`ui.planner.plan`: :class:`~ui.planner.plan.Plan`, the inputs as the user set
  them, and the engine's inputs they make.
- :mod:`ui.planner.defaults`: :class:`~ui.planner.defaults.Defaults`, what the inputs
  start from (the last 90 days of the data).
- :mod:`ui.planner.scenario`: a saved scenario's values checked and clamped, with notes.
- :mod:`ui.planner.text`: the sentences (dates, the engine's reason codes).
- :mod:`ui.planner.charts`: the figures (plotly, pure functions).

Streamlit:

- :mod:`ui.planner.engine`: the engine calls, cached on the view's reviews key.
- :mod:`ui.planner.flash`: a callback's message, shown on the next run.
- :mod:`ui.planner.channel_editor`: the channels card (where they come from, the
  editable table, the last 90 days by channel); the canonical channels in the session.
- :mod:`ui.planner.widgets`: the inputs; they return a Plan.
- section renderers: :mod:`~ui.planner.outlook` (metrics, chart, CSV),
  :mod:`~ui.planner.goal` (goal seek), :mod:`~ui.planner.sensitivity` (half-life),
  :mod:`~ui.planner.scenarios` (save, load, compare, share).
"""
