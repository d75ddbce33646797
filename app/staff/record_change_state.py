"""Record changes in the staff app, without a UI: the form to propose a change of a person's record (from
the person screen) and the queue of pending proposals an approver decides.

The form checks what it can before sending (a field chosen, an entitlement for an entitlement's field, a
value, an amount in yuan with at most two decimals, a month for a suspension or stop, a reason of at least
three characters); the API decides the rest and its refusals (``own_change``, ``change_stale``,
``id_number_taken`` …) are shown from the catalogs (:class:`~app.staff.action_state.ActionState`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.staff.action_state import ActionState
from app.staff.console_client import ConsoleClient
from shared.record_changes import (
    ChangeField,
    PersonRecordPublic,
    RecordChangeApproval,
    RecordChangeCreate,
    RecordChangePublic,
    RecordChangeRejection,
)

URL = "/api/v1/backoffice/record-changes"
MIN_REASON = 3
YUAN_RE = re.compile(r"^\d{1,8}(\.\d{1,2})?$")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
STATUS_VALUES = ("active", "suspended", "stopped")


def yuan_to_cents(text: str) -> str | None:
    """``"3500.5"`` → ``"350050"``; None when it is not an amount in yuan."""
    text = text.strip().replace(",", "")
    if not YUAN_RE.match(text):
        return None
    whole, _, part = text.partition(".")
    return str(int(whole) * 100 + int((part + "00")[:2]))


def cents_to_yuan(cents: str | int) -> str:
    value = int(cents)
    return f"{value // 100}.{value % 100:02d}"


@dataclass
class RecordChangeDesk(ActionState):
    person_id: int | None = None
    record: PersonRecordPublic | None = None
    kind: ChangeField | None = None  # the field chosen on the form
    entitlement_id: int | None = None
    last_proposed: RecordChangePublic | None = None
    queue: list[RecordChangePublic] = field(default_factory=list)
    last_decided: RecordChangePublic | None = None

    def for_person(self, person_id: int) -> None:
        if self.person_id != person_id:
            self.person_id, self.record, self.last_proposed = person_id, None, None
            self.kind = self.entitlement_id = None
        self.clear()

    async def load_record(self, client: ConsoleClient) -> bool:
        if self.person_id is None:
            return self.refuse("change.error.no_person")
        path = f"/api/v1/backoffice/people/{self.person_id}/record"
        record = await self.call(lambda: client.send("GET", path, PersonRecordPublic))
        if record is None:
            return False
        self.record = record
        if self.entitlement_id is None and record.entitlements:
            self.entitlement_id = record.entitlements[0].id
        return True

    def form_problem(self, value: str, from_month: str, reason: str) -> str | None:
        """The catalog key of the first thing that keeps the form from being sent, or None."""
        if self.kind is None:
            return "change.error.field"
        if self.kind.of_entitlement and self.entitlement_id is None:
            return "change.error.entitlement"
        if not value.strip():
            return "change.error.value"
        if self.kind is ChangeField.MONTHLY_AMOUNT and yuan_to_cents(value) is None:
            return "change.error.amount"
        needs_month = self.kind is ChangeField.STATUS and value in ("suspended", "stopped")
        if needs_month and not MONTH_RE.match(from_month.strip()):
            return "change.error.month"
        if len(" ".join(reason.split())) < MIN_REASON:
            return "change.error.reason"
        return None

    async def propose(
        self, client: ConsoleClient, *, value: str, reason: str, evidence: str = "", from_month: str = ""
    ) -> bool:
        if (problem := self.form_problem(value, from_month, reason)) is not None:
            return self.refuse(problem)
        assert self.kind is not None and self.person_id is not None
        sent = yuan_to_cents(value) if self.kind is ChangeField.MONTHLY_AMOUNT else value.strip()
        body = RecordChangeCreate(
            person_id=self.person_id,
            field=self.kind,
            entitlement_id=self.entitlement_id if self.kind.of_entitlement else None,
            value=sent or "",
            from_month=from_month.strip() or None if self.kind is ChangeField.STATUS else None,
            reason=" ".join(reason.split()),
            evidence=evidence.strip() or None,
        ).model_dump(mode="json")
        change = await self.call(lambda: client.send("POST", URL, RecordChangePublic, json=body))
        if change is None:
            return False
        self.last_proposed = change
        await self.load_record(client)
        return True

    async def load_queue(self, client: ConsoleClient) -> bool:
        queue = await self.call(lambda: client.send("GET", URL, list[RecordChangePublic]))
        if queue is None:
            return False
        self.queue = list(queue)
        return True

    async def decide(self, client: ConsoleClient, change_id: int, *, approve: bool, reason: str) -> bool:
        reason = " ".join(reason.split())
        if approve:
            body = RecordChangeApproval(note=reason or None).model_dump(mode="json")
        else:
            if len(reason) < MIN_REASON:
                return self.refuse("change.error.reject_reason")
            body = RecordChangeRejection(reason=reason).model_dump(mode="json")
        path = f"{URL}/{change_id}/{'approve' if approve else 'reject'}"
        change = await self.call(lambda: client.send("POST", path, RecordChangePublic, json=body))
        if change is None:
            return False
        self.last_decided = change
        self.queue = [c for c in self.queue if c.id != change_id]
        return True


def shown_value(t, change_field: ChangeField | str, value: str | None) -> str:
    """A value as a clerk reads it: an amount in yuan, a benefit type or status by name, "—" for none."""
    if value is None or value == "":
        return "—"
    kind = ChangeField(change_field)
    if kind is ChangeField.MONTHLY_AMOUNT and value.isdigit():
        return t("change.yuan", amount=cents_to_yuan(value))
    if kind is ChangeField.BENEFIT_TYPE:
        return t(f"benefit.{value}")
    if kind is ChangeField.STATUS:
        return t(f"payment.{value}")
    return value
