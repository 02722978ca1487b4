"""One way to cache what pages compute from a dataset: on a key, never on the table.

``st.cache_data`` hashes every argument, and it hashes a large DataFrame by sampling
rows, so two different tables can hit the same entry. Here the caller passes a key
that identifies the data (a dataset's content hash, with the view's window and
filters where they apply) and the data itself is never hashed::

    @cache.by_key(max_entries=64)
    def summary(reviews: pd.DataFrame, prior_count: float) -> Summary: ...

    summary(key, view.reviews, 7.0)   # cached on (key, 7.0); the reviews are not hashed

Every cache is bounded. Caches are shared by every browser session, so a key must
come from content the caller holds (an upload's hash covers its bytes and import
options): nothing one user uploads can answer another user's call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")


def by_key(*, max_entries: int, spinner: str | bool = False, shared: bool = False
           ) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorate ``function(data, *args, **kwargs)`` into ``call(key, data, *args, **kwargs)``,
    cached on ``key`` and the other arguments (hashable values), not on ``data``.

    ``max_entries`` bounds the cache; ``spinner`` is shown while a value is computed.
    ``shared`` keeps one object for every caller (``st.cache_resource``) instead of a
    copy per call: for large results no caller changes (frozen dataclasses such as a
    term matrix), which a copy on every rerun would make slow.
    """

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        def cached(key: str, *args: Any, _data: Any, **kwargs: Any) -> T:
            return function(_data, *args, **kwargs)

        # Streamlit names a cache by its function's module and qualified name: each
        # decorated function gets its own cache.
        cached.__module__ = function.__module__
        cached.__qualname__ = function.__qualname__
        cached.__name__ = function.__name__
        cached.__doc__ = function.__doc__
        decorator = st.cache_resource if shared else st.cache_data
        store = decorator(max_entries=max_entries, show_spinner=spinner)(cached)

        def call(key: str, data: Any, *args: Any, **kwargs: Any) -> T:
            return store(key, *args, _data=data, **kwargs)

        call.__doc__ = function.__doc__
        call.__name__ = function.__name__
        call.__qualname__ = function.__qualname__
        call.clear = store.clear  # type: ignore[attr-defined]
        return call

    return decorate
