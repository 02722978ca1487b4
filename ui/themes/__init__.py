"""The Themes page's parts: cached text analysis, words, charts and sections.

- :mod:`~ui.themes.data`: the term matrix, themes and the Why story, cached per view;
- :mod:`~ui.themes.text`: the page's sentences and table headers (no streamlit);
- :mod:`~ui.themes.charts`: the plotly figures (no streamlit);
- :mod:`~ui.themes.sections`: the cached comparisons and the page's sections.
"""
