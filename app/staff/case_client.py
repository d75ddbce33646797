"""HTTP calls of the case screens: attestations (open, add evidence, sign, the lists "waiting for my
signature" and "opened by me") and one review item with its evidence files.

Sent through the signed-in :class:`~app.staff.console_client.ConsoleClient`'s connection with its bearer
token; typed by the shared schemas; a 4xx/5xx becomes ``ApiError`` with the server's code and message, no
answer ``NetworkError``. Every POST that creates something carries an ``Idempotency-Key``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from app.common.api_client import ApiError, NetworkError, new_idempotency_key
from app.staff.console_client import ConsoleClient
from shared.schemas import (
    AttestationCreate,
    AttestationPublic,
    ErrorResponse,
    ReviewItemPublic,
    SignoffCreate,
)

T = TypeVar("T")
UploadFile = tuple[str, bytes, str]  # (file name, content, MIME type)
EVIDENCE_TIMEOUT = 120.0  # a few photos or a short video on a slow line


class CaseClient:
    def __init__(self, console: ConsoleClient) -> None:
        self._console = console

    # --- attestations ----------------------------------------------------------------------------------
    async def open_attestation(self, body: AttestationCreate) -> AttestationPublic:
        return await self._send(
            "POST",
            "/api/v1/attestations",
            AttestationPublic,
            json=body.model_dump(mode="json", exclude_none=True),
            key=True,
        )

    async def attestation(self, attestation_id: int) -> AttestationPublic:
        return await self._send("GET", f"/api/v1/attestations/{attestation_id}", AttestationPublic)

    async def add_evidence(
        self, attestation_id: int, files: Sequence[UploadFile], *, taken_on: date
    ) -> AttestationPublic:
        return await self._send(
            "POST",
            f"/api/v1/attestations/{attestation_id}/evidence",
            AttestationPublic,
            data={"taken_on": taken_on.isoformat()},
            files=[("files", f) for f in files],
            key=True,
            timeout=EVIDENCE_TIMEOUT,
        )

    async def sign(self, attestation_id: int, *, level: str | None) -> AttestationPublic:
        """The signed-in account signs the next level; ``level`` (the one shown) must still be the next."""
        return await self._send(
            "POST",
            f"/api/v1/attestations/{attestation_id}/signoffs",
            AttestationPublic,
            json=SignoffCreate(level=level).model_dump(mode="json"),
            key=True,
        )

    async def awaiting_me(self) -> list[AttestationPublic]:
        return await self._send(
            "GET", "/api/v1/attestations", list[AttestationPublic], params={"awaiting": "me"}
        )

    async def opened_by_me(self) -> list[AttestationPublic]:
        return await self._send(
            "GET", "/api/v1/attestations", list[AttestationPublic], params={"opened_by": "me"}
        )

    # --- review items ----------------------------------------------------------------------------------
    async def review_item(self, review_id: str) -> ReviewItemPublic:
        """The item with its evidence (and whether I opened each file), history and what blocks approval."""
        return await self._send("GET", f"/api/v1/review/items/{review_id}", ReviewItemPublic)

    async def evidence(self, review_id: str, evidence_id: int) -> bytes:
        """One evidence file's content; the API records that I opened it."""
        response = await self._request(
            "GET", f"/api/v1/review/items/{review_id}/evidence/{evidence_id}", timeout=EVIDENCE_TIMEOUT
        )
        return response.content

    # --- plumbing --------------------------------------------------------------------------------------
    async def _send(
        self, method: str, path: str, model: type[T] | Any, *, key: bool = False, **kwargs: Any
    ) -> T:
        response = await self._request(method, path, key=key, **kwargs)
        try:
            return TypeAdapter(model).validate_json(response.content)
        except ValidationError as exc:
            raise ApiError(response.status_code, "bad_response", f"unexpected answer: {exc}") from None

    async def _request(
        self, method: str, path: str, *, key: bool = False, timeout: float | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._console.token}"} if self._console.token else {}
        if key:
            headers["Idempotency-Key"] = new_idempotency_key()
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            response = await self._console.http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}") from None
        if response.is_success:
            return response
        try:
            err = ErrorResponse.model_validate_json(response.content)
        except ValidationError:
            code = "server_error" if response.status_code >= 500 else f"http_{response.status_code}"
            raise ApiError(response.status_code, code, response.text[:300]) from None
        raise ApiError.from_body(response.status_code, err)
