"""Importing a data-comparison feed: match on ID number, check the name, apply each row's consequence.

Policy (documented for clerks): rows are independent events, so good rows are applied and bad rows are
reported (row, ID number, message) — unlike the roster import, one bad row does not hold back the rest.
The whole file is one transaction: the caller commits, and a crash leaves nothing half-written.
A row whose ID number is on the roll but whose name differs is **never applied**: it goes to the review
list (:class:`FeedMismatch`) for a reviewer to apply or dismiss. Re-importing the same file changes
nothing (every consequence checks what is already recorded).

Consequences:
* death — deceased_on set; every entitlement stopped from the month after the death; overpayment
  (paid months after the death × monthly amount) opens a recovery case, referred to the credit list at
  ≥ 3,000 yuan; a notice to the heir (or the phone on file) is queued in the outbox.
* sign_of_life — a passed certification, method data_comparison, for the current window of every
  entitlement, with the source as evidence; a suspended payment is resumed with back pay.
* detention — payment suspended from the month after detention began.
* survivor_end — the survivor entitlement stopped from the month after the event.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from api.comparison.bulk_audit import PendingEvent, append_many
from api.comparison.driver_insert import (
    insert_rows,
    select_in,
    stored_date,
    stored_json,
    stored_time,
    stored_to_date,
)
from api.comparison.models import FeedKind, FeedMismatch, FeedRun, MismatchStatus, RecoveryCase
from api.comparison.overpayment import CREDIT_REFERRAL_CENTS, overpayment
from api.comparison.rows import FeedRow, RowError, count_rows, id_problem, normalise_name, read_feed
from api.core.db import utcnow
from api.core.progress import ProgressFactory, quiet
from api.core.region_paths import RegionPaths
from api.notify import outbox
from api.payments.resume import resume_after_certification
from api.payments.transitions import held_by_detention, transition
from shared.cycle import Window, window_for
from shared.enums import (
    BenefitType,
    CertificationMethod,
    CertificationResult,
    PaymentState,
    StopReason,
    SuspensionReason,
)
from shared.idnumber import mask_name
from shared.months import YearMonth
from shared.policy import CyclePolicy, PolicyTable

CHUNK = 5000
CERT_COLUMNS = (
    "beneficiary_id",
    "entitlement_id",
    "window_start",
    "window_end",
    "method",
    "operator_kind",
    "operator_id",
    "result",
    "evidence",
    "certified_at",
    "local_date",
    "created_at",
)


@dataclass(frozen=True, slots=True)
class FeedContext:
    policy: PolicyTable
    region_paths: RegionPaths
    today: date  # the agency's date of the import (Beijing)
    actor: str
    paid_through: YearMonth | None = None  # last month paid; default: today's month
    referral_cents: int = CREDIT_REFERRAL_CENTS

    @property
    def paid_until(self) -> YearMonth:
        return self.paid_through or YearMonth.of(self.today)


@dataclass
class FeedReport:
    run_id: int
    kind: FeedKind
    rows: int = 0
    applied: int = 0
    unchanged: int = 0
    mismatched: int = 0
    errors: list[RowError] = field(default_factory=list)
    recovery_cases: int = 0
    referrals: int = 0
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class _Person:
    id: int
    id_number: str
    name: str
    birth_date: date
    region_code: str
    time_zone: str
    deceased_on: date | None


def import_feed(
    session: Session,
    kind: FeedKind,
    path: Path,
    *,
    ctx: FeedContext,
    progress: ProgressFactory = quiet,
    chunk: int = CHUNK,
) -> FeedReport:
    """Import ``path`` as a ``kind`` feed in the caller's transaction (FeedFileError if unusable)."""
    started = time.perf_counter()
    rows = read_feed(path, kind)  # raises FeedFileError before anything is written
    first = next(rows, None)
    run = FeedRun(kind=kind, file_name=path.name[:255], actor=ctx.actor)
    session.add(run)
    session.flush()
    report = FeedReport(run_id=run.id, kind=kind)
    bar = progress(count_rows(path), kind.value)
    batch: list[FeedRow] = []
    shown = 0
    try:
        for item in _chain(first, rows):
            report.rows += 1
            if isinstance(item, RowError):
                report.errors.append(item)
            else:
                batch.append(item)
            if len(batch) >= chunk:
                _process(session, kind, batch, ctx, run, report)
                batch = []
                bar.update(report.rows - shown)
                shown = report.rows
        if batch:
            _process(session, kind, batch, ctx, run, report)
        bar.update(report.rows - shown)
    finally:
        bar.close()
    run.rows_total = report.rows
    run.rows_applied = report.applied
    run.rows_unchanged = report.unchanged
    run.rows_mismatched = report.mismatched
    run.rows_rejected = len(report.errors)
    run.finished_at = utcnow()
    audit.record(
        session,
        actor=ctx.actor,
        action="feed.import",
        entity_type="feed_run",
        entity_id=run.id,
        after={
            "kind": kind,
            "file": run.file_name,
            "rows": report.rows,
            "applied": report.applied,
            "unchanged": report.unchanged,
            "mismatched": report.mismatched,
            "rejected": len(report.errors),
        },
    )
    report.seconds = time.perf_counter() - started
    return report


