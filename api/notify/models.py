"""The outbox: every notice to a person (reminders, heir notices) is queued here first, then delivered by
an adapter (console or file by default; SMS, e-mail or push plug in behind
:class:`api.notify.adapters.Notifier`)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class Channel(enum.StrEnum):
    """How a notice reaches a person (api/notify/channels.py)."""

    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_status", "status", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # The same notice is never queued twice (e.g. "remind:<entitlement>:<deadline>").
    dedupe_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    beneficiary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("beneficiaries.id", ondelete="SET NULL"))
    template: Mapped[str] = mapped_column(sa.String(64))  # reminder | heir_notice | …
    recipient: Mapped[str | None] = mapped_column(sa.String(128))  # phone, address; None = post by letter
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(EnumString(OutboxStatus), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    channel: Mapped[Channel | None] = mapped_column(EnumString(Channel, length=16))  # how it was delivered


class NoticeDelivery(Base):
    """Every delivery attempt of an outbox message: the channel, when, and what came back (the gateway's
    message id, the SMTP answer, the letter batch) or the error. The delivery log clerks look at."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (sa.Index("ix_notice_deliveries_message", "message_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(EnumString(Channel, length=16))
    ok: Mapped[bool]
    detail: Mapped[str] = mapped_column(sa.String(500))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)


class NoticeOptOut(Base):
    """A person asked not to be reached on one channel (SMS, e-mail); the next channel is used instead,
    and a letter when nothing else is left."""

    __tablename__ = "notice_opt_outs"
    __table_args__ = (sa.UniqueConstraint("beneficiary_id", "channel"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(EnumString(Channel, length=16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
