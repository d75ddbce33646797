"""What the certification endpoints share, built once per application and kept on ``app.state.cert``:
settings, the agency policy and region paths (``Rules``), sessions, the face engines and the limiter for
public lookups of a person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session, sessionmaker

from api.core.deps import ClientIp
from api.core.engines import EngineHolder
from api.core.limiter import Budget, RateLimiter
from api.core.region_paths import RegionPaths
from api.core.settings import CertificationSettings, Settings
from api.core.storage import Storage, storage_for
from shared.idnumber import IdNumberError, parse_id_number
from shared.policy import PolicyTable


@dataclass(frozen=True, slots=True)
class Rules:
    """What recording needs from the application: the policy table, region paths and the signing key."""

    policy: PolicyTable
    region_paths: RegionPaths
    secret_key: str


@dataclass(frozen=True, slots=True)
class CertContext:
    settings: Settings
    cert: CertificationSettings  # settings.certification
    rules: Rules
    sessions: sessionmaker[Session]
    engines: EngineHolder
    limiter: RateLimiter  # the application's one limiter (app.state.limiter)
    storage: Storage  # evidence files and kept frames (local directory or S3; biometric objects sealed)


def configure(
    app: FastAPI, cert: CertificationSettings | None = None, engines: EngineHolder | None = None
) -> CertContext:
    """Build (or rebuild, in tests, with other certification settings) the context."""
    settings: Settings = app.state.settings
    if cert is not None:
        # validated again as a whole: fixed challenge actions stay refused outside test mode
        settings = Settings.model_validate({**settings.model_dump(), "certification": cert.model_dump()})
        app.state.settings = settings
    previous: CertContext | None = getattr(app.state, "cert", None)
    ctx = CertContext(
        settings=settings,
        cert=settings.certification,
        rules=Rules(
            policy=app.state.policy, region_paths=app.state.region_paths, secret_key=settings.secret_key
        ),
        sessions=app.state.sessionmaker,
        engines=engines or (previous.engines if previous else EngineHolder.for_settings(settings)),
        limiter=app.state.limiter,
        storage=previous.storage if previous else storage_for(settings),
    )
    app.state.cert = ctx
    return ctx


def get_context(request: Request) -> CertContext:
    return request.app.state.cert


CertContextDep = Annotated[CertContext, Depends(get_context)]


def rate_limit(ctx: CertContextDep, ip: ClientIp) -> None:
    """Count one public lookup of a person against this client's budget (429 over it; 503 when the
    limiter's storage is down). Sync: with Redis the round trip runs in a worker thread."""
    ctx.limiter.charge(Budget.PERSON_LOOKUP, ip)


RateLimited = Depends(rate_limit)


def charge_person(ctx: CertContext, id_number: str) -> None:
    """Count one lookup against the looked-up person's budget (whoever asks, found or not: guessing a
    person's name from many addresses is limited too). An invalid ID number is not counted (422 follows)."""
    try:
        number = parse_id_number(id_number).number
    except IdNumberError:
        return
    ctx.limiter.charge(Budget.PERSON_LOOKUP_PER_PERSON, ctx.limiter.person_key(number))