def _chain(first, rest):
    if first is not None:
        yield first
        yield from rest


def _process(
    session: Session, kind: FeedKind, batch: list[FeedRow], ctx: FeedContext, run: FeedRun, report: FeedReport
) -> None:
    people = _people(session, {r.id_number for r in batch})
    matched: list[tuple[_Person, FeedRow]] = []
    mismatches: list[tuple[_Person, FeedRow]] = []
    for row in batch:
        person = people.get(row.id_number)
        if person is None:
            problem = id_problem(row.id_number, ctx.today) or "this ID number is not on the roll"
            report.errors.append(RowError(row.row_number, row.id_number, problem))
        elif normalise_name(person.name) != normalise_name(row.name):
            mismatches.append((person, row))
        else:
            matched.append((person, row))
    if mismatches:
        _open_mismatches(session, kind, mismatches, run, report, ctx.actor)
    if kind is FeedKind.SIGN_OF_LIFE:
        _signs_of_life(session, matched, ctx, report, run.id)
    else:
        handler = {
            FeedKind.DEATH: _death,
            FeedKind.DETENTION: _detention,
            FeedKind.SURVIVOR_END: _survivor_end,
        }[kind]
        for person, row in matched:
            outcome = handler(session, person, row, ctx, report)
            _count(report, outcome, row)


def _count(report: FeedReport, outcome: bool | str, row: FeedRow) -> None:
    if outcome is True:
        report.applied += 1
    elif outcome is False:
        report.unchanged += 1
    else:
        report.errors.append(RowError(row.row_number, row.id_number, outcome))


def _people(session: Session, id_numbers: Iterable[str]) -> dict[str, _Person]:
    """The roll's people with these ID numbers (one driver-level query: no ORM rows)."""
    numbers = list(id_numbers)
    if not numbers:
        return {}
    found = select_in(
        session,
        "SELECT id, id_number, name, birth_date, region_code, time_zone, deceased_on FROM beneficiaries "
        "WHERE id_number {in_}",
        numbers,
    )
    return {
        r[1]: _Person(r[0], r[1], r[2], stored_to_date(r[3]), r[4], r[5], stored_to_date(r[6])) for r in found
    }


