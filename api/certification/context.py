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


@dataclass(frozen=True, slots=True)
class CertContext:
    settings: Settings
    cert: CertSettings
    rules: Rules
    sessions: sessionmaker[Session]
    engines: EngineHolder


def configure(app: FastAPI, cert: CertSettings | None = None, engines: EngineHolder | None = None) -> CertContext:
    """Build (or rebuild, in tests) the context; refuses fixed challenge actions outside test mode."""
    settings: Settings = app.state.settings
    cert = cert or CertSettings.from_env()
    cert.check_against(settings)
    previous: CertContext | None = getattr(app.state, "cert", None)
    ctx = CertContext(
        settings=settings,
        cert=cert,
        rules=Rules(policy=app.state.policy, region_paths=app.state.region_paths, secret_key=settings.secret_key),
        sessions=app.state.sessionmaker,
        engines=engines or (previous.engines if previous else EngineHolder(cert.engine_workers)),
    )
    app.state.cert = ctx
    return ctx


def get_context(request: Request) -> CertContext:
    return request.app.state.cert


CertContextDep = Annotated[CertContext, Depends(get_context)]
