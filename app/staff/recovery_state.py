"""Recovering an overpayment (追缴) in the staff app, without a UI: the list of cases (by state), the case
opened from it with its ledger and history, a step on, and a repayment.

The API decides which steps are allowed (the case's ``next_steps``, shared/recovery.py) and refuses the
others; its refusals (``recovery_step_not_allowed``, ``recovery_over_balance``,
``recovery_not_creditable`` …) are shown from the catalogs (:class:`~app.staff.action_state.ActionState`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.staff.action_state import ActionState
from app.staff.console_client import ConsoleClient
from shared.backoffice_schemas import (
    RecoveryCaseDetail,
    RecoveryCaseSummary,
    RecoveryRepaymentCreate,
    RecoveryStepCreate,
)
from shared.recovery import Agreement, RecoveryState, RepaymentKind, parse_yuan

BASE = "/api/v1/backoffice/recovery-cases"
MIN_NOTE, MAX_NOTE = 3, 500


def parse_documents(text: str) -> list[str]:
    """Document references typed one per line or separated by ；/; (a letter number, a file number …)."""
    for sep in ("；", ";", "\n"):
        text = text.replace(sep, "\n")
    return [ref.strip() for ref in text.split("\n") if ref.strip()]


def parse_day(text: str) -> date | None | bool:
    """``YYYY-MM-DD`` → the date; empty → None (today); anything else → False."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else False
    except ValueError:
        return False


@dataclass
class RecoveryDesk(ActionState):
    state_filter: RecoveryState | None = None  # None: every state
    cases: list[RecoveryCaseSummary] = field(default_factory=list)
    current: RecoveryCaseDetail | None = None
    note: str = ""
    documents: str = ""
    on: str = ""  # YYYY-MM-DD; empty means today
    amount: str = ""  # yuan, as typed
    loaded: bool = False

    async def load(self, client: ConsoleClient, state: RecoveryState | None = None) -> bool:
        self.state_filter = state
        params = {"state": state.value} if state is not None else None
        cases = await self.call(lambda: client.send("GET", BASE, list[RecoveryCaseSummary], params=params))
        if cases is None:
            return False
        self.cases, self.loaded = list(cases), True
        return True

    async def open(self, client: ConsoleClient, case_id: int) -> bool:
        case = await self.call(lambda: client.send("GET", f"{BASE}/{case_id}", RecoveryCaseDetail))
        if case is None:
            return False
        self.current = case
        self.note = self.documents = self.on = self.amount = ""
        return True

    def _day(self) -> date | None | bool:
        day = parse_day(self.on)
        if day is False:
            self.refuse("recovery.error.date")
        return day

    async def move(
        self, client: ConsoleClient, to: RecoveryState, agreement: Agreement | None = None
    ) -> bool:
        if self.current is None:
            return self.refuse("recovery.error.no_case")
        note = " ".join(self.note.split())
        if not MIN_NOTE <= len(note) <= MAX_NOTE:
            return self.refuse("recovery.error.note")
        if (day := self._day()) is False:
            return False
        body = RecoveryStepCreate(
            to=to.value,
            on=day if isinstance(day, date) else None,
            note=note,
            documents=parse_documents(self.documents),
            agreement=agreement.value if agreement is not None else None,
        )
        case_id = self.current.id
        case = await self.call(
            lambda: client.send(
                "POST", f"{BASE}/{case_id}/steps", RecoveryCaseDetail, json=body.model_dump(mode="json")
            )
        )
        if case is None:
            return False
        self.current, self.note, self.documents = case, "", ""
        self._refresh_row(case)
        return True

    async def pay(self, client: ConsoleClient, kind: RepaymentKind) -> bool:
        if self.current is None:
            return self.refuse("recovery.error.no_case")
        cents = parse_yuan(self.amount)
        if cents is None or cents <= 0:
            return self.refuse("recovery.error.amount")
        if (day := self._day()) is False:
            return False
        body = RecoveryRepaymentCreate(
            amount_cents=cents,
            kind=kind.value,
            on=day if isinstance(day, date) else None,
            note=" ".join(self.note.split()) or None,
        )
        case_id = self.current.id
        case = await self.call(
            lambda: client.send(
                "POST", f"{BASE}/{case_id}/repayments", RecoveryCaseDetail, json=body.model_dump(mode="json")
            )
        )
        if case is None:
            return False
        self.current, self.amount, self.note = case, "", ""
        self._refresh_row(case)
        return True

    def _refresh_row(self, case: RecoveryCaseDetail) -> None:
        """The list shows the case as it is now (or drops it when it left the filtered state)."""
        row = RecoveryCaseSummary.model_validate(
            case.model_dump(include=set(RecoveryCaseSummary.model_fields))
        )
        kept = self.state_filter is None or case.state == self.state_filter.value
        self.cases = [row if c.id == case.id else c for c in self.cases if c.id != case.id or kept]