def _open_mismatches(
    session: Session,
    kind: FeedKind,
    pairs: list[tuple[_Person, FeedRow]],
    run: FeedRun,
    report: FeedReport,
    actor: str,
) -> None:
    existing = {
        (m.beneficiary_id, m.row.get("event_date"))
        for m in session.execute(
            sa.select(FeedMismatch).where(
                FeedMismatch.kind == kind,
                FeedMismatch.beneficiary_id.in_([p.id for p, _ in pairs]),
            )
        ).scalars()
    }
    for person, row in pairs:
        if (person.id, row.event_date.isoformat()) in existing:
            report.unchanged += 1
            continue
        item = FeedMismatch(
            feed_run_id=run.id,
            kind=kind,
            row_number=row.row_number,
            beneficiary_id=person.id,
            feed_name=row.name[:100],
            row=row.to_json(),
        )
        session.add(item)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="feed.mismatch",
            entity_type="feed_mismatch",
            entity_id=item.id,
            after={"kind": kind, "beneficiary_id": person.id, "row": row.row_number, "feed_name": row.name},
            reason="ID number matches but the name differs: left for a reviewer",
        )
        existing.add((person.id, row.event_date.isoformat()))
        report.mismatched += 1


# --- sign of life (the bulk case: batched reads and inserts) ----------------------------------------


class _JsonText(dict):
    """``"source:<detail>"`` as JSON text, computed once per distinct detail."""

    def __missing__(self, detail: str) -> str:
        text = self[detail] = stored_json(f"source:{detail}")
        return text


@lru_cache(maxsize=4096)
def _noon_in_beijing(day: date, dialect: str) -> object:
    """The instant recorded for a sign of life on ``day`` (04:00 UTC = noon in Beijing), stored form."""
    return stored_time(datetime.combine(day, dtime(4, 0), tzinfo=UTC), dialect)


@lru_cache(maxsize=65536)
def _window(policy: CyclePolicy, birth_month: int, year: int, month: int) -> Window:
    """window_for, cached: a window depends only on the policy, the birth month and the day's month."""
    return window_for(policy, date(2000, birth_month, 1), date(year, month, 1))


