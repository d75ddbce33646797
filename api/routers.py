"""Routers of the domains beyond the foundation, included by api.main.create_app."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.auth.router import router as auth_router
from api.certification.attestation_router import router as attestation_router
from api.certification.context import configure
from api.certification.documents_router import router as documents_router
from api.certification.family_router import router as family_router
from api.certification.onsite_router import router as onsite_router
from api.challenges.router import router as challenges_router
from api.config import Environment
from api.preview.router import router as preview_router
from api.receipts.history import router as receipt_history_router
from api.receipts.router import router as receipts_router
from api.review.router import router as review_router

ROUTERS = (
    challenges_router,
    preview_router,
    receipts_router,
    receipt_history_router,
    auth_router,
    family_router,
    onsite_router,
    attestation_router,
    documents_router,
    review_router,
)


def include_all(app: FastAPI) -> None:
    configure(app)
    _warm_face_engine_at_startup(app)
    for router in ROUTERS:
        app.include_router(router)


def _warm_face_engine_at_startup(app: FastAPI) -> None:
    """Outside test mode, start loading the face models when the app starts (tests load them lazily,
    once per session). Wraps the app's lifespan rather than editing it."""
    if app.state.settings.env is Environment.TEST:
        return
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(the_app: FastAPI):
        the_app.state.cert.engines.warm_in_background()
        async with inner(the_app) as state:
            yield state

    app.router.lifespan_context = lifespan
