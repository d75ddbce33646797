"""The only module of the client that talks HTTP: typed calls to the lifecert API (``shared/schemas.py``).

* Every call has a timeout. A request that never reached the server (connection refused, connect
  timeout) is retried with a short back-off. Any other network failure (a reset, a read timeout: the
  server may have acted) is retried only when repeating the request is safe: reads, look-ups marked
  ``safe``, and every POST that creates something — those carry an ``Idempotency-Key``, the same on every
  attempt, and the server answers a repeated key with its first answer (``api/core/idempotency.py``).
* Any non-2xx answer becomes an :class:`ApiError` carrying the server's ``error`` code and ``message``
  (the ``ErrorResponse`` body); a network failure that outlasts the retries becomes a
  :class:`NetworkError` (code ``network``), which the screens show as "not submitted yet".
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import NoReturn, Self, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.case_schemas import TipoffCreate, TipoffLookup, TipoffReceipt, TipoffStatus
from shared.i18n.errors import error_text
from shared.preview import PreviewResult
from shared.receipt_history import ReceiptHistory
from shared.schemas import (
    BindRequest,
    ChallengeRequest,
    ChallengeResponse,
    ErrorDetail,
    ErrorResponse,
    FramesResult,
    HelperPublic,
    HelperRegisterRequest,
    LoginRequest,
    OfficeContact,
    RelativePublic,
    ReviewStatusPublic,
    StatusRequest,
    StatusResponse,
    TokenResponse,
)
from shared.worklist_schemas import RelativeVisitRequestCreate, VisitRequestAck, VisitRequestCreate

_RELATIVES = TypeAdapter(list[RelativePublic])

__all__ = ["ApiClient", "ApiError", "Frame", "NetworkError", "new_idempotency_key"]

ProgressCallback = Callable[[int, int], None]  # (bytes sent, bytes in total)
UPLOAD_CHUNK = 16 * 1024

M = TypeVar("M", bound=BaseModel)

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Failures that prove the request never left this device: retrying them cannot repeat anything.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class ApiError(Exception):
    """The API answered with an error (or not at all: see :class:`NetworkError`)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        retry_after_seconds: int | None = None,
        details: tuple[ErrorDetail, ...] = (),
        params: dict[str, str | int | float] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message  # the server's English sentence: logs only, screens use text()
        self.retry_after_seconds = retry_after_seconds
        self.details = details
        self.params = dict(params or {})

    def text(self, t: Callable[[str], str]) -> str:
        """What to show: the catalog text of the code with its params (never the server's sentence)."""
        return error_text(t, self.code, status=self.status, params=self.params, details=self.details)

    @classmethod
    def from_body(cls, status: int, body: ErrorResponse) -> ApiError:
        return cls(
            status, body.error, body.message, body.retry_after_seconds, tuple(body.details), body.params
        )


class NetworkError(ApiError):
    """No answer from the server after all retries: nothing is known to have been submitted."""

    def __init__(self, message: str) -> None:
        super().__init__(0, "network", message)


