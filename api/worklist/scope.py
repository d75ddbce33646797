"""Region scope for the work list and home visits, on the shared scope filter (:mod:`api.regions.scope`):
``staff_scope(staff)`` is the SQL condition on ``beneficiaries.region_code`` every work-list and visit
query goes through (the region subtree of the staff member's region; everyone when they have no region).
"""

from __future__ import annotations

import sqlalchemy as sa

from api.auth.models import StaffUser
from api.regions.scope import RegionScope


def staff_scope(staff: StaffUser) -> sa.ColumnElement[bool]:
    """People the staff member may see: their region's subtree, everyone when they have no region."""
    return RegionScope.of(staff).people()
