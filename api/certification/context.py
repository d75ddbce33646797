"""What the certification endpoints share, built once per application and kept on ``app.state.cert``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session, sessionmaker

from api.certification.engine import EngineHolder
from api.certification.recording import Rules
from api.certification.settings import CertSettings
from api.config import Settings
from api.deps import ClientIp
from api.errors import ApiError
from api.ratelimit import TokenBucketLimiter


@dataclass(frozen=True, slots=True)
class CertContext:
    settings: Settings
    cert: CertSettings
    rules: Rules
    sessions: sessionmaker[Session]
    engines: EngineHolder
    limiter: TokenBucketLimiter  # per client IP, for the public endpoints that look a person up


def configure(
    app: FastAPI, cert: CertSettings | None = None, engines: EngineHolder | None = None
) -> CertContext:
    """Build (or rebuild, in tests) the context; refuses fixed challenge actions outside test mode."""
    settings: Settings = app.state.settings
    cert = cert or CertSettings.from_env()
    cert.check_against(settings)
    previous: CertContext | None = getattr(app.state, "cert", None)
    ctx = CertContext(
        settings=settings,
        cert=cert,
        rules=Rules(
            policy=app.state.policy, region_paths=app.state.region_paths, secret_key=settings.secret_key
        ),
        sessions=app.state.sessionmaker,
        engines=engines or (previous.engines if previous else EngineHolder(cert.engine_workers)),
        limiter=previous.limiter
        if previous
        else TokenBucketLimiter(settings.status_rate_per_minute, settings.status_burst),
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