def _signs_of_life(
    session: Session, pairs: list[tuple[_Person, FeedRow]], ctx: FeedContext, report: FeedReport, run_id: int
) -> None:
    if not pairs:
        return
    ids = [p.id for p, _ in pairs]
    ents: dict[int, list[tuple[int, BenefitType, PaymentState]]] = {}
    for ent_id, pid, benefit, state in select_in(
        session,
        "SELECT id, beneficiary_id, benefit_type, payment_state FROM entitlements "
        f"WHERE payment_state <> '{PaymentState.STOPPED.value}' AND beneficiary_id {{in_}} ORDER BY id",
        ids,
    ):
        ents.setdefault(pid, []).append((ent_id, BenefitType(benefit), PaymentState(state)))
    # What each entitlement's current window is, and whether it is certified already.
    plans: list[tuple[_Person, FeedRow, int, PaymentState, date, date]] = []
    outcome: dict[int, bool | str] = {}
    policies: dict[tuple[str, BenefitType], CyclePolicy] = {}
    for idx, (person, row) in enumerate(pairs):
        if person.deceased_on is not None:
            outcome[idx] = (
                f"recorded as deceased on {person.deceased_on}: a sign of life needs a clerk's review"
            )
            continue
        if row.event_date > ctx.today:
            outcome[idx] = f"event_date {row.event_date} is in the future"
            continue
        mine = ents.get(person.id, [])
        if not mine:
            outcome[idx] = "no active or suspended entitlement to certify"
            continue
        for ent_id, benefit, state in mine:
            key = (person.region_code, benefit)
            policy = policies.get(key)
            if policy is None:
                path = ctx.region_paths.path(session, person.region_code)
                policy = policies[key] = ctx.policy.policy_for(path, benefit)
            window = _window(policy, person.birth_date.month, row.event_date.year, row.event_date.month)
            current = _window(policy, person.birth_date.month, ctx.today.year, ctx.today.month)
            if window != current:
                outcome[idx] = (
                    f"the sign of life on {row.event_date} is before the current window "
                    f"({current.start} to {current.end}); it cannot certify it"
                )
                break
            plans.append((person, row, ent_id, state, window.start, window.end))
        else:
            outcome[idx] = False
    done: set[tuple[int, date]] = set()
    if plans:
        earliest = stored_date(min(p[4] for p in plans), session.get_bind().dialect.name)
        for ent_id, start in select_in(
            session,
            "SELECT entitlement_id, window_start FROM certifications "
            f"WHERE result = '{CertificationResult.PASSED.value}' "
            f"AND window_start >= '{earliest}' AND entitlement_id {{in_}}",
            list({p[2] for p in plans}),
        ):
            done.add((ent_id, stored_to_date(start)))
    dialect = session.get_bind().dialect.name
    new_rows: list[tuple] = []
    new_meta: list[tuple[_Person, FeedRow, int, PaymentState, date, date]] = []
    applied_rows: set[int] = set()
    tag = f"feed:{run_id}"
    created_at = stored_time(utcnow(), dialect)
    method = CertificationMethod.DATA_COMPARISON.value
    passed = CertificationResult.PASSED.value
    sources = _JsonText()
    for plan in plans:
        person, row, ent_id, state, start, end = plan
        if (ent_id, start) in done:
            continue
        done.add((ent_id, start))
        new_rows.append(
            (
                person.id,
                ent_id,
                stored_date(start, dialect),
                stored_date(end, dialect),
                method,
                "system",
                tag,
                passed,
                f'["{tag}:row:{row.row_number}",{sources[row.detail]}]',  # stored_json of the evidence
                _noon_in_beijing(row.event_date, dialect),
                stored_date(row.event_date, dialect),
                created_at,
            )
        )
        new_meta.append(plan)
        applied_rows.add(row.row_number)
    if new_rows:
        # Through the driver, and without RETURNING (on SQLite that would insert row by row to keep the
        # order). The rows of this run are unique per (entitlement, window) and tagged with the run, so
        # one SELECT finds their ids.
        insert_rows(session, Certification.__table__, CERT_COLUMNS, new_rows)
        found = {
            (ent_id, stored_to_date(start)): cid
            for cid, ent_id, start in select_in(
                session,
                f"SELECT id, entitlement_id, window_start FROM certifications WHERE operator_id = '{tag}' "
                "AND entitlement_id {in_}",
                [m[2] for m in new_meta],
            )
        }
        cert_ids = [found[(m[2], m[4])] for m in new_meta]
        method_value = CertificationMethod.DATA_COMPARISON.value
        events = [
            PendingEvent(
                actor=ctx.actor,
                action="certification.record",
                entity_type="certification",
                entity_id=cid,
                after={
                    "beneficiary_id": meta[0].id,
                    "entitlement_id": meta[2],
                    "method": method_value,
                    "result": passed,
                    "window": [meta[4].isoformat(), meta[5].isoformat()],
                    "local_date": meta[1].event_date.isoformat(),
                    "source": meta[1].detail,
                },
                reason=f"data comparison feed {run_id}, row {meta[1].row_number}",
                plain=True,
            )
            for cid, meta in zip(cert_ids, new_meta, strict=True)
        ]
        append_many(session, events)
        for cid, meta in zip(cert_ids, new_meta, strict=True):
            if meta[3] is PaymentState.SUSPENDED:
                ent = session.get(Entitlement, meta[2])
                if held_by_detention(ent):
                    continue  # certified, but a detention stays suspended until a release or a reviewer
                resume_after_certification(
                    session,
                    ent,
                    certification_id=cid,
                    certified_on=meta[1].event_date,
                    policy=ctx.policy,
                    region_paths=ctx.region_paths,
                    actor=ctx.actor,
                )
    for idx, (_person, row) in enumerate(pairs):
        result = outcome.get(idx, False)
        if result is False and row.row_number in applied_rows:
            result = True
        _count(report, result, row)


# --- death, detention, survivor end (rare events: one row at a time through the ORM) --------------


def _entitlements(session: Session, person_id: int) -> list[Entitlement]:
    return list(
        session.execute(
            sa.select(Entitlement).where(Entitlement.beneficiary_id == person_id).order_by(Entitlement.id)
        ).scalars()
    )


