"""Closing a case with its outcome. ``confirmed_deceased`` records the death exactly as a death record from
the civil-affairs feed would (api/comparison/events.death): the date of death on the person, every
entitlement stopped from the month after it through the payment transitions, a recovery case for each
entitlement with months paid after the death, the heir notice queued — all in the caller's transaction."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary
from api.cases.models import Case
from api.cases.service import add_entry, require_open
from api.comparison.events import death
from api.comparison.feed import FeedContext, FeedPerson, FeedReport
from api.comparison.models import FeedKind, RecoveryCase
from api.comparison.rows import FeedRow
from api.core.db import utcnow
from api.core.errors import ApiError
from shared.case_schemas import CaseClose, CaseEntryKind, CaseOutcome, CaseState


def close(session: Session, case: Case, body: CaseClose, *, ctx: FeedContext, staff_id: int) -> None:
    require_open(case)
    before = {"state": case.state, "outcome": case.outcome}
    if body.outcome is CaseOutcome.CONFIRMED_DECEASED:
        _record_death(session, case, body, ctx)
    elif body.death_date is not None:
        raise ApiError(422, "death_date_not_expected", "A date of death goes only with a deceased outcome.")
    case.state = CaseState.CLOSED
    case.outcome = body.outcome
    case.outcome_note = body.note
    case.death_date = body.death_date if body.outcome is CaseOutcome.CONFIRMED_DECEASED else None
    case.closed_by = staff_id
    case.closed_at = utcnow()
    add_entry(session, case, CaseEntryKind.CLOSED, staff_id=staff_id, text=body.note)
    audit.record(
        session,
        actor=ctx.actor,
        action="case.close",
        entity_type="case",
        entity_id=case.id,
        before=before,
        after={"state": case.state, "outcome": body.outcome, "death_date": case.death_date},
        reason=body.note,
    )


def _record_death(session: Session, case: Case, body: CaseClose, ctx: FeedContext) -> None:
    if case.beneficiary_id is None:
        raise ApiError(
            409, "case_person_unknown", "Link the person concerned before closing the case as deceased."
        )
    if body.death_date is None:
        raise ApiError(422, "death_date_required", "Give the date of death.")
    if body.death_date > ctx.today:
        raise ApiError(422, "death_date_in_future", "The date of death cannot be in the future.")
    person = session.get_one(Beneficiary, case.beneficiary_id)
    p = FeedPerson(
        person.id,
        person.id_number,
        person.name,
        person.birth_date,
        person.region_code,
        person.time_zone,
        person.deceased_on,
    )
    row = FeedRow(
        row_number=0,
        id_number=person.id_number,
        name=person.name,
        event_date=body.death_date,
        detail=f"case {case.reference}",
    )
    outcome = death(session, p, row, ctx, FeedReport(run_id=0, kind=FeedKind.DEATH))
    if outcome.refused is not None:
        raise ApiError(409, "cannot_apply", outcome.refused)


def recovery_case_ids(session: Session, case: Case) -> list[int]:
    """The recovery cases of the person concerned opened for the death this case recorded."""
    if case.beneficiary_id is None or case.death_date is None:
        return []
    return list(
        session.execute(
            sa.select(RecoveryCase.id)
            .where(
                RecoveryCase.beneficiary_id == case.beneficiary_id, RecoveryCase.death_date == case.death_date
            )
            .order_by(RecoveryCase.id)
        ).scalars()
    )
