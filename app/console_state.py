"""What the staff console remembers per browser session, and its actions (testable without a UI).

Each action returns True on success; on failure ``error`` holds the server's message (shown via the
``console.error`` catalog string). Screens only render this state and call these actions.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from typing import Any

from app.api_client import ApiError
from app.console_client import ConsoleClient
from shared.backoffice_schemas import CycleRunResult, StatsOverview
from shared.schemas import ReviewItemPublic, StaffPublic

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass
class ConsoleState:
    staff: StaffPublic | None = None
    client: ConsoleClient | None = None
    queue: list[ReviewItemPublic] = field(default_factory=list)
    last_decision: tuple[bool, str] | None = None  # (approved, masked name)
    last_run: CycleRunResult | None = None
    stats: StatsOverview | None = None
    error: str | None = None
    busy: bool = False

    @property
    def signed_in(self) -> bool:
        return self.staff is not None and self.client is not None

    async def _call(self, coro_fn) -> Any:
        self.busy, self.error = True, None
        try:
            return await coro_fn()
        except ApiError as exc:
            self.error = exc.message
            return None
        finally:
            self.busy = False

    async def sign_in(self, api_url: str, username: str, password: str, *, transport: Any = None) -> bool:
        client = ConsoleClient(api_url, transport=transport)
        staff = await self._call(lambda: client.login(username.strip(), password))
        if staff is None:
            await client.aclose()
            return False
        self.staff, self.client = staff, client
        return True

    async def sign_out(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        self.staff = self.client = None
        self.queue, self.last_run, self.stats, self.last_decision = [], None, None, None

    async def load_queue(self) -> bool:
        page = await self._call(self.client.review_items)
        if page is None:
            return False
        self.queue = list(page.items)
        return True

    async def decide(self, review_id: str, *, approve: bool, reason: str) -> bool:
        item = await self._call(lambda: self.client.decide(review_id, approve=approve, reason=reason.strip()))
        if item is None:
            return False
        self.last_decision = (approve, item.holder_name)
        self.queue = [i for i in self.queue if i.review_id != review_id]
        return True

    async def run_month(self, month: str) -> bool:
        result = await self._call(lambda: self.client.run_month(month.strip()))
        if result is None:
            return False
        self.last_run = result
        return True

    async def load_stats(self) -> bool:
        stats = await self._call(self.client.stats)
        if stats is None:
            return False
        self.stats = stats
        return True


_STATES: dict[int, ConsoleState] = {}


def console_for(page: Any) -> ConsoleState:
    """The console state of one browser session (one Flet page; pages are not hashable, so keyed by id
    and dropped when the page is garbage-collected)."""
    key = id(page)
    state = _STATES.get(key)
    if state is None:
        state = ConsoleState()
        if page is None:  # a screen built without a page (unit tests): nothing to remember
            return state
        _STATES[key] = state
        weakref.finalize(page, _STATES.pop, key, None)
    return state


def valid_month(text: str) -> bool:
    return bool(MONTH_RE.match(text.strip()))
