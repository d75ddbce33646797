"""Liveness challenges: 2–3 distinct actions in random order, a nonce, an issue time and an expiry.

Single use is enforced by whoever stores the challenge (the API's database), not here. Randomness comes
from `secrets` (the OS CSPRNG) so the order of actions cannot be predicted from earlier challenges.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from face.types import Action

DEFAULT_TTL = timedelta(seconds=120)
MIN_ACTIONS, MAX_ACTIONS = 2, 3
NONCE_BYTES = 16

_random = secrets.SystemRandom()


@dataclass(frozen=True, slots=True)
class Challenge:
    actions: tuple[Action, ...]
    nonce: str
    issued_at: datetime
    expires_at: datetime

    def is_expired(self, now: datetime | None = None) -> bool:
        """True from `expires_at` on (a challenge is valid for [issued_at, expires_at))."""
        now = now or datetime.now(UTC)
        return now >= self.expires_at


def issue(
    *,
    now: datetime | None = None,
    ttl: timedelta = DEFAULT_TTL,
    count: int | None = None,
    choices: tuple[Action, ...] = tuple(Action),
) -> Challenge:
    """A fresh challenge: `count` (default: 2 or 3 at random) distinct actions from `choices`, in random
    order."""
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    pool = list(dict.fromkeys(choices))
    n = count if count is not None else _random.choice((MIN_ACTIONS, MAX_ACTIONS))
    if not (1 <= n <= len(pool)):
        raise ValueError(f"cannot pick {n} distinct actions from {len(pool)}")
    issued = now or datetime.now(UTC)
    if issued.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return Challenge(
        actions=tuple(_random.sample(pool, n)),
        nonce=secrets.token_urlsafe(NONCE_BYTES),
        issued_at=issued,
        expires_at=issued + ttl,
    )
