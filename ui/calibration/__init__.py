"""The "Check against Trustpilot" page, one concept per module;
``app_pages/calibration.py`` calls the section renderers in page order.

Readings typed for a dataset live in this session (``st.session_state``, per dataset
key); for a dataset saved in the workspace they are loaded from and saved to the store
with it. Everything the user typed is shown as text: in the editor and tables (data
grids), and escaped in messages.

Pure (no streamlit, unit tested in ``tests/unit/test_calibration_ui.py``):

- :mod:`ui.calibration.keys`: the session-state and widget keys.
- :mod:`ui.calibration.readings`: the readings editor's table <-> readings (typed rows
  parsed and checked, each bad row named), the cache key, the comparison as shown.
- :mod:`ui.calibration.text`: the sentences (the summary, the incompleteness note, the
  fit's ranges and issue codes, half-lives, Apply).
- :mod:`ui.calibration.charts`: the figures (plotly, pure functions).

Streamlit:

- :mod:`ui.calibration.store`: this session's tables and the workspace (load, save).
- section renderers: :mod:`~ui.calibration.editor` (the readings editor, its messages
  and the save row), :mod:`~ui.calibration.comparison` (the cached comparison: metrics,
  sentence, incompleteness note, chart, table), :mod:`~ui.calibration.fit` (the fit and
  Apply).
"""
