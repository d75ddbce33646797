"""The outbox: every notice to a person (reminders, heir notices) is queued here first, then delivered by
an adapter (console or file by default; SMS, e-mail or push plug in behind :class:`api.notify.adapters.Notifier`)."""

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
