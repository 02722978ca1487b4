"""User text reaches the page only through elements that show text: no page or UI
module passes ``unsafe_allow_html``, and raw HTML (``st.html``, components) appears only
where it is built from numbers. The browser test ``tests/e2e/test_hostile_text.py``
checks the result; this keeps a new call from slipping in unreviewed."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")),
           *sorted((ROOT / "ui").rglob("*.py"))]
#: Reviewed raw-HTML calls: file -> how many, and why they are safe.
ALLOWED_HTML = {
    # The headline score tile: score, stars and label from scoring.snapshot, no user text.
    "app_pages/home.py": 1,
    # The presentation's constant style sheet (no sidebar, 16:9 frame, large type).
    "ui/present.py": 1,
    # The responsive style sheet: constant CSS (ui.layout.responsive_css), no data.
    "ui/layout.py": 1,
}
RAW_HTML_CALLS = {"html", "components", "iframe"}


def calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def test_no_unsafe_allow_html_anywhere() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path in SOURCES
        for call in calls(ast.parse(path.read_text(encoding="utf-8")))
        for keyword in call.keywords
        if keyword.arg == "unsafe_allow_html"
    ]
    assert offenders == []


def test_raw_html_only_where_reviewed() -> None:
    found: dict[str, int] = {}
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        assert "streamlit.components" not in source, path
        for call in calls(ast.parse(source)):
            function = call.func
            if (isinstance(function, ast.Attribute) and function.attr in RAW_HTML_CALLS
                    and isinstance(function.value, ast.Name) and function.value.id == "st"):
                name = str(path.relative_to(ROOT))
                found[name] = found.get(name, 0) + 1
    assert found == ALLOWED_HTML
