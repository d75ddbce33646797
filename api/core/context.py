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
from api.core.errors import ApiError
from api.core.limiter import TokenBucketLimiter
from api.core.region_paths import RegionPaths
from api.core.settings import CertificationSettings, Settings
from api.core.storage import Storage, storage_for
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
    limiter: TokenBucketLimiter  # per client IP, for the public endpoints that look a person up
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
        engines=engines
        or (previous.engines if previous else EngineHolder.for_settings(settings)),
        limiter=previous.limiter
        if previous
        else TokenBucketLimiter(settings.status_rate_per_minute, settings.status_burst),
        storage=previous.storage if previous else storage_for(settings),
    )
    app.state.cert = ctx
    return ctx


def get_context(request: Request) -> CertContext:
    return request.app.state.cert


CertContextDep = Annotated[CertContext, Depends(get_context)]


def rate_limit(ctx: CertContextDep, ip: ClientIp) -> None:
    """429 when this client has sent too many identity lookups (the status lookup's limits)."""
    allowed, wait = ctx.limiter.allow(ip)
    if not allowed:
        raise ApiError(
            429,
            "rate_limited",
            f"Too many requests from this device. Please wait {wait} seconds and try again.",
            headers={"Retry-After": str(wait)},
            retry_after_seconds=wait,
        )


RateLimited = Depends(rate_limit)
