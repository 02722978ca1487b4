"""The sidebar's half-life parsing: what a URL or a fit may set, and nothing else."""

from __future__ import annotations

import math

import pytest

from ui.controls import parse_half_life


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("167 days", 167.0),
        ("182.5 days", 182.5),
        (" 30 ", 30.0),
        ("no decay", math.inf),
        (math.inf, math.inf),
        (7, 7.0),
        (3650.0, 3650.0),
    ],
)
def test_half_lives_a_link_or_a_fit_may_set(value: object, expected: float) -> None:
    assert parse_half_life(value) == expected


@pytest.mark.parametrize(
    "value", [True, 0, -3, 0.5, 3651, math.nan, "nan days", "x", "__import__('os')", None, [30]]
)
def test_anything_else_is_ignored(value: object) -> None:
    assert parse_half_life(value) is None
