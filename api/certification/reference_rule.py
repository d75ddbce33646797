"""The reference-face rule (finding 4): a reference face added by staff records who added it and who checked
the ID document (the signed-in staff member — the server decides, the caller cannot claim a check), and is
not used for any decision until it is confirmed, either

* by a second staff member (``POST /api/v1/onsite/references/{id}/confirm``, not the one who added it), or
* by a live face check of the person in the same session: a face challenge the same staff member runs for
  the person within ``LIFECERT_CERTIFICATION__REFERENCE_LIVE_CHECK_MINUTES`` of adding it, decided against
  the new reference — and, when the person already has references, matching those too.

Every addition and confirmation is an audit event; reviewers see the person's reference history in the
review case (:func:`history`)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.beneficiaries.models import ReferenceFace
from api.core.errors import ApiError
from shared.enums import ReferenceConfirmation, ReferenceStatus
from shared.schemas import ReferenceHistoryEntry, StaffRef

REASONS = {
    ReferenceConfirmation.LIVE_CHECK: "live face check of the person",
    ReferenceConfirmation.SECOND_STAFF: "confirmed by a second staff member",
}


def pending_for_live_check(
    session: Session, *, beneficiary_id: int, staff_id: int, now: datetime, minutes: int
) -> list[ReferenceFace]:
    """References of the person this staff member added in the last ``minutes`` that still wait."""
    return list(
        session.execute(
            sa.select(ReferenceFace)
            .where(
                ReferenceFace.beneficiary_id == beneficiary_id,
                ReferenceFace.awaiting_confirmation.is_(True),
                ReferenceFace.added_by_staff_id == staff_id,
                ReferenceFace.created_at >= now - timedelta(minutes=minutes),
                ReferenceFace.template.is_not(None),
            )
            .order_by(ReferenceFace.id)
        ).scalars()
    )


def _activate(
    session: Session,
    refs: list[ReferenceFace],
    *,
    how: ReferenceConfirmation,
    staff_id: int,
    now: datetime,
    challenge_id: str | None = None,
) -> None:
    for ref in refs:
        retired: list[int] = []
        if ref.replaces_others:
            retired = list(
                session.execute(
                    sa.select(ReferenceFace.id).where(
                        ReferenceFace.beneficiary_id == ref.beneficiary_id,
                        ReferenceFace.active.is_(True),
                        ReferenceFace.id != ref.id,
                    )
                ).scalars()
            )
            if retired:
                session.execute(
                    sa.update(ReferenceFace).where(ReferenceFace.id.in_(retired)).values(active=False)
                )
        ref.awaiting_confirmation = False
        ref.active = True
        ref.confirmation = how
        ref.confirmed_at = now
        ref.confirmed_by_staff_id = staff_id
        ref.live_check_challenge_id = challenge_id
        session.flush()
        audit.record(
            session,
            actor=f"staff:{staff_id}",
            action="reference.confirm",
            entity_type="reference_face",
            entity_id=ref.id,
            before={"awaiting_confirmation": True, "active_reference_ids": retired} if retired else None,
            after={
                "beneficiary_id": ref.beneficiary_id,
                "confirmation": how.value,
                "added_by": ref.added_by_staff_id,
                "id_checked_by": ref.id_checked_by_staff_id,
                "challenge_id": challenge_id,
                "replaced": retired,
            },
            reason=REASONS[how],
        )


def confirm_by_live_check(
    session: Session, reference_ids: tuple[int, ...], *, staff_id: int, challenge_id: str, now: datetime
) -> None:
    """After a passed challenge decided against these pending references: they are the person's."""
    refs = list(
        session.execute(
            sa.select(ReferenceFace)
            .where(ReferenceFace.id.in_(reference_ids), ReferenceFace.awaiting_confirmation.is_(True))
            .with_for_update()
        ).scalars()
    )
    _activate(
        session,
        refs,
        how=ReferenceConfirmation.LIVE_CHECK,
        staff_id=staff_id,
        now=now,
        challenge_id=challenge_id,
    )


def confirm_by_second_staff(session: Session, ref: ReferenceFace, *, staff: StaffUser, now: datetime) -> None:
    """409 ``reference_not_pending`` when nothing waits; 403 ``same_staff`` for the staff member who added
    it (or checked the ID document): the confirmation must come from a second person."""
    if not ref.awaiting_confirmation:
        raise ApiError(409, "reference_not_pending", "This reference face is not waiting for a confirmation.")
    if staff.id in (ref.added_by_staff_id, ref.id_checked_by_staff_id):
        raise ApiError(
            403, "same_staff", "A second staff member must confirm: you added this reference face yourself."
        )
    _activate(session, [ref], how=ReferenceConfirmation.SECOND_STAFF, staff_id=staff.id, now=now)


def _status(ref: ReferenceFace) -> ReferenceStatus:
    if ref.awaiting_confirmation:
        return ReferenceStatus.AWAITING_CONFIRMATION
    return ReferenceStatus.ACTIVE if ref.active else ReferenceStatus.RETIRED


def history(session: Session, beneficiary_id: int) -> list[ReferenceHistoryEntry]:
    """The person's reference faces, oldest first, with who added, ID-checked and confirmed each."""
    refs = list(
        session.execute(
            sa.select(ReferenceFace)
            .where(ReferenceFace.beneficiary_id == beneficiary_id)
            .order_by(ReferenceFace.id)
        ).scalars()
    )
    ids = {
        i
        for r in refs
        for i in (r.added_by_staff_id, r.id_checked_by_staff_id, r.confirmed_by_staff_id)
        if i is not None
    }
    staff = (
        {
            s.id: StaffRef(staff_id=s.id, name=s.name, region_code=s.region_code)
            for s in session.execute(sa.select(StaffUser).where(StaffUser.id.in_(ids))).scalars()
        }
        if ids
        else {}
    )

    def ref_of(staff_id: int | None) -> StaffRef | None:
        return staff.get(staff_id) if staff_id is not None else None

    return [
        ReferenceHistoryEntry(
            reference_id=r.id,
            source=r.source,
            added_at=r.created_at,
            added_by=ref_of(r.added_by_staff_id),
            id_checked_by=ref_of(r.id_checked_by_staff_id),
            status=_status(r),
            confirmation=r.confirmation,
            confirmed_by=ref_of(r.confirmed_by_staff_id),
            confirmed_at=r.confirmed_at,
            live_check_challenge_id=r.live_check_challenge_id,
        )
        for r in refs
    ]
