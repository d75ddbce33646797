"""One person's home visit without a UI: the steps a coordinator goes through and what each produced.

The face path: ID card (seen, its last 4 characters typed back) → reference face (人脸建模, only when the
person has none or it is outdated) → the person's face challenge on the coordinator's device → contact
update (optional) → done, which closes the person's open visit request. When the face check cannot be
done at all: a visit record (reason, notes, 1+ photos) that a reviewer decides. On the person screen: the
visit request is scheduled (a date; the signed-in staff member visits) or closed as "could not reach".

Every action returns True on success; otherwise ``notice`` says why — a catalog key for the API's error
code when there is one (``error.id_card_mismatch`` reads in the app's language), else the server's text.
Screens render this object and call its actions; the HTTP is :class:`~app.staff.field_client.FieldClient`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.common.api_client import ApiError
from app.common.notices import Notice, notice_for
from app.staff.field_client import FieldClient
from shared.enums import CertificationResult, SpecialGroup, VisitRecordReason, VisitRequestReason, VisitState
from shared.schemas import (
    ID_CARD_LAST4_PATTERN,
    ChallengeResponse,
    ContactResult,
    ContactUpdate,
    FramesResult,
    OnsiteChallengeRequest,
    ReferencePublic,
)
from shared.worklist_schemas import (
    PHONE_PATTERN,
    StaffVisitRequestCreate,
    VisitRecordPublic,
    VisitRequestPublic,
    WorklistEntry,
)


class VisitStep(StrEnum):
    """The screens of a home visit, each its own route ``/worklist/visit/<step>``."""

    ID_CARD = "id-card"
    REFERENCE = "reference"
    FACE = "face"
    CONTACT = "contact"
    DONE = "done"
    RECORD = "record"

    @property
    def route(self) -> str:
        return f"/worklist/visit/{self.value}"


OPEN = (VisitState.REQUESTED, VisitState.SCHEDULED)
MIN_TEXT = 3  # characters of notes and of a could-not-reach reason (as the API asks)
MAX_PHOTO_BYTES = 20 * 1024 * 1024  # the API's per-file evidence limit
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
_LAST4 = re.compile(ID_CARD_LAST4_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)

# Why staff open a request when none is open: the record's reason first, then the person's groups.
_REQUEST_REASON = {
    VisitRecordReason.BEDRIDDEN_NO_CAMERA: VisitRequestReason.BEDRIDDEN,
    VisitRecordReason.FACE_NOT_RECOGNISED: VisitRequestReason.FACE_CHECK_FAILED,
}
_GROUP_REASON = (
    (SpecialGroup.BEDRIDDEN, VisitRequestReason.BEDRIDDEN),
    (SpecialGroup.SEVERELY_DISABLED, VisitRequestReason.DISABLED),
    (SpecialGroup.AGED, VisitRequestReason.ELDERLY),
)


def photo_type(data: bytes) -> str | None:
    """The MIME type of a JPEG or PNG by its first bytes (what the API takes as visit photos), else None."""
    return next((mime for magic, mime in PHOTO_TYPES.items() if data.startswith(magic)), None)


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@dataclass
class RecordForm:
    """The visit record: why the face check could not be done, what was seen, and photos of the visit."""

    reason: VisitRecordReason | None = None
    notes: str = ""
    photos: list[tuple[str, bytes, str]] = field(default_factory=list)  # (name, bytes, MIME type)
    attempted: bool = False

    def add_photo(self, name: str, data: bytes) -> str | None:
        """Keep a photo; the catalog key of the problem when it cannot be sent."""
        mime = photo_type(data)
        if mime is None:
            return "visit.record.error.type"
        if len(data) > MAX_PHOTO_BYTES:
            return "document.error.size"
        self.photos.append((name, data, mime))
        return None

    def errors(self) -> dict[str, str]:
        """Field → catalog key of what is missing."""
        found = {}
        if self.reason is None:
            found["reason"] = "visit.record.error.reason"
        if len(self.notes.strip()) < MIN_TEXT:
            found["notes"] = "visit.record.error.notes"
        if not self.photos:
            found["photos"] = "visit.record.error.photos"
        return found


@dataclass
class HomeVisit:
    entry: WorklistEntry
    today: date  # the server's date (the work list's ``today``): visits are scheduled and dated on it
    staff_id: int  # the signed-in staff member: the visiting worker
    request: VisitRequestPublic | None = None  # the person's visit request, once loaded or opened
    id_seen: bool = False
    last4: str = ""
    id_attempted: bool = False
    reference: ReferencePublic | None = None  # enrolled on this visit
    result: FramesResult | None = None  # the face check's answer
    receipt_qr_png: bytes | None = None
    contact: ContactResult | None = None
    record_form: RecordForm = field(default_factory=RecordForm)
    record: VisitRecordPublic | None = None
    notice: Notice | None = None
    busy: bool = False

    # --- step (a): the ID card ---------------------------------------------------------------------

    def id_error_key(self) -> str | None:
        if not self.id_seen:
            return "visit.id.error.not_seen"
        if not _LAST4.match(self.last4.strip()):
            return "visit.id.error.last4"
        return None

    def confirm_id(self) -> bool:
        """The coordinator pressed "next": True when the card was seen and 4 characters were typed. Whether
        they match the roll, the API says on the next call (422 ``id_card_mismatch``)."""
        self.id_attempted, self.notice = True, None
        return self.id_error_key() is None

    @property
    def id_card_refused(self) -> bool:
        """The API found the typed characters differ from the roll: check the card again."""
        return self.notice is not None and self.notice.key == "error.id_card_mismatch"

    @property
    def needs_reference(self) -> bool:
        """No reference face, or an outdated one, and none enrolled on this visit yet."""
        return self.reference is None and (not self.entry.reference_face or self.entry.reference_outdated)

    def step_after_id(self) -> VisitStep:
        return VisitStep.REFERENCE if self.needs_reference else VisitStep.FACE

    @property
    def steps(self) -> list[VisitStep]:
        """The steps of the face path for this person (the reference only when they came without one)."""
        reference = not self.entry.reference_face or self.entry.reference_outdated
        return [
            VisitStep.ID_CARD,
            *([VisitStep.REFERENCE] if reference else []),
            VisitStep.FACE,
            VisitStep.CONTACT,
            VisitStep.DONE,
        ]

    # --- step (b): the reference face (人脸建模) ------------------------------------------------------

    async def enrol_reference(self, client: FieldClient, photo: bytes) -> bool:
        """Send the photo; the API's quality gate may refuse it with a face reason code (shown as such)."""
        return await self._call(self._enrol(client, photo))

    async def _enrol(self, client: FieldClient, photo: bytes) -> None:
        self.reference = await client.enrol_reference(
            id_number=self.entry.id_number,
            name=self.entry.name,
            id_card_last4=self.last4.strip().upper(),
            photo=photo,
            replace=self.entry.reference_outdated,
        )

    # --- step (c): the face challenge ---------------------------------------------------------------

    def challenge_request(self) -> OnsiteChallengeRequest:
        return OnsiteChallengeRequest(
            id_number=self.entry.id_number, name=self.entry.name, id_card_last4=self.last4.strip().upper()
        )

    def challenge_source(self, client: FieldClient) -> Callable[[], Awaitable[ChallengeResponse]]:
        """Where the capture flow gets its challenge: the on-site endpoint, with the ID card's last 4."""
        request = self.challenge_request()

        async def source() -> ChallengeResponse:
            return await client.onsite_challenge(request)

        return source

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.result is CertificationResult.PASSED

    async def face_checked(self, client: FieldClient, result: FramesResult, qr_png: bytes | None) -> bool:
        """The capture flow's answer; a pass closes the person's open visit request (done)."""
        self.result, self.receipt_qr_png = result, qr_png
        if not self.passed:
            return True
        return await self.close_request(client)

    async def close_request(self, client: FieldClient) -> bool:
        """Done: the open request (scheduled for today first when it was only requested) is closed with the
        certification just made. Nothing to do without an open request."""
        if not await self.load_request(client) or not self.request_open:
            return self.notice is None
        return await self._call(self._close(client))

    async def _close(self, client: FieldClient) -> None:
        request = await self._scheduled(client, self._open_request())
        self.request = await client.done(request.request_id)

    def _open_request(self) -> VisitRequestPublic:
        if self.request is None or self.request.state not in OPEN:
            raise ApiError(409, "invalid_transition", "no open visit request")  # checked by the callers
        return self.request

    async def _scheduled(self, client: FieldClient, request: VisitRequestPublic) -> VisitRequestPublic:
        """``request``, scheduled for today with the signed-in staff member when it was only requested."""
        if request.state is VisitState.REQUESTED:
            request = self.request = await client.schedule(request.request_id, self.today, self.staff_id)
        return request

    # --- step (d): contact -----------------------------------------------------------------------------

    def contact_error_key(self, phone: str) -> str | None:
        phone = phone.strip()
        return "family.error.phone" if phone and not _PHONE.match(phone) else None

    async def update_contact(self, client: FieldClient, phone: str, address: str) -> bool:
        """Confirm (both empty) or update the phone and address, with the single-use code today's passed
        certification handed out."""
        self.notice = None
        code = self.result.contact_code if self.result is not None else None
        if code is None:
            self.notice = Notice(key="visit.contact.error.no_receipt")
            return False
        if (key := self.contact_error_key(phone)) is not None:
            self.notice = Notice(key=key)
            return False
        body = ContactUpdate(contact_code=code, phone=phone.strip() or None, address=address.strip() or None)

        async def send() -> None:
            self.contact = await client.confirm_contact(body)

        return await self._call(send())

    # --- the visit request ----------------------------------------------------------------------------

    @property
    def request_open(self) -> bool:
        return self.request is not None and self.request.state in OPEN

    async def load_request(self, client: FieldClient) -> bool:
        """The person's open request in full (the work list names its id); True when there is none."""
        if self.request is not None or self.entry.visit is None:
            return True
        request_id = self.entry.visit.request_id

        async def fetch() -> None:
            self.request = await client.visit(request_id)

        return await self._call(fetch())

    async def schedule(self, client: FieldClient, on_text: str) -> bool:
        """Schedule (or move) the visit to ``on_text`` (YYYY-MM-DD), the signed-in staff member visiting."""
        self.notice = None
        on = parse_day(on_text)
        if on is None:
            self.notice = Notice(key="visit.schedule.error.date")
            return False
        if not await self.load_request(client) or not self.request_open:
            self.notice = self.notice or Notice(key="visit.request.none")
            return False
        request_id = self._open_request().request_id

        async def send() -> None:
            self.request = await client.schedule(request_id, on, self.staff_id)

        return await self._call(send())

    async def could_not_reach(self, client: FieldClient, reason: str) -> bool:
        self.notice = None
        if len(reason.strip()) < MIN_TEXT:
            self.notice = Notice(key="visit.unreached.error.reason")
            return False
        if not await self.load_request(client) or not self.request_open:
            self.notice = self.notice or Notice(key="visit.request.none")
            return False
        request_id = self._open_request().request_id

        async def send() -> None:
            self.request = await client.could_not_reach(request_id, reason.strip())

        return await self._call(send())

    # --- the visit record (no face check possible) -------------------------------------------------------

    def request_reason(self) -> VisitRequestReason:
        """Why staff open a request for this person (when none is open and a visit is recorded)."""
        recorded = self.record_form.reason
        if recorded is not None and (reason := _REQUEST_REASON.get(recorded)) is not None:
            return reason
        groups = set(self.entry.special_groups)
        return next((r for g, r in _GROUP_REASON if g in groups), VisitRequestReason.OTHER)

    async def submit_record(self, client: FieldClient) -> bool:
        """Record the visit: open a request as staff when none is open, schedule it for today with the
        signed-in staff member when it is only requested, then send reason, notes and photos."""
        form = self.record_form
        form.attempted, self.notice = True, None
        if form.errors() or form.reason is None:
            return False
        if not await self.load_request(client):
            return False
        return await self._call(self._record(client, form.reason))

    async def _record(self, client: FieldClient, reason: VisitRecordReason) -> None:
        form, entry = self.record_form, self.entry
        if not self.request_open:
            phone = entry.phone if entry.phone and _PHONE.match(entry.phone) else None
            self.request = await client.open_visit(
                StaffVisitRequestCreate(
                    id_number=entry.id_number, name=entry.name, reason=self.request_reason(), phone=phone
                )
            )
        request = await self._scheduled(client, self._open_request())
        self.record = await client.record(
            request.request_id,
            reason=reason,
            notes=form.notes.strip(),
            visited_on=self.today,
            photos=list(form.photos),
        )
        self.request = await client.visit(request.request_id)

    # --- plumbing ----------------------------------------------------------------------------------------

    async def _call(self, work: Awaitable[None]) -> bool:
        self.busy, self.notice = True, None
        try:
            await work
            return True
        except ApiError as exc:
            self.notice = notice_for(exc)
            return False
        finally:
            self.busy = False
