"""Benchmark of the importer on a Trustpilot business-export CSV (1,000,000 rows).

:func:`bench_import` writes a seeded export (:func:`benchmarks.data.write_trustpilot_csv`,
about 390 MB for 1,000,000 rows) and imports it with :func:`scoring.load_reviews`
in a fresh Python process per run, so that each run's peak memory is its own: the
child reports its peak resident set, the interpreter and libraries included, next to
the same figure just before the import started. Targets: at most 10 s and 2 GB.

The peak is the kernel's ``VmHWM`` of the child (``/proc/self/status``), not
``ru_maxrss``: on Linux a child's ``ru_maxrss`` (and so the parent's
``RUSAGE_CHILDREN``, and ``/usr/bin/time``) starts from the *parent's* resident set
at fork/exec, so a child of an 800 MB parent reports at least 800 MB however little
it uses. ``VmHWM`` belongs to the child's own address space. ``ru_maxrss`` is the
fallback where ``/proc`` is missing.

Run alone with ``python -m benchmarks.bench_import`` (prints JSON); the child mode
is ``python -m benchmarks.bench_import --child FILE --max-bytes N``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.data import DATA_DIR, write_trustpilot_csv

ROOT = Path(__file__).resolve().parents[1]
ROWS = 1_000_000
TARGET_S = 10.0
TARGET_PEAK_MB = 2000.0


STATUS = Path("/proc/self/status")


def _peak_mb() -> float:
    """This process's peak resident set so far, in MB (10**6 bytes)."""
    if STATUS.exists():
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6  # kB
    # ru_maxrss is in KiB on Linux (and may include the parent's, see above).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def _child(path: str, max_bytes: int) -> dict[str, object]:
    """Import ``path`` once in this process; the time, rows and memory as a dict."""
    import scoring  # imported here, so the baseline includes it

    baseline = _peak_mb()
    began = time.perf_counter()
    result = scoring.load_reviews(path, max_bytes=max_bytes)
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6,
        "baseline_mb": baseline,
        "rows_read": result.report.rows_read,
        "kept": result.report.kept,
        "rejected": result.report.rejected,
    }


def import_once(path: Path, max_bytes: int) -> dict[str, object]:
    """Import ``path`` in a fresh Python process; what :func:`_child` measured there."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_import", "--child", str(path),
         "--max-bytes", str(max_bytes)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"The import child failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_import(
    rows: int = ROWS,
    repeats: int = 5,
    *,
    workdir: str | Path | None = None,
    keep_file: bool = False,
    seed: int = 0,
) -> dict[str, object]:
    """Median wall time and peak memory of importing a ``rows``-row Trustpilot export.

    The file goes to ``workdir`` (default ``benchmarks/data/``, ignored by git) and is
    removed afterwards unless ``keep_file``. ``max_bytes`` is set to twice the file's
    size, so the importer's size guard does not refuse it.
    """
    folder = Path(workdir) if workdir is not None else DATA_DIR
    path = folder / f"trustpilot_export_{rows}.csv"
    began = time.perf_counter()
    write_trustpilot_csv(path, rows, seed=seed)
    generate_s = time.perf_counter() - began
    size = path.stat().st_size
    max_bytes = max(2 * size, 64 * 1024 * 1024)
    try:
        runs = [import_once(path, max_bytes) for _ in range(repeats)]
    finally:
        if not keep_file:
            path.unlink(missing_ok=True)
    seconds = [float(run["seconds"]) for run in runs]
    peaks = [float(run["peak_mb"]) for run in runs]
    return {
        "rows": rows,
        "file_mb": size / 1e6,
        "generate_s": generate_s,
        "runs": runs,
        "times_s": seconds,
        "peak_mb": peaks,
        "baseline_mb": [float(run["baseline_mb"]) for run in runs],
        "ru_maxrss_mb": [float(run["ru_maxrss_mb"]) for run in runs],
        "kept": [int(run["kept"]) for run in runs],
    }


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help="import this file once and print JSON")
    parser.add_argument("--max-bytes", type=int, default=2**31)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.max_bytes)))
    else:
        print(json.dumps(bench_import(args.rows, args.repeats), indent=2))


if __name__ == "__main__":
    _main()
