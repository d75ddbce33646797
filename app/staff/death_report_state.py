"""Monthly death reports in the staff app, without a UI: a village coordinator or unit administrator fills
in last month's report (rows of deaths, or "none this month") and submits it; township and county staff
load who is late, remind them and consolidate their region's month.

Rows are checked before sending (each row complete, a date as YYYY-MM-DD); the API decides the rest and its
refusals (``death_report_locked``, ``death_report_missing`` …) are shown from the catalogs
(:class:`~app.staff.action_state.ActionState`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from app.staff.action_state import ActionState
from app.staff.console_client import ConsoleClient
from shared.cycle import agency_today
from shared.death_reports import (
    ConsolidationIn,
    ConsolidationPublic,
    DeathReportIn,
    DeathReportPublic,
    DeathRowIn,
    LateList,
    ReminderPublic,
    RemindIn,
)
from shared.months import YearMonth

URL = "/api/v1/backoffice/death-reports"
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ROW_FIELDS = ("id_number", "name", "died_on", "note")


def last_month() -> str:
    return str(YearMonth.of(agency_today()).prev())


@dataclass
class DeathReportDesk(ActionState):
    month: str = field(default_factory=last_month)
    rows: list[dict[str, str]] = field(default_factory=list)  # id_number, name, died_on, note
    none_this_month: bool = False
    last_report: DeathReportPublic | None = None
    units: LateList | None = None
    accept_missing: bool = False
    consolidation: ConsolidationPublic | None = None
    reminded: list[ReminderPublic] | None = None

    def add_row(self) -> None:
        self.rows.append(dict.fromkeys(ROW_FIELDS, ""))
        self.none_this_month = False

    def set_none(self, value: bool) -> None:
        self.none_this_month = value
        if value:
            self.rows = []

    def _month(self) -> str | None:
        month = self.month.strip()
        return month if MONTH_RE.fullmatch(month) else None

    async def submit(self, client: ConsoleClient, village_code: str | None = None) -> bool:
        month = self._month()
        if month is None:
            return self.refuse("deaths.month_invalid")
        rows = [r for r in self.rows if any(v.strip() for v in r.values())]
        if not self.none_this_month and not rows:
            return self.refuse("error.death_report_empty")
        for row in rows:
            if not (
                row["id_number"].strip() and row["name"].strip() and DATE_RE.fullmatch(row["died_on"].strip())
            ):
                return self.refuse("deaths.row_incomplete")
        try:
            body = DeathReportIn(
                month=month,
                village_code=(village_code or "").strip() or None,
                none_this_month=self.none_this_month,
                deaths=[DeathRowIn.model_validate({k: r[k].strip() for k in ROW_FIELDS}) for r in rows],
            )
        except ValidationError:
            return self.refuse("deaths.row_incomplete")
        report = await self.call(
            lambda: client.send("POST", URL, DeathReportPublic, json=body.model_dump(mode="json"))
        )
        if report is None:
            return False
        self.last_report = report
        return True

    async def load(self, client: ConsoleClient) -> bool:
        month = self._month()
        if month is None:
            return self.refuse("deaths.month_invalid")
        found = await self.call(lambda: client.send("GET", URL, LateList, params={"month": month}))
        if found is None:
            return False
        self.units = found
        return True

    async def remind(self, client: ConsoleClient) -> bool:
        month = self._month()
        if month is None:
            return self.refuse("deaths.month_invalid")
        body = RemindIn(month=month).model_dump(mode="json")
        sent = await self.call(
            lambda: client.send("POST", f"{URL}/reminders", list[ReminderPublic], json=body)
        )
        if sent is None:
            return False
        self.reminded = list(sent)
        return True

    async def consolidate(self, client: ConsoleClient, region_code: str | None) -> bool:
        month = self._month()
        if month is None:
            return self.refuse("deaths.month_invalid")
        if not region_code:
            return self.refuse("error.death_report_not_consolidating")
        body = ConsolidationIn(month=month, region_code=region_code, accept_missing=self.accept_missing)
        done = await self.call(
            lambda: client.send(
                "POST", f"{URL}/consolidations", ConsolidationPublic, json=body.model_dump(mode="json")
            )
        )
        if done is None:
            return False
        self.consolidation = done
        await self.load(client)
        self.clear()
        return True
