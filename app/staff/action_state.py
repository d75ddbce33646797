"""What a staff action leaves to tell: the base of the case states (attestations, a review item).

``call`` runs one API action: True-ish result on success; on failure ``error`` holds the API error and
``error_key`` the catalog key of its code (``error.same_staff`` …, a generic one for codes the catalogs do
not know), so the screen speaks the staff member's language. A check made before any request sets
``problem_key``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from app.common.api_client import ApiError
from shared.i18n import Translator
from shared.i18n.errors import error_key

T = TypeVar("T")


@dataclass
class ActionState:
    error: ApiError | None = None  # the API's answer (its code and params fill the catalog text)
    error_key: str | None = None  # catalog key of the error code (a screen may swap in a more precise one)
    problem_key: str | None = None  # a local check failed before anything was sent
    busy: bool = False

    def clear(self) -> None:
        self.error = self.error_key = self.problem_key = None

    async def call(self, action: Callable[[], Awaitable[T]]) -> T | None:
        self.clear()
        self.busy = True
        try:
            return await action()
        except ApiError as exc:
            self.error, self.error_key = exc, error_key(exc.code, exc.status)
            return None
        finally:
            self.busy = False

    def refuse(self, key: str) -> bool:
        """A local check failed: remember its catalog key; returns False for the caller to pass on."""
        self.clear()
        self.problem_key = key
        return False

    def message(self, t: Translator) -> str:
        """The line to show: a catalog text in the staff member's language, else the server's message."""
        if self.problem_key:
            return t(self.problem_key)
        if self.error is not None and self.error_key == error_key(self.error.code, self.error.status):
            return self.error.text(t)
        return t(self.error_key) if self.error_key else ""
