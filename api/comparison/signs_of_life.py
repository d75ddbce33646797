"""Sign-of-life records (hospital visits and other proof a person is alive): the bulk case of a feed —
batched reads and driver-level inserts. Each matched row certifies the current window of every
entitlement of the person (method data_comparison, the source as evidence) unless it is certified
already; a suspended payment is resumed with back pay, except a detention hold."""

from __future__ import annotations

from datetime import UTC, date, datetime
from datetime import time as dtime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy.orm import Session

from api.beneficiaries.models import Certification, Entitlement
from api.comparison.bulk_audit import PendingEvent, append_many
from api.comparison.driver_insert import (
    insert_rows,
    select_in,
    stored_date,
    stored_json,
    stored_time,
    stored_to_date,
    stored_to_day,
)
from api.comparison.feed import (
    APPLIED,
    UNCHANGED,
    FeedContext,
    FeedPerson,
    FeedReport,
    Matched,
    RowOutcome,
    count,
    refused,
)
from api.comparison.rows import FeedRow
from api.core.db import utcnow
from api.core.operator import OperatorKind
from api.payments.resume import resume_after_certification
from api.payments.transitions import held_by_detention
from shared.cycle import Window, window_for
from shared.enums import BenefitType, CertificationMethod, CertificationResult, PaymentState
from shared.policy import CyclePolicy

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


class _Held(NamedTuple):
    """An entitlement of a matched person that a sign of life can certify (not stopped)."""

    entitlement_id: int
    benefit: BenefitType
    state: PaymentState


class _Plan(NamedTuple):
    """One entitlement a row may certify: its current window, and its payment state now."""

    person: FeedPerson
    row: FeedRow
    entitlement_id: int
    state: PaymentState
    start: date
    end: date


class _JsonText(dict):
    """``"source:<detail>"`` as JSON text, computed once per distinct detail."""

    def __missing__(self, detail: str) -> str | None:
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


def record_signs_of_life(
    session: Session, pairs: list[Matched], ctx: FeedContext, report: FeedReport, run_id: int
) -> None:
    """Passed certifications (method data_comparison) for the current window of every entitlement of the
    matched people, in bulk; a suspended payment is resumed with back pay (not a detention hold)."""
    if not pairs:
        return
    ids = [p.id for p, _ in pairs]
    ents: dict[int, list[_Held]] = {}
    for ent_id, pid, benefit, state in select_in(
        session,
        "SELECT id, beneficiary_id, benefit_type, payment_state FROM entitlements "
        f"WHERE payment_state <> '{PaymentState.STOPPED.value}' AND beneficiary_id {{in_}} ORDER BY id",
        ids,
    ):
        ents.setdefault(pid, []).append(_Held(ent_id, BenefitType(benefit), PaymentState(state)))
    # What each entitlement's current window is, and whether it is certified already.
    plans: list[_Plan] = []
    outcome: dict[int, RowOutcome] = {}
    policies: dict[tuple[str, BenefitType], CyclePolicy] = {}
    for idx, (person, row) in enumerate(pairs):
        if person.deceased_on is not None:
            outcome[idx] = refused(
                f"recorded as deceased on {person.deceased_on}: a sign of life needs a clerk's review"
            )
            continue
        if row.event_date > ctx.today:
            outcome[idx] = refused(f"event_date {row.event_date} is in the future")
            continue
        mine = ents.get(person.id, [])
        if not mine:
            outcome[idx] = refused("no active or suspended entitlement to certify")
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
                outcome[idx] = refused(
                    f"the sign of life on {row.event_date} is before the current window "
                    f"({current.start} to {current.end}); it cannot certify it"
                )
                break
            plans.append(_Plan(person, row, ent_id, state, window.start, window.end))
        else:
            outcome[idx] = UNCHANGED
    done: set[tuple[int, date]] = set()
    if plans:
        earliest = stored_date(min(p.start for p in plans), session.get_bind().dialect.name)
        for ent_id, start in select_in(
            session,
            "SELECT entitlement_id, window_start FROM certifications "
            f"WHERE result = '{CertificationResult.PASSED.value}' "
            f"AND window_start >= '{earliest}' AND entitlement_id {{in_}}",
            list({p.entitlement_id for p in plans}),
        ):
            done.add((ent_id, stored_to_day(start)))
    dialect = session.get_bind().dialect.name
    new_rows: list[tuple] = []
    new_meta: list[_Plan] = []
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
                OperatorKind.FEED.value,
                run_id,
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
                f"SELECT id, entitlement_id, window_start FROM certifications WHERE operator_kind = "
                f"'{OperatorKind.FEED.value}' AND operator_id = {int(run_id)} AND entitlement_id {{in_}}",
                [m.entitlement_id for m in new_meta],
            )
        }
        cert_ids = [found[(m.entitlement_id, m.start)] for m in new_meta]
        method_value = CertificationMethod.DATA_COMPARISON.value
        events = [
            PendingEvent(
                actor=ctx.actor,
                action="certification.record",
                entity_type="certification",
                entity_id=cid,
                after={
                    "beneficiary_id": meta.person.id,
                    "entitlement_id": meta.entitlement_id,
                    "method": method_value,
                    "result": passed,
                    "window": [meta.start.isoformat(), meta.end.isoformat()],
                    "local_date": meta.row.event_date.isoformat(),
                    "source": meta.row.detail,
                },
                reason=f"data comparison feed {run_id}, row {meta.row.row_number}",
                region=meta.person.region_code,
                plain=True,
            )
            for cid, meta in zip(cert_ids, new_meta, strict=True)
        ]
        append_many(session, events)
        for cid, meta in zip(cert_ids, new_meta, strict=True):
            if meta.state is PaymentState.SUSPENDED:
                ent = session.get_one(Entitlement, meta.entitlement_id)  # inserted above
                if held_by_detention(ent):
                    continue  # certified, but a detention stays suspended until a release or a reviewer
                resume_after_certification(
                    session,
                    ent,
                    certification_id=cid,
                    certified_on=meta.row.event_date,
                    policy=ctx.policy,
                    region_paths=ctx.region_paths,
                    actor=ctx.actor,
                )
    for idx, (_person, row) in enumerate(pairs):
        result = outcome.get(idx, UNCHANGED)
        if result is UNCHANGED and row.row_number in applied_rows:
            result = APPLIED
        count(report, result, row)
