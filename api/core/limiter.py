"""The one rate limiter of the API, built on the `limits` library: named budgets from settings
(``LIFECERT_LIMITS__PERSON_LOOKUP="30/minute"`` …), kept in memory (one process, the embedded default) or in
Redis (``LIFECERT_LIMITS__STORAGE_URI=redis://127.0.0.1:6379``: shared by every API process and host).

Strategy: moving window (the library's; exact, atomic in Redis, so two processes never over-admit;
Retry-After is when the oldest counted request leaves the window).
Over a budget → 429 ``rate_limited`` with Retry-After. Storage unreachable (Redis down) → 503
``limiter_unavailable`` with Retry-After: the limits guard against guessing names and passwords, so they
fail closed rather than letting everything through while Redis is away.

Person keys are HMACs of the ID number (Redis never holds ID numbers).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Sequence
from enum import StrEnum

import anyio.to_thread
from limits import RateLimitItem
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.core.errors import ApiError
from api.core.limit_rules import parse_rule
from api.core.settings import LimitSettings

# Redis answers in well under a millisecond; a second without an answer means it is away.
REDIS_TIMEOUT_SECONDS = 1.0


class Budget(StrEnum):
    """The named limits (fields of :class:`api.core.settings.LimitSettings`)."""

    PERSON_LOOKUP = "person_lookup"  # per client, every public lookup of a person
    PERSON_LOOKUP_PER_PERSON = "person_lookup_per_person"  # per looked-up ID number
    LOGIN_PER_ACCOUNT = "login_per_account"  # failed sign-ins per user name
    LOGIN_PER_CLIENT = "login_per_client"  # failed sign-ins per client
    PREVIEW = "preview"  # preview pictures per client
    TIPOFF = "tipoff"  # public tip-offs submitted per client
    FEED_BATCH = "feed_batch"  # feed batches per data source


MESSAGES = {
    Budget.PERSON_LOOKUP: "Too many look-ups from this device. Please wait {wait} seconds and try again.",
    Budget.PERSON_LOOKUP_PER_PERSON: "Too many look-ups of this person. Please wait {wait} seconds.",
    Budget.LOGIN_PER_ACCOUNT: "Too many failed sign-ins. Please wait {wait} seconds and try again.",
    Budget.LOGIN_PER_CLIENT: "Too many failed sign-ins. Please wait {wait} seconds and try again.",
    Budget.PREVIEW: "Too many preview pictures. Please wait {wait} seconds.",
    Budget.TIPOFF: "Too many tip-offs from this device. Please wait {wait} seconds and try again.",
    Budget.FEED_BATCH: "Too many feed batches from this source. Please wait {wait} seconds.",
}


def _storage(uri: str) -> Storage:
    if uri.startswith("memory://"):
        return MemoryStorage(uri, wrap_exceptions=True)
    storage = storage_from_string(
        uri,
        wrap_exceptions=True,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    if not isinstance(storage, Storage):  # an "async+..." URI: the limiter calls its storage synchronously
        raise ValueError(f"the rate limiter needs a synchronous storage, not {uri.split(':', 1)[0]}")
    return storage


class RateLimiter:
    def __init__(self, settings: LimitSettings, *, secret_key: str) -> None:
        self.settings = settings
        self.enabled = settings.enabled
        self._secret = secret_key.encode()
        self._storage = _storage(settings.storage_uri)
        self._strategy = MovingWindowRateLimiter(self._storage)
        self._rules: dict[Budget, tuple[RateLimitItem, ...]] = {
            b: parse_rule(getattr(settings, b.value)) for b in Budget
        }
        # memory storage answers at once: no thread hop needed on the event loop
        self.in_process = isinstance(self._storage, MemoryStorage)

    # --- keys ---------------------------------------------------------------------------------------

    def person_key(self, id_number: str) -> str:
        return hmac.new(self._secret, id_number.encode(), hashlib.sha256).hexdigest()[:32]

    def _ids(self, budget: Budget, key: str) -> tuple[str, str, str]:
        return (self.settings.key_prefix, budget.value, key)

    # --- checks -------------------------------------------------------------------------------------

    def hit(self, budget: Budget, key: str) -> int | None:
        """Count one request against the budget: None when allowed, else the seconds to wait."""
        if not self.enabled:
            return None
        ids = self._ids(budget, key)
        try:
            for item in self._rules[budget]:
                if not self._strategy.hit(item, *ids):
                    return self._wait(item, ids)
        except StorageError as exc:
            raise self.unavailable() from exc
        return None

    def exhausted(self, budget: Budget, key: str) -> int | None:
        """Without counting: None while the budget has room, else the seconds to wait."""
        if not self.enabled:
            return None
        ids = self._ids(budget, key)
        try:
            for item in self._rules[budget]:
                if not self._strategy.test(item, *ids):
                    return self._wait(item, ids)
        except StorageError as exc:
            raise self.unavailable() from exc
        return None

    def _wait(self, item: RateLimitItem, ids: Sequence[str]) -> int:
        reset = self._strategy.get_window_stats(item, *ids).reset_time
        return max(1, math.ceil(reset - time.time()))

    # --- raising ------------------------------------------------------------------------------------

    def charge(self, budget: Budget, key: str) -> None:
        """:meth:`hit`, raising 429 ``rate_limited`` (Retry-After) when over the budget."""
        wait = self.hit(budget, key)
        if wait is not None:
            raise limited(budget, wait)

    def require_room(self, budget: Budget, key: str) -> None:
        """:meth:`exhausted`, raising 429 when the budget is used up (nothing counted)."""
        wait = self.exhausted(budget, key)
        if wait is not None:
            raise limited(budget, wait)

    def charge_lookup(self, client: str, id_number: str | None = None) -> None:
        """One public lookup of a person: the client's budget, then (when known) the person's."""
        self.charge(Budget.PERSON_LOOKUP, client)
        if id_number is not None:
            self.charge(Budget.PERSON_LOOKUP_PER_PERSON, self.person_key(id_number))

    async def charge_async(self, budget: Budget, key: str) -> None:
        """:meth:`charge` for the event loop: a network storage is asked from a worker thread."""
        if self.in_process or not self.enabled:
            self.charge(budget, key)
        else:
            await anyio.to_thread.run_sync(self.charge, budget, key)

    def unavailable(self) -> ApiError:
        wait = self.settings.unavailable_retry_after_seconds
        return ApiError(
            503,
            "limiter_unavailable",
            f"The service is briefly unavailable. Please try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
            retry_after_seconds=wait,
        )


def limited(budget: Budget, wait: int) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        MESSAGES[budget].format(wait=wait),
        headers={"Retry-After": str(wait)},
        retry_after_seconds=wait,
    )
