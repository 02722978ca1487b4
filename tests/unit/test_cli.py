"""The command line (scoring/cli.py): same numbers as the library, exit codes a scheduler
can act on, help with examples."""

from __future__ import annotations

import math
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import scoring
from scoring import cli
from scoring.groups import score_series_by, score_table
from scoring.model import ScoreParams

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo_reviews.csv"
TOLERANCE = 1e-9
NUMERIC = ("score", "display_score", "stars", "effective_reviews", "score_change")


@pytest.fixture(scope="module")
def demo_reviews() -> pd.DataFrame:
    return scoring.load_reviews(DEMO).reviews


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli.cli, list(args), catch_exceptions=False)


def assert_same_table(written: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """``written`` (the command's file) equals ``expected`` (score_table) to 1e-9."""
    expected = expected.reset_index()
    written = written.sort_values(keys, ignore_index=True)
    expected = expected.sort_values(keys, ignore_index=True)
    assert list(written[keys].astype(str).itertuples(index=False)) == list(
        expected[keys].astype(str).itertuples(index=False)
    )
    for column in NUMERIC:
        np.testing.assert_allclose(written[column].to_numpy(), expected[column].to_numpy(),
                                   rtol=0, atol=TOLERANCE, err_msg=column)
    assert (written["reviews"].to_numpy() == expected["reviews"].to_numpy()).all()
    assert written["label"].tolist() == expected["label"].tolist()
    assert (pd.to_datetime(written["last_review_at"], utc=True)
            == expected["last_review_at"]).all()


def write_parquet_folder(reviews: pd.DataFrame, folder: Path, parts: int = 3) -> Path:
    """The reviews as a folder of canonical Parquet files, split by row."""
    folder.mkdir()
    columns = ["created_at", "rating", "counts", "company", "location"]
    table = reviews.loc[:, [c for c in columns if c in reviews.columns]]
    for i, chunk in enumerate(np.array_split(np.arange(len(table)), parts)):
        table.iloc[chunk].to_parquet(folder / f"part-{i}.parquet", index=False)
    return folder


def test_score_on_the_demo_data_equals_score_table(tmp_path: Path,
                                                   demo_reviews: pd.DataFrame) -> None:
    out = tmp_path / "scores.parquet"
    result = invoke("score", str(DEMO), "--by", "company,location", "--out", str(out))
    assert result.exit_code == 0, result.output
    written = pd.read_parquet(out)
    expected = score_table(demo_reviews, ["company", "location"])
    assert_same_table(written, expected, ["company", "location"])
    # The instant and the parameters travel with the scores.
    newest = demo_reviews["created_at"].max()
    assert (written["as_of"] == newest).all()
    assert set(written["model"]) == {"trustpilot"}
    assert set(written["half_life_days"]) == {182.5}
    assert cli.read_metadata(out)["by"] == ["company", "location"]
    # The importer's counts are on stderr.
    assert "14,891 rows read, 14,891 kept, 0 duplicates, 0 rejected" in result.stderr


def test_every_model_parameter_reaches_the_engine(tmp_path: Path,
                                                  demo_reviews: pd.DataFrame) -> None:
    out = tmp_path / "scores.csv"
    result = invoke("score", str(DEMO), "--by", "location", "--model", "decayed-prior",
                    "--half-life-days", "45", "--prior-count", "12", "--prior-mean", "2.5",
                    "--as-of", "2026-03-31", "--change-days", "30", "--out", str(out),
                    "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    params = ScoreParams(half_life_days=45, prior_count=12, prior_mean=2.5,
                         model="decayed-prior")
    expected = score_table(demo_reviews, "location", as_of="2026-03-31", params=params,
                           change_days=30)
    written = pd.read_csv(out)
    assert_same_table(written, expected, ["location"])
    assert set(written["model"]) == {"decayed-prior"}
    assert set(written["prior_count"]) == {12.0}
    assert set(written["change_days"]) == {30.0}
    # The default model differs, so the parameters did change the numbers.
    default = score_table(demo_reviews, "location", as_of="2026-03-31", change_days=30)
    assert not np.allclose(expected.sort_index()["score"], default.sort_index()["score"])


def test_duckdb_equals_pandas_on_a_parquet_folder(tmp_path: Path,
                                                  demo_reviews: pd.DataFrame) -> None:
    folder = write_parquet_folder(demo_reviews, tmp_path / "reviews")
    outs = {}
    for engine in ("pandas", "duckdb"):
        outs[engine] = tmp_path / f"{engine}.parquet"
        result = invoke("score", str(folder), "--by", "company,location", "--engine", engine,
                        "--half-life-days", "30", "--out", str(outs[engine]))
        assert result.exit_code == 0, result.output
        assert "3 canonical Parquet file(s), 0 export(s)" in result.stderr
    pandas_out, duckdb_out = (pd.read_parquet(outs[e]) for e in ("pandas", "duckdb"))
    expected = score_table(demo_reviews, ["company", "location"], half_life_days=30)
    assert_same_table(pandas_out, expected, ["company", "location"])
    assert_same_table(duckdb_out, expected, ["company", "location"])
    assert (duckdb_out["as_of"] == pandas_out["as_of"]).all()


def test_series_matches_score_series_by(tmp_path: Path, demo_reviews: pd.DataFrame) -> None:
    out = tmp_path / "series.parquet"
    result = invoke("series", str(DEMO), "--by", "location", "--freq", "W",
                    "--start", "2025-01-01", "--end", "2025-12-31", "--half-life-days", "60",
                    "--out", str(out))
    assert result.exit_code == 0, result.output
    written = pd.read_parquet(out)
    expected = score_series_by(demo_reviews, "location", freq="W", start="2025-01-01",
                               end="2025-12-31", half_life_days=60)
    assert len(written) == len(expected) > 0
    assert written["location"].tolist() == expected["location"].tolist()
    assert (written["period"] == expected["period"]).all()
    for column in ("score", "effective_reviews", "mean_rating"):
        np.testing.assert_allclose(written[column], expected[column], rtol=0, atol=TOLERANCE,
                                   equal_nan=True, err_msg=column)
    assert (written["reviews"] == expected["reviews"]).all()
    assert set(written["freq"]) == {"W"} and set(written["clock"]) == {"live"}


def test_a_file_that_is_not_reviews_exits_3_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("colour,size\nred,3\nblue,4\n")
    result = invoke("score", str(bad), "--out", str(tmp_path / "s.parquet"))
    assert result.exit_code == cli.EXIT_DATA == 3
    assert "notes.csv" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "s.parquet").exists()


