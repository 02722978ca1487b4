"""Benchmark of the command line: ``trustlens score`` on the demo data with pandas.

What a scheduler sees: ``python -m scoring score data/demo_reviews.csv --by
company,location --out scores.parquet`` run as a new process (interpreter start,
imports, the importer on the 14,891-row export, scoring, the atomic Parquet write),
as the median of ``repeats`` runs after one untimed warm-up (a warm file cache). The
same command inside this process (click's runner, modules already imported) is
reported beside it, to show how much of the wall time is start-up.

Target: at most 5 s for the new process (``within_target``). The load average is
recorded, since the machine is shared. Run alone with ``python -m
benchmarks.bench_cli`` (prints JSON).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.timing import measure

TARGET_S = 5.0
ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo_reviews.csv"
BY = "company,location"


def run(repeats: int = 5) -> dict[str, object]:
    """Seconds for ``trustlens score`` on the demo data (pandas): as a new process and
    in-process (medians), with the reviews and groups scored and the 1-minute load
    average before and after."""
    import pandas as pd
    from click.testing import CliRunner

    from scoring.cli import cli

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as folder:
        out = Path(folder) / "scores.parquet"
        args = ["score", str(DEMO), "--by", BY, "--engine", "pandas", "--out", str(out),
                "--quiet"]

        def new_process() -> None:
            subprocess.run([sys.executable, "-m", "scoring", *args], cwd=ROOT, check=True,
                           capture_output=True, timeout=300)

        def in_process() -> None:
            result = CliRunner().invoke(cli, args)
            if result.exit_code != 0:
                raise RuntimeError(f"trustlens score failed: {result.output}")

        process = measure(new_process, repeats)
        inside = measure(in_process, repeats)
        scores = pd.read_parquet(out)
    return {
        "command": f"python -m scoring score {DEMO.name} --by {BY} --out scores.parquet",
        "new_process": process.as_dict(),
        "in_process": inside.as_dict(),
        "reviews": int(scores["reviews"].sum()),
        "groups": len(scores),
        "target_s": TARGET_S,
        "within_target": process.median_s <= TARGET_S,
        "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
