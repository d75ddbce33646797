"""The citizens' app state as plain dataclasses: the status lookup, receipts, and the certification flows.

Nothing here touches Flet or the network, so every rule of the screens is unit-tested without a UI:
screens read these objects and call their methods; ``app/common/api_client.py`` does the HTTP. The
settings, the ID-number check and the notices both apps use are in ``app/common/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from app.citizen.tipoff import TipoffCheck, TipoffForm
from app.citizen.visit_request import VisitRequestForm
from app.common.api_client import ApiError
from app.common.identity import IdentityForm, check_id_as_typed, submit_id_error
from app.common.notices import Notice, notice_for
from app.common.settings import Settings
from shared.schemas import (
    BindRequest,
    HelperRegisterRequest,
    LoginRequest,
    OfficeContact,
    ReceiptPublic,
    RelativePublic,
    ReviewStatusPublic,
    StatusRequest,
    StatusResponse,
)

if TYPE_CHECKING:
    from app.common.api_client import ApiClient
    from app.common.capture import CaptureFlow

# --- Status lookup ----------------------------------------------------------------------------------


@dataclass
class StatusLookup:
    """The status-lookup screen: the form, then either a result or a notice."""

    form: IdentityForm = field(default_factory=IdentityForm)
    busy: bool = False
    notice: Notice | None = None
    result: StatusResponse | None = None

    async def submit(self, api: ApiClient) -> bool:
        """Send the lookup when the form is complete and valid; True when a result arrived.

        An incomplete or invalid form never reaches the server: its messages show under the fields.
        """
        self.notice = None
        if self.busy or not self.form.attempt():
            return False
        self.busy = True
        try:
            request = StatusRequest(id_number=self.form.id_check.number, name=self.form.clean_name)
            self.result = await api.status(request)
            return True
        except ApiError as exc:
            self.result = None
            self.notice = notice_for(exc)
            return False
        finally:
            self.busy = False

    def reset(self) -> None:
        self.form = IdentityForm()
        self.notice = None
        self.result = None


# --- Receipt history -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedReceipt:
    """One receipt of the receipts screen and where it is kept."""

    receipt: ReceiptPublic
    on_device: bool
    on_server: bool


def merge_receipts(device: list[ReceiptPublic], server: list[ReceiptPublic]) -> list[ListedReceipt]:
    """The device's receipts and the service's in one list, newest first, each receipt once."""
    server_ids = {r.receipt_id for r in server}
    device_ids = {r.receipt_id for r in device}
    listed = [ListedReceipt(r, True, r.receipt_id in server_ids) for r in device]
    listed += [ListedReceipt(r, False, True) for r in server if r.receipt_id not in device_ids]
    # A stable sort: receipts of one day keep their order (the device's newest first, then the service's).
    return sorted(listed, key=lambda item: item.receipt.certified_on, reverse=True)


@dataclass
class ReceiptHistoryLookup:
    """The receipts screen's "show receipts from the service": ID number and name, then the list."""

    form: IdentityForm = field(default_factory=IdentityForm)
    busy: bool = False
    notice: Notice | None = None
    server: list[ReceiptPublic] | None = None  # None until asked

    def prefill(self, other: IdentityForm) -> None:
        """Start from what was typed on the status-lookup screen, if nothing was typed here yet."""
        if not self.form.id_text and not self.form.name:
            self.form.id_text, self.form.name = other.id_text, other.name

    async def submit(self, api: ApiClient) -> bool:
        """Ask the service; True when an answer (possibly empty) arrived. Invalid forms are not sent."""
        self.notice = None
        if self.busy or not self.form.attempt():
            return False
        self.busy = True
        try:
            request = StatusRequest(id_number=self.form.id_check.number, name=self.form.clean_name)
            self.server = list((await api.receipt_history(request)).receipts)
            return True
        except ApiError as exc:
            self.notice = notice_for(exc)
            return False
        finally:
            self.busy = False

    def listed(self, device: list[ReceiptPublic]) -> list[ListedReceipt]:
        return merge_receipts(device, self.server or [])


# --- Flows ------------------------------------------------------------------------------------------


class CertifyFor(StrEnum):
    """Who is being certified, chosen on the home screen."""

    SELF = "self"
    FAMILY = "family"
    ABROAD = "abroad"


@dataclass
class CertifyFlow:
    """The certification flow: consent → identity → camera → result."""

    kind: CertifyFor = CertifyFor.SELF
    consented: bool = False
    identity: IdentityForm = field(default_factory=IdentityForm)
    failures: int = 0
    rear_camera: bool = False
    capture: CaptureFlow | None = None  # the current (or last) capture, kept for "try again"
    # FAMILY: certify an already bound relative (binding_id) or bind a new one (bind_request).
    binding_id: int | None = None
    bind_request: BindRequest | None = None

    MAX_FAILURES = 3

    def restart(self, kind: CertifyFor) -> None:
        self.kind = kind
        self.consented = False
        self.identity = IdentityForm()
        self.failures = 0
        self.rear_camera = kind is CertifyFor.FAMILY
        self.capture = None
        self.binding_id = None
        self.bind_request = None

    @property
    def use_rear_camera_first(self) -> bool:
        return self.kind is CertifyFor.FAMILY

    @property
    def too_many_failures(self) -> bool:
        return self.failures >= self.MAX_FAILURES


MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # the API's per-file evidence limit
DOCUMENT_TYPES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}


def document_type(data: bytes) -> str | None:
    """The MIME type of a JPEG, PNG or PDF file by its first bytes (what the API accepts), else None."""
    return next((mime for magic, mime in DOCUMENT_TYPES.items() if data.startswith(magic)), None)


@dataclass
class DocumentUpload:
    """Send documents for an officer: a resident abroad's consulate form, or evidence after failed checks."""

    overseas: bool = True
    form: IdentityForm = field(default_factory=IdentityForm)
    files: list[tuple[str, bytes, str]] = field(default_factory=list)  # (name, bytes, MIME type)
    notice: Notice | None = None
    result: ReviewStatusPublic | None = None
    busy: bool = False

    def add_file(self, name: str, data: bytes) -> str | None:
        """Keep a picked file; the catalog key of the problem when it cannot be sent."""
        mime = document_type(data)
        if mime is None:
            return "document.error.type"
        if len(data) > MAX_DOCUMENT_BYTES:
            return "document.error.size"
        self.files.append((name, data, mime))
        return None

    async def submit(self, api: ApiClient) -> bool:
        self.notice = None
        if self.busy or not self.form.attempt():
            return False
        if not self.files:
            self.notice = Notice(key="document.error.none")
            return False
        self.busy = True
        try:
            self.result = await api.submit_documents(
                overseas=self.overseas,
                id_number=self.form.id_check.number,
                name=self.form.clean_name,
                files=self.files,
            )
            return True
        except ApiError as exc:
            self.notice = notice_for(exc)
            return False
        finally:
            self.busy = False


_PHONE_CHARS = set("+0123456789 -")


@dataclass
class HelperForms:
    """Family helper: sign in / register, and the "add a family member" form."""

    login_id: str = ""
    password: str = ""
    identity: IdentityForm = field(default_factory=IdentityForm)  # register: own ID + name
    phone: str = ""
    relative: IdentityForm = field(default_factory=IdentityForm)  # bind: relative's ID + name
    relationship: str = ""
    attempted: bool = False
    relatives: list[RelativePublic] = field(default_factory=list)

    def login_errors(self) -> dict[str, str]:
        errors = {}
        if (key := submit_id_error(self.login_id)) is not None:
            errors["id"] = key
        if len(self.password) < 8:
            errors["password"] = "family.error.password"
        return errors

    def login_request(self) -> LoginRequest | None:
        self.attempted = True
        if self.login_errors():
            return None
        return LoginRequest(username=check_id_as_typed(self.login_id).number, password=self.password)

    def register_errors(self) -> dict[str, str]:
        errors = {}
        if not self.identity.ready():
            errors["identity"] = submit_id_error(self.identity.id_text) or "name.error.required"
        phone = self.phone.strip()
        digits = sum(ch.isdigit() for ch in phone)
        if not phone or not set(phone) <= _PHONE_CHARS or not 5 <= digits <= 20:
            errors["phone"] = "family.error.phone"
        if len(self.password) < 8:
            errors["password"] = "family.error.password"
        return errors

    def register_request(self) -> HelperRegisterRequest | None:
        self.attempted = True
        self.identity.attempted = True
        if self.register_errors():
            return None
        return HelperRegisterRequest(
            id_number=self.identity.id_check.number,
            name=self.identity.clean_name,
            phone=self.phone.strip(),
            password=self.password,
        )

    def bind_request(self) -> BindRequest | None:
        self.attempted = True
        ready = self.relative.attempt()
        if not ready or not self.relationship.strip():
            return None
        return BindRequest(
            id_number=self.relative.id_check.number,
            name=self.relative.clean_name,
            relationship=self.relationship.strip(),
        )


@dataclass
class AppState:
    """Everything the client remembers while it runs (one per browser session / phone app)."""

    settings: Settings = field(default_factory=lambda: Settings(api_editable=False))
    certify: CertifyFlow = field(default_factory=CertifyFlow)
    lookup: StatusLookup = field(default_factory=StatusLookup)
    helper: HelperForms = field(default_factory=HelperForms)
    documents: DocumentUpload = field(default_factory=DocumentUpload)
    receipts: list[ReceiptPublic] = field(default_factory=list)  # kept on this device, newest first
    office: OfficeContact | None = None  # the office number last asked for (its region), other-ways screen
    history: ReceiptHistoryLookup = field(default_factory=ReceiptHistoryLookup)  # from the service
    receipt_shown: tuple[ReceiptPublic, bytes | None] | None = None
    visit_request: VisitRequestForm = field(default_factory=VisitRequestForm)  # 请工作人员上门
    tipoff: TipoffForm = field(default_factory=TipoffForm)  # 举报
    tipoff_check: TipoffCheck = field(default_factory=TipoffCheck)  # 查询举报进展

    def prefill_id(self, route: str) -> bool:
        """``…?id=<ID number>`` (the QR code of a reminder letter): the ID number typed in advance on the
        certification and status forms (the person still types their name). Anything that is not 15–18
        digits (the last may be X) is ignored."""
        query = route.split("?", 1)[1] if "?" in route else ""
        values = parse_qs(query).get("id", [])
        number = values[0].strip().upper() if values else ""
        if not re.fullmatch(r"\d{14}[\dX]|\d{17}[\dX]", number):
            return False
        self.certify.identity.id_text = number
        self.lookup.form.id_text = number
        return True
