"""The work list screen without a UI: its filters, the last page the API sent, and how an entry is told.

``WorklistState.load`` asks ``GET /api/v1/worklist`` with the filters; the screen renders ``page`` (the
count per village at the top, one card per person) and ``card_lines`` (plain catalog keys and fields, so
the wording is tested without Flet). A failure leaves the last page in place and sets ``notice``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.common.api_client import ApiError
from app.common.notices import Notice, notice_for
from app.staff.field_client import FieldClient
from shared.enums import CycleState
from shared.worklist_schemas import WorklistEntry, WorklistPage

# The states a work-list entry can have (certified people are not listed), most urgent first.
LISTED_STATES = (CycleState.SUSPENDED, CycleState.OVERDUE, CycleState.DUE)


@dataclass
class WorklistFilters:
    state: CycleState | None = None
    village: str | None = None  # a region code: that village (and below)
    special_only: bool = False
    visit_requested: bool = False


@dataclass
class WorklistState:
    filters: WorklistFilters = field(default_factory=WorklistFilters)
    page: WorklistPage | None = None
    notice: Notice | None = None
    busy: bool = False

    async def load(self, client: FieldClient) -> bool:
        """Ask for the list with the current filters; True when a page arrived."""
        self.busy, self.notice = True, None
        f = self.filters
        try:
            self.page = await client.worklist(
                state=f.state,
                village=f.village,
                special_only=f.special_only,
                visit_requested=f.visit_requested,
            )
            return True
        except ApiError as exc:
            self.notice = notice_for(exc)
            return False
        finally:
            self.busy = False

    def set_state(self, state: CycleState | None) -> None:
        self.filters.state = state

    def set_village(self, code: str | None) -> None:
        self.filters.village = code

    def toggle_special(self) -> None:
        self.filters.special_only = not self.filters.special_only

    def toggle_visit_requested(self) -> None:
        self.filters.visit_requested = not self.filters.visit_requested

    @property
    def entries(self) -> list[WorklistEntry]:
        return list(self.page.items) if self.page else []

    def entry(self, person_id: int) -> WorklistEntry | None:
        return next((e for e in self.entries if e.person_id == person_id), None)


def village_of(entry: WorklistEntry) -> str:
    """The name of the person's village (the lowest region of their path)."""
    return entry.regions[-1].name if entry.regions else entry.region_code


def deadline_line(entry: WorklistEntry) -> tuple[str, dict[str, object]]:
    """(catalog key, fields) of the person's urgency: payment suspended; overdue (a past window was missed;
    ``days_left`` count to the end of the current one); or the days left in the open window."""
    if entry.state is CycleState.SUSPENDED:
        return "worklist.suspended", {}
    if entry.state is CycleState.OVERDUE:
        return "worklist.overdue", {"days": max(0, entry.days_left)}
    if entry.days_left <= 0:
        return "worklist.last_day", {}
    return "worklist.days_left", {"days": entry.days_left}


def reference_line(entry: WorklistEntry) -> str | None:
    """The catalog key for the person's reference face when it needs taking on the visit, else None."""
    if not entry.reference_face:
        return "worklist.reference.missing"
    if entry.reference_outdated:
        return "worklist.reference.outdated"
    return None
