"""HTTP calls of the coordinators' field work: the work list, home-visit requests and records, the on-site
ID-card-checked face path (reference enrolment 人脸建模 and challenges) and the contact update.

A thin layer over the signed-in :class:`~app.staff.console_client.ConsoleClient` (same token, same error
conventions); the frames of an on-site challenge go through ``ConsoleClient.face_api()``, the capture
flow's own client.
"""

from __future__ import annotations

from datetime import date

from app.staff.console_client import ConsoleClient
from shared.enums import CycleState, VisitRecordReason
from shared.schemas import (
    ChallengeResponse,
    ContactResult,
    ContactUpdate,
    OnsiteChallengeRequest,
    ReferencePublic,
)
from shared.worklist_schemas import (
    StaffVisitRequestCreate,
    VisitCouldNotReach,
    VisitDone,
    VisitRecordPublic,
    VisitRequestPublic,
    VisitSchedule,
    WorklistPage,
)

# Enrolling a reference runs the face engine on the server (a first run loads its models): wait longer.
ENROL_TIMEOUT_S = 120.0
WORKLIST_LIMIT = 500  # the API's largest page: a village's list fits


class FieldClient:
    def __init__(self, console: ConsoleClient) -> None:
        self.console = console

    async def worklist(
        self,
        *,
        state: CycleState | None = None,
        village: str | None = None,
        special_only: bool = False,
        visit_requested: bool = False,
    ) -> WorklistPage:
        params = {"limit": str(WORKLIST_LIMIT)}
        if state is not None:
            params["state"] = state.value
        if village:
            params["village"] = village
        if special_only:
            params["special_only"] = "true"
        if visit_requested:
            params["visit_requested"] = "true"
        return await self.console.send("GET", "/api/v1/worklist", WorklistPage, params=params)

    # --- visit requests -----------------------------------------------------------------------------------

    async def visit(self, request_id: int) -> VisitRequestPublic:
        return await self.console.send("GET", f"/api/v1/visits/{request_id}", VisitRequestPublic)

    async def open_visit(self, body: StaffVisitRequestCreate) -> VisitRequestPublic:
        """A request opened by staff (the person's open one when there is one)."""
        return await self.console.send(
            "POST", "/api/v1/visits", VisitRequestPublic, json=body.model_dump(mode="json")
        )

    async def schedule(self, request_id: int, on: date, worker_id: int) -> VisitRequestPublic:
        body = VisitSchedule(scheduled_on=on, worker_id=worker_id).model_dump(mode="json")
        return await self.console.send(
            "POST", f"/api/v1/visits/{request_id}/schedule", VisitRequestPublic, json=body
        )

    async def done(self, request_id: int, certification_id: int | None = None) -> VisitRequestPublic:
        body = VisitDone(certification_id=certification_id).model_dump(mode="json")
        return await self.console.send(
            "POST", f"/api/v1/visits/{request_id}/done", VisitRequestPublic, json=body
        )

    async def could_not_reach(self, request_id: int, reason: str) -> VisitRequestPublic:
        body = VisitCouldNotReach(reason=reason).model_dump(mode="json")
        return await self.console.send(
            "POST", f"/api/v1/visits/{request_id}/could-not-reach", VisitRequestPublic, json=body
        )

    async def record(
        self,
        request_id: int,
        *,
        reason: VisitRecordReason,
        notes: str,
        visited_on: date,
        photos: list[tuple[str, bytes, str]],
    ) -> VisitRecordPublic:
        """A visit where the face check could not be done: reason, notes and photos (name, bytes, MIME)."""
        data = {"reason": reason.value, "notes": notes, "visited_on": visited_on.isoformat()}
        files = [("photos", photo) for photo in photos]
        return await self.console.send(
            "POST",
            f"/api/v1/visits/{request_id}/record",
            VisitRecordPublic,
            data=data,
            files=files,
            timeout=ENROL_TIMEOUT_S,
        )

    # --- the on-site face path ---------------------------------------------------------------------------

    async def onsite_challenge(self, body: OnsiteChallengeRequest) -> ChallengeResponse:
        return await self.console.send(
            "POST", "/api/v1/onsite/challenges", ChallengeResponse, json=body.model_dump(mode="json")
        )

    async def enrol_reference(
        self, *, id_number: str, name: str, id_card_last4: str, photo: bytes, replace: bool
    ) -> ReferencePublic:
        """人脸建模 after the ID card was checked (the server records the signed-in staff member as the
        checker): the photo becomes the person's reference face once the face check that follows (same
        staff member, same visit) passes, or a second staff member confirms it."""
        data = {
            "id_number": id_number,
            "name": name,
            "id_card_last4": id_card_last4,
            "replace": "true" if replace else "false",
        }
        return await self.console.send(
            "POST",
            "/api/v1/onsite/references",
            ReferencePublic,
            data=data,
            files=[("photo", ("reference.jpg", photo, "image/jpeg"))],
            timeout=ENROL_TIMEOUT_S,
        )

    async def confirm_contact(self, body: ContactUpdate) -> ContactResult:
        return await self.console.send(
            "POST", "/api/v1/contact", ContactResult, json=body.model_dump(mode="json"), auth=False
        )