def test_a_missing_input_exits_3_naming_it(tmp_path: Path) -> None:
    result = invoke("score", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "s.csv"))
    assert result.exit_code == 3
    assert "absent.csv" in result.stderr


def test_a_missing_group_column_exits_3_naming_file_and_column(
        tmp_path: Path, demo_reviews: pd.DataFrame) -> None:
    folder = write_parquet_folder(demo_reviews, tmp_path / "reviews", parts=1)
    for engine in ("pandas", "duckdb"):
        result = invoke("score", str(folder), "--by", "region", "--engine", engine,
                        "--out", str(tmp_path / "s.parquet"))
        assert result.exit_code == 3, result.output
        assert "part-0.parquet" in result.stderr and "'region'" in result.stderr


@pytest.mark.parametrize("option", [("--half-life-days", "0"), ("--half-life-days", "-5"),
                                    ("--prior-count", "-1"), ("--as-of", "not a date")])
def test_a_bad_parameter_exits_4(tmp_path: Path, option: tuple[str, str]) -> None:
    result = invoke("score", str(DEMO), *option, "--out", str(tmp_path / "s.parquet"))
    assert result.exit_code == cli.EXIT_PARAMETER == 4, result.output
    assert option[0].lstrip("-").replace("-", "_") in result.stderr.replace("-", "_")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("score", str(DEMO), "--out", str(tmp_path / "s.txt")).exit_code == 2
    assert invoke("score", str(DEMO)).exit_code == 2  # --out missing
    assert invoke("score", str(DEMO), "--half-life-days", "soon",
                  "--out", str(tmp_path / "s.csv")).exit_code == 2


def test_spark_absent_exits_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulate a machine without the Spark engine (None in sys.modules: import fails).
    monkeypatch.setitem(sys.modules, "scoring.spark", None)
    for command in ("score", "series"):
        result = invoke(command, str(DEMO), "--engine", "spark",
                        "--out", str(tmp_path / "s.parquet"))
        assert result.exit_code == cli.EXIT_ENGINE == 5, result.output
        assert "Spark" in result.stderr and "pyspark" in result.stderr


