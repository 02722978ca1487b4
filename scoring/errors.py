"""The package's own exception types.

- :class:`ReviewDataError`: a review table or file the engine cannot use;
- :class:`ParameterError`: a parameter out of its range (a half-life of 0, a share
  of 1.5, an unknown model);
- :class:`WorkspaceError`: the workspace (the DuckDB file of saved datasets) cannot do
  what was asked.

All three are ``ValueError`` subclasses, so ``except ValueError`` still catches them.
"""

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


class ParameterError(ValueError):
    """A parameter the engine cannot use; the message names it, its range and the value."""


class WorkspaceError(ValueError):
    """The workspace cannot do what was asked.

    The message says what went wrong, which file (or name, or id) it concerns,
    and what the user can do about it.
    """
