"""Screen sizes for browser tests, and the checks every size shares.

A phone (390 x 844, an iPhone 12-15), a laptop (1440 x 900) and a projector
(1920 x 1080). Tests open a page at a size with :func:`open_at`, then check with
:func:`assert_no_horizontal_overflow` and :func:`sidebar_expanded`, and save a
full-page screenshot with :func:`viewport_screenshot`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from tests.e2e.conftest import SCREENSHOTS, wait_idle


@dataclass(frozen=True)
class Viewport:
    """A named browser window size, in CSS pixels."""

    name: str
    width: int
    height: int

    @property
    def size(self) -> ViewportSize:
        return {"width": self.width, "height": self.height}

    @property
    def label(self) -> str:
        return f"{self.width}x{self.height}"


PHONE = Viewport("phone", 390, 844)
LAPTOP = Viewport("laptop", 1440, 900)
PROJECTOR = Viewport("projector", 1920, 1080)
VIEWPORTS = (PHONE, LAPTOP, PROJECTOR)


def new_context(browser: Browser, viewport: Viewport) -> BrowserContext:
    """A fresh browser session at ``viewport`` (phones get touch and a mobile scale)."""
    phone = viewport.width < 768
    return browser.new_context(
        viewport=viewport.size, device_scale_factor=2 if phone else 1,
        is_mobile=phone, has_touch=phone, accept_downloads=True,
    )


def open_at(page: Page, url: str, timeout: float = 60_000) -> None:
    """Open ``url`` and wait until the script has run and the first chart is drawn
    (when the page has one)."""
    page.goto(url)
    wait_idle(page, timeout=timeout)


def overflow(page: Page) -> dict[str, int]:
    """The document's scroll width against the window's width, and the widest
    element that sticks out (its right edge), for the failure message."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            let worst = null, right = 0;
            for (const el of document.querySelectorAll('body *')) {
                const box = el.getBoundingClientRect();
                if (box.width > 0 && box.right > right + 0.5) { right = box.right; worst = el; }
            }
            return {
                scrollWidth: document.documentElement.scrollWidth,
                bodyScrollWidth: document.body.scrollWidth,
                innerWidth: width,
                widestRight: Math.round(right),
                widest: worst ? (worst.getAttribute('data-testid') || worst.className
                                 || worst.tagName).toString().slice(0, 80) : '',
            };
        }"""
    )


def assert_no_horizontal_overflow(page: Page) -> None:
    """Nothing makes the page scroll sideways: the document is no wider than the window."""
    found = overflow(page)
    assert found["scrollWidth"] <= found["innerWidth"], found
    assert found["bodyScrollWidth"] <= found["innerWidth"], found


def sidebar_expanded(page: Page) -> bool:
    """Whether the sidebar is open: Streamlit marks it ``data-collapsed="false"`` and
    it lies on screen (a collapsed one is moved off to the left)."""
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.count() == 0:
        return False
    box = sidebar.first.bounding_box()
    on_screen = box is not None and box["width"] > 0 and box["x"] + box["width"] > 0
    return sidebar.first.get_attribute("data-collapsed") == "false" and on_screen


def viewport_screenshot(page: Page, name: str, viewport: Viewport) -> Path:
    """Save a full-page screenshot ``<name>-<width>x<height>.png`` under
    artifacts/screenshots/ and return its path.

    Streamlit scrolls its main area, not the document, so the window is made as tall
    as that content for the picture (same width: the layout is the one tested) and
    put back afterwards."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1000)  # let charts finish drawing
    tall = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll(
            '[data-testid=stMain], [data-testid=stAppViewContainer], section.main')]
            .map(el => el.scrollHeight), document.documentElement.scrollHeight)"""
    )
    path = SCREENSHOTS / f"{name}-{viewport.label}.png"
    page.set_viewport_size(ViewportSize(width=viewport.width,
                                        height=max(viewport.height, int(tall))))
    try:
        page.wait_for_timeout(500)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(viewport.size)
    return path
