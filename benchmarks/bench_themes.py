"""Benchmark of the text engine (:mod:`scoring.text`): the term matrix, the term tables
and the themes, cold and cached, against scikit-learn's ``CountVectorizer``.

The reviews are seeded synthetic ones with realistic titles and texts
(:mod:`benchmarks.texts`: Zipf-like words, star-dependent topics, typos, names, 9%
German, a topic that rises in the last quarter), written to a Parquet file that each
measuring process reads. Everything is measured in fresh Python processes
(``python -m benchmarks.bench_themes --child FILE``), because ``simplemma`` loads a
language's lemma dictionary and ``py3langid`` its model once per process: a process's
first ``term_matrix`` is the *cold* one a user waits for after the server starts (or
after another dataset was analysed in a new worker), and its second call shows what the
same work costs with the dictionaries already loaded. In the cold call the loading is
timed on its own (the loaders are wrapped, at no cost to the rest), so the report can
say how much of it is loading. The app loads that language data in the background
shortly after the server starts (``ui/warmup.py``); ``--preload`` processes do the same
first (timed apart) and then time the first analysis: the cold case once the server has
warmed up.

Each process reports its peak resident set during ``term_matrix`` (``VmHWM`` of
``/proc/self/status``, reset just before the call through ``/proc/self/clear_refs``;
see :mod:`benchmarks.bench_import` on why not ``ru_maxrss``, which is reported too).
The first process at each size also times, in the same process:

- the term tables: ``low_vs_high`` and ``period_vs_before`` (the last quarter against
  the one before) given the matrix, each with its top-15 lists both ways;
- ``find_themes`` (six themes);
- the cached path: what a rerun of a page costs when the term matrix and themes are
  in the Streamlit cache (``ui.themes.data``: a cache hit on each, the two term
  tables and the themes' summary and share over time recomputed);
- the naive baseline: ``CountVectorizer(ngram_range=(1, 3), stop_words="english",
  min_df=3, binary=True).fit_transform`` on the same titles and texts.

Targets (issue 14): the term tables of 100,000 reviews in at most 5 s cold and 1 s
cached on this 2-core machine; 1,000,000 reviews without running out of memory (the
term matrix reads a seeded sample of at most ``scoring.text.terms.MAX_REVIEWS``
reviews). Run alone with ``python -m benchmarks.bench_themes`` (prints JSON).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.timing import Timing, measure

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10_000, 100_000)
TARGET_ROWS = 100_000
COLD_TARGET_S = 5.0
CACHED_TARGET_S = 1.0
MEMORY_ROWS = 1_000_000
MEMORY_LIMIT_MB = 24_000.0  # this machine's memory: the 1,000,000 run must fit
TOP = 15
EXCLUDE = ("larkspur",)  # the company's name, as the pages leave it out
THEMES_PAGE = ROOT / "app_pages" / "themes.py"
PERIODS = (30, 182, 365, 90)  # the page's period presets (days), 90 its default
STAR_GROUPS = ("all", "low", "high")
EXCLUSIONS = ("delivery", "price", "app", "refund", "staff", "quality", "phone", "order")
"""Words typed into 'Leave out words', one more per timed change (each a new cache key)."""
STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


# --------------------------------------------------------------------------- memory


def _status_mb(field: str) -> float | None:
    if not STATUS.exists():
        return None
    for line in STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024 / 1e6  # kB
    return None


def _reset_peak() -> bool:
    """Reset this process's peak resident set to its current one (Linux >= 4.0)."""
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def _peak_mb() -> float:
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def _rss_mb() -> float:
    rss = _status_mb("VmRSS")
    return rss if rss is not None else _peak_mb()


# --------------------------------------------------------------------------- child


