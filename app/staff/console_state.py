"""What the staff app remembers of the signed-in staff member and the back-office screens, and their
actions (testable without a UI). One per session, in ``app.staff.state.StaffAppState``. The coordinators'
work list and the home visit in progress have their own state (``worklist_state``, ``visit_state``), kept
here so that signing out forgets them too.

Each action returns True on success; on failure ``error`` holds a :class:`Notice` (a catalog key with
its params, or the API error's code — never the server's English sentence) and ``error_key`` its key
(``error.same_staff`` …); screens show :meth:`ConsoleState.message`. Screens only render this state and
call these actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from app.common.api_client import ApiClient, ApiError
from app.common.notices import Notice, notice_for
from app.staff.attestation_state import AttestationDesk
from app.staff.case_desk import CaseDesk
from app.staff.console_client import ConsoleClient
from app.staff.death_report_state import DeathReportDesk
from app.staff.field_client import FieldClient
from app.staff.payroll_state import PayrollDesk
from app.staff.record_change_state import RecordChangeDesk
from app.staff.recovery_state import RecoveryDesk
from app.staff.review_case import ReviewCase
from app.staff.visit_state import HomeVisit
from app.staff.worklist_state import WorklistState
from shared.backoffice_schemas import (
    AuditPage,
    CycleRunResult,
    FeedMismatchPublic,
    SpotCheckCreate,
    SpotCheckPublic,
    StatsOverview,
)
from shared.cycle import agency_today
from shared.schemas import ErrorDetail, ReviewItemPublic, StaffPublic
from shared.worklist_schemas import WorklistEntry

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
HALF_YEAR_RE = re.compile(r"^\d{4}-H[12]$")
SPOT_OUTCOMES = ("confirmed", "not_confirmed", "unreachable")


MIN_REASON = 3  # characters a staff decision's reason needs (the screens check it before calling)


@dataclass
class ConsoleState:
    staff: StaffPublic | None = None
    client: ConsoleClient | None = None
    queue: list[ReviewItemPublic] = field(default_factory=list)
    case: ReviewCase = field(default_factory=ReviewCase)  # the review item opened from the queue
    attest: AttestationDesk = field(default_factory=AttestationDesk)  # attestations: open, add, sign
    cases: CaseDesk = field(default_factory=CaseDesk)  # tip-offs and other cases to check (核查案件)
    changes: RecordChangeDesk = field(default_factory=RecordChangeDesk)  # record changes: propose, decide
    last_decision: tuple[bool, str] | None = None  # (approved, masked name)
    last_run: CycleRunResult | None = None
    stats: StatsOverview | None = None
    mismatches: list[FeedMismatchPublic] = field(default_factory=list)
    last_mismatch: FeedMismatchPublic | None = None  # the last one decided (its status says how)
    spot_check: SpotCheckPublic | None = None
    audit: AuditPage | None = None
    recovery: RecoveryDesk = field(default_factory=RecoveryDesk)  # overpayment recovery cases
    payroll: PayrollDesk = field(default_factory=PayrollDesk)  # the bank's payroll file and return
    deaths: DeathReportDesk = field(default_factory=DeathReportDesk)  # monthly death reports
    worklist: WorklistState = field(default_factory=WorklistState)
    visit: HomeVisit | None = None  # the person opened from the work list
    face: ApiClient | None = None  # uploads an on-site challenge's frames (with this staff member's token)
    error: Notice | None = None  # what went wrong, to show in the staff member's language
    error_key: str | None = None  # its catalog key
    busy: bool = False

    def fail(self, notice: Notice) -> bool:
        """Remember what went wrong (a local check or the API's answer); returns False for the caller."""
        self.error, self.error_key = notice, notice.key
        return False

    def message(self, t: Any) -> str:
        """The last error in the staff member's language ("" when the last action worked)."""
        return self.error.render(t) if self.error is not None else ""

    @property
    def signed_in(self) -> bool:
        return self.staff is not None and self.client is not None

    def _signed_in(self) -> tuple[StaffPublic, ConsoleClient]:
        if self.staff is None or self.client is None:
            raise RuntimeError("nobody is signed in")  # the screens check signed_in first
        return self.staff, self.client

    @property
    def _api(self) -> ConsoleClient:
        """The signed-in session's client (RuntimeError when nobody is signed in)."""
        return self._signed_in()[1]

    @property
    def field_client(self) -> FieldClient:
        """The work-list, visit and on-site calls of the signed-in staff member."""
        return FieldClient(self._signed_in()[1])

    def face_api(self) -> ApiClient:
        """The capture flow's client for on-site challenges (made once per sign-in)."""
        if self.face is None:
            self.face = self._signed_in()[1].face_api()
        return self.face

    def open_person(self, entry: WorklistEntry) -> HomeVisit:
        """Start (or go back to) the home visit of a person on the work list."""
        staff, _ = self._signed_in()
        if self.visit is None or self.visit.entry.person_id != entry.person_id:
            today = self.worklist.page.today if self.worklist.page else agency_today()
            self.visit = HomeVisit(entry=entry, today=today, staff_id=staff.staff_id)
        return self.visit

    async def _call(self, coro_fn) -> Any:
        self.busy, self.error, self.error_key = True, None, None
        try:
            return await coro_fn()
        except ApiError as exc:
            self.fail(notice_for(exc))
            return None
        except ValidationError as exc:  # a request this app could not even build (an empty field …)
            self.fail(notice_for(local_validation_error(exc)))
            return None
        finally:
            self.busy = False

    async def sign_in(self, api_url: str, username: str, password: str, *, transport: Any = None) -> bool:
        client = ConsoleClient(api_url, transport=transport)
        staff = await self._call(lambda: client.login(username.strip(), password))
        if staff is None:
            await client.aclose()
            return False
        self.staff, self.client = staff, client
        return True

    async def sign_out(self) -> None:
        self.case, self.attest, self.cases = ReviewCase(), AttestationDesk(), CaseDesk()
        self.recovery, self.payroll, self.changes = RecoveryDesk(), PayrollDesk(), RecordChangeDesk()
        self.deaths = DeathReportDesk()
        if self.client is not None:
            await self.client.logout()  # the server revokes the token: a copy of it no longer works
            await self.client.aclose()
        if self.face is not None:
            await self.face.aclose()
            self.face = None
        self.staff = self.client = None
        self.queue, self.last_run, self.stats, self.last_decision = [], None, None, None
        self.mismatches, self.last_mismatch, self.spot_check, self.audit = [], None, None, None
        self.worklist, self.visit = WorklistState(), None

    async def load_queue(self) -> bool:
        page = await self._call(self._api.review_items)
        if page is None:
            return False
        self.queue = list(page.items)
        return True

    async def decide(self, review_id: str, *, approve: bool, reason: str) -> bool:
        item = await self._call(lambda: self._api.decide(review_id, approve=approve, reason=reason.strip()))
        if item is None:
            return False
        self.last_decision = (approve, item.holder_name)
        self.queue = [i for i in self.queue if i.review_id != review_id]
        return True

    async def run_month(self, month: str) -> bool:
        result = await self._call(lambda: self._api.run_month(month.strip()))
        if result is None:
            return False
        self.last_run = result
        return True

    async def load_stats(self) -> bool:
        stats = await self._call(self._api.stats)
        if stats is None:
            return False
        self.stats = stats
        return True

    # --- feed mismatches: the review list of rows whose name differs from the roll ------------------

    async def load_mismatches(self) -> bool:
        items = await self._call(self._api.feed_mismatches)
        if items is None:
            return False
        self.mismatches = list(items)
        return True

    async def decide_mismatch(self, item_id: int, *, apply: bool, reason: str) -> bool:
        reason = reason.strip()
        if len(reason) < MIN_REASON:
            return self.fail(Notice(key="problem.reason_too_short", params={"min": MIN_REASON}))
        item = await self._call(lambda: self._api.decide_mismatch(item_id, apply=apply, reason=reason))
        if item is None:
            return False
        self.last_mismatch = item
        self.mismatches = [m for m in self.mismatches if m.id != item_id]
        return True

    # --- spot checks --------------------------------------------------------------------------------

    async def draw_spot_check(
        self, half_year: str, region_code: str, *, townships: int = 2, villages: int = 2, per_village: int = 5
    ) -> bool:
        try:
            spec = SpotCheckCreate(
                half_year=half_year.strip().upper(),
                region_code=region_code.strip(),
                townships=townships,
                villages_per_township=villages,
                per_village=per_village,
            )
        except ValidationError as exc:
            return self.fail(notice_for(local_validation_error(exc)))
        check = await self._call(lambda: self._api.draw_spot_check(spec))
        if check is None:
            return False
        self.spot_check = check
        return True

    async def open_spot_check(self, check_id: int) -> bool:
        check = await self._call(lambda: self._api.spot_check(check_id))
        if check is None:
            return False
        self.spot_check = check
        return True

    async def record_outcome(self, item_id: int, outcome: str, note: str = "") -> bool:
        if self.spot_check is None or outcome not in SPOT_OUTCOMES:
            key = "problem.spot_outcome" if self.spot_check else "problem.no_spot_check"
            return self.fail(Notice(key=key))
        check_id = self.spot_check.id
        check = await self._call(
            lambda: self._api.spot_outcome(check_id, item_id, outcome=outcome, note=note.strip() or None)
        )
        if check is None:
            return False
        self.spot_check = check
        return True

    @property
    def spot_progress(self) -> tuple[int, int]:
        """(items with an outcome, items) of the open spot check."""
        items = self.spot_check.items if self.spot_check else []
        return sum(1 for i in items if i.outcome), len(items)

    # --- audit viewer --------------------------------------------------------------------------------

    async def search_audit(
        self, *, id_number: str = "", actor: str = "", date_from: str = "", date_to: str = ""
    ) -> bool:
        dates = {"date_from": date_from.strip(), "date_to": date_to.strip()}
        bad = [name for name, value in dates.items() if value and not valid_date(value)]
        if bad:
            return self.fail(Notice(key="problem.dates"))
        page = await self._call(
            lambda: self._api.audit(id_number=id_number.strip(), actor=actor.strip(), **dates)
        )
        if page is None:
            return False
        self.audit = page
        return True


def local_validation_error(exc: ValidationError) -> ApiError:
    """A form checked here before sending, reported like the API's ``validation_error`` (field + code)."""
    details = tuple(
        ErrorDetail(
            field=".".join(map(str, e["loc"])),
            code=e["type"],
            message=e["msg"],
            params={k: v for k, v in (e.get("ctx") or {}).items() if isinstance(v, int | float | str)},
        )
        for e in exc.errors()
    )
    return ApiError(
        422,
        "validation_error",
        str(exc),
        details=details,
        params={"fields": ",".join(d.field for d in details)},
    )


def valid_month(text: str) -> bool:
    return bool(MONTH_RE.match(text.strip()))


def valid_half_year(text: str) -> bool:
    return bool(HALF_YEAR_RE.match(text.strip().upper()))


def valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return len(text.strip()) == 10
