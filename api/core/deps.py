"""Short dependency types for routers: ``SessionDep``, ``ReadSessionDep`` (the standby when there is one),
``ConnectionDep``, ``SettingsDep``, ``ClientIp``,
``PolicyDep``, ``RegionPathsDep`` and ``agency_today``. Staff and helper sign-in (``CurrentStaff`` …) are in
``api/auth/deps.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.core.client_address import client_address
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


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for read-only work that tolerates a few seconds of staleness (statistics, lists): on the
    hot standby when one is configured and healthy, else the primary (api/core/replica.py). Never write
    through it: the standby refuses writes."""
    reads = request.app.state.reads
    engine = reads.engine()
    session = Session(bind=engine, expire_on_commit=False)
    try:
        if engine is not reads.primary:
            try:
                session.connection()  # checkout with pre-ping: a standby that went away fails here
                reads.served["standby"] += 1
            except SQLAlchemyError as exc:
                session.close()
                reads.mark_standby_failed(f"checkout failed: {type(exc).__name__}")
                session = Session(bind=reads.primary, expire_on_commit=False)
                reads.served["primary"] += 1
        else:
            reads.served["primary"] += 1
        yield session
    finally:
        session.rollback()
        session.close()


def get_connection(request: Request) -> Iterator[Connection]:
    """A plain connection for read-only Core queries (cheaper than a Session on hot paths)."""
    with request.app.state.engine.connect() as conn:
        yield conn


async def client_ip(request: Request) -> str:
    """The client's address: the peer, or the proxy chain's right-most untrusted hop when the peer is a
    trusted proxy (``LIFECERT_TRUSTED_PROXIES``). Async: pure computation, no worker-thread hop."""
    settings: Settings = request.app.state.settings
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.getlist("x-forwarded-for"), settings.trusted_proxies)


def get_policy(request: Request) -> PolicyTable:
    return request.app.state.policy


def get_region_paths(request: Request) -> RegionPaths:
    return request.app.state.region_paths


def agency_today() -> date:
    """Today in Beijing (the agency's calendar)."""
    return local_date(utcnow())


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]
ConnectionDep = Annotated[Connection, Depends(get_connection)]
ClientIp = Annotated[str, Depends(client_ip)]
PolicyDep = Annotated[PolicyTable, Depends(get_policy)]
RegionPathsDep = Annotated[RegionPaths, Depends(get_region_paths)]