class _LoadClock:
    """Times the once-per-process loading inside a cold ``term_matrix`` call.

    Wraps ``simplemma``'s dictionary loader (called only when a language's dictionary
    is first needed) and ``py3langid``'s model loader; both are called once, so the
    wrapping costs nothing elsewhere. ``detect_s`` is the whole language detection
    (``scoring.text.language.detect``: the model load and the sampled texts).
    """

    def __init__(self) -> None:
        self.loads: dict[str, float] = {}
        self.detect_s = 0.0

    def _timed(self, name: str, function: Callable[..., object]) -> Callable[..., object]:
        def timed(*args: object, **kwargs: object) -> object:
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                label = name if not args else f"{name} ({args[0]})"
                self.loads[label] = self.loads.get(label, 0.0) + time.perf_counter() - began

        return timed

    def install(self) -> None:
        import py3langid.langid as langid_module
        from simplemma.strategies.dictionaries import dictionary_factory

        from scoring.text import language

        dictionary_factory._load_dictionary_from_disk = self._timed(  # type: ignore[assignment]
            "simplemma dictionary", dictionary_factory._load_dictionary_from_disk)
        langid_module._load_identifier = self._timed(  # type: ignore[assignment]
            "py3langid model", langid_module._load_identifier)
        detect = language.detect

        def timed_detect(*args: object, **kwargs: object) -> object:
            began = time.perf_counter()
            try:
                return detect(*args, **kwargs)  # type: ignore[arg-type]
            finally:
                self.detect_s += time.perf_counter() - began

        language.detect = timed_detect  # type: ignore[assignment]


def _tables(terms, reviews) -> tuple[object, object]:
    """The two term tables of the page, with their top lists both ways."""
    from benchmarks.texts import rise_period
    from scoring import text

    start, end = rise_period()
    low = text.low_vs_high(terms, reviews, exclude=EXCLUDE)
    low.typical_of_a(TOP)
    low.typical_of_b(TOP)
    period = text.period_vs_before(terms, reviews, start, end, exclude=EXCLUDE)
    period.typical_of_a(TOP)
    period.typical_of_b(TOP)
    return low, period


def _child(path: str, *, warm: bool, full: bool, repeats: int,
           baseline_repeats: int, baseline_cap_s: float, preload: bool = False
           ) -> dict[str, object]:
    """Measure ``term_matrix`` cold (and more, see the module) on the reviews at ``path``.

    With ``preload`` the process first loads the language data as the app's background
    warm-up does (``ui.warmup``: ``language.preload`` of its languages), timed apart:
    the cold call is then the one a user waits for once the server has warmed up.
    """
    began = time.perf_counter()
    import pandas  # noqa: F401
    import py3langid.langid  # noqa: F401  (a light import; its model loads on first use)
    import pyarrow  # noqa: F401
    import simplemma  # noqa: F401

    import scoring.text  # noqa: F401
    imports_s = time.perf_counter() - began
    from benchmarks.texts import read_review_texts
    from scoring import text

    began = time.perf_counter()
    reviews = read_review_texts(path)
    read_s = time.perf_counter() - began
    preload_s = None
    if preload:
        from scoring.text import language
        from ui.warmup import LANGUAGES

        began = time.perf_counter()
        language.preload(LANGUAGES)
        preload_s = time.perf_counter() - began
    clock = _LoadClock()
    clock.install()
    gc.collect()
    rss_before = _rss_mb()
    reset = _reset_peak()
    began = time.perf_counter()
    terms = text.term_matrix(reviews)
    cold_s = time.perf_counter() - began
    peak = _peak_mb()
    began = time.perf_counter()
    _tables(terms, reviews)
    cold_tables_s = time.perf_counter() - began
    result: dict[str, object] = {
        "rows": len(reviews),
        "imports_s": imports_s,
        "read_s": read_s,
        "preload_s": preload_s,
        "cold_s": cold_s,
        "cold_tables_s": cold_tables_s,
        "cold_path_s": cold_s + cold_tables_s,
        "loading_s": sum(clock.loads.values()),
        "loads_s": dict(clock.loads),
        "detect_s": clock.detect_s,
        "rss_before_mb": rss_before,
        "peak_mb": peak,
        "peak_reset": reset,
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6,
        "matrix_rows": int(terms.matrix.shape[0]),
        "terms": int(terms.matrix.shape[1]),
        "nonzero": int(terms.matrix.nnz),
        "matrix_mb": (terms.matrix.data.nbytes + terms.matrix.indices.nbytes
                      + terms.matrix.indptr.nbytes) / 1e6,
        "sampled": bool(terms.sampled),
        "total_reviews": int(terms.total_reviews),
        "languages": {str(k): int(v) for k, v in terms.languages.value_counts().items()},
    }
    if warm:
        del terms
        gc.collect()
        began = time.perf_counter()
        terms = text.term_matrix(reviews)
        result["warm_s"] = time.perf_counter() - began
    if full:
        result.update(_in_process(reviews, terms, repeats, baseline_repeats, baseline_cap_s))
    return result


