"""Deliver the outbox over the person's channels: SMS, then e-mail, then a printed letter (opt-outs and
unconfigured channels skipped), each attempt in the delivery log (``NoticeDelivery``), retries up to
``max_attempts``; letters of one run go into one PDF batch in ``letters_dir``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.beneficiaries.models import Beneficiary
from api.core.db import utcnow
from api.notify.adapters import Notice
from api.notify.channels import Contact, SmsGatewayNotifier, SmtpNotifier, route
from api.notify.letters import Letter, render
from api.notify.models import Channel, NoticeDelivery, NoticeOptOut, OutboxMessage, OutboxStatus
from api.regions.models import Region


@dataclass
class RoutedReport:
    sent: dict[str, int] = field(default_factory=lambda: {c.value: 0 for c in Channel})
    failed: int = 0
    letters_file: Path | None = None


def opt_out(session: Session, beneficiary_id: int, channel: Channel) -> bool:
    """Record that the person does not want notices on ``channel`` (SMS or e-mail); False if already so."""
    if channel is Channel.LETTER:
        raise ValueError("a letter is the last way to reach a person: it cannot be opted out of")
    exists = session.execute(
        sa.select(NoticeOptOut.id).where(
            NoticeOptOut.beneficiary_id == beneficiary_id, NoticeOptOut.channel == channel
        )
    ).first()
    if exists:
        return False
    session.add(NoticeOptOut(beneficiary_id=beneficiary_id, channel=channel))
    session.flush()
    return True


def _contact(person: Beneficiary | None, recipient: str | None) -> Contact:
    if person is not None:
        return Contact(phone=person.phone, email=person.email)
    if recipient and "@" in recipient:
        return Contact(email=recipient)
    return Contact(phone=recipient or None)


def deliver_routed(
    session: Session,
    *,
    sms: SmsGatewayNotifier | None,
    email: SmtpNotifier | None,
    letters_dir: Path,
    citizen_url: str,
    limit: int = 1000,
    max_attempts: int = 5,
) -> RoutedReport:
    report = RoutedReport()
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
    unconfigured = frozenset(c for c, a in ((Channel.SMS, sms), (Channel.EMAIL, email)) if a is None)
    letters: list[tuple[OutboxMessage, Letter]] = []
    for msg in rows:
        person = session.get(Beneficiary, msg.beneficiary_id) if msg.beneficiary_id else None
        opted = frozenset(
            session.execute(
                sa.select(NoticeOptOut.channel).where(NoticeOptOut.beneficiary_id == msg.beneficiary_id)
            ).scalars()
        )
        contact = _contact(person, msg.recipient)
        channel = route(contact, opted | unconfigured)
        msg.attempts += 1
        notice = Notice(msg.id, msg.template, msg.recipient, msg.body)
        if channel is Channel.LETTER:
            if person is None:
                _log(session, msg, channel, False, "no person and no phone or e-mail: nobody to write to")
                msg.status = OutboxStatus.FAILED
                report.failed += 1
                continue
            region = session.get(Region, person.region_code)
            letters.append(
                (msg, Letter(msg.id, person.name, person.id_number, region.name if region else "", msg.body))
            )
            continue
        try:
            if channel is Channel.SMS:
                assert sms is not None and contact.phone
                detail = sms.send(notice, contact.phone)
            else:
                assert email is not None and contact.email
                detail = email.send(notice, contact.email)
        except Exception as exc:  # noqa: BLE001 (a failing gateway must not stop the batch)
            _log(session, msg, channel, False, f"{type(exc).__name__}: {exc}")
            msg.last_error = str(exc)[:500]
            if msg.attempts >= max_attempts:
                msg.status = OutboxStatus.FAILED
            report.failed += 1
            continue
        _sent(session, msg, channel, detail)
        report.sent[channel.value] += 1
    if letters:
        letters_dir.mkdir(parents=True, exist_ok=True)
        target = letters_dir / f"letters-{utcnow():%Y%m%dT%H%M%S}-{letters[0][0].id}.pdf"
        target.write_bytes(render([letter for _, letter in letters], citizen_url))
        for page, (msg, _) in enumerate(letters, start=1):
            _sent(session, msg, Channel.LETTER, f"letter batch {target.name}, page {page}")
        report.sent[Channel.LETTER.value] += len(letters)
        report.letters_file = target
    session.flush()
    return report


def _sent(session: Session, msg: OutboxMessage, channel: Channel, detail: str) -> None:
    msg.status = OutboxStatus.SENT
    msg.sent_at = utcnow()
    msg.channel = channel
    msg.last_error = None
    _log(session, msg, channel, True, detail)


def _log(session: Session, msg: OutboxMessage, channel: Channel, ok: bool, detail: str) -> None:
    session.add(NoticeDelivery(message_id=msg.id, channel=channel, ok=ok, detail=detail[:500]))
