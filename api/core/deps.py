"""Short dependency types for routers: ``SessionDep``, ``ConnectionDep``, ``SettingsDep``, ``ClientIp``,
``PolicyDep``, ``RegionPathsDep`` and ``agency_today``. Staff and helper sign-in (``CurrentStaff`` …) are in
``api/auth/deps.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from api.core.db import utcnow
from api.core.region_paths import RegionPaths
from api.core.settings import Settings
from shared.cycle import local_date
from shared.policy import PolicyTable


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; the handler commits what it changes, anything else is rolled back."""
    with request.app.state.sessionmaker() as session:
        try:
            yield session
        finally:
            session.rollback()


def get_connection(request: Request) -> Iterator[Connection]:
    """A plain connection for read-only Core queries (cheaper than a Session on hot paths)."""
    with request.app.state.engine.connect() as conn:
        yield conn


async def client_ip(request: Request) -> str:
    """The client's address (async: pure computation, so FastAPI need not hop to a worker thread)."""
    settings: Settings = request.app.state.settings
    if settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first[:64]
    return request.client.host if request.client else "unknown"


def get_policy(request: Request) -> PolicyTable:
    return request.app.state.policy


def get_region_paths(request: Request) -> RegionPaths:
    return request.app.state.region_paths


def agency_today() -> date:
    """Today in Beijing (the agency's calendar)."""
    return local_date(utcnow())


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
ConnectionDep = Annotated[Connection, Depends(get_connection)]
ClientIp = Annotated[str, Depends(client_ip)]
PolicyDep = Annotated[PolicyTable, Depends(get_policy)]
RegionPathsDep = Annotated[RegionPaths, Depends(get_region_paths)]