def _in_process(reviews, terms, repeats: int, baseline_repeats: int,
                baseline_cap_s: float) -> dict[str, object]:
    """The term tables, themes, cached path and baseline, in the measuring process."""
    from benchmarks.texts import COMPANY, rise_period
    from scoring import text
    from scoring.text.tokens import tokenise

    start, end = rise_period()
    exclude = EXCLUDE
    out: dict[str, object] = {}
    began = time.perf_counter()
    import sklearn.decomposition  # find_themes imports it on first use
    import sklearn.feature_extraction.text  # noqa: F401
    out["sklearn_import_s"] = time.perf_counter() - began
    out["tables"] = measure(lambda: _tables(terms, reviews), repeats).as_dict()
    out["low_vs_high"] = measure(
        lambda: text.low_vs_high(terms, reviews, exclude=exclude), repeats).as_dict()
    out["period_vs_before"] = measure(
        lambda: text.period_vs_before(terms, reviews, start, end, exclude=exclude),
        repeats).as_dict()
    out["themes"] = measure(
        lambda: text.find_themes(terms, reviews, exclude=exclude), max(1, min(repeats, 5)),
        warmup=0).as_dict()
    low = text.low_vs_high(terms, reviews, exclude=exclude)
    period = text.period_vs_before(terms, reviews, start, end, exclude=exclude)
    found = text.find_themes(terms, reviews, exclude=exclude)
    out["sanity"] = {
        "low": low.typical_of_a(5)["term"].tolist(),
        "high": low.typical_of_b(5)["term"].tolist(),
        "rising": period.typical_of_a(5)["term"].tolist(),
        "period_reviews": [period.size_a, period.size_b],
        "themes": list(found.names),
        "names": list(terms.names[:8]),
    }
    out.update(_cached_path(reviews, repeats, start, end, COMPANY))
    if THEMES_PAGE.exists():
        out.update(_page(reviews, repeats))
    tokens = tokenise(reviews.get("title"), reviews.get("text"))
    out["words"] = int(tokens.word.size)
    out["distinct_words"] = len(tokens.vocabulary)
    out["distinct_lower"] = len({w.lower() for w in tokens.vocabulary})
    out["characters"] = int(sum(
        reviews[c].str.len().fillna(0).sum() for c in ("title", "text")))
    del tokens
    out.update(_baseline(reviews, baseline_repeats, baseline_cap_s))
    return out


