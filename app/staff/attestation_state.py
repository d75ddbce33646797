"""Neighbour attestation (邻里互助证明) in the staff app, without a UI.

A coordinator opens an attestation for a person of their region (ID number + name, why no face scan is
possible, the neighbour who vouches), adds photos from the camera or files from the device (kept here until
sent, dated the day they were taken), and signs the village level. Each level of the chain above finds the
attestations waiting for its signature (``to_sign``) and signs with its own account. The API decides who may
sign what; its refusals (``same_staff``, ``signoff_level``, ``signoff_out_of_order`` …) are shown from the
catalogs (:class:`~app.staff.action_state.ActionState`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.common.identity import IdentityForm
from app.staff.action_state import ActionState
from app.staff.case_client import CaseClient
from shared.schemas import AttestationCreate, AttestationPublic

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024  # the API's per-file limit
MAX_FILES = 10  # the API's per-upload limit
MIN_REASON, MAX_REASON = 3, 500
MAX_WITNESS = 100
EVIDENCE_TYPES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"%PDF-": ("application/pdf", "pdf"),
}


def evidence_type(data: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) of a photo, PDF or MP4 video by its first bytes (what the API accepts)."""
    if data[4:8] == b"ftyp":
        return "video/mp4", "mp4"
    return next((kind for magic, kind in EVIDENCE_TYPES.items() if data.startswith(magic)), None)


@dataclass(frozen=True)
class PendingFile:
    name: str
    data: bytes
    mime: str

    @property
    def is_photo(self) -> bool:
        return self.mime.startswith("image/")


@dataclass
class AttestationDesk(ActionState):
    form: IdentityForm = field(default_factory=IdentityForm)
    reason: str = ""
    witness: str = ""
    current: AttestationPublic | None = None  # the attestation being worked on
    pending: list[PendingFile] = field(default_factory=list)  # picked or photographed, not sent yet
    taken_on: str = ""  # YYYY-MM-DD; empty means today
    mine: list[AttestationPublic] = field(default_factory=list)  # opened by me, still collecting
    to_sign: list[AttestationPublic] = field(default_factory=list)  # waiting for my signature
    last_signed: AttestationPublic | None = None  # what my last signature made of it
    photos_taken: int = 0

    # --- opening ---------------------------------------------------------------------------------------
    def form_problem(self) -> str | None:
        """The catalog key of the first thing that keeps the form from being sent, or None."""
        if not self.form.attempt():
            return self.form.id_error_key() or self.form.name_error_key() or "id.error.format"
        reason = " ".join(self.reason.split())
        if not MIN_REASON <= len(reason) <= MAX_REASON:
            return "attest.error.reason"
        if len(self.witness.strip()) > MAX_WITNESS:
            return "attest.error.witness"
        return None

    async def open(self, client: CaseClient) -> bool:
        if (problem := self.form_problem()) is not None:
            return self.refuse(problem)
        body = AttestationCreate(
            id_number=self.form.id_check.number,
            name=self.form.clean_name,
            reason=" ".join(self.reason.split()),
            witness_name=" ".join(self.witness.split()) or None,
        )
        opened = await self.call(lambda: client.open_attestation(body))
        if opened is None:
            return False
        self.current, self.pending, self.taken_on = opened, [], ""
        self.form, self.reason, self.witness = IdentityForm(), "", ""
        return True

    # --- evidence --------------------------------------------------------------------------------------
    def add_file(self, name: str, data: bytes) -> bool:
        """Keep a picked file to send; False (and ``problem_key``) when the API would refuse it."""
        kind = evidence_type(data)
        if kind is None:
            return self.refuse("attest.error.file_type")
        if len(data) > MAX_EVIDENCE_BYTES:
            return self.refuse("attest.error.file_size")
        if len(self.pending) >= MAX_FILES:
            return self.refuse("attest.error.too_many")
        self.clear()
        self.pending.append(PendingFile(name or f"evidence.{kind[1]}", data, kind[0]))
        return True

    def add_photo(self, jpeg: bytes) -> bool:
        """A photo from the camera."""
        self.photos_taken += 1
        return self.add_file(f"photo-{self.photos_taken}.jpg", jpeg)

    def drop_pending(self, index: int) -> None:
        if 0 <= index < len(self.pending):
            del self.pending[index]

    def taken_date(self, today: date) -> date | None:
        """The date typed for the pending files (today when left empty); None when it is not a past date."""
        text = self.taken_on.strip()
        if not text:
            return today
        try:
            taken = date.fromisoformat(text)
        except ValueError:
            return None
        return taken if len(text) == 10 and taken <= today else None

    async def send_files(self, client: CaseClient, *, today: date) -> bool:
        if self.current is None:
            return self.refuse("attest.error.none_open")
        if not self.pending:
            return self.refuse("attest.error.no_files")
        taken = self.taken_date(today)
        if taken is None:
            return self.refuse("attest.error.taken_on")
        attestation_id, files = self.current.attestation_id, [(f.name, f.data, f.mime) for f in self.pending]
        updated = await self.call(lambda: client.add_evidence(attestation_id, files, taken_on=taken))
        if updated is None:
            return False
        self.current, self.pending = updated, []
        return True

    # --- signing ---------------------------------------------------------------------------------------
    @staticmethod
    def may_sign(attestation: AttestationPublic, staff_id: int) -> bool:
        """Whether to offer the signature: still collecting, a level left, and I signed no level of it yet
        (one account signs one level). Whether my region is at that level the API decides."""
        return (
            attestation.status == "collecting"
            and attestation.next_signoff is not None
            and all(s.signer.staff_id != staff_id for s in attestation.signoffs)
        )

    async def sign(self, client: CaseClient, attestation: AttestationPublic) -> bool:
        """Sign ``attestation`` at the level shown for it (the API refuses when that is no longer next)."""
        attestation_id, level = attestation.attestation_id, attestation.next_signoff
        signed = await self.call(lambda: client.sign(attestation_id, level=level))
        if signed is None:
            if self.error_key == "error.same_staff":  # for a signature: one account signs one level
                self.error_key = "attest.error.signed_before"
            return False
        self.last_signed = signed
        if self.current is not None and self.current.attestation_id == signed.attestation_id:
            self.current = signed
        self.to_sign = [a for a in self.to_sign if a.attestation_id != signed.attestation_id]
        self.mine = [signed if a.attestation_id == signed.attestation_id else a for a in self.mine]
        return True

    # --- lists -----------------------------------------------------------------------------------------
    async def load_to_sign(self, client: CaseClient) -> bool:
        found = await self.call(client.awaiting_me)
        if found is None:
            return False
        self.to_sign = found
        return True

    async def load_mine(self, client: CaseClient) -> bool:
        found = await self.call(client.opened_by_me)
        if found is None:
            return False
        self.mine = found
        return True

    async def resume(self, client: CaseClient, attestation_id: int) -> bool:
        """Go back to one of my attestations (to add evidence or sign)."""
        found = await self.call(lambda: client.attestation(attestation_id))
        if found is None:
            return False
        self.current, self.pending, self.taken_on = found, [], ""
        return True

    def close(self) -> None:
        """Back to the list and the form (files not sent are dropped)."""
        self.current, self.pending, self.taken_on, self.last_signed = None, [], "", None
        self.clear()
