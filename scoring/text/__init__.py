"""What customers write: the terms that tell groups of reviews apart, and themes.

Pure, offline and bounded: every word list, lemmatiser and language model comes from a
registry package (``stop-words``, ``simplemma``, ``py3langid``); nothing is downloaded at
run time. The steps, each a module:

- :mod:`scoring.text.language`: each review's language (the data's column, else
  detected);
- :mod:`scoring.text.tokens`: titles and texts cut into sentences and words;
- :mod:`scoring.text.terms`: the review x term matrix of words and phrases (1-3 words,
  lemmatised, stop words, names and numbers left out) over at most
  :data:`~scoring.text.terms.MAX_REVIEWS` reviews;
- :mod:`scoring.text.contrast`: which terms tell two groups apart (weighted log-odds with
  an informative Dirichlet prior, "Fightin' Words", with z-scores);
- :mod:`scoring.text.themes`: a handful of themes (NMF over the term matrix), their share
  over time, mean stars and examples;
- :mod:`scoring.text.story`: what a period's new low-star reviews were about.
"""

from scoring.text.contrast import Comparison, compare, group_vs_rest, low_vs_high, period_vs_before
from scoring.text.terms import TermMatrix, term_matrix
from scoring.text.themes import Themes, find_themes

__all__ = [
    "Comparison",
    "TermMatrix",
    "Themes",
    "compare",
    "find_themes",
    "group_vs_rest",
    "low_vs_high",
    "period_vs_before",
    "term_matrix",
]