def test_help_has_examples_and_exit_codes() -> None:
    for command in ([], ["score"], ["series"]):
        result = invoke(*command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.output and "trustlens " in result.output
        assert "Exit codes:" in result.output and "5  engine unavailable" in result.output


def test_the_console_script_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    target = project["project"]["scripts"]["trustlens"]
    module, _, name = target.partition(":")
    assert (module, name) == ("scoring.cli", "main") and callable(cli.main)


def test_python_dash_m_scoring_scores_the_demo(tmp_path: Path,
                                               demo_reviews: pd.DataFrame) -> None:
    out = tmp_path / "scores.parquet"
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "score", str(DEMO), "--by", "location",
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert_same_table(pd.read_parquet(out), score_table(demo_reviews, "location"),
                      ["location"])
    bad = subprocess.run(
        [sys.executable, "-m", "scoring", "score", str(DEMO), "--half-life-days", "0",
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert bad.returncode == 4
    assert "Traceback" not in bad.stderr and "half_life_days" in bad.stderr
    assert math.isfinite(pd.read_parquet(out)["score"].sum())  # the earlier file is intact


def test_exports_scored_by_duckdb_equal_pandas(tmp_path: Path,
                                               demo_reviews: pd.DataFrame) -> None:
    # Exports reach DuckDB through the importer and a temporary Parquet file.
    out = tmp_path / "duckdb.parquet"
    result = invoke("score", str(DEMO), "--by", "location", "--engine", "duckdb",
                    "--model", "decayed-prior", "--out", str(out))
    assert result.exit_code == 0, result.output
    expected = score_table(demo_reviews, "location", model="decayed-prior")
    assert_same_table(pd.read_parquet(out), expected, ["location"])


def test_series_read_by_duckdb_equals_pandas(tmp_path: Path,
                                             demo_reviews: pd.DataFrame) -> None:
    folder = write_parquet_folder(demo_reviews, tmp_path / "reviews")
    frames, messages = {}, {}
    for engine in ("pandas", "duckdb"):
        out = tmp_path / f"{engine}.parquet"
        result = invoke("series", str(folder), "--by", "company,location", "--freq", "M",
                        "--model", "decayed-prior", "--clock", "displayed",
                        "--engine", engine, "--out", str(out))
        assert result.exit_code == 0, result.output
        frames[engine], messages[engine] = pd.read_parquet(out), result.stderr
    expected = score_series_by(demo_reviews, ["company", "location"], freq="M",
                               model="decayed-prior", clock="displayed")
    for frame in frames.values():
        assert len(frame) == len(expected)
        np.testing.assert_allclose(frame["score"], expected["score"], rtol=0, atol=TOLERANCE)
        assert (frame["new_reviews"] == expected["new_reviews"]).all()
    assert "Reading 3 Parquet file(s) with DuckDB" in messages["duckdb"]
    assert "Reading Parquet" in messages["pandas"]  # the progress bar's label


def test_import_counts_and_rejected_rows(tmp_path: Path) -> None:
    export = tmp_path / "acme.csv"
    export.write_text(
        "date,rating,title\n"
        "2025-03-01,5,Great\n"
        "2025-03-02,4,Good\n"
        "2025-03-02,4,Good\n"          # a duplicate of the row above
        "2025-03-03,nine,Odd\n"        # rejected: no rating
        "2025-03-04,2,Poor\n"
    )
    rejected = tmp_path / "rejected.csv"
    out = tmp_path / "scores.csv"
    result = invoke("score", str(export), "--rejected", str(rejected), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "5 rows read, 3 kept, 1 duplicate, 1 rejected" in result.stderr
    rows = pd.read_csv(rejected)
    assert len(rows) == 1 and rows["row"].tolist() == [5]
    assert "rating" in rows["reason"].iloc[0].lower()
    written = pd.read_csv(out)
    # Without a company column, the file's name is the company.
    assert written["company"].tolist() == ["acme"] and written["reviews"].tolist() == [3]


def test_an_importer_option_is_named_as_the_command_line_flag(tmp_path: Path) -> None:
    export = tmp_path / "relative.csv"
    export.write_text("date,rating,company\n2 days ago,5,Acme\na month ago,3,Acme\n")
    out = tmp_path / "scores.csv"
    result = invoke("score", str(export), "--out", str(out))
    assert result.exit_code == 3
    assert "relative.csv" in result.stderr and "--reference-date" in result.stderr
    result = invoke("score", str(export), "--reference-date", "2025-06-30", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["as_of"].tolist() == ["2025-06-28 00:00:00+00:00"]


def test_a_folder_without_parquet_and_an_empty_table_exit_3(
        tmp_path: Path, demo_reviews: pd.DataFrame) -> None:
    (tmp_path / "none").mkdir()
    result = invoke("score", str(tmp_path / "none"), "--out", str(tmp_path / "s.parquet"))
    assert result.exit_code == 3 and "no .parquet files" in result.stderr
    empty = tmp_path / "empty.parquet"
    demo_reviews.loc[:, ["created_at", "rating", "company"]].iloc[:0].to_parquet(empty)
    for engine in ("pandas", "duckdb"):
        result = invoke("score", str(empty), "--engine", engine,
                        "--out", str(tmp_path / "s.parquet"))
        assert result.exit_code == 3, result.output
        assert "no reviews" in result.stderr


def test_naive_parquet_times_are_utc(tmp_path: Path, demo_reviews: pd.DataFrame) -> None:
    naive = demo_reviews.loc[:, ["created_at", "rating", "location"]].assign(
        created_at=lambda f: f["created_at"].dt.tz_localize(None))
    naive.to_parquet(tmp_path / "naive.parquet", index=False)
    out = tmp_path / "scores.parquet"
    result = invoke("score", str(tmp_path / "naive.parquet"), "--by", "location",
                    "--out", str(out))
    assert result.exit_code == 0, result.output
    assert_same_table(pd.read_parquet(out), score_table(demo_reviews, "location"),
                      ["location"])


def test_an_unexpected_error_exits_1_without_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> pd.DataFrame:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "score_table", broken)
    args = ["score", str(DEMO), "--out", str(tmp_path / "s.parquet")]
    result = invoke(*args)
    assert result.exit_code == cli.EXIT_UNEXPECTED == 1
    assert "RuntimeError: disk on fire" in result.stderr and "--traceback" in result.stderr
    assert "Traceback" not in result.output
    # --traceback (for a bug report) lets the exception through.
    with pytest.raises(RuntimeError, match="disk on fire"):
        invoke("--traceback", *args)


def test_a_duckdb_setting_it_refuses_exits_4(tmp_path: Path) -> None:
    result = invoke("score", str(DEMO), "--engine", "duckdb", "--memory-limit", "lots",
                    "--out", str(tmp_path / "s.parquet"))
    assert result.exit_code == 4, result.output
    assert "memory" in result.stderr.lower()
    assert "Importing" not in result.stderr  # refused before the import


def test_a_parquet_export_goes_through_the_importer(tmp_path: Path,
                                                    demo_reviews: pd.DataFrame) -> None:
    # Trustpilot's column names and text ratings: not the canonical layout.
    export = tmp_path / "export.parquet"
    pd.read_csv(DEMO, dtype=str).to_parquet(export, index=False)
    assert not cli.is_canonical_parquet(export)
    canonical = tmp_path / "canonical.parquet"
    demo_reviews.loc[:, ["created_at", "rating", "location"]].to_parquet(canonical)
    assert cli.is_canonical_parquet(canonical)
    out = tmp_path / "scores.parquet"
    result = invoke("score", str(export), "--by", "location", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "0 canonical Parquet file(s), 1 export(s)" in result.stderr
    assert "export.parquet: 14,891 rows read, 14,891 kept" in result.stderr
    assert_same_table(pd.read_parquet(out), score_table(demo_reviews, "location"),
                      ["location"])


def test_importer_options_reach_the_importer(tmp_path: Path) -> None:
    export = tmp_path / "shop.csv"
    export.write_text("date,rating\n03/04/2025,5\n05/04/2025,1\n")
    out = tmp_path / "scores.csv"
    result = invoke("score", str(export), "--company", "Acme", "--dayfirst", "--out", str(out))
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert written["company"].tolist() == ["Acme"]
    assert written["last_review_at"].tolist() == ["2025-04-05 00:00:00+00:00"]  # 5 April
    result = invoke("score", str(export), "--monthfirst", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["last_review_at"].tolist() == ["2025-05-04 00:00:00+00:00"]
