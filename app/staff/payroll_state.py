"""The payroll file screen without a UI: pick a month, download the file for the bank (CSV or fixed
width), upload the bank's return file, list the failed payments (open cases).

Calls go through the signed-in :class:`~app.staff.console_client.ConsoleClient` (bearer token); a refusal
becomes ``error``/``error_key`` (:class:`~app.staff.action_state.ActionState`) — a bad return-file line
names its line number (``error.payroll_return_line_invalid``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import httpx
from pydantic import ValidationError

from app.common.api_client import ApiError, NetworkError
from app.staff.action_state import ActionState
from app.staff.console_client import ConsoleClient
from shared.backoffice_schemas import PaymentFailurePublic, PaymentFailureResolve, PayrollReturnResult
from shared.schemas import ErrorResponse

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MAX_RETURN_BYTES = 8 * 1024 * 1024  # the API's limit
RETURN_EXTENSIONS = ["txt", "csv", "dat"]
Format = Literal["csv", "txt"]


async def download(client: ConsoleClient, path: str) -> bytes:
    """A file the API sends (not JSON); 4xx/5xx → ``ApiError`` with the server's code."""
    headers = {"Authorization": f"Bearer {client.token}"} if client.token else {}
    try:
        response = await client.http.get(path, headers=headers)
    except httpx.TransportError as exc:
        raise NetworkError(f"{type(exc).__name__}: {exc}") from None
    if response.is_success:
        return response.content
    try:
        err = ErrorResponse.model_validate_json(response.content)
    except ValidationError:
        raise ApiError(response.status_code, f"http_{response.status_code}", response.text[:300]) from None
    raise ApiError.from_body(response.status_code, err)


@dataclass
class PayrollDesk(ActionState):
    month: str = ""
    last_file: tuple[str, bytes] | None = None  # (file name, content) of the last download
    last_import: PayrollReturnResult | None = None
    failures: list[PaymentFailurePublic] = field(default_factory=list)
    resolve_reason: str = ""  # what was done about a failed payment (said once, for the one resolved next)
    resolved: PaymentFailurePublic | None = None  # the last one marked resolved

    def month_ok(self) -> bool:
        return bool(MONTH_RE.fullmatch(self.month.strip()))

    async def export(self, client: ConsoleClient, fmt: Format) -> tuple[str, bytes] | None:
        if not self.month_ok():
            self.refuse("payroll.month_invalid")
            return None
        month = self.month.strip()
        data = await self.call(lambda: download(client, f"/api/v1/backoffice/payroll/{month}.{fmt}"))
        if data is None:
            return None
        self.last_file = (f"payroll-{month}.{fmt}", data)
        return self.last_file

    async def upload_return(self, client: ConsoleClient, name: str, data: bytes) -> bool:
        if not self.month_ok():
            return self.refuse("payroll.month_invalid")
        if not data or len(data) > MAX_RETURN_BYTES:
            return self.refuse("payroll.return_size")
        month = self.month.strip()
        result = await self.call(
            lambda: client.send(
                "POST",
                f"/api/v1/backoffice/payroll/{month}/return",
                PayrollReturnResult,
                files=[("file", (name or "return.txt", data, "text/plain"))],
                timeout=120.0,
            )
        )
        if result is None:
            return False
        self.last_import = result
        return await self.load_failures(client)

    async def load_failures(self, client: ConsoleClient) -> bool:
        found = await self.call(
            lambda: client.send("GET", "/api/v1/backoffice/payroll/failures", list[PaymentFailurePublic])
        )
        if found is None:
            return False
        self.failures = list(found)
        return True

    async def resolve(self, client: ConsoleClient, failure_id: int) -> bool:
        """Mark a failed payment as dealt with, saying how (e.g. "account corrected, paid again on 12-05");
        it leaves the open list and the audit trail keeps the reason."""
        reason = self.resolve_reason.strip()
        if len(reason) < 2:
            return self.refuse("payroll.resolve_reason_missing")
        done = await self.call(
            lambda: client.send(
                "POST",
                f"/api/v1/backoffice/payroll/failures/{failure_id}/resolve",
                PaymentFailurePublic,
                json=PaymentFailureResolve(reason=reason).model_dump(),
            )
        )
        if done is None:
            return False
        self.resolved, self.resolve_reason = done, ""
        self.failures = [f for f in self.failures if f.id != failure_id]
        return True
