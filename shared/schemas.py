"""The API contract: every request and response body exchanged between app/ and api/.

Pydantic models (pydantic-core is on Flet's list of prebuilt mobile packages). Dates are ISO dates,
months are "YYYY-MM" strings, enumerations travel as their string values (shared.enums).
Every 4xx answer has the :class:`ErrorResponse` shape, so the app can always show ``message``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from shared.enums import (
    BenefitType,
    CertificationMethod,
    CertificationResult,
    ChallengeAction,
    CycleState,
    PaymentState,
    ReferenceConfirmation,
    ReferenceSource,
    ReferenceStatus,
    ResidenceKind,
    StaffRole,
    VisitState,
)
from shared.wire import MONTH_PATTERN, Answer, IdNumber, PersonName, Request

__all__ = [
    "EntitlementStatus",
    "ErrorDetail",
    "ErrorResponse",
    "StatusRequest",
    "StatusResponse",
    "VisitStatusPublic",
]


class ErrorDetail(Answer):
    """One problem with one field of a request."""

    field: str  # dotted path, e.g. "id_number" or "body"
    code: str  # stable: pydantic's error type (``string_too_short`` …) or our own (``checksum`` …)
    message: str  # English fallback for other API clients; the apps render ``validation.<code>``
    params: dict[str, str | int | float] = Field(default_factory=dict)  # e.g. {"min_length": 2}


class ErrorResponse(Answer):
    """The body of every 4xx answer.

    ``error`` is a stable machine code (``validation_error``, ``invalid_id_number``, ``not_found``,
    ``rate_limited``, ``payload_too_large`` …) with its ``params`` (numbers, codes: never sentences); the
    apps show the catalog text ``error.<code>`` filled with ``params``. ``message`` is an English sentence
    kept only as a fallback for other API clients.
    """

    error: str
    message: str
    params: dict[str, str | int | float] = Field(default_factory=dict)
    details: list[ErrorDetail] = Field(default_factory=list)
    retry_after_seconds: int | None = None


class StatusRequest(Request):
    """Look up one's own certification status: ID number and name as on the ID card."""

    id_number: IdNumber
    name: PersonName


class EntitlementStatus(Answer):
    """Where one entitlement stands in its certification cycle."""

    benefit_type: BenefitType
    payment_state: PaymentState
    state: CycleState
    window_start: date | None = None  # the current certification window (inclusive)
    window_end: date | None = None
    last_certified_on: date | None = None  # local date of the last passed certification
    last_method: CertificationMethod | None = None
    valid_until: date | None = None  # certified status holds until this date
    next_due: date | None = None  # the next date by which to certify
    days_left: int | None = None  # days until next_due (negative when overdue)
    suspend_from: str | None = Field(
        default=None, pattern=MONTH_PATTERN
    )  # month payment stops if uncertified
    suspended_since: str | None = Field(default=None, pattern=MONTH_PATTERN)


class VisitStatusPublic(Answer):
    """The person's home-visit request as the status lookup shows it: an open one, or one closed in the
    last 30 days (so "done" or "could not reach" is seen once)."""

    state: VisitState
    requested_on: date  # local dates (the person's time zone)
    scheduled_on: date | None = None
    worker_name: str | None = None  # the staff member who will visit (full name: people should know)
    closed_on: date | None = None


class PendingReviewPublic(Answer):
    """A submission of the person's that a reviewer has not decided yet, as the status lookup shows it."""

    reference: str | None = None  # eight digits to quote to the office (None on older items)
    kind: str  # face | attestation | overseas | evidence | home_visit
    submitted_on: date  # local date (the person's time zone)
    expected_by: date | None = None  # the decision date promised to the person


class OfficeContact(Answer):
    """The number people call to certify at the office or to ask for a home visit (the agency's policy)."""

    phone: str  # as people dial it: "12333", "010-6512 3456"
    region: str | None = None  # the region code it was asked for


class StatusResponse(Answer):
    """A person's masked identity and the state of each of their entitlements."""

    masked_name: str  # 张*明
    masked_id_number: str  # 1101**********002X
    residence_kind: ResidenceKind
    time_zone: str  # IANA name; dates above are in this zone
    today: date  # the local date the answer was computed for
    entitlements: list[EntitlementStatus]
    visit: VisitStatusPublic | None = None  # a home-visit request (api.worklist), when there is one
    pending_review: PendingReviewPublic | None = None  # the latest undecided submission, when there is one


# === Certification API (challenges, family, attestation, overseas, review, receipts) ==========
# Owned by the certification-API engineer. Multipart endpoints (frames, evidence, documents) take form
# fields, documented on each response model's endpoint; their JSON answers are these models.


class ChallengeRequest(Request):
    """Ask for a face challenge: ID number and name as on the ID card."""

    id_number: IdNumber
    name: PersonName


class ChallengeResponse(Answer):
    """The actions to perform, in order, before ``expires_at`` (UTC); the id is single use."""

    challenge_id: str
    actions: list[ChallengeAction]
    expires_at: datetime
    max_frames: int
    max_frame_bytes: int


