"""Routers of the domains beyond the foundation, included by api.main.create_app."""

from __future__ import annotations

from fastapi import FastAPI

from api.auth.router import router as auth_router
from api.certification.context import configure
from api.certification.family_router import router as family_router
from api.certification.onsite_router import router as onsite_router
from api.challenges.router import router as challenges_router
from api.receipts.router import router as receipts_router


def include_all(app: FastAPI) -> None:
    configure(app)
    for router in (challenges_router, receipts_router, auth_router, family_router, onsite_router):
        app.include_router(router)
