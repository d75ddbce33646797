"""Replayed recordings: frames already sent to an earlier challenge are refused.

Each frame's digest (the first 8 bytes of SHA-256 of its JPEG) is stored with its challenge. A submission
whose frames are, for at least ``replay_min_share`` of them, byte-identical to the frames of ONE earlier
challenge (of anyone) is a replay: a camera never gives the same bytes twice (sensor noise), so a genuine
new recording never matches, however still the person sits. A perceptual hash would also catch a replay
re-encoded by the attacker, but on the test clips it cannot tell a replay from a new recording of a
person sitting still in the same place (measured with bench/replay_fingerprints.py, docs/security.md),
so it is not used to refuse anyone. Frames repeated WITHIN one submission are face.liveness's concern
(STILL_IMAGE).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.challenges.models import FrameDigest
from api.core.db import rowcount
from face.types import TimedFrame

MESSAGE = (
    "These pictures were already sent for an earlier certification. Please record yourself again, live, "
    "for this one."
)


def digest(data: bytes) -> int:
    """The frame's digest as a signed 64-bit integer (what a BIGINT column holds)."""
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big", signed=True)


def digests(frames: Sequence[TimedFrame]) -> list[int]:
    return [digest(frame.data) for frame in frames]


def earlier_challenge(
    session: Session, challenge_id: str, values: Sequence[int], min_share: float
) -> str | None:
    """The earlier challenge that at least ``min_share`` of these frames were already sent to, if any."""
    if not values:
        return None
    wanted = set(values)
    rows = session.execute(
        sa.select(FrameDigest.challenge_id, FrameDigest.digest).where(
            FrameDigest.digest.in_(wanted), FrameDigest.challenge_id != challenge_id
        )
    ).all()
    seen: dict[str, set[int]] = {}
    for earlier, value in rows:
        seen.setdefault(earlier, set()).add(value)
    shares = {earlier: share(values, found) for earlier, found in seen.items()}
    best = max(shares, key=shares.__getitem__, default=None)
    return best if best is not None and shares[best] >= min_share else None


def share(values: Sequence[int], earlier: Collection[int]) -> float:
    """The share of ``values`` (one submission's digests) among ``earlier`` (one earlier challenge's)."""
    return sum(v in earlier for v in values) / len(values) if values else 0.0


def remember(
    session: Session, *, challenge_id: str, beneficiary_id: int, values: Sequence[int], now: datetime
) -> None:
    """Store the digests of a claimed submission, before its decision (api/challenges/submission.py); they
    stay whatever the outcome (a failed try may be replayed too) unless the claim is released undecided."""
    session.add_all(
        FrameDigest(digest=v, challenge_id=challenge_id, beneficiary_id=beneficiary_id, created_at=now)
        for v in dict.fromkeys(values)
    )


def purge(session: Session, *, days: int, now: datetime) -> int:
    """Delete digests older than ``days``; how many were deleted."""
    cutoff = now - timedelta(days=days)
    return rowcount(session.execute(sa.delete(FrameDigest).where(FrameDigest.created_at < cutoff)))
