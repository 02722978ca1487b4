"""The Themes page's parts: cached text analysis, words, charts and sections."""
