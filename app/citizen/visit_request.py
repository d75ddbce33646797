"""Asking for a home visit (请工作人员上门) without a UI: the person's ID number and name — or a family
helper's bound relative — a phone to arrange it, and why; then the service's answer (the request just
made, or the one already open for the person).

The request carries an ``Idempotency-Key`` made with the form: pressing "send" again after a lost answer
gets the same request back, never a second one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.common.api_client import ApiError, new_idempotency_key
from app.common.identity import IdentityForm, submit_id_error
from app.common.notices import Notice, notice_for
from shared.enums import VisitRequestReason
from shared.worklist_schemas import (
    PHONE_PATTERN,
    RelativeVisitRequestCreate,
    VisitRequestAck,
    VisitRequestCreate,
)

if TYPE_CHECKING:
    from app.common.api_client import ApiClient

_PHONE = re.compile(PHONE_PATTERN)
MAX_NOTE = 300


@dataclass
class VisitRequestForm:
    identity: IdentityForm = field(default_factory=IdentityForm)
    phone: str = ""
    reason: VisitRequestReason | None = None
    note: str = ""
    binding_id: int | None = None  # a family helper asks for this bound relative (no ID number typed)
    relative_name: str = ""  # the relative's masked name, for the heading
    idempotency_key: str = field(default_factory=new_idempotency_key)
    attempted: bool = False
    ack: VisitRequestAck | None = None
    notice: Notice | None = None
    busy: bool = False

    @classmethod
    def for_person(
        cls, identity: IdentityForm | None = None, reason: VisitRequestReason | None = None
    ) -> VisitRequestForm:
        """A new form, with what was already typed elsewhere (the identity screen) when there is some."""
        form = cls(reason=reason)
        if identity is not None:
            form.identity.id_text, form.identity.name = identity.id_text, identity.name
        return form

    @classmethod
    def for_relative(cls, binding_id: int, name: str) -> VisitRequestForm:
        return cls(binding_id=binding_id, relative_name=name)

    def errors(self) -> dict[str, str]:
        """Field → catalog key of the problem (shown once the form was sent)."""
        found: dict[str, str] = {}
        if self.binding_id is None and not self.identity.ready():
            found["identity"] = submit_id_error(self.identity.id_text) or "name.error.required"
        if not _PHONE.match(self.phone.strip()):
            found["phone"] = "family.error.phone"
        if self.reason is None:
            found["reason"] = "visit_request.error.reason"
        if len(self.note.strip()) > MAX_NOTE:
            found["note"] = "visit_request.error.note"
        return found

    async def submit(self, api: ApiClient) -> bool:
        """Send the request when the form is complete; True when the service answered."""
        self.attempted, self.notice = True, None
        self.identity.attempted = self.binding_id is None
        reason = self.reason
        if self.busy or self.errors() or reason is None:
            return False
        self.busy = True
        note = self.note.strip() or None
        try:
            if self.binding_id is not None:
                body = RelativeVisitRequestCreate(phone=self.phone.strip(), reason=reason, note=note)
                self.ack = await api.request_relative_visit(
                    self.binding_id, body, idempotency_key=self.idempotency_key
                )
            else:
                request = VisitRequestCreate(
                    id_number=self.identity.id_check.number,
                    name=self.identity.clean_name,
                    phone=self.phone.strip(),
                    reason=reason,
                    note=note,
                )
                self.ack = await api.request_visit(request, idempotency_key=self.idempotency_key)
            return True
        except ApiError as exc:
            self.notice = notice_for(exc)
            return False
        finally:
            self.busy = False
