"""The package's own exception type for data it cannot use."""

from __future__ import annotations


class ReviewDataError(ValueError):
    """A review table or file the engine cannot use.

    The message always says what is wrong, where (file, column, row) and, where
    there is one, what the user can do about it.
    """
