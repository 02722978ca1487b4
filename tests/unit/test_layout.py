"""The responsive style sheet is constant CSS: one style element, no data in it."""

from __future__ import annotations

from ui import layout


def test_responsive_css_is_one_constant_style_element() -> None:
    css = layout.responsive_css()
    assert css == layout.responsive_css()
    assert css.strip().startswith("<style>") and css.strip().endswith("</style>")
    assert css.count("<") == 2  # the style element's tags and nothing else
    assert f"@media (max-width: {layout.NARROW_PX}px)" in css
    assert "{" in css and "{{" not in css  # the f-string's braces came out single
