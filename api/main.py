"""The FastAPI application: ``create_app(settings)`` builds one; ``api.main:app`` is the ASGI entry point.

Every router is listed in ``ROUTERS``, in the order the OpenAPI document shows them; one lifespan starts the
face models loading (outside test mode) and disposes of the database engine at shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from api import audit
from api.audit_viewer.router import router as audit_router
from api.auth.demo_accounts import demo_accounts_present
from api.auth.router import router as auth_router
from api.cases.public_router import router as tipoffs_router
from api.cases.router import router as cases_router
from api.certification.attestation_router import router as attestation_router
from api.certification.documents_router import router as documents_router
from api.certification.family_router import router as family_router
from api.certification.onsite_router import router as onsite_router
from api.challenges.router import router as challenges_router
from api.comparison.feed_router import router as feed_router
from api.comparison.router import router as mismatch_router
from api.core import docs, errors
from api.core.body_limit import BodySizeLimit
from api.core.context import configure
from api.core.db import make_engine, make_sessionmaker
from api.core.edge import ControlCharacters
from api.core.idempotency import IdempotentPosts
from api.core.limiter import RateLimiter
from api.core.log_masking import install as mask_personal_data_in_logs
from api.core.region_paths import RegionPaths
from api.core.replica import ReadEngines
from api.core.settings import Environment, Settings
from api.core.workdays import load_calendar
from api.cycle_jobs.router import router as cycle_router
from api.death_reports.router import router as death_reports_router
from api.disclosure.router import router as disclosure_router
from api.health import router as health_router
from api.institutions.router import router as institutions_router
from api.payments.router import router as payments_router
from api.payroll.router import router as payroll_router
from api.policy_loader import load_policy
from api.preview.router import router as preview_router
from api.receipts.history import router as receipt_history_router
from api.receipts.page import router as receipt_page_router
from api.receipts.router import router as receipts_router
from api.receipts.scan import router as receipt_scan_router
from api.record_changes.router import router as record_changes_router
from api.recovery.router import router as recovery_router
from api.review.router import router as review_router
from api.spotchecks.router import router as spotchecks_router
from api.stats.router import router as stats_router
from api.status.fast import StatusFastPath
from api.status.router import router as status_router
from api.worklist.public_router import router as visit_requests_router
from api.worklist.router import router as worklist_router
from api.worklist.visits_router import router as visits_router

ROUTERS: tuple[APIRouter, ...] = (
    health_router,  # /healthz (liveness), /readyz (readiness)
    # citizens, family helpers and the public
    status_router,
    challenges_router,
    preview_router,
    receipts_router,
    receipt_page_router,
    receipt_scan_router,
    receipt_history_router,
    auth_router,
    family_router,
    documents_router,
    visit_requests_router,
    tipoffs_router,
    # staff: home visits, attestation, review
    worklist_router,
    visits_router,
    onsite_router,
    attestation_router,
    review_router,
    # back office
    stats_router,
    cycle_router,
    mismatch_router,
    audit_router,
    spotchecks_router,
    disclosure_router,
    institutions_router,
    payments_router,
    recovery_router,
    payroll_router,
    cases_router,
    # data sources (machine to machine, by API key)
    feed_router,
    record_changes_router,
    death_reports_router,
)


def standby_engine(settings: Settings) -> Engine | None:
    """The read-only engine on the standby, if one is configured: short connect timeout and a pre-ping, so a
    standby that went away is noticed at checkout and the read moves to the primary."""
    if not settings.database_read_url:
        return None
    return make_engine(
        settings.database_read_url,
        prepared_statements=settings.database_prepared_statements,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 3},
    )


def refuse_demo_accounts(sessions: sessionmaker[Session]) -> None:
    """Production never starts with the demo's staff accounts in its database."""
    with sessions() as session:
        found = demo_accounts_present(session)
    if found:
        raise RuntimeError(
            f"refusing to start in production: demo staff accounts exist ({', '.join(found)}); "
            "deactivate or delete them"
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    mask_personal_data_in_logs()  # ID numbers, phones, hashes never reach a log (tracebacks included)
    settings = settings or Settings()
    audit.use_key(settings.audit_key)  # the chains' HMAC key: from the settings, never the database
    engine = make_engine(settings.database_url, prepared_statements=settings.database_prepared_statements)
    reads = ReadEngines(
        engine,
        standby_engine(settings),
        max_lag_seconds=settings.database_read_max_lag_seconds,
        recheck_seconds=settings.database_read_recheck_seconds,
    )

    @asynccontextmanager
    async def lifespan(the_app: FastAPI) -> AsyncIterator[None]:
        if settings.is_production:
            refuse_demo_accounts(the_app.state.sessionmaker)
        if settings.env is not Environment.TEST:
            # Start loading the face models without holding up start-up (tests load them lazily, once per
            # session); the first certification waits for them.
            the_app.state.cert.engines.warm_in_background()
        yield
        reads.dispose()
        engine.dispose()

    common: dict[str, Any] = {
        "title": "lifecert",
        "summary": "Benefit-eligibility certification (proof of life)",
        "version": "0.1.0",
        "lifespan": lifespan,
    }
    if settings.docs_enabled:
        # /docs and /redoc load Swagger UI and ReDoc from this service (/static-offline-docs), not from a CDN
        app: FastAPI = FastAPIOffline(
            redoc_url=None,  # api.core.docs adds a /redoc without the Redocly logo from its CDN
            swagger_ui_parameters=docs.SWAGGER_PARAMETERS,
            **common,
        )
    else:  # production: no /docs, /redoc or /openapi.json unless LIFECERT_API_DOCS=true
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, **common)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.reads = reads
    app.state.policy = load_policy(settings.policy_file)
    app.state.calendar = load_calendar(settings.calendar_file)  # a broken calendar file stops the start
    app.state.region_paths = RegionPaths()
    app.state.limiter = RateLimiter(settings.limits, secret_key=settings.secret_key)
    configure(app)
    errors.install(app)
    if settings.docs_enabled:
        docs.install(app)
    # a POST with an Idempotency-Key runs at most once; a retry gets the stored answer
    app.add_middleware(IdempotentPosts, lease_seconds=settings.certification.claim_lease_seconds)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(ControlCharacters)  # a NUL in a path or query parameter is a 422, not a driver error
    app.add_middleware(StatusFastPath)  # outermost: the busiest endpoint skips the framework's layers

    for router in ROUTERS:
        app.include_router(router)
    return app


app = create_app()
