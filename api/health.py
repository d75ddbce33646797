"""Liveness and readiness, kept apart as orchestrators expect.

* ``GET /healthz`` — liveness: the process answers. No database call: a database outage must not make an
  orchestrator restart every replica (restarting cannot fix the database).
* ``GET /readyz`` — readiness: this replica can do its work now — the database answers, the face models are
  loaded (outside test mode, where they load lazily) and the object storage answers (the data directory is
  writable, or the S3 bucket answers). 503 with
  ``Retry-After`` and the failing parts otherwise, so a load balancer sends the traffic elsewhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.core import errors
from api.core.deps import SessionDep
from api.core.settings import Environment, Settings
from shared.schemas import ErrorDetail

router = APIRouter(tags=["health"])
RETRY_AFTER_SECONDS = 5


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


def _database_ok(session: SessionDep) -> bool:
    try:
        session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return False
    return True


def _storage_ok(request: Request) -> bool:
    """The configured object storage answers (api/core/storage.py: the data directory is writable, or the
    S3 bucket answers)."""
    return bool(request.app.state.cert.storage.ready())


def _models_state(request: Request, settings: Settings) -> str:
    if request.app.state.cert.engines.loaded:
        return "ok"
    return "lazy" if settings.env is Environment.TEST else "loading"


@router.get("/readyz")
def readyz(request: Request, session: SessionDep) -> JSONResponse:
    settings: Settings = request.app.state.settings
    parts = {
        "database": "ok" if _database_ok(session) else "unavailable",
        "models": _models_state(request, settings),
        "storage": "ok" if _storage_ok(request) else "unavailable",
    }
    failing = sorted(name for name, state in parts.items() if state not in ("ok", "lazy"))
    if failing:
        return errors.error_response(
            503,
            "not_ready",
            f"Not ready: {', '.join(failing)}.",
            details=[ErrorDetail(field=n, code=parts[n], message=f"{n}: {parts[n]}") for n in failing],
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            retry_after_seconds=RETRY_AFTER_SECONDS,
        )
    return JSONResponse({"status": "ok", **parts})
