"""HTTP client of the staff console: sign-in, review queue, monthly run, statistics, feed mismatches,
spot checks and the audit viewer.

Built on the same conventions as :mod:`app.common.api_client` (typed by shared schemas, 4xx → ``ApiError``
with the server's message, network failure → ``NetworkError``); every call after sign-in carries the
bearer token. Part of the staff app only: the citizens' build never carries staff endpoints.
"""

from __future__ import annotations

from typing import TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from app.common.api_client import ApiClient, ApiError, NetworkError
from shared.backoffice_schemas import (
    AuditPage,
    CycleRunRequest,
    CycleRunResult,
    FeedMismatchPublic,
    MismatchDecision,
    SpotCheckCreate,
    SpotCheckPublic,
    SpotOutcomeCreate,
    StatsOverview,
)
from shared.schemas import (
    ErrorResponse,
    LoginRequest,
    ReviewDecision,
    ReviewItemPublic,
    ReviewPage,
    StaffPublic,
    TokenResponse,
)

M = TypeVar("M")  # a response model, or a list of them


class ConsoleClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.token = token
        self.base_url = base_url.rstrip("/")
        self._transport = transport
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json"},
        )

    def face_api(self) -> ApiClient:
        """The citizens' API client on the same server, carrying this staff member's token: the capture flow
        uploads an on-site challenge's frames with it (the API takes them only from the account that started
        the challenge). The caller closes it."""
        api = ApiClient(self.base_url, transport=self._transport)
        if self.token:
            api.use_token(self.token)
        return api

    async def aclose(self) -> None:
        await self._http.aclose()

    async def login(self, username: str, password: str) -> StaffPublic:
        """Sign in; keeps the token for the next calls and returns who signed in."""
        body = LoginRequest(username=username, password=password).model_dump(mode="json")
        token = await self.send("POST", "/api/v1/auth/staff/login", TokenResponse, json=body, auth=False)
        self.token = token.access_token
        return await self.send("GET", "/api/v1/staff/me", StaffPublic)

    async def logout(self) -> bool:
        """Sign out on the server (this token and every other of the account stop working); True when the
        server confirmed. Never raises: signing out locally must not depend on the network."""
        if not self.token:
            return False
        try:
            response = await self._http.post(
                "/api/v1/auth/logout", headers={"Authorization": f"Bearer {self.token}"}
            )
        except httpx.TransportError:
            return False
        finally:
            self.token = None
        return response.status_code == 204

    async def review_items(self) -> ReviewPage:
        return await self.send("GET", "/api/v1/review/items", ReviewPage)

    async def decide(self, review_id: str, *, approve: bool, reason: str) -> ReviewItemPublic:
        body = ReviewDecision(approve=approve, reason=reason).model_dump(mode="json")
        return await self.send(
            "POST", f"/api/v1/review/items/{review_id}/decision", ReviewItemPublic, json=body
        )

    async def run_month(self, month: str) -> CycleRunResult:
        body = CycleRunRequest(month=month).model_dump(mode="json")
        return await self.send("POST", "/api/v1/backoffice/cycle/run", CycleRunResult, json=body)

    async def stats(self, as_of: str | None = None) -> StatsOverview:
        params = {"as_of": as_of} if as_of else None
        return await self.send("GET", "/api/v1/backoffice/stats", StatsOverview, params=params)

    async def feed_mismatches(self) -> list[FeedMismatchPublic]:
        return await self.send("GET", "/api/v1/backoffice/feed-mismatches", list[FeedMismatchPublic])

    async def decide_mismatch(self, item_id: int, *, apply: bool, reason: str) -> FeedMismatchPublic:
        body = MismatchDecision(apply=apply, reason=reason).model_dump(mode="json")
        return await self.send(
            "POST", f"/api/v1/backoffice/feed-mismatches/{item_id}/decision", FeedMismatchPublic, json=body
        )

    async def draw_spot_check(self, spec: SpotCheckCreate) -> SpotCheckPublic:
        return await self.send(
            "POST", "/api/v1/backoffice/spot-checks", SpotCheckPublic, json=spec.model_dump(mode="json")
        )

    async def spot_check(self, check_id: int) -> SpotCheckPublic:
        return await self.send("GET", f"/api/v1/backoffice/spot-checks/{check_id}", SpotCheckPublic)

    async def spot_outcome(
        self, check_id: int, item_id: int, *, outcome: str, note: str | None
    ) -> SpotCheckPublic:
        body = SpotOutcomeCreate(outcome=outcome, note=note).model_dump(mode="json")
        return await self.send(
            "POST",
            f"/api/v1/backoffice/spot-checks/{check_id}/items/{item_id}/outcome",
            SpotCheckPublic,
            json=body,
        )

    async def audit(
        self, *, id_number: str = "", actor: str = "", date_from: str = "", date_to: str = ""
    ) -> AuditPage:
        params = {
            k: v
            for k, v in (
                ("id_number", id_number),
                ("actor", actor),
                ("date_from", date_from),
                ("date_to", date_to),
            )
            if v
        }
        return await self.send("GET", "/api/v1/backoffice/audit", AuditPage, params=params)

    async def send(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        json: object | None = None,
        params: dict[str, str] | None = None,
        data: dict[str, str] | None = None,
        files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
        timeout: float | None = None,
        auth: bool = True,
    ) -> M:
        """One call, typed by ``model`` (a JSON body, query parameters, or a multipart form of ``data``
        and ``files``); 4xx/5xx → ``ApiError`` with the server's code and message, no answer →
        ``NetworkError``."""
        headers = {"Authorization": f"Bearer {self.token}"} if auth and self.token else {}
        try:
            response = await self._http.request(
                method,
                path,
                json=json,
                params=params,
                data=data,
                files=files,
                headers=headers,
                timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
            )
        except httpx.TransportError as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}") from None
        if response.is_success:
            try:
                return TypeAdapter(model).validate_json(response.content)
            except ValidationError as exc:
                raise ApiError(response.status_code, "bad_response", f"unexpected answer: {exc}") from None
        try:
            err = ErrorResponse.model_validate_json(response.content)
        except ValidationError:
            raise ApiError(
                response.status_code, f"http_{response.status_code}", response.text[:300]
            ) from None
        raise ApiError.from_body(response.status_code, err)

    @property
    def http(self) -> httpx.AsyncClient:
        """This session's connection to the API (``app.staff.case_client`` sends the case calls through
        it)."""
        return self._http