def _cached_path(reviews, repeats: int, start, end, company: str) -> dict[str, object]:
    """A page rerun with the term matrix and themes in the Streamlit cache."""
    import hashlib
    import logging

    import streamlit as st

    # Caches used outside a server run log harmless warnings; keep the output readable.
    for name in ("streamlit.runtime.caching.cache_data_api",
                 "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)

    from scoring import text
    from ui.controls import View
    from ui.data import Dataset
    from ui.settings import ModelSettings
    from ui.themes import data as themes_data

    st.cache_data.clear()
    st.cache_resource.clear()
    content_hash = hashlib.sha256(f"bench-themes|{len(reviews)}".encode()).hexdigest()
    dataset = Dataset("bench-themes", f"Benchmark: {len(reviews):,} reviews", reviews,
                      content_hash, "upload")
    view = View(dataset=dataset, model=ModelSettings(), freq=None, start=None, end=None,
                reviews=reviews)

    def page() -> None:
        terms = themes_data.term_matrix(view)
        exclude = themes_data.company_words(view)
        low = text.low_vs_high(terms, view.reviews, exclude=exclude)
        low.typical_of_a(TOP)
        low.typical_of_b(TOP)
        period = text.period_vs_before(terms, view.reviews, start, end, exclude=exclude)
        period.typical_of_a(TOP)
        period.typical_of_b(TOP)
        found = themes_data.themes(view, exclude=exclude)
        found.summary(view.reviews)
        found.share_over_time(view.reviews)

    began = time.perf_counter()
    page()  # the cache misses: the term matrix (dictionaries already loaded) and themes
    first_s = time.perf_counter() - began
    hits = measure(lambda: (themes_data.term_matrix(view),
                            themes_data.themes(view, exclude=themes_data.company_words(view))),
                   repeats)
    timing = measure(page, repeats)
    words = themes_data.company_words(view)
    st.cache_data.clear()
    st.cache_resource.clear()
    return {"cached_first_s": first_s, "cached": timing.as_dict(), "hits": hits.as_dict(),
            "company_words": list(words), "company": company}


def _page(reviews, repeats: int) -> dict[str, object]:
    """The Themes page under AppTest (``app.py``, as the server runs it for one session):
    its first run, an unchanged rerun, reruns after a change of the rising terms' period
    or stars (one comparison recomputed, the term matrix and the rest cached) and after
    a change of the words left out (both comparisons and the themes recomputed)."""
    import hashlib

    from streamlit.testing.v1 import AppTest

    from benchmarks.bench_app import APP, DATASET_KEY, TIMEOUT_S, private_workspace
    from ui.data import Dataset
    from ui.themes import sections

    def timed(at: AppTest) -> float:
        began = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - began
        if at.exception:
            raise RuntimeError(f"The Themes page raised: {[e.value for e in at.exception]}")
        if not any("Term" in frame.value.columns for frame in at.dataframe):
            raise RuntimeError("The Themes page shows no term table.")
        return seconds

    content_hash = hashlib.sha256(f"bench-themes-page|{len(reviews)}".encode()).hexdigest()
    dataset = Dataset(DATASET_KEY, f"Benchmark: {len(reviews):,} reviews", reviews,
                      content_hash, "upload")
    combos = [(d, s) for s in STAR_GROUPS for d in PERIODS if (d, s) != (90, "all")]
    with private_workspace():
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        at.session_state["uploads"] = {dataset.key: dataset}
        at.session_state["dataset"] = dataset.key
        at.switch_page(str(THEMES_PAGE))
        first = timed(at)
        unchanged = [timed(at) for _ in range(repeats)]
        period = []
        for days, stars in combos[:repeats]:
            at.segmented_control(key=sections.DAYS).set_value(days)
            at.segmented_control(key=sections.STARS).set_value(stars)
            period.append(timed(at))
        excluded = []
        for k in range(min(repeats, len(EXCLUSIONS))):
            at.text_input(key=sections.EXCLUDE).set_value(", ".join(EXCLUSIONS[:k + 1]))
            excluded.append(timed(at))
        charts = len(at.get("plotly_chart"))
        st.cache_data.clear()
        st.cache_resource.clear()
    return {
        "page_first_s": first,
        "page_unchanged": Timing(tuple(unchanged)).as_dict(),
        "page_period": Timing(tuple(period)).as_dict(),
        "page_excluded": Timing(tuple(excluded)).as_dict(),
        "page_charts": charts,
    }


def _baseline(reviews, repeats: int, cap_s: float) -> dict[str, object]:
    """scikit-learn's CountVectorizer, 1-3 word n-grams, on the same texts."""
    from sklearn.feature_extraction.text import CountVectorizer

    parts = [reviews[c].fillna("").astype(object) for c in ("title", "text")]
    documents = (parts[0] + " " + parts[1]).tolist()
    shapes: list[tuple[int, int]] = []

    def fit() -> None:
        vectorizer = CountVectorizer(ngram_range=(1, 3), stop_words="english", min_df=3,
                                     binary=True)
        matrix = vectorizer.fit_transform(documents)
        shapes.append((int(matrix.shape[1]), int(matrix.nnz)))

    gc.collect()
    reset = _reset_peak()
    rss_before = _rss_mb()
    timing = measure(fit, repeats, warmup=0, cap_s=cap_s)
    return {"baseline": timing.as_dict(), "baseline_terms": shapes[-1][0],
            "baseline_nonzero": shapes[-1][1], "baseline_peak_mb": _peak_mb(),
            "baseline_rss_before_mb": rss_before, "baseline_peak_reset": reset}


# --------------------------------------------------------------------------- parent


def run_child(path: Path, *, warm: bool = True, full: bool = False, repeats: int = 5,
              baseline_repeats: int = 3, baseline_cap_s: float = 60.0,
              preload: bool = False) -> dict[str, object]:
    """One measuring process on the reviews at ``path``; what :func:`_child` returned."""
    command = [sys.executable, "-m", "benchmarks.bench_themes", "--child", str(path),
               "--repeats", str(repeats), "--baseline-repeats", str(baseline_repeats),
               "--baseline-cap", str(baseline_cap_s)]
    if not warm:
        command.append("--once")
    if full:
        command.append("--full")
    if preload:
        command.append("--preload")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"The measuring process failed ({done.returncode}): "
                           f"{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_size(rows: int, folder: Path, *, cold_repeats: int = 5, repeats: int = 7,
               baseline_repeats: int = 3, baseline_cap_s: float = 60.0,
               language_column: bool = False, full: bool = True, seed: int = 0,
               preloaded_repeats: int = 0, warm: bool = True,
               **options: object) -> dict[str, object]:
    """``cold_repeats`` measuring processes on ``rows`` generated reviews (the first
    one ``full``: tables, themes, cached path, baseline; each with a second, warm call
    when ``warm``), then ``preloaded_repeats`` processes that load the language data
    first as the app's warm-up does; their results, listed as ``runs`` and
    ``preloaded``. ``options`` go to :func:`benchmarks.texts.review_text_chunks`."""
    from benchmarks.texts import write_review_texts

    path = folder / f"review_texts_{rows}{'_language' if language_column else ''}.parquet"
    began = time.perf_counter()
    write_review_texts(path, rows, seed=seed, language_column=language_column, **options)
    generate_s = time.perf_counter() - began
    file_mb = path.stat().st_size / 1e6
    try:
        runs = [run_child(path, full=full and k == 0, repeats=repeats, warm=warm,
                          baseline_repeats=baseline_repeats, baseline_cap_s=baseline_cap_s)
                for k in range(cold_repeats)]
        preloaded = [run_child(path, warm=False, preload=True)
                     for _ in range(preloaded_repeats)]
    finally:
        path.unlink(missing_ok=True)
    return {"rows": rows, "generate_s": generate_s, "file_mb": file_mb, "runs": runs,
            "preloaded": preloaded, "language_column": language_column}


