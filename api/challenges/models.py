"""Face challenges (single use, expiring), the idempotency records of their submissions, failed attempts
and the consent given before a capture."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from api.core.operator import OperatorKind


class ChallengePurpose(enum.StrEnum):
    SELF = "self"  # the person certifies themself
    FAMILY = "family"  # a helper certifies a bound relative (the relative's face is checked)
    FAMILY_BIND = "family_bind"  # a helper binds a relative: the relative passes a live challenge
    STAFF_ONSITE = "staff_onsite"  # a staff member runs the challenge for the person in front of them


class Challenge(Base):
    __tablename__ = "challenges"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # random, unguessable: the nonce
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[ChallengePurpose] = mapped_column(EnumString(ChallengePurpose))
    actions: Mapped[list[str]] = mapped_column(sa.JSON)
    operator_kind: Mapped[OperatorKind] = mapped_column(EnumString(OperatorKind, 16))
    operator_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    relationship_label: Mapped[str | None] = mapped_column(sa.String(32))  # family_bind only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class IdempotencyRecord(Base):
    """One submission per Idempotency-Key: a retry gets the stored answer; the key is unique.

    ``claimed_at`` (column ``created_at``) is when the current claim was taken: a claim left pending past
    the lease (``claim_lease_seconds``, e.g. by a crashed process) may be taken over by a retry with the
    same key, which moves ``claimed_at``; the owner completes the record only if it still holds it.
    """

    __tablename__ = "idempotency_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    challenge_id: Mapped[str] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    status_code: Mapped[int | None]
    response: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)  # the stored wire answer
    claimed_at: Mapped[datetime] = mapped_column("created_at", default=utcnow)
    completed_at: Mapped[datetime | None]


class FailedAttempt(Base):
    __tablename__ = "failed_attempts"
    __table_args__ = (sa.Index("ix_failed_attempts_person_time", "beneficiary_id", "failed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    challenge_id: Mapped[str | None] = mapped_column(sa.ForeignKey("challenges.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(32))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class FrameDigest(Base):
    """The digest of one frame sent to a challenge: a frame sent again to a later challenge is a replay
    (api/challenges/replay.py). Deleted ``replay_digest_days`` after it was sent (``lifecert retention
    purge``)."""

    __tablename__ = "frame_digests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    digest: Mapped[int] = mapped_column(sa.BigInteger, index=True)  # first 8 bytes of SHA-256, signed
    challenge_id: Mapped[str] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ConsentPurpose(enum.StrEnum):
    FACE_CAPTURE = "face_capture"  # frames may be captured and compared for this certification
    KEEP_REFERENCE = "keep_reference"  # a passed capture may be kept as a refreshed reference face


class ConsentRecord(Base):
    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    challenge_id: Mapped[str | None] = mapped_column(sa.ForeignKey("challenges.id", ondelete="SET NULL"))
    purpose: Mapped[ConsentPurpose] = mapped_column(EnumString(ConsentPurpose))
    operator_kind: Mapped[OperatorKind] = mapped_column(EnumString(OperatorKind, 16))
    operator_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