class ReceiptPublic(Answer):
    """A certification receipt: masked facts and, for whoever just certified (or holds the review id), the
    signed token shown as a QR code (``POST /api/v1/receipts/qr``). Lookups by ID number and name (the
    receipt history) never carry the token."""

    receipt_id: str
    holder_name: str  # masked, e.g. 张*明
    holder_id: str  # masked, first 4 and last 4 characters
    method: CertificationMethod
    certified_on: date  # in the holder's time zone
    valid_until: date
    token: str | None = None


class ReceiptTokenRequest(Request):
    """A receipt token sent in a body (never in a URL, where access logs would keep it)."""

    token: str = Field(min_length=1, max_length=4096)


class ReceiptQrRequest(ReceiptTokenRequest):
    format: Literal["png", "svg"] = "png"


class PaymentResumed(Answer):
    """A suspended payment resumed by this certification."""

    benefit_type: BenefitType
    resume_month: str = Field(pattern=MONTH_PATTERN)
    back_pay_months: int
    back_pay_cents: int


class ManualReviewOffer(Answer):
    """After repeated failed attempts: other ways to certify (never a silent lockout)."""

    message: str
    evidence_upload_url: str  # POST evidence files here to enter the review queue
    assisted: str  # how to ask a relative (family certification) or a coordinator for help
    onsite: str  # how to certify at a service window or ask for a home visit


class FramesResult(Answer):
    """The answer to one frame submission; a retry with the same Idempotency-Key returns it again."""

    result: CertificationResult
    reason: str  # a stable reason code (face.types.ReasonCode values, or "ok")
    message: str  # a sentence for the person
    receipt: ReceiptPublic | None = None  # the first receipt when passed
    receipts: list[ReceiptPublic] = Field(default_factory=list)  # one per entitlement when passed
    resumed: list[PaymentResumed] = Field(default_factory=list)
    review_id: str | None = None  # when needs_review: look up the outcome with this id
    review_reference: str | None = None  # when needs_review: eight digits to quote to the office
    # when passed: a single-use code for one contact update (POST /api/v1/contact), valid until the time given
    contact_code: str | None = None
    contact_code_expires_at: datetime | None = None
    failures_last_24h: int = 0
    manual_review: ManualReviewOffer | None = None
    binding_id: int | None = None  # family binding made by this challenge


class ReceiptVerification(Answer):
    valid: bool
    message: str
    receipt_id: str | None = None
    holder_name: str | None = None
    holder_id: str | None = None
    method: CertificationMethod | None = None
    certified_on: date | None = None
    valid_until: date | None = None


class LoginRequest(Request):
    username: str = Field(min_length=1, max_length=64, description="staff user name, or a helper's ID number")
    password: str = Field(min_length=1, max_length=200)


class PasswordChange(Request):
    """A signed-in staff member or helper sets a new password; every earlier sign-in ends."""

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=8, max_length=200)


class TokenResponse(Answer):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class HelperRegisterRequest(Request):
    id_number: IdNumber
    name: PersonName
    phone: str = Field(min_length=5, max_length=32, pattern=r"^\+?[0-9 \-]{5,32}$")
    password: str = Field(min_length=8, max_length=200)


class HelperPublic(Answer):
    helper_id: int
    name: str  # masked
    id_number: str  # masked


class BindRequest(Request):
    """Bind a relative: their ID number and name, and the relationship; answered with a face challenge
    that the relative must pass (``POST /api/v1/challenges/{id}/frames`` with the helper's token)."""

    id_number: IdNumber
    name: PersonName
    relationship: str = Field(min_length=1, max_length=32)


class RelativePublic(Answer):
    binding_id: int
    name: str  # masked
    id_number: str  # masked
    relationship: str
    bound_at: datetime


class StaffCreate(Request):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    name: PersonName
    role: StaffRole
    password: str = Field(min_length=8, max_length=200)
    region_code: str | None = Field(default=None, max_length=12)


class StaffPublic(Answer):
    staff_id: int
    username: str
    name: str
    role: StaffRole
    region_code: str | None = None


ID_CARD_LAST4_PATTERN = r"^[0-9]{3}[0-9Xx]$"


class OnsiteChallengeRequest(Request):
    """A staff member starts a face challenge for the person in front of them: ``id_card_last4`` are the
    last 4 characters the staff member reads off the ID card in hand (422 ``id_card_mismatch`` when they
    differ from the roll)."""

    id_number: IdNumber
    name: PersonName
    id_card_last4: str = Field(pattern=ID_CARD_LAST4_PATTERN, description="last 4 characters of the ID card")


class ReferencePublic(Answer):
    """A reference face added by staff: ``awaiting_confirmation`` until a second staff member confirms it
    or the same staff member runs the person's face challenge before ``confirm_by`` (a live check)."""

    reference_id: int
    source: str
    created_at: datetime
    status: str = "active"  # awaiting_confirmation | active | retired
    confirm_by: datetime | None = None  # the live check's deadline while awaiting confirmation


