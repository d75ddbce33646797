"""Region scope as a query filter: which people a staff member may see and act for.

``staff_scope(staff)`` is the one function every work-list and visit query goes through; it returns a SQL
condition on ``beneficiaries.region_code`` (the region subtree of the staff member's region, followed by
``regions.parent_code``, so it holds for any tree, not only for codes that nest as prefixes). A staff
member without a region (``region_code`` NULL) sees the whole country. Swap this module for the shared
scope filter when it lands: callers only use the two functions below.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.core.errors import ApiError
from api.regions.models import Region

_R = Region.__table__


def subtree_codes(code: str) -> sa.Select[tuple[str]]:
    """SELECT of ``code`` and the code of every region below it (a recursive CTE, both backends)."""
    tree = sa.select(_R.c.code).where(_R.c.code == code).cte("region_subtree", recursive=True)
    tree = tree.union_all(sa.select(_R.c.code).where(_R.c.parent_code == tree.c.code))
    return sa.select(tree.c.code)


def in_region(code: str) -> sa.ColumnElement[bool]:
    """People living in region ``code`` or anywhere below it."""
    return Beneficiary.region_code.in_(subtree_codes(code))


def staff_scope(staff: StaffUser) -> sa.ColumnElement[bool]:
    """People the staff member may see: their region's subtree, everyone when they have no region."""
    if staff.region_code is None:
        return sa.true()
    return in_region(staff.region_code)


def require_in_scope(session: Session, staff: StaffUser, person_id: int) -> None:
    """404 (as for an unknown person) when the person is outside the staff member's region."""
    found = session.execute(
        sa.select(Beneficiary.id).where(Beneficiary.id == person_id, staff_scope(staff))
    ).first()
    if found is None:
        raise ApiError(404, "not_found", "No such person in your region.")
