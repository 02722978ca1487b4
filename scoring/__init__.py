"""TrustLens scoring engine: the time-decayed Bayesian TrustScore and its companions.

Pure Python + numpy/pandas: no streamlit. Start with::

    import scoring
    reviews = scoring.load_reviews("export.csv").reviews
    scoring.trust_score(reviews)             # the score Trustpilot shows now
    scoring.score_series(reviews, freq="M")  # the score at each month's end
    scoring.trust_score(reviews, model="decayed-prior")  # the older form, for comparison

What a notebook needs is listed in ``__all__``: loading exports, the score and its
series, how it is shown, companion metrics, many businesses at once, why it moved,
projections and goal seek, the plain-language briefing, and checking against published
scores. Internals live in the modules (``scoring.model``, ``scoring.periods``, ...).
Two modules touch the outside world and are imported on their own: ``scoring.store``
(the DuckDB workspace file of saved datasets) and ``scoring.sql`` (the score table as
SQL over Parquet).
"""

from scoring.attribution import Attribution, explain_change, heaviest_reviews, largest_moves
from scoring.briefing import (
    Briefing,
    Figure,
    Sentence,
    Target,
    build_briefing,
    full_briefing,
    next_target,
)
from scoring.calibration import compare_readings, fit, incompleteness
from scoring.display import (
    DEFAULT_KPI_BANDS,
    DEFAULT_LABEL_BANDS,
    KpiBands,
    LabelBands,
    display_score,
    gaps,
    kpi_band,
    kpi_index,
    kpi_points,
    label,
    star_rating,
    target_threshold,
)
from scoring.errors import ParameterError, ReviewDataError, WorkspaceError
from scoring.fidelity import PUBLISHED_FIT, FitSummary
from scoring.groups import score_series_by, score_table
from scoring.ingest import ImportReport, ImportResult, load_many, load_reviews
from scoring.metrics import Summary, companion_series, star_counts, summary
from scoring.model import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_MODEL,
    DEFAULT_PRIOR_COUNT,
    DEFAULT_PRIOR_MEAN,
    SCORE_MODELS,
    ScoreParams,
    score_series,
    trust_score,
)
from scoring.projection import (
    Backtest,
    Channel,
    CrossingTimes,
    DatePrecision,
    GoalSeek,
    Projection,
    ProjectionInputs,
    Reachability,
    RecentRates,
    Uncertainty,
    backtest,
    channel_groupings,
    channel_history,
    channel_inputs,
    channel_requests_needed,
    channels_from_history,
    date_precision,
    date_reached,
    expected_path,
    fit_uncertainty,
    half_life_sensitivity,
    project,
    reachability,
    recent_rates,
    requests_needed,
    status_quo,
    stop_collecting,
)
from scoring.readings import PublishedReading
from scoring.reviews import CANONICAL_COLUMNS, validate_reviews
from scoring.snapshot import Snapshot, snapshot

__all__ = [
    "CANONICAL_COLUMNS",
    "DEFAULT_HALF_LIFE_DAYS",
    "DEFAULT_KPI_BANDS",
    "DEFAULT_LABEL_BANDS",
    "DEFAULT_MODEL",
    "DEFAULT_PRIOR_COUNT",
    "DEFAULT_PRIOR_MEAN",
    "PUBLISHED_FIT",
    "SCORE_MODELS",
    "Attribution",
    "Backtest",
    "Briefing",
    "Channel",
    "CrossingTimes",
    "DatePrecision",
    "Figure",
    "FitSummary",
    "GoalSeek",
    "ImportReport",
    "ImportResult",
    "KpiBands",
    "LabelBands",
    "ParameterError",
    "Projection",
    "ProjectionInputs",
    "PublishedReading",
    "Reachability",
    "RecentRates",
    "ReviewDataError",
    "ScoreParams",
    "Sentence",
    "Snapshot",
    "Summary",
    "Target",
    "Uncertainty",
    "WorkspaceError",
    "backtest",
    "build_briefing",
    "channel_groupings",
    "channel_history",
    "channel_inputs",
    "channel_requests_needed",
    "channels_from_history",
    "companion_series",
    "compare_readings",
    "date_precision",
    "date_reached",
    "display_score",
    "expected_path",
    "explain_change",
    "fit",
    "fit_uncertainty",
    "full_briefing",
    "gaps",
    "half_life_sensitivity",
    "heaviest_reviews",
    "incompleteness",
    "kpi_band",
    "kpi_index",
    "kpi_points",
    "label",
    "largest_moves",
    "load_many",
    "load_reviews",
    "next_target",
    "project",
    "reachability",
    "recent_rates",
    "requests_needed",
    "score_series",
    "score_series_by",
    "score_table",
    "snapshot",
    "star_counts",
    "star_rating",
    "status_quo",
    "stop_collecting",
    "summary",
    "target_threshold",
    "trust_score",
    "validate_reviews",
]