def _death(session: Session, p: _Person, row: FeedRow, ctx: FeedContext, report: FeedReport) -> bool | str:
    person = session.get(Beneficiary, p.id)
    if row.event_date > ctx.today:
        return f"death_date {row.event_date} is in the future"
    if person.deceased_on is not None and person.deceased_on != row.event_date:
        return (
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
            suspended_since=YearMonth.parse(ent.suspended_since) if ent.suspended_since else None,
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
        if over.months:
            case = RecoveryCase(
                beneficiary_id=person.id,
                entitlement_id=ent.id,
                death_date=row.event_date,
                first_month=str(over.months[0]),
                last_month=str(over.months[-1]),
                months=len(over.months),
                monthly_cents=ent.monthly_cents,
                amount_cents=over.amount_cents,
                credit_list_referral=over.referral(ctx.referral_cents),
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
                    "credit_list_referral": case.credit_list_referral,
                },
                reason="paid after death",
            )
            report.recovery_cases += 1
            report.referrals += int(case.credit_list_referral)
    if changed:
        heir = row.heir_name or "家属"
        outbox.queue(
            session,
            dedupe_key=f"heir:{person.id}",
            template="heir_notice",
            beneficiary_id=person.id,
            recipient=row.heir_phone or person.phone,
            body=(
                f"{heir}：{mask_name(person.name)}的社会保险待遇已自{stop_from}起停发。"
                "如有多发待遇需退回，经办机构将与您联系；丧葬补助金和抚恤金请到社保经办机构申领。"
            ),
        )
    return changed


def _detention(
    session: Session, p: _Person, row: FeedRow, ctx: FeedContext, report: FeedReport
) -> bool | str:
    month = YearMonth.of(row.event_date).next()
    changed = False
    for ent in _entitlements(session, p.id):
        current = YearMonth.parse(ent.suspended_since) if ent.suspended_since else None
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
    return changed


def _survivor_end(
    session: Session, p: _Person, row: FeedRow, ctx: FeedContext, report: FeedReport
) -> bool | str:
    ents = [e for e in _entitlements(session, p.id) if e.benefit_type is BenefitType.SURVIVOR]
    if not ents:
        return "this person receives no survivor benefit"
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
    return changed


# --- the review list --------------------------------------------------------------------------------


def decide_mismatch(
    session: Session, item: FeedMismatch, *, apply: bool, reviewer_id: int, reason: str, ctx: FeedContext
) -> bool | str:
    """A reviewer's decision on a mismatch: apply the row (same person) or dismiss it."""
    if item.status is not MismatchStatus.PENDING:
        return f"this item was already decided ({item.status})"
    row = FeedRow.from_json(item.row)
    outcome: bool | str = False
    if apply:
        person = session.get(Beneficiary, item.beneficiary_id)
        p = _Person(
            person.id,
            person.id_number,
            person.name,
            person.birth_date,
            person.region_code,
            person.time_zone,
            person.deceased_on,
        )
        report = FeedReport(run_id=item.feed_run_id, kind=item.kind)
        if item.kind is FeedKind.SIGN_OF_LIFE:
            _signs_of_life(session, [(p, row)], ctx, report, item.feed_run_id)
            outcome = report.errors[0].message if report.errors else bool(report.applied)
        else:
            handler = {
                FeedKind.DEATH: _death,
                FeedKind.DETENTION: _detention,
                FeedKind.SURVIVOR_END: _survivor_end,
            }
            outcome = handler[item.kind](session, p, row, ctx, report)
        if isinstance(outcome, str):
            return outcome
    before = {"status": item.status}
    item.status = MismatchStatus.APPLIED if apply else MismatchStatus.DISMISSED
    item.decided_by = reviewer_id
    item.decided_at = utcnow()
    item.decision_reason = reason[:500]
    audit.record(
        session,
        actor=ctx.actor,
        action="feed.mismatch.decide",
        entity_type="feed_mismatch",
        entity_id=item.id,
        before=before,
        after={"status": item.status, "changed": outcome is True},
        reason=reason,
    )
    return outcome