@dataclass(frozen=True)
class Frame:
    """One captured JPEG picture and when it was taken (ms since the first frame of the capture)."""

    data: bytes
    t_ms: int


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class ApiClient:
    """Async client for one API base URL, e.g. ``ApiClient("http://127.0.0.1:8000")``.

    ``transport`` lets tests run the real FastAPI app in-process (``httpx.ASGITransport``).
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retries: int = 2,
        backoff_seconds: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json"},
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- endpoints -------------------------------------------------------------------------------------
    async def status(self, request: StatusRequest) -> StatusResponse:
        """``POST /api/v1/status``: masked identity and the state of each entitlement."""
        return await self._send(
            "POST", "/api/v1/status", StatusResponse, json=request.model_dump(mode="json"), safe=True
        )

    async def office(self, region: str | None) -> OfficeContact:
        """``GET /api/v1/office``: the number to call for ``region`` (e.g. an ID number's first 6 digits)."""
        query = f"?region={region}" if region else ""
        return await self._send("GET", "/api/v1/office" + query, OfficeContact)

    async def receipt_history(self, request: StatusRequest) -> ReceiptHistory:
        """``POST /api/v1/receipts/history``: the person's last receipts kept by the service (masked)."""
        return await self._send(
            "POST",
            "/api/v1/receipts/history",
            ReceiptHistory,
            json=request.model_dump(mode="json"),
            safe=True,
        )

    # --- tip-offs (no sign-in) ------------------------------------------------------------------------
    async def submit_tipoff(self, request: TipoffCreate) -> TipoffReceipt:
        """``POST /api/v1/tipoffs``: the reference and the one-time lookup code. Not repeated after a lost
        answer (no Idempotency-Key: a stored answer would keep the lookup code in clear)."""
        return await self._send(
            "POST", "/api/v1/tipoffs", TipoffReceipt, json=request.model_dump(mode="json")
        )

    async def lookup_tipoff(self, request: TipoffLookup) -> TipoffStatus:
        """``POST /api/v1/tipoffs/lookup``: the state and outcome category only."""
        return await self._send(
            "POST", "/api/v1/tipoffs/lookup", TipoffStatus, json=request.model_dump(mode="json"), safe=True
        )

    # --- family helpers (bearer token) ---------------------------------------------------------------
    @property
    def signed_in(self) -> bool:
        return "Authorization" in self._http.headers

    def sign_out(self) -> None:
        self._http.headers.pop("Authorization", None)

    def use_token(self, token: str) -> None:
        """Carry ``token`` on every later call (a staff member's token for the frames of an on-site
        challenge: the API accepts them only from the account that started the challenge)."""
        self._http.headers["Authorization"] = f"Bearer {token}"

    async def register_helper(self, request: HelperRegisterRequest) -> HelperPublic:
        """``POST /api/v1/helpers``: a family helper account (ID number, name, phone, password)."""
        return await self._send(
            "POST",
            "/api/v1/helpers",
            HelperPublic,
            json=request.model_dump(mode="json"),
            idempotency_key=new_idempotency_key(),
        )

    async def login_helper(self, request: LoginRequest) -> TokenResponse:
        """``POST /api/v1/auth/helper/login``; later calls of this client carry the token."""
        token = await self._send(
            "POST",
            "/api/v1/auth/helper/login",
            TokenResponse,
            json=request.model_dump(mode="json"),
            safe=True,
        )
        self._http.headers["Authorization"] = f"Bearer {token.access_token}"
        return token

    async def relatives(self) -> list[RelativePublic]:
        """``GET /api/v1/family/relatives``: the relatives this helper has bound."""
        return await self._send("GET", "/api/v1/family/relatives", _RELATIVES)

    async def start_binding(self, request: BindRequest) -> ChallengeResponse:
        """``POST /api/v1/family/relatives``: the relative passes this challenge to be bound (and
        certified)."""
        return await self._send(
            "POST",
            "/api/v1/family/relatives",
            ChallengeResponse,
            json=request.model_dump(mode="json"),
            idempotency_key=new_idempotency_key(),
        )

    async def start_family_challenge(self, binding_id: int) -> ChallengeResponse:
        """``POST /api/v1/family/relatives/{id}/challenges``: certify a bound relative."""
        return await self._send(
            "POST",
            f"/api/v1/family/relatives/{binding_id}/challenges",
            ChallengeResponse,
            idempotency_key=new_idempotency_key(),
        )

    # --- home visits ------------------------------------------------------------------------------------
    async def request_visit(self, request: VisitRequestCreate, *, idempotency_key: str) -> VisitRequestAck:
        """``POST /api/v1/visit-requests``: ask for a home visit; a retry with the key gets the same request,
        and a person with an open request gets that one (``created`` false)."""
        return await self._send(
            "POST",
            "/api/v1/visit-requests",
            VisitRequestAck,
            json=request.model_dump(mode="json"),
            idempotency_key=idempotency_key,
        )

    async def request_relative_visit(
        self, binding_id: int, request: RelativeVisitRequestCreate, *, idempotency_key: str
    ) -> VisitRequestAck:
        """``POST /api/v1/family/relatives/{id}/visit-requests``: a helper asks for a bound relative."""
        path = f"/api/v1/family/relatives/{binding_id}/visit-requests"
        return await self._send(
            "POST",
            path,
            VisitRequestAck,
            json=request.model_dump(mode="json"),
            idempotency_key=idempotency_key,
        )

    async def create_challenge(self, request: ChallengeRequest) -> ChallengeResponse:
        """``POST /api/v1/challenges``: the actions to perform (in order) and the limits of the upload."""
        return await self._send(
            "POST",
            "/api/v1/challenges",
            ChallengeResponse,
            json=request.model_dump(mode="json"),
            idempotency_key=new_idempotency_key(),
        )

    async def submit_frames(
        self,
        challenge_id: str,
        frames: Sequence[Frame],
        *,
        idempotency_key: str,
        consent: bool = True,
        on_progress: ProgressCallback | None = None,
    ) -> FramesResult:
        """``POST /api/v1/challenges/{id}/frames`` (multipart JPEGs + capture times).

        Retries after a network failure resend the same body with the same ``idempotency_key``: the server
        answers a repeated key with the first answer instead of deciding twice.
        """
        files = [("frames", (f"f{i:02d}.jpg", f.data, "image/jpeg")) for i, f in enumerate(frames)]
        data = {"times_ms": ",".join(str(f.t_ms) for f in frames), "consent": "true" if consent else "false"}
        encoded = httpx.Request("POST", self.base_url, data=data, files=files)
        body = encoded.read()
        return await self._send(
            "POST",
            f"/api/v1/challenges/{challenge_id}/frames",
            FramesResult,
            body=body,
            content_type=encoded.headers["Content-Type"],
            idempotency_key=idempotency_key,
            on_progress=on_progress,
        )

    async def preview(self, challenge_id: str, picture: bytes) -> PreviewResult:
        """``POST /api/v1/challenges/{id}/preview`` (one JPEG): the quality gate's hint for this picture.

        One attempt only: the next picture follows within a second anyway.
        """
        return await self._send(
            "POST",
            f"/api/v1/challenges/{challenge_id}/preview",
            PreviewResult,
            body=picture,
            content_type="image/jpeg",
            retries=0,
        )

    async def submit_documents(
        self,
        *,
        overseas: bool,
        id_number: str,
        name: str,
        files: Sequence[tuple[str, bytes, str]],
        note: str | None = None,
        on_progress: ProgressCallback | None = None,
        idempotency_key: str | None = None,
    ) -> ReviewStatusPublic:
        """Documents for an officer: the consulate form of a resident abroad (``/overseas/submissions``)
        or evidence after failed face checks (``/manual-review``); ``files`` are (name, bytes, MIME type).
        Pass the same ``idempotency_key`` when the person sends the same documents again after a network
        failure, so the officer gets them once."""
        path, field = (
            ("/api/v1/overseas/submissions", "documents") if overseas else ("/api/v1/manual-review", "files")
        )
        data = {"id_number": id_number, "name": name} | ({"note": note} if note else {})
        encoded = httpx.Request(
            "POST", self.base_url, data=data, files=[(field, (n, b, mime)) for n, b, mime in files]
        )
        return await self._send(
            "POST",
            path,
            ReviewStatusPublic,
            body=encoded.read(),
            content_type=encoded.headers["Content-Type"],
            on_progress=on_progress,
            idempotency_key=idempotency_key or new_idempotency_key(),
        )

    async def receipt_qr_png(self, token: str) -> bytes:
        """``POST /api/v1/receipts/qr``: the receipt's QR code as PNG (the token goes in the body, never in
        a URL that access logs would keep)."""
        return await self.fetch_bytes("/api/v1/receipts/qr", json={"token": token, "format": "png"})

    async def fetch_bytes(self, path_or_url: str, *, json: object | None = None) -> bytes:
        """A binary resource of the API: GET, or POST with ``json`` (safe to repeat: it changes nothing)."""
        last_error: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))
            try:
                if json is None:
                    response = await self._http.get(path_or_url)
                else:
                    response = await self._http.post(path_or_url, json=json)
            except httpx.TransportError as exc:
                last_error = exc
                continue
            if response.is_success:
                return response.content
            _raise_error(response)
        raise NetworkError(f"{type(last_error).__name__}: {last_error}")

    # --- plumbing -------------------------------------------------------------------------------------
    async def _send(
        self,
        method: str,
        path: str,
        model: type[M] | TypeAdapter,
        *,
        json: object | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        idempotency_key: str | None = None,
        on_progress: ProgressCallback | None = None,
        retries: int | None = None,
        safe: bool = False,
    ) -> M:
        """One request; see the module docstring for when a failure is retried (``safe``: repeating this
        request changes nothing on the server, e.g. a look-up sent as POST)."""
        repeatable = method in {"GET", "HEAD"} or safe or idempotency_key is not None
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        if body is not None:
            headers |= {
                "Content-Type": content_type or "application/octet-stream",
                "Content-Length": str(len(body)),
            }
        last_error: Exception | None = None
        for attempt in range((self.retries if retries is None else retries) + 1):
            if attempt:
                await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))
            content = None if body is None else _chunks(body, on_progress)
            try:
                response = await self._http.request(method, path, json=json, content=content, headers=headers)
            except httpx.TransportError as exc:  # connect/read/write errors and timeouts
                last_error = exc
                if isinstance(exc, NOT_SENT) or repeatable:
                    continue
                break  # the server may have acted: repeating could do it twice
            return _parse(response, model)
        raise NetworkError(f"{type(last_error).__name__}: {last_error}")


async def _chunks(body: bytes, on_progress: ProgressCallback | None) -> AsyncIterator[bytes]:
    """The body in chunks, reporting progress after each (an upload of a few hundred KB on a slow line)."""
    total = len(body)
    for start in range(0, total, UPLOAD_CHUNK):
        chunk = body[start : start + UPLOAD_CHUNK]
        yield chunk
        if on_progress is not None:
            on_progress(start + len(chunk), total)


def _parse(response: httpx.Response, model: type[M] | TypeAdapter) -> M:
    if response.is_success:
        try:
            if isinstance(model, TypeAdapter):
                return model.validate_json(response.content)
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise ApiError(
                response.status_code, "bad_response", f"unexpected answer from the server: {exc}"
            ) from None
    _raise_error(response)


def _raise_error(response: httpx.Response) -> NoReturn:
    try:
        body = ErrorResponse.model_validate_json(response.content)
    except ValidationError:
        code = "server_error" if response.status_code >= 500 else f"http_{response.status_code}"
        raise ApiError(response.status_code, code, response.text[:300] or response.reason_phrase) from None
    raise ApiError.from_body(response.status_code, body)
