"""Search the audit trail by person (ID number), actor and date, and say whether the hash chain verifies.

Regional staff (a ``scope`` with a region) see only events about people registered in their region
subtree — events whose entity is the person or one of their records (entitlements, certifications,
review items, attestations, …). Events about no person (cycle runs, feed runs, staff accounts, regions,
spot-check draws) are for national staff. Searching a person outside the scope finds nothing, exactly as
for an unknown ID number. Whether the chain verifies is reported to everyone (it names no person).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.audit import AuditEvent, verify_chain
from api.auth.models import HelperBinding
from api.beneficiaries.models import Beneficiary, Certification, Entitlement, ReferenceFace
from api.certification.models import Attestation
from api.challenges.models import Challenge, ConsentRecord, FailedAttempt
from api.comparison.models import FeedMismatch, RecoveryCase
from api.record_changes.models import RecordChange
from api.regions.scope import NATIONAL, RegionScope
from api.review.models import ReviewItem
from api.spotchecks.models import SpotCheckItem
from shared.backoffice_schemas import AuditEventPublic, AuditPage
from shared.cycle import day_starts_at
from shared.record_changes import mask_account

# Audit entity types recorded about one person, and the model whose ``beneficiary_id`` says whom (Any:
# SQLAlchemy's typing has no "a mapped class with these columns").
PERSON_RECORDS: dict[str, Any] = {
    "entitlement": Entitlement,
    "certification": Certification,
    "review_item": ReviewItem,
    "feed_mismatch": FeedMismatch,
    "recovery_case": RecoveryCase,
    "attestation": Attestation,
    "reference_face": ReferenceFace,
    "challenge": Challenge,
    "consent": ConsentRecord,
    "failed_attempt": FailedAttempt,
    "helper_binding": HelperBinding,
    "spot_check_item": SpotCheckItem,
    "record_change": RecordChange,
}
MASKED_KEYS = frozenset({"bank_account"})  # shown by their last four digits only


def masked(value: Any) -> Any:
    """A before/after snapshot with bank account numbers masked, at any depth."""
    if isinstance(value, dict):
        return {
            k: mask_account(v) if k in MASKED_KEYS and isinstance(v, str) else masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def _person_entities(session: Session, id_number: str, scope: RegionScope) -> list[tuple[str, str]]:
    person_id = session.execute(
        sa.select(Beneficiary.id).where(Beneficiary.id_number == id_number.strip().upper(), scope.people())
    ).scalar_one_or_none()
    if person_id is None:
        return []
    pairs = [("beneficiary", str(person_id))]
    for entity, model in PERSON_RECORDS.items():
        ids = session.execute(sa.select(model.id).where(model.beneficiary_id == person_id)).scalars()
        pairs.extend((entity, str(i)) for i in ids)
    return pairs


def _about_people_in(scope: RegionScope) -> sa.ColumnElement[bool]:
    """A condition on AuditEvent: the event is about a person in ``scope`` (true for national staff)."""
    if scope.national:
        return sa.true()
    people = scope.person_ids()
    return sa.or_(
        sa.and_(
            AuditEvent.entity_type == "beneficiary",
            AuditEvent.entity_id.in_(sa.select(sa.cast(Beneficiary.id, sa.String(64))).where(scope.people())),
        ),
        *(
            sa.and_(
                AuditEvent.entity_type == entity,
                AuditEvent.entity_id.in_(
                    sa.select(sa.cast(model.id, sa.String(64))).where(model.beneficiary_id.in_(people))
                ),
            )
            for entity, model in PERSON_RECORDS.items()
        ),
    )


def search(
    session: Session,
    *,
    id_number: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 100,
    verify: bool = True,
    scope: RegionScope = NATIONAL,
) -> AuditPage:
    query = sa.select(AuditEvent).where(_about_people_in(scope))
    if id_number:
        pairs = _person_entities(session, id_number, scope)
        if not pairs:
            query = query.where(sa.false())
        else:
            query = query.where(
                sa.or_(*(sa.and_(AuditEvent.entity_type == t, AuditEvent.entity_id == i) for t, i in pairs))
            )
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))  # "_" is literal
    if date_from:
        # the dates are the agency's (Beijing) calendar days, as staff read them
        query = query.where(AuditEvent.created_at >= day_starts_at(date_from))
    if date_to:
        query = query.where(AuditEvent.created_at < day_starts_at(date_to + timedelta(days=1)))
    rows = session.execute(query.order_by(AuditEvent.seq.desc()).limit(limit)).scalars().all()
    chain = verify_chain(session) if verify else None
    return AuditPage(
        events=[
            AuditEventPublic(
                seq=e.seq,
                actor=e.actor,
                action=e.action,
                entity_type=e.entity_type,
                entity_id=e.entity_id,
                before=masked(e.before),
                after=masked(e.after),
                reason=e.reason,
                created_at=e.created_at,
            )
            for e in rows
        ],
        chain_ok=chain.ok if chain else True,
        chain_checked=chain.checked if chain else 0,
        chain_problem=chain.problem if chain else None,
    )
