"""Routers of the back office (issue 6), included by api.main.create_app."""

from __future__ import annotations

from fastapi import FastAPI

from api.audit_viewer.router import router as audit_router
from api.comparison.router import router as mismatch_router
from api.cycle_jobs.router import router as cycle_router
from api.disclosure.router import router as disclosure_router
from api.institutions.router import router as institutions_router
from api.payments.router import router as payments_router
from api.spotchecks.router import router as spotchecks_router
from api.stats.router import router as stats_router


def include_all(app: FastAPI) -> None:
    for router in (
        stats_router,
        cycle_router,
        mismatch_router,
        audit_router,
        spotchecks_router,
        disclosure_router,
        institutions_router,
        payments_router,
    ):
        app.include_router(router)
