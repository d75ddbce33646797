"""The FastAPI application: ``create_app(settings)`` builds one; ``api.main:app`` is the ASGI entry point."""

from __future__ import annotations

from contextlib import asynccontextmanager

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from api import errors
from api.config import Settings
from api.db import make_engine, make_sessionmaker
from api.deps import SessionDep
from api.limits import BodySizeLimit
from api.policy_loader import load_policy
from api.ratelimit import TokenBucketLimiter
from api.regions.service import RegionPaths
from api.status.fast import StatusFastPath
from api.status.router import router as status_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        engine.dispose()

    app = FastAPI(
        title="lifecert",
        summary="Benefit-eligibility certification (proof of life)",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.policy = load_policy(settings.policy_file)
    app.state.region_paths = RegionPaths()
    app.state.status_limiter = TokenBucketLimiter(settings.status_rate_per_minute, settings.status_burst)
    errors.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(StatusFastPath)  # outermost: the busiest endpoint skips the framework's layers

    @app.get("/healthz", tags=["health"])
    def healthz(session: SessionDep) -> JSONResponse:
        try:
            session.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return errors.error_response(503, "database_unavailable", "The database cannot be reached.")
        return JSONResponse({"status": "ok", "database": "ok"})

    app.include_router(status_router)
    _include_optional_routers(app)
    return app


def _include_optional_routers(app: FastAPI) -> None:
    """Routers of other domains register here as they land (certification API, back office)."""
    import importlib

    for module_name in ("api.routers", "api.backoffice_routers"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        module.include_all(app)


app = create_app()
