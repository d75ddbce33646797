"""Death, detention and survivor-end records: rare events, applied one row at a time through the ORM.

* death — deceased_on set; every entitlement stopped from the month after the death; overpayment (paid
  months after the death × monthly amount) opens a recovery case (api/recovery/ moves it on; it goes on
  the credit list only if the heirs refuse to repay ≥ 3,000 yuan); a notice to the heir (or the phone on
  file) is queued in the outbox.
* detention — payment suspended from the month after detention began (only a release lifts it).
* survivor_end — the survivor entitlement stopped from the month after the event.
* reemployment, business_registration, emigration, pension_start — the comparisons of the MoHRSS 2019
  notice on unemployment benefit (``004_435b6c8e4ae08301.txt``, part 4: 信息比对): the unemployment
  entitlement (only that one; pensions go on) stopped from the month after the event; months already paid
  after it open a recovery case exactly as after a death (:func:`_open_recovery`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary, Entitlement
from api.comparison.feed import APPLIED, UNCHANGED, FeedContext, FeedPerson, FeedReport, RowOutcome, refused
from api.comparison.models import FeedKind, RecoveryCase
from api.comparison.overpayment import Overpayment, overpayment
from api.comparison.rows import UNEMPLOYMENT_ENDS, FeedRow
from api.notify import outbox
from api.payments.transitions import held_by_detention, transition
from shared.enums import BenefitType, PaymentState, StopReason, SuspensionReason
from shared.i18n.notices import language_of, notice, written_month
from shared.idnumber import mask_name
from shared.months import YearMonth

EventHandler = Callable[[Session, FeedPerson, FeedRow, FeedContext, FeedReport], RowOutcome]


def _entitlements(session: Session, person_id: int) -> list[Entitlement]:
    return list(
        session.execute(
            sa.select(Entitlement).where(Entitlement.beneficiary_id == person_id).order_by(Entitlement.id)
        ).scalars()
    )


def _open_recovery(
    session: Session,
    person_id: int,
    ent: Entitlement,
    event_date: date,
    over: Overpayment,
    ctx: FeedContext,
    report: FeedReport,
    why: str,
) -> None:
    """A recovery case for the months ``over`` paid after ``event_date`` (none when nothing was overpaid)."""
    if not over.months:
        return
    case = RecoveryCase(
        beneficiary_id=person_id,
        entitlement_id=ent.id,
        death_date=event_date,
        first_month=over.months[0],
        last_month=over.months[-1],
        months=len(over.months),
        monthly_cents=over.monthly_cents,
        amount_cents=over.amount_cents,
        credit_list_referral=False,  # only after a refusal: api/recovery/service.py
    )
    session.add(case)
    session.flush()
    audit.record(
        session,
        actor=ctx.actor,
        action="recovery.open",
        entity_type="recovery_case",
        entity_id=case.id,
        after={
            "entitlement_id": ent.id,
            "months": [str(m) for m in over.months],
            "amount_cents": over.amount_cents,
            "credit_list_threshold_reached": over.referral(ctx.referral_cents),
        },
        reason=why,
    )
    report.recovery_cases += 1
    report.referrals += int(over.referral(ctx.referral_cents))


def death(session: Session, p: FeedPerson, row: FeedRow, ctx: FeedContext, report: FeedReport) -> RowOutcome:
    person = session.get_one(Beneficiary, p.id)  # matched on the roll in this transaction
    if row.event_date > ctx.today:
        return refused(f"death_date {row.event_date} is in the future")
    if person.deceased_on is not None and person.deceased_on != row.event_date:
        return refused(
            f"already recorded as deceased on {person.deceased_on}, this record says {row.event_date}: "
            "a clerk must check which is right"
        )
    changed = False
    if person.deceased_on is None:
        person.deceased_on = row.event_date
        audit.record(
            session,
            actor=ctx.actor,
            action="beneficiary.deceased",
            entity_type="beneficiary",
            entity_id=person.id,
            before={"deceased_on": None},
            after={"deceased_on": row.event_date, "source": row.detail},
            reason=f"{row.detail} record",
        )
        changed = True
    stop_from = YearMonth.of(row.event_date).next()
    for ent in _entitlements(session, person.id):
        if ent.payment_state is PaymentState.STOPPED:
            continue
        over = overpayment(
            death_date=row.event_date,
            paid_through=ctx.paid_until,
            monthly_cents=ent.monthly_cents,
            suspended_since=ent.suspended_since,
        )
        transition(
            session,
            ent,
            PaymentState.STOPPED,
            actor=ctx.actor,
            reason=f"death on {row.event_date} ({row.detail} record)",
            month=stop_from,
            stop_reason=StopReason.DECEASED,
        )
        changed = True
        _open_recovery(session, person.id, ent, row.event_date, over, ctx, report, "paid after death")
    if changed:
        language = language_of(person.language)
        heir = row.heir_name or notice(language, "notice.heir.someone")
        outbox.queue(
            session,
            dedupe_key=f"heir:{person.id}",
            template="heir_notice",
            beneficiary_id=person.id,
            recipient=row.heir_phone or person.phone,
            body=notice(
                language,
                "notice.heir",
                heir=heir,
                name=mask_name(person.name),
                month=written_month(language, stop_from.year, stop_from.month),
            ),
        )
    return APPLIED if changed else UNCHANGED


def detention(
    session: Session, p: FeedPerson, row: FeedRow, ctx: FeedContext, report: FeedReport
) -> RowOutcome:
    month = YearMonth.of(row.event_date).next()
    changed = False
    for ent in _entitlements(session, p.id):
        current = ent.suspended_since
        if ent.payment_state is PaymentState.STOPPED:
            continue
        if (
            ent.payment_state is PaymentState.SUSPENDED
            and current is not None
            and current <= month
            and held_by_detention(ent)
        ):
            continue
        transition(
            session,
            ent,
            PaymentState.SUSPENDED,
            actor=ctx.actor,
            reason=f"detention from {row.event_date} ({row.detail})",
            month=min(month, current) if current is not None else month,
            suspension_reason=SuspensionReason.DETENTION,
        )
        changed = True
    return APPLIED if changed else UNCHANGED


def survivor_end(
    session: Session, p: FeedPerson, row: FeedRow, ctx: FeedContext, report: FeedReport
) -> RowOutcome:
    ents = [e for e in _entitlements(session, p.id) if e.benefit_type is BenefitType.SURVIVOR]
    if not ents:
        return refused("this person receives no survivor benefit")
    changed = False
    for ent in ents:
        if ent.payment_state is PaymentState.STOPPED:
            continue
        transition(
            session,
            ent,
            PaymentState.STOPPED,
            actor=ctx.actor,
            reason=f"survivor benefit ended: {row.detail} on {row.event_date}",
            month=YearMonth.of(row.event_date).next(),
            stop_reason=StopReason.SURVIVOR_ENDED,
        )
        changed = True
    return APPLIED if changed else UNCHANGED


# Why each comparison stops unemployment benefit (004_435b6c8e4ae08301.txt, part 4).
UNEMPLOYMENT_STOPS: dict[FeedKind, tuple[StopReason, str]] = {
    FeedKind.REEMPLOYMENT: (StopReason.REEMPLOYED, "re-employed"),
    FeedKind.BUSINESS_REGISTRATION: (StopReason.BUSINESS_REGISTERED, "business registered"),
    FeedKind.EMIGRATION: (StopReason.EMIGRATED, "settled abroad"),
    FeedKind.PENSION_START: (StopReason.PENSION_STARTED, "began drawing a pension"),
}
assert UNEMPLOYMENT_STOPS.keys() == UNEMPLOYMENT_ENDS.keys()


def unemployment_end(
    session: Session, p: FeedPerson, row: FeedRow, ctx: FeedContext, report: FeedReport
) -> RowOutcome:
    """Stop the person's unemployment benefit from the month after the event; months paid after the event
    (up to the end of the benefit period) open a recovery case. Other benefits are not touched."""
    stop_reason, what = UNEMPLOYMENT_STOPS[report.kind]
    ents = [e for e in _entitlements(session, p.id) if e.benefit_type is BenefitType.UNEMPLOYMENT]
    if not ents:
        return refused("this person receives no unemployment benefit")
    if row.event_date > ctx.today:
        return refused(f"event_date {row.event_date} is in the future")
    changed = False
    for ent in ents:
        if ent.payment_state is PaymentState.STOPPED:
            continue  # already stopped (this record again, another record, or the benefit period ended)
        stop_from = YearMonth.of(row.event_date).next()
        paid_from = YearMonth.of(ent.entitled_since) if ent.entitled_since is not None else None
        if paid_from is not None and stop_from < paid_from:
            stop_from = paid_from  # the event came before the benefit began: nothing of it was due
        paid_through = ctx.paid_until
        if ent.ends_after is not None:
            paid_through = min(paid_through, ent.ends_after)
        over = overpayment(
            death_date=row.event_date,
            paid_through=paid_through,
            monthly_cents=ent.monthly_cents,
            suspended_since=ent.suspended_since,
            paid_from=stop_from,
        )
        transition(
            session,
            ent,
            PaymentState.STOPPED,
            actor=ctx.actor,
            reason=f"unemployment benefit ended: {what} on {row.event_date} ({row.detail})",
            month=stop_from,
            stop_reason=stop_reason,
        )
        changed = True
        _open_recovery(session, p.id, ent, row.event_date, over, ctx, report, f"paid after: {what}")
    return APPLIED if changed else UNCHANGED


HANDLERS: dict[FeedKind, EventHandler] = {
    FeedKind.DEATH: death,
    FeedKind.DETENTION: detention,
    FeedKind.SURVIVOR_END: survivor_end,
    **dict.fromkeys(UNEMPLOYMENT_STOPS, unemployment_end),
}
