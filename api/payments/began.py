"""When an entitlement began, for the cycle rules' ``entitled_since`` (same rule as the status lookup)."""

from __future__ import annotations

from datetime import date

from api.beneficiaries.models import Entitlement
from shared.cycle import local_date


def began_on(ent: Entitlement, time_zone: str) -> date:
    """The roster's ``entitled_since``, else the local date the entitlement row was created."""
    if ent.entitled_since is not None:
        return ent.entitled_since
    return local_date(ent.created_at, time_zone)
