"""Cases (核查案件) in the staff app, without a UI: the list (open, mine, closed), the case opened from it,
and the actions — take it, add a note, close with an outcome. The API decides who may do what (region scope,
the deceased outcome for reviewers and admins); its refusals come back as catalog texts
(:class:`~app.staff.action_state.ActionState`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.staff.action_state import ActionState
from app.staff.console_client import ConsoleClient
from shared.case_schemas import CaseAssign, CaseNote, CaseOutcome, CasePublic

FILTERS = ("open", "mine", "closed")
OUTCOMES = tuple(o.value for o in CaseOutcome)
PATH = "/api/v1/backoffice/cases"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_NOTE = 3


@dataclass
class CaseDesk(ActionState):
    filter: str = "open"
    cases: list[CasePublic] = field(default_factory=list)
    current: CasePublic | None = None
    outcome: str | None = None  # the outcome chosen on the close form

    async def load(self, client: ConsoleClient, which: str | None = None) -> bool:
        self.filter = which if which in FILTERS else self.filter
        params = (
            {"mine": "true"}
            if self.filter == "mine"
            else {"state": "closed"}
            if self.filter == "closed"
            else {}
        )
        found = await self.call(lambda: client.send("GET", PATH, list[CasePublic], params=params))
        if found is None:
            return False
        self.cases = [c for c in found if self.filter != "open" or c.state != "closed"]
        return True

    async def open(self, client: ConsoleClient, case_id: int) -> bool:
        case = await self.call(lambda: client.send("GET", f"{PATH}/{case_id}", CasePublic))
        if case is None:
            return False
        self.current, self.outcome = case, None
        return True

    def back(self) -> None:
        self.current, self.outcome = None, None
        self.clear()

    async def _act(self, client: ConsoleClient, action: str, body: object) -> bool:
        if self.current is None:
            return False
        case_id = self.current.id
        path = f"{PATH}/{case_id}/{action}"
        case = await self.call(lambda: client.send("POST", path, CasePublic, json=body))
        if case is None:
            return False
        self.current = case
        return True

    async def assign_to_me(self, client: ConsoleClient) -> bool:
        return await self._act(client, "assign", CaseAssign().model_dump(mode="json"))

    async def add_note(self, client: ConsoleClient, text: str) -> bool:
        if not text.strip():
            return self.refuse("console.cases.problem.note")
        return await self._act(client, "notes", CaseNote(text=text.strip()[:1000]).model_dump(mode="json"))

    async def close(self, client: ConsoleClient, note: str, death_date: str = "") -> bool:
        if self.outcome not in OUTCOMES:
            return self.refuse("console.cases.problem.outcome")
        if len(note.strip()) < MIN_NOTE:
            return self.refuse("console.cases.problem.close_note")
        day = death_date.strip()
        if day and not _DATE.match(day):
            return self.refuse("console.cases.problem.date")
        body = {"outcome": self.outcome, "note": note.strip()[:1000], "death_date": day or None}
        return await self._act(client, "close", body)
