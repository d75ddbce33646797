"""Dependencies the back-office routers share: the agency policy and the region-path cache."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from api.regions.service import RegionPaths
from shared.cycle import local_date
from shared.policy import PolicyTable


def get_policy(request: Request) -> PolicyTable:
    return request.app.state.policy


def get_region_paths(request: Request) -> RegionPaths:
    return request.app.state.region_paths


def agency_today() -> date:
    """Today in Beijing (the agency's calendar)."""
    from api.db import utcnow

    return local_date(utcnow())


PolicyDep = Annotated[PolicyTable, Depends(get_policy)]
RegionPathsDep = Annotated[RegionPaths, Depends(get_region_paths)]
