"""The monthly cycle run: ``run_month(session, month, …)``.

For month M (the run stands on the 1st of M, when payroll for M is prepared):

* an ACTIVE entitlement whose previous window closed uncertified (cycle state OVERDUE) is suspended
  from M — "suspension from that month". (The cycle rules may name an earlier month when several windows
  were missed; those months were paid already, so the run never suspends retroactively.) Not when the
  person has a passed certification dated in or after that month: certified late, but before the run was
  made — a suspension would only be lifted by it at once, and a month run again would flip back and forth.
* a SUSPENDED entitlement with a passed certification dated in or after its suspension month is resumed:
  payment from the month after the certification, back pay for the suspended months up to it
  (shared.cycle.resumption), recorded as a PaymentResumption.
* an OVERDUE entitlement of a person in an emergency period of the policy file (``[[emergency]]``,
  shared/emergency.py) is spared instead: not suspended, listed in the run's report as spared.
* an entitlement with a limited benefit period (``ends_after``: unemployment benefit, MoHRSS 2019 notice
  ``004_435b6c8e4ae08301.txt``) whose last month is before M is stopped from the month after its last
  month (``benefit_period_ended``); nothing else is checked for it.
* a reminder is queued in the outbox for every ACTIVE entitlement still DUE whose deadline is within the
  policy's ``remind_days_before`` of the 1st of M (one per entitlement and deadline).

Two runs of one month never overlap (:mod:`api.cycle_jobs.month_lock`): the second is refused with
``RunInProgress`` before it reads anything. Running a month twice in a row changes nothing the second
time: suspended people are no longer ACTIVE, resumed ones no longer SUSPENDED, and reminders are keyed by
(entitlement, deadline). Everything happens in the caller's transaction; each change goes through
:func:`api.payments.transitions.transition` (audited).

A regional administrator runs it for their region subtree only (``scope``; the run records its region).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from api.core.db import utcnow
from api.core.region_paths import RegionPaths
from api.cycle_jobs import month_lock
from api.cycle_jobs.models import CycleRun
from api.notify import outbox
from api.payments.began import began_on
from api.payments.resume import resume_after_certification
from api.payments.transitions import held_by_detention, transition
from api.regions.scope import NATIONAL, RegionScope
from shared.cycle import evaluate
from shared.emergency import sparing
from shared.enums import CertificationResult, CycleState, PaymentState, StopReason, SuspensionReason
from shared.i18n.notices import language_of, notice, written_date
from shared.idnumber import mask_id, mask_name
from shared.months import YearMonth
from shared.policy import PolicyTable

BATCH = 2000
RUN_REASON = (
    "monthly run "  # every audit reason of a run's change starts so, then "YYYY-MM:" (stats count them)
)


@dataclass(frozen=True, slots=True)
class Suspended:
    entitlement_id: int
    masked_id: str
    benefit_type: str
    from_month: str


@dataclass(frozen=True, slots=True)
class Resumed:
    entitlement_id: int
    masked_id: str
    benefit_type: str
    resume_month: str
    back_pay_months: int
    back_pay_cents: int


@dataclass(frozen=True, slots=True)
class Spared:
    """Would have been suspended from ``from_month``; an emergency period of the policy file spared it."""

    entitlement_id: int
    masked_id: str
    benefit_type: str
    from_month: str
    emergency: str


@dataclass(frozen=True, slots=True)
class Stopped:
    """Stopped from ``from_month``: its benefit period ended (the last month was ``ends_after``)."""

    entitlement_id: int
    masked_id: str
    benefit_type: str
    from_month: str


@dataclass
class CycleReport:
    month: str
    run_id: int = 0
    checked: int = 0
    suspended: list[Suspended] = field(default_factory=list)
    resumed: list[Resumed] = field(default_factory=list)
    reminders: int = 0
    spared: list[Spared] = field(default_factory=list)
    stopped: list[Stopped] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.suspended or self.resumed or self.reminders or self.stopped)

    def summary(self) -> str:
        spared = f", {len(self.spared)} spared by an emergency extension" if self.spared else ""
        ended = f", {len(self.stopped)} stopped at the end of their benefit period" if self.stopped else ""
        return (
            f"{self.month}: {self.checked} entitlements checked, {len(self.suspended)} suspended, "
            f"{len(self.resumed)} resumed, {self.reminders} reminders queued{spared}{ended}"
        )


def run_month(
    session: Session,
    month: YearMonth,
    *,
    policy: PolicyTable,
    region_paths: RegionPaths,
    actor: str,
    scope: RegionScope = NATIONAL,
) -> CycleReport:
    taken = month_lock.claim(session, month, actor=actor, region_code=scope.region_code)
    try:
        return _run(session, month, taken, policy=policy, region_paths=region_paths, actor=actor, scope=scope)
    except BaseException:
        month_lock.release_unfinished(session, taken)
        raise


def _run(
    session: Session,
    month: YearMonth,
    taken: month_lock.MonthClaim,
    *,
    policy: PolicyTable,
    region_paths: RegionPaths,
    actor: str,
    scope: RegionScope,
) -> CycleReport:
    today = month.first_day()
    report = CycleReport(month=str(month))
    ids = (
        session.execute(
            sa.select(Entitlement.id)
            .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
            .where(Entitlement.payment_state != PaymentState.STOPPED, scope.people())
            .order_by(Entitlement.id)
        )
        .scalars()
        .all()
    )
    for i in range(0, len(ids), BATCH):
        _batch(session, ids[i : i + BATCH], today, month, policy, region_paths, actor, report)
    run = session.get(CycleRun, taken.run_id) if taken.run_id is not None else None
    if run is None:  # PostgreSQL: the advisory lock held the month; the record is written now
        run = CycleRun(month=month, region_code=scope.region_code, actor=actor)
        session.add(run)
    run.suspended = len(report.suspended)
    run.resumed = len(report.resumed)
    run.reminders = report.reminders
    run.report = {
        "checked": report.checked,
        "suspended": [asdict(s) for s in report.suspended[:1000]],
        "resumed": [asdict(r) for r in report.resumed[:1000]],
        "reminders": report.reminders,
        "spared": [asdict(s) for s in report.spared[:1000]],
        "stopped": [asdict(s) for s in report.stopped[:1000]],
    }
    run.state = None
    run.finished_at = utcnow()
    session.flush()
    report.run_id = run.id
    audit.record(
        session,
        actor=actor,
        action="cycle.run",
        entity_type="cycle_run",
        entity_id=run.id,
        after={
            "month": str(month),
            "region_code": scope.region_code,
            "checked": report.checked,
            "suspended": len(report.suspended),
            "resumed": len(report.resumed),
            "reminders": report.reminders,
            "spared": len(report.spared),
            "stopped": len(report.stopped),
        },
    )
    return report


def _still_suspended(session: Session, ent: Entitlement) -> bool:
    """Lock the person as a certification does (``SELECT … FOR UPDATE`` on the beneficiary) and re-read the
    entitlement: a certification that resumed it meanwhile (with its back pay) is not resumed again."""
    session.execute(
        sa.select(Beneficiary.id).where(Beneficiary.id == ent.beneficiary_id).with_for_update()
    ).scalar_one()
    session.refresh(ent)
    return ent.payment_state is PaymentState.SUSPENDED and not held_by_detention(ent)


def _end_benefit_period(
    session: Session, ent: Entitlement, person: Beneficiary, month: YearMonth, actor: str, report: CycleReport
) -> None:
    """Stop an entitlement whose limited benefit period (``ends_after``) is over, from the month after its
    last month (unemployment benefit is paid for a limited number of months: 004_435b6c8e4ae08301.txt)."""
    assert ent.ends_after is not None
    start = ent.ends_after.next()
    transition(
        session,
        ent,
        PaymentState.STOPPED,
        actor=actor,
        reason=f"{RUN_REASON}{month}: benefit period ended with {ent.ends_after}",
        month=start,
        stop_reason=StopReason.BENEFIT_PERIOD_ENDED,
    )
    report.stopped.append(Stopped(ent.id, mask_id(person.id_number), ent.benefit_type.value, str(start)))


def _batch(
    session: Session,
    ids: Sequence[int],
    today: date,
    month: YearMonth,
    policy: PolicyTable,
    region_paths: RegionPaths,
    actor: str,
    report: CycleReport,
) -> None:
    rows = session.execute(
        sa.select(Entitlement, Beneficiary)
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .where(Entitlement.id.in_(ids))
        .order_by(Entitlement.id)
    ).all()
    people = {b.id for _, b in rows}
    passed: dict[int, list[tuple[int | None, int, date]]] = defaultdict(list)
    for cid, pid, ent_id, day in session.execute(
        sa.select(
            Certification.id,
            Certification.beneficiary_id,
            Certification.entitlement_id,
            Certification.local_date,
        ).where(Certification.beneficiary_id.in_(people), Certification.result == CertificationResult.PASSED)
    ):
        passed[pid].append((ent_id, cid, day))
    for ent, person in rows:
        report.checked += 1
        if ent.ends_after is not None and ent.ends_after < month:
            _end_benefit_period(session, ent, person, month, actor, report)
            continue
        mine = sorted(
            ((day, cid) for ent_id, cid, day in passed[person.id] if ent_id in (None, ent.id)),
        )
        path = region_paths.path(session, person.region_code)
        rule = policy.policy_for(path, ent.benefit_type)
        if ent.payment_state is PaymentState.SUSPENDED:
            _resume_if_certified(session, ent, person, mine, month, policy, region_paths, actor, report)
            continue
        status = evaluate(
            rule,
            person.birth_date,
            [day for day, _ in mine],
            today,
            payment_state=ent.payment_state,
            entitled_since=began_on(ent, person.time_zone),
        )
        if status.state is CycleState.OVERDUE:
            start = max(status.suspend_from or month, month)
            if any(YearMonth.of(day) >= start for day, _ in mine):
                # certified after the window closed but before this run was made (a late run, or a month
                # run again): suspending now would only be lifted by that certification with back pay
                continue
            spared_by = sparing(policy.emergencies, month, status.suspend_from or month, path)
            if spared_by is not None:
                masked = mask_id(person.id_number)
                report.spared.append(
                    Spared(ent.id, masked, ent.benefit_type.value, str(start), spared_by.name)
                )
                continue
            transition(
                session,
                ent,
                PaymentState.SUSPENDED,
                actor=actor,
                reason=f"{RUN_REASON}{month}: not certified for the window that closed before "
                f"{status.window.start}",
                month=start,
                suspension_reason=SuspensionReason.MISSED_CERTIFICATION,
            )
            report.suspended.append(
                Suspended(ent.id, mask_id(person.id_number), ent.benefit_type.value, str(start))
            )
        elif status.state is CycleState.DUE and status.in_reminder_period(today):
            queued = outbox.queue(
                session,
                dedupe_key=f"remind:{ent.id}:{status.next_due.isoformat()}",
                template="reminder",
                beneficiary_id=person.id,
                recipient=person.phone,
                body=notice(
                    person.language,
                    "notice.reminder",
                    name=mask_name(person.name),
                    date=written_date(language_of(person.language), status.next_due),
                ),
            )
            report.reminders += queued is not None


def _resume_if_certified(
    session: Session,
    ent: Entitlement,
    person: Beneficiary,
    mine: list[tuple[date, int]],
    month: YearMonth,
    policy: PolicyTable,
    region_paths: RegionPaths,
    actor: str,
    report: CycleReport,
) -> None:
    """Resume a suspended entitlement from its latest passed certification dated in or after the
    suspension month (with back pay); a detention is never lifted by a certification."""
    if held_by_detention(ent):
        return  # a release record or a reviewer lifts a detention
    since = ent.suspended_since
    late = [(day, cid) for day, cid in mine if since is None or YearMonth.of(day) >= since]
    if not late or not _still_suspended(session, ent):
        return
    day, cid = late[-1]
    res = resume_after_certification(
        session,
        ent,
        certification_id=cid,
        certified_on=day,
        policy=policy,
        region_paths=region_paths,
        actor=actor,
        reason=f"{RUN_REASON}{month}: certified on {day} after suspension",
    )
    report.resumed.append(
        Resumed(
            ent.id,
            mask_id(person.id_number),
            ent.benefit_type.value,
            str(res.resume_month),
            res.back_pay_months,
            res.back_pay_cents,
        )
    )
