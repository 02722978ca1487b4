"""TrustLens scoring engine: the time-decayed Bayesian TrustScore and its companions.

Pure Python + numpy/pandas; never imports streamlit. Start with::

    import scoring
    scoring.trust_score(reviews)             # the score Trustpilot shows now
    scoring.score_series(reviews, freq="M")  # the score at each month's end
    scoring.trust_score(reviews, model="decayed-prior")  # the older form, for comparison
"""

from scoring.display import (
    DEFAULT_KPI_BANDS,
    DEFAULT_LABEL_BANDS,
    Gaps,
    KpiBands,
    LabelBands,
    display_score,
    five_stars_needed,
    gaps,
    kpi_band,
    kpi_index,
    label,
    star_rating,
)
from scoring.errors import ReviewDataError
from scoring.fidelity import PUBLISHED_FIT, FitSummary
from scoring.groups import score_series_by, score_table
from scoring.ingest import ImportReport, ImportResult, load_many, load_reviews
from scoring.metrics import (
    Summary,
    bayesian_average,
    companion_series,
    dirichlet_rating,
    net_score,
    star_counts,
    summary,
    wilson_lower_bound,
)
from scoring.model import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_MODEL,
    DEFAULT_PRIOR_COUNT,
    DEFAULT_PRIOR_MEAN,
    SCORE_MODELS,
    ScoreModel,
    ScoreParams,
    ScoreState,
    bayesian_score,
    decayed_sums,
    score_from_sums,
    score_series,
    score_state,
    trust_score,
)
from scoring.projection import (
    CrossingTimes,
    GoalSeek,
    Projection,
    ProjectionInputs,
    Reachability,
    RecentRates,
    date_reached,
    expected_path,
    half_life_sensitivity,
    project,
    reachability,
    recent_rates,
    requests_needed,
    status_quo,
    stop_collecting,
    target_threshold,
    validate_mix,
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
    "CrossingTimes",
    "FitSummary",
    "Gaps",
    "GoalSeek",
    "ImportReport",
    "ImportResult",
    "KpiBands",
    "LabelBands",
    "Projection",
    "ProjectionInputs",
    "PublishedReading",
    "Reachability",
    "RecentRates",
    "ReviewDataError",
    "ScoreModel",
    "ScoreParams",
    "ScoreState",
    "Snapshot",
    "Summary",
    "bayesian_average",
    "bayesian_score",
    "companion_series",
    "date_reached",
    "decayed_sums",
    "dirichlet_rating",
    "display_score",
    "expected_path",
    "five_stars_needed",
    "gaps",
    "half_life_sensitivity",
    "kpi_band",
    "kpi_index",
    "label",
    "load_many",
    "load_reviews",
    "net_score",
    "project",
    "reachability",
    "recent_rates",
    "requests_needed",
    "score_from_sums",
    "score_series",
    "score_series_by",
    "score_state",
    "score_table",
    "snapshot",
    "star_counts",
    "star_rating",
    "status_quo",
    "stop_collecting",
    "summary",
    "target_threshold",
    "trust_score",
    "validate_mix",
    "validate_reviews",
    "wilson_lower_bound",
]
