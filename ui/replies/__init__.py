"""The Replies page's parts: sentences and figures (pure), then its sections.

- :mod:`~ui.replies.text`: durations, rates and the page's sentences (no streamlit);
- :mod:`~ui.replies.charts`: the plotly figures (no streamlit);
- :mod:`~ui.replies.sections`: the cached engine calls and the page's sections.
"""