def bench_memory(rows: int, folder: Path, *, repeats: int = 1, seed: int = 0
                 ) -> dict[str, object]:
    """Peak memory and time of one cold ``term_matrix`` of ``rows`` reviews, per process."""
    from benchmarks.texts import write_review_texts

    path = folder / f"review_texts_{rows}.parquet"
    began = time.perf_counter()
    write_review_texts(path, rows, seed=seed)
    generate_s = time.perf_counter() - began
    file_mb = path.stat().st_size / 1e6
    try:
        runs = [run_child(path, warm=False) for _ in range(repeats)]
    finally:
        path.unlink(missing_ok=True)
    return {"rows": rows, "generate_s": generate_s, "file_mb": file_mb, "runs": runs}


def timing_of(runs: list[dict[str, object]], key: str) -> Timing:
    """The ``key`` seconds of every run, as a :class:`Timing`."""
    return Timing(tuple(float(run[key]) for run in runs))  # type: ignore[arg-type]


def bench_themes(sizes: tuple[int, ...] = SIZES, folder: Path | None = None, *,
                 cold_repeats: int = 5, repeats: int = 7, memory_rows: int | None = MEMORY_ROWS,
                 ) -> dict[str, object]:
    """Every measurement of the section (as the runner does it), as a dict."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="trustlens-bench-themes-") as scratch:
        where = Path(folder) if folder is not None else Path(scratch)
        out: dict[str, object] = {
            "sizes": [bench_size(rows, where, cold_repeats=cold_repeats, repeats=repeats)
                      for rows in sizes],
        }
        if memory_rows:
            out["memory"] = bench_memory(memory_rows, where)
    return out


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help="measure on this Parquet file and print JSON")
    parser.add_argument("--once", action="store_true", help="no second term_matrix call")
    parser.add_argument("--full", action="store_true",
                        help="also the tables, themes, cached path and baseline")
    parser.add_argument("--preload", action="store_true",
                        help="load the language data first, as the app's warm-up does")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline-repeats", type=int, default=3)
    parser.add_argument("--baseline-cap", type=float, default=60.0)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, warm=not args.once, full=args.full,
                                repeats=args.repeats, baseline_repeats=args.baseline_repeats,
                                baseline_cap_s=args.baseline_cap, preload=args.preload)))
    else:
        print(json.dumps(bench_themes(), indent=2))


if __name__ == "__main__":
    _main()
