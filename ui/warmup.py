"""Load the text analysis's language data once per server process, in the background.

The language detector's model and the English and German lemmatiser dictionaries take
a few seconds to load, once per process. Loading them a few seconds after the server
first runs a page (so the first page is not slowed) means the first Themes or Why page
a user opens does not wait for them.
"""

from __future__ import annotations

import threading

from scoring.text import language

DELAY_SECONDS = 5.0
LANGUAGES = ("en", "de")
_started = threading.Event()


def start() -> None:
    """Start the background load, once per process (later calls do nothing)."""
    if _started.is_set():
        return
    _started.set()
    timer = threading.Timer(DELAY_SECONDS, language.preload, args=(LANGUAGES,))
    timer.daemon = True
    timer.name = "trustlens-text-warmup"
    timer.start()