class ContactUpdate(Request):
    """At the end of a certification: confirm (no fields) or update phone and address, with the single-use
    ``contact_code`` the passed certification handed out (FramesResult.contact_code)."""

    contact_code: str = Field(min_length=1, max_length=64)
    phone: str | None = Field(default=None, min_length=5, max_length=32, pattern=r"^\+?[0-9 \-]{5,32}$")
    address: str | None = Field(default=None, min_length=1, max_length=300)


class ContactResult(Answer):
    changed: bool
    message: str


class AttestationCreate(Request):
    id_number: IdNumber
    name: PersonName
    reason: str = Field(min_length=3, max_length=500, description="why a face scan is impossible")
    witness_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="the neighbour who vouches for the person (typed by the coordinator: no account)",
    )


class SignoffCreate(Request):
    """The signed-in staff member signs the next level of the chain; ``level``, when sent, must be it."""

    level: str | None = Field(default=None, max_length=16, description="the level you sign as (a check)")


class StaffRef(Answer):
    """A staff account as other staff see it in a case's history."""

    staff_id: int
    name: str
    region_code: str | None = None


class ReferenceHistoryEntry(Answer):
    """One reference face of a person as reviewers see it: where it came from, who added it and who
    checked the ID document, and how it was confirmed (``live_check`` | ``second_staff``; None while
    awaiting confirmation or for references that need none, e.g. the roster's ID photo)."""

    reference_id: int
    source: ReferenceSource
    added_at: datetime
    added_by: StaffRef | None = None
    id_checked_by: StaffRef | None = None
    status: ReferenceStatus
    confirmation: ReferenceConfirmation | None = None
    confirmed_by: StaffRef | None = None
    confirmed_at: datetime | None = None
    live_check_challenge_id: str | None = None


class SignoffPublic(Answer):
    level: str  # village | township | county | city | province
    signer: StaffRef
    signed_on: date
    signed_at: datetime


class EvidencePublic(Answer):
    evidence_id: int
    kind: str
    content_type: str
    size_bytes: int
    taken_on: date | None = None
    purged: bool = False
    uploaded_at: datetime | None = None
    uploaded_by: StaffRef | None = None  # None: the applicant (or the person's own device) sent it
    opened_by_me: bool = False  # in a review item: whether the signed-in reviewer opened this file


class CaseEvent(Answer):
    """One step of a case's history: who opened or submitted it, uploaded, signed, viewed a file, decided."""

    action: str  # opened | submitted | uploaded | signed | viewed | decided
    at: datetime
    staff: StaffRef | None = None  # None: the applicant, a helper or the system
    actor: str  # the audit actor ("staff:12", "helper:3", "self")
    evidence_id: int | None = None
    level: str | None = None  # for "signed"


class AttestationPublic(Answer):
    attestation_id: int
    holder_name: str  # masked
    holder_id: str  # masked
    reason: str
    status: str  # collecting | in_review | approved | rejected
    witness_name: str | None = None
    opened_by: StaffRef | None = None
    opened_at: datetime | None = None
    required_signoffs: list[str]  # region levels, in signing order
    signoffs: list[SignoffPublic]
    missing_signoffs: list[str]
    next_signoff: str | None = None  # the level that signs next
    evidence: list[EvidencePublic]
    review_id: str | None = None


class ReviewStatusPublic(Answer):
    """What an applicant sees about their submission (overseas document, evidence, borderline face)."""

    review_id: str
    reference: str | None = None  # eight digits to quote to the office (None on older items)
    kind: str  # face | attestation | overseas | evidence
    status: str  # pending | approved | rejected
    submitted_at: datetime
    expected_by: date | None = None
    decided_at: datetime | None = None
    reason: str | None = None  # the reviewer's reason on rejection
    receipt: ReceiptPublic | None = None


class ReviewItemPublic(Answer):
    """One item of the staff review queue."""

    review_id: str
    reference: str | None = None  # the eight digits the person was given (None on older items)
    kind: str
    status: str
    method: CertificationMethod
    holder_name: str  # masked
    holder_id: str  # masked
    region_code: str
    reason_code: str | None = None
    note: str | None = None
    submitted_at: datetime
    expected_by: date | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None
    decided_by: StaffRef | None = None
    evidence: list[EvidencePublic] = Field(default_factory=list)
    history: list[CaseEvent] = Field(default_factory=list)  # oldest first (single-item answers only)
    # the person's reference faces: who added and ID-checked each, how it was confirmed (single-item only)
    references: list[ReferenceHistoryEntry] = Field(default_factory=list)
    # Why the signed-in reviewer may not approve now: same_staff | evidence_not_opened (None: they may).
    approval_blocked: str | None = None


class ReviewPage(Answer):
    items: list[ReviewItemPublic]
    total: int


class ReviewDecision(Request):
    approve: bool
    reason: str = Field(min_length=3, max_length=500)


class RetentionReport(Answer):
    purged_files: int
    freed_bytes: int
