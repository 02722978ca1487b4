"""The scoring package never imports streamlit (analysts use it from notebooks)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SCORING = Path(__file__).resolve().parents[2] / "scoring"


def test_no_module_in_scoring_imports_streamlit() -> None:
    offenders = []
    for path in SCORING.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "streamlit" for name in names):
                offenders.append(str(path.relative_to(SCORING.parent)))
    assert offenders == []


def test_importing_scoring_loads_no_streamlit() -> None:
    code = "import sys, scoring; print('streamlit' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=SCORING.parent,
    )
    assert out.stdout.strip() == "False"
