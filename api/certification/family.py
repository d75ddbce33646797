"""Family certification (代人认证): a helper binds a relative after the relative passes a live face
challenge, then certifies only bound relatives — the relative's face is checked, the helper is recorded
as the operator."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import HelperAccount, HelperBinding
from api.beneficiaries.models import Beneficiary
from api.challenges.types import Claim
from api.core.context import CertContext
from api.core.errors import ApiError


def bound_count(session: Session, helper_id: int) -> int:
    return session.execute(
        sa.select(sa.func.count()).select_from(HelperBinding).where(HelperBinding.helper_id == helper_id)
    ).scalar_one()


def binding_of(session: Session, helper: HelperAccount, binding_id: int) -> HelperBinding:
    binding = session.get(HelperBinding, binding_id)
    if binding is None or binding.helper_id != helper.id:
        raise ApiError(404, "not_found", "This relative is not bound to your account.")
    return binding


def check_can_bind(session: Session, ctx: CertContext, helper_id: int, person: Beneficiary) -> None:
    exists = session.execute(
        sa.select(HelperBinding.id).where(
            HelperBinding.helper_id == helper_id, HelperBinding.beneficiary_id == person.id
        )
    ).first()
    if exists is not None:
        raise ApiError(409, "already_bound", "This relative is already bound to your account.")
    limit = ctx.cert.max_bound_relatives
    if bound_count(session, helper_id) >= limit:
        raise ApiError(
            409,
            "too_many_relatives",
            f"A helper account can have at most {limit} relatives.",
            params={"limit": limit},
        )


def bind(
    session: Session, ctx: CertContext, *, claim: Claim, person: Beneficiary, now: datetime
) -> HelperBinding:
    """Record the binding a passed family_bind challenge asked for (checked again: limits may have moved)."""
    helper_id = claim.operator.account_id
    assert helper_id is not None
    session.execute(sa.select(HelperAccount.id).where(HelperAccount.id == helper_id).with_for_update())
    check_can_bind(session, ctx, helper_id, person)
    binding = HelperBinding(
        helper_id=helper_id,
        beneficiary_id=person.id,
        relationship_label=claim.relationship_label or "relative",
        challenge_id=claim.challenge_id,
        created_at=now,
    )
    audit.add_recorded(
        session,
        binding,
        actor=claim.operator.actor,
        action="helper.bind",
        entity_type="helper_binding",
        after={
            "helper_id": helper_id,
            "beneficiary_id": person.id,
            "relationship": binding.relationship_label,
            "challenge_id": claim.challenge_id,
        },
    )
    return binding


def unbind(session: Session, binding: HelperBinding, *, actor: str) -> None:
    before = {
        "helper_id": binding.helper_id,
        "beneficiary_id": binding.beneficiary_id,
        "relationship": binding.relationship_label,
    }
    binding_id = binding.id
    session.delete(binding)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="helper.unbind",
        entity_type="helper_binding",
        entity_id=binding_id,
        before=before,
    )
