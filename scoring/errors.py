"""The package's own exception type for data it cannot use."""

from __future__ import annotations


class ReviewDataError(ValueError):
    """A review table or file the engine cannot use.

    The message always says what is wrong, where (file, column, row) and, where
    there is one, what the user can do about it. ``option`` names the
    :func:`scoring.load_reviews` parameter that fixes it when one does
    (``"reference_date"``, ``"dayfirst"``, ``"rating_scale"``), so that a user
    interface can show that setting next to the message; ``None`` otherwise.
    """

    def __init__(self, message: str = "", *, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option
