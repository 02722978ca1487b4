"""Hostile uploads and hostile names under AppTest: the Import page shows a clear
message naming the file, never a traceback, and the app stays usable afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.store import Workspace, default_workspace_path
from tests.app.conftest import open_app
from tests.fuzz import builders
from tests.helpers import plain

CORPUS = Path(__file__).resolve().parents[1] / "fuzz" / "corpus"
GOOD = b"Date,Stars,Comment\n2024-01-05,5,Great\n2024-02-10,4,Fine\n"

#: Corpus files that must be refused, with the mime type a browser would send.
REFUSED = [
    ("random.csv", "text/csv"),
    ("random.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("truncated_half_good.parquet", "application/octet-stream"),
    ("nested_array_depth_10000.json", "application/json"),
    ("zip_lying_size.zip", "application/zip"),
    ("xlsx_far_cell.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("png_named.csv", "text/csv"),
    ("nul_in_cells.csv", "text/csv"),
    ("mixed_encodings.csv", "text/csv"),
]



def upload(at, files: list[tuple[str, bytes, str]]) -> None:
    at.file_uploader(key="import_files").set_value(files)
    at.run()


def overview_works(at) -> None:
    at.switch_page("app_pages/home.py").run()
    assert not at.exception
    assert {m.label for m in at.metric} >= {"Reviews", "Effective reviews"}


def test_hostile_files_are_refused_with_a_message() -> None:
    """One after the other in one session, as a user retrying would."""
    at = open_app("importer.py")
    for name, mime in REFUSED:
        upload(at, [(name, (CORPUS / name).read_bytes(), mime)])
        assert not at.exception, name
        errors = [plain(e.value) for e in at.error]
        assert errors and name in errors[0], (name, errors)
        assert "Traceback" not in errors[0]
    overview_works(at)


def test_several_hostile_files_and_one_good_one() -> None:
    at = open_app("importer.py")
    files = [(name, (CORPUS / name).read_bytes(), mime) for name, mime in REFUSED[:5]]
    upload(at, [*files, ("good.csv", GOOD, "text/csv")])
    assert not at.exception
    errors = " ".join(plain(e.value) for e in at.error)
    for name, _, _ in files:
        assert name in errors
    assert {m.label: m.value for m in at.metric}["Kept"] == "2"
    next(b for b in at.button if b.label == "Open in the dashboard").click().run()
    assert not at.exception
    overview_works(at)
    at.run()  # under AppTest the page switch shows the URL's dataset first; a rerun syncs
    assert at.title[0].value == "good"


def test_hostile_text_imports_and_every_page_runs() -> None:
    at = open_app("importer.py")
    upload(at, [("hostile.csv", (CORPUS / "hostile_text.csv").read_bytes(), "text/csv")])
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Kept"] == str(len(builders.HOSTILE_STRINGS))
    next(b for b in at.button if b.label == "Open in the dashboard").click().run()
    for page in ("home.py", "compare.py", "why.py", "trends.py", "kpi.py"):
        at.switch_page(f"app_pages/{page}").run()
        at.run()  # see above: the rerun shows the session's dataset
        assert not at.exception, page
        shown = " ".join(plain(c.value) for c in at.caption) + " ".join(t.value for t in at.title)
        assert "hostile" in shown, (page, shown)


BAD_NAMES = [
    ("shop/../../etc", "path separator"),
    ("shop\\evil", "path separator"),
    ("line\nbreak", "control character"),
    ("tab\there", "control character"),
    ("nul\x00byte", "control character"),
    ("   ", "empty"),
]
ODD_NAMES = [
    "Robert'); DROP TABLE datasets;--",
    '"quoted" name',
    '<img src=x onerror="window.__pwned=1">',
    "**bold** [x](javascript:alert(1))",
    "Zürich \u202eRTL zero\u200bwidth",
]


def test_bad_dataset_names_are_refused_with_a_message() -> None:
    at = open_app("importer.py")
    upload(at, [("shop.csv", GOOD, "text/csv")])
    for name, message in BAD_NAMES:
        at.text_input(key="save_name").set_value(name).run()
        next(b for b in at.button if b.label == "Save to workspace").click().run()
        assert not at.exception
        assert message in plain(at.error[-1].value), (name, at.error[-1].value)
    with Workspace(default_workspace_path()) as ws:
        assert ws.list_datasets() == []
    overview_works(at)


def test_odd_dataset_names_are_stored_verbatim() -> None:
    at = open_app("importer.py")
    for number, name in enumerate(ODD_NAMES):
        upload(at, [("shop.csv", GOOD + f"2024-03-0{number + 1},3,n{number}\n".encode(),
                     "text/csv")])
        at.text_input(key="save_name").set_value(name).run()
        next(b for b in at.button if b.label == "Save to workspace").click().run()
        assert not at.exception
        assert "Saved as" in plain(at.success[-1].value), name
    with Workspace(default_workspace_path()) as ws:
        assert sorted(d.name for d in ws.list_datasets()) == sorted(ODD_NAMES)
    options = open_app().selectbox(key="dataset").options
    for name in ODD_NAMES:
        assert f"Saved: {name}" in options, (name, options)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("plan/../x", "path separator"),
        ("line\nbreak", "control character"),
        ("", "empty"),
    ],
)
def test_bad_scenario_names_are_refused_with_a_message(name: str, message: str) -> None:
    from ui.planner import keys as pi

    at = open_app("planner.py")
    at.text_input(key=pi.SCENARIO_NAME).set_value(name).run()
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert any(message in plain(e.value) for e in at.error), [e.value for e in at.error]
    with Workspace(default_workspace_path()) as ws:
        assert ws.list_scenarios() == []


def test_sql_and_quotes_in_a_scenario_name_are_stored_verbatim() -> None:
    from ui.planner import keys as pi

    name = "Q1'; DROP TABLE scenarios; -- \"x\""
    at = open_app("planner.py")
    at.text_input(key=pi.SCENARIO_NAME).set_value(name).run()
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert at.selectbox(key=pi.SCENARIO_PICK).options == [name]
    with Workspace(default_workspace_path()) as ws:
        assert [s.name for s in ws.list_scenarios()] == [name]


def test_group_names_reach_plotly_as_text() -> None:
    """Plotly reads <b>, <a> in trace names and %{...} in hover templates; it does not
    decode &quot;. A location called '"<b>x</b>" %{y}' must show as typed."""
    import pandas as pd

    from ui.charts import comparison_figure

    name = '"<b>x</b>" %{y} & co'
    series = pd.DataFrame({
        "location": [name, name, "plain", "plain"],
        "period": pd.date_range("2024-01-01", periods=2, tz="UTC").tolist() * 2,
        "score": [4.0, 4.1, 3.0, 3.1],
    })
    for panels in (False, True):
        figure = comparison_figure(series, "location", small_multiples=panels)
        traces = [t for t in figure.data if t.name and "x" in t.name]
        assert [t.name for t in traces] == ['"&lt;b&gt;x&lt;/b&gt;" %{y} &amp; co']
        assert all("%{y} &" not in (t.hovertemplate or "") for t in figure.data)
