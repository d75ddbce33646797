"""Queue notices into the outbox (never twice for one dedupe key) and deliver queued ones via an adapter."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.core.db import utcnow
from api.notify.adapters import Notice, Notifier
from api.notify.models import OutboxMessage, OutboxStatus


def queue(
    session: Session,
    *,
    dedupe_key: str,
    template: str,
    body: str,
    beneficiary_id: int | None = None,
    recipient: str | None = None,
) -> OutboxMessage | None:
    """Add a notice unless one with ``dedupe_key`` exists; returns the new message or None."""
    exists = session.execute(
        sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ).scalar_one_or_none()
    if exists is not None:
        return None
    msg = OutboxMessage(
        dedupe_key=dedupe_key,
        template=template,
        body=body,
        beneficiary_id=beneficiary_id,
        recipient=recipient,
    )
    session.add(msg)
    session.flush()
    return msg


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int
    failed: int


def deliver(
    session: Session, notifier: Notifier, *, limit: int = 1000, max_attempts: int = 5
) -> DeliveryReport:
    """Send up to ``limit`` queued messages; failures stay queued until ``max_attempts``, then FAILED."""
    rows = (
        session.execute(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.QUEUED)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    sent = failed = 0
    for msg in rows:
        msg.attempts += 1
        try:
            notifier.send(Notice(msg.id, msg.template, msg.recipient, msg.body))
        except Exception as exc:  # noqa: BLE001 (any adapter failure must not stop the batch)
            msg.last_error = str(exc)[:500]
            if msg.attempts >= max_attempts:
                msg.status = OutboxStatus.FAILED
            failed += 1
            continue
        msg.status = OutboxStatus.SENT
        msg.sent_at = utcnow()
        sent += 1
    session.flush()
    return DeliveryReport(sent, failed)
