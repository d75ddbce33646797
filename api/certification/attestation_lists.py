"""The attestations a staff member's lists show: those waiting for *their* signature, and those they opened
that are still collecting evidence and sign-offs.

"Waiting for me" means: about a person in the staff member's region scope, still collecting, the next
level of its chain is the level of the staff member's own region, and they have not signed another level
of it (one account signs one level). National staff (no region) sign no level, so nothing waits for them.
The chain's next level depends on the sign-offs made so far, so candidates come from one scoped query
and their sign-offs from a second one; the rule is the one
:func:`api.certification.attestation.add_signoff` enforces.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.certification.models import Attestation, AttestationSignoff, AttestationStatus
from api.regions.models import Region
from api.regions.scope import RegionScope

LIST_LIMIT = 100  # the oldest first; a list longer than this is worked through from the top


def own_level(session: Session, staff: StaffUser) -> str | None:
    """The level of the staff member's region (``village``, ``township`` …); None for national staff."""
    if staff.region_code is None:
        return None
    region = session.get(Region, staff.region_code)
    return region.level.value if region is not None else None


def _collecting(
    session: Session, scope: RegionScope, *where: sa.ColumnElement[bool], limit: int | None = None
) -> list[Attestation]:
    query = (
        sa.select(Attestation)
        .join(Beneficiary, Beneficiary.id == Attestation.beneficiary_id)
        .where(scope.people(), Attestation.status == AttestationStatus.COLLECTING, *where)
        .order_by(Attestation.created_at, Attestation.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def awaiting_signature(
    session: Session, *, staff: StaffUser, scope: RegionScope, limit: int = LIST_LIMIT
) -> list[Attestation]:
    """Attestations whose next sign-off is the staff member's to make, oldest first."""
    level = own_level(session, staff)
    if level is None:
        return []
    candidates = [a for a in _collecting(session, scope) if level in a.required_signoffs]
    signed: dict[int, list[AttestationSignoff]] = defaultdict(list)
    if candidates:
        rows = session.execute(
            sa.select(AttestationSignoff).where(
                AttestationSignoff.attestation_id.in_([a.id for a in candidates])
            )
        ).scalars()
        for row in rows:
            signed[row.attestation_id].append(row)
    waiting = []
    for attestation in candidates:
        done = signed[attestation.id]
        missing = [lv for lv in attestation.required_signoffs if lv not in {s.level for s in done}]
        if missing and missing[0] == level and all(s.recorded_by != staff.id for s in done):
            waiting.append(attestation)
    return waiting[:limit]


def opened_by(
    session: Session, *, staff: StaffUser, scope: RegionScope, limit: int = LIST_LIMIT
) -> list[Attestation]:
    """Attestations the staff member opened that are still collecting, oldest first."""
    return _collecting(session, scope, Attestation.opened_by == staff.id, limit=limit)
