"""/docs and /redoc with every asset served by this service (no CDN): the app is a ``FastAPIOffline``
(Swagger UI and ReDoc from the fastapi-offline package, under /static-offline-docs); this adds a /redoc
whose ReDoc script has its one remote address — the Redocly logo (cdn.redoc.ly) — replaced by an inline
picture, and turns Swagger UI's online validator badge off."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse, Response

STATIC = Path(fastapi_offline.__file__).parent / "static"
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
BLANK_SVG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"
REDOC_JS = "/docs-assets/redoc.standalone.js"
SWAGGER_PARAMETERS = {"validatorUrl": None}  # Swagger UI would ask validator.swagger.io about the schema


@cache
def redoc_script() -> bytes:
    return (STATIC / "redoc.standalone.js").read_bytes().replace(REDOC_LOGO.encode(), BLANK_SVG.encode())


def install(app: FastAPI) -> None:
    """Add /redoc (create the app with ``FastAPIOffline(redoc_url=None, …)``)."""

    @app.get(REDOC_JS, include_in_schema=False)
    def redoc_js() -> Response:
        return Response(redoc_script(), media_type="text/javascript")

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{REDOC_JS}",
            redoc_favicon_url=f"{root}/static-offline-docs/favicon.png",
            with_google_fonts=False,
        )
