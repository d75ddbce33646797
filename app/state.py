"""Client state as plain dataclasses: settings, the ID-number check while typing, and the flows.

Nothing here touches Flet or the network, so every rule of the screens is unit-tested without a UI:
screens read these objects and call their methods; ``app/api_client.py`` does the HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from app.api_client import ApiError
from shared.i18n import DEFAULT_LANGUAGE, LANGUAGES, has_key
from shared.idnumber import ID_LENGTH, IdNumberError, normalise_id_number, parse_id_number
from shared.schemas import (
    BindRequest,
    HelperRegisterRequest,
    LoginRequest,
    ReceiptPublic,
    RelativePublic,
    ReviewStatusPublic,
    StatusRequest,
    StatusResponse,
)

if TYPE_CHECKING:
    from app.api_client import ApiClient
    from app.capture import CaptureFlow

DEFAULT_API_URL = "http://127.0.0.1:8000"


@dataclass
class Settings:
    """What the user can change on the settings screen."""

    language: str = DEFAULT_LANGUAGE
    large_text: bool = False
    api_url: str = DEFAULT_API_URL

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self.language = language


def normalise_api_url(text: str) -> str | None:
    """``http(s)://host[:port][/path]`` without a trailing slash, or None when it is not such an address."""
    text = text.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return text.rstrip("/")


# --- ID number checked as it is typed -------------------------------------------------------------

IdStatus = Literal["empty", "typing", "invalid", "valid"]


@dataclass(frozen=True)
class IdCheck:
    """The verdict on what is in the ID field right now; ``message_key`` is a catalog key."""

    status: IdStatus
    message_key: str | None
    count: int  # characters typed (after normalising)
    number: str  # normalised text

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"


def check_id_as_typed(text: str, *, today: date | None = None) -> IdCheck:
    """Judge a partly typed ID number: an error as soon as one is certain, progress until then.

    Full-width digits, spaces and a lower-case x are accepted (normalised as ``shared.idnumber`` does).
    A wrong character is reported at once; the birth date once characters 7–14 are in; the check digit
    when all 18 are.
    """
    number = normalise_id_number(text)
    n = len(number)
    if n == 0:
        return IdCheck("empty", None, 0, number)
    if n > ID_LENGTH:
        return IdCheck("invalid", "id.error.too_long", n, number)
    body = number[:17]
    if not (body.isascii() and body.isdigit()) or (n == ID_LENGTH and number[17] not in "0123456789X"):
        return IdCheck("invalid", "id.error.bad_char", n, number)
    if n == ID_LENGTH:
        try:
            parse_id_number(number, today=today)
        except IdNumberError as exc:
            return IdCheck("invalid", f"id.error.{exc.code}", n, number)
        return IdCheck("valid", "id.ok", n, number)
    if n >= 14 and not _plausible_birth_date(number[6:14], today or date.today()):
        return IdCheck("invalid", "id.error.birth_date", n, number)
    return IdCheck("typing", "id.progress", n, number)


def _plausible_birth_date(yyyymmdd: str, today: date) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= today


def submit_id_error(text: str, *, today: date | None = None) -> str | None:
    """The catalog key that blocks submitting ``text`` as an ID number, or None when it is fine."""
    check = check_id_as_typed(text, today=today)
    if check.status == "empty":
        return "id.error.required"
    if check.status == "typing":
        if check.count == 15 and check.number.isdigit():
            return "id.error.old_number"
        return "id.error.format"
    if check.status == "invalid":
        return check.message_key
    return None


@dataclass
class IdentityForm:
    """ID number + name, as on the status-lookup and identity-entry screens."""

    id_text: str = ""
    name: str = ""
    # Set once the user pressed the button: from then on, empty fields show their error too.
    attempted: bool = False

    @property
    def id_check(self) -> IdCheck:
        return check_id_as_typed(self.id_text)

    def id_error_key(self) -> str | None:
        """Error to show under the ID field now (while typing: only certain errors)."""
        if self.attempted:
            return submit_id_error(self.id_text)
        check = self.id_check
        return check.message_key if check.status == "invalid" else None

    def name_error_key(self) -> str | None:
        if self.attempted and not self.clean_name:
            return "name.error.required"
        return None

    @property
    def clean_name(self) -> str:
        return " ".join(self.name.split())

    def ready(self) -> bool:
        return submit_id_error(self.id_text) is None and bool(self.clean_name)

    def attempt(self) -> bool:
        """The user pressed the button: True when the form may be sent."""
        self.attempted = True
        return self.ready()


# --- Messages from the server ----------------------------------------------------------------------

_ERROR_KEYS = {
    "network": "error.network",
    "not_found": "error.not_found",
    "rate_limited": "error.rate_limited",
    "server_error": "error.server",
    "bad_response": "error.server",
}


@dataclass(frozen=True)
class Notice:
    """Something to tell the user: a catalog key when we have one, else the server's own message."""

    key: str | None = None
    text: str = ""

    def render(self, t: Callable[[str], str]) -> str:
        return t(self.key) if self.key else self.text


def notice_for(error: ApiError) -> Notice:
    key = _ERROR_KEYS.get(error.code)
    if error.code == "invalid_id_number" and error.details:
        key = f"id.error.{error.details[0].code}"
        key = key if has_key(key) else "id.error.format"
    if key is None and error.status >= 500:
        key = "error.server"
    return Notice(key=key, text=error.message)


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
DOCUMENT_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"%PDF-": "application/pdf"}


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
            self.result = await api.submit_documents(overseas=self.overseas, id_number=self.form.id_check.number,
                                                     name=self.form.clean_name, files=self.files)
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
        return HelperRegisterRequest(id_number=self.identity.id_check.number, name=self.identity.clean_name,
                                     phone=self.phone.strip(), password=self.password)

    def bind_request(self) -> BindRequest | None:
        self.attempted = True
        ready = self.relative.attempt()
        if not ready or not self.relationship.strip():
            return None
        return BindRequest(id_number=self.relative.id_check.number, name=self.relative.clean_name,
                           relationship=self.relationship.strip())


@dataclass
class AppState:
    """Everything the client remembers while it runs (one per browser session / phone app)."""

    settings: Settings = field(default_factory=Settings)
    certify: CertifyFlow = field(default_factory=CertifyFlow)
    lookup: StatusLookup = field(default_factory=StatusLookup)
    helper: HelperForms = field(default_factory=HelperForms)
    documents: DocumentUpload = field(default_factory=DocumentUpload)
    receipts: list[ReceiptPublic] = field(default_factory=list)  # kept on this device, newest first
    history: ReceiptHistoryLookup = field(default_factory=ReceiptHistoryLookup)  # from the service
    receipt_shown: tuple[ReceiptPublic, bytes | None] | None = None
